"""Exports for researchers, pseudonymised: every table as CSV (in one zip) and a REFI-QDA project
(.qdpx) that NVivo, ATLAS.ti and QualCoder open.

No export holds a name, phone number, e-mail address, address or date of birth: people appear
as stable pseudonyms (evaluation.pseudonyms), ages in years, and every free text goes through the
Redactor. No export holds a database id either: every record is named by a stable pseudonymous
id (pseudonyms.record_pseudonym, and HMAC GUIDs in the .qdpx). Dates are shifted per person by a
secret offset (pseudonyms.date_shift_days; a case and its records take the peer's), keeping every
interval of a person exact, unless the export is asked for exact dates (`exact_dates`, which the
view allows the full export tier only). What re-identification risk remains:
docs/pseudonymised-exports.md. All the tables of an export are read in one SELECT, each a JSON
array column (selectors.JSONRows), whatever the data size: with the Redactor's query, the case
figures (reports.engagement_rows) and the access log, each download runs the same few queries.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections import defaultdict
from xml.etree import ElementTree as ET

from django.db.models import Q
from django.utils import timezone

from logbooks.models import Logbook
from programme.models import Participant
from tod import csvsafe
from tod.accounts.models import User

from . import engagement
from .models import (
    Background,
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
from .models.choices import OutcomeKind
from .pseudonyms import (
    age_on,
    birth_year,
    case_pseudonym,
    date_shift_days,
    moved,
    participant_pseudonym,
    record_guid,
    record_pseudonym,
    shift_date,
    user_pseudonym,
)
from .reports import cases_for, engagement_rows
from .scoring import bmi, hba1c_percent
from .selectors import JSONRows, redactor_for, rows_as


def _list(values) -> str:
    return ";".join(str(v) for v in values or [])


def _people(cases):
    return Participant.objects.filter(
        Q(pk__in=cases.values("peer_id")) | Q(pk__in=cases.values("supporter_id"))
    )


def _read(user, **tables: JSONRows) -> dict[str, list[dict]]:
    """Several tables in one SELECT: each a JSON array column (JSONRows) of the user's own row,
    whatever the number of tables or rows."""
    columns = {f"rows_{name}": rows for name, rows in tables.items()}
    row = User.objects.filter(pk=user.pk).values(**columns).get()
    return {name: row[f"rows_{name}"] for name in tables}


def _objects(model, items: list[dict]) -> list:
    """Instances of `model` from JSONRows items (its own fields by attname); a key through a
    relation ('site__slug') is set as an attribute of its own ('site_slug'), as read."""
    fields = {field.attname: field for field in model._meta.concrete_fields}
    instances = []
    for item in items:
        own = {key: value for key, value in item.items() if key in fields}
        (instance,) = rows_as(model, [own])
        for key, value in item.items():
            if key not in fields:
                setattr(instance, key.replace("__", "_"), value)
        instances.append(instance)
    return instances


def _logbook_rows(cases) -> JSONRows:
    """The submitted logbooks of the cases, as engagement.logbook_texts reads them."""
    return JSONRows(
        Logbook.objects.filter(meeting__pair__in=cases, status__in=engagement.SUBMITTED),
        ["id", "meeting__pair_id", "meeting__held_on", *engagement.LOGBOOK_TEXT_FIELDS],
        ["meeting__pair_id", "meeting__held_on", "id"],
    )


def _logbooks(items: list[dict]) -> list[dict]:
    return [
        {
            "id": row["id"],
            "pair_id": row["meeting__pair_id"],
            "date": dt.date.fromisoformat(row["meeting__held_on"])
            if row["meeting__held_on"]
            else None,
            "text": engagement.logbook_text(row),
        }
        for row in items
    ]


def _fields(model, *exclude: str) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if f.attname not in exclude]


class Dates:
    """How an export writes dates: each moved by its person's secret offset (the default), or
    exact. A case's records (its dates, visits, interviews, logbooks) take the peer's offset,
    so every interval within a case is kept; records of no person (observations, interviews of
    no case) take their site's."""

    def __init__(self, *, exact: bool, peer_of_case: dict[int, int]) -> None:
        self.exact = exact
        self.peer_of_case = peer_of_case

    def person(self, value, participant_id: int):
        return (
            value
            if self.exact
            else shift_date(value, date_shift_days("participant", participant_id))
        )

    def case(self, value, pair_id: int):
        return self.person(value, self.peer_of_case[pair_id])

    def site(self, value, site_id: int):
        return value if self.exact else shift_date(value, date_shift_days("site", site_id))


