"""Exports for researchers, pseudonymised: every table as CSV (in one zip) and a REFI-QDA project
(.qdpx) that NVivo, ATLAS.ti and QualCoder open.

No export holds a name, phone number, e-mail address, address or date of birth: people appear
as stable pseudonyms (evaluation.pseudonyms), ages in years, and every free text goes through the
Redactor. Each table is read with one query (plus prefetches), whatever the data size.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
import zipfile
from collections import defaultdict
from xml.etree import ElementTree as ET

from django.db.models import F, Prefetch, Q
from django.utils import timezone

from programme.models import Participant

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
from .pseudonyms import age_on, birth_year, case_pseudonym, participant_pseudonym, user_pseudonym
from .reports import cases_for, engagement_rows
from .scoring import bmi, hba1c_percent
from .selectors import redactor_for


def _list(values) -> str:
    return ";".join(str(v) for v in values or [])


def _people(cases):
    return Participant.objects.filter(
        Q(pk__in=cases.values("peer_id")) | Q(pk__in=cases.values("supporter_id"))
    )


def people_exported(user):
    """The participants whose (pseudonymised) data the user's exports hold: the people of the
    cases they may evaluate. The access log gets one entry for each."""
    return _people(cases_for(user))


def csv_tables(user) -> dict[str, list[list]]:
    """{table name: rows, the first row the header}."""
    cases = cases_for(user)
    redact = redactor_for(user)
    P = participant_pseudonym
    tables: dict[str, list[list]] = {}

    case_rows = list(cases.select_related("round", "site", "peer", "supporter"))
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
            p.site.slug,
            p.round.name if p.round else "",
            p.status,
            p.started_on,
            p.ended_on,
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

    people = _people(cases).select_related("evaluation_background")
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
    for person in people:
        b = getattr(person, "evaluation_background", None) or Background()
        rows.append(
            [
                P(person.id, person.kind),
                person.kind,
                person.sex,
                birth_year(person.date_of_birth),
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
        ]
    ]
    for v in NurseVisit.objects.filter(peer_id__in=cases.values("peer_id")).order_by("id"):
        rows.append(
            [v.id, P(v.peer_id, "peer"), v.kind, v.visited_on]
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
            ]
        )
    tables["nurse_visits"] = rows

    tables["outcomes"] = [["outcome_id", "case", "kind", "result", "behaviours", "description"]] + [
        [
            o.id,
            case_pseudonym(o.pair_id),
            o.kind,
            o.result,
            _list(o.behaviours),
            redact(o.description),
        ]
        for o in Outcome.objects.filter(pair__in=cases).order_by("id")
    ]
    # Each context once per case configuration that names it (once if none): the contexts table
    # and each configuration's context ids from one query.
    contexts: list[ContextFactor] = []
    context_ids: dict[int, list[int]] = defaultdict(list)
    for c in (
        ContextFactor.objects.filter(pair__in=cases)
        .annotate(configuration_id=F("configurations__id"))
        .order_by("id")
    ):
        if not contexts or contexts[-1].pk != c.pk:
            contexts.append(c)
        if c.configuration_id is not None:
            context_ids[c.configuration_id].append(c.pk)
    tables["contexts"] = [
        ["context_id", "case", "subject", "category", "influence", "description"]
    ] + [
        [
            c.id,
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
        [m.id, case_pseudonym(m.pair_id), m.kind, m.category, m.actor, redact(m.description)]
        for m in Mechanism.objects.filter(pair__in=cases).order_by("id")
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
            c.id,
            case_pseudonym(c.pair_id),
            c.theory_configuration_id,
            c.stance,
            c.intervention,
            _list(sorted(context_ids[c.id])),
            c.actor,
            c.mechanism_id,
            c.outcome_id,
            redact(c.note),
        ]
        for c in CaseConfiguration.objects.filter(pair__in=cases).order_by("id")
    ]
    theories = ProgrammeTheory.objects.for_user(user).order_by("version")
    tables["programme_theories"] = [
        ["theory_id", "version", "kind", "title", "refines_id", "description"]
    ] + [[t.id, t.version, t.kind, t.title, t.refines_id, redact(t.description)] for t in theories]
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
            c.id,
            c.theory_id,
            c.code,
            c.intervention,
            redact(c.context),
            c.actor,
            c.resource,
            _list(c.reasonings),
            c.outcome,
            redact(c.statement),
            c.derived_from_id,
        ]
        for c in TheoryConfiguration.objects.filter(theory__in=theories).order_by("id")
    ]
    evidence = Evidence.objects.for_user(user).filter(
        Q(theory_configuration__isnull=False)
        | Q(outcome__pair__in=cases)
        | Q(context__pair__in=cases)
        | Q(mechanism__pair__in=cases)
        | Q(case_configuration__pair__in=cases)
    )
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
        [e.id]
        + [getattr(e, f"{t}_id") for t in Evidence.TARGETS]
        + [
            e.stance,
            e.source_kind,
            e.excerpt_id,
            e.interview_id,
            e.observation_id,
            e.nurse_visit_id,
            e.logbook_id,
            redact(e.quote),
        ]
        for e in evidence.order_by("id")
    ]
    interviews = _interviews(user, cases)
    tables["interviews"] = [
        ["interview_id", "case", "informant_type", "conducted_on", "mode", "transcript", "notes"]
    ] + [
        [
            i.id,
            case_pseudonym(i.pair_id) if i.pair_id else "",
            i.informant_type,
            i.conducted_on,
            i.mode,
            redact(i.transcript),
            redact(i.notes),
        ]
        for i in interviews
    ]
    observations = Observation.objects.for_user(user).order_by("id")
    tables["observations"] = [
        ["observation_id", "setting", "observed_on", "title", "field_notes"]
    ] + [
        [o.id, o.setting, o.observed_on, redact(o.title), redact(o.field_notes)]
        for o in observations
    ]
    groups = list(CodeGroup.objects.select_related("theme"))
    tables["code_groups"] = [["code_group_id", "key", "theme", "name"]] + [
        [g.id, g.key, g.theme.key, g.name] for g in groups
    ]
    # Each unit once per code group it is sorted into (once if none), the groups' keys in the
    # code groups' order: the units and their groups from one query.
    group_order = {g.id: (i, g.key) for i, g in enumerate(groups)}
    units: list[MeaningUnit] = []
    unit_groups: dict[int, list[int]] = defaultdict(list)
    for u in (
        MeaningUnit.objects.for_user(user)
        .filter(Q(interview__in=interviews) | Q(observation__isnull=False))
        .annotate(code_group_id=F("code_groups__id"))
        .order_by("id")
    ):
        if not units or units[-1].pk != u.pk:
            units.append(u)
        if u.code_group_id is not None:
            unit_groups[u.pk].append(u.code_group_id)
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
            u.id,
            u.interview_id,
            u.observation_id,
            u.start,
            u.end,
            redact(u.text),
            redact(u.condensed),
            _list(group_order[g][1] for g in sorted(unit_groups[u.pk], key=group_order.get)),
        ]
        for u in units
    ]
    logbooks = engagement.logbook_texts([p.pk for p in case_rows])
    tables["logbooks"] = [["logbook_id", "case", "date", "text"]] + [
        [lb["id"], case_pseudonym(lb["pair_id"]), lb["date"], redact(lb["text"])] for lb in logbooks
    ]
    return tables


def _interviews(user, cases):
    return (
        Interview.objects.for_user(user)
        .filter(Q(pair__isnull=True) | Q(pair__in=cases))
        .order_by("id")
    )


def csv_zip(user) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in csv_tables(user).items():
            text = io.StringIO()
            writer = csv.writer(text)
            writer.writerows(rows)
            archive.writestr(f"{name}.csv", text.getvalue())
    return buffer.getvalue()


# --- REFI-QDA ------------------------------------------------------------------------------------

QDA_NS = "urn:QDA-XML:project:1.0"
GUID_NAMESPACE = uuid.UUID("6f1c6c0e-3b1e-4c4b-9a53-7c2a5f0e2d11")


def _guid(kind: str, key) -> str:
    """Stable GUIDs, so a re-export updates rather than duplicates in the QDA tool."""
    return str(uuid.uuid5(GUID_NAMESPACE, f"{kind}:{key}"))


def _el(parent, tag, **attrs):
    return ET.SubElement(parent, f"{{{QDA_NS}}}{tag}", {k: str(v) for k, v in attrs.items()})


def qdpx(user, *, now: dt.datetime | None = None) -> bytes:
    """The REFI-QDA project: codebook (themes, code groups and ICAMO codes), case variables,
    the cases, and the interviews, observations and logbooks as text sources with the coded
    meaning units as selections."""
    now = now or timezone.now()
    stamp = now.replace(microsecond=0).isoformat()
    ET.register_namespace("", QDA_NS)
    redact = redactor_for(user)
    cases = list(cases_for(user).prefetch_related("outcomes"))
    similarity = {r["id"]: r for r in engagement_rows(user)}
    people = {p.id: p for p in _people(cases_for(user))}

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
    groups_by_key = {g.key: g for g in CodeGroup.objects.select_related("theme")}
    themes: dict[str, ET.Element] = {}
    for g in sorted(groups_by_key.values(), key=lambda g: (g.theme.order, g.order)):
        if g.theme.key not in themes:
            themes[g.theme.key] = _el(
                codes, "Code", guid=_guid("theme", g.theme.key), name=g.theme.name, isCodable="true"
            )
        group_guid[g.id] = _guid("code_group", g.key)
        _el(themes[g.theme.key], "Code", guid=group_guid[g.id], name=g.name, isCodable="true")
    theory_configurations = list(
        TheoryConfiguration.objects.filter(
            theory__in=ProgrammeTheory.objects.for_user(user)
        ).select_related("theory")
    )
    icamo_root = _el(codes, "Code", guid=_guid("icamo", "root"), name="ICAMO", isCodable="false")
    icamo_guid: dict[int, str] = {}
    for c in theory_configurations:
        icamo_guid[c.id] = _guid("theory_configuration", c.id)
        code = _el(
            icamo_root,
            "Code",
            guid=icamo_guid[c.id],
            name=f"v{c.theory.version} {c.code}",
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

    interviews = list(_interviews(user, cases_for(user)))
    observations = list(Observation.objects.for_user(user).order_by("id"))
    logbooks = engagement.logbook_texts([p.pk for p in cases])
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
        outcomes = {o.kind: o.result for o in pair.outcomes.all()}
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
    units = (
        MeaningUnit.objects.for_user(user)
        .filter(Q(interview__in=interviews) | Q(observation__in=observations))
        .prefetch_related(
            "code_groups",
            # What each citation backs comes with it: _evidence_codes reads no table of its own.
            Prefetch(
                "evidence",
                queryset=Evidence.objects.select_related(
                    "outcome", "context", "mechanism", "case_configuration"
                ),
            ),
        )
        .order_by("start")
    )
    evidence_codes = _evidence_codes(groups_by_key)
    units_by_source: dict[tuple[str, int], list] = {}
    for u in units:
        key = ("interview", u.interview_id) if u.interview_id else ("observation", u.observation_id)
        units_by_source.setdefault(key, []).append(u)

    files: dict[str, str] = {}
    sources_el = _el(project, "Sources")

    def add_source(kind, pk, name, text, created):
        guid = _guid(kind, pk)
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
                name=(u.condensed or u.text)[:80],
                startPosition=u.start,
                endPosition=u.end,
                creatingUser=user_guid,
                creationDateTime=stamp,
            )
            if u.condensed:
                _el(selection, "Description").text = redact(u.condensed)
            targets = [group_guid[g.id] for g in u.code_groups.all()]
            for e in u.evidence.all():
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
        add_source(
            "interview",
            i.id,
            f"Interview {label} {i.get_informant_type_display()} {i.conducted_on}",
            redact(i.text),
            f"{i.conducted_on.isoformat()}T00:00:00",
        )
    for o in observations:
        add_source(
            "observation",
            o.id,
            f"Observation {o.get_setting_display()} {o.observed_on}",
            redact(o.text),
            f"{o.observed_on.isoformat()}T00:00:00",
        )
    for lb in logbooks:
        add_source(
            "logbook",
            lb["id"],
            f"Logbook {case_pseudonym(lb['pair_id'])} {lb['date']}",
            redact(lb["text"]),
            f"{lb['date'].isoformat()}T00:00:00" if lb["date"] else stamp,
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
    or mechanism it backs. The evidence comes with those records joined."""

    def codes(evidence, icamo_guid, group_guid):
        result = []
        if evidence.theory_configuration_id in icamo_guid:
            result.append(icamo_guid[evidence.theory_configuration_id])
        case_configuration = evidence.case_configuration
        if case_configuration is not None:
            theory_id = case_configuration.theory_configuration_id
            if theory_id in icamo_guid:
                result.append(icamo_guid[theory_id])
        outcome, context = evidence.outcome, evidence.context
        for value, theme in (
            (outcome.kind if outcome else None, "outcomes"),
            (context.category if context else None, "contexts"),
        ):
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
