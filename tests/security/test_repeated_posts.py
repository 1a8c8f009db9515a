"""A repeated post stores one row: every create view, found from the pages themselves.

1. `test_every_post_form_is_a_create_or_says_why_not`: every page of the access matrix is
   opened by a role that may, and every POST form on it is read; the view each form posts to
   must be in CREATES (it stores new rows: guarded by `tod.once.once_per_submission`, with a
   case below) or in NOT_CREATING (with the reason a repeated post stores nothing new). A new
   form that posts to an unlisted view fails here; so does a guarded view without a case, and
   a case whose view is not guarded.
2. `test_a_create_form_posted_twice_stores_one_row`: for each create view, its form is read from
   the page that shows it as a browser would submit it (hidden one-time token included), the
   case fills what a user would type, and the same data is posted twice. The first post
   stores rows; the second stores none, goes where the first went and says "Allerede gemt".

Both run in the demo programme of tests/security/test_access_matrix.py, each request in a
transaction that is rolled back (test 2: each case), with the clock frozen.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
import time_machine
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from tests.conftest import VerifiedClient
from tests.security.html_forms import HtmlForm, post_forms
from tests.security.test_access_matrix import MATRIX, World, build_world

M, S, N, V, E = "manager", "supporter", "nurse", "supervisor", "evaluator"
NOW = timezone.make_aware(dt.datetime(2026, 11, 16, 12, 0))
NOT_COUNTED = {"once.submission", "sessions.session", "axes.accessattempt", "axes.accesslog"}


@dataclass(frozen=True)
class Create:
    """A create view: who posts it, the object of its URL (a World.kwargs key or a function of
    the world), the page that shows its form (default: its own URL), and what the user types
    (a function of the world and of the form as rendered)."""

    role: str | None
    obj: str | Callable[[World], dict] | None = None
    page: tuple[str, str | Callable[[World], dict] | None] | None = None
    query: str = ""  # the page's query string, for a form shown on request
    typed: Callable[[World, dict], dict] = lambda world, form: {}
    extra: dict = field(default_factory=dict)


def _today() -> str:
    return timezone.localdate().isoformat()


def _an_observable_event(world) -> dict:
    """The first event the evaluator may observe, on its first day."""
    from evaluation.observed import observable_events

    event = next(iter(observable_events(world.users[E]).by_key.values()))
    return {"event": event.key, "observed_on": event.days[0].isoformat()}


def _site_and_round(world, form) -> dict:
    from programme.models import Round
    from tod.accounts.models import Site

    site = Site.objects.get(slug="copenhagen")
    return {"site": str(site.pk), "round": str(Round.objects.filter(site=site).first().pk)}


def _free_pair(world: World) -> dict:
    """A peer waiting in the pool and a supporter with a place whom no requirement excludes."""
    from matching.pool import load_pool
    from tod.accounts.models import Site

    pool = load_pool(Site.objects.get(slug="copenhagen").pk)
    scores = pool.scores()
    for i, peer in enumerate(pool.peers):
        for j, supporter in enumerate(pool.supporters):
            if scores[i, j] >= 0 and (peer.pk, supporter.pk) not in pool.forbidden:
                return {"pk": peer.pk, "supporter_pk": supporter.pk}
    raise AssertionError("the demo has no allowed pair in the pool")


def _first_choice(form: dict, name: str) -> dict:
    return {name: form.get(name)} if form.get(name) else {}


def _source_text(model: str, attribute: str) -> Callable[[World, dict], dict]:
    def typed(world, form):
        from tod.accounts.models import Site

        source = (
            apps.get_model("evaluation", model)
            .objects.filter(site=Site.objects.get(slug="copenhagen"))
            .first()
        )
        from evaluation.models import CodeGroup

        return {
            "text": getattr(source, attribute).split("\n")[0][:40].strip(),
            "code_groups": str(CodeGroup.objects.order_by("pk").first().pk),
        }

    return typed


def _logbook_text(world, form) -> dict:
    """The first line of the case logbook's first answer (its source document's second line)."""
    from evaluation.models import CodeGroup
    from evaluation.sources import source_text
    from logbooks.models import Logbook

    logbook = Logbook.objects.get(**world.kwargs["case_logbook"])
    return {
        "text": source_text(logbook).split("\n")[1][:40].strip(),
        "code_groups": str(CodeGroup.objects.order_by("pk").first().pk),
    }


def _substitute(world, form) -> dict:
    """A supporter offered on the form whom the pair's peer may have (no requirement, refusal
    or earlier pair excludes them)."""
    from django.core.exceptions import ValidationError

    from logbooks.models import Pair
    from matching import services
    from matching.models import MatchRule, RuleKind
    from programme.models import Participant

    pair = Pair.objects.get(pk=world.kwargs["pair"]["pk"])
    for value in filter(None, form.get("supporter_choices", [])):
        supporter = Participant.objects.get(pk=value)
        try:
            services.check_pairable(pair.peer, supporter)
        except ValidationError:
            continue
        forbidden = MatchRule.objects.filter(
            peer=pair.peer, supporter=supporter, kind=RuleKind.FORBID
        ).exists()
        if not forbidden and not Pair.objects.filter(peer=pair.peer, supporter=supporter).exists():
            return {"supporter": value, "reason": "The supporter fell ill"}
    raise AssertionError("no supporter on the form may take over the pair")


class _RewoundFile(SimpleUploadedFile):
    """An uploaded file that reads whole every time: the same file in both posts."""

    def read(self, *args):
        self.seek(0)
        return super().read(*args)


def _referral_list(world, form) -> dict:
    header = "Role in the programme,First name,Last name,Date of birth,Sex,Referral channel"
    row = "Peer,Rita,Repeat,1961-02-03,Female,Home care"
    return {"file": _RewoundFile("referrals.csv", f"{header}\n{row}\n".encode())}


CREATES: dict[str, Create] = {
    # programme
    "programme:participant_import": Create(M, "site", typed=_referral_list),
    "accounts:invite": Create(
        M,
        "site_accounts",
        typed=lambda w, f: {
            "first_name": "Ida",
            "last_name": "Invited",
            "role": "nurse",
            "channel": "email",
            "email": "ida.invited@example.org",
            "language": "da",
        },
    ),
    "programme:participant_create": Create(
        M,
        typed=lambda w, f: {
            **_site_and_round(w, f),
            "kind": "peer",
            "first_name": "Rita",
            "last_name": "Repeat",
            "date_of_birth": "1961-02-03",
            "sex": "female",
            "referral_channel": "home_care",
            "postcode": "2200",
        },
    ),
    "programme:participant_screen": Create(
        M,
        "peer",
        typed=lambda w, f: {"override_result": ""},  # the result from the answers
    ),
    "programme:participant_consent": Create(M, "peer", typed=lambda w, f: {"decision": "given"}),
    "programme:participant_conversation": Create(
        M, "peer", typed=lambda w, f: {"held_on": _today(), "notes": "We talked."}
    ),
    "programme:participant_withdraw": Create(
        M,
        "peer",
        typed=lambda w, f: {
            "withdrawn_on": _today(),
            "reason": "Moved away",
            "initiated_by": "participant",
            "data_choice": "keep",
        },
    ),
    "programme:round_list": Create(
        M,
        typed=lambda w, f: {
            "site": _site_and_round(w, f)["site"],
            "name": "Repeat round",
            "starts_on": "2027-01-01",
            "ends_on": "2027-06-30",
        },
    ),
    "programme:consent_text_list": Create(
        M,
        "site_slug",
        typed=lambda w, f: {
            "purpose": "programme",
            "title": "Samtykke, ny udgave",
            "body": "Teksten.",
            "valid_from": _today(),
        },
    ),
    "programme:course_create": Create(
        M,
        typed=lambda w, f: {
            **_site_and_round(w, f),
            "name": "Kursus R",
            "trainer": "Lise Berg",
            "capacity": "10",
            "day1_starts_at": "2027-02-01T09:00",
            "day1_ends_at": "2027-02-01T15:00",
            "day1_place": "Sundhedshuset",
            "day2_starts_at": "2027-02-08T09:00",
            "day2_ends_at": "2027-02-08T15:00",
            "day2_place": "Sundhedshuset",
        },
    ),
    "programme:session_create": Create(
        M,
        typed=lambda w, f: {
            **_site_and_round(w, f),
            "kind": "supervision",
            "starts_at": "2027-03-01T10:00",
            "duration": "120",
            "place": "Mødelokale 2",
        },
    ),
    "programme:session_series": Create(
        M,
        typed=lambda w, f: {
            **_site_and_round(w, f),
            "kind": "network",
            "starts_at": "2027-03-01T10:00",
            "duration": "120",
            "place": "Mødelokale 2",
            "count": "3",
            "every_months": "2",
        },
    ),
    "programme:session_dilemma": Create(
        V,
        "session",
        page=("programme:session_detail", "session"),
        typed=lambda w, f: {"text": "How much to say about my own illness?"},
    ),
    "programme:session_action": Create(
        V,
        "session",
        page=("programme:session_detail", "session"),
        typed=lambda w, f: {"text": "Call the GP together"},
    ),
    "programme:interest": Create(
        None,
        "site_slug",
        typed=lambda w, f: {
            "kind": "peer",
            "first_name": "Ida",
            "last_name": "Interest",
            "date_of_birth": "1958-05-05",
            "sex": "female",
            "postcode": "2200",
            "email": "ida@example.org",
            "contact_consent": "on",
        },
    ),
    # matching
    "matching:run_start": Create(M, page=("matching:board", None)),
    "logbooks:pair_create": Create(M, _free_pair, page=("matching:compare", _free_pair)),
    "logbooks:proposal_accept": Create(M, "proposal", page=("matching:board", None)),
    "logbooks:pair_substitute": Create(
        M, "pair", page=("logbooks:pair_detail", "pair"), query="substitute=1", typed=_substitute
    ),
    # meetings and logbooks
    "logbooks:pair_pause": Create(
        M,
        "pair",
        page=("logbooks:pair_detail", "pair"),
        typed=lambda w, f: {"reason": "Hospital stay"},
    ),
    "logbooks:meeting_add": Create(
        S,
        "pair",
        page=("logbooks:pair_detail", "pair"),
        typed=lambda w, f: {
            "date": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
            "time": "10:00",
            "place": "Café",
        },
    ),
    "logbooks:logbook_review": Create(
        M,
        "logbook",
        page=("logbooks:logbook_detail", "logbook"),
        typed=lambda w, f: {"action": "comment", "text": "Tak, godt skrevet."},
    ),
    "logbooks:calendar": Create(S),
    # the evaluation
    "evaluation:context_add": Create(
        E,
        "pair",
        page=("evaluation:case_detail", "pair"),
        typed=lambda w, f: {"description": "Money is short at the end of the month."},
    ),
    "evaluation:mechanism_add": Create(
        E,
        "pair",
        page=("evaluation:case_detail", "pair"),
        typed=lambda w, f: {"description": "Trust grew after the third walk."},
    ),
    "evaluation:case_configuration_add": Create(E, "pair", page=("evaluation:case_detail", "pair")),
    "evaluation:evidence_add": Create(
        E,
        "evidence_target",
        page=("evaluation:case_detail", "pair"),
        typed=lambda w, f: {"quote": "Seen at the network meeting."},
    ),
    "evaluation:theory_list": Create(
        E, typed=lambda w, f: {"title": "A third theory", "description": "Refined again."}
    ),
    "evaluation:theory_configuration_add": Create(
        E,
        "theory",
        page=("evaluation:theory_detail", "theory"),
        typed=lambda w, f: {
            "code": "C9",
            "context": "Lives alone",
            "reasonings": "trust",
            "statement": "Shared experience builds trust.",
        },
    ),
    "evaluation:interview_create": Create(
        E,
        typed=lambda w, f: {
            "conducted_on": _today(),
            "transcript": "Interviewer: How was it?\nPeer: Good.",
        },
    ),
    "evaluation:observation_create": Create(
        E,
        typed=lambda w, f: {
            **_an_observable_event(w),
            "title": "A walk",
            "field_notes": "They walked and talked.",
        },
    ),
    "evaluation:interview_detail": Create(
        E, "interview", typed=_source_text("Interview", "transcript")
    ),
    "evaluation:observation_detail": Create(
        E, "observation", typed=_source_text("Observation", "field_notes")
    ),
    "evaluation:logbook_detail": Create(E, "case_logbook", typed=_logbook_text),
}

NOT_CREATING: dict[str, str] = {
    # the file's row is locked, then deleted: a repeated confirm finds the import's log
    # (tests/programme/test_import.py)
    "programme:participant_import_confirm": "imports a file once",
    # edits of one row, or answers that replace the earlier one: saving twice saves the same
    "programme:participant_edit": "edits the participant",
    "programme:background_edit": "one background per participant: the same values change nothing",
    "programme:site_settings": "edits the site's settings (one row per site)",
    "programme:session_edit": "edits the session",
    "programme:session_notes": "replaces the notes",
    "programme:course_invite": "idempotent per supporter",
    "programme:day_attendance": "one row per supporter and day (update_or_create)",
    "programme:session_attendance": "one row per invitation",
    "programme:session_invite": "idempotent per supporter (get_or_create)",
    "programme:session_cancel": "idempotent: cancels once",
    "programme:action_done": "sets or clears a date",
    "programme:topic_take_up": "idempotent: a topic is taken up once",
    "programme:topic_dismiss": "idempotent: dismissed once",
    "logbooks:run_accept_all": "forms pairs only for peers still free",
    "matching:rule_create": "one rule per peer and supporter; a lock replaces the peer's lock",
    "matching:rule_delete": "deletes",
    "matching:weights": "edits the site's weights",
    "logbooks:pair_answer": "records an answer once; the pair leaves 'proposed'",
    "logbooks:pair_schedule": "edits the planned match meeting",
    "logbooks:pair_meeting": "pair_start is idempotent",
    "matching:survey_edit": "survey_submit keeps the version when the answers are the same",
    "matching:my_survey": "survey_submit keeps the version when the answers are the same",
    "logbooks:pair_resume": "a paused pair resumes once",
    "logbooks:pair_end": "idempotent: a pair ends once",
    "logbooks:plan_edit": "edits the plan",
    "logbooks:meeting_move": "edits the meeting",
    "logbooks:meeting_outcome": "edits the meeting's outcome",
    "logbooks:logbook_edit": "one logbook per meeting, saved again (and autosaved) in place",
    "logbooks:logbook_paper": "one logbook per meeting: the paper one, saved again in place",
    "evaluation:nurse_visit_edit": "one visit per peer and kind, saved again in place",
    "evaluation:outcome_save": "one outcome per case and kind (update_or_create)",
    "evaluation:record_delete": "deletes",
    "evaluation:theory_configuration_edit": "edits the configuration",
    "evaluation:interview_edit": "edits the interview",
    "privacy:participant_data_export": "a download; each export is logged as an access, on purpose",
    "outbox:preferences": "edits the user's choices",
    "login": "logs in",
    "logout": "logs out",
    "set_language": "a cookie",
    "password_change": "edits the password",
    "password_reset": "sends a link; Django's own view",
    "password_reset_confirm": "sets the password once; the link then expires",
    "two_factor_setup": "confirms the device once",
    "two_factor_verify": "logs in",
    "two_factor_backup_codes": "replaces the codes (the page shows the new ones)",
    "two_factor_disable": "removes the devices",
    "end_all_sessions": "logs out everywhere",
    # the accounts pages (tod/invitations)
    "accounts:invitation_resend": "a new link each time, on purpose; the old one dies",
    "accounts:invitation_revoke": "idempotent: the link is revoked once",
    "accounts:deactivate": "idempotent",
    "accounts:reactivate": "idempotent",
    "accounts:access_expiry": "edits the date",
    "accounts:invitation_accept": "sets the password once; the link then stops working",
    "programme:participant_give_login": "refused the second time: the record has its login",
}


# --- Helpers ---------------------------------------------------------------------------------


def _kwargs(world: World, obj) -> dict:
    if obj is None:
        return {}
    return obj(world) if callable(obj) else world.kwargs[obj]


def _client(world: World, role: str | None) -> VerifiedClient:
    client = VerifiedClient()
    if role is not None:
        client.force_login(world.users[role])
    return client


def _view_name(path: str) -> str | None:
    try:
        match = resolve(path.split("?", 1)[0])
    except Resolver404:
        return None
    return match.view_name


def _callbacks() -> dict[str, Callable]:
    """{namespaced URL name: view} of every URL pattern."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                yield (
                    (f"{namespace}:{pattern.name}" if namespace else pattern.name),
                    pattern.callback,
                )

    return dict(walk(get_resolver().url_patterns))


