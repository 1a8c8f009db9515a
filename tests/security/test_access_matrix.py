"""Deny by default, proven URL by URL.

Every URL pattern of the project (read from the URLconf, so a new URL without a row here fails
`test_every_url_has_a_matrix_row`) is requested by anonymous visitors, by each role, and, for
URLs that name an object, by the same role from another site or another pair, with GET and POST.
Expected: anonymous users are sent to log in, roles without the right get 403, foreign objects
404 (nothing tells whether they exist), allowed roles never a 4xx/5xx on GET, and every POST
without a CSRF token is refused.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import VerifiedClient, make_user

M, S, N, V, E = "manager", "supporter", "nurse", "supervisor", "evaluator"
ROLES = (M, S, N, V, E)
STAFF_ALL = frozenset(ROLES)


@dataclass(frozen=True)
class Row:
    roles: frozenset[str]  # who may open it; empty = public
    obj: str | None = None  # the World attribute that gives its URL arguments
    public: bool = False  # no login needed
    login_only: bool = False  # any logged-in user (their own account pages)
    post_only: bool = False
    signed: bool = False  # a provider's webhook: no login, and a request without its signature
    notes: str = ""
    moved_to: str | None = None  # an old address: a permanent redirect there, for anyone


def r(*roles, obj=None, post=False):
    return Row(roles=frozenset(roles), obj=obj, post_only=post)


PUBLIC = Row(roles=frozenset(), public=True)
OWN_ACCOUNT = Row(roles=STAFF_ALL, login_only=True)
# Delivery receipts of the SMS gateways and the e-mail service: anyone may reach them, and
# what is not signed with the provider's secret is refused with 403 whoever sends it.
WEBHOOK = Row(roles=frozenset(), public=True, post_only=True, signed=True)

MATRIX: dict[str, Row] = {
    # accounts and the project
    "home": OWN_ACCOUNT,
    "healthz": PUBLIC,
    "set_language": Row(roles=frozenset(), public=True, post_only=True),
    "account_security": OWN_ACCOUNT,
    "end_all_sessions": Row(roles=STAFF_ALL, login_only=True, post_only=True),
    "two_factor_setup": OWN_ACCOUNT,
    # the enrolment link: for its owner it opens the setup page, for anyone else a message
    "two_factor_enrol": Row(roles=STAFF_ALL, login_only=True, obj="enrol_link"),
    "two_factor_verify": OWN_ACCOUNT,
    "two_factor_backup_codes": Row(roles=STAFF_ALL, login_only=True, post_only=True),
    "two_factor_disable": Row(roles=STAFF_ALL, login_only=True, post_only=True),
    "login": PUBLIC,
    "logout": Row(roles=frozenset(), public=True, post_only=True),
    "password_change": OWN_ACCOUNT,
    "password_change_done": OWN_ACCOUNT,
    "password_reset": PUBLIC,
    "password_reset_done": PUBLIC,
    "password_reset_confirm": Row(roles=frozenset(), public=True, obj="reset_link"),
    "password_reset_complete": PUBLIC,
    "outbox:list": r(M),
    "outbox:preferences": OWN_ACCOUNT,
    "webhooks:gatewayapi": WEBHOOK,
    "webhooks:twilio": WEBHOOK,
    "webhooks:email": WEBHOOK,
    # the manager's accounts pages (tod/invitations); another site's manager gets 404
    "accounts:index": r(M),
    "accounts:site_accounts": r(M, obj="site_accounts"),
    "accounts:invite": r(M, obj="site_accounts"),
    "accounts:invitation_resend": r(M, obj="invitation", post=True),
    "accounts:invitation_revoke": r(M, obj="invitation", post=True),
    "accounts:deactivate": r(M, obj="account", post=True),
    "accounts:reactivate": r(M, obj="account", post=True),
    "accounts:access_expiry": r(M, obj="account", post=True),
    # the invitee's link: no login, the token is the key
    "accounts:invitation_accept": Row(roles=frozenset(), public=True, obj="invitation_link"),
    "programme:participant_give_login": r(M, obj="trained_supporter"),
    "audit:participant_log": r(M, obj="peer"),
    "privacy:participant_data_export": r(M, obj="peer", post=True),
    # programme
    "programme:dashboard": r(M),
    "programme:supporter_home": r(S),
    "programme:supervisor_home": r(V),
    "programme:participant_list": r(M),
    "programme:participant_create": r(M),
    "programme:participant_detail": r(M, obj="peer"),
    "programme:participant_edit": r(M, obj="peer"),
    "programme:participant_screen": r(M, obj="peer"),
    "programme:participant_consent": r(M, obj="peer"),
    "programme:participant_conversation": r(M, obj="peer"),
    "programme:background_edit": r(M, obj="peer"),
    "programme:participant_withdraw": r(M, obj="peer"),
    "programme:participant_import_start": r(M),
    "programme:participant_import_template": r(M),
    "programme:participant_import": r(M, obj="site"),
    "programme:participant_import_preview": r(M, obj="import_upload"),
    "programme:participant_import_confirm": r(M, obj="site", post=True),
    "programme:funnel": r(M),
    "programme:round_list": r(M),
    "programme:site_settings_sites": r(M),
    "programme:site_settings": r(M, obj="site_slug"),
    "programme:consent_text_list": r(M, obj="site_slug"),
    "programme:course_list": r(M),
    "programme:course_create": r(M),
    "programme:course_detail": r(M, obj="course"),
    "programme:course_invite": r(M, obj="course"),
    "programme:day_attendance": r(M, obj="course_day"),
    "programme:waiting_for_training": r(M),
    "programme:session_list": r(M, V),
    "programme:session_create": r(M),
    "programme:session_series": r(M),
    "programme:session_detail": r(M, V, obj="session"),
    "programme:session_notes": r(M, V, obj="session"),
    "programme:session_cancel": r(M, obj="session"),
    "programme:session_edit": r(M, obj="session"),
    "programme:session_dilemma": r(M, V, obj="session"),
    "programme:session_action": r(M, V, obj="session"),
    "programme:session_attendance": r(M, V, obj="session"),
    "programme:session_invite": r(M, obj="session"),
    "programme:action_done": r(M, V, obj="action"),
    "programme:topic_take_up": r(M, V, obj="topic"),
    "programme:topic_dismiss": r(M, V, obj="topic"),
    "programme:my_sessions": r(S),
    "programme:interest_sites": PUBLIC,
    "programme:interest": Row(roles=frozenset(), public=True, obj="site_slug"),
    "programme:interest_thanks": Row(roles=frozenset(), public=True, obj="site_slug"),
    # matching
    "matching:board": r(M),
    "matching:run_start": r(M),
    "matching:run_detail": r(M, obj="run"),
    "logbooks:run_accept_all": r(M, obj="run", post=True),
    "logbooks:proposal_accept": r(M, obj="proposal", post=True),
    "matching:candidates": r(M, obj="peer"),
    "matching:compare": r(M, obj="peer_and_supporter"),
    "logbooks:pair_create": r(M, obj="peer_and_supporter"),
    "matching:rule_create": r(M, obj="peer_supporter_rule"),
    "matching:rule_delete": r(M, obj="rule", post=True),
    # the pair pages moved to logbooks (ADR 0009): a bookmark is sent on, for anyone, to the
    # one pair list or page, which checks role and object (rows below)
    "matching:pair_moved_list": Row(roles=frozenset(), moved_to="logbooks:pair_list"),
    **{
        f"matching:pair_moved_{page}": Row(
            roles=frozenset(), obj="pair", moved_to="logbooks:pair_detail"
        )
        for page in ("detail", "answer", "schedule", "meeting", "substitute")
    },
    "matching:surveys": r(M),
    "matching:survey_edit": r(M, obj="peer"),
    "matching:my_survey": r(S),
    "matching:weights": r(M),
    # meetings and logbooks
    "logbooks:pair_list": r(M, S),
    "logbooks:pair_detail": r(M, S, obj="pair"),
    "logbooks:pair_answer": r(M, obj="pair"),
    "logbooks:pair_schedule": r(M, obj="pair"),
    "logbooks:pair_meeting": r(M, obj="pair"),
    "logbooks:pair_substitute": r(M, obj="pair"),
    "logbooks:pair_pause": r(M, obj="pair"),
    "logbooks:pair_resume": r(M, obj="pair"),
    "logbooks:pair_end": r(M, obj="pair"),
    "logbooks:plan_edit": r(M, obj="pair"),
    "logbooks:meeting_add": r(M, S, obj="pair"),
    "logbooks:meeting_move": r(M, S, obj="meeting"),
    "logbooks:meeting_outcome": r(M, S, obj="meeting"),
    "logbooks:logbook_edit": r(S, obj="held_meeting"),
    "logbooks:logbook_paper": r(M, obj="held_meeting"),
    "logbooks:logbook_list": r(M, S),
    "logbooks:logbook_detail": r(M, S, obj="logbook"),
    "logbooks:logbook_review": r(M, obj="logbook"),
    "logbooks:calendar": r(S),
    "logbooks:calendar_feed": Row(roles=frozenset(), public=True, obj="calendar_token"),
    "logbooks:information_sheet": r(M, S),
    "logbooks:funder_report": r(M),
    # the nurse and the evaluation
    "evaluation:dashboard": r(M, E),
    "evaluation:nurse_home": r(N),
    "evaluation:nurse_visit_edit": r(N, obj="visit_peer"),
    "evaluation:nurse_visit_detail": r(N, obj="visit"),
    "evaluation:case_list": r(M, E),
    "evaluation:case_detail": r(M, E, obj="pair"),
    "evaluation:case_print": r(M, E, obj="pair"),
    "evaluation:outcome_save": r(E, obj="pair"),
    "evaluation:context_add": r(E, obj="pair"),
    "evaluation:mechanism_add": r(E, obj="pair"),
    "evaluation:case_configuration_add": r(E, obj="pair"),
    "evaluation:evidence_add": r(E, obj="evidence_target", post=True),
    "evaluation:record_delete": r(E, obj="deletable_record", post=True),
    "evaluation:theory_list": r(M, E),
    "evaluation:theory_detail": r(M, E, obj="theory"),
    "evaluation:theory_configuration_edit": r(E, obj="theory_configuration"),
    "evaluation:theory_configuration_add": r(E, obj="theory"),
    "evaluation:interview_list": r(M, E),
    "evaluation:interview_create": r(E),
    "evaluation:interview_detail": r(M, E, obj="interview"),
    "evaluation:interview_edit": r(E, obj="interview"),
    "evaluation:observation_list": r(M, E),
    "evaluation:observation_create": r(E),
    "evaluation:observation_detail": r(M, E, obj="observation"),
    "evaluation:logbook_detail": r(M, E, obj="case_logbook"),
    "evaluation:report_sample": r(M, E),
    "evaluation:report_icamo": r(M, E),
    "evaluation:report_prepost": r(M, E),
    "evaluation:report_mechanisms": r(M, E),
    "evaluation:report_engagement": r(M, E),
    "evaluation:export_csv": r(M, E),
    "evaluation:export_qdpx": r(M, E),
}


def url_names() -> dict[str, str]:
    """{namespaced name: route} of every URL pattern outside the admin site."""

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                if inner == "admin":
                    continue
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
                yield name, str(pattern.pattern)

    return dict(walk(get_resolver().url_patterns))


def test_every_url_has_a_matrix_row():
    names = url_names()
    missing = sorted(set(names) - set(MATRIX))
    stale = sorted(set(MATRIX) - set(names))
    assert missing == [], f"URLs without an access rule: {missing}"
    assert stale == [], f"rules for URLs that no longer exist: {stale}"


# --- The world the requests run in: the demo programme plus people of another site ------------


@dataclass
class World:
    users: dict[str, object] = field(default_factory=dict)  # role -> user of Copenhagen
    foreign: dict[str, object] = field(default_factory=dict)  # role -> the outsider for it
    kwargs: dict[str, dict] = field(default_factory=dict)  # obj -> URL kwargs
    post_data: dict[str, dict] = field(default_factory=dict)  # URL name -> what a POST needs
    # (role, obj) -> a user of the same site and role who still may not reach that object: a
    # supervisor of Copenhagen who leads none of the sessions the supporter is invited to.
    neighbours: dict[tuple[str, str], object] = field(default_factory=dict)


def first(queryset, what: str):
    row = queryset.first()
    assert row is not None, f"the demo has no {what} to test with"
    return row


def _pending_invitation(site, manager):
    """An invited nurse of the site whose link still works, and that link's token."""
    import secrets

    from django.utils import timezone

    from tod.accounts.models import Invitation, Role
    from tod.invitations.services import invitation_max_age, token_hash

    invitee = make_user("invited-nurse", Role.NURSE, [site])
    invitee.set_unusable_password()
    invitee.save(update_fields=["password"])
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        user=invitee,
        site=site,
        token_hash=token_hash(token),
        channel="email",
        address="invited@example.org",
        invited_by=manager,
        expires_at=timezone.now() + invitation_max_age(),
    )
    return invitation, token


