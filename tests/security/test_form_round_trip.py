"""What is saved comes back: every form that edits stored data, round-tripped as a browser does.

For each such form: store an object with values hypothesis generates (booleans both ways,
empty and maximal texts, non-ASCII text, every choice of every choice field, dates at month
ends, numbers at their bounds), open its edit page as its user, read the form's controls as a
browser submits them (WebTest: text inputs, textareas, the checked radios and checkboxes, the
selected options, hidden fields; disabled controls left out), post them back unchanged, and
assert that no validation error appears and the stored object is unchanged, column by column.

A form that shows a stored value in a way the form cannot read back (a radio whose value is
"1" for a stored True, a date box in a format it does not parse, a multiple choice whose
stored list is not checked) loses that value the first time someone saves the page. That is
how a supporter's request for support was lost (issue 19).

Like the fuzz registry (tests/security/test_form_fuzz.py): every form class of the project
has an entry in ROUND_TRIPS, either its round trips or the reason it edits no stored data (a
filter, a token, a one-shot action that adds a row); a form without one fails the suite.

The world is the demo programme of tests/security/test_access_matrix.py and its personas; each
example runs in a transaction that is rolled back. Hypothesis runs derandomized without an
example database; ROUND_TRIP_EXAMPLES (default 6) sets how many examples it draws per case on
top of the corner examples every run covers.
"""

from __future__ import annotations

import importlib
import os

import pytest
from django import forms
from django.db import transaction
from django.forms.widgets import ChoiceWidget
from django.test import override_settings
from django.urls import reverse
from hypothesis import given

from tests.security import round_trip_cases as c
from tests.security.round_trip import (
    browser,
    corner_examples,
    differences,
    drawn,
    page_form,
    problems_on,
    short,
    submit,
)
from tests.security.round_trip_cases import EditsNoStoredData, RoundTrip
from tests.security.test_access_matrix import MATRIX, url_names
from tests.security.test_form_fuzz import FORMS, Fx, fuzz_settings, load_fx, project_forms

M, S, N, V, E = "manager", "supporter", "nurse", "supervisor", "evaluator"
P, MA, LB, EV = "programme.forms", "matching.forms", "logbooks.forms", "evaluation.forms"
OUTBOX, TWO_FACTOR = "tod.outbox.forms", "tod.accounts.two_factor"
INVITATIONS = "tod.invitations.forms"

DRAWN_EXAMPLES = int(os.environ.get("ROUND_TRIP_EXAMPLES", "6"))


# --- The registry --------------------------------------------------------------------------------

ADDS_A_ROW = "adds a new row each time from an empty form; it never shows a stored one"
ACTION = "a one-shot action on the object: it shows no stored values to save again"

