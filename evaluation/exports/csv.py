"""The CSV export: every table of the evaluation as one CSV file in a zip, pseudonymised, written
a row at a time."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Iterator

from django.db.models import F, Prefetch, Q
from django.utils import timezone

from logbooks.mechanisms import iter_mechanisms
from programme.models import BACKGROUND_FIELDS, background_of
from tod import csvsafe

from ..models import (
    CaseConfiguration,
    ContextFactor,
    Evidence,
    MeaningUnit,
    Mechanism,
    NurseVisit,
    Observation,
    Outcome,
    ProgrammeTheory,
    TheoryConfiguration,
)
from ..observed import Withhold
from ..pseudonyms import (
    age_on,
    birth_year,
    case_pseudonym,
    moved,
    participant_pseudonym,
    record_pseudonym,
)
from ..queries import evidence_allowed_q, redactor_for
from ..reports import case_pairs, cases_for, engagement_rows
from ..scoring import bmi, hba1c_percent
from ..sources import source_text
from . import dictionary
from .common import (
    Dates,
    case_interviews,
    case_logbooks,
    case_people,
    code_groups,
    snapshot,
    stream,
    zip_entry,
)
from .programme_tables import programme_tables


def _list(values) -> str:
    return ";".join(str(v) for v in values or [])


def _id(kind: str):
    return lambda pk: record_pseudonym(kind, pk)


VISIT_FIELDS = [
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


def csv_tables(user, *, exact_dates: bool = False) -> Iterator[tuple[str, Iterable[list]]]:
    """(table name, rows, the first row the header) for each table, in the zip's order; each
    table's rows are read as they are written (one query per table and prefetched relation and
    chunk), the case figures with reports.engagement_rows. Records are named by their
    pseudonymous ids, dates shifted per person unless `exact_dates` (see Dates)."""
    cases = cases_for(user)
    redact = redactor_for(user)
    P = participant_pseudonym
    V, OC, X, M = _id("nurse_visit"), _id("outcome"), _id("context"), _id("mechanism")
    CC, T, TC = _id("case_configuration"), _id("programme_theory"), _id("theory_configuration")
    E, IV, OB = _id("evidence"), _id("interview"), _id("observation")
    MU, L, G = _id("meaning_unit"), _id("logbook"), _id("code_group")
    COURSE, SESSION = _id("course"), _id("session")

    people = case_people(cases)
    theories = ProgrammeTheory.objects.for_user(user)
    interviews = case_interviews(user, cases)
    # One small entry per case (its first pair, with how it stands now) and one per pair of
    # a case: the peer (whose offset the case's dates take), the supporters with their periods,
    # and each person's first case start.
    case_rows = list(
        cases.with_case_course().values(
            "id",
            "site__slug",
            "round_id",
            "round__name",
            "case_status",
            "started_on",
            "case_ended_on",
            "peer_id",
        )
    )
    peer_of = {p["id"]: p["peer_id"] for p in case_rows}
    pairs_of: dict[int, list[dict]] = {p["id"]: [] for p in case_rows}
    for pair in case_pairs(cases).values("id", "case", "supporter_id", "started_on", "ended_on"):
        peer_of[pair["id"]] = peer_of[pair["case"]]
        pairs_of[pair["case"]].append(pair)
    dates = Dates(exact=exact_dates, peer_of_case=peer_of)
    similarity = {r["id"]: r for r in engagement_rows(user)}
    start_of: dict[int, dt.date | None] = {}
    for p in case_rows:
        start_of.setdefault(p["peer_id"], p["started_on"])
        for pair in pairs_of[p["id"]]:
            start_of.setdefault(pair["supporter_id"], pair["started_on"])

    def period(pair: dict) -> str:
        start, end = (dates.case(pair[name], pair["id"]) for name in ("started_on", "ended_on"))
        return f"{start or ''}/{end or ''}"

    yield (
        "cases",
        [
            [
                "case",
                "site",
                "round",
                "status",
                "started_on",
                "ended_on",
                "peer",
                "supporters",
                "supporter_periods",
                "similarities",
                "meetings_held",
                "logbook_words",
            ],
            *(
                [
                    case_pseudonym(p["id"]),
                    p["site__slug"],
                    p["round__name"] if p["round_id"] else "",
                    p["case_status"],
                    dates.case(p["started_on"], p["id"]),
                    dates.case(p["case_ended_on"], p["id"]),
                    P(p["peer_id"], "peer"),
                    _list(P(pair["supporter_id"], "supporter") for pair in pairs_of[p["id"]]),
                    _list(period(pair) for pair in pairs_of[p["id"]]),
                    similarity.get(p["id"], {}).get("similarities"),
                    similarity.get(p["id"], {}).get("meetings"),
                    similarity.get(p["id"], {}).get("logbook_words"),
                ]
                for p in case_rows
            ),
        ],
    )

    def participants():
        yield [
            "participant",
            "kind",
            "sex",
            "birth_year",
            "age_at_start",
            "referral_channel",
            "status",
            *BACKGROUND_FIELDS,  # the one background (programme), as its pages show it
        ]
        rows = people.select_related("background").order_by("last_name", "first_name", "id")
        for person in stream(rows):
            b = background_of(person)
            yield [
                P(person.id, person.kind),
                person.kind,
                person.sex,
                # The year of the moved date of birth (another year for about a quarter of
                # the people); the age, an interval, stays exact.
                birth_year(dates.person(person.date_of_birth, person.id)),
                age_on(person.date_of_birth, start_of.get(person.id) or timezone.localdate()),
                person.referral_channel,
                person.status,
                *(
                    _list(value) if isinstance(value := getattr(b, name), list) else value
                    for name in BACKGROUND_FIELDS
                ),
            ]

    yield "participants", participants()

    def nurse_visits():
        yield ["visit_id", "peer", "kind", "visited_on", *VISIT_FIELDS] + [
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
        visits = NurseVisit.objects.filter(peer_id__in=cases.values("peer_id")).order_by("id")
        for v in stream(visits):
            yield (
                [V(v.id), P(v.peer_id, "peer"), v.kind, dates.person(v.visited_on, v.peer_id)]
                + [getattr(v, f) for f in VISIT_FIELDS]
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

    yield "nurse_visits", nurse_visits()

    yield (
        "outcomes",
        [
            ["outcome_id", "case", "kind", "result", "behaviours", "description"],
            *(
                [
                    OC(o.id),
                    case_pseudonym(o.pair_id),
                    o.kind,
                    o.result,
                    _list(o.behaviours),
                    redact(o.description),
                ]
                for o in stream(Outcome.objects.filter(pair__in=cases).order_by("id"))
            ),
        ],
    )
    yield (
        "contexts",
        [
            ["context_id", "case", "subject", "category", "influence", "description"],
            *(
                [
                    X(c.id),
                    case_pseudonym(c.pair_id),
                    c.subject,
                    c.category,
                    c.influence,
                    redact(c.description),
                ]
                for c in stream(ContextFactor.objects.filter(pair__in=cases).order_by("id"))
            ),
        ],
    )
    yield (
        "mechanisms",
        [
            ["mechanism_id", "case", "kind", "category", "actor", "description"],
            *(
                [
                    M(m.id),
                    case_pseudonym(m.pair_id),
                    m.kind,
                    m.category,
                    m.actor,
                    redact(m.description),
                ]
                for m in stream(Mechanism.objects.filter(pair__in=cases).order_by("id"))
            ),
        ],
    )
    configurations = (
        CaseConfiguration.objects.filter(pair__in=cases)
        .order_by("id")
        .prefetch_related(
            Prefetch(
                "contexts",
                queryset=ContextFactor.objects.filter(pair__in=cases).only("id"),
                to_attr="case_contexts",
            )
        )
    )
    yield (
        "case_configurations",
        [
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
            ],
            *(
                [
                    CC(c.id),
                    case_pseudonym(c.pair_id),
                    TC(c.theory_configuration_id),
                    c.stance,
                    c.intervention,
                    _list(sorted(X(context.pk) for context in c.case_contexts)),
                    c.actor,
                    M(c.mechanism_id),
                    OC(c.outcome_id),
                    redact(c.note),
                ]
                for c in stream(configurations)
            ),
        ],
    )
    yield (
        "programme_theories",
        [
            ["theory_id", "version", "kind", "title", "refines_id", "description"],
            *(
                [
                    T(t.id),
                    t.version,
                    t.kind,
                    redact(t.title),
                    T(t.refines_id),
                    redact(t.description),
                ]
                for t in stream(theories.order_by("version"))
            ),
        ],
    )
    yield (
        "theory_configurations",
        [
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
            ],
            *(
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
                for c in stream(
                    TheoryConfiguration.objects.filter(theory__in=theories).order_by("id")
                )
            ),
        ],
    )
    evidence = (
        Evidence.objects.for_user(user)
        .filter(
            Q(theory_configuration__isnull=False)
            | Q(outcome__pair__in=cases)
            | Q(context__pair__in=cases)
            | Q(mechanism__pair__in=cases)
            | Q(case_configuration__pair__in=cases)
        )
        .filter(evidence_allowed_q(case_pairs(cases)))
        .order_by("id")
    )
    yield (
        "evidence",
        [
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
            ],
            *(
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
                for e in stream(evidence)
            ),
        ],
    )
    # Where the Redactor changed a source's text, the positions of its meaning units move with
    # it: the replacements of each source, noted while its table is written.
    spans_of: dict[tuple[str, int], list] = {}

    def interview_rows():
        yield ["interview_id", "case", "informant_type", "informant", "conducted_on", "mode"] + [
            "transcript",
            "notes",
        ]
        for i in stream(interviews):
            spans = redact.spans(i.text)[1]
            if spans:
                spans_of[("interview", i.id)] = spans
            yield [
                IV(i.id),
                case_pseudonym(i.pair_id) if i.pair_id else "",
                i.informant_type,
                participant_pseudonym(i.informant_id, i.informant_type) if i.informant_id else "",
                dates.case(i.conducted_on, i.pair_id)
                if i.pair_id
                else dates.site(i.conducted_on, i.site_id),
                i.mode,
                redact(i.transcript),
                redact(i.notes),
            ]

    yield "interviews", interview_rows()

    # Supporters who did not agree to being observed: their pseudonyms are withheld.
    withhold = Withhold(user)

    def observation_rows():
        yield [
            "observation_id",
            "setting",
            "course_id",
            "session_id",
            "observed_on",
            "title",
            "field_notes",
        ]
        for o in stream(Observation.objects.for_user(user).order_by("id")):
            spans = redact.spans(o.text)[1]
            if spans:
                spans_of[("observation", o.id)] = spans
            yield [
                OB(o.id),
                o.setting,
                COURSE(o.course_id) if o.course_id else "",
                SESSION(o.session_id) if o.session_id else "",
                dates.site(o.observed_on, o.site_id),
                withhold(redact(o.title)),
                withhold(redact(o.field_notes)),
            ]

    yield "observations", observation_rows()

    yield (
        "code_groups",
        [
            ["code_group_id", "key", "theme", "name"],
            *(
                [G(g.id), g.key, g.theme_key, g.name]
                for g in code_groups().annotate(theme_key=F("theme__key"))
            ),
        ],
    )

    def meaning_units():
        yield [
            "meaning_unit_id",
            "interview_id",
            "observation_id",
            "logbook_id",
            "start",
            "end",
            "text",
            "condensed",
            "code_groups",
        ]
        units = (
            MeaningUnit.objects.for_user(user)
            .filter(
                Q(interview__in=interviews)
                | Q(observation__isnull=False)
                | Q(logbook__meeting__pair__in=case_pairs(cases))
            )
            .select_related("logbook")
            .order_by("id")
            .prefetch_related(Prefetch("code_groups", code_groups(), to_attr="ordered_groups"))
        )
        for u in stream(units):
            if u.logbook_id:
                # A logbook's source document is stored as written: the Redactor's changes
                # to it, noted once per logbook.
                key = ("logbook", u.logbook_id)
                if key not in spans_of:
                    spans_of[key] = redact.spans(source_text(u.logbook))[1]
                spans = spans_of[key]
            else:
                source = (
                    ("interview", u.interview_id)
                    if u.interview_id
                    else ("observation", u.observation_id)
                )
                spans = spans_of.get(source, [])
            text = withhold if u.observation_id else str
            yield [
                MU(u.id),
                IV(u.interview_id),
                OB(u.observation_id),
                L(u.logbook_id),
                moved(u.start, spans),
                moved(u.end, spans, end=True),
                text(redact(u.text)),
                text(redact(u.condensed)),
                _list(g.key for g in u.ordered_groups),
            ]

    yield "meaning_units", meaning_units()
    yield (
        "logbooks",
        [
            ["logbook_id", "case", "date", "text"],
            *(
                [
                    L(lb["id"]),
                    case_pseudonym(lb["case_id"]),
                    dates.case(lb["date"], lb["case_id"]),
                    redact(lb["text"]),
                ]
                for lb in case_logbooks(cases)
            ),
        ],
    )
    yield "mechanism_items", _mechanism_rows([p["id"] for p in case_rows], dates, L)
    yield from programme_tables(cases, people, dates=dates, redact=redact)


def _mechanism_rows(case_ids: list[int], dates: Dates, logbook_id) -> Iterator[list]:
    """The logbooks' mechanism items in long format: one row per logbook per answered item (the
    six 1-5 scales, then the role view as its code), in the order of each case's meetings."""
    yield ["case", "logbook_id", "meeting_number", "plan_number", "date", "item", "value"]
    for meeting in iter_mechanisms(case_ids):
        for item, value in meeting.values():
            yield [
                case_pseudonym(meeting.pair_id),
                logbook_id(meeting.logbook_id),
                meeting.number,
                meeting.plan_number,
                dates.case(meeting.held_on, meeting.pair_id),
                item,
                value,
            ]


def write_csv_zip(user, file, *, exact_dates: bool = False) -> None:
    """The CSV tables as a zip written into `file` (binary, seekable), a row at a time."""
    resources = []
    with snapshot(), zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in csv_tables(user, exact_dates=exact_dates):
            with (
                zip_entry(archive, f"{name}.csv") as entry,
                io.TextIOWrapper(entry, encoding="utf-8", newline="") as text,
            ):
                writer = csvsafe.writer(text)
                for number, row in enumerate(rows):
                    if number == 0:
                        resources.append(dictionary.describe(name, list(row)))
                    writer.writerow(row)
        archive.writestr(
            "datapackage.json", dictionary.datapackage(resources, exact_dates=exact_dates)
        )
