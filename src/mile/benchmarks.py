"""``mile bench participants`` and ``mile bench placements``: pages at programme size.

``participants`` times the staff pages over 100,000 participants; ``placements`` the matching
pages (one offer's candidates, one person's offers, a run per site) over 5,000 participants
and 500 open offers. Each backend runs in its own process on a scratch database
(``var/bench/`` for SQLite, a ``mile_bench…`` database for PostgreSQL), so the figures never
touch the application's data. The same pages are first timed over a small share of the data:
that baseline, from the same run, shows what the size costs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/mile_bench"
# Its own database, so the two benchmarks may run at the same time.
DEFAULT_PG_PLACEMENTS = "postgres://postgres@127.0.0.1:5432/mile_bench_placements"


def _scratch_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def _run_command(url: str, command: list[str]) -> dict[str, Any]:
    """Migrate the scratch database, run one bench command there, read its JSON last line."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "MILE_ENV": "development",
        "MILE_DEBUG": "false",
        "MILE_TASKS_BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
    }
    mile = [sys.executable, "-m", "mile.cli"]
    subprocess.run([*mile, "migrate", "--no-input", "-v0"], env=env, check=True)  # noqa: S603
    done = subprocess.run(  # noqa: S603  (our own interpreter and arguments)
        [*mile, *command],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _run_backend(url: str, args: argparse.Namespace) -> dict[str, Any]:
    return _run_command(
        url,
        [
            "bench_participants_run",
            f"--participants={args.participants}",
            f"--services-per-participant={args.services_per_participant}",
            f"--requests={args.requests}",
        ],
    )


def _scratch(backend: str, args: argparse.Namespace, sqlite_name: str) -> str | None:
    """The URL of a fresh scratch database for ``backend``; None if the backend is unknown."""
    if backend == "sqlite":
        folder = Path(os.environ.get("MILE_VAR_DIR", "var")) / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob(f"{sqlite_name}*"):
            old.unlink()
        return f"sqlite:///{(folder / sqlite_name).resolve()}"
    if backend == "postgresql":
        url: str = args.postgres_url
        _scratch_postgres(url)
        return url
    return None


def _print(result: dict[str, Any], requests: int) -> None:
    print(
        f"\n{result['vendor']}: {result['size']:,} participants, {result['services']:,} service "
        f"records (generated in {result['generate_s']} s); {requests} requests per page"
    )
    print(f"{'page':<10}{'p50 ms':>10}{'p95 ms':>10}{'queries':>9}   baseline at "
          f"{result['baseline_size']:,}: p50 / p95 / queries")  # fmt: skip
    for page, full in result["full"].items():
        base = result["baseline"][page]
        print(
            f"{page:<10}{full['p50_ms']:>10}{full['p95_ms']:>10}{full['queries']:>9}   "
            f"{base['p50_ms']} / {base['p95_ms']} / {base['queries']}"
        )


def participants(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="mile bench participants", description=__doc__)
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--services-per-participant", type=int, default=10)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--backends", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql"
    )
    parser.add_argument("--postgres-url", default=os.environ.get("MILE_BENCH_PG", DEFAULT_PG))
    args = parser.parse_args(argv)
    for backend in args.backends.split(","):
        began = time.perf_counter()
        url = _scratch(backend, args, "bench.sqlite3")
        if url is None:
            parser.error(f"unknown backend {backend!r}: choose sqlite or postgresql")
        _print(_run_backend(url, args), args.requests)
        print(f"(whole run {time.perf_counter() - began:.0f} s)")
    return 0


def _print_placements(result: dict[str, Any], requests: int) -> None:
    print(
        f"\n{result['vendor']}: {result['size']:,} participants "
        f"({result['participant_skills']:,} skills held), {result['offers']:,} open offers, "
        f"{result['skills']:,} ESCO skills (generated in {result['generate_s']} s); "
        f"{requests} requests per page"
    )
    print(f"{'page':<21}{'cold ms':>9}{'p50 ms':>9}{'p95 ms':>9}{'queries':>9}   baseline at "
          f"{result['baseline_size']:,} / {result['baseline_offers']:,}: "
          "cold / p50 / p95 / queries")  # fmt: skip
    for page in ("offer_matches", "participant_matches"):
        full, base = result["full"][page], result["baseline"][page]
        print(
            f"{page:<21}{full['cold_ms']:>9}{full['p50_ms']:>9}{full['p95_ms']:>9}"
            f"{full['queries']:>9}   {base['cold_ms']} / {base['p50_ms']} / {base['p95_ms']} / "
            f"{base['queries']}"
        )
    print(f"{'run (optimal)':<21}{'people':>9}{'offers':>9}{'pairs':>9}{'run s':>9}"
          f"{'request':>9}{'queries':>9}   baseline: pairs / run s")  # fmt: skip
    for full, base in zip(result["full"]["runs"], result["baseline"]["runs"], strict=True):
        print(
            f"{full['site']:<21}{full['people']:>9,}{full['offers']:>9,}{full['pairs']:>9,}"
            f"{full['seconds']:>9.2f}{full['request_ms'] / 1000:>8.2f}s{full['queries']:>9}   "
            f"{base['pairs']} / {base['seconds']:.2f}"
        )


def placements(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="mile bench placements",
        description="The matching pages at programme size, on scratch SQLite and PostgreSQL.",
    )
    parser.add_argument("--participants", type=int, default=5_000)
    parser.add_argument("--offers", type=int, default=500)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument(
        "--backends", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql"
    )
    parser.add_argument(
        "--postgres-url", default=os.environ.get("MILE_BENCH_PG", DEFAULT_PG_PLACEMENTS)
    )
    args = parser.parse_args(argv)
    for backend in args.backends.split(","):
        began = time.perf_counter()
        url = _scratch(backend, args, "placements.sqlite3")
        if url is None:
            parser.error(f"unknown backend {backend!r}: choose sqlite or postgresql")
        result = _run_command(
            url,
            [
                "bench_placements_run",
                f"--participants={args.participants}",
                f"--offers={args.offers}",
                f"--requests={args.requests}",
            ],
        )
        _print_placements(result, args.requests)
        print(f"(whole run {time.perf_counter() - began:.0f} s)")
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["participants"]:
        return participants(argv[1:])
    if argv[:1] == ["placements"]:
        return placements(argv[1:])
    if argv[:1] == ["matching"]:
        from mile.matching.bench import main as matching

        return matching(argv[1:])
    print("usage: mile bench participants [--participants N] [--backends sqlite,postgresql]")
    print("       mile bench placements [--participants N] [--offers N] [--backends …]")
    print("       mile bench matching [--people N] [--offers N] [--planted N] [--seed N]")
    return 2