ROUND_TRIPS: dict[tuple[str, str], tuple[RoundTrip, ...] | EditsNoStoredData] = {
    # programme: recruitment
    (P, "ParticipantForm"): (
        RoundTrip(
            "programme:participant_edit",
            M,
            c.participant_values,
            c.participant_store,
            c.participant_read,
        ),
    ),
    (P, "BackgroundForm"): (
        RoundTrip(
            "programme:background_edit",
            M,
            c.background_values,
            c.background_store,
            c.background_read,
        ),
    ),
    (P, "ParticipantFilterForm"): EditsNoStoredData("filters the participant list (GET)"),
    (P, "ScreeningForm"): EditsNoStoredData(f"a screening {ADDS_A_ROW}"),
    (P, "ConsentForm"): EditsNoStoredData(f"a consent decision {ADDS_A_ROW} (the history)"),
    (P, "ConsentTextForm"): EditsNoStoredData(f"a version of a consent text {ADDS_A_ROW}"),
    (P, "SiteSettingsForm"): (
        RoundTrip(
            "programme:site_settings",
            M,
            c.site_settings_values,
            c.site_settings_store,
            c.site_settings_read,
            volatile=("updated_at",),
        ),
    ),
    (P, "ConversationForm"): EditsNoStoredData(f"an initial conversation {ADDS_A_ROW}"),
    (P, "WithdrawalForm"): EditsNoStoredData(ACTION),
    (P, "InterestForm"): EditsNoStoredData(f"the public interest form {ADDS_A_ROW}"),
    (P, "RoundForm"): EditsNoStoredData(f"a round {ADDS_A_ROW}"),
    # programme: training and supervision
    (P, "CourseForm"): EditsNoStoredData(f"a course and its days {ADDS_A_ROW}"),
    (P, "InviteForm"): EditsNoStoredData("invites supporters not yet invited: adds rows"),
    (P, "ImportUploadForm"): EditsNoStoredData(f"an uploaded referral list {ADDS_A_ROW}"),
    (P, "ParticipantDetailsForm"): EditsNoStoredData(
        "checks each row of an imported file and is never shown to edit a stored participant; "
        "ParticipantForm, built on it, has its round trip"
    ),
    ("programme.imports.preview", "_RowForm"): EditsNoStoredData(
        "ParticipantDetailsForm as each row of an imported file checks it: never rendered"
    ),
    (P, "AttendanceForm"): (
        RoundTrip(
            "programme:day_attendance",
            M,
            lambda fx: c.attendance_values(c.day_invitations(fx)),
            c.day_attendance_store,
            c.day_attendance_read,
        ),
        RoundTrip(
            "programme:session_attendance",
            M,
            lambda fx: c.attendance_values(c.session_invitations(fx)),
            c.session_attendance_store,
            c.session_attendance_read,
        ),
    ),
    (P, "SessionForm"): EditsNoStoredData(f"a session {ADDS_A_ROW}"),
    (P, "SessionEditForm"): (
        RoundTrip(
            "programme:session_edit", M, c.session_edit_values, c.session_edit_store, c.session_read
        ),
    ),
    (P, "SeriesForm"): EditsNoStoredData(f"a series of sessions {ADDS_A_ROW}"),
    (P, "NotesForm"): (
        RoundTrip(
            "programme:session_detail",
            V,
            c.session_notes_values,
            c.session_notes_store,
            c.session_read,
            posts_to="programme:session_notes",
        ),
    ),
    (P, "DilemmaForm"): EditsNoStoredData(f"a dilemma {ADDS_A_ROW}"),
    (P, "ActionForm"): EditsNoStoredData(f"a follow-up action {ADDS_A_ROW}"),
    # matching
    (MA, "SurveyForm"): EditsNoStoredData("the base of the two surveys, never shown itself"),
    (MA, "PeerSurveyForm"): (
        RoundTrip(
            "matching:survey_edit",
            M,
            c.peer_survey_values,
            c.peer_survey_store,
            lambda fx, kwargs: c.survey_read(fx.peer),
            fix=c.survey_fix,
        ),
    ),
    (MA, "SupporterSurveyForm"): (
        RoundTrip(
            "matching:my_survey",
            S,
            c.supporter_survey_values,
            c.supporter_survey_store,
            lambda fx, kwargs: c.survey_read(c.hanne(fx)),
            fix=c.survey_fix,
        ),
    ),
    (MA, "WeightsForm"): (
        RoundTrip(
            "matching:weights",
            M,
            c.weights_values,
            c.weights_store,
            c.weights_read,
            volatile=("updated_at", "updated_by_id"),
        ),
    ),
    (MA, "RuleForm"): EditsNoStoredData(ACTION + " (lock or forbid a pair)"),
    (MA, "AnswerForm"): EditsNoStoredData(ACTION + " (record one side's answer)"),
    (MA, "ScheduleForm"): (
        RoundTrip(
            "logbooks:pair_detail",
            M,
            c.schedule_values,
            c.schedule_store,
            c.pair_read,
            posts_to="logbooks:pair_schedule",
        ),
    ),
    (MA, "MatchMeetingForm"): EditsNoStoredData(
        ACTION + " (the held match meeting starts the pair)"
    ),
    (MA, "SubstituteForm"): EditsNoStoredData(ACTION + " (a substitute takes over)"),
    # meetings and logbooks
    (LB, "MeetingTimeForm"): (
        RoundTrip(
            "logbooks:meeting_move", S, c.meeting_move_values, c.meeting_move_store, c.meeting_read
        ),
    ),
    (LB, "OutcomeForm"): (
        RoundTrip(
            "logbooks:meeting_outcome",
            S,
            c.outcome_values,
            c.outcome_store,
            c.meeting_read,
            fix=c.outcome_fix,
            volatile=("recorded_at", "recorded_by_id"),
        ),
    ),
    (LB, "PauseForm"): EditsNoStoredData(ACTION + " (pause the pair)"),
    (LB, "ResumeForm"): EditsNoStoredData(ACTION + " (resume the pair)"),
    (LB, "EndForm"): EditsNoStoredData(ACTION + " (end the pair)"),
    (LB, "MeetingPlanForm"): (
        RoundTrip("logbooks:plan_edit", M, c.plan_values, c.plan_store, c.plan_read),
    ),
    (LB, "LogbookForm"): (
        RoundTrip(
            "logbooks:logbook_edit",
            S,
            c.logbook_values,
            c.logbook_store("draft"),
            c.logbook_read,
            button=("action", "draft"),
            volatile=("draft_saved_at",),
        ),
        RoundTrip(
            "logbooks:logbook_edit",
            S,
            c.logbook_values,
            c.logbook_store("submitted"),
            c.logbook_read,
            button=("action", "submit"),
            fix=c.submitted_logbook_fix,
        ),
        # The manager entering a paper logbook takes over the supporter's draft as written.
        RoundTrip(
            "logbooks:logbook_paper",
            M,
            c.logbook_values,
            c.logbook_store("draft"),
            c.logbook_read,
            button=("action", "draft"),
            volatile=("draft_saved_at", "entered_by_id"),
        ),
    ),
    (LB, "CommentForm"): EditsNoStoredData(f"a comment on a logbook {ADDS_A_ROW}"),
    # the nurse and the evaluation
    (EV, "NurseVisitForm"): (
        RoundTrip(
            "evaluation:nurse_visit_edit",
            N,
            c.nurse_visit_values,
            c.nurse_visit_store,
            c.nurse_visit_read,
            fix=c.nurse_visit_fix,
            volatile=("updated_at",),
        ),
    ),
    (EV, "OutcomeForm"): EditsNoStoredData(
        "an outcome of a case from an empty form: saving a kind again replaces that kind's "
        "outcome, which the case page lists beside the form; no stored values are shown in it"
    ),
    (EV, "ContextForm"): EditsNoStoredData(f"a context of a case {ADDS_A_ROW}"),
    (EV, "MechanismForm"): EditsNoStoredData(f"a mechanism of a case {ADDS_A_ROW}"),
    (EV, "CaseConfigurationForm"): EditsNoStoredData(f"an ICAMO configuration {ADDS_A_ROW}"),
    (EV, "EvidenceForm"): EditsNoStoredData(f"a piece of evidence {ADDS_A_ROW}"),
    (EV, "TheoryForm"): EditsNoStoredData(f"a programme theory version {ADDS_A_ROW}"),
    (EV, "TheoryConfigurationForm"): (
        RoundTrip(
            "evaluation:theory_configuration_edit",
            E,
            c.theory_configuration_values,
            c.theory_configuration_store,
            c.theory_configuration_read,
        ),
    ),
    (EV, "InterviewForm"): (
        RoundTrip(
            "evaluation:interview_edit",
            E,
            c.interview_values(locked=False),
            c.new_interview_store,
            c.interview_read,
            fix=c.interview_fix,
        ),
        RoundTrip(
            "evaluation:interview_edit",
            E,
            c.interview_values(locked=True),
            c.coded_interview_store,
            c.interview_read,
            fix=c.interview_fix,
        ),
    ),
    (EV, "ObservationForm"): EditsNoStoredData(f"an observation {ADDS_A_ROW}"),
    (EV, "MeaningUnitForm"): EditsNoStoredData(f"a coded excerpt {ADDS_A_ROW}"),
    # the outbox and the account
    (OUTBOX, "OutboxFilterForm"): EditsNoStoredData("filters the outbox (GET)"),
    (OUTBOX, "ContactPreferenceForm"): (
        RoundTrip(
            "outbox:preferences", S, c.preference_values, c.preference_store, c.preference_read
        ),
    ),
    (TWO_FACTOR, "TokenForm"): EditsNoStoredData("a one-time code of the second login step"),
    (TWO_FACTOR, "ConfirmDeviceForm"): EditsNoStoredData("a one-time code confirming a device"),
    (INVITATIONS, "InviteForm"): EditsNoStoredData(f"an account and its invitation {ADDS_A_ROW}"),
    (INVITATIONS, "GiveLoginForm"): EditsNoStoredData(ACTION + " (a supporter's login)"),
    (INVITATIONS, "ChoosePasswordForm"): EditsNoStoredData("a new password, never shown"),
    (INVITATIONS, "AccessExpiryForm"): EditsNoStoredData(
        "the accounts page draws the stored date in its own input per row, not from this form; "
        "saved unchanged it changes nothing: tests/accounts/test_invitations.py"
    ),
    ("tod.admin_site", "SuperuserLoginForm"): EditsNoStoredData(
        "the admin's login: password, code"
    ),
}


