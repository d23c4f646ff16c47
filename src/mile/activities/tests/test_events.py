"""Events: the list, writing them, materials, registrations by staff and online, attendance."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from mile.activities import services
from mile.activities.models import Event, EventMaterial, EventRegistration
from mile.activities.tests.matrix_events import event_in
from mile.conftest import World, client_for
from mile.core.tests.factories import UserFactory
from mile.participants.tests.factories import participant_in
from mile.participants.tests.sample_files import make_docx, make_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    media: Path = tmp_path / "media"
    settings.MEDIA_ROOT = media
    return media


def _stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def _url(name: str, **kwargs: Any) -> str:
    with translation.override("en"):
        return reverse(f"activities:{name}", kwargs=kwargs)


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def _event_data(world: World, **overrides: Any) -> dict[str, Any]:
    starts = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=10)
    return {
        "programme": world.programme.pk,
        "site": world.site.pk,
        "title": "Hiring refugees: what employers need to know",
        "kind": "awareness",
        "audiences": ["employers"],
        "description": "Talks and questions.",
        "starts_at": _local(starts),
        "ends_at": _local(starts + dt.timedelta(hours=2)),
        "place": "Camera di Commercio",
        "capacity": "40",
        "public_registration": "on",
        **overrides,
    }


def _pptx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("ppt/presentation.xml", "<presentation/>")
    return out.getvalue()


# --- The list ----------------------------------------------------------------------------------


def test_it_lists_the_programmes_upcoming_events_with_their_registrations(
    world: World, django_assert_max_num_queries: Any
) -> None:
    for n in range(12):
        event = event_in(world.site, title=f"Open day {n}")
        event.registrations.create(full_name=f"Guest {n}", audience="citizens")
    event_in(world.other_site, title="Innsbruck info evening")
    past = timezone.now() - dt.timedelta(days=3)
    event_in(world.site, title="Last year's fair", starts_at=past, ends_at=past + dt.timedelta(1))
    event_in(None, programme=world.other_programme, title="Sofia conference")
    client = client_for(world, "stakeholder")
    with django_assert_max_num_queries(8):
        response = client.get(_url("event_list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Open day 11" in content
    assert "Innsbruck info evening" in content
    assert "Last year&#x27;s fair" not in content
    assert "Sofia conference" not in content
    assert "Guest 3" not in content  # names are for those who run the event


def test_it_filters_events_by_time_kind_audience_and_site(world: World) -> None:
    event_in(world.site, title="Employers breakfast", audiences=["employers"])
    event_in(
        world.other_site,
        title="Results conference",
        kind="dissemination",
        audiences=["stakeholders"],
    )
    event_in(world.site, title="Neighbourhood party", audiences=["citizens"])
    past = timezone.now() - dt.timedelta(days=3)
    event_in(world.site, title="Old fair", starts_at=past, ends_at=past + dt.timedelta(hours=1))
    client = client_for(world, "coordinator")

    def titles(**query: Any) -> set[str]:
        response = client.get(_url("event_list"), query)
        assert response.status_code == 200
        found = {"Employers breakfast", "Results conference", "Neighbourhood party", "Old fair"}
        return {t for t in found if t in response.content.decode()}

    assert titles(kind="dissemination") == {"Results conference"}
    assert titles(audience="employers") == {"Employers breakfast"}
    assert titles(site=world.other_site.pk) == {"Results conference"}
    assert titles(when="past") == {"Old fair"}
    assert len(titles(when="all")) == 4


def test_it_refuses_the_list_to_people_without_a_role_in_a_programme(world: World) -> None:
    client = client_for(world, "anonymous")
    client.force_login(UserFactory())
    assert client.get(_url("event_list")).status_code == 403


def test_it_answers_a_bad_filter_with_400(world: World) -> None:
    response = client_for(world, "coordinator").get(_url("event_list"), {"kind": "party"})
    assert response.status_code == 400


# --- Writing -----------------------------------------------------------------------------------


def test_it_creates_an_event_at_the_case_workers_site(world: World) -> None:
    response = client_for(world, "caseworker").post(_url("event_create"), _event_data(world))
    assert response.status_code == 302
    event = Event.objects.get()
    assert response["Location"] == _url("event_detail", pk=event.pk)
    assert (event.site, event.audiences, event.capacity) == (world.site, ["employers"], 40)
    assert event.created_by == world.users["caseworker"]


def test_it_offers_only_the_sites_the_user_runs(world: World) -> None:
    client = client_for(world, "caseworker")
    page = client.get(_url("event_create")).content.decode()
    assert "Milan" in page
    assert "Innsbruck" not in page
    response = client.post(_url("event_create"), _event_data(world, site=world.other_site.pk))
    assert response.status_code == 400
    assert not Event.objects.exists()


def test_it_refuses_an_event_ending_before_it_starts(world: World) -> None:
    data = _event_data(world)
    data["ends_at"], data["starts_at"] = data["starts_at"], data["ends_at"]
    response = client_for(world, "coordinator").post(_url("event_create"), data)
    assert response.status_code == 400
    assert "The event must end after it starts." in response.content.decode()
    assert "Hiring refugees" in response.content.decode()  # what was typed stays
    assert not Event.objects.exists()


def test_it_refuses_zero_places_and_takes_empty_as_no_limit(world: World) -> None:
    client = client_for(world, "coordinator")
    response = client.post(_url("event_create"), _event_data(world, capacity="0"))
    assert response.status_code == 400
    assert not Event.objects.exists()
    response = client.post(_url("event_create"), _event_data(world, capacity=""))
    assert response.status_code == 302
    assert Event.objects.get().capacity is None


def test_it_refuses_nonsense_dates_without_a_crash(world: World) -> None:
    response = client_for(world, "coordinator").post(
        _url("event_create"), _event_data(world, starts_at="next tuesday")
    )
    assert response.status_code == 400


def test_it_lets_those_who_run_the_event_edit_it(world: World) -> None:
    event = event_in(world.site)
    data = _event_data(world, title="Open day (new date)")
    del data["programme"]
    response = client_for(world, "caseworker").post(_url("event_edit", pk=event.pk), data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Open day (new date)"
    other = client_for(world, "other_partner_user").post(_url("event_edit", pk=event.pk), data)
    assert other.status_code == 403


def test_it_refuses_fewer_places_than_people_registered(world: World) -> None:
    event = event_in(world.site, capacity=5)
    for n in range(3):
        event.registrations.create(full_name=f"Guest {n}", audience="citizens")
    data = _event_data(world, capacity="2")
    del data["programme"]
    response = client_for(world, "coordinator").post(_url("event_edit", pk=event.pk), data)
    assert response.status_code == 400
    assert "3 people are already registered" in response.content.decode()
    event.refresh_from_db()
    assert event.capacity == 5


# --- Registrations by staff --------------------------------------------------------------------


def test_it_registers_a_participant_a_user_and_someone_from_outside(world: World) -> None:
    event = event_in(world.site, capacity=10)
    person = participant_in(world.site)
    client = client_for(world, "caseworker")
    url = _url("event_registration_add", pk=event.pk)
    assert client.post(url, {"participant": person.pk, "audience": "migrants"}).status_code == 302
    # A colleague: partner staff see the users of their own organisation only.
    colleague = world.users["coordinator"]
    assert client.post(url, {"user": colleague.pk, "audience": "stakeholders"}).status_code == 302
    stranger = world.users["stakeholder"]
    assert client.post(url, {"user": stranger.pk, "audience": "stakeholders"}).status_code == 400
    outside = {
        "full_name": "Marta Rossi",
        "email": "marta@example.org",
        "organisation_name": "Caritas",
        "audience": "stakeholders",
    }
    assert client.post(url, outside).status_code == 302
    registrations = EventRegistration.objects.filter(event=event)
    assert registrations.count() == 3
    assert {r.source for r in registrations} == {"staff"}
    page = client.get(_url("event_detail", pk=event.pk)).content.decode()
    assert person.full_name in page
    assert "Marta Rossi" in page
    assert "Caritas" in page


def test_it_refuses_a_registration_when_the_event_is_full(world: World) -> None:
    event = event_in(world.site, capacity=1)
    event.registrations.create(full_name="First Guest", audience="citizens")
    response = client_for(world, "coordinator").post(
        _url("event_registration_add", pk=event.pk),
        {"full_name": "Second Guest", "audience": "citizens"},
    )
    assert response.status_code == 400
    assert "The event is full: no places are left." in response.content.decode()
    assert event.registrations.count() == 1


def test_it_refuses_the_same_person_twice(world: World) -> None:
    event = event_in(world.site)
    person = participant_in(world.site)
    client = client_for(world, "coordinator")
    url = _url("event_registration_add", pk=event.pk)
    client.post(url, {"participant": person.pk, "audience": "migrants"})
    response = client.post(url, {"participant": person.pk, "audience": "migrants"})
    assert response.status_code == 400
    assert "already registered" in response.content.decode()
    assert event.registrations.count() == 1


def test_it_refuses_a_participant_the_case_worker_does_not_follow(world: World) -> None:
    event = event_in(None, programme=world.programme)
    innsbruck = participant_in(world.other_site)
    response = client_for(world, "caseworker").post(
        _url("event_registration_add", pk=event.pk),
        {"participant": innsbruck.pk, "audience": "migrants"},
    )
    assert response.status_code == 400
    assert not event.registrations.exists()


def test_it_asks_for_exactly_one_person(world: World) -> None:
    event = event_in(world.site)
    response = client_for(world, "coordinator").post(
        _url("event_registration_add", pk=event.pk), {"audience": "citizens"}
    )
    assert response.status_code == 400
    assert "Choose a participant, a user" in response.content.decode()


def test_it_shows_registrations_only_to_those_who_run_the_event(world: World) -> None:
    event = event_in(world.site)
    event.registrations.create(full_name="Marta Rossi", audience="citizens")
    runner = client_for(world, "caseworker").get(_url("event_detail", pk=event.pk))
    reader = client_for(world, "other_partner_user").get(_url("event_detail", pk=event.pk))
    assert "Marta Rossi" in runner.content.decode()
    assert reader.status_code == 200
    assert "Marta Rossi" not in reader.content.decode()
    assert "1 person" in reader.content.decode()


def test_it_marks_who_came(world: World) -> None:
    start = timezone.now() - dt.timedelta(hours=3)
    event = event_in(world.site, starts_at=start, ends_at=start + dt.timedelta(hours=2))
    came = event.registrations.create(full_name="Came Along", audience="citizens")
    away = event.registrations.create(full_name="Stayed Home", audience="citizens")
    unknown = event.registrations.create(full_name="Not Sure", audience="citizens", attended=True)
    response = client_for(world, "caseworker").post(
        _url("event_attendance", pk=event.pk),
        {f"attended_{came.pk}": "yes", f"attended_{away.pk}": "no", f"attended_{unknown.pk}": ""},
    )
    assert response.status_code == 302
    values = [r.attended for r in EventRegistration.objects.order_by("pk")]
    assert values == [True, False, None]


def test_it_takes_no_attendance_for_an_event_next_week(world: World) -> None:
    event = event_in(world.site)
    guest = event.registrations.create(full_name="Early Bird", audience="citizens")
    page = client_for(world, "caseworker").get(_url("event_detail", pk=event.pk)).content.decode()
    assert "Mark attendance" not in page
    response = client_for(world, "caseworker").post(
        _url("event_attendance", pk=event.pk), {f"attended_{guest.pk}": "yes"}
    )
    assert response.status_code == 400
    assert "on the day of the event" in response.content.decode()
    guest.refresh_from_db()
    assert guest.attended is None


def test_it_refuses_attendance_for_someone_of_another_event(world: World) -> None:
    start = timezone.now() - dt.timedelta(hours=3)
    event = event_in(world.site, starts_at=start, ends_at=start + dt.timedelta(hours=2))
    other = event_in(world.site).registrations.create(full_name="Elsewhere", audience="citizens")
    response = client_for(world, "caseworker").post(
        _url("event_attendance", pk=event.pk), {f"attended_{other.pk}": "yes"}
    )
    assert response.status_code == 400
    other.refresh_from_db()
    assert other.attended is None


def test_it_removes_a_registration(world: World) -> None:
    event = event_in(world.site)
    guest = event.registrations.create(full_name="Changed Plans", audience="citizens")
    response = client_for(world, "caseworker").post(
        _url("event_registration_delete", pk=event.pk, item=guest.pk)
    )
    assert response.status_code == 302
    assert not event.registrations.exists()


# --- Registration online -----------------------------------------------------------------------


def _public_data(**overrides: Any) -> dict[str, Any]:
    return {
        "full_name": "Jana Novak",
        "email": "jana@example.org",
        "organisation_name": "Hotel Alpina",
        "country": "AT",
        "audience": "employers",
        "consent": "on",
        "website": "",
        **overrides,
    }


def test_it_registers_someone_online_without_an_account(world: World) -> None:
    event = event_in(world.site, public_registration=True, capacity=30)
    client = client_for(world, "anonymous")
    with translation.override("de"):
        url = reverse("activities:event_register", kwargs={"pk": event.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert "Open day for employers" in page.content.decode()
    response = client.post(url, _public_data())
    assert response.status_code == 302
    registration = EventRegistration.objects.get()
    assert registration.source == "public"
    assert registration.consent_given_at is not None
    assert registration.language == "de"
    assert (registration.email, registration.country.code) == ("jana@example.org", "AT")
    done = client.get(response["Location"])
    assert done.status_code == 200
    assert "Open day for employers" in done.content.decode()


def test_it_refuses_online_registration_when_full(world: World) -> None:
    event = event_in(world.site, public_registration=True, capacity=1)
    event.registrations.create(full_name="First Guest", audience="citizens")
    client = client_for(world, "anonymous")
    assert "no places are left" in client.get(_url("event_register", pk=event.pk)).content.decode()
    response = client.post(_url("event_register", pk=event.pk), _public_data())
    assert response.status_code == 400
    assert "The event is full: no places are left." in response.content.decode()
    assert event.registrations.count() == 1


def test_it_refuses_an_e_mail_address_registered_already(world: World) -> None:
    event = event_in(world.site, public_registration=True)
    client = client_for(world, "anonymous")
    client.post(_url("event_register", pk=event.pk), _public_data())
    response = client.post(
        _url("event_register", pk=event.pk), _public_data(email="JANA@example.org")
    )
    assert response.status_code == 400
    assert "This e-mail address is already registered" in response.content.decode()
    assert event.registrations.count() == 1


def test_it_registers_no_one_without_consent(world: World) -> None:
    event = event_in(world.site, public_registration=True)
    data = _public_data()
    del data["consent"]
    response = client_for(world, "anonymous").post(_url("event_register", pk=event.pk), data)
    assert response.status_code == 400
    content = response.content.decode()
    assert "Please agree to how we use your data" in content
    assert "Jana Novak" in content  # what was typed stays
    assert not event.registrations.exists()


def test_it_closes_registration_once_the_event_has_begun(world: World) -> None:
    start = timezone.now() - dt.timedelta(days=1)
    event = event_in(
        world.site, public_registration=True, starts_at=start, ends_at=start + dt.timedelta(1)
    )
    client = client_for(world, "anonymous")
    page = client.get(_url("event_register", pk=event.pk)).content.decode()
    assert "Registration for this event has closed." in page
    assert 'name="email"' not in page
    response = client.post(_url("event_register", pk=event.pk), _public_data())
    assert response.status_code == 400
    assert not event.registrations.exists()


def test_it_keeps_events_without_online_registration_closed(world: World) -> None:
    event = event_in(world.site)
    client = client_for(world, "anonymous")
    assert client.get(_url("event_register", pk=event.pk)).status_code == 404
    assert client.post(_url("event_register", pk=event.pk), _public_data()).status_code == 404


def test_it_keeps_nothing_a_robot_sends(world: World) -> None:
    event = event_in(world.site, public_registration=True)
    response = client_for(world, "anonymous").post(
        _url("event_register", pk=event.pk), _public_data(website="http://spam.example")
    )
    assert response.status_code == 302
    assert not event.registrations.exists()


def test_it_tells_what_is_kept_and_why_before_registering(world: World) -> None:
    event = event_in(world.site, public_registration=True)
    page = client_for(world, "anonymous").get(_url("event_register", pk=event.pk))
    content = page.content.decode()
    assert "How we use your data" in content
    assert "only for this event" in content
    assert "delete your registration" in content


def test_the_service_locks_out_the_last_place_being_taken_twice(world: World) -> None:
    event = event_in(world.site, public_registration=True, capacity=1)
    consent = {"consent_given_at": timezone.now(), "audience": "citizens"}
    services.event_register(
        by=None,
        event=event,
        fields={"full_name": "A One", "email": "a@x.org", **consent},
        public=True,
    )
    with pytest.raises(Exception, match="full"):
        services.event_register(
            by=None,
            event=event,
            fields={"full_name": "B Two", "email": "b@x.org", **consent},
            public=True,
        )
    assert event.registrations.count() == 1


# --- Materials ---------------------------------------------------------------------------------


def test_it_adds_a_link(world: World) -> None:
    event = event_in(world.site)
    client = client_for(world, "caseworker")
    response = client.post(
        _url("event_material_add", pk=event.pk),
        {"title": "Recording", "url": "https://video.example.org/open-day"},
    )
    assert response.status_code == 302
    page = client_for(world, "stakeholder").get(_url("event_detail", pk=event.pk)).content.decode()
    assert "https://video.example.org/open-day" in page


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("slides.pdf", make_pdf(["Open day"]), "application/pdf"),
        (
            "slides.pptx",
            _pptx(),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        (
            "handout.docx",
            make_docx(["Open day"]),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png"),
        # Named wrongly: what the bytes are decides.
        ("photo.pdf", b"\xff\xd8\xff\xe0" + b"\0" * 64, "image/jpeg"),
    ],
    # Named by the file: the bytes of a DOCX or PPTX carry the time they were made, and the
    # two test workers must collect the same test names.
    ids=["pdf", "pptx", "docx", "png", "jpeg-named-pdf"],
)
def test_it_takes_a_file_by_its_content_and_serves_it_to_members(
    world: World, media: Path, name: str, data: bytes, content_type: str
) -> None:
    event = event_in(world.site)
    response = client_for(world, "caseworker").post(
        _url("event_material_add", pk=event.pk),
        {"title": "Slides of the day", "file": SimpleUploadedFile(name, data)},
    )
    assert response.status_code == 302
    material = EventMaterial.objects.get()
    url = _url("event_material_download", pk=event.pk, item=material.pk)
    download = client_for(world, "employer_contact").get(url)
    assert download.status_code == 200
    assert download["Content-Type"] == content_type
    assert download.content == data
    assert "slides-of-the-day." in download["Content-Disposition"]
    assert client_for(world, "other_programme_user").get(url).status_code == 404
    assert client_for(world, "anonymous").get(url).status_code == 302


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("slides.pdf", b"MZ\x90\x00" + b"\0" * 64, "This type of file is not accepted."),
        ("notes.txt", b"Just some notes", "This type of file is not accepted."),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_it_refuses_a_file_by_its_content(
    world: World, media: Path, name: str, data: bytes, message: str
) -> None:
    event = event_in(world.site)
    response = client_for(world, "caseworker").post(
        _url("event_material_add", pk=event.pk),
        {"title": "Slides", "file": SimpleUploadedFile(name, data)},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not EventMaterial.objects.exists()
    assert _stored_files(media) == []


def test_it_refuses_a_file_over_20_mb(world: World, media: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(services, "MAX_MATERIAL_SIZE", 1024)
    event = event_in(world.site)
    response = client_for(world, "caseworker").post(
        _url("event_material_add", pk=event.pk),
        {"title": "Big", "file": SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 2048)},
    )
    assert response.status_code == 400
    assert "larger than 20 MB" in response.content.decode()
    assert _stored_files(media) == []


def test_it_asks_for_a_link_or_a_file_not_both(world: World, media: Path) -> None:
    event = event_in(world.site)
    client = client_for(world, "caseworker")
    url = _url("event_material_add", pk=event.pk)
    both = client.post(
        url,
        {
            "title": "Both",
            "url": "https://example.org/x",
            "file": SimpleUploadedFile("x.pdf", make_pdf(["x"])),
        },
    )
    neither = client.post(url, {"title": "Neither"})
    assert (both.status_code, neither.status_code) == (400, 400)
    assert "Give either a link or a file." in neither.content.decode()
    assert not EventMaterial.objects.exists()


def test_it_removes_a_material_and_its_file(
    world: World, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    event = event_in(world.site)
    client = client_for(world, "caseworker")
    client.post(
        _url("event_material_add", pk=event.pk),
        {"title": "Slides", "file": SimpleUploadedFile("s.pdf", make_pdf(["Slides"]))},
    )
    material = EventMaterial.objects.get()
    assert len(_stored_files(media)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("event_material_delete", pk=event.pk, item=material.pk))
    assert response.status_code == 302
    assert not EventMaterial.objects.exists()
    assert _stored_files(media) == []


def test_it_lets_only_those_who_run_the_event_add_materials(world: World) -> None:
    event = event_in(world.site)
    response = client_for(world, "other_partner_user").post(
        _url("event_material_add", pk=event.pk), {"title": "X", "url": "https://example.org"}
    )
    assert response.status_code == 403
    assert not EventMaterial.objects.exists()


# --- Every language ----------------------------------------------------------------------------


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_it_shows_the_event_pages_in_every_language(world: World, language: str) -> None:
    event = event_in(world.site, public_registration=True, capacity=20)
    event.registrations.create(full_name="Marta Rossi", audience="citizens")
    event.materials.create(title="Programme", url="https://example.org/p")
    client = client_for(world, "coordinator")
    with translation.override(language):
        urls = [
            reverse("activities:event_list"),
            reverse("activities:event_create"),
            reverse("activities:event_detail", kwargs={"pk": event.pk}),
            reverse("activities:event_edit", kwargs={"pk": event.pk}),
            reverse("activities:event_registration_add", kwargs={"pk": event.pk}),
        ]
        public = reverse("activities:event_register", kwargs={"pk": event.pk})
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'lang="{language}"' in response.content.decode()
    response = client_for(world, "anonymous").get(public)
    assert response.status_code == 200
    assert f'lang="{language}"' in response.content.decode()
