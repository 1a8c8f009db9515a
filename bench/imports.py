"""Benchmark of the bulk import of participants: a 5,000-row file uploaded, previewed and
confirmed through the real pages, as CSV and as XLSX, on PostgreSQL.

    python -m bench.imports --database-url postgres://postgres@127.0.0.1:5432/tod_bench
    python -m bench.imports --rows 5000 --existing 2000 --repeat 3

The database needs the project's tables (`manage.py migrate`); the benchmark works in a site of
its own, `bench-imports` (created, and emptied of its participants and imports at every run),
with a manager of the same name. The site already holds `--existing` participants; the file
has `--rows` rows, of which 5 % are people already registered, 2 % repeat an earlier row and 2 %
have an error (an impossible date, a three-digit postcode), the rest new. For each format the
benchmark, logged in as the manager with Django's test client (the whole request: middleware,
the view, the template; settings as in development, DEBUG on, two-step login off):

- upload_s: POST of the file (read, columns checked, stored);
- preview_s: GET of the preview page: every row checked and the table of 5,000 rows rendered;
- confirm_s: POST of the confirm: the rows checked again and the new ones created through
  participant_create, with their audit events, in one transaction;
- again_s: the same file uploaded and previewed again (every row is now a duplicate: nothing
  would be created).

preview_cpu_s and confirm_cpu_s are the seconds of CPU the benchmark's process (the web
server's part: PostgreSQL's own work runs in its process) spent on them: on a machine whose
cores other work shares, the wall-clock seconds grow with the load, these much less.
Each figure is the median of --repeat runs (the site is emptied back between runs). Prints the
markdown table of those figures, with the import's counts and the preview's queries.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = [
    "Role in the programme",
    "First name",
    "Last name",
    "Date of birth",
    "Sex",
    "Phone",
    "E-mail",
    "Address",
    "Postcode",
    "Referral channel",
    "Referred by",
]


def _setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tod.settings")
    os.environ["TWO_FACTOR_REQUIRED_ROLES"] = ""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _born(i: int) -> dt.date:
    return dt.date(1940, 1, 1) + dt.timedelta(days=(i * 37) % 12000)


def _person(i: int) -> list[str]:
    born = _born(i)
    return [
        "Peer",
        f"Fornavn{i}",
        f"Efternavn{i}",
        born.strftime("%d-%m-%Y"),
        "Female" if i % 2 else "Male",
        f"2012{i % 10000:04d}",
        f"person{i}@example.org",
        f"Vej {i % 200 + 1}",
        f"{2000 + i % 900}",
        "Home care",
        "Centre for Diabetes",
    ]


def build_rows(rows: int, existing: int) -> list[list[str]]:
    """`rows` rows: 5 % people among the first `existing` (already registered), 2 % repeats of
    an earlier row, 2 % errors, the rest new people."""
    out = []
    for n in range(rows):
        if n % 20 == 0 and existing:
            out.append(_person(n % existing))  # registered already
        elif n % 50 == 1 and out:
            out.append(list(out[-1]))  # repeats the row before
        elif n % 50 == 2:
            bad = _person(existing + n)
            bad[3], bad[8] = "31-02-1950", "123"
            out.append(bad)
        else:
            out.append(_person(existing + n))
    return out


def file_content(rows: list[list[str]], file_format: str) -> bytes:
    if file_format == "csv":
        lines = [",".join(HEADER)] + [",".join(row) for row in rows]
        return ("\n".join(lines) + "\n").encode()
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def reset_site(existing: int):
    """The bench site with exactly its `existing` participants, no imports, no uploads."""
    from programme.factories import ParticipantFactory
    from programme.models import ImportLog, ImportUpload, Participant, Round
    from tod.accounts.models import Role, Site, User
    from tod.audit.context import acting_as

    site, _ = Site.objects.get_or_create(slug="bench-imports", defaults={"name": "Bench imports"})
    round_, _ = Round.objects.get_or_create(
        site=site,
        name="Bench",
        defaults={"starts_on": dt.date(2026, 1, 1), "ends_on": dt.date(2030, 12, 31)},
    )
    manager, _ = User.objects.get_or_create(username="bench-imports")
    manager.role = Role.MANAGER
    manager.save()
    manager.sites.set([site])
    with acting_as(None):
        ImportUpload.objects.filter(site=site).delete()
        ImportLog.objects.filter(site=site).delete()
        Participant.objects.filter(site=site).delete()
        people = []
        for i in range(existing):
            values = dict(zip(HEADER, _person(i), strict=True))
            people.append(
                ParticipantFactory.build(
                    site=site,
                    round=round_,
                    kind="peer",
                    first_name=values["First name"],
                    last_name=values["Last name"],
                    date_of_birth=_born(i),
                )
            )
        Participant.objects.bulk_create(people, batch_size=1000)
    return site, round_, manager


def one_run(file_format: str, rows: list[list[str]], existing: int) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from programme.models import ImportLog

    site, round_, manager = reset_site(existing)
    content = file_content(rows, file_format)
    client = Client()
    client.force_login(manager)
    client.cookies["django_language"] = "en"
    page = reverse("programme:participant_import", kwargs={"site": site.pk})

    def upload():
        file = SimpleUploadedFile(f"bench.{file_format}", content)
        started = time.perf_counter()
        response = client.post(page, {"round": round_.pk, "file": file})
        seconds = time.perf_counter() - started
        assert response.status_code == 302, response.content[:3000]
        return response["Location"], seconds

    preview_url, upload_s = upload()
    queries = []
    started, cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(lambda execute, *args: queries.append(1) or execute(*args)):
        response = client.get(preview_url)
    preview_s, preview_cpu = time.perf_counter() - started, time.process_time() - cpu
    assert response.status_code == 200
    reference = re.search(rb'name="reference" value="([^"]+)"', response.content).group(1)
    started, cpu = time.perf_counter(), time.process_time()
    response = client.post(
        reverse("programme:participant_import_confirm", kwargs={"site": site.pk}),
        {"reference": reference.decode()},
    )
    confirm_s, confirm_cpu = time.perf_counter() - started, time.process_time() - cpu
    assert response.status_code == 302
    log = ImportLog.objects.get(site=site)
    again_url, again_upload_s = upload()
    started = time.perf_counter()
    response = client.get(again_url)
    again_s = again_upload_s + time.perf_counter() - started
    assert b"nobody new to import" in response.content
    return {
        "format": file_format,
        "rows": len(rows),
        "mb": len(content) / 2**20,
        "upload_s": upload_s,
        "preview_s": preview_s,
        "preview_cpu_s": preview_cpu,
        "confirm_s": confirm_s,
        "confirm_cpu_s": confirm_cpu,
        "created": log.created,
        "skipped": log.skipped,
        "errors": log.errors,
        "again_s": again_s,
        "preview_queries": len(queries),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--existing", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--formats", nargs="+", default=["csv", "xlsx"])
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgres"):
        parser.error("give a PostgreSQL --database-url (or DATABASE_URL)")
    _setup(args.database_url)
    rows = build_rows(args.rows, args.existing)
    results = []
    for file_format in args.formats:
        runs = [one_run(file_format, rows, args.existing) for _ in range(args.repeat)]
        for run in runs:
            print(run, file=sys.stderr, flush=True)
        median = {
            key: statistics.median(r[key] for r in runs) if isinstance(value, float) else value
            for key, value in runs[0].items()
        }
        results.append(median)
    reset_site(0)
    print(
        "| format | rows | mb | upload_s | preview_s | preview_cpu_s | confirm_s | confirm_cpu_s "
        "| created | skipped | errors | again_s | preview_queries |"
    )
    print("| --- |" + " ---: |" * 12)
    for r in results:
        print(
            f"| {r['format']} | {r['rows']} | {r['mb']:.2f} | {r['upload_s']:.2f} | "
            f"{r['preview_s']:.2f} | {r['preview_cpu_s']:.2f} | {r['confirm_s']:.2f} | "
            f"{r['confirm_cpu_s']:.2f} | {r['created']} | {r['skipped']} | "
            f"{r['errors']} | {r['again_s']:.2f} | {r['preview_queries']} |"
        )
    print(f"\n{os.uname().nodename}: {os.cpu_count()} CPUs; load {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
