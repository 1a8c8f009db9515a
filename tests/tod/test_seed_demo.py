import datetime as dt
import io
from collections import Counter

from django.apps import apps
from django.core.management import call_command

from evaluation.reports import cases_for, sample_table
from programme.models import Kind, Participant, ReferralChannel, Sex
from tod.accounts.models import Role, User


def model_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def sexes(people) -> dict[str, int]:
    return dict(Counter(people.values_list("sex", flat=True)))


def test_seed_demo_twice_gives_the_same_counts(db):
    call_command("seed_demo", stdout=io.StringIO())
    first = model_counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert model_counts() == first


def test_seed_demo_mirrors_the_studys_sample(db, capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    copenhagen = Participant.objects.filter(site__slug="copenhagen")
    supporters = copenhagen.filter(kind=Kind.SUPPORTER)
    peers = copenhagen.filter(kind=Kind.PEER)
    assert supporters.count() == 10
    assert peers.count() == 12
    C = ReferralChannel
    assert supporters.filter(referral_channel=C.CENTRE_FOR_DIABETES).count() == 5
    assert supporters.filter(referral_channel=C.DIABETES_ASSOCIATION).count() == 2
    assert supporters.filter(referral_channel=C.GENERAL_PRACTITIONER).count() == 1
    assert supporters.filter(referral_channel=C.WEB_PAGE).count() == 2
    assert peers.filter(referral_channel=C.CENTRE_FOR_DIABETES).count() == 6
    assert peers.filter(referral_channel=C.HOME_CARE).count() == 2
    assert peers.filter(referral_channel=C.GENERAL_PRACTITIONER).count() == 1
    # By sex as in the study's Table 2: the supporters six men and four women, the nine peers of
    # the evaluation's cases seven men and two women.
    assert sexes(supporters) == {Sex.MALE: 6, Sex.FEMALE: 4}
    evaluator = User.objects.get(username="evaluator")
    case_peers = copenhagen.filter(pk__in=cases_for(evaluator).values("peer_id"))
    assert sexes(case_peers) == {Sex.MALE: 7, Sex.FEMALE: 2}
    total = sample_table(evaluator, on=dt.date(2026, 12, 1))
    # Seven of the nine case peers interviewed (two declined only that), all ten supporters.
    assert (total[1].peers, total[1].supporters) == (7, 10)
    sex_rows = {row.label: (row.peers, row.supporters) for row in total[2:4]}  # after the number
    # All ten supporters are in the cases: Michael took over Torben's case from Anne.
    assert sorted(sex_rows.values()) == [(2, 4), (7, 6)]
    assert Participant.objects.filter(site__slug="aarhus").exists()
    for role in Role:
        assert User.objects.filter(role=role).exists(), role
        assert User.objects.filter(role=role).first().username in out


def test_demo_logins_work(client, db):
    from demo.programme import DEMO_PASSWORD

    call_command("seed_demo", stdout=io.StringIO())
    assert client.login(username="manager", password=DEMO_PASSWORD)
    assert client.get("/", follow=True).status_code == 200


def test_seeding_refuses_production_unless_forced(db, settings):
    import pytest
    from django.core.management.base import CommandError

    settings.PRODUCTION = True  # as DJANGO_DEBUG=false sets it
    for command in ("seed_demo", "seed_scale"):
        with pytest.raises(CommandError, match="--force"):
            call_command(command, stdout=io.StringIO())
    assert not Participant.objects.exists()
    assert not User.objects.filter(username="scale-admin").exists()
    # --force passes the guard (here to the command's own check of its arguments)
    with pytest.raises(CommandError) as refused:
        call_command("seed_scale", "--force", "--sites", "0", stdout=io.StringIO())
    assert "--force" not in str(refused.value)
