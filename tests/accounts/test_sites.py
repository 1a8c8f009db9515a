from programme.models import Participant
from tests.conftest import make_participant


def test_staff_see_only_their_sites_participants(manager, other_manager, site, other_site):
    mine = make_participant(site)
    theirs = make_participant(other_site)
    assert list(Participant.objects.for_user(manager)) == [mine]
    assert list(Participant.objects.for_user(other_manager)) == [theirs]


def test_expired_volunteer_account_is_deactivated(supporter):
    import datetime as dt

    from tod.accounts.services import accounts_deactivate_expired

    supporter.access_expires_on = dt.date(2026, 1, 1)
    supporter.save()
    assert accounts_deactivate_expired(today=dt.date(2026, 1, 2)) == 1
    supporter.refresh_from_db()
    assert not supporter.is_active
    assert accounts_deactivate_expired(today=dt.date(2026, 1, 2)) == 0
