"""The evaluation consent splits into the purposes research needs: use of routine data,
being interviewed, being observed (supporters only). An "evaluation" answer meant all of them,
so each becomes one answer per new purpose, with the same decision, date, method, recorder,
time and note, given to a copy of the text it was given to (same site, version, title, body
and start). The reverse folds them back: the answers recorded together become one evaluation
answer, given only when every one of them was given (declining any part of the evaluation
was, before, declining the evaluation)."""

from django.db import migrations, models

EVALUATION = "evaluation"
RESEARCH = ("routine_data", "interview", "observation")
PURPOSES = [
    ("programme", "Taking part in the programme"),
    ("routine_data", "Use of routine data (visits, logbooks, meetings) in the evaluation"),
    ("interview", "Being interviewed for the evaluation"),
    ("observation", "Being observed at courses, supervision and network meetings"),
]
TEXT_FIELDS = ("site_id", "version", "title", "body", "valid_from", "created_at")
ANSWER_FIELDS = (
    "participant_id",
    "decision",
    "decided_on",
    "method",
    "recorded_by_id",
    "recorded_at",
    "note",
    "screening_override_reason",
)
# Folding back: the strongest "no" of the answers recorded together wins.
FOLD_ORDER = ("withdrawn", "declined", "given")


def split(apps, schema_editor):
    ConsentText = apps.get_model("programme", "ConsentText")
    Consent = apps.get_model("programme", "Consent")
    texts: dict[int, dict[str, object]] = {}
    for old in ConsentText.objects.filter(purpose=EVALUATION).order_by("id"):
        values = {name: getattr(old, name) for name in TEXT_FIELDS}
        texts[old.pk] = {
            purpose: ConsentText.objects.get_or_create(
                site_id=old.site_id,
                purpose=purpose,
                version=old.version,
                defaults={k: v for k, v in values.items() if k not in ("site_id", "version")},
            )[0]
            for purpose in RESEARCH
        }
    answers = []
    old_answers = Consent.objects.filter(purpose=EVALUATION).select_related("participant")
    for old in old_answers.order_by("id").iterator():
        for purpose in RESEARCH:
            if purpose == "observation" and old.participant.kind != "supporter":
                continue
            answers.append(
                Consent(
                    purpose=purpose,
                    text=texts[old.text_id][purpose],
                    **{name: getattr(old, name) for name in ANSWER_FIELDS},
                )
            )
    Consent.objects.bulk_create(answers, batch_size=2000)
    Consent.objects.filter(purpose=EVALUATION).delete()
    ConsentText.objects.filter(purpose=EVALUATION).delete()


def fold(apps, schema_editor):
    ConsentText = apps.get_model("programme", "ConsentText")
    Consent = apps.get_model("programme", "Consent")
    texts: dict[tuple[int, int], object] = {}
    for new in ConsentText.objects.filter(purpose__in=RESEARCH).order_by(
        models.Case(
            *(models.When(purpose=p, then=models.Value(i)) for i, p in enumerate(RESEARCH))
        ),
        "id",
    ):
        key = (new.site_id, new.version)
        if key not in texts:
            texts[key] = ConsentText.objects.get_or_create(
                site_id=new.site_id,
                purpose=EVALUATION,
                version=new.version,
                defaults={
                    name: getattr(new, name)
                    for name in TEXT_FIELDS
                    if name not in ("site_id", "version")
                },
            )[0]
    groups: dict[tuple[int, object], list] = {}
    research = Consent.objects.filter(purpose__in=RESEARCH).select_related("text")
    for answer in research.order_by("recorded_at", "id").iterator():
        groups.setdefault((answer.participant_id, answer.recorded_at), []).append(answer)
    folded = []
    for group in groups.values():
        first = group[0]
        decision = min((a.decision for a in group), key=FOLD_ORDER.index)
        values = {name: getattr(first, name) for name in ANSWER_FIELDS}
        values["decision"] = decision
        folded.append(
            Consent(
                purpose=EVALUATION,
                text=texts[(first.text.site_id, first.text.version)],
                **values,
            )
        )
    Consent.objects.bulk_create(folded, batch_size=2000)
    Consent.objects.filter(purpose__in=RESEARCH).delete()
    ConsentText.objects.filter(purpose__in=RESEARCH).delete()


class Migration(migrations.Migration):
    dependencies = [("programme", "0014_background")]

    operations = [
        # Choices are not kept by the database: the rows move first, then the field says
        # which purposes there are.
        migrations.RunPython(split, fold),
        migrations.AlterField(
            model_name="consent",
            name="purpose",
            field=models.CharField(choices=PURPOSES, max_length=20, verbose_name="purpose"),
        ),
        migrations.AlterField(
            model_name="consenttext",
            name="purpose",
            field=models.CharField(choices=PURPOSES, max_length=20, verbose_name="purpose"),
        ),
    ]
