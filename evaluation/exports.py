"""Exports for researchers, pseudonymised: every table as CSV (in one zip) and a REFI-QDA project
(.qdpx) that NVivo, ATLAS.ti and QualCoder open.

No export holds a name, phone number, e-mail address, address or date of birth: people appear
as stable pseudonyms (evaluation.pseudonyms), ages in years, and every free text goes through the
Redactor. No export holds a database id either: every record is named by a stable pseudonymous
id (pseudonyms.record_pseudonym, and HMAC GUIDs in the .qdpx). Dates are shifted per person by a
secret offset (pseudonyms.date_shift_days; a case and its records take the peer's), keeping every
interval of a person exact, unless the export is asked for exact dates (`exact_dates`, which the
view allows the full export tier only). What re-identification risk remains:
docs/pseudonymised-exports.md.

Both exports stream: each table is an ordinary queryset read with `.iterator(chunk_size=CHUNK)`
(related rows by `Prefetch`, per chunk) and written row by row into a zip file the caller gives
(the view a temporary file), so memory stays flat whatever the data size. What is kept whole is
one small entry per case or person (ids, dates, the case figures of reports.engagement_rows) and
the short code lists. The number of queries does not grow with the data either: one per table,
one per prefetched relation and chunk. The queries read one snapshot (`_snapshot`), so the tables
agree with each other as the single SELECT they replace did.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import tempfile
import time
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from xml.etree import ElementTree as ET
from xml.sax.saxutils import quoteattr

from django.db import connection, transaction
from django.db.models import F, Prefetch, Q
from django.utils import timezone

from logbooks.models import Logbook
from programme.models import Participant
from tod import csvsafe

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
from .selectors import redactor_for

# Rows fetched from the database at a time (and prefetched relations per as many rows).
CHUNK = 2000


def _list(values) -> str:
    return ";".join(str(v) for v in values or [])


def _people(cases):
    return Participant.objects.filter(
        Q(pk__in=cases.values("peer_id")) | Q(pk__in=cases.values("supporter_id"))
    )


@contextmanager
def _snapshot():
    """One read-only transaction that sees the database as it was at its first query
    (PostgreSQL's REPEATABLE READ), so a case started while an export is read is in all of its
    tables or in none. Inside a transaction already begun (a test's), that one is used."""
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _stream(queryset) -> Iterator:
    return queryset.iterator(chunk_size=CHUNK)


def _logbooks(cases) -> Iterator[dict]:
    """The submitted logbooks of the cases, each as {id, pair_id, date, text}, streamed."""
    rows = (
        Logbook.objects.filter(meeting__pair__in=cases, status__in=engagement.SUBMITTED)
        .order_by("meeting__pair_id", "meeting__held_on", "id")
        .values("id", "meeting__pair_id", "meeting__held_on", *engagement.LOGBOOK_TEXT_FIELDS)
    )
    labels = engagement.logbook_labels()
    for row in _stream(rows):
        yield {
            "id": row["id"],
            "pair_id": row["meeting__pair_id"],
            "date": row["meeting__held_on"],
            "text": engagement.logbook_text(row, labels),
        }


def _background(person) -> Background:
    try:
        return person.evaluation_background
    except Background.DoesNotExist:
        return Background()


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

    people = _people(cases)
    theories = ProgrammeTheory.objects.for_user(user)
    interviews = _interviews(user, cases)
    # One small entry per case: the peer (whose offset the case's dates take) and each person's
    # first case start.
    case_rows = list(
        cases.values(
            "id",
            "site__slug",
            "round_id",
            "round__name",
            "status",
            "started_on",
            "ended_on",
            "peer_id",
            "supporter_id",
        )
    )
    dates = Dates(exact=exact_dates, peer_of_case={p["id"]: p["peer_id"] for p in case_rows})
    similarity = {r["id"]: r for r in engagement_rows(user)}
    start_of: dict[int, dt.date | None] = {}
    for p in case_rows:
        for pid in (p["peer_id"], p["supporter_id"]):
            start_of.setdefault(pid, p["started_on"])

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
                "supporter",
                "similarities",
                "meetings_held",
                "logbook_words",
            ],
            *(
                [
                    case_pseudonym(p["id"]),
                    p["site__slug"],
                    p["round__name"] if p["round_id"] else "",
                    p["status"],
                    dates.case(p["started_on"], p["id"]),
                    dates.case(p["ended_on"], p["id"]),
                    P(p["peer_id"], "peer"),
                    P(p["supporter_id"], "supporter"),
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
            "origin",
            "education",
            "employment",
            "lives_alone",
            "work_experience_as_support_person",
            "complications",
            "other_diagnoses",
        ]
        rows = people.select_related("evaluation_background").order_by(
            "last_name", "first_name", "id"
        )
        for person in _stream(rows):
            b = _background(person)
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
                b.origin,
                b.education,
                b.employment,
                b.lives_alone,
                b.work_experience_as_support_person,
                _list(b.complications),
                _list(b.other_diagnoses),
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
        for v in _stream(visits):
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
                for o in _stream(Outcome.objects.filter(pair__in=cases).order_by("id"))
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
                for c in _stream(ContextFactor.objects.filter(pair__in=cases).order_by("id"))
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
                for m in _stream(Mechanism.objects.filter(pair__in=cases).order_by("id"))
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
                for c in _stream(configurations)
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
                for t in _stream(theories.order_by("version"))
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
                for c in _stream(
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
                for e in _stream(evidence)
            ),
        ],
    )
    # Where the Redactor changed a source's text, the positions of its meaning units move with
    # it: the replacements of each source, noted while its table is written.
    spans_of: dict[tuple[str, int], list] = {}

    def interview_rows():
        yield ["interview_id", "case", "informant_type", "conducted_on", "mode"] + [
            "transcript",
            "notes",
        ]
        for i in _stream(interviews):
            spans = redact.spans(i.text)[1]
            if spans:
                spans_of[("interview", i.id)] = spans
            yield [
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

    yield "interviews", interview_rows()

    def observation_rows():
        yield ["observation_id", "setting", "observed_on", "title", "field_notes"]
        for o in _stream(Observation.objects.for_user(user).order_by("id")):
            spans = redact.spans(o.text)[1]
            if spans:
                spans_of[("observation", o.id)] = spans
            yield [
                OB(o.id),
                o.setting,
                dates.site(o.observed_on, o.site_id),
                redact(o.title),
                redact(o.field_notes),
            ]

    yield "observations", observation_rows()

    yield (
        "code_groups",
        [
            ["code_group_id", "key", "theme", "name"],
            *(
                [G(g.id), g.key, g.theme_key, g.name]
                for g in _code_groups().annotate(theme_key=F("theme__key"))
            ),
        ],
    )

    def meaning_units():
        yield [
            "meaning_unit_id",
            "interview_id",
            "observation_id",
            "start",
            "end",
            "text",
            "condensed",
            "code_groups",
        ]
        units = (
            MeaningUnit.objects.for_user(user)
            .filter(Q(interview__in=interviews) | Q(observation__isnull=False))
            .order_by("id")
            .prefetch_related(Prefetch("code_groups", _code_groups(), to_attr="ordered_groups"))
        )
        for u in _stream(units):
            source = (
                ("interview", u.interview_id)
                if u.interview_id
                else ("observation", u.observation_id)
            )
            spans = spans_of.get(source, [])
            yield [
                MU(u.id),
                IV(u.interview_id),
                OB(u.observation_id),
                moved(u.start, spans),
                moved(u.end, spans, end=True),
                redact(u.text),
                redact(u.condensed),
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
                    case_pseudonym(lb["pair_id"]),
                    dates.case(lb["date"], lb["pair_id"]),
                    redact(lb["text"]),
                ]
                for lb in _logbooks(cases)
            ),
        ],
    )