def _case_logbook(evaluator):
    """A submitted logbook with a reflection, of a case the evaluator may code."""
    from evaluation.engagement import SUBMITTED
    from evaluation.reports import case_pairs, cases_for
    from logbooks.models import Logbook

    logbooks = Logbook.objects.filter(
        meeting__pair__in=case_pairs(cases_for(evaluator)), status__in=SUBMITTED
    ).exclude(reflections="")
    return first(logbooks.order_by("id"), "logbook of a case")


def build_world() -> World:
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from evaluation.models import (
        Interview,
        NurseVisit,
        Observation,
        ProgrammeTheory,
        TheoryConfiguration,
    )
    from logbooks.models import CalendarFeed, Logbook, Meeting, Pair
    from matching.models import MatchProposal, MatchRule, MatchRun
    from programme.models import Participant
    from tod.accounts.enrolment import enrolment_token
    from tod.accounts.models import Role, Site, User

    call_command("seed_demo", stdout=io.StringIO())
    copenhagen, aarhus = Site.objects.get(slug="copenhagen"), Site.objects.get(slug="aarhus")
    world = World()
    for role in ROLES:
        world.users[role] = User.objects.get(username=role)
    world.foreign[M] = User.objects.get(username="manager-aarhus")
    world.foreign[N] = make_user("nurse-aarhus", Role.NURSE, [aarhus])
    world.foreign[V] = make_user("supervisor-aarhus", Role.SUPERVISOR, [aarhus])
    world.foreign[E] = make_user("evaluator-aarhus", Role.EVALUATOR, [aarhus])
    # another supporter of Copenhagen, with a pair of their own
    jens_pair = (
        Pair.objects.exclude(supporter__user__username="supporter")
        .filter(site=copenhagen, status="active")
        .select_related("supporter")
        .first()
    )
    other = make_user("other-supporter", Role.SUPPORTER, [copenhagen])
    Participant.objects.filter(pk=jens_pair.supporter_id).update(user=other)
    world.foreign[S] = other

    hanne = world.users[S]
    pair = Pair.objects.filter(supporter__user=hanne, status="active").first()
    held = Meeting.objects.filter(pair=pair, status="held").first()
    logbook = Logbook.objects.filter(meeting__pair=pair).first()
    peer = pair.peer
    supporters = Participant.objects.supporters().filter(site=copenhagen)
    free_supporter = supporters.exclude(pk=pair.supporter_id).first()
    run = MatchRun.objects.filter(site=copenhagen).first()
    if run is None:
        client = VerifiedClient()
        client.force_login(world.users[M])
        client.post(reverse("matching:run_start"))
        run = MatchRun.objects.filter(site=copenhagen).first()
    proposal = MatchProposal.objects.filter(run=run).first()
    rule, _ = MatchRule.objects.get_or_create(
        site=copenhagen, peer=peer, supporter=free_supporter, defaults={"kind": "forbid"}
    )
    from evaluation.models import Outcome
    from programme.models import Course, FollowUpAction, Session, SuggestedTopic, TrainingDay

    visit = NurseVisit.objects.filter(peer__site=copenhagen).first()
    course = Course.objects.filter(site=copenhagen).first()
    led = Session.objects.filter(site=copenhagen, leader=world.users[V])
    action = first(FollowUpAction.objects.filter(session__in=led), "follow-up action")
    session = action.session
    feed, _ = CalendarFeed.objects.get_or_create(user=hanne)
    outcome = Outcome.objects.filter(pair__site=copenhagen).first()
    theory = ProgrammeTheory.objects.filter(site=copenhagen).first()
    user_of = {"uidb64": urlsafe_base64_encode(force_bytes(hanne.pk))}
    from programme.services import import_upload_store
    from programme.views.imports import upload_reference

    waiting = import_upload_store(
        site=copenhagen,
        round_=session.round,
        file_name="referrals.csv",
        file_format="csv",
        content=b"First name,Last name,Date of birth,Sex\nBent,Madsen,1957-06-05,Male\n",
        default_kind="peer",
        default_channel="home_care",
        by=world.users[M],
    )
    invitation, invitation_token = _pending_invitation(copenhagen, world.users[M])
    world.kwargs = {
        "peer": {"pk": peer.pk},
        "pair": {"pk": pair.pk},
        "meeting": {"pk": Meeting.objects.filter(pair=pair, status="planned").first().pk},
        "held_meeting": {"meeting_pk": held.pk},
        "logbook": {"pk": logbook.pk},
        "course": {"pk": course.pk},
        "course_day": {"pk": TrainingDay.objects.filter(course=course).first().pk},
        "session": {"pk": session.pk},
        "action": {"pk": action.pk},
        "topic": {"pk": first(SuggestedTopic.objects.filter(site=copenhagen), "topic").pk},
        "run": {"pk": run.pk},
        "proposal": {"pk": proposal.pk} if proposal else None,
        "peer_and_supporter": {"pk": peer.pk, "supporter_pk": free_supporter.pk},
        "peer_supporter_rule": {"pk": peer.pk, "supporter_pk": free_supporter.pk, "kind": "lock"},
        "rule": {"pk": rule.pk},
        "visit": {"pk": visit.pk},
        "visit_peer": {"peer_id": visit.peer_id, "kind": "post"},
        "case_participant": {"case_id": pair.pk, "participant_id": peer.pk},
        "evidence_target": {"target": "outcome", "target_id": outcome.pk},
        "deletable_record": {"kind": "outcome", "pk": outcome.pk},
        "theory": {"pk": theory.pk},
        "theory_configuration": {
            "pk": TheoryConfiguration.objects.filter(theory=theory).first().pk
        },
        "interview": {"pk": Interview.objects.filter(site=copenhagen).first().pk},
        "observation": {"pk": Observation.objects.filter(site=copenhagen).first().pk},
        "case_logbook": {"pk": _case_logbook(world.users[E]).pk},
        "site_slug": {"slug": copenhagen.slug},
        "site": {"site": copenhagen.pk},
        "import_upload": {"site": copenhagen.pk, "ref": upload_reference(waiting)},
        "site_accounts": {"site_pk": copenhagen.pk},
        "invitation": {"pk": invitation.pk},
        "account": {"pk": world.users[N].pk},
        "invitation_link": {"token": invitation_token},
        "trained_supporter": {"pk": free_supporter.pk},
        "calendar_token": {"token": feed.token},
        "reset_link": {**user_of, "token": default_token_generator.make_token(hanne)},
        # another account's link: opening it writes nothing (the owner's own would use it up)
        "enrol_link": {"token": enrolment_token(world.foreign[M])},
    }
    world.post_data = {"programme:topic_take_up": {"session": session.pk}}
    neighbour = make_user("supervisor-2", Role.SUPERVISOR, [copenhagen])
    Session.objects.create(
        site=copenhagen,
        round=session.round,
        kind=session.kind,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        leader=neighbour,
        created_by=world.users[M],
    )  # with nobody invited: no support request is meant for it
    for obj in ("session", "action", "topic"):
        world.neighbours[(V, obj)] = neighbour
    return world