def test_every_form_has_a_round_trip_or_a_reason():
    found = project_forms()
    assert len(found) >= 50
    missing = sorted(found - set(ROUND_TRIPS))
    stale = sorted(set(ROUND_TRIPS) - found)
    assert missing == [], f"forms without a round trip or a reason in ROUND_TRIPS: {missing}"
    assert stale == [], f"entries for forms that no longer exist: {stale}"
    assert set(ROUND_TRIPS) == set(FORMS)
    names = url_names()
    for (_module, name), entry in ROUND_TRIPS.items():
        if isinstance(entry, EditsNoStoredData):
            assert entry.reason, name
            continue
        assert entry, f"{name}: no round trip"
        for case in entry:
            for url in filter(None, (case.page, case.posts_to)):
                assert url in names, f"{name}: no URL named {url}"
                assert case.role in MATRIX[url].roles, f"{name}: {case.role} may not open {url}"


# --- The defect class, field by field ---------------------------------------------------------


def _flat(choices):
    """The choices of a field, those inside option groups too."""
    for key, label in choices:
        if isinstance(label, (list, tuple)):
            yield from _flat(label)
        else:
            yield key, label


def _choice_problems(form_class, kwargs) -> list[str]:
    """For every choice of every choice field of the form: the value the field stores for it,
    given back to the form as its initial value, shows that choice checked or selected."""
    problems = []
    for name, field in form_class(**kwargs).fields.items():
        if not isinstance(field, forms.ChoiceField) or field.disabled:
            continue
        if not isinstance(field.widget, ChoiceWidget):
            continue  # e.g. a site chosen for a user of one site, in a hidden input
        keys = [key for key, _label in list(_flat(field.choices))[:12] if str(key) != ""]
        for key in keys:
            key = str(getattr(key, "value", key))  # a ModelChoiceIteratorValue
            multiple = isinstance(
                field, (forms.MultipleChoiceField, forms.ModelMultipleChoiceField)
            )
            stored = field.clean([key] if multiple else key)
            bound = form_class(initial={name: stored}, **kwargs)[name]
            shown = bound.field.widget.format_value(bound.value())
            if key not in shown:
                problems.append(f"{form_class.__name__}.{name}: stored {stored!r} shows {shown}")
    return problems


