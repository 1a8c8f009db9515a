"""The REFI-QDA export (.qdpx) that NVivo, ATLAS.ti and QualCoder open: the codebook, the cases
with their variables, and the interviews, observations and logbooks as text sources with their
coded selections, pseudonymised."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from xml.etree import ElementTree as ET
from xml.sax.saxutils import quoteattr

from django.db.models import Prefetch
from django.db.models.functions import Coalesce
from django.utils import timezone

from logbooks.models import Logbook

from .. import engagement
from ..models import (
    Evidence,
    MeaningUnit,
    Observation,
    Outcome,
    ProgrammeTheory,
    TheoryConfiguration,
)
from ..models.choices import OutcomeKind
from ..observed import Withhold
from ..pseudonyms import age_on, case_pseudonym, moved, record_guid, user_pseudonym
from ..queries import redactor_for
from ..reports import case_pairs, cases_for, engagement_rows
from .common import (
    CHUNK,
    Dates,
    case_interviews,
    case_logbooks,
    case_people,
    code_groups,
    snapshot,
    stream,
    zip_entry,
)

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
    with snapshot():
        _write_qdpx(user, file, now=now or timezone.now(), exact_dates=exact_dates)


def _write_qdpx(user, file, *, now: dt.datetime, exact_dates: bool) -> None:
    stamp = now.replace(microsecond=0).isoformat()
    redact = redactor_for(user)
    cases_qs = cases_for(user)
    interviews_qs = case_interviews(user, cases_qs)
    observations_qs = Observation.objects.for_user(user).order_by("id")
    cases = list(
        cases_qs.with_case_course().values(
            "id", "peer_id", "supporter_id", "started_on", "case_status"
        )
    )
    peer_of = {p["id"]: p["peer_id"] for p in cases}
    pairs_qs = case_pairs(cases_qs)
    supporters_of: dict[int, int] = defaultdict(int)
    for pair_id, case_id in pairs_qs.values_list("id", "case"):
        peer_of[pair_id] = peer_of[case_id]
        supporters_of[case_id] += 1
    dates = Dates(exact=exact_dates, peer_of_case=peer_of)
    outcomes_of: dict[int, dict[str, str]] = defaultdict(dict)
    for o in (
        Outcome.objects.filter(pair__in=cases_qs)
        .order_by("pair_id", "kind")
        .values("pair_id", "kind", "result")
    ):
        outcomes_of[o["pair_id"]][o["kind"]] = o["result"]
    similarity = {r["id"]: r for r in engagement_rows(user)}
    people = {
        p["id"]: p
        for p in case_people(cases_qs).values("id", "sex", "date_of_birth").order_by("id")
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
        groups_by_key = {g.key: g for g in code_groups().select_related("theme")}
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
            "supporters": "Integer",
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

        # Each case's sources: its interviews, then the logbooks of all its pairs (ids only).
        sources_of_case: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for pair_id, pk in interviews_qs.filter(pair__isnull=False).values_list("pair_id", "id"):
            sources_of_case[pair_id].append(("interview", pk))
        logbook_ids = (
            Logbook.objects.filter(meeting__pair__in=pairs_qs, status__in=engagement.SUBMITTED)
            .annotate(case_id=Coalesce("meeting__pair__root_pair_id", "meeting__pair_id"))
            .order_by("case_id", "meeting__held_on", "id")
            .values_list("case_id", "id")
        )
        for case_id, pk in stream(logbook_ids):
            sources_of_case[case_id].append(("logbook", pk))

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
                "supporters": supporters_of[pair["id"]] or None,
                "similarities": similarity.get(pair["id"], {}).get("similarities"),
                "status": pair["case_status"],
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
                Prefetch("code_groups", code_groups().only("id"), to_attr="ordered_groups"),
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

        def add_source(kind, pk, name, text, created, units=(), mask=str):
            guid = _guid(kind, pk)
            text, spans = redact.spans(text)
            text = mask(text)
            with zip_entry(archive, f"sources/{guid}.txt") as entry:
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
                    name=mask(redact(u.condensed or u.text))[:80],
                    startPosition=moved(u.start, spans),
                    endPosition=moved(u.end, spans, end=True),
                    creatingUser=user_guid,
                    creationDateTime=stamp,
                )
                if u.condensed:
                    _el(selection, "Description").text = mask(redact(u.condensed))
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
        for i in stream(interviews_qs.prefetch_related(excerpts)):
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
        # Supporters who did not agree to being observed: their pseudonyms are withheld.
        withhold = Withhold(user)
        for o in stream(observations_qs.prefetch_related(excerpts)):
            on = dates.site(o.observed_on, o.site_id)
            add_source(
                "observation",
                o.id,
                f"Observation {o.get_setting_display()} {on}",
                o.text,
                f"{on.isoformat()}T00:00:00",
                o.units,
                mask=withhold,
            )
        # A logbook's coded units, read with its chunk of logbooks (one query a chunk).
        for chunk in _chunks(case_logbooks(cases_qs)):
            units_of: dict[int, list] = defaultdict(list)
            for u in units.filter(logbook_id__in=[lb["id"] for lb in chunk]):
                units_of[u.logbook_id].append(u)
            for lb in chunk:
                on = dates.case(lb["date"], lb["case_id"])
                add_source(
                    "logbook",
                    lb["id"],
                    f"Logbook {case_pseudonym(lb['case_id'])} {on}",
                    lb["text"],
                    f"{on.isoformat()}T00:00:00" if on else stamp,
                    units_of[lb["id"]],
                )
        project.close()
        spool.flush()
        spool.seek(0)
        with (
            zip_entry(archive, "project.qde") as entry,
            io.TextIOWrapper(entry, encoding="utf-8") as out,
        ):
            shutil.copyfileobj(spool, out)


def _chunks(rows: Iterable[dict]) -> Iterator[list[dict]]:
    """`rows` a chunk (common.CHUNK) at a time."""
    chunk: list[dict] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


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
