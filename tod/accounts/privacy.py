"""Personal data of the accounts app (tod/privacy/registry.py)."""

from tod.privacy.registry import holds_none, personal_data

from .models import Site, User


def _erase_login(user: User, *, by) -> None:
    """A participant's login keeps its username (other records name it as author) and loses
    the name and e-mail; it can no longer sign in."""
    User.objects.filter(pk=user.pk).update(first_name="", last_name="", email="", is_active=False)


personal_data(
    User,
    subjects=["participant"],
    identifiers=["first_name", "last_name", "email"],
    other=["password", "username", "session_salt"],
    erase=_erase_login,
)
holds_none(Site, "the name of a municipality or organisation")