def test_every_choice_shows_its_stored_value_checked(world, db):
    """The class of defect behind the lost support request, in every form of the project: a
    TypedChoiceField offering "0"/"1" while the stored value is False/True checks nothing."""
    problems = []
    for key, case in sorted(FORMS.items()):
        user = world.world.users[case.role] if case.role else None
        module, name = key
        form_class = getattr(importlib.import_module(module), name)
        problems += _choice_problems(form_class, case.kwargs(world, user))
    assert problems == [], "\n".join(problems)


# --- The round trips ---------------------------------------------------------------------------


# The fuzzer's settings: derandomized, no example database, the slow-data health checks off.
round_trip_settings = fuzz_settings


def _check(fx: Fx, case: RoundTrip, app, example: dict) -> None:
    """Store the example, open its edit page, submit the form as it is, compare."""
    with transaction.atomic():
        kwargs = case.store(fx, example)
        before = case.read(fx, kwargs)
        page = app.get(reverse(case.page, kwargs=kwargs))
        form = page_form(page, reverse(case.posts_to or case.page, kwargs=kwargs))
        response = submit(form, case.button)
        problems = problems_on(response)
        after = case.read(fx, kwargs)
        transaction.set_rollback(True)
    assert problems == [], f"saving the page unchanged showed errors: {problems}"
    changed = differences(before, after, ignore=case.volatile)
    assert changed == [], f"saving the page unchanged changed what was stored: {changed}"


def run(fx: Fx, case: RoundTrip) -> None:
    app = browser(fx.world.users[case.role])
    values = case.values(fx)
    for example in corner_examples(values):
        example = case.fix(example)
        try:
            _check(fx, case, app, example)
        except AssertionError as exc:
            exc.add_note(f"corner example: { {k: short(v) for k, v in example.items()} }")
            raise

    @round_trip_settings(DRAWN_EXAMPLES)
    @given(drawn(values).map(case.fix))
    def drawn_examples(example):
        _check(fx, case, app, example)

    drawn_examples()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo world, built once for the module inside a transaction that is rolled back at
    its end; each test runs in a savepoint of its own (pytest-django's `db`)."""
    from tests.security.test_access_matrix import build_world

    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield load_fx(build_world())
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


CASES = [
    pytest.param(
        case, id=f"{name}-{case.page.split(':')[1]}-{case.button[1] if case.button else i}"
    )
    for (_module, name), entry in sorted(ROUND_TRIPS.items())
    if not isinstance(entry, EditsNoStoredData)
    for i, case in enumerate(entry)
]


@pytest.mark.parametrize("case", CASES)
def test_form_round_trips(world, db, case):
    """The form gives back what was stored: saved unchanged, nothing changes."""
    run(world, case)
