"""`pytest --clock=...`: run the tests as if the session began at another instant.

The whole session travels there with time-machine and the clock keeps running from it (tick),
so a test sees the time pass as it would in real use. A test that sets its own clock
(`time_machine.travel(...)`, the `time_machine` fixture) nests inside and wins for its duration.
time-machine leaves `time.monotonic()` and `time.perf_counter()` alone, so locks, sleeps and
timeouts keep working.

The value is an ISO 8601 date and time:

- with an offset (`2027-03-28T01:30+00:00`, `...Z`): that instant;
- without one (`2027-03-28T02:30`): a wall-clock time in Copenhagen, the programme's time zone
  (settings.TIME_ZONE). A wall-clock time that does not exist (the hour skipped when summer
  time starts) or exists twice (the hour repeated when it ends) is read as Python and Django
  read it, PEP 495's fold=0: at the offset in force before the change. So 02:30 on 2027-03-28
  is 02:30 at winter time (+01:00), the instant 01:30 UTC, which a Copenhagen clock shows as
  03:30 summer time; 02:30 on 2027-10-31 is the first 02:30, at summer time (+02:00).

Outside this Python process the clock stays real: PostgreSQL's now() and clock_timestamp()
(the audit trail's `at`), Redis' expiry, Chromium, and a Celery worker or any process a test
starts — unless the test hands it its clock (`child_clock_env` and `follow_parent_clock`).
When a test fails, its report says at which instant it began (real or travelled), so that
`--clock` can rerun it then.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
from zoneinfo import ZoneInfo

import pytest
import time_machine

# settings.TIME_ZONE; named here because the option is parsed before Django is set up.
PROGRAMME_ZONE = ZoneInfo("Europe/Copenhagen")

_began = pytest.StashKey[dt.datetime]()
_traveller = pytest.StashKey[time_machine.travel]()


def parse_clock(value: str, zone: dt.tzinfo = PROGRAMME_ZONE) -> dt.datetime:
    """The instant `value` names, as an aware datetime in UTC (see the module's docstring for
    how a wall-clock time without an offset is read)."""
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not an ISO 8601 date and time, such as 2027-03-28T02:30 "
            "(Copenhagen time) or 2027-03-28T01:30+00:00"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)  # fold=0, as Django's make_aware does
    return parsed.astimezone(dt.UTC)


CHILD_CLOCK = "TESTS_CLOCK_START"


def child_clock_env() -> dict[str, str]:
    """Environment for a Python process the test starts, so that it runs at this process's
    instant when this one travels (the child calls `follow_parent_clock()` first)."""
    if not time_machine.escape_hatch.is_travelling():
        return {}
    return {CHILD_CLOCK: repr(time.time())}


def follow_parent_clock() -> None:
    """In a child process: travel to the instant `child_clock_env` passed, if any, and run on."""
    start = os.environ.get(CHILD_CLOCK)
    if start:
        time_machine.travel(float(start), tick=True).start()


def _shown(instant: dt.datetime) -> str:
    local = instant.astimezone(PROGRAMME_ZONE)
    return f"{instant:%Y-%m-%d %H:%M:%S} UTC, {local:%A %Y-%m-%d %H:%M:%S %Z} in Copenhagen"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock",
        type=parse_clock,
        default=None,
        metavar="INSTANT",
        help="start the session's clock at this instant: ISO 8601, e.g. 2027-03-28T02:30 "
        "(Copenhagen wall-clock time; a time skipped by summer time is read at the earlier "
        "offset) or 2027-03-28T01:30+00:00. The clock runs on from there.",
    )


def pytest_configure(config: pytest.Config) -> None:
    start = config.getoption("clock", default=None)
    if start is None:
        return
    # A POSIX timestamp, not the datetime: time-machine would otherwise set the process's TZ to
    # the datetime's zone, and Django has set it to settings.TIME_ZONE.
    traveller = time_machine.travel(start.timestamp(), tick=True)
    traveller.start()
    config.stash[_traveller] = traveller


def pytest_unconfigure(config: pytest.Config) -> None:
    traveller = config.stash.get(_traveller, None)
    if traveller is not None:
        traveller.stop()
        del config.stash[_traveller]


def pytest_report_header(config: pytest.Config) -> str | None:
    start = config.getoption("clock", default=None)
    if start is None:
        return None
    return f"clock: the session starts at {_shown(start)} (--clock), and runs on"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    item.stash[_began] = dt.datetime.now(dt.UTC)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    began = item.stash.get(_began, None)
    if report.failed and began is not None:
        report.sections.append(
            (
                "clock",
                f"This test began at {_shown(began)}.\n"
                f"To run it again at that instant: --clock={began:%Y-%m-%dT%H:%M:%S}Z",
            )
        )
    return report
