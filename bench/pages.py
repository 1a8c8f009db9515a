"""Benchmark of the main pages against the Django admin's change lists of the same models.

    python -m bench.pages --database-url postgres://postgres@127.0.0.1:5432/tod_scale --seed

Serves the app with gunicorn (2 sync workers, DEBUG off, cached templates, persistent database
connections, sessions in Redis as in docker-compose.yml) on 127.0.0.1 against a database seeded by
`manage.py seed_scale` (--seed runs it when the database is empty), logs in as each role (a session
made through the session engine, sent as a cookie), then for every page: warms up, waits until the
previous run has drained (no active query left on the database), and loads it with wrk for
--duration seconds over --connections keep-alive connections, loopback only. Queries per page are
counted once, in this process, with Django's test client under CaptureQueriesContext against the
same database.

Prints the markdown table `page | queries | p50_ms | p95_ms | p99_ms | req_s | vs_admin`: the
median of --repeat runs; vs_admin is how many times faster the page answers than the admin
change list of its main model (p95 against p95; above 1 is faster).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
SITE = "koebenhavn"  # the first site of seed_scale

# wrk prints the percentiles (microseconds), the requests and the non-2xx answers.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %d %d %d\\n", latency:percentile(50),
    latency:percentile(95), latency:percentile(99), summary.requests, summary.duration,
    summary.errors.status, summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout))
end
"""


def server_environment(database_url: str) -> dict[str, str]:
    """Production settings (DEBUG off) for plain HTTP on loopback: no HTTPS redirect, no
    two-step login (the bench logs in with sessions), persistent connections."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tod.settings",
        "DJANGO_DEBUG": "false",
        "SECRET_KEY": "bench-pages-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": f"{HOST},localhost,testserver",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "600",
        "CACHE_URL": os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/2"),
        "TWO_FACTOR_REQUIRED_ROLES": "",
        "LOG_LEVEL": "WARNING",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "STATIC_ROOT": str(ROOT / "var" / "bench-static"),
    }


@dataclass
class Page:
    name: str
    username: str
    url: str
    baseline: str | None = None  # the admin page it is compared with
    cookie: str = ""
    queries: int = 0
    runs: list[tuple[float, float, float, float]] = field(default_factory=list)

    def median(self, index: int) -> float:
        return statistics.median(run[index] for run in self.runs)


def pages_to_measure() -> list[Page]:
    """The pages, as the persona of the first site who uses them, and the admin baselines."""
    from django.urls import reverse

    from logbooks.models import Meeting, MeetingStatus, Pair, PairStatus

    pair = (
        Pair.objects.filter(site__slug=SITE, status=PairStatus.ACTIVE)
        .select_related("supporter__user")
        .order_by("id")
        .first()
    )
    if pair is None:
        raise SystemExit("No active pair at the first site: run manage.py seed_scale first.")
    supporter = pair.supporter.user.username
    held = (
        Meeting.objects.filter(pair=pair, status=MeetingStatus.HELD).order_by("-planned_at").first()
    )
    manager, evaluator = f"{SITE}-manager", f"{SITE}-evaluator"
    admin = "scale-admin"
    participants = "/admin/programme/participant/"
    pairs, logbooks = "/admin/logbooks/pair/", "/admin/logbooks/logbook/"
    meetings, surveys = "/admin/logbooks/meeting/", "/admin/matching/matchsurvey/"
    visits = "/admin/evaluation/nursevisit/"
    return [
        Page("manager dashboard", manager, reverse("programme:dashboard"), pairs),
        Page("participant list", manager, reverse("programme:participant_list"), participants),
        Page("pair page", manager, reverse("logbooks:pair_detail", args=[pair.pk]), pairs),
        Page("logbook review list", manager, reverse("logbooks:logbook_list"), logbooks),
        Page("matching page", manager, reverse("matching:board"), surveys),
        Page("evaluation dashboard", evaluator, reverse("evaluation:dashboard"), visits),
        Page("supporter home", supporter, reverse("programme:supporter_home"), meetings),
        Page("logbook form", supporter, reverse("logbooks:logbook_edit", args=[held.pk]), logbooks),
        Page("admin: participants", admin, participants),
        Page("admin: pairs", admin, pairs),
        Page("admin: logbooks", admin, logbooks),
        Page("admin: meetings", admin, meetings),
        Page("admin: match surveys", admin, surveys),
        Page("admin: nurse visits", admin, visits),
    ]


def log_in(pages: list[Page]) -> None:
    """A session per user, as after a login (the superuser's with a verified device, which the
    OTP admin site asks for); the cookie is what wrk sends."""
    from django.conf import settings
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tod.accounts.models import User

    cookies: dict[str, str] = {}
    for page in pages:
        if page.username not in cookies:
            user = User.objects.get(username=page.username)
            client = Client()
            client.force_login(user)
            if user.is_superuser:
                device, _ = TOTPDevice.objects.get_or_create(
                    user=user, name="bench", defaults={"confirmed": True}
                )
                session = client.session
                session[DEVICE_ID_SESSION_KEY] = device.persistent_id
                session.save()
            cookies[page.username] = client.cookies[settings.SESSION_COOKIE_NAME].value
        page.cookie = f"{settings.SESSION_COOKIE_NAME}={cookies[page.username]}"


def count_queries(pages: list[Page]) -> None:
    """Queries of one request of each page (session and user included), after a first request
    that fills the per-process caches."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    for page in pages:
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = page.cookie.split("=", 1)[1]
        response = client.get(page.url)
        if response.status_code != 200:
            raise SystemExit(f"{page.name}: {page.url} answered {response.status_code}")
        with CaptureQueriesContext(connection) as captured:
            client.get(page.url)
        page.queries = len(captured.captured_queries)


