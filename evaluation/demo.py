"""This app's part of the demo programme (see programme.demo). Idempotent."""

from programme.demo import DemoContext


def seed(ctx: DemoContext) -> None:
    return None
