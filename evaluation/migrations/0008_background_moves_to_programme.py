"""The participant's background moves to programme.Background (ADR 0013): one record for the
match survey, the participant page and the sample table (Table 2), in the study's categories.

What is carried, per participant, into programme.Background:

- the evaluation's Background (same codes): origin, education, employment, lives_alone,
  complications, other_diagnoses; `work_experience_as_support_person` becomes
  `support_work_experience`;
- the current match survey's answers, mapped to the study's categories:

  ========================  ===============================================
  survey's answer           background
  ========================  ===============================================
  ethnicity danish          origin danish
  ethnicity western         origin western
  ethnicity non_western     origin non_western
  education basic           education short (primary school)
  education short           education vocational (vocational or short)
  education medium          education intermediate (short or intermediate
                            higher education)
  education long            education long
  occupation employed       employment employed
  occupation unemployed     employment unemployed
  occupation sick_leave     employment sick_leave
  occupation                employment early_retirement
  disability_pension
  occupation retired        employment retired
  support_work_experience   support_work_experience
  ========================  ===============================================

Where both exist, the evaluation's entry wins field by field where it is filled (a code, a
yes/no for living alone, a list that is not empty, work experience recorded as yes); the
survey's answer fills the rest. A code outside the lists is not carried (left empty).

The reverse writes the background back to both (evaluation's vocabulary as is, the survey's
mapped back) so that an older version of the code finds what it read.

Runs after programme's 0014 (the new table) and before matching's 0007, which removes the
survey's four fields once they are carried.
"""

from django.db import migrations

ORIGIN = {"danish": "danish", "western": "western", "non_western": "non_western"}
EDUCATION = {"basic": "short", "short": "vocational", "medium": "intermediate", "long": "long"}
EMPLOYMENT = {
    "employed": "employed",
    "unemployed": "unemployed",
    "sick_leave": "sick_leave",
    "disability_pension": "early_retirement",
    "retired": "retired",
}
ORIGINS = set(ORIGIN.values())
EDUCATIONS = set(EDUCATION.values())
EMPLOYMENTS = set(EMPLOYMENT.values())


def _from_survey(survey) -> dict:
    return {
        "origin": ORIGIN.get(survey.ethnicity, ""),
        "education": EDUCATION.get(survey.education, ""),
        "employment": EMPLOYMENT.get(survey.occupation, ""),
        "support_work_experience": bool(survey.support_work_experience),
    }


def _from_evaluation(row) -> dict:
    values = {
        "origin": row.origin if row.origin in ORIGINS else "",
        "education": row.education if row.education in EDUCATIONS else "",
        "employment": row.employment if row.employment in EMPLOYMENTS else "",
        "lives_alone": row.lives_alone,
        "support_work_experience": bool(row.work_experience_as_support_person),
        "complications": list(row.complications or []),
        "other_diagnoses": list(row.other_diagnoses or []),
    }
    # Filled only: what is empty here (no code, no yes/no, an empty list, work experience not
    # recorded) leaves the survey's answer standing.
    return {
        name: value
        for name, value in values.items()
        if value not in ("", None, []) and (name != "support_work_experience" or value)
    }


def carry(apps, schema_editor):
    Evaluation = apps.get_model("evaluation", "Background")
    Survey = apps.get_model("matching", "MatchSurvey")
    Background = apps.get_model("programme", "Background")
    values: dict[int, dict] = {}
    for survey in Survey.objects.filter(is_current=True).iterator():
        values[survey.participant_id] = _from_survey(survey)
    for row in Evaluation.objects.iterator():
        values.setdefault(row.participant_id, {}).update(_from_evaluation(row))
    Background.objects.bulk_create(
        [Background(participant_id=pk, **fields) for pk, fields in values.items()],
        batch_size=1000,
    )


def carry_back(apps, schema_editor):
    Evaluation = apps.get_model("evaluation", "Background")
    Survey = apps.get_model("matching", "MatchSurvey")
    Background = apps.get_model("programme", "Background")
    to_education = {new: old for old, new in EDUCATION.items()}
    to_occupation = {new: old for old, new in EMPLOYMENT.items()}
    for row in Background.objects.iterator():
        Evaluation.objects.update_or_create(
            participant_id=row.participant_id,
            defaults={
                "origin": row.origin,
                "education": row.education,
                "employment": row.employment,
                "lives_alone": row.lives_alone,
                "work_experience_as_support_person": row.support_work_experience,
                "complications": row.complications,
                "other_diagnoses": row.other_diagnoses,
            },
        )
        Survey.objects.filter(participant_id=row.participant_id, is_current=True).update(
            ethnicity=row.origin,
            education=to_education.get(row.education, ""),
            occupation=to_occupation.get(row.employment, ""),
            support_work_experience=row.support_work_experience,
        )
    Background.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0007_case_records_on_first_pair"),
        ("matching", "0006_pair_moves_to_logbooks"),
        ("programme", "0014_background"),
    ]

    operations = [migrations.RunPython(carry, carry_back)]