def start_server(env: dict[str, str], port: int) -> subprocess.Popen:
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    server = subprocess.Popen(
        [gunicorn, "tod.wsgi:application", "--workers", "2", "--bind", f"{HOST}:{port}",
         "--access-logfile", "/dev/null", "--error-logfile", "-", "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=2)
            return server
        except OSError:
            time.sleep(0.3)
    stop_server(server)
    raise SystemExit("gunicorn did not answer on /healthz within 30 s")


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def drain(timeout: float = 30.0) -> None:
    """Wait until no query of a previous run is still active on the database, then a moment
    for the workers' CPU to settle."""
    from django.db import connection

    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND state = 'active' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0:
                break
            time.sleep(0.2)
    time.sleep(0.5)


def wrk(page: Page, port: int, seconds: float, connections: int, script: str):
    """(p50_ms, p95_ms, p99_ms, req_s) of one bounded wrk run on loopback."""
    command = [
        "wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds:g}s", "--timeout", "10s",
        "-s", script, "-H", f"Cookie: {page.cookie}", f"http://{HOST}:{port}{page.url}",
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    line = next((x for x in output.stdout.splitlines() if x.startswith("RESULT")), None)
    if line is None:
        raise SystemExit(f"wrk gave no result for {page.name}:\n{output.stdout}{output.stderr}")
    p50, p95, p99, requests, duration_us, non_2xx, errors = map(int, line.split()[1:])
    if non_2xx or errors:
        raise SystemExit(f"{page.name}: {non_2xx} non-2xx answers, {errors} socket errors")
    return p50 / 1000, p95 / 1000, p99 / 1000, requests / (duration_us / 1e6)


def table(pages: list[Page]) -> str:
    by_url = {page.url: page for page in pages if page.baseline is None}
    lines = [
        "| page | queries | p50_ms | p95_ms | p99_ms | req_s | vs_admin |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for page in pages:
        vs = "baseline"
        if page.baseline:
            vs = f"{by_url[page.baseline].median(1) / page.median(1):.1f}x"
        lines.append(
            f"| {page.name} | {page.queries} | {page.median(0):.1f} | {page.median(1):.1f} "
            f"| {page.median(2):.1f} | {page.median(3):.0f} | {vs} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per page and run")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up per page")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--connections", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", action="store_true", help="run seed_scale on an empty database")
    parser.add_argument(
        "--pages",
        nargs="+",
        metavar="NAME",
        help='measure only the pages whose name contains one of these words ("participant list")',
    )
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgres"):
        parser.error("give a PostgreSQL --database-url (or DATABASE_URL)")
    if shutil.which("wrk") is None:
        parser.error("wrk is missing: apt-get install -y wrk")
    env = server_environment(args.database_url)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from demo import scale

    if scale.is_empty():
        if not args.seed:
            parser.error("the database is empty: add --seed (or run manage.py seed_scale)")
        call_command("seed_scale", sites=20, pairs=5000, pool=1000)
    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG off: the manifest
    pages = pages_to_measure()
    if args.pages:
        wanted = [word.lower() for word in args.pages]
        chosen = [page for page in pages if any(word in page.name for word in wanted)]
        # A page's admin baseline comes along, so vs_admin can still be computed.
        baselines = {page.baseline for page in chosen}
        pages = [page for page in pages if page in chosen or page.url in baselines]
        if not chosen:
            parser.error(f"no page matches {args.pages}")
    log_in(pages)
    count_queries(pages)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(WRK_SCRIPT)
    server = start_server(env, args.port)
    try:
        for run in range(args.repeat):
            for page in pages:
                wrk(page, args.port, args.warmup, args.connections, lua.name)
                drain()
                page.runs.append(wrk(page, args.port, args.duration, args.connections, lua.name))
                p50, p95, p99, rate = page.runs[-1]
                print(
                    f"run {run + 1} {page.name}: p50 {p50:.1f} p95 {p95:.1f} p99 {p99:.1f} ms, "
                    f"{rate:.0f} req/s",
                    file=sys.stderr,
                    flush=True,
                )
    finally:
        stop_server(server)
        os.unlink(lua.name)
    print(table(pages))
    print(f"\n{os.uname().nodename}: {os.cpu_count()} CPUs; load {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
