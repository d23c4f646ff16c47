"""The public application, consent per purpose and the duplicate warning at intake."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from mile.conftest import World, client_for
from mile.participants.consent import (
    CONSENT_WORDING_VERSION,
    WORDING_FINGERPRINT,
    wording_fingerprint,
)
from mile.participants.models import Consent, Participant, Source, Status
from mile.participants.tests.factories import participant_in

ABOUT = {
    "given_names": "Samira",
    "family_name": "Exempla",
    "birth_date": "1991-03-04",
    "gender": "female",
    "email": "samira@example.org",
    "phone": "",
}
SITUATION = {
    "nationality": "SY",
    "second_nationality": "",
    "country_of_birth": "SY",
    "arrival_date": "2016-05-01",
    "residence_status": "refugee",
    "work_authorisation": "yes",
    "work_authorisation_expires": "",
}
LANGUAGES = {"mother_tongue": "ar", "language_1": "el", "level_1": "A2"}
CONSENT = {"participation": "yes", "employers": "yes", "newsletter": "no", "stories": "no"}


def _el(text: str) -> str:
    with translation.override("el"):
        return gettext(text)


@pytest.fixture
def open_world(world: World) -> World:
    # The application is open while the programme runs.
    world.programme.ends_on = timezone.localdate() + dt.timedelta(days=365)
    world.programme.save()
    return world


def _url(world: World, step: str, language: str = "el") -> str:
    return f"/{language}/apply/{world.programme.slug}/{world.site.pk}/{step}/"


def _through(client: Client, world: World, last: str = "consent", **steps: dict[str, str]) -> None:
    answers = {"about": ABOUT, "situation": SITUATION, "languages": LANGUAGES, "consent": CONSENT}
    for step, data in answers.items():
        response = client.post(_url(world, step), {**data, **steps.get(step, {})})
        assert response.status_code == 302, (step, response.content.decode()[:2000])
        if step == last:
            return


def test_it_takes_a_migrant_through_the_application_in_greek_step_by_step(
    open_world: World,
) -> None:
    world = open_world
    client = Client()
    door = client.get(f"/el/apply/{world.programme.slug}/")
    assert door.status_code == 200
    assert '<html lang="el"' in door.content.decode()
    assert _url(world, "about") in door.content.decode()
    first = client.get(_url(world, "about"))
    assert first.status_code == 200
    assert 'name="given_names"' in first.content.decode()
    response = client.post(_url(world, "about"), ABOUT)
    assert response["Location"] == _url(world, "situation")
    response = client.post(_url(world, "situation"), SITUATION)
    assert response["Location"] == _url(world, "languages")
    response = client.post(_url(world, "languages"), LANGUAGES)
    assert response["Location"] == _url(world, "consent")
    response = client.post(_url(world, "consent"), CONSENT)
    assert response["Location"] == _url(world, "review")
    review = client.get(_url(world, "review"))
    assert review.status_code == 200
    assert "Samira" in review.content.decode()
    assert not Participant.objects.exists()
    sent = client.post(_url(world, "review"), {"next": "1"})
    assert sent["Location"] == f"/el/apply/{world.programme.slug}/done/"
    person = Participant.objects.get()
    assert (person.source, person.status) == (Source.ONLINE, Status.APPLICANT)
    assert (person.programme, person.site, person.organisation) == (
        world.programme,
        world.site,
        world.partner,
    )
    assert person.created_by is None
    assert [c.code for c in person.nationalities] == ["SY"]
    assert person.status_changes.get().reason == "Applied online"
    skills = {
        s.language: (s.assessment, s.listening, s.writing) for s in person.language_skills.all()
    }
    assert skills == {"ar": ("mother_tongue", "", ""), "el": ("self", "A2", "A2")}
    consents = {c.purpose: c for c in person.consents.all()}
    assert {p: c.given for p, c in consents.items()} == {
        "participation": True,
        "employers": True,
        "newsletter": False,
        "stories": False,
    }
    assert {(c.wording_version, c.language, c.recorded_by) for c in consents.values()} == {
        (CONSENT_WORDING_VERSION, "el", None)
    }
    done = client.get(sent["Location"])
    assert world.site.city in done.content.decode()
    # The answers are gone from the session: a second visit starts afresh.
    assert client.get(_url(world, "review"))["Location"] == _url(world, "about")


def test_it_keeps_the_answers_when_going_back(open_world: World) -> None:
    world = open_world
    client = Client()
    client.post(_url(world, "about"), ABOUT)
    back = client.post(_url(world, "situation"), {"arrival_date": "2017-09-12", "back": "1"})
    assert back["Location"] == _url(world, "about")
    about = client.get(_url(world, "about")).content.decode()
    assert 'value="Samira"' in about
    assert 'value="1991-03-04"' in about
    situation = client.get(_url(world, "situation")).content.decode()
    assert 'value="2017-09-12"' in situation


def test_it_reshows_what_was_typed_when_a_step_is_wrong(open_world: World) -> None:
    world = open_world
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = Client().post(
        _url(world, "about"),
        {**ABOUT, "given_names": "Typed-Name", "birth_date": future, "email": ""},
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert 'value="Typed-Name"' in content
    assert f'value="{future}"' in content
    assert 'aria-invalid="true"' in content or "invalid-feedback" in content
    assert not Participant.objects.exists()


def test_it_needs_a_yes_to_taking_part(open_world: World) -> None:
    world = open_world
    client = Client()
    _through(client, world, last="languages")
    response = client.post(_url(world, "consent"), {**CONSENT, "participation": "no"})
    assert response.status_code == 400
    assert _el("You can only apply if you say yes to taking part.") in response.content.decode()
    # The last step stays out of reach until the answer is yes.
    assert client.get(_url(world, "review"))["Location"] == _url(world, "consent")
    client.post(_url(world, "consent"), {**CONSENT})
    client.post(_url(world, "review"), {"next": "1"})
    assert Participant.objects.get().consents.get(purpose="participation").given


def test_it_does_not_let_a_step_be_skipped(open_world: World) -> None:
    world = open_world
    assert Client().get(_url(world, "languages"))["Location"] == _url(world, "about")


def test_it_drops_an_application_from_a_robot_that_fills_the_hidden_field(
    open_world: World,
) -> None:
    world = open_world
    client = Client()
    _through(client, world)
    sent = client.post(_url(world, "review"), {"next": "1", "website": "http://spam.example"})
    assert sent.status_code == 302
    assert not Participant.objects.exists()
    robot = Client().post(_url(world, "about"), {**ABOUT, "website": "http://spam.example"})
    assert robot["Location"] == f"/el/apply/{world.programme.slug}/done/"
    assert not Participant.objects.exists()


def test_it_answers_404_for_an_unknown_programme_or_a_site_elsewhere(open_world: World) -> None:
    world = open_world
    client = Client()
    assert client.get("/el/apply/no-such-programme/").status_code == 404
    other_site = world.other_programme.sites.get()
    assert client.get(f"/el/apply/{world.programme.slug}/{other_site.pk}/about/").status_code == 404
    assert client.get(_url(world, "nonsense")).status_code == 404


def test_it_says_when_applications_are_closed(world: World) -> None:
    world.programme.ends_on = timezone.localdate() - dt.timedelta(days=1)
    world.programme.save()
    client = Client()
    door = client.get(f"/en/apply/{world.programme.slug}/").content.decode()
    assert "Applications are closed" in door
    assert _url(world, "about", "en") not in door
    step = client.post(_url(world, "about", "en"), ABOUT)
    assert step["Location"] == f"/en/apply/{world.programme.slug}/"
    assert not Participant.objects.exists()


def test_it_changes_the_consent_version_with_the_wording() -> None:
    assert wording_fingerprint() == WORDING_FINGERPRINT, (
        "The consent wording changed: give CONSENT_WORDING_VERSION a new value and update "
        "WORDING_FINGERPRINT in participants/consent.py."
    )


def test_it_lists_open_programmes_to_apply_to_on_the_sign_in_page(open_world: World) -> None:
    page = Client().get(reverse("account_login")).content.decode()
    assert f"/en/apply/{open_world.programme.slug}/" in page


# --- Staff intake and the record page -------------------------------------------------------


def _intake(world: World, **overrides: object) -> dict[str, object]:
    return {
        "programme": world.programme.pk,
        "site": world.site.pk,
        "organisation": world.partner.pk,
        "given_names": "Samira",
        "family_name": "Exempla",
        "birth_date": "1991-03-04",
        "gender": "female",
        "nationalities": ["SY"],
        "residence_status": "refugee",
        "work_authorisation": "yes",
        **overrides,
    }


def test_it_records_consent_per_purpose_at_intake(world: World) -> None:
    client = client_for(world, "caseworker")
    client.post(
        f"/it{reverse('participants:participant_create')[3:]}",
        _intake(world, **{"intake-participation": "on", "intake-newsletter": "on"}),
    )
    person = Participant.objects.get()
    rows = {c.purpose: c for c in person.consents.all()}
    assert {p: c.given for p, c in rows.items()} == {
        "participation": True,
        "employers": False,
        "newsletter": True,
        "stories": False,
    }
    assert {(c.recorded_by, c.language, c.wording_version) for c in rows.values()} == {
        (world.users["caseworker"], "it", CONSENT_WORDING_VERSION)
    }


def test_it_warns_of_a_possible_duplicate_at_intake_until_staff_confirm(world: World) -> None:
    known = participant_in(
        world.site,
        given_names="Exempla",
        family_name="Samíra",  # names swapped, with an accent
        birth_date=dt.date(1991, 3, 4),
        nationalities=["ER", "SY"],
    )
    client = client_for(world, "caseworker")
    url = reverse("participants:participant_create")
    warned = client.post(url, _intake(world, family_name="EXEMPLA"))
    content = warned.content.decode()
    assert "Possible duplicates" in content
    assert known.reference in content
    assert 'value="EXEMPLA"' in content
    assert Participant.objects.count() == 1
    confirmed = client.post(
        url, _intake(world, family_name="EXEMPLA", **{"intake-different_person": "on"})
    )
    assert confirmed.status_code == 302
    assert Participant.objects.count() == 2


def test_it_does_not_call_a_different_person_a_duplicate(world: World) -> None:
    from mile.participants.duplicates import participant_duplicates

    participant_in(world.site, given_names="Samira", family_name="Exempla", nationalities=["UA"])
    participant_in(
        world.site,
        given_names="Samira",
        family_name="Exempla",
        birth_date=dt.date(1980, 1, 1),
        nationalities=["SY"],
    )
    participant_in(world.site, given_names="Karim", family_name="Nouri", nationalities=["SY"])
    fields = {
        "given_names": "Samira",
        "family_name": "Exempla",
        "birth_date": dt.date(1990, 5, 17),
        "nationalities": ["SY"],
    }
    assert participant_duplicates(user=world.users["coordinator"], fields=fields) == []


def test_it_shows_possible_duplicates_only_within_the_users_scope(world: World) -> None:
    from mile.participants.duplicates import participant_duplicates

    elsewhere = participant_in(world.other_site, given_names="Samira", family_name="Exempla")
    fields = {
        "given_names": "Samira",
        "family_name": "Exempla",
        "birth_date": elsewhere.birth_date,
        "nationalities": ["SY"],
    }
    world.users["caseworker"].memberships.update(site=world.site)
    assert participant_duplicates(user=world.users["caseworker"], fields=fields) == []
    assert participant_duplicates(user=world.users["coordinator"], fields=fields) == [elsewhere]


def test_it_shows_staff_the_likely_duplicate_of_an_online_application(open_world: World) -> None:
    world = open_world
    known = participant_in(
        world.site, given_names="Samira", family_name="Exempla", birth_date=dt.date(1991, 3, 4)
    )
    client = Client()
    _through(client, world)
    client.post(_url(world, "review"), {"next": "1"})
    application = Participant.objects.get(source=Source.ONLINE)
    page = client_for(world, "caseworker").get(
        reverse("participants:participant_detail", kwargs={"pk": application.pk})
    )
    content = page.content.decode()
    assert _el("Possible duplicates") in content  # the page follows the Greek application
    assert (
        reverse(
            "participants:participant_merge", kwargs={"pk": known.pk, "duplicate": application.pk}
        )
        in content
    )


def test_it_records_a_withdrawal_as_a_new_answer_and_keeps_the_old_one(world: World) -> None:
    person = participant_in(world.site)
    Consent.objects.create(
        participant=person,
        purpose="employers",
        given=True,
        wording_version="2025-01",
        language="en",
    )
    client = client_for(world, "caseworker")
    url = reverse("participants:participant_consent_record", kwargs={"pk": person.pk})
    client.post(url, {"purpose": "employers", "given": "no"})
    rows = list(person.consents.order_by("pk"))
    assert [(r.given, r.wording_version) for r in rows] == [
        (True, "2025-01"),
        (False, CONSENT_WORDING_VERSION),
    ]
    assert rows[-1].recorded_by == world.users["caseworker"]
    page = client.get(
        reverse("participants:participant_detail", kwargs={"pk": person.pk})
    ).content.decode()
    assert "Not given" in page
    assert CONSENT_WORDING_VERSION in page
    assert (
        client_for(world, "evaluator")
        .post(url, {"purpose": "employers", "given": "yes"})
        .status_code
        == 403
    )
    assert (
        client_for(world, "other_partner_user")
        .post(url, {"purpose": "employers", "given": "yes"})
        .status_code
        == 404
    )
    assert person.consents.count() == 2


def test_it_shows_staff_the_public_links_to_share(open_world: World) -> None:
    page = client_for(open_world, "caseworker").get(
        reverse("programmes:programme_detail", kwargs={"pk": open_world.programme.pk})
    )
    assert _url(open_world, "about", "en") in page.content.decode()


def test_it_loads_demo_applications_once_with_a_likely_duplicate(db: None) -> None:
    from mile.accounts.models import User
    from mile.demo.loader import load_demo
    from mile.participants.duplicates import participant_duplicates

    load_demo()
    online = list(Participant.objects.filter(source=Source.ONLINE).select_related("site"))
    assert {p.site.city for p in online} == {"Athens", "Milan"}
    admin = User.objects.filter(is_superuser=True).first()
    likely = [
        p
        for p in online
        if participant_duplicates(
            user=admin,
            fields={
                "given_names": p.given_names,
                "family_name": p.family_name,
                "birth_date": p.birth_date,
                "nationalities": p.nationalities,
            },
            exclude=p.pk,
        )
    ]
    assert len(likely) == 1
    count = Participant.objects.count()
    load_demo()
    assert Participant.objects.count() == count
