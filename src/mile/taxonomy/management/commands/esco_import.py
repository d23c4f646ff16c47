from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mile.esco.extract import bundled_extract_path, load_extract
from mile.esco.loader import EscoDataError, load_taxonomy
from mile.taxonomy.models import EscoImport
from mile.taxonomy.services import esco_import


class _Bar:
    """A one-line progress bar on stderr, redrawn in place when stderr is a terminal."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        line = f"{stage:<18} [{'#' * filled}{'.' * (width - filled)}] {done:>7}/{total}"
        if self.tty:
            sys.stderr.write("\r" + line + ("\n" if done >= total else ""))
        elif done >= total or stage != self.stage:
            sys.stderr.write(line + "\n")
        self.stage = stage
        sys.stderr.flush()


class Command(BaseCommand):
    help = (
        "Import ESCO from the official downloads (zips or CSV folders, any version ≥ 1.0, any "
        "language; several at once merge by concept URI), or the extract bundled with MILE."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", help="ESCO zips, folders, CSVs or label TSVs")
        parser.add_argument("--bundled", action="store_true", help="import the bundled extract")
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when ESCO was imported before"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[str] = options["paths"]
        if bool(paths) == bool(options["bundled"]):
            raise CommandError("Give the ESCO files to import, or --bundled (not both).")
        if options["if_empty"] and EscoImport.objects.exists():
            self.stdout.write("ESCO is already imported; nothing to do.")
            return
        try:
            if options["bundled"]:
                taxonomy = load_extract()
                sources = [bundled_extract_path().name]
            else:
                missing = [p for p in paths if not Path(p).exists()]
                if missing:
                    raise CommandError(f"No such file or folder: {', '.join(missing)}")
                taxonomy = load_taxonomy(sources=paths)
                sources = [Path(p).name for p in paths]
        except EscoDataError as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(error.problems)} problem(s) found; nothing was imported."
            ) from None
        for warning in taxonomy.warnings:
            self.stderr.write(f"warning: {warning}")
        result = esco_import(taxonomy=taxonomy, sources=sources, progress=_Bar())
        self.stdout.write(
            self.style.SUCCESS(
                f"ESCO {taxonomy.version} imported ({', '.join(result.record.languages)}): "
                f"{result.created} new, {result.updated} updated, {result.obsoleted} now obsolete, "
                f"{result.labels} labels."
            )
        )
