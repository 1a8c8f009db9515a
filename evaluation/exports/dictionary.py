"""The data dictionary of the CSV export: a Frictionless Data Package (datapackage.json, Table
Schema per CSV) that says what each table holds and each column means, with its type, so that
R, Python (frictionless) or a reader of the zip can check and load the tables without guessing.

The descriptions are in English, as the column names and the codes in the cells are. A column
the dictionary does not know is still listed (as text, without a description); the tests fail
on one, so that every column the export writes is described here."""

from __future__ import annotations

import json
from typing import Any

from logbooks.models import RELATIONSHIP_SCALES, RolePerception
from logbooks.models.meetings import CancelledBy, CancelReason, MeetingStatus

from ..models.choices import (
    Actor,
    ContextSubject,
    Influence,
    InformantType,
    InterviewMode,
    ObservationSetting,
    OutcomeResult,
    Stance,
    TheoryKind,
)


def codes(choices) -> str:
    """The codes of a set of choices, as a sentence: 'yes, no or unclear.'"""
    values = [str(v) for v in choices.values]
    return f"{', '.join(values[:-1])} or {values[-1]}." if len(values) > 1 else f"{values[0]}."


PSEUDONYMS = (
    "Records are named by stable pseudonymous ids (an HMAC of the database id), never by their "
    "database ids; dates are moved by the person's (or, for records of no person, the site's) "
    "secret offset unless the export was made with exact dates."
)

# Columns of the same name mean the same in every table.
COMMON: dict[str, tuple[str, str]] = {
    "case": ("string", "The case's pseudonym (C-…): the peer's course through the programme."),
    "peer": ("string", "The peer's pseudonym (P-…), as in participants.csv."),
    "supporter": ("string", "The peer supporter's pseudonym (S-…), as in participants.csv."),
    "site": ("string", "The site (municipality or organisation) running the programme."),
    "round": ("string", "The round (cohort) of the site."),
    "status": ("string", "The state, as a code."),
    "kind": ("string", "The kind, as a code."),
    "category": ("string", "The category, as a code of the codebook."),
    "description": ("string", "Free text, pseudonymised."),
    "note": ("string", "Free text, pseudonymised."),
    "stance": ("string", codes(Stance)),
    "actor": ("string", f"Whose: {codes(Actor)}"),
    "intervention": ("string", "The part of the programme (intervention component)."),
    "interview_id": ("string", "The interview (I-…), as in interviews.csv."),
    "observation_id": ("string", "The observation (OB-…), as in observations.csv."),
    "outcome_id": ("string", "The outcome (O-…), as in outcomes.csv."),
    "mechanism_id": ("string", "The mechanism (M-…), as in mechanisms.csv."),
    "theory_id": ("string", "The programme theory version (T-…), as in programme_theories.csv."),
    "theory_configuration_id": (
        "string",
        "The theory's ICAMO configuration (TC-…), as in theory_configurations.csv.",
    ),
    "complications": ("string", "Diabetes complications, as codes separated by ';'."),
    "other_diagnoses": ("string", "Other diagnoses, as codes separated by ';'."),
}