def _id(kind: str):
    return lambda pk: record_pseudonym(kind, pk)


def people_exported(user):
    """The participants whose (pseudonymised) data the user's exports hold: the people of the
    cases they may evaluate. The access log gets one entry for each."""
    return _people(cases_for(user))


def csv_tables(user, *, exact_dates: bool = False) -> dict[str, list[list]]:
    """{table name: rows, the first row the header}. The tables are read in one SELECT (each a
    JSONRows column), the case figures with reports.engagement_rows. Records are named by their
    pseudonymous ids, dates shifted per person unless `exact_dates` (see Dates)."""
    cases = cases_for(user)
    redact = redactor_for(user)
    P = participant_pseudonym
    V, OC, X, M = _id("nurse_visit"), _id("outcome"), _id("context"), _id("mechanism")
    CC, T, TC = _id("case_configuration"), _id("programme_theory"), _id("theory_configuration")
    E, IV, OB = _id("evidence"), _id("interview"), _id("observation")
    MU, L, G = _id("meaning_unit"), _id("logbook"), _id("code_group")
    tables: dict[str, list[list]] = {}

    people = _people(cases)
    theories = ProgrammeTheory.objects.for_user(user)
    interviews = _interviews(user, cases)
    visit_fields = [
        "hba1c_mmol_mol",
        "systolic_mmhg",
        "diastolic_mmhg",
        "weight_kg",
        "height_cm",
        "waist_cm",
        "adherence",
        "gp_contacts",
        "missed_appointments",
        "rehabilitation",
        *[f"who5_{i}" for i in range(1, 6)],
        *[f"paid5_{i}" for i in range(1, 6)],
        "who5_score",
        "paid5_score",
    ]
    read = _read(
        user,
        cases=JSONRows(
            cases,
            ["id", "site__slug", "round_id", "round__name", "status", "started_on", "ended_on"]
            + ["peer_id", "supporter_id"],
            ["started_on", "id"],
        ),
        people=JSONRows(
            people,
            ["id", "kind", "sex", "date_of_birth", "referral_channel", "status"],
            ["last_name", "first_name", "id"],
        ),
        backgrounds=JSONRows(
            Background.objects.filter(participant__in=people),
            _fields(Background, "id"),
            ["participant_id"],
        ),
        visits=JSONRows(
            NurseVisit.objects.filter(peer_id__in=cases.values("peer_id")),
            ["id", "peer_id", "kind", "visited_on", *visit_fields]
            + ["medication", "medication_note", "complications", "other_diagnoses"]
            + ["other_diagnoses_note", "self_care_note", "confirmed_warnings", "early_reason"],
            ["id"],
        ),
        outcomes=JSONRows(
            Outcome.objects.filter(pair__in=cases),
            ["id", "pair_id", "kind", "result", "behaviours", "description"],
            ["id"],
        ),
        contexts=JSONRows(
            ContextFactor.objects.filter(pair__in=cases),
            ["id", "pair_id", "subject", "category", "influence", "description"]
            + ["configurations__id"],
            ["id"],
        ),
        mechanisms=JSONRows(
            Mechanism.objects.filter(pair__in=cases),
            ["id", "pair_id", "kind", "category", "actor", "description"],
            ["id"],
        ),
        case_configurations=JSONRows(
            CaseConfiguration.objects.filter(pair__in=cases),
            ["id", "pair_id", "theory_configuration_id", "stance", "intervention", "actor"]
            + ["mechanism_id", "outcome_id", "note"],
            ["id"],
        ),
        theories=JSONRows(
            theories, ["id", "version", "kind", "title", "refines_id", "description"], ["version"]
        ),
        theory_configurations=JSONRows(
            TheoryConfiguration.objects.filter(theory__in=theories),
            ["id", "theory_id", "code", "intervention", "context", "actor", "resource"]
            + ["reasonings", "outcome", "statement", "derived_from_id"],
            ["id"],
        ),
        evidence=JSONRows(
            Evidence.objects.for_user(user).filter(
                Q(theory_configuration__isnull=False)
                | Q(outcome__pair__in=cases)
                | Q(context__pair__in=cases)
                | Q(mechanism__pair__in=cases)
                | Q(case_configuration__pair__in=cases)
            ),
            ["id", *(f"{t}_id" for t in Evidence.TARGETS), "stance", "source_kind"]
            + ["excerpt_id", "interview_id", "observation_id", "nurse_visit_id", "logbook_id"]
            + ["quote"],
            ["id"],
        ),
        interviews=JSONRows(
            interviews,
            ["id", "pair_id", "site_id", "informant_type", "conducted_on", "mode"]
            + ["transcript", "notes"],
            ["id"],
        ),
        observations=JSONRows(
            Observation.objects.for_user(user),
            ["id", "site_id", "setting", "observed_on", "title", "field_notes"],
            ["id"],
        ),
        code_groups=JSONRows(
            CodeGroup.objects.all(),
            ["id", "key", "theme__key", "name"],
            ["theme__order", "order", "name"],
        ),
        units=JSONRows(
            MeaningUnit.objects.for_user(user).filter(
                Q(interview__in=interviews) | Q(observation__isnull=False)
            ),
            ["id", "interview_id", "observation_id", "start", "end", "text", "condensed"]
            + ["code_groups__id"],
            ["id"],
        ),
        logbooks=_logbook_rows(cases),
    )

    case_rows = _objects(cases.model, read["cases"])
    dates = Dates(exact=exact_dates, peer_of_case={p.pk: p.peer_id for p in case_rows})
    similarity = {r["id"]: r for r in engagement_rows(user)}
    tables["cases"] = [
        [
            "case",
            "site",
            "round",
            "status",
            "started_on",
            "ended_on",
            "peer",
            "supporter",
            "similarities",
            "meetings_held",
            "logbook_words",
        ]
    ] + [
        [
            case_pseudonym(p.pk),
            p.site_slug,
            p.round_name if p.round_id else "",
            p.status,
            dates.case(p.started_on, p.pk),
            dates.case(p.ended_on, p.pk),
            P(p.peer_id, "peer"),
            P(p.supporter_id, "supporter"),
            similarity.get(p.pk, {}).get("similarities"),
            similarity.get(p.pk, {}).get("meetings"),
            similarity.get(p.pk, {}).get("logbook_words"),
        ]
        for p in case_rows
    ]
    start_of = {}
    for p in case_rows:
        for pid in (p.peer_id, p.supporter_id):
            start_of.setdefault(pid, p.started_on)

    backgrounds = {b.participant_id: b for b in _objects(Background, read["backgrounds"])}
    header = [
        "participant",
        "kind",
        "sex",
        "birth_year",
        "age_at_start",
        "referral_channel",
        "status",
        "origin",
        "education",
        "employment",
        "lives_alone",
        "work_experience_as_support_person",
        "complications",
        "other_diagnoses",
    ]
    rows = [header]
    for person in _objects(Participant, read["people"]):
        b = backgrounds.get(person.id) or Background()
        rows.append(
            [
                P(person.id, person.kind),
                person.kind,
                person.sex,
                # The year of the moved date of birth (another year for about a quarter of
                # the people); the age, an interval, stays exact.
                birth_year(dates.person(person.date_of_birth, person.id)),
                age_on(person.date_of_birth, start_of.get(person.id) or timezone.localdate()),
                person.referral_channel,
                person.status,
                b.origin,
                b.education,
                b.employment,
                b.lives_alone,
                b.work_experience_as_support_person,
                _list(b.complications),
                _list(b.other_diagnoses),
            ]
        )
    tables["participants"] = rows

    rows = [
        ["visit_id", "peer", "kind", "visited_on", *visit_fields]
        + [
            "hba1c_percent",
            "bmi",
            "medication",
            "medication_note",
            "complications",
            "other_diagnoses",
            "other_diagnoses_note",
            "self_care_note",
            "confirmed_warnings",
            "early_reason",
        ]
    ]
    for v in _objects(NurseVisit, read["visits"]):
        rows.append(
            [V(v.id), P(v.peer_id, "peer"), v.kind, dates.person(v.visited_on, v.peer_id)]
            + [getattr(v, f) for f in visit_fields]
            + [
                hba1c_percent(v.hba1c_mmol_mol),
                bmi(v.weight_kg, v.height_cm),
                _list(v.medication),
                redact(v.medication_note),
                _list(v.complications),
                _list(v.other_diagnoses),
                redact(v.other_diagnoses_note),
                redact(v.self_care_note),
                _list(v.confirmed_warnings),
                redact(v.early_reason),
            ]
        )
    tables["nurse_visits"] = rows

    tables["outcomes"] = [["outcome_id", "case", "kind", "result", "behaviours", "description"]] + [
        [
            OC(o.id),
            case_pseudonym(o.pair_id),
            o.kind,
            o.result,
            _list(o.behaviours),
            redact(o.description),
        ]
        for o in _objects(Outcome, read["outcomes"])
    ]
    # Each context once per case configuration that names it (once if none): the contexts table
    # and each configuration's context ids from one list.
    contexts: list[ContextFactor] = []
    context_ids: dict[int, list[int]] = defaultdict(list)
    for c in _objects(ContextFactor, read["contexts"]):
        if not contexts or contexts[-1].pk != c.pk:
            contexts.append(c)
        if c.configurations_id is not None:
            context_ids[c.configurations_id].append(c.pk)
    tables["contexts"] = [
        ["context_id", "case", "subject", "category", "influence", "description"]
    ] + [
        [
            X(c.id),
            case_pseudonym(c.pair_id),
            c.subject,
            c.category,
            c.influence,
            redact(c.description),
        ]
        for c in contexts
    ]
    tables["mechanisms"] = [
        ["mechanism_id", "case", "kind", "category", "actor", "description"]
    ] + [
        [M(m.id), case_pseudonym(m.pair_id), m.kind, m.category, m.actor, redact(m.description)]
        for m in _objects(Mechanism, read["mechanisms"])
    ]
    tables["case_configurations"] = [
        [
            "case_configuration_id",
            "case",
            "theory_configuration_id",
            "stance",
            "intervention",
            "context_ids",
            "actor",
            "mechanism_id",
            "outcome_id",
            "note",
        ]
    ] + [
        [
            CC(c.id),
            case_pseudonym(c.pair_id),
            TC(c.theory_configuration_id),
            c.stance,
            c.intervention,
            _list(sorted(X(pk) for pk in context_ids[c.id])),
            c.actor,
            M(c.mechanism_id),
            OC(c.outcome_id),
            redact(c.note),
        ]
        for c in _objects(CaseConfiguration, read["case_configurations"])
    ]
    tables["programme_theories"] = [
        ["theory_id", "version", "kind", "title", "refines_id", "description"]
    ] + [
        [T(t.id), t.version, t.kind, redact(t.title), T(t.refines_id), redact(t.description)]
        for t in _objects(ProgrammeTheory, read["theories"])
    ]
    tables["theory_configurations"] = [
        [
            "theory_configuration_id",
            "theory_id",
            "code",
            "intervention",
            "context",
            "actor",
            "resource",
            "reasonings",
            "outcome",
            "statement",
            "derived_from_id",
        ]
    ] + [
        [
            TC(c.id),
            T(c.theory_id),
            redact(c.code),
            c.intervention,
            redact(c.context),
            c.actor,
            c.resource,
            _list(c.reasonings),
            c.outcome,
            redact(c.statement),
            TC(c.derived_from_id),
        ]
        for c in _objects(TheoryConfiguration, read["theory_configurations"])
    ]
    tables["evidence"] = [
        [
            "evidence_id",
            *Evidence.TARGETS,
            "stance",
            "source_kind",
            "excerpt_id",
            "interview_id",
            "observation_id",
            "nurse_visit_id",
            "logbook_id",
            "quote",
        ]
    ] + [
        [E(e.id)]
        + [record_pseudonym(t, getattr(e, f"{t}_id")) for t in Evidence.TARGETS]
        + [
            e.stance,
            e.source_kind,
            MU(e.excerpt_id),
            IV(e.interview_id),
            OB(e.observation_id),
            V(e.nurse_visit_id),
            L(e.logbook_id),
            redact(e.quote),
        ]
        for e in _objects(Evidence, read["evidence"])
    ]
    # Where the Redactor changed a source's text, the positions of its meaning units move with it.
    spans_of: dict[tuple[str, int], list] = {}
    interview_rows = _objects(Interview, read["interviews"])
    observation_rows = _objects(Observation, read["observations"])
    for kind, sources in (("interview", interview_rows), ("observation", observation_rows)):
        for source in sources:
            spans_of[(kind, source.id)] = redact.spans(source.text)[1]
    tables["interviews"] = [
        ["interview_id", "case", "informant_type", "conducted_on", "mode", "transcript", "notes"]
    ] + [
        [
            IV(i.id),
            case_pseudonym(i.pair_id) if i.pair_id else "",
            i.informant_type,
            dates.case(i.conducted_on, i.pair_id)
            if i.pair_id
            else dates.site(i.conducted_on, i.site_id),
            i.mode,
            redact(i.transcript),
            redact(i.notes),
        ]
        for i in interview_rows
    ]
    tables["observations"] = [
        ["observation_id", "setting", "observed_on", "title", "field_notes"]
    ] + [
        [
            OB(o.id),
            o.setting,
            dates.site(o.observed_on, o.site_id),
            redact(o.title),
            redact(o.field_notes),
        ]
        for o in observation_rows
    ]
    groups = _objects(CodeGroup, read["code_groups"])
    tables["code_groups"] = [["code_group_id", "key", "theme", "name"]] + [
        [G(g.id), g.key, g.theme_key, g.name] for g in groups
    ]
    # Each unit once per code group it is sorted into (once if none), the groups' keys in the
    # code groups' order: the units and their groups from one list.
    group_order = {g.id: (i, g.key) for i, g in enumerate(groups)}
    units: list[MeaningUnit] = []
    unit_groups: dict[int, list[int]] = defaultdict(list)
    for u in _objects(MeaningUnit, read["units"]):
        if not units or units[-1].pk != u.pk:
            units.append(u)
            source = (
                ("interview", u.interview_id)
                if u.interview_id
                else ("observation", u.observation_id)
            )
            spans = spans_of.get(source, [])
            u.start, u.end = moved(u.start, spans), moved(u.end, spans, end=True)
        if u.code_groups_id is not None:
            unit_groups[u.pk].append(u.code_groups_id)
    tables["meaning_units"] = [
        [
            "meaning_unit_id",
            "interview_id",
            "observation_id",
            "start",
            "end",
            "text",
            "condensed",
            "code_groups",
        ]
    ] + [
        [
            MU(u.id),
            IV(u.interview_id),
            OB(u.observation_id),
            u.start,
            u.end,
            redact(u.text),
            redact(u.condensed),
            _list(group_order[g][1] for g in sorted(unit_groups[u.pk], key=group_order.get)),
        ]
        for u in units
    ]
    logbooks = _logbooks(read["logbooks"])
    tables["logbooks"] = [["logbook_id", "case", "date", "text"]] + [
        [
            L(lb["id"]),
            case_pseudonym(lb["pair_id"]),
            dates.case(lb["date"], lb["pair_id"]),
            redact(lb["text"]),
        ]
        for lb in logbooks
    ]
    return tables


