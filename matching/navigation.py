"""Menu entries this app contributes (see tod.accounts.context_processors)."""

from tod.accounts.context_processors import MenuItem


def items(user) -> list[MenuItem]:
    return []
