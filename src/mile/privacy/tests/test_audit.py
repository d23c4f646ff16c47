from __future__ import annotations

from auditlog.models import LogEntry
from django.urls import reverse

from mile.accounts.models import ApiToken
from mile.conftest import World, client_for
from mile.privacy.audit import log_sensitive_view


def test_it_records_who_changed_an_organisation(world: World) -> None:
    client = client_for(world, "coordinator")
    client.post(
        reverse("programmes:organisation_edit", kwargs={"pk": world.partner.pk}),
        {"name": "Ponte Renamed", "type": "partner", "country": "IT", "city": "Milan"},
    )
    entry = LogEntry.objects.filter(
        object_repr="Ponte Renamed", action=LogEntry.Action.UPDATE
    ).get()
    assert entry.actor == world.users["coordinator"]
    assert entry.changes_dict["name"] == ["Ponte Test", "Ponte Renamed"]


def test_it_never_writes_secrets_to_the_log(world: World) -> None:
    token, key = ApiToken.issue(user=world.users["coordinator"], name="t")
    entry = LogEntry.objects.get_for_object(token).get()
    assert key not in str(entry.changes)
    assert token.key_hash not in str(entry.changes)
    user_entries = LogEntry.objects.get_for_object(world.users["coordinator"])
    assert all("password" not in (e.changes_dict or {}) for e in user_entries)


def test_it_logs_each_view_of_a_sensitive_record_for_the_audit_page(world: World) -> None:
    membership = world.users["caseworker"].memberships.get()
    log_sensitive_view(user=world.users["caseworker"], instance=membership, fields=["role", "site"])
    page = client_for(world, "coordinator").get(reverse("privacy:audit_log"), {"action": 3})
    rows = list(page.context["page"].object_list)
    assert len(rows) == 1
    assert rows[0].actor == world.users["caseworker"]
    assert "role, site" in page.content.decode()


def test_it_shows_each_coordinator_only_the_trail_of_their_programme(world: World) -> None:
    client_for(world, "coordinator").post(
        reverse("programmes:organisation_edit", kwargs={"pk": world.partner.pk}),
        {"name": "Ponte Secret Rename", "type": "partner", "country": "IT", "city": "Milan"},
    )
    other = client_for(world, "other_programme_user").get(
        reverse("privacy:audit_log"), {"record": "Secret"}
    )
    assert list(other.context["page"].object_list) == []
    own = client_for(world, "coordinator").get(reverse("privacy:audit_log"), {"record": "Secret"})
    assert len(own.context["page"].object_list) == 1


def test_it_filters_the_trail_by_person_and_date_and_explains_a_bad_range(world: World) -> None:
    client = client_for(world, "coordinator")
    response = client.get(reverse("privacy:audit_log"), {"actor": "nobody-like-this"})
    assert "No entries match." in response.content.decode()
    bad = client.get(
        reverse("privacy:audit_log"), {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )
    assert "The end date is before the start date." in bad.content.decode()
