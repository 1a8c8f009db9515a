"""The demo programme: sites, one user per role and the study's sample of participants.

Mirrors the seed paper's recruitment: ten supporters (5 Centre for Diabetes, 2 Danish Diabetes
Association, 1 GP, 2 web page) and twelve peers (6 Centre for Diabetes, 2 home care, 1 GP, 3 from
other channels). Every step is keyed on natural keys, so running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tod.accounts.models import Role, Site, User
from tod.accounts.services import user_create

from .models import Kind, Participant, ReferralChannel, Round, Sex

DEMO_PASSWORD = "together-on-diabetes"

C = ReferralChannel
SUPPORTERS = [
    ("Hanne", "Larsen", dt.date(1958, 3, 14), Sex.FEMALE, C.CENTRE_FOR_DIABETES, "2200"),
    ("Jens", "Nielsen", dt.date(1954, 7, 2), Sex.MALE, C.CENTRE_FOR_DIABETES, "2300"),
    ("Birthe", "Jensen", dt.date(1961, 11, 23), Sex.FEMALE, C.CENTRE_FOR_DIABETES, "2400"),
    ("Ole", "Pedersen", dt.date(1952, 1, 9), Sex.MALE, C.CENTRE_FOR_DIABETES, "2450"),
    ("Kirsten", "Andersen", dt.date(1965, 5, 30), Sex.FEMALE, C.CENTRE_FOR_DIABETES, "2500"),
    ("Lars", "Christensen", dt.date(1959, 9, 17), Sex.MALE, C.DIABETES_ASSOCIATION, "2100"),
    ("Susanne", "Hansen", dt.date(1963, 4, 4), Sex.FEMALE, C.DIABETES_ASSOCIATION, "1550"),
    ("Peter", "Sørensen", dt.date(1956, 12, 12), Sex.MALE, C.GENERAL_PRACTITIONER, "2700"),
    ("Anne", "Rasmussen", dt.date(1968, 8, 21), Sex.FEMALE, C.WEB_PAGE, "2000"),
    ("Michael", "Jørgensen", dt.date(1960, 2, 27), Sex.MALE, C.WEB_PAGE, "2720"),
]
PEERS = [
    ("Bent", "Madsen", dt.date(1957, 6, 5), Sex.MALE, C.CENTRE_FOR_DIABETES, "2200"),
    ("Inge", "Kristensen", dt.date(1962, 10, 19), Sex.FEMALE, C.CENTRE_FOR_DIABETES, "2300"),
    ("Erik", "Olsen", dt.date(1955, 3, 28), Sex.MALE, C.CENTRE_FOR_DIABETES, "2400"),
    ("Lone", "Thomsen", dt.date(1966, 1, 15), Sex.FEMALE, C.CENTRE_FOR_DIABETES, "2450"),
    ("Henrik", "Poulsen", dt.date(1953, 9, 8), Sex.MALE, C.CENTRE_FOR_DIABETES, "2500"),
    ("Jytte", "Johansen", dt.date(1959, 12, 1), Sex.FEMALE, C.CENTRE_FOR_DIABETES, "2100"),
    ("Poul", "Møller", dt.date(1951, 4, 22), Sex.MALE, C.HOME_CARE, "2700"),
    ("Grethe", "Knudsen", dt.date(1958, 7, 11), Sex.FEMALE, C.HOME_CARE, "2720"),
    ("Torben", "Mortensen", dt.date(1964, 2, 3), Sex.MALE, C.GENERAL_PRACTITIONER, "2000"),
    ("Karen", "Holm", dt.date(1960, 8, 30), Sex.FEMALE, C.OTHER, "1550"),
    ("Niels", "Jakobsen", dt.date(1956, 5, 16), Sex.MALE, C.OTHER, "2200"),
    ("Ulla", "Schmidt", dt.date(1963, 11, 6), Sex.FEMALE, C.OTHER, "2300"),
]
SMALL_SITE_PARTICIPANTS = [
    ("Kim", "Lund", dt.date(1962, 3, 3), Sex.MALE, Kind.SUPPORTER, C.CENTRE_FOR_DIABETES, "8000"),
    ("Mette", "Dahl", dt.date(1958, 9, 9), Sex.FEMALE, Kind.PEER, C.GENERAL_PRACTITIONER, "8200"),
]


@dataclass
class DemoContext:
    """What the programme's part of the demo made, for the other apps' demo steps."""

    site: Site
    small_site: Site
    round: Round
    users: dict[str, User] = field(default_factory=dict)
    supporters: list[Participant] = field(default_factory=list)
    peers: list[Participant] = field(default_factory=list)


def _user(username: str, role: str, sites: list[Site], first: str, last: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(
            username=username,
            role=role,
            sites=sites,
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            email=f"{username}@demo.invalid",
        )
    return user


def _participant(site, round_, kind, first, last, born, sex, channel, postcode) -> Participant:
    participant, _ = Participant.objects.get_or_create(
        site=site,
        first_name=first,
        last_name=last,
        date_of_birth=born,
        defaults={
            "round": round_,
            "kind": kind,
            "sex": sex,
            "referral_channel": channel,
            "postcode": postcode,
            "email": f"{first.lower()}.{last.lower()}@demo.invalid".replace("ø", "oe"),
        },
    )
    return participant


def seed() -> DemoContext:
    site, _ = Site.objects.get_or_create(slug="copenhagen", defaults={"name": "Copenhagen"})
    small_site, _ = Site.objects.get_or_create(slug="aarhus", defaults={"name": "Aarhus"})
    round_, _ = Round.objects.get_or_create(
        site=site,
        name="2026",
        defaults={"starts_on": dt.date(2026, 1, 5), "ends_on": dt.date(2026, 12, 18)},
    )
    small_round, _ = Round.objects.get_or_create(
        site=small_site,
        name="2026",
        defaults={"starts_on": dt.date(2026, 3, 2), "ends_on": dt.date(2026, 12, 18)},
    )
    ctx = DemoContext(site=site, small_site=small_site, round=round_)
    ctx.users = {
        "manager": _user("manager", Role.MANAGER, [site], "Maria", "Holm"),
        "manager-aarhus": _user("manager-aarhus", Role.MANAGER, [small_site], "Søren", "Bach"),
        "supporter": None,  # set below: the first supporter's login
        "nurse": _user("nurse", Role.NURSE, [site], "Dorthe", "Friis"),
        "supervisor": _user("supervisor", Role.SUPERVISOR, [site], "Claus", "Winther"),
        "evaluator": _user("evaluator", Role.EVALUATOR, [site, small_site], "Sara", "Vinther"),
    }
    for first, last, born, sex, channel, postcode in SUPPORTERS:
        ctx.supporters.append(
            _participant(site, round_, Kind.SUPPORTER, first, last, born, sex, channel, postcode)
        )
    for first, last, born, sex, channel, postcode in PEERS:
        ctx.peers.append(
            _participant(site, round_, Kind.PEER, first, last, born, sex, channel, postcode)
        )
    for first, last, born, sex, kind, channel, postcode in SMALL_SITE_PARTICIPANTS:
        _participant(small_site, small_round, kind, first, last, born, sex, channel, postcode)

    first_supporter = ctx.supporters[0]
    supporter_user = _user(
        "supporter", Role.SUPPORTER, [site], first_supporter.first_name, first_supporter.last_name
    )
    if first_supporter.user_id != supporter_user.id:
        first_supporter.user = supporter_user
        first_supporter.save(update_fields=["user"])
    ctx.users["supporter"] = supporter_user
    return ctx