def _interviews(user, cases):
    return (
        Interview.objects.for_user(user)
        .filter(Q(pair__isnull=True) | Q(pair__in=cases))
        .order_by("id")
    )


def csv_zip(user, *, exact_dates: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in csv_tables(user, exact_dates=exact_dates).items():
            text = io.StringIO()
            writer = csvsafe.writer(text)
            writer.writerows(rows)
            archive.writestr(f"{name}.csv", text.getvalue())
    return buffer.getvalue()


# --- REFI-QDA ------------------------------------------------------------------------------------

QDA_NS = "urn:QDA-XML:project:1.0"


def _guid(kind: str, key) -> str:
    """Stable GUIDs, so a re-export updates rather than duplicates in the QDA tool; from the
    HMAC, so no GUID gives a database id back (pseudonyms.record_guid)."""
    return record_guid(kind, key)


def _el(parent, tag, **attrs):
    return ET.SubElement(parent, f"{{{QDA_NS}}}{tag}", {k: str(v) for k, v in attrs.items()})


def qdpx(user, *, now: dt.datetime | None = None, exact_dates: bool = False) -> bytes:
    """The REFI-QDA project: codebook (themes, code groups and ICAMO codes), case variables,
    the cases, and the interviews, observations and logbooks as text sources with the coded
    meaning units as selections. The tables are read in one SELECT (each a JSONRows column),
    the case figures with reports.engagement_rows. Sources are named and dated with shifted
    dates unless `exact_dates` (see Dates); the selections point into the redacted texts."""
    now = now or timezone.now()
    stamp = now.replace(microsecond=0).isoformat()
    ET.register_namespace("", QDA_NS)
    redact = redactor_for(user)
    cases_qs = cases_for(user)
    interviews_qs = _interviews(user, cases_qs)
    observations_qs = Observation.objects.for_user(user)
    units_qs = MeaningUnit.objects.for_user(user).filter(
        Q(interview__in=interviews_qs) | Q(observation__in=observations_qs)
    )
    read = _read(
        user,
        cases=JSONRows(
            cases_qs,
            ["id", "peer_id", "supporter_id", "started_on", "status"],
            ["started_on", "id"],
        ),
        outcomes=JSONRows(
            Outcome.objects.filter(pair__in=cases_qs),
            ["pair_id", "kind", "result"],
            ["pair_id", "kind"],
        ),
        people=JSONRows(_people(cases_qs), ["id", "sex", "date_of_birth"], ["id"]),
        code_groups=JSONRows(
            CodeGroup.objects.all(),
            ["id", "key", "name", "order", "theme__key", "theme__name", "theme__order"],
            ["theme__order", "order", "name"],
        ),
        theory_configurations=JSONRows(
            TheoryConfiguration.objects.filter(theory__in=ProgrammeTheory.objects.for_user(user)),
            ["id", "code", "context", "statement", "theory__version"],
            ["theory_id", "code", "id"],
        ),
        interviews=JSONRows(
            interviews_qs,
            ["id", "pair_id", "site_id", "informant_type", "conducted_on", "transcript", "notes"],
            ["id"],
        ),
        observations=JSONRows(
            observations_qs, ["id", "site_id", "setting", "observed_on", "field_notes"], ["id"]
        ),
        logbooks=_logbook_rows(cases_qs),
        units=JSONRows(
            units_qs,
            ["id", "interview_id", "observation_id", "start", "end", "text", "condensed"],
            ["start"],
        ),
        # Each unit's code groups in the code groups' order, and the evidence citing it with
        # what that evidence backs.
        unit_groups=JSONRows(
            MeaningUnit.code_groups.through.objects.filter(meaningunit__in=units_qs),
            ["meaningunit_id", "codegroup_id"],
            ["codegroup__theme__order", "codegroup__order", "codegroup__name"],
        ),
        unit_evidence=JSONRows(
            Evidence.objects.filter(excerpt__in=units_qs),
            ["excerpt_id", "theory_configuration_id"]
            + ["case_configuration__theory_configuration_id", "outcome__kind"]
            + ["context__category", "mechanism__category"],
            ["id"],
        ),
    )
    cases = _objects(cases_qs.model, read["cases"])
    dates = Dates(exact=exact_dates, peer_of_case={p.pk: p.peer_id for p in cases})
    outcomes_of: dict[int, dict[str, str]] = defaultdict(dict)
    for o in read["outcomes"]:
        outcomes_of[o["pair_id"]][o["kind"]] = o["result"]
    similarity = {r["id"]: r for r in engagement_rows(user)}
    people = {p.id: p for p in _objects(Participant, read["people"])}

    project = ET.Element(
        f"{{{QDA_NS}}}Project",
        {
            "name": f"Together on Diabetes {now:%Y-%m-%d}",
            "origin": "Together on Diabetes (ToD)",
            "creationDateTime": stamp,
            "creatingUserGUID": _guid("user", user.id),
        },
    )
    users = _el(project, "Users")
    _el(users, "User", guid=_guid("user", user.id), name=user_pseudonym(user.id))
    user_guid = _guid("user", user.id)

    # Codebook: themes › code groups, and ICAMO › theory configurations.
    codebook = _el(project, "CodeBook")
    codes = _el(codebook, "Codes")
    group_guid: dict[int, str] = {}
    groups_by_key = {g.key: g for g in _objects(CodeGroup, read["code_groups"])}
    themes: dict[str, ET.Element] = {}
    for g in sorted(groups_by_key.values(), key=lambda g: (g.theme_order, g.order)):
        if g.theme_key not in themes:
            themes[g.theme_key] = _el(
                codes, "Code", guid=_guid("theme", g.theme_key), name=g.theme_name, isCodable="true"
            )
        group_guid[g.id] = _guid("code_group", g.key)
        _el(themes[g.theme_key], "Code", guid=group_guid[g.id], name=g.name, isCodable="true")
    theory_configurations = _objects(TheoryConfiguration, read["theory_configurations"])
    icamo_root = _el(codes, "Code", guid=_guid("icamo", "root"), name="ICAMO", isCodable="false")
    icamo_guid: dict[int, str] = {}
    for c in theory_configurations:
        icamo_guid[c.id] = _guid("theory_configuration", c.id)
        code = _el(
            icamo_root,
            "Code",
            guid=icamo_guid[c.id],
            name=f"v{c.theory_version} {redact(c.code)}",
            isCodable="true",
        )
        description = _el(code, "Description")
        description.text = redact(c.statement or c.context)

    # Variables and cases.
    variables = {
        "peer_sex": "Text",
        "peer_age": "Integer",
        "supporter_sex": "Text",
        "supporter_age": "Integer",
        "similarities": "Integer",
        "status": "Text",
        **{f"outcome_{k}": "Text" for k in OutcomeKind.values},
    }
    variables_el = _el(project, "Variables")
    for name, kind in variables.items():
        _el(variables_el, "Variable", guid=_guid("variable", name), name=name, typeOfVariable=kind)

    interviews = _objects(Interview, read["interviews"])
    observations = _objects(Observation, read["observations"])
    logbooks = _logbooks(read["logbooks"])
    sources_of_case: dict[int, list[str]] = {}
    for i in interviews:
        if i.pair_id:
            sources_of_case.setdefault(i.pair_id, []).append(_guid("interview", i.id))
    for lb in logbooks:
        sources_of_case.setdefault(lb["pair_id"], []).append(_guid("logbook", lb["id"]))

    cases_el = _el(project, "Cases")
    for pair in cases:
        case_el = _el(cases_el, "Case", guid=_guid("case", pair.pk), name=case_pseudonym(pair.pk))
        peer, supporter = people.get(pair.peer_id), people.get(pair.supporter_id)
        on = pair.started_on or timezone.localdate()
        outcomes = outcomes_of[pair.pk]
        values = {
            "peer_sex": peer.sex if peer else "",
            "peer_age": age_on(peer.date_of_birth, on) if peer else None,
            "supporter_sex": supporter.sex if supporter else "",
            "supporter_age": age_on(supporter.date_of_birth, on) if supporter else None,
            "similarities": similarity.get(pair.pk, {}).get("similarities"),
            "status": pair.status,
            **{f"outcome_{k}": outcomes.get(k, "") for k in OutcomeKind.values},
        }
        for name, value in values.items():
            if value is None or value == "":
                continue
            vv = _el(case_el, "VariableValue")
            _el(vv, "VariableRef", targetGUID=_guid("variable", name))
            tag = "IntegerValue" if variables[name] == "Integer" else "TextValue"
            _el(vv, tag).text = str(value)
        for source_guid in sources_of_case.get(pair.pk, []):
            _el(case_el, "SourceRef", targetGUID=source_guid)
    if not len(cases_el):
        project.remove(cases_el)

    # Sources with their coded selections.
    units = _objects(MeaningUnit, read["units"])
    groups_of: dict[int, list[int]] = defaultdict(list)
    for row in read["unit_groups"]:
        groups_of[row["meaningunit_id"]].append(row["codegroup_id"])
    evidence_of: dict[int, list[dict]] = defaultdict(list)
    for row in read["unit_evidence"]:
        evidence_of[row["excerpt_id"]].append(row)
    evidence_codes = _evidence_codes(groups_by_key)
    units_by_source: dict[tuple[str, int], list] = {}
    for u in units:
        key = ("interview", u.interview_id) if u.interview_id else ("observation", u.observation_id)
        units_by_source.setdefault(key, []).append(u)

    files: dict[str, str] = {}
    sources_el = _el(project, "Sources")

    def add_source(kind, pk, name, text, created):
        guid = _guid(kind, pk)
        text, spans = redact.spans(text)
        files[f"sources/{guid}.txt"] = text
        source = _el(
            sources_el,
            "TextSource",
            guid=guid,
            name=name,
            plainTextPath=f"internal://{guid}.txt",
            creatingUser=user_guid,
            creationDateTime=created,
        )
        for u in units_by_source.get((kind, pk), []):
            selection = _el(
                source,
                "PlainTextSelection",
                guid=_guid("meaning_unit", u.id),
                name=redact(u.condensed or u.text)[:80],
                startPosition=moved(u.start, spans),
                endPosition=moved(u.end, spans, end=True),
                creatingUser=user_guid,
                creationDateTime=stamp,
            )
            if u.condensed:
                _el(selection, "Description").text = redact(u.condensed)
            targets = [group_guid[g] for g in groups_of[u.id]]
            for e in evidence_of[u.id]:
                targets += evidence_codes(e, icamo_guid, group_guid)
            for n, target in enumerate(dict.fromkeys(targets)):
                coding = _el(
                    selection,
                    "Coding",
                    guid=_guid("coding", f"{u.id}:{n}:{target}"),
                    creatingUser=user_guid,
                    creationDateTime=stamp,
                )
                _el(coding, "CodeRef", targetGUID=target)

    for i in interviews:
        label = case_pseudonym(i.pair_id) if i.pair_id else "-"
        on = (
            dates.case(i.conducted_on, i.pair_id)
            if i.pair_id
            else dates.site(i.conducted_on, i.site_id)
        )
        add_source(
            "interview",
            i.id,
            f"Interview {label} {i.get_informant_type_display()} {on}",
            i.text,
            f"{on.isoformat()}T00:00:00",
        )
    for o in observations:
        on = dates.site(o.observed_on, o.site_id)
        add_source(
            "observation",
            o.id,
            f"Observation {o.get_setting_display()} {on}",
            o.text,
            f"{on.isoformat()}T00:00:00",
        )
    for lb in logbooks:
        on = dates.case(lb["date"], lb["pair_id"])
        add_source(
            "logbook",
            lb["id"],
            f"Logbook {case_pseudonym(lb['pair_id'])} {on}",
            lb["text"],
            f"{on.isoformat()}T00:00:00" if on else stamp,
        )
    if not len(sources_el):
        project.remove(sources_el)

    xml = ET.tostring(project, encoding="utf-8", xml_declaration=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", xml)
        for path, text in files.items():
            archive.writestr(path, text.encode("utf-8"))
    return buffer.getvalue()


def _evidence_codes(groups_by_key):
    """Codes an excerpt gets from being cited as evidence: the ICAMO code of the configuration
    (or of the one a case configuration tests), or the realist code group of the outcome, context
    or mechanism it backs. The evidence is a JSONRows item with those records' fields."""

    def codes(evidence, icamo_guid, group_guid):
        result = []
        if evidence["theory_configuration_id"] in icamo_guid:
            result.append(icamo_guid[evidence["theory_configuration_id"]])
        theory_id = evidence["case_configuration__theory_configuration_id"]
        if theory_id in icamo_guid:
            result.append(icamo_guid[theory_id])
        for value, theme in (
            (evidence["outcome__kind"], "outcomes"),
            (evidence["context__category"], "contexts"),
        ):
            group = groups_by_key.get(f"{theme}-{value}") if value else None
            if group:
                result.append(group_guid[group.id])
        value = evidence["mechanism__category"]
        if value:
            for theme in ("resources", "reasonings"):
                group = groups_by_key.get(f"{theme}-{value}")
                if group:
                    result.append(group_guid[group.id])
        return result

    return codes
