from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mile.accounts.models import User
from mile.accounts.services import token_create


class Command(BaseCommand):
    help = "Create an API token for a user: mile token create EMAIL [--name NAME]."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create"])
        parser.add_argument("email")
        parser.add_argument("--name", default="command line")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email=options["email"].strip().lower(), is_active=True).first()
        if user is None:
            raise CommandError(f"No active user with the e-mail address {options['email']!r}.")
        token, key = token_create(user=user, name=options["name"])
        self.stdout.write(f"Token {token.name!r} for {user.email} (shown once):\n{key}")