def _code_groups():
    """The code groups in the codebook's order (themes, then groups)."""
    return CodeGroup.objects.order_by("theme__order", "order", "name", "id")


def _interviews(user, cases):
    return (
        Interview.objects.for_user(user)
        .filter(Q(pair__isnull=True) | Q(pair__in=cases))
        .order_by("id")
    )


def _zip_entry(archive: zipfile.ZipFile, name: str):
    """An entry of `archive` to write into, as ZipFile.writestr would make it."""
    info = zipfile.ZipInfo(name, date_time=time.localtime(time.time())[:6])
    info.compress_type = archive.compression
    info.external_attr = 0o600 << 16
    return archive.open(info, "w", force_zip64=True)


def write_csv_zip(user, file, *, exact_dates: bool = False) -> None:
    """The CSV tables as a zip written into `file` (binary, seekable), a row at a time."""
    with _snapshot(), zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in csv_tables(user, exact_dates=exact_dates):
            with (
                _zip_entry(archive, f"{name}.csv") as entry,
                io.TextIOWrapper(entry, encoding="utf-8", newline="") as text,
            ):
                writer = csvsafe.writer(text)
                for row in rows:
                    writer.writerow(row)


# --- REFI-QDA ------------------------------------------------------------------------------------

QDA_NS = "urn:QDA-XML:project:1.0"


