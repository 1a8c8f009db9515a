"""The suite's `--clock` option (tests/clock.py): the session runs from the instant it names."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import pytest

from tests.clock import parse_clock

UTC = dt.UTC
ROOT = Path(__file__).resolve().parents[1]

# Inner sessions run in this process without pytest-django (they need no database; Django's
# settings are already set up by this session).
INNER = ("-p", "no:django", "-p", "no:django_webtest", "-p", "no:cacheprovider")

CONFTEST = 'pytest_plugins = ["tests.clock"]\n'

AT_THE_DST_NIGHT = """
import datetime as dt
import threading
import time

import time_machine
from django.utils import timezone

START = dt.datetime(2027, 3, 28, 1, 30, tzinfo=dt.UTC)


def test_now_starts_at_the_instant():
    now = timezone.now()
    assert START <= now < START + dt.timedelta(minutes=1)
    assert timezone.localtime(now).strftime("%Y-%m-%d %H:%M %Z") == "2027-03-28 03:30 CEST"
    assert timezone.localdate() == dt.date.today() == dt.date(2027, 3, 28)
    assert START.timestamp() <= time.time() < START.timestamp() + 60


def test_the_clock_runs_on_and_locks_and_sleeps_keep_real_time():
    before = timezone.now()
    time.sleep(0.05)
    assert timezone.now() - before >= dt.timedelta(seconds=0.05)
    lock = threading.Lock()
    lock.acquire()
    began = time.perf_counter()
    assert lock.acquire(timeout=0.05) is False
    assert time.perf_counter() - began < 5


def test_a_tests_own_travel_wins_then_the_session_clock_resumes():
    june = dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC)
    with time_machine.travel(june, tick=False):
        assert timezone.now() == june
    assert timezone.localdate() == dt.date(2027, 3, 28)
"""


@pytest.mark.parametrize(
    ("value", "instant"),
    [
        # Copenhagen wall-clock time: winter (+01:00) and summer (+02:00)
        ("2027-12-07T12:00", dt.datetime(2027, 12, 7, 11, 0, tzinfo=UTC)),
        ("2027-12-07T02:30", dt.datetime(2027, 12, 7, 1, 30, tzinfo=UTC)),
        ("2027-06-15T12:00", dt.datetime(2027, 6, 15, 10, 0, tzinfo=UTC)),
        # skipped when summer time starts: read at the winter offset, so 03:30 summer time
        ("2027-03-28T02:30", dt.datetime(2027, 3, 28, 1, 30, tzinfo=UTC)),
        # repeated when summer time ends: the first of the two, at summer time
        ("2027-10-31T02:30", dt.datetime(2027, 10, 31, 0, 30, tzinfo=UTC)),
        # an instant with its offset is that instant
        ("2027-03-28T01:30+00:00", dt.datetime(2027, 3, 28, 1, 30, tzinfo=UTC)),
        ("2027-03-28T01:30Z", dt.datetime(2027, 3, 28, 1, 30, tzinfo=UTC)),
        ("2027-03-28T03:30+02:00", dt.datetime(2027, 3, 28, 1, 30, tzinfo=UTC)),
        # a date alone is its midnight in Copenhagen
        ("2027-03-28", dt.datetime(2027, 3, 27, 23, 0, tzinfo=UTC)),
    ],
)
def test_parse_clock_reads_copenhagen_time_and_instants(value, instant):
    parsed = parse_clock(value)
    assert parsed == instant
    assert parsed.tzinfo is UTC


def test_parse_clock_refuses_what_is_no_date_and_time():
    with pytest.raises(argparse.ArgumentTypeError, match="not an ISO 8601 date and time"):
        parse_clock("tomorrow at nine")


def test_clock_starts_the_session_at_a_time_the_dst_change_skips(pytester):
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_inner=AT_THE_DST_NIGHT)
    result = pytester.runpytest(*INNER, "--clock=2027-03-28T02:30")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(
        [
            "clock: the session starts at 2027-03-28 01:30:00 UTC, "
            "Sunday 2027-03-28 03:30:00 CEST in Copenhagen (--clock), and runs on"
        ]
    )


def test_clock_leaves_the_real_clock_alone_when_not_given(pytester, monkeypatch):
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(
        test_inner="""
import time

import time_machine
from django.utils import timezone


def test_now_is_the_real_time():
    assert not time_machine.escape_hatch.is_travelling()
    assert abs(timezone.now().timestamp() - time.clock_gettime(time.CLOCK_REALTIME)) < 5
"""
    )
    # In a process of its own: this session may itself be travelling (`--clock`).
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    result = pytester.runpytest_subprocess(*INNER)
    result.assert_outcomes(passed=1)
    assert "clock:" not in result.stdout.str()


def test_clock_refuses_a_value_that_is_no_instant(pytester):
    pytester.makeconftest(CONFTEST)
    result = pytester.runpytest(*INNER, "--clock=half past two")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--clock: 'half past two' is not an ISO 8601 date and time*"])


def test_a_failing_test_says_when_it_began_and_clock_reruns_it_then(pytester):
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(
        test_inner="""
from django.utils import timezone


def test_fails_on_sunday_night():
    assert timezone.localtime().hour != 23
"""
    )
    result = pytester.runpytest(*INNER, "--clock=2026-12-13T23:30")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*- clock -*",
            "This test began at 2026-12-13 22:30:0? UTC, Sunday 2026-12-13 23:30:0? CET "
            "in Copenhagen.",
            "To run it again at that instant: --clock=2026-12-13T22:30:0?Z",
        ]
    )
    rerun = [line for line in result.stdout.lines if "--clock=" in line][0].split(": ")[-1]
    again = pytester.runpytest(*INNER, rerun)
    again.assert_outcomes(failed=1)
