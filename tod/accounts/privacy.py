"""Personal data of the accounts app (tod/personal_data.py)."""

from tod.personal_data import holds_none, personal_data

from .models import Invitation, Site, User


def _erase_login(user: User, *, by) -> None:
    """A participant's login loses its name, e-mail and username (which people often make of
    their name) and can no longer sign in. Records that name it as author keep pointing at the
    row; the lock-out records kept under the old username go with it."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username=user.username).delete()
    User.objects.filter(pk=user.pk).update(
        username=f"erased-{user.pk}", first_name="", last_name="", email="", is_active=False
    )


personal_data(
    User,
    subjects=["participant"],
    identifiers=["username", "first_name", "last_name", "email"],
    other=["password", "session_salt"],
    erase=_erase_login,
)
holds_none(Site, "the name of a municipality or organisation")
personal_data(
    Invitation,
    subjects=["user__participant"],
    identifiers=["address"],
    free_text=["send_error"],  # a gateway's reason may quote the number
    other=["token_hash", "channel"],
    site="site",
)
