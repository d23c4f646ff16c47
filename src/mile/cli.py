"""The ``mile`` command: a thin front over Django's management commands and the engines.

mile serve [ADDR:PORT]      migrate if needed and serve (development server)
mile worker                 run background tasks (invitation e-mails …)
mile demo                   load the demo programmes and users (idempotent)
mile demo totp EMAIL        print the current TOTP code of a demo user
mile token create EMAIL [--name NAME]
mile esco …                 the ESCO engine (see ``mile esco --help``)
mile bench participants     time the staff pages over 100,000 participants (SQLite, PostgreSQL)
mile bench placements       time the matching pages over 5,000 participants, 500 offers
mile bench matching         time and quality of the matching engine (100,000 people, 10,000 offers)
mile <any manage.py command>
"""

from __future__ import annotations

import os
import sys


def _django(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mile.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["mile", *argv])
    return 0


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return 0
    command, rest = args[0], args[1:]
    if command == "esco" and rest[:1] == ["import"]:
        # Importing writes to the database: the Django side, not the engine.
        return _django(["esco_import", *rest[1:]])
    if command == "esco":
        from mile.esco.cli import main as esco_main

        return esco_main(rest)
    if command == "bench":
        from mile.benchmarks import main as bench_main

        return bench_main(rest)
    if command == "serve":
        return _django(["runserver", *(rest or ["127.0.0.1:8000"])])
    if command == "worker":
        return _django(["db_worker", *rest])
    if command == "demo":
        return _django(["demo", *rest])
    if command == "token":
        return _django(["token", *rest])
    return _django(args)


if __name__ == "__main__":
    sys.exit(main())
