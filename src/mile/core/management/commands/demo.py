from __future__ import annotations

from typing import Any

import pyotp
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mile.demo.data import PEOPLE, demo_totp_secret
from mile.demo.loader import load_demo


class Command(BaseCommand):
    help = "Load the demo programmes and users (again: nothing changes), or print a TOTP code."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", nargs="?", choices=["load", "totp"], default="load")
        parser.add_argument("email", nargs="?")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "totp":
            emails = {p.email for p in PEOPLE}
            if options["email"] not in emails:
                raise CommandError(
                    "Give the e-mail address of a demo user: " + ", ".join(sorted(emails))
                )
            self.stdout.write(pyotp.TOTP(demo_totp_secret(options["email"])).now())
            return
        credentials = load_demo()
        self.stdout.write(self.style.SUCCESS("Demo programmes MILE and MIraGE are loaded."))
        self.stdout.write("Sign in at http://127.0.0.1:8000 with (password, then the TOTP code):")
        for c in credentials:
            self.stdout.write(
                f"  {c.email:<42} {c.password}  TOTP secret {c.totp_secret}  — {c.roles}"
            )
        self.stdout.write(
            "Current code of a user: mile demo totp EMAIL (or add the secret to an authenticator app)."
        )