# --- The requests ---------------------------------------------------------------------------


def _request(client, method, url, data=None):
    """One request whose writes are undone, so every check starts from the same world."""
    with transaction.atomic():
        response = getattr(client, method)(url, data or {})
        transaction.set_rollback(True)
    return response


def check_row(name: str, row: Row, world: World) -> list[str]:
    problems = []
    kwargs = world.kwargs.get(row.obj, {}) if row.obj else {}
    if row.obj and kwargs is None:
        return [f"{name}: no {row.obj} in the demo to test with"]
    url = reverse(name, kwargs=kwargs)
    if row.moved_to:
        return check_moved(name, url, reverse(row.moved_to, kwargs=kwargs), world)
    method = "post" if row.post_only else "get"
    if method == "get":
        probe = VerifiedClient()
        if row.roles and not row.public:
            probe.force_login(world.users[sorted(row.roles)[0]])
        if _request(probe, "get", url).status_code == 405:
            method = "post"  # a form's action: POST only (require_POST answers GET with 405)

    data = world.post_data.get(name) if method == "post" else None

    def expect(client, who, allowed_statuses, what):
        response = _request(client, method, url, data)
        if response.status_code not in allowed_statuses:
            problems.append(
                f"{name} {method.upper()} as {who}: {response.status_code}, expected {what}"
            )
        return response

    anonymous = Client()
    if row.signed:
        expect(anonymous, "anonymous, unsigned", {403}, "403")
        for role in ROLES:
            client = VerifiedClient()
            client.force_login(world.users[role])
            expect(client, f"{role}, unsigned", {403}, "403: a login is no signature")
        return problems
    if row.public:
        expect(anonymous, "anonymous", {200, 302, 405}, "public")
    else:
        response = expect(anonymous, "anonymous", {302}, "redirect to login")
        if response.status_code == 302 and not response["Location"].startswith(reverse("login")):
            problems.append(f"{name}: anonymous sent to {response['Location']}, not to login")
    if row.public:
        return problems
    for role in ROLES:
        client = VerifiedClient()
        client.force_login(world.users[role])
        if role in row.roles:
            expect(client, role, {200, 302} if method == "get" else {200, 302, 400}, "access")
            if row.obj and not row.login_only and role in world.foreign:
                outsider = VerifiedClient()
                outsider.force_login(world.foreign[role])
                expect(outsider, f"{role} of another site or pair", {404}, "404")
            if (role, row.obj) in world.neighbours:
                neighbour = VerifiedClient()
                neighbour.force_login(world.neighbours[(role, row.obj)])
                expect(neighbour, f"{role} of the same site, not leading it", {404}, "404")
            strict = VerifiedClient(enforce_csrf_checks=True)
            strict.force_login(world.users[role])
            response = _request(strict, "post", url)
            if response.status_code not in (403, 405):
                problems.append(f"{name} POST without CSRF token as {role}: {response.status_code}")
        else:
            expect(client, role, {403}, "403")
            response = _request(client, "post", url)
            if response.status_code not in (403, 405):
                problems.append(f"{name} POST as {role}: {response.status_code}, expected 403")
    return problems


def check_moved(name: str, url: str, target: str, world: World) -> list[str]:
    """An old address answers a GET with a permanent redirect to its new one, whoever asks (the
    new page checks role and object), and still refuses a POST without a CSRF token."""
    problems = []
    clients = {"anonymous": Client()}
    for role in ROLES:
        clients[role] = VerifiedClient()
        clients[role].force_login(world.users[role])
    for who, client in clients.items():
        response = _request(client, "get", url)
        if response.status_code != 301 or response["Location"] != target:
            problems.append(f"{name} GET as {who}: {response.status_code}, expected 301 {target}")
        strict = VerifiedClient(enforce_csrf_checks=True)
        if who != "anonymous":
            strict.force_login(world.users[who])
        if _request(strict, "post", url).status_code != 403:
            problems.append(f"{name} POST without CSRF token as {who}: not refused")
    return problems


@pytest.mark.django_db
def test_role_by_url_matrix(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = build_world()
    problems = []
    for name, row in sorted(MATRIX.items()):
        problems += check_row(name, row, world)
    assert problems == [], "\n".join(problems)