def _guarded(name: str) -> bool:
    return getattr(_callbacks().get(name), "once_per_submission", False)


def row_counts() -> dict[str, int]:
    """The highest primary key of every table with an integer key: a row stored since has a
    higher one, even where another row was deleted (a new calendar address replaces the old)."""
    from django.db.models import AutoField, BigAutoField, Max

    marks = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in NOT_COUNTED or not isinstance(model._meta.pk, AutoField | BigAutoField):
            continue
        marks[label] = model.objects.aggregate(top=Max("pk"))["top"] or 0
    return marks


def _new_rows(before: dict[str, int]) -> dict[str, int]:
    new = {}
    for label, top in before.items():
        model = apps.get_model(label)
        count = model.objects.filter(pk__gt=top).count()
        if count:
            new[label] = count
    return new


@pytest.fixture
def world(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with time_machine.travel(NOW, tick=False):
        yield build_world()


# --- 1. Every POST form is classified ---------------------------------------------------------


def test_every_post_form_is_a_create_or_says_why_not(world):
    found: dict[str, str] = {}  # view name -> a page that shows a form posting to it
    with time_machine.travel(NOW, tick=False):
        for name, row in sorted(MATRIX.items()):
            if row.post_only or (row.obj and world.kwargs.get(row.obj) is None):
                continue
            url = reverse(name, kwargs=_kwargs(world, row.obj))
            role = None if row.public else sorted(row.roles)[0] if row.roles else M
            with transaction.atomic():
                response = _client(world, role).get(url)
                transaction.set_rollback(True)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            for form in post_forms(response.content.decode()):
                target = _view_name(form.action or url)
                if target:
                    found.setdefault(target, url)
    unlisted = sorted(set(found) - set(CREATES) - set(NOT_CREATING))
    assert unlisted == [], (
        "forms posting to views that are neither in CREATES (with a repeated-post case) nor in "
        f"NOT_CREATING (with the reason): {[(n, found[n]) for n in unlisted]}"
    )
    both = sorted(set(CREATES) & set(NOT_CREATING))
    assert both == []
    for name in CREATES:
        assert _guarded(name), (
            f"{name} creates rows but is not guarded by tod.once.once_per_submission"
        )
    guarded = {name for name in MATRIX if _guarded(name)}
    assert guarded <= set(CREATES), f"guarded views without a case: {guarded - set(CREATES)}"


# --- 2. Each create view, posted twice --------------------------------------------------------


def _the_form(world: World, name: str, case: Create) -> tuple[str, HtmlForm, VerifiedClient]:
    action = reverse(name, kwargs=_kwargs(world, case.obj))
    page_name, page_obj = case.page or (name, case.obj)
    page = reverse(page_name, kwargs=_kwargs(world, page_obj))
    if case.query:
        page = f"{page}?{case.query}"
    client = _client(world, case.role)
    response = client.get(page)
    assert response.status_code == 200, f"{page}: {response.status_code}"
    for form in post_forms(response.content.decode()):
        if (form.action or page) == action:
            return action, form, client
    raise AssertionError(f"no form posting to {action} on {page}")


def check_create(world: World, name: str, case: Create) -> list[str]:
    action, form, client = _the_form(world, name, case)
    rendered = form.as_filled()
    if "submission_token" not in rendered:
        return [f"{name}: the form on its page has no submission token"]
    typed = case.typed(world, {**rendered, "supporter_choices": form.choices.get("supporter", [])})
    data = {**rendered, **typed, **case.extra}
    before = row_counts()
    first = client.post(action, data)
    created = _new_rows(before)
    problems = []
    if first.status_code != 302 or not created:
        page = first if first.status_code != 302 else client.get(first["Location"])
        said = re.findall(
            r'class="(?:invalid-feedback|alert[^"]*)"[^>]*>\s*(.*?)<', page.content.decode(), re.S
        )
        context = getattr(first, "context", None)
        if context is not None and context.get("form") is not None:
            said.append(context["form"].errors.as_json())
        return [f"{name}: the first post stored nothing ({first.status_code}): {said[:4]}"]
    before = row_counts()
    second = client.post(action, data)
    again = _new_rows(before)
    if again:
        problems.append(f"{name}: the second post stored {again} (the first {created})")
    if second.status_code != 302 or second["Location"] != first["Location"]:
        problems.append(f"{name}: the second post went to {second.get('Location')}")
    else:
        page = client.get(second["Location"]).content.decode()
        if "Allerede gemt" not in page:
            problems.append(f"{name}: no 'Allerede gemt' after the second post")
    return problems


def test_a_create_form_posted_twice_stores_one_row(world):
    problems = []
    with time_machine.travel(NOW, tick=False):
        for name, case in sorted(CREATES.items()):
            with transaction.atomic():
                try:
                    problems += check_create(world, name, case)
                except AssertionError as exc:
                    problems.append(f"{name}: {exc}")
                transaction.set_rollback(True)
    assert problems == [], "\n".join(problems)
