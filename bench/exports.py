"""Benchmark of the evaluation exports: time and peak memory of the CSV zip and the .qdpx.

    python -m bench.exports --database-url postgres://postgres@127.0.0.1:5432/tod_scale --seed
    python -m bench.exports --sites 1 2 5 10 20

Against a database seeded by `manage.py seed_scale` (--seed runs `seed_scale --sites 20 --pairs
5000` when the database is empty; --seed-sites/--seed-pairs/--seed-pool choose another scale),
each export is made by an evaluator who works at the first k sites, for each k of --sites, so
one database shows how time and memory follow the amount of data (k = all sites: the whole
installation, the national export). Each export runs in a child process of its own, writing into
a temporary file as the download view does, and reports:

- seconds: the export alone (the Redactor is built first, as on a warm server);
- peak_rss_mb: the child's peak resident memory (getrusage ru_maxrss), Python and Django included;
- base_rss_mb: the child's resident memory just before the export, so the difference is the
  export's own;
- peak_alloc_mb (with --tracemalloc, a second run: tracing slows Python down several times):
  the peak of Python allocations during the export.

Prints the markdown table `export | sites | cases | mb | seconds | base_rss_mb | peak_rss_mb |
peak_alloc_mb`. The evaluator `bench-exports-<k>` is created (or updated) in the database.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXPORTS = ("csv zip", "qdpx")


def _setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tod.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def evaluator(sites: int):
    """A user with the evaluator role at the first `sites` sites (by id)."""
    from tod.accounts.models import Role, Site, User

    user, _created = User.objects.get_or_create(username=f"bench-exports-{sites}")
    if user.role != Role.EVALUATOR:
        user.role = Role.EVALUATOR
        user.save(update_fields=["role"])
    user.sites.set(Site.objects.order_by("id")[:sites])
    return user


def child(export: str, sites: int, traced: bool) -> dict:
    """One export in this process; the figures as a dict."""
    from evaluation import exports
    from evaluation.queries import installation_redactor
    from evaluation.reports import cases_for

    user = evaluator(sites)
    installation_redactor()  # built once per process, as a warm server has it
    cases = cases_for(user).count()
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    with tempfile.TemporaryFile() as file:
        if hasattr(exports, "write_csv_zip"):
            write = exports.write_csv_zip if export == "csv zip" else exports.write_qdpx
            write(user, file)
        else:  # the exports before they streamed: bytes in memory
            make = exports.csv_zip if export == "csv zip" else exports.qdpx
            file.write(make(user))
        seconds = time.perf_counter() - started
        size = file.tell()
    peak_alloc = tracemalloc.get_traced_memory()[1] / 2**20 if traced else None
    return {
        "export": export,
        "sites": sites,
        "cases": cases,
        "mb": size / 2**20,
        "seconds": seconds,
        "base_rss_mb": base,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "peak_alloc_mb": peak_alloc,
    }


def run_child(database_url: str, export: str, sites: int, traced: bool) -> dict:
    command = [sys.executable, "-m", "bench.exports", "--database-url", database_url]
    command += ["--child", export, "--sites", str(sites)] + (["--tracemalloc"] if traced else [])
    output = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if output.returncode != 0:
        raise SystemExit(f"{export} at {sites} sites failed:\n{output.stderr}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--sites", type=int, nargs="+", default=[20])
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--seed", action="store_true", help="run seed_scale on an empty database")
    parser.add_argument("--seed-sites", type=int, default=20)
    parser.add_argument("--seed-pairs", type=int, default=5000)
    parser.add_argument("--seed-pool", type=int, default=1000)
    parser.add_argument("--child", choices=EXPORTS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgres"):
        parser.error("give a PostgreSQL --database-url (or DATABASE_URL)")
    _setup(args.database_url)
    if args.child:
        print(json.dumps(child(args.child, args.sites[0], args.tracemalloc)))
        return 0

    from django.core.management import call_command

    from demo import scale

    if scale.is_empty():
        if not args.seed:
            parser.error("the database is empty: add --seed (or run manage.py seed_scale)")
        call_command(
            "seed_scale", sites=args.seed_sites, pairs=args.seed_pairs, pool=args.seed_pool
        )
    rows = []
    for sites in args.sites:
        for export in EXPORTS:
            row = run_child(args.database_url, export, sites, traced=False)
            if args.tracemalloc:
                row["peak_alloc_mb"] = run_child(args.database_url, export, sites, True)[
                    "peak_alloc_mb"
                ]
            print(row, file=sys.stderr, flush=True)
            rows.append(row)
    print("| export | sites | cases | mb | seconds | base_rss_mb | peak_rss_mb | peak_alloc_mb |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        alloc = f"{r['peak_alloc_mb']:.1f}" if r["peak_alloc_mb"] is not None else "-"
        print(
            f"| {r['export']} | {r['sites']} | {r['cases']} | {r['mb']:.1f} | "
            f"{r['seconds']:.1f} | {r['base_rss_mb']:.0f} | {r['peak_rss_mb']:.0f} | {alloc} |"
        )
    print(f"\n{os.uname().nodename}: {os.cpu_count()} CPUs; load {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