def _guid(kind: str, key) -> str:
    """Stable GUIDs, so a re-export updates rather than duplicates in the QDA tool; from the
    HMAC, so no GUID gives a database id back (pseudonyms.record_guid)."""
    return record_guid(kind, key)


def _el(parent, tag, **attrs):
    return ET.SubElement(parent, tag, {k: str(v) for k, v in attrs.items()})


def _element(tag, **attrs):
    return ET.Element(tag, {k: str(v) for k, v in attrs.items()})


class _ProjectWriter:
    """project.qde written as it is read: the Project element's children one at a time (each
    a small ElementTree, serialised on its own), so only one case or source is in memory. The
    children carry no namespace of their own: they are in the Project's default namespace."""

    def __init__(self, out, attrs: dict[str, str]) -> None:
        self.out = out
        self.open: str | None = None
        out.write("<?xml version='1.0' encoding='utf-8'?>\n")
        attributes = "".join(f" {key}={quoteattr(value)}" for key, value in attrs.items())
        out.write(f'<Project xmlns="{QDA_NS}"{attributes}>')

    def write(self, element: ET.Element) -> None:
        self.out.write(ET.tostring(element, encoding="unicode"))

    def child(self, element: ET.Element, *, within: str) -> None:
        """`element` inside a <within> list element, opened on its first child (a list with
        no child is left out, as a QDA project has no empty Cases or Sources)."""
        if self.open != within:
            self.close_list()
            self.out.write(f"<{within}>")
            self.open = within
        self.write(element)

    def close_list(self) -> None:
        if self.open:
            self.out.write(f"</{self.open}>")
            self.open = None

    def close(self) -> None:
        self.close_list()
        self.out.write("</Project>")


def write_qdpx(user, file, *, now: dt.datetime | None = None, exact_dates: bool = False) -> None:
    """The REFI-QDA project written into `file` (binary, seekable): codebook (themes, code
    groups and ICAMO codes), case variables, the cases, and the interviews, observations and
    logbooks as text sources with the coded meaning units as selections. Each source is read
    with its units (Prefetch, per chunk) and written at once: its text as a zip entry, its
    selections into project.qde, which is spooled to a temporary file and added last. Sources
    are named and dated with shifted dates unless `exact_dates` (see Dates); the selections
    point into the redacted texts."""
    with _snapshot():
        _write_qdpx(user, file, now=now or timezone.now(), exact_dates=exact_dates)


