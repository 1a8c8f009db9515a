"""Writes of the evaluation: the nurse's visits and the evaluation records of each case.

Every service is keyword-only, atomic and takes the acting user as `by=`. Access is checked by
the views; the services refuse data about participants without the consent its purpose needs
(routine data, or interview).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from logbooks.models import Logbook, Pair
from programme.models import Kind, Participant
from tod.accounts.models import Site, User

from .models import (
    CaseConfiguration,
    CodeGroup,
    ContextFactor,
    Evidence,
    Interview,
    MeaningUnit,
    Mechanism,
    NurseVisit,
    Observation,
    Outcome,
    ProgrammeTheory,
    TheoryConfiguration,
)
from .models.choices import InformantType
from .pseudonyms import moved
from .queries import (
    has_interview_consent,
    has_routine_data_consent,
    installation_redactor,
    redactor_for_site,
)
from .sources import source_text


def _require_consent(participant: Participant) -> None:
    if not has_routine_data_consent(participant):
        raise ValidationError(
            _(
                "%(name)s has not consented to the use of their routine data in the evaluation; "
                "nothing can be recorded."
            )
            % {"name": participant.full_name}
        )


def _name_the_informant(interview: Interview, supporter: Participant | None) -> None:
    """The interviewee: the case's peer, or the case's supporter who was interviewed. A case a
    substitute continued has two supporters: `supporter` says which (with one, it is that
    one). Staff and interviews of no case name nobody."""
    interview.informant = None
    if interview.pair is None:
        return
    if interview.informant_type == InformantType.PEER:
        interview.informant = interview.pair.peer
    elif interview.informant_type == InformantType.SUPPORTER:
        supporters = list(
            dict.fromkeys(
                Pair.objects.of_cases([interview.pair.case_key])
                .order_by("created_at", "id")
                .values_list("supporter_id", flat=True)
            )
        )
        if supporter is not None and supporter.pk not in supporters:
            raise ValidationError(
                {"supporter": _("This supporter was not a supporter of the case.")}
            )
        if supporter is None and len(supporters) > 1:
            raise ValidationError(
                {
                    "supporter": _(
                        "A substitute took over this case: choose which of its supporters was "
                        "interviewed."
                    )
                }
            )
        interview.informant_id = supporter.pk if supporter else supporters[0]


def _require_interview_consent(interview: Interview) -> None:
    """An interview of a case with its peer or supporter needs that informant's consent to be
    interviewed (the supporter interviewed about a peer who declined their own interview is
    the supporter's to agree to)."""
    informant = interview.informant
    if informant is None:
        return  # staff (manager, nurse) are not participants; an interview of no case
    if has_interview_consent(informant):
        return
    if interview.informant_type == InformantType.PEER:
        refusal = _(
            "The peer of this case has not consented to being interviewed: their interview "
            "cannot be recorded. An interview with the supporter about the case can."
        )
    else:
        refusal = _(
            "The supporter of this case has not consented to being interviewed: their "
            "interview cannot be recorded."
        )
    raise ValidationError({"informant_type": refusal})


@transaction.atomic
def nurse_visit_save(
    *,
    peer: Participant,
    kind: str,
    values: dict[str, Any],
    by: User,
    confirmed_warnings: list[str] | None = None,
) -> NurseVisit:
    """Record (or correct) a peer's pre or post visit; scores are computed from the items.

    One visit per peer and kind: saving again updates it. Values outside plausible ranges must
    have been refused by the form (ranges.check_measures).

    Concurrent saves for one peer take turns on a lock of the peer's row, so the second reads
    the visit the first created instead of inserting another (which the unique constraint
    would refuse with an IntegrityError: a 500). The visit form's view takes the same lock
    before it reads the visit, so it can tell a repeat from a correction.
    """
    if peer.kind != Kind.PEER:
        raise ValidationError(_("Only peers have nurse visits."))
    Participant.objects.select_for_update().filter(pk=peer.pk).exists()
    _require_consent(peer)
    visit = NurseVisit.objects.filter(peer=peer, kind=kind).first() or NurseVisit(
        peer=peer, kind=kind, site_id=peer.site_id
    )
    for name, value in values.items():
        setattr(visit, name, value)
    visit.nurse = by
    redact = redactor_for_site(peer.site)
    visit.self_care_note = redact(visit.self_care_note)
    visit.medication_note = redact(visit.medication_note)
    visit.other_diagnoses_note = redact(visit.other_diagnoses_note)
    visit.early_reason = redact(visit.early_reason)
    visit.confirmed_warnings = sorted(confirmed_warnings or [])
    visit.compute_scores()
    visit.updated_at = timezone.now()
    visit.save()
    if kind == "post":
        nurse_post_visit_reminders_cancel(peer=peer)
    return visit


def _case(pair: Pair) -> Pair:
    """The case a record of `pair` belongs to: its first pair (a substitute supporter's pair
    continues the case), once its peer and first supporter are known to have consented."""
    case = pair.case_root()
    _require_consent(case.peer)
    _require_consent(case.supporter)
    return case


@transaction.atomic
def outcome_save(
    *,
    pair: Pair,
    kind: str,
    result: str,
    by: User,
    description: str = "",
    behaviours: Iterable[str] = (),
) -> Outcome:
    """Record a case's outcome of one kind; saving the same kind again updates it."""
    pair = _case(pair)
    outcome, _created = Outcome.objects.update_or_create(
        pair=pair,
        kind=kind,
        defaults={
            "result": result,
            "description": redactor_for_site(pair.site)(description),
            "behaviours": list(behaviours),
            "created_by": by,
        },
    )
    return outcome


@transaction.atomic
def context_add(
    *, pair: Pair, subject: str, category: str, influence: str, by: User, description: str = ""
) -> ContextFactor:
    pair = _case(pair)
    return ContextFactor.objects.create(
        pair=pair,
        subject=subject,
        category=category,
        influence=influence,
        description=redactor_for_site(pair.site)(description),
        created_by=by,
    )


@transaction.atomic
def mechanism_add(
    *, pair: Pair, category: str, actor: str, by: User, description: str = ""
) -> Mechanism:
    pair = _case(pair)
    return Mechanism.objects.create(
        pair=pair,
        category=category,
        actor=actor,
        description=redactor_for_site(pair.site)(description),
        created_by=by,
    )


@transaction.atomic
def case_configuration_add(
    *,
    pair: Pair,
    intervention: str,
    actor: str,
    mechanism: Mechanism,
    outcome: Outcome,
    by: User,
    contexts: Iterable[ContextFactor] = (),
    theory_configuration: TheoryConfiguration | None = None,
    stance: str = "supports",
    note: str = "",
) -> CaseConfiguration:
    """Link an intervention component, contexts, an actor, a mechanism and an outcome of one
    case, optionally as a test of a programme theory's configuration."""
    pair = _case(pair)
    if mechanism.pair_id != pair.id or outcome.pair_id != pair.id:
        raise ValidationError(_("The mechanism and the outcome must belong to this case."))
    contexts = list(contexts)
    if any(c.pair_id != pair.id for c in contexts):
        raise ValidationError(_("The contexts must belong to this case."))
    configuration = CaseConfiguration.objects.create(
        pair=pair,
        intervention=intervention,
        actor=actor,
        mechanism=mechanism,
        outcome=outcome,
        theory_configuration=theory_configuration,
        stance=stance,
        note=redactor_for_site(pair.site)(note),
        created_by=by,
    )
    configuration.contexts.set(contexts)
    return configuration


@transaction.atomic
def evidence_add(
    *,
    target: Outcome | ContextFactor | Mechanism | CaseConfiguration | TheoryConfiguration,
    site_id: int,
    source_kind: str,
    quote: str,
    by: User,
    **sources: Any,
) -> Evidence:
    """Cite a quote from a source for one record (outcome, context, mechanism, case or theory
    configuration). `sources` may name excerpt, interview, observation, nurse_visit or
    logbook_entry_id."""
    field = {
        Outcome: "outcome",
        ContextFactor: "context",
        Mechanism: "mechanism",
        CaseConfiguration: "case_configuration",
        TheoryConfiguration: "theory_configuration",
    }[type(target)]
    return Evidence.objects.create(
        site_id=site_id,
        source_kind=source_kind,
        quote=redactor_for_site(Site.objects.get(pk=site_id))(quote),
        created_by=by,
        **{field: target},
        **sources,
    )


@transaction.atomic
def theory_create(
    *,
    site: Site,
    kind: str,
    title: str,
    by: User,
    description: str = "",
    refines: ProgrammeTheory | None = None,
) -> ProgrammeTheory:
    """A new programme theory version. A refinement copies the configurations of the version it
    refines (each marked as derived from its original) so they can be edited and retested.
    The title and description are stored pseudonymised, as every free text of the evaluation."""
    last = ProgrammeTheory.objects.filter(site=site).order_by("-version").first()
    redact = redactor_for_site(site)
    theory = ProgrammeTheory.objects.create(
        site=site,
        version=(last.version + 1) if last else 1,
        kind=kind,
        title=redact(title),
        description=redact(description),
        refines=refines,
        created_by=by,
    )
    if refines is not None:
        for original in refines.configurations.all():
            TheoryConfiguration.objects.create(
                theory=theory,
                code=original.code,
                intervention=original.intervention,
                context=original.context,
                actor=original.actor,
                resource=original.resource,
                reasonings=list(original.reasonings),
                outcome=original.outcome,
                statement=original.statement,
                derived_from=original,
            )
    return theory


@transaction.atomic
def theory_configuration_save(
    *,
    theory: ProgrammeTheory,
    values: dict[str, Any],
    by: User,
    configuration: TheoryConfiguration | None = None,
) -> TheoryConfiguration:
    """Add or change a configuration; its code, context and statement stored pseudonymised."""
    configuration = configuration or TheoryConfiguration(theory=theory)
    texts = ("code", "context", "statement")
    for name, value in _pseudonymised(theory.site, values, texts).items():
        setattr(configuration, name, value)
    configuration.full_clean()
    configuration.save()
    return configuration


def _pseudonymised(site: Site, values: dict[str, Any], fields: Collection[str]) -> dict[str, Any]:
    """Free text is stored pseudonymised: names and contact details of the site's participants
    and staff become their pseudonyms, whoever typed them."""
    redact = redactor_for_site(site)
    return {k: redact(v) if k in fields and isinstance(v, str) else v for k, v in values.items()}


@transaction.atomic
def interview_save(
    *, site: Site, values: dict[str, Any], by: User, interview: Interview | None = None
) -> Interview:
    """Record an interview; the transcript and notes are stored pseudonymised. An interview of
    a case with its peer or supporter names them (`values["supporter"]`: which supporter, in a
    case a substitute continued) and needs their interview consent."""
    interview = interview or Interview(site=site, interviewer=by)
    values = dict(values)
    supporter = values.pop("supporter", None)
    for name, value in _pseudonymised(site, values, ("transcript", "notes")).items():
        setattr(interview, name, value)
    if interview.pair is not None and interview.pair.site_id != site.id:
        raise ValidationError(_("The case belongs to another site."))
    _name_the_informant(interview, supporter)
    _require_interview_consent(interview)
    interview.save()
    return interview


@transaction.atomic
def observation_save(
    *, site: Site, values: dict[str, Any], by: User, observation: Observation | None = None
) -> Observation:
    """Record an observation; its title and field notes are stored pseudonymised. `values`
    may name the event observed (`course` or `session`, with `site` and `setting` as the
    observation form derives them): it must be of the observation's site."""
    values = {k: v for k, v in values.items() if k != "event"}
    site = values.pop("site", None) or site
    observation = observation or Observation(site=site, observer=by)
    observation.site = site
    for name, value in _pseudonymised(site, values, ("title", "field_notes")).items():
        setattr(observation, name, value)
    event = observation.event
    if event is not None and event.site_id != site.id:
        raise ValidationError(_("The event belongs to another site."))
    observation.save()
    return observation


@transaction.atomic
def meaning_unit_add(
    *,
    source: Interview | Observation | Logbook,
    text: str,
    code_groups: Iterable[CodeGroup],
    by: User,
    condensed: str = "",
) -> MeaningUnit:
    """Code an excerpt of a source (an interview, an observation or a logbook's source document,
    sources.py): the excerpt must occur in the source's text; its position is kept so exports
    (REFI-QDA) can point at it. A logbook's written answers are locked from then on
    (logbooks.registries): the position points into them."""
    body = source_text(source)
    redact = installation_redactor()
    text = text.strip()
    start = body.find(text) if text else -1
    end = start + len(text)
    if start < 0 and text:
        # The page shows the text through the Redactor: a text stored before the Redactor knew
        # a name (and a logbook, stored as the supporter wrote it) shows a pseudonym where the
        # stored text has the name. The excerpt is found in what the page showed, and its
        # position taken back into the stored text.
        shown, spans = redact.spans(body)
        found = shown.find(text)
        if found >= 0:
            start = moved(found, spans, back=True)
            end = moved(found + len(text), spans, end=True, back=True)
    if start < 0:
        raise ValidationError(_("The excerpt must be copied exactly from the text."))
    site_id = source.meeting.pair.site_id if isinstance(source, Logbook) else source.site_id
    # Stored pseudonymised, as every free text of the evaluation: the excerpt as the page
    # showed it (a logbook is stored as the supporter wrote it) and the evaluator's words.
    unit = MeaningUnit.objects.create(
        site_id=site_id,
        interview=source if isinstance(source, Interview) else None,
        observation=source if isinstance(source, Observation) else None,
        logbook=source if isinstance(source, Logbook) else None,
        start=start,
        end=end,
        text=redact(text),
        condensed=redact(condensed),
        created_by=by,
    )
    unit.code_groups.set(code_groups)
    return unit


def today() -> dt.date:
    return timezone.localdate()


# --- The post-visit reminder ---------------------------------------------------------------------

REMIND_DAYS_BEFORE = 14
REMIND_AT_HOUR = 9


def _topic(peer_id: int) -> str:
    return f"evaluation:post-visit:{peer_id}"


def nurse_post_visit_reminders_plan(*, now: dt.datetime | None = None) -> int:
    """Plan, through the outbox, a reminder to each nurse of the site two weeks before a peer's
    post-visit is due (six months after the pair started, or when it ended earlier), for the
    peers on the nurse's list (withdrawn and not eligible peers are left out).

    Idempotent and catch-up safe: keyed per peer and nurse, so a daily run plans each reminder
    once and a missed run is made up by the next (a due time in the past is sent at once).
    Returns the number of reminders planned or kept."""
    from tod.accounts.models import Role
    from tod.outbox.models import ReminderKind
    from tod.outbox.services import outbox_plan_for_user

    from .models import post_visit_due_on
    from .queries import routine_data_consent_q
    from .reports import STARTED

    now = now or timezone.now()
    # Peers still in the programme only (as on the nurse's list): not withdrawn, not screened
    # out since.
    pairs = (
        Pair.objects.filter(status__in=STARTED, started_on__isnull=False)
        .filter(routine_data_consent_q("peer__"))
        .filter(peer__in=Participant.objects.eligible_peers().values("pk"))
        .exclude(peer__nurse_visits__kind="post")
        .order_by("peer_id", "-started_on")
        .values("peer_id", "site_id", "started_on", "ended_on")
    )
    latest: dict[int, Mapping[str, Any]] = {}
    for pair in pairs:
        latest.setdefault(pair["peer_id"], pair)
    nurses: dict[int, list[User]] = {}
    for nurse in User.objects.filter(role=Role.NURSE, is_active=True).prefetch_related("sites"):
        for site in nurse.sites.all():
            nurses.setdefault(site.id, []).append(nurse)
    sites = Site.objects.in_bulk(list(nurses))
    planned = 0
    for peer_id, row in latest.items():
        if row["site_id"] not in sites:
            continue
        due = post_visit_due_on(row["started_on"], row["ended_on"])
        if due is None:  # not reached: the pairs above have started
            continue
        remind_on = due - dt.timedelta(days=REMIND_DAYS_BEFORE)
        due_at = timezone.make_aware(dt.datetime.combine(remind_on, dt.time(REMIND_AT_HOUR)))
        url = reverse("evaluation:nurse_visit_edit", args=[peer_id, "post"])
        for nurse in nurses.get(row["site_id"], []):
            planned += len(
                outbox_plan_for_user(
                    key=f"{_topic(peer_id)}:{nurse.pk}",
                    user=nurse,
                    kind=ReminderKind.NURSE_VISIT,
                    due_at=due_at,
                    context={"when": due.isoformat(), "url": url},
                    site=sites[row["site_id"]],
                    topic=_topic(peer_id),
                )
            )
    return planned


def nurse_post_visit_reminders_cancel(*, peer: Participant) -> int:
    """The post-visit is recorded: what is still pending about it is cancelled."""
    from tod.outbox.services import outbox_cancel_topic

    return outbox_cancel_topic(topic=_topic(peer.pk), reason="post-visit recorded")


@transaction.atomic
def case_record_delete(*, record: Model, by: User) -> None:
    """Remove a record of a case (an outcome, context, mechanism, configuration or evidence).
    Removing a mechanism or an outcome removes the configurations that link it."""
    record.delete()