TABLES: dict[str, tuple[str, dict[str, tuple[str, str]]]] = {
    "cases": (
        "One row per case: the peer's course through the programme, with its figures.",
        {
            "started_on": ("date", "The day the case started (its first pair's match meeting)."),
            "ended_on": ("date", "The day the case ended or completed; empty while active."),
            "supporters": (
                "string",
                "The case's peer supporters (S-…), the first first, separated by ';': more than "
                "one when a substitute supporter took over.",
            ),
            "supporter_periods": (
                "string",
                "Each supporter's period as start/end (end empty while active), in the order of "
                "supporters, separated by ';'.",
            ),
            "similarities": (
                "integer",
                "The similarity index: how many of the match survey's answers the two share.",
            ),
            "meetings_held": ("integer", "Biweekly meetings held."),
            "logbook_words": ("integer", "Words written in the case's submitted logbooks."),
        },
    ),
    "participants": (
        "One row per peer or supporter of the exported cases: background (Table 2).",
        {
            "participant": ("string", "The participant's pseudonym (P-… peer, S-… supporter)."),
            "kind": ("string", "peer or supporter."),
            "sex": ("string", "female, male or other."),
            "birth_year": ("integer", "Year of birth."),
            "age_at_start": ("integer", "Age in years on the day the case started."),
            "referral_channel": ("string", "How the participant was referred, as a code."),
            "origin": ("string", "Ethnic origin, as a code."),
            "education": ("string", "Education, as a code."),
            "employment": ("string", "Employment, as a code."),
            "lives_alone": ("boolean", "Lives alone."),
            "support_work_experience": (
                "boolean",
                "(Supporters) has worked as a support person before.",
            ),
        },
    ),
    "nurse_visits": (
        "One row per diabetes nurse visit (pre and post) with the peer's measures.",
        {
            "visit_id": ("string", "The visit (V-…)."),
            "kind": ("string", "pre or post."),
            "visited_on": ("date", "The day of the visit."),
            "hba1c_mmol_mol": ("number", "HbA1c in mmol/mol."),
            "systolic_mmhg": ("number", "Systolic blood pressure in mmHg."),
            "diastolic_mmhg": ("number", "Diastolic blood pressure in mmHg."),
            "weight_kg": ("number", "Weight in kg."),
            "height_cm": ("number", "Height in cm."),
            "waist_cm": ("number", "Waist circumference in cm."),
            "adherence": ("string", "Adherence to medication, as a code."),
            "gp_contacts": ("integer", "Contacts with the general practitioner since last."),
            "missed_appointments": ("integer", "Missed appointments since last."),
            "rehabilitation": ("string", "Diabetes rehabilitation, as a code."),
            **{f"who5_{n}": ("integer", f"WHO-5 item {n} (0-5).") for n in range(1, 6)},
            **{f"paid5_{n}": ("integer", f"PAID-5 item {n} (0-4).") for n in range(1, 6)},
            "who5_score": ("integer", "WHO-5 wellbeing score (0-100; 50 or less: poor)."),
            "paid5_score": ("integer", "PAID-5 score (0-20; 8 or more: possible distress)."),
            "hba1c_percent": ("number", "HbA1c in % (DCCT), computed from mmol/mol."),
            "bmi": ("number", "Body mass index, computed from weight and height."),
            "medication": ("string", "Diabetes medication, as codes separated by ';'."),
            "medication_note": ("string", "Free text, pseudonymised."),
            "other_diagnoses_note": ("string", "Free text, pseudonymised."),
            "self_care_note": ("string", "Free text, pseudonymised."),
            "confirmed_warnings": (
                "string",
                "Values outside the plausible range that the nurse confirmed, separated by ';'.",
            ),
            "early_reason": ("string", "Why a post visit came early, if it did."),
        },
    ),
    "outcomes": (
        "One row per outcome recorded for a case.",
        {
            "outcome_id": ("string", "The outcome (O-…)."),
            "kind": ("string", "The outcome measured, as a code."),
            "result": ("string", codes(OutcomeResult)),
            "behaviours": ("string", "Changed behaviours, as codes separated by ';'."),
        },
    ),
    "contexts": (
        "One row per context factor recorded for a case.",
        {
            "context_id": ("string", "The context factor (X-…)."),
            "subject": ("string", f"Whose context: {codes(ContextSubject)}"),
            "influence": ("string", codes(Influence)),
        },
    ),
    "mechanisms": (
        "One row per mechanism (resource or reasoning) recorded for a case.",
        {"mechanism_id": ("string", "The mechanism (M-…).")},
    ),
    "case_configurations": (
        "One row per ICAMO configuration of a case, testing a theory configuration.",
        {
            "case_configuration_id": ("string", "The case configuration (CC-…)."),
            "context_ids": ("string", "Its context factors (X-…), separated by ';'."),
        },
    ),
    "programme_theories": (
        "One row per version of the programme theory.",
        {
            "version": ("integer", "The version number."),
            "kind": ("string", codes(TheoryKind)),
            "title": ("string", "The version's title."),
            "refines_id": ("string", "The version it refines (T-…)."),
        },
    ),
    "theory_configurations": (
        "One row per ICAMO configuration of a programme theory version.",
        {
            "code": ("string", "The configuration's code, e.g. ICAMO 1."),
            "context": ("string", "The context, in words."),
            "resource": ("string", "The resource the intervention offers, as a code."),
            "reasonings": ("string", "The reasonings it triggers, as codes separated by ';'."),
            "outcome": ("string", "The outcome, as a code."),
            "statement": ("string", "The configuration as one statement."),
            "derived_from_id": ("string", "The configuration of an earlier version it refines."),
        },
    ),
    "evidence": (
        "One row per piece of evidence: a quote from a source cited for or against a record.",
        {
            "evidence_id": ("string", "The evidence (E-…)."),
            "outcome": ("string", "The outcome it is cited for (O-…)."),
            "context": ("string", "The context factor it is cited for (X-…)."),
            "mechanism": ("string", "The mechanism it is cited for (M-…)."),
            "case_configuration": ("string", "The case configuration it is cited for (CC-…)."),
            "theory_configuration": ("string", "The theory configuration it is cited for (TC-…)."),
            "source_kind": ("string", "logbook, interview, observation, nurse_visit or quote."),
            "excerpt_id": ("string", "The coded meaning unit quoted (MU-…)."),
            "nurse_visit_id": ("string", "The nurse visit (V-…)."),
            "logbook_id": ("string", "The logbook (L-…)."),
            "quote": ("string", "The quote, pseudonymised."),
        },
    ),
    "interviews": (
        "One row per research interview whose informant consented to being interviewed, with "
        "its transcript or notes; an interview of no case has an empty case.",
        {
            "informant_type": ("string", codes(InformantType)),
            "informant": (
                "string",
                "The peer (P-…) or supporter (S-…) interviewed, as in participants.csv; in a "
                "case a substitute continued, whichever of its supporters it was. Empty for "
                "staff and for an interview of no case.",
            ),
            "conducted_on": ("date", "The day of the interview."),
            "mode": ("string", codes(InterviewMode)),
            "transcript": ("string", "The transcript, pseudonymised."),
            "notes": ("string", "The interviewer's notes (when not transcribed), pseudonymised."),
        },
    ),
    "observations": (
        "One row per observation of a training course, supervision or network meeting.",
        {
            "setting": ("string", codes(ObservationSetting)),
            "course_id": ("string", "The training course observed (TR-…)."),
            "session_id": ("string", "The supervision session or network meeting (SE-…)."),
            "observed_on": ("date", "The day observed."),
            "title": ("string", "The observation's title, pseudonymised."),
            "field_notes": (
                "string",
                "The field notes, pseudonymised; a supporter who has not consented to being "
                "observed is written S-WITHHELD.",
            ),
        },
    ),
    "code_groups": (
        "The codebook: one row per code group, under its theme.",
        {
            "code_group_id": ("string", "The code group (G-…)."),
            "key": ("string", "The code group's stable key."),
            "theme": ("string", "The theme's key."),
            "name": ("string", "The code group's name."),
        },
    ),
    "meaning_units": (
        "One row per meaning unit coded in an interview, an observation or a logbook "
        "(systematic text condensation); exactly one of its source columns is filled.",
        {
            "meaning_unit_id": ("string", "The meaning unit (MU-…)."),
            "logbook_id": ("string", "The logbook (L-…), as in logbooks.csv."),
            "start": (
                "integer",
                "Its first character in the source's text as exported (0-based).",
            ),
            "end": ("integer", "The character after its last, in the text as exported."),
            "text": ("string", "The meaning unit, as in the exported text."),
            "condensed": ("string", "The condensed meaning."),
            "code_groups": ("string", "Its code groups' keys, separated by ';'."),
        },
    ),
    "mechanism_items": (
        "The logbooks' mechanism items in long format: one row per submitted logbook per "
        "answered item.",
        {
            "logbook_id": ("string", "The logbook (L-…), as in logbooks.csv."),
            "meeting_number": ("integer", "The meeting's number among the case's logbooks."),
            "plan_number": ("integer", "The meeting's number in the pair's plan (1-13)."),
            "date": ("date", "The day of the meeting."),
            "item": (
                "string",
                f"One of the six scales ({', '.join(RELATIONSHIP_SCALES)}; each 1-5), or role "
                f"(the supporter's view of their role: {codes(RolePerception)})",
            ),
            "value": ("string", "The answer: 1-5 for a scale, a code for the role."),
        },
    ),
    "meetings": (
        "One row per biweekly meeting of a case: planned, held, cancelled (by whom, why) or "
        "missed.",
        {
            "meeting_id": ("string", "The meeting (MT-…)."),
            "number": ("integer", "The meeting's number in the pair's plan (1-13)."),
            "planned_on": ("date", "The day it was planned for."),
            "status": ("string", codes(MeetingStatus)),
            "held_on": ("date", "The day it was held."),
            "duration_minutes": ("integer", "How long it lasted, in minutes."),
            "cancelled_by": ("string", f"Who cancelled: {codes(CancelledBy)}"),
            "cancel_reason": ("string", f"Why: {codes(CancelReason)}"),
            "cancel_note": ("string", "The note on the cancellation, pseudonymised."),
        },
    ),
    "match_surveys": (
        "One row per participant: the current match survey (the 12 questions), without the "
        "postcode and coordinates.",
        {
            "participant": ("string", "The participant's pseudonym (P-… peer, S-… supporter)."),
            "version": ("integer", "The survey's version (1 the first answers)."),
            "saved_on": ("date", "The day this version was saved."),
            "languages": ("string", "Languages spoken, as codes separated by ';'."),
            "years_with_t2d": ("integer", "Years with type 2 diabetes."),
            "availability": ("string", "When they can meet, as codes separated by ';'."),
            "capacity": ("integer", "(Supporters) how many peers they can support."),
            "smokes": ("boolean", "Smokes."),
            "has_pets": ("boolean", "Has pets."),
            "activities": ("string", "Needs or offers, as codes separated by ';'."),
            "age_min": ("integer", "The youngest partner they accept."),
            "age_max": ("integer", "The oldest partner they accept."),
            "sex_required": ("string", "The partner's sex they require, if any."),
            "same_ethnicity_required": ("boolean", "Requires the same ethnic origin."),
            "shared_language_required": ("boolean", "Requires a shared language."),
            "non_smoker_required": ("boolean", "Requires a non-smoker."),
            "pet_allergy": ("boolean", "Allergic to pets."),
            "max_distance_km": ("integer", "The farthest they will travel, in km."),
            "vulnerabilities": ("string", "(Peers) vulnerability, as codes separated by ';'."),
            "motivation": ("string", "Why they take part, pseudonymised."),
            "notes": ("string", "Anything else, pseudonymised."),
        },
    ),
    "training_attendance": (
        "One row per supporter and training course day they were invited to.",
        {
            "course_id": ("string", "The training course (TR-…)."),
            "day": ("integer", "Day 1 or 2 of the course."),
            "day_on": ("date", "The day of the course day."),
            "attended": ("boolean", "Attended."),
        },
    ),
    "supervision_attendance": (
        "One row per supporter and supervision session or network meeting they were invited to.",
        {
            "session_id": ("string", "The supervision session or network meeting (SE-…)."),
            "kind": ("string", "supervision or network."),
            "session_on": ("date", "The day of the session."),
            "attended": ("boolean", "Attended; empty: not recorded."),
        },
    ),
    "logbooks": (
        "One row per submitted logbook, its answers as one text.",
        {
            "logbook_id": ("string", "The logbook (L-…)."),
            "date": ("date", "The day of the meeting."),
            "text": (
                "string",
                "The logbook as a source document, pseudonymised: each answered written "
                "question's Danish label on a line, then the answer, questions apart by a "
                "blank line. Meaning units' positions point into it.",
            ),
        },
    ),
}


def field(table: str, name: str) -> dict[str, Any]:
    """The Table Schema field of a column: its type and description, or text without one."""
    own = TABLES.get(table, ("", {}))[1]
    kind, description = own.get(name) or COMMON.get(name) or ("string", "")
    spec = {"name": name, "type": kind}
    if description:
        spec["description"] = description
    return spec


def describe(table: str, header: list[str]) -> dict[str, Any]:
    """The tabular data resource of one CSV of the zip."""
    return {
        "name": table,
        "path": f"{table}.csv",
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "description": TABLES.get(table, ("", {}))[0],
        "schema": {"fields": [field(table, name) for name in header], "missingValues": [""]},
    }


def datapackage(resources: list[dict[str, Any]], *, exact_dates: bool) -> str:
    """datapackage.json for the zip's tables."""
    dates = "exact" if exact_dates else "moved by each person's secret offset"
    return json.dumps(
        {
            "profile": "tabular-data-package",
            "name": "tod-evaluation",
            "title": "Together on Diabetes: the evaluation's pseudonymised tables",
            "description": f"{PSEUDONYMS} Dates in this export: {dates}.",
            "resources": resources,
        },
        indent=2,
        ensure_ascii=False,
    )