def _write_qdpx(user, file, *, now: dt.datetime, exact_dates: bool) -> None:
    stamp = now.replace(microsecond=0).isoformat()
    redact = redactor_for(user)
    cases_qs = cases_for(user)
    interviews_qs = _interviews(user, cases_qs)
    observations_qs = Observation.objects.for_user(user).order_by("id")
    cases = list(cases_qs.values("id", "peer_id", "supporter_id", "started_on", "status"))
    dates = Dates(exact=exact_dates, peer_of_case={p["id"]: p["peer_id"] for p in cases})
    outcomes_of: dict[int, dict[str, str]] = defaultdict(dict)
    for o in (
        Outcome.objects.filter(pair__in=cases_qs)
        .order_by("pair_id", "kind")
        .values("pair_id", "kind", "result")
    ):
        outcomes_of[o["pair_id"]][o["kind"]] = o["result"]
    similarity = {r["id"]: r for r in engagement_rows(user)}
    people = {
        p["id"]: p for p in _people(cases_qs).values("id", "sex", "date_of_birth").order_by("id")
    }
    user_guid = _guid("user", user.id)

    with (
        zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as archive,
        tempfile.TemporaryFile("w+", encoding="utf-8") as spool,
    ):
        project = _ProjectWriter(
            spool,
            {
                "name": f"Together on Diabetes {now:%Y-%m-%d}",
                "origin": "Together on Diabetes (ToD)",
                "creationDateTime": stamp,
                "creatingUserGUID": user_guid,
            },
        )
        users = _element("Users")
        _el(users, "User", guid=user_guid, name=user_pseudonym(user.id))
        project.write(users)

        # Codebook: themes › code groups, and ICAMO › theory configurations.
        codebook = _element("CodeBook")
        codes = _el(codebook, "Codes")
        group_guid: dict[int, str] = {}
        groups_by_key = {g.key: g for g in _code_groups().select_related("theme")}
        themes: dict[str, ET.Element] = {}
        for g in groups_by_key.values():
            if g.theme.key not in themes:
                themes[g.theme.key] = _el(
                    codes,
                    "Code",
                    guid=_guid("theme", g.theme.key),
                    name=g.theme.name,
                    isCodable="true",
                )
            group_guid[g.id] = _guid("code_group", g.key)
            _el(themes[g.theme.key], "Code", guid=group_guid[g.id], name=g.name, isCodable="true")
        icamo_root = _el(
            codes, "Code", guid=_guid("icamo", "root"), name="ICAMO", isCodable="false"
        )
        icamo_guid: dict[int, str] = {}
        theory_configurations = (
            TheoryConfiguration.objects.filter(theory__in=ProgrammeTheory.objects.for_user(user))
            .order_by("theory_id", "code", "id")
            .values("id", "code", "context", "statement", "theory__version")
        )
        for c in theory_configurations:
            icamo_guid[c["id"]] = _guid("theory_configuration", c["id"])
            code = _el(
                icamo_root,
                "Code",
                guid=icamo_guid[c["id"]],
                name=f"v{c['theory__version']} {redact(c['code'])}",
                isCodable="true",
            )
            _el(code, "Description").text = redact(c["statement"] or c["context"])
        project.write(codebook)

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
        variables_el = _element("Variables")
        for name, kind in variables.items():
            _el(
                variables_el,
                "Variable",
                guid=_guid("variable", name),
                name=name,
                typeOfVariable=kind,
            )
        project.write(variables_el)

        # Each case's sources: its interviews, then its logbooks (ids only).
        sources_of_case: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for pair_id, pk in interviews_qs.filter(pair__isnull=False).values_list("pair_id", "id"):
            sources_of_case[pair_id].append(("interview", pk))
        logbook_ids = (
            Logbook.objects.filter(meeting__pair__in=cases_qs, status__in=engagement.SUBMITTED)
            .order_by("meeting__pair_id", "meeting__held_on", "id")
            .values_list("meeting__pair_id", "id")
        )
        for pair_id, pk in _stream(logbook_ids):
            sources_of_case[pair_id].append(("logbook", pk))

        for pair in cases:
            case_el = _element(
                "Case", guid=_guid("case", pair["id"]), name=case_pseudonym(pair["id"])
            )
            peer, supporter = people.get(pair["peer_id"]), people.get(pair["supporter_id"])
            on = pair["started_on"] or timezone.localdate()
            outcomes = outcomes_of[pair["id"]]
            values = {
                "peer_sex": peer["sex"] if peer else "",
                "peer_age": age_on(peer["date_of_birth"], on) if peer else None,
                "supporter_sex": supporter["sex"] if supporter else "",
                "supporter_age": age_on(supporter["date_of_birth"], on) if supporter else None,
                "similarities": similarity.get(pair["id"], {}).get("similarities"),
                "status": pair["status"],
                **{f"outcome_{k}": outcomes.get(k, "") for k in OutcomeKind.values},
            }
            for name, value in values.items():
                if value is None or value == "":
                    continue
                vv = _el(case_el, "VariableValue")
                _el(vv, "VariableRef", targetGUID=_guid("variable", name))
                tag = "IntegerValue" if variables[name] == "Integer" else "TextValue"
                _el(vv, tag).text = str(value)
            for kind, pk in sources_of_case.pop(pair["id"], []):
                _el(case_el, "SourceRef", targetGUID=_guid(kind, pk))
            project.child(case_el, within="Cases")
        project.close_list()

        # Sources with their coded selections: each source's units in order, with their code
        # groups in the codebook's order and the evidence citing them with what it backs.
        units = (
            MeaningUnit.objects.for_user(user)
            .order_by("start", "id")
            .prefetch_related(
                Prefetch("code_groups", _code_groups().only("id"), to_attr="ordered_groups"),
                Prefetch(
                    "evidence",
                    Evidence.objects.order_by("id").select_related(
                        "case_configuration", "outcome", "context", "mechanism"
                    ),
                    to_attr="citing",
                ),
            )
        )
        evidence_codes = _evidence_codes(groups_by_key)

        def add_source(kind, pk, name, text, created, units=()):
            guid = _guid(kind, pk)
            text, spans = redact.spans(text)
            with _zip_entry(archive, f"sources/{guid}.txt") as entry:
                entry.write(text.encode("utf-8"))
            source = _element(
                "TextSource",
                guid=guid,
                name=name,
                plainTextPath=f"internal://{guid}.txt",
                creatingUser=user_guid,
                creationDateTime=created,
            )
            for u in units:
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
                targets = [group_guid[g.id] for g in u.ordered_groups]
                for e in u.citing:
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
            project.child(source, within="Sources")

        excerpts = Prefetch("excerpts", units, to_attr="units")
        for i in _stream(interviews_qs.prefetch_related(excerpts)):
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
                i.units,
            )
        for o in _stream(observations_qs.prefetch_related(excerpts)):
            on = dates.site(o.observed_on, o.site_id)
            add_source(
                "observation",
                o.id,
                f"Observation {o.get_setting_display()} {on}",
                o.text,
                f"{on.isoformat()}T00:00:00",
                o.units,
            )
        for lb in _logbooks(cases_qs):
            on = dates.case(lb["date"], lb["pair_id"])
            add_source(
                "logbook",
                lb["id"],
                f"Logbook {case_pseudonym(lb['pair_id'])} {on}",
                lb["text"],
                f"{on.isoformat()}T00:00:00" if on else stamp,
            )
        project.close()
        spool.flush()
        spool.seek(0)
        with (
            _zip_entry(archive, "project.qde") as entry,
            io.TextIOWrapper(entry, encoding="utf-8") as out,
        ):
            shutil.copyfileobj(spool, out)


def _evidence_codes(groups_by_key):
    """Codes an excerpt gets from being cited as evidence: the ICAMO code of the configuration
    (or of the one a case configuration tests), or the realist code group of the outcome, context
    or mechanism it backs."""

    def codes(evidence, icamo_guid, group_guid):
        result = []
        if evidence.theory_configuration_id in icamo_guid:
            result.append(icamo_guid[evidence.theory_configuration_id])
        configuration = evidence.case_configuration
        theory_id = configuration.theory_configuration_id if configuration else None
        if theory_id in icamo_guid:
            result.append(icamo_guid[theory_id])
        for record, field, theme in (
            (evidence.outcome, "kind", "outcomes"),
            (evidence.context, "category", "contexts"),
        ):
            value = getattr(record, field) if record else None
            group = groups_by_key.get(f"{theme}-{value}") if value else None
            if group:
                result.append(group_guid[group.id])
        value = evidence.mechanism.category if evidence.mechanism else None
        if value:
            for theme in ("resources", "reasonings"):
                group = groups_by_key.get(f"{theme}-{value}")
                if group:
                    result.append(group_guid[group.id])
        return result

    return codes
