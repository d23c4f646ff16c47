"""The participant's own account: invited by a case worker, they see and update their file."""

from __future__ import annotations

import datetime as dt
import re

from django.core import mail
from django.test import Client
from django.urls import reverse

from mile.accounts.models import User
from mile.conftest import World, client_for
from mile.participants.models import (
    IntegrationPlan,
    Participant,
    PlannedService,
    ServiceRecord,
    ServiceType,
)
from mile.participants.tests.factories import participant_in

PASSWORD = "Long-enough-pass-42"


def _invite(world: World, person: Participant, language: str = "el") -> object:
    return client_for(world, "caseworker").post(
        reverse("participants:participant_account_invite", kwargs={"pk": person.pk}),
        {"language": language},
    )


def _link(message: mail.EmailMessage) -> str:
    match = re.search(r"http://\S+/me/welcome/\S+/", message.body)
    assert match, message.body
    return match.group(0).replace("http://127.0.0.1:8000", "")


def _signed_up(world: World, person: Participant, django_capture_on_commit_callbacks) -> Client:
    with django_capture_on_commit_callbacks(execute=True):
        _invite(world, person)
    client = Client()
    response = client.post(_link(mail.outbox[-1]), {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302, response.content
    return client


def test_it_sends_the_person_a_link_in_the_language_the_case_worker_chose(
    world: World, django_capture_on_commit_callbacks
) -> None:
    person = participant_in(world.site, email="amina@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(world, person, language="el")
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["amina@example.org"]
    assert "/el/me/welcome/" in mail.outbox[-1].body


def test_it_lets_the_person_choose_a_password_and_see_their_plan(
    world: World, django_capture_on_commit_callbacks
) -> None:
    person = participant_in(world.site, email="amina@example.org", given_names="Amina")
    plan = IntegrationPlan.objects.create(participant=person, goals="Work as a cook by summer.")
    PlannedService.objects.create(
        plan=plan, service_type=ServiceType.LANGUAGE_COURSE, description="Italian A2 evening class"
    )
    ServiceRecord.objects.create(
        participant=person,
        service_type=ServiceType.TECHNICAL_TRAINING,
        title="Kitchen hygiene (HACCP)",
        started_on=dt.date(2026, 10, 1),
        hours=8,
        notes="Case note the person does not see here.",
    )
    client = _signed_up(world, person, django_capture_on_commit_callbacks)
    person.refresh_from_db()
    assert person.user is not None
    assert person.user.language == "el"
    # The home page of their account is their own page.
    response = client.get(reverse("core:dashboard"), follow=True)
    page = response.content.decode()
    assert "Work as a cook by summer." in page
    assert "Italian A2 evening class" in page
    assert "Kitchen hygiene (HACCP)" in page
    assert "Case note" not in page


def test_it_refuses_a_link_used_twice_or_sent_to_an_old_address(
    world: World, django_capture_on_commit_callbacks
) -> None:
    person = participant_in(world.site, email="amina@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        _invite(world, person)
    link = _link(mail.outbox[-1])
    person.email = "new-address@example.org"
    person.save()
    assert Client().get(link).status_code == 410
    person.email = "amina@example.org"
    person.save()
    data = {"password1": PASSWORD, "password2": PASSWORD}
    assert Client().post(link, data).status_code == 302
    assert Client().post(link, data).status_code == 410
    assert User.objects.filter(email="amina@example.org").count() == 1


def test_it_re_shows_a_weak_password_with_the_reason(world: World) -> None:
    from mile.participants.accounts import participant_account_token

    person = participant_in(world.site, email="amina@example.org")
    url = reverse("participants:me_welcome", kwargs={"token": participant_account_token(person)})
    response = Client().post(url, {"password1": "short", "password2": "short"})
    assert response.status_code == 400
    assert "at least 12 characters" in response.content.decode()
    assert not User.objects.filter(email="amina@example.org").exists()


def test_it_does_not_invite_an_address_that_belongs_to_staff(
    world: World, django_capture_on_commit_callbacks
) -> None:
    staff_email = world.users["coordinator"].email
    person = participant_in(world.site, email=staff_email)
    client = client_for(world, "caseworker")
    url = reverse("participants:participant_account_invite", kwargs={"pk": person.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"language": "el"}, follow=True)
    assert not mail.outbox
    page = response.content.decode()
    assert "already belongs to another account" in page


def test_it_keeps_the_person_inside_their_own_file(
    world: World, django_capture_on_commit_callbacks
) -> None:
    person = participant_in(world.site, email="amina@example.org")
    other = participant_in(world.site)
    client = _signed_up(world, person, django_capture_on_commit_callbacks)
    assert client.get(reverse("participants:participant_list")).status_code == 403
    detail = reverse("participants:participant_detail", kwargs={"pk": other.pk})
    assert client.get(detail).status_code == 404
    own_staff_view = reverse("participants:participant_detail", kwargs={"pk": person.pk})
    assert client.get(own_staff_view).status_code == 404


def test_it_lets_the_person_update_availability_and_re_shows_mistakes(
    world: World, django_capture_on_commit_callbacks
) -> None:
    person = participant_in(world.site, email="amina@example.org")
    client = _signed_up(world, person, django_capture_on_commit_callbacks)
    url = reverse("participants:me_edit")
    response = client.post(url, {"phone": "+30 210 000 0000", "hours_per_week": "many"})
    assert response.status_code == 400
    assert 'value="+30 210 000 0000"' in response.content.decode()
    # The same limits as the case worker's form: a week has no 500 working hours.
    assert client.post(url, {"hours_per_week": "500"}).status_code == 400
    response = client.post(
        url,
        {
            "phone": "+30 210 000 0000",
            "hours_per_week": "30",
            "preferred_hours": "part_time",
            "driving_licences": ["B"],
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.hours_per_week == 30
    assert person.driving_licences == ["B"]


def test_it_lets_the_person_withdraw_a_consent_and_keeps_the_earlier_answer(
    world: World, django_capture_on_commit_callbacks
) -> None:
    from mile.participants.models import Consent

    person = participant_in(world.site, email="amina@example.org")
    Consent.objects.create(
        participant=person, purpose="newsletter", given=True, wording_version="1", language="en"
    )
    client = _signed_up(world, person, django_capture_on_commit_callbacks)
    url = reverse("participants:me_consent")
    response = client.post(url, {"purpose": "newsletter", "given": "no"})
    assert response.status_code == 302
    rows = list(person.consents.filter(purpose="newsletter").order_by("recorded_at", "pk"))
    assert [row.given for row in rows] == [True, False]
    assert rows[-1].recorded_by is None  # the person answered themselves
    client.post(url, {"purpose": "nonsense", "given": "yes"})
    assert person.consents.count() == 2
