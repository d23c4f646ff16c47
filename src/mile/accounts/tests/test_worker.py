"""The invitation mail goes through the database task queue that `mile worker` runs."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from mile.accounts.services import invitation_create
from mile.conftest import World
from mile.core.roles import Role

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_it_sends_the_invitation_only_when_the_worker_runs(world: World) -> None:
    with override_settings(TASKS=DB_TASKS):
        invitation_create(
            by=world.users["coordinator"],
            email="queued@test.example",
            full_name="Queued Person",
            programme=world.programme,
            organisation=world.partner,
            role=Role.STAKEHOLDER,
        )
        assert mail.outbox == []
        call_command("db_worker", "--batch", "--no-startup-delay")
    assert [m.to for m in mail.outbox] == [["queued@test.example"]]
