"""Candidates proposed to employers: proposing, the pseudonymous profile, answers, sharing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from mile.accounts.models import User
from mile.conftest import World, client_for
from mile.core.roles import Role
from mile.core.tests.factories import MembershipFactory, UserFactory, enrol_totp
from mile.employers.candidates import (
    CandidateProfile,
    candidate_profile,
    duration_text,
    months_between,
)
from mile.employers.models import Decision, Employer, Offer, OfferStatus, Proposal
from mile.employers.tests.factories import consenting, employer_in, offer_of, proposal_for
from mile.employers.views.candidates import offer_candidates_section
from mile.esco.tests.esco_files import OCC, SKILL, write_folder
from mile.participants.models import Consent, Participant, Purpose
from mile.participants.tests.factories import participant_in
from mile.taxonomy.models import Concept

# --- The world of these tests -----------------------------------------------------------------


@pytest.fixture
def innsbruck(world: World) -> Employer:
    """The employer contact's company, followed by the Innsbruck partner."""
    return employer_in(world.other_site, world.employer)


@pytest.fixture
def milan(world: World) -> Employer:
    """A company of the Milan site, which the case worker follows."""
    return employer_in(world.site, world.other_employer)


@pytest.fixture
def esco_it(db: None, tmp_path: Path) -> None:
    """The tiny ESCO with Italian labels beside the English ones."""
    call_command("esco_import", str(write_folder(tmp_path / "esco-it")), verbosity=0)


def _open(employer: Employer, **kwargs: Any) -> Offer:
    return offer_of(employer, status=OfferStatus.OPEN, **kwargs)


def _person(site: Any, **kwargs: Any) -> Participant:
    return consenting(
        participant_in(
            site,
            status="active",
            email=kwargs.pop("email", "amal.haddad@example.org"),
            phone=kwargs.pop("phone", "+43 660 1234567"),
            **kwargs,
        )
    )


def _with_profile(person: Participant) -> Participant:
    """Skills, languages, work, education, availability: what an employer may see."""
    person.skills.create(skill=Concept.objects.get(uri=SKILL + "cook"), evidence="validated")
    person.language_skills.create(language="ar", assessment="mother_tongue")
    person.language_skills.create(
        language="de", listening="B2", spoken_interaction="B1", assessment="tested"
    )
    person.work_experience.create(
        job_title="Line cook",
        occupation=Concept.objects.get(uri=OCC + "chef"),
        employer="Grand Hotel Damaskus",
        country="SY",
        started_on=dt.date(2018, 1, 10),
        ended_on=dt.date(2020, 4, 20),
    )
    person.education.create(
        level=3, field="10", recognition="recognised", institution="Aleppo Hotel School"
    )
    Participant.objects.filter(pk=person.pk).update(
        digital_level="intermediate",
        driving_licences=["B"],
        available_from=dt.date(2030, 3, 1),
        hours_per_week=30,
        preferred_hours="part_time",
    )
    person.refresh_from_db()
    return person


def _url(name: str, pk: int) -> str:
    return reverse(f"employers:{name}", kwargs={"pk": pk})


def _contact_of(world: World, organisation: Any, name: str) -> Client:
    user = UserFactory(email=f"{name}@test.example", full_name=f"Contact {name}")
    MembershipFactory(
        user=user,
        programme=world.programme,
        organisation=organisation,
        role=Role.EMPLOYER_CONTACT,
    )
    enrol_totp(user)
    client = Client()
    client.force_login(user)
    return client


def _own_account(person: Participant) -> Client:
    user = User.objects.create_user(person.email, None, full_name=person.full_name)
    Participant.objects.filter(pk=person.pk).update(user=user)
    client = Client()
    client.force_login(user)
    return client


# --- Proposing ---------------------------------------------------------------------------------


def test_it_proposes_a_consenting_person_and_returns_to_the_offer(
    world: World, milan: Employer
) -> None:
    offer = _open(milan)
    person = _person(world.site)
    response = client_for(world, "caseworker").post(
        _url("proposal_create", offer.pk),
        {"participant": person.pk, "note": "Three years in hotel kitchens."},
    )
    assert response.status_code == 302
    assert response["Location"] == _url("offer_detail", offer.pk)
    proposal = Proposal.objects.get(offer=offer)
    assert proposal.participant == person
    assert proposal.note == "Three years in hotel kitchens."
    assert proposal.proposed_by == world.users["caseworker"]
    assert proposal.decision == Decision.PENDING


def test_it_lists_people_without_consent_as_not_available(world: World, milan: Employer) -> None:
    offer = _open(milan)
    willing = _person(world.site)
    unwilling = participant_in(world.site, status="enrolled")
    html = client_for(world, "caseworker").get(_url("proposal_create", offer.pk)).content.decode()
    assert willing.family_name in html
    assert unwilling.family_name in html
    assert "has not agreed to share their profile with employers" in html
    assert re.search(rf'<input[^>]*value="{unwilling.pk}"[^>]*disabled', html)
    assert not re.search(rf'<input[^>]*value="{willing.pk}"[^>]*disabled', html)


def test_it_refuses_a_person_without_consent_and_keeps_the_note(
    world: World, milan: Employer
) -> None:
    offer = _open(milan)
    person = participant_in(world.site, status="active")
    Consent.objects.create(
        participant=person,
        purpose=Purpose.EMPLOYERS,
        given=False,
        wording_version="t",
        language="en",
    )
    response = client_for(world, "caseworker").post(
        _url("proposal_create", offer.pk), {"participant": person.pk, "note": "Keen and punctual"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "has not agreed to share their profile with employers" in html
    assert "Keen and punctual" in html
    assert f'value="{person.pk}"' in html
    assert not Proposal.objects.exists()


def test_it_refuses_a_draft_offer(world: World, milan: Employer) -> None:
    offer = offer_of(milan)
    person = _person(world.site)
    client = client_for(world, "caseworker")
    assert "open offers only" in client.get(_url("proposal_create", offer.pk)).content.decode()
    response = client.post(_url("proposal_create", offer.pk), {"participant": person.pk})
    assert response.status_code == 400
    assert "Candidates are proposed for open offers only." in response.content.decode()
    assert not Proposal.objects.exists()


def test_it_refuses_to_propose_the_same_person_twice(world: World, milan: Employer) -> None:
    offer = _open(milan)
    person = _person(world.site)
    proposal_for(offer, person)
    client = client_for(world, "caseworker")
    assert "already proposed for this offer" in (
        client.get(_url("proposal_create", offer.pk)).content.decode()
    )
    response = client.post(_url("proposal_create", offer.pk), {"participant": person.pk})
    assert response.status_code == 400
    assert "already been proposed for this offer" in response.content.decode()
    assert Proposal.objects.count() == 1


def test_it_does_not_offer_the_case_worker_people_of_another_site(
    world: World, milan: Employer
) -> None:
    offer = _open(milan)
    elsewhere = _person(world.other_site)
    client = client_for(world, "caseworker")
    assert (
        elsewhere.family_name not in client.get(_url("proposal_create", offer.pk)).content.decode()
    )
    response = client.post(_url("proposal_create", offer.pk), {"participant": elsewhere.pk})
    assert response.status_code == 400
    assert "Choose one of the people listed." in response.content.decode()
    assert not Proposal.objects.exists()


def test_it_does_not_offer_people_who_left_or_have_not_started(
    world: World, milan: Employer
) -> None:
    offer = _open(milan)
    applicant = consenting(participant_in(world.site, status="applicant"))
    html = client_for(world, "caseworker").get(_url("proposal_create", offer.pk)).content.decode()
    assert applicant.family_name not in html


def test_it_forbids_the_employer_contact_to_propose(world: World, innsbruck: Employer) -> None:
    offer = _open(innsbruck)
    person = _person(world.other_site)
    client = client_for(world, "employer_contact")
    assert client.get(_url("proposal_create", offer.pk)).status_code == 403
    response = client.post(_url("proposal_create", offer.pk), {"participant": person.pk})
    assert response.status_code == 403
    assert not Proposal.objects.exists()


def test_it_narrows_the_choices_by_name_or_reference(world: World, milan: Employer) -> None:
    offer = _open(milan)
    amal = _person(world.site, family_name="Haddad")
    other = _person(world.site, family_name="Okafor")
    client = client_for(world, "caseworker")
    html = client.get(_url("proposal_create", offer.pk), {"q": "hadd"}).content.decode()
    assert amal.family_name in html
    assert other.family_name not in html
    html = client.get(_url("proposal_create", offer.pk), {"q": other.reference}).content.decode()
    assert other.family_name in html
    assert amal.family_name not in html


def test_it_shows_at_most_fifty_people_and_says_so(world: World, milan: Employer) -> None:
    offer = _open(milan)
    for _ in range(51):
        participant_in(world.site, status="active")
    html = client_for(world, "caseworker").get(_url("proposal_create", offer.pk)).content.decode()
    assert html.count('name="participant"') == 50
    assert "Only the first 50 people are shown" in html


# --- What the employer sees --------------------------------------------------------------------


def test_it_shows_the_employer_the_profile_under_a_code_only(
    world: World, innsbruck: Employer, esco: Path
) -> None:
    person = _with_profile(_person(world.other_site, family_name="Haddad", given_names="Amal"))
    proposal = proposal_for(_open(innsbruck), person, note="Strong kitchen hygiene.")
    response = client_for(world, "employer_contact").get(_url("candidate_detail", proposal.pk))
    assert response.status_code == 200
    html = response.content.decode()
    # The pseudonym, the skills profile and the staff's note …
    for shown in [
        proposal.reference,
        "prepare meals",
        "validated",
        "Arabic",
        "German",
        "B2",
        "B1",
        "Line cook",
        "chef",
        "2 years and 3 months",
        "Upper secondary education",
        "Services",
        "Recognised",
        "Intermediate",
        "Part time",
        "Strong kitchen hygiene.",
    ]:
        assert shown in html, shown
    # … never who the person is, where they come from or their status.
    for hidden in [
        "Haddad",
        "Amal",
        "amal.haddad@example.org",
        "1234567",
        "Syria",
        "Refugee",
        "1990",
        "Female",
        "Grand Hotel Damaskus",
        "Aleppo",
        person.reference,
    ]:
        assert hidden not in html, hidden
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_it_keeps_personal_fields_out_of_the_profile_until_shared(
    world: World, innsbruck: Employer, esco: Path
) -> None:
    person = _with_profile(_person(world.other_site))
    proposal = proposal_for(_open(innsbruck), person)
    profile = candidate_profile(proposal, language="en")
    assert profile.identity is None
    values = repr(dataclasses.asdict(profile))
    for hidden in [person.family_name, person.email, "SY", "refugee", "1990", "Grand Hotel"]:
        assert hidden not in values, hidden
    names = {f.name for f in dataclasses.fields(CandidateProfile)}
    assert not names & {"birth_date", "age", "gender", "nationalities", "residence_status"}
    proposal.identity_shared_at = timezone.now()
    shared = candidate_profile(proposal, language="en")
    assert shared.identity is not None
    assert shared.identity.name == person.full_name
    assert candidate_profile(proposal, language="en", may_see_identity=False).identity is None


def test_it_shows_labels_in_the_readers_language(
    world: World, innsbruck: Employer, esco_it: None
) -> None:
    person = _with_profile(_person(world.other_site))
    proposal = proposal_for(_open(innsbruck), person)
    profile = candidate_profile(proposal, language="it")
    assert [s.label for s in profile.skills] == ["preparare pasti"]
    assert profile.experience[0].occupation == "cuoco/cuoca"
    assert {lang.name for lang in profile.languages} == {"Arabo", "Tedesco"}


def test_it_shows_the_name_once_shared_and_logs_each_view(
    world: World, innsbruck: Employer, esco: Path
) -> None:
    person = _with_profile(_person(world.other_site, family_name="Haddad", given_names="Amal"))
    proposal = proposal_for(_open(innsbruck), person, identity_shared_at=timezone.now())
    client = client_for(world, "employer_contact")
    for _ in range(2):
        html = client.get(_url("candidate_detail", proposal.pk)).content.decode()
        assert "Amal Haddad" in html
        assert "amal.haddad@example.org" in html
        assert "+43 660 1234567" in html
        # Sharing the name shares nothing more.
        assert "Syria" not in html
        assert "Refugee" not in html
    entries = LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS,
        content_type=ContentType.objects.get_for_model(Participant),
        object_pk=str(person.pk),
    )
    assert entries.count() == 2
    entry = entries.first()
    assert entry is not None
    assert entry.actor == world.users["employer_contact"]
    assert entry.additional_data["fields"] == ["email", "name", "phone"]


def test_it_hides_the_candidates_of_other_companies(
    world: World, innsbruck: Employer, milan: Employer
) -> None:
    proposal = proposal_for(_open(innsbruck), _person(world.other_site))
    other_contact = _contact_of(world, world.other_employer, "officine")
    assert other_contact.get(_url("candidate_detail", proposal.pk)).status_code == 404
    assert (
        other_contact.post(
            _url("candidate_decide", proposal.pk), {"decision": "accepted"}
        ).status_code
        == 404
    )
    html = other_contact.get(reverse("employers:candidate_list")).content.decode()
    assert proposal.reference not in html


def test_it_shows_staff_the_name_the_record_and_the_share_button(
    world: World, innsbruck: Employer
) -> None:
    person = _person(world.other_site)
    proposal = proposal_for(_open(innsbruck), person)
    html = (
        client_for(world, "other_partner_user")
        .get(_url("candidate_detail", proposal.pk))
        .content.decode()
    )
    assert person.full_name in html
    assert reverse("participants:participant_detail", kwargs={"pk": person.pk}) in html
    assert "Record that the person agreed to share their name" in html
    # Staff views of people they follow are not the company's: nothing to log.
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_it_shows_evaluators_the_code_never_the_name(world: World, innsbruck: Employer) -> None:
    person = _person(world.other_site, family_name="Haddad")
    proposal = proposal_for(_open(innsbruck), person, identity_shared_at=timezone.now())
    client = client_for(world, "evaluator")
    html = client.get(_url("candidate_detail", proposal.pk)).content.decode()
    assert proposal.reference in html
    assert "Haddad" not in html
    assert person.email not in html
    assert "Record that the person agreed" not in html
    html = client.get(reverse("employers:candidate_list")).content.decode()
    assert proposal.reference in html
    assert "Haddad" not in html
    assert "pseudonymised" in html


# --- The employer's answer ---------------------------------------------------------------------


def _pending(world: World, innsbruck: Employer) -> Proposal:
    return proposal_for(_open(innsbruck), _person(world.other_site))


def test_it_lets_the_company_accept_a_candidate(world: World, innsbruck: Employer) -> None:
    proposal = _pending(world, innsbruck)
    client = client_for(world, "employer_contact")
    assert 'name="decision"' in client.get(_url("candidate_detail", proposal.pk)).content.decode()
    response = client.post(_url("candidate_decide", proposal.pk), {"decision": "accepted"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.decision == Decision.ACCEPTED
    assert proposal.decided_by == world.users["employer_contact"]
    html = client.get(_url("candidate_detail", proposal.pk)).content.decode()
    assert "Accepted" in html
    assert 'name="decision"' not in html


def test_it_needs_a_reason_to_decline_and_keeps_what_was_typed(
    world: World, innsbruck: Employer
) -> None:
    proposal = _pending(world, innsbruck)
    response = client_for(world, "employer_contact").post(
        _url("candidate_decide", proposal.pk), {"decision": "declined", "reason": "   "}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Say why you decline the candidate." in html
    assert re.search(r'<input[^>]*value="declined"[^>]*checked', html)
    proposal.refresh_from_db()
    assert proposal.decision == Decision.PENDING
    assert proposal.decided_at is None


def test_it_records_a_decline_with_its_reason(world: World, innsbruck: Employer) -> None:
    proposal = _pending(world, innsbruck)
    client = client_for(world, "employer_contact")
    response = client.post(
        _url("candidate_decide", proposal.pk),
        {"decision": "declined", "reason": "We need German at B2 in the kitchen."},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.decision == Decision.DECLINED
    assert proposal.reason == "We need German at B2 in the kitchen."
    staff = client_for(world, "other_partner_user").get(_url("candidate_detail", proposal.pk))
    assert "We need German at B2 in the kitchen." in staff.content.decode()


def test_it_refuses_a_second_answer(world: World, innsbruck: Employer) -> None:
    proposal = _pending(world, innsbruck)
    client = client_for(world, "employer_contact")
    client.post(_url("candidate_decide", proposal.pk), {"decision": "accepted"})
    response = client.post(
        _url("candidate_decide", proposal.pk), {"decision": "declined", "reason": "Changed mind"}
    )
    assert response.status_code == 400
    assert "This candidate has already been answered." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.decision == Decision.ACCEPTED
    assert proposal.reason == ""


def test_it_refuses_an_answer_from_staff(world: World, innsbruck: Employer) -> None:
    proposal = _pending(world, innsbruck)
    response = client_for(world, "coordinator").post(
        _url("candidate_decide", proposal.pk), {"decision": "accepted"}
    )
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.decision == Decision.PENDING


# --- Sharing the name --------------------------------------------------------------------------


def test_it_lets_the_person_share_their_name_from_their_own_page(
    world: World, innsbruck: Employer
) -> None:
    person = _person(world.other_site, family_name="Haddad", email="amal@example.org")
    proposal = proposal_for(_open(innsbruck, title="Kitchen help"), person)
    own = _own_account(person)
    html = own.get(reverse("participants:me")).content.decode()
    assert "Employers you have been proposed to" in html
    assert "Alpenblick Test GmbH" in html
    assert "Kitchen help" in html
    assert "Share my name and contact details with Alpenblick Test GmbH" in html
    response = own.post(_url("candidate_share", proposal.pk))
    assert response.status_code == 302
    assert response["Location"] == reverse("participants:me")
    proposal.refresh_from_db()
    assert proposal.identity_shared_at is not None
    html = own.get(reverse("participants:me")).content.decode()
    assert "Share my name and contact details with" not in html
    company = client_for(world, "employer_contact").get(_url("candidate_detail", proposal.pk))
    assert "Haddad" in company.content.decode()


def test_it_shows_the_person_what_the_employer_sees(world: World, innsbruck: Employer) -> None:
    person = _person(world.other_site)
    proposal = proposal_for(_open(innsbruck), person, note="Good with guests.")
    proposal.decide(by=None, decision="declined", reason="Internal remark")
    html = _own_account(person).get(_url("candidate_detail", proposal.pk)).content.decode()
    assert "This is what Alpenblick Test GmbH sees about you." in html
    assert "Good with guests." in html
    assert "Declined" in html
    assert "Internal remark" not in html


def test_it_forbids_the_company_to_share_for_the_candidate(
    world: World, innsbruck: Employer
) -> None:
    proposal = _pending(world, innsbruck)
    response = client_for(world, "employer_contact").post(_url("candidate_share", proposal.pk))
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.identity_shared_at is None


def test_it_lets_staff_record_that_the_person_agreed(world: World, innsbruck: Employer) -> None:
    proposal = _pending(world, innsbruck)
    response = client_for(world, "other_partner_user").post(_url("candidate_share", proposal.pk))
    assert response.status_code == 302
    assert response["Location"] == _url("candidate_detail", proposal.pk)
    proposal.refresh_from_db()
    assert proposal.identity_shared_at is not None


def test_it_hides_other_peoples_proposals_from_a_participant(
    world: World, innsbruck: Employer
) -> None:
    mine = _person(world.other_site, email="me@example.org")
    theirs = proposal_for(_open(innsbruck), _person(world.other_site, email="them@example.org"))
    own = _own_account(mine)
    assert own.get(_url("candidate_detail", theirs.pk)).status_code == 404
    assert own.post(_url("candidate_share", theirs.pk)).status_code == 404
    assert own.get(reverse("employers:candidate_list")).status_code == 403


# --- The list ----------------------------------------------------------------------------------


def test_it_lists_the_companys_candidates_across_its_offers(
    world: World, innsbruck: Employer, milan: Employer
) -> None:
    first = proposal_for(_open(innsbruck, title="Kitchen help"), _person(world.other_site))
    second = proposal_for(_open(innsbruck, title="Housekeeping"), _person(world.other_site))
    elsewhere = proposal_for(_open(milan), _person(world.site))
    html = client_for(world, "employer_contact").get(reverse("employers:candidate_list"))
    text = html.content.decode()
    assert first.reference in text
    assert second.reference in text
    assert elsewhere.reference not in text
    # Newest first.
    assert text.index(second.reference) < text.index(first.reference)
    assert first.participant.family_name not in text


def test_it_lists_for_staff_the_people_they_follow(
    world: World, innsbruck: Employer, milan: Employer
) -> None:
    milanese = _person(world.site)
    tyrolean = _person(world.other_site)
    mine = proposal_for(_open(milan), milanese)
    not_mine = proposal_for(_open(innsbruck), tyrolean)
    html = client_for(world, "caseworker").get(reverse("employers:candidate_list")).content.decode()
    assert mine.reference in html
    assert milanese.family_name in html
    assert not_mine.reference not in html
    html = (
        client_for(world, "coordinator").get(reverse("employers:candidate_list")).content.decode()
    )
    assert mine.reference in html
    assert not_mine.reference in html


def test_it_filters_the_list_by_offer_and_answer(world: World, innsbruck: Employer) -> None:
    kitchen = _open(innsbruck, title="Kitchen help")
    rooms = _open(innsbruck, title="Housekeeping")
    accepted = proposal_for(kitchen, _person(world.other_site))
    accepted.decide(by=None, decision="accepted", reason="")
    waiting = proposal_for(kitchen, _person(world.other_site))
    other = proposal_for(rooms, _person(world.other_site))
    client = client_for(world, "employer_contact")
    url = reverse("employers:candidate_list")
    html = client.get(url, {"offer": kitchen.pk}).content.decode()
    assert accepted.reference in html
    assert waiting.reference in html
    assert other.reference not in html
    html = client.get(url, {"offer": kitchen.pk, "decision": "pending"}).content.decode()
    assert waiting.reference in html
    assert accepted.reference not in html
    html = client.get(url, {"decision": "declined"}).content.decode()
    assert "No candidate matches." in html


def test_it_answers_a_filter_typed_with_htmx_with_the_results_only(
    world: World, innsbruck: Employer
) -> None:
    proposal = proposal_for(_open(innsbruck), _person(world.other_site))
    response = client_for(world, "employer_contact").get(
        reverse("employers:candidate_list"), {"decision": "pending"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert proposal.reference in html
    assert html.lstrip().startswith('<div id="results"')


def test_it_asks_to_choose_someone_when_nobody_was_chosen(world: World, milan: Employer) -> None:
    response = client_for(world, "caseworker").post(_url("proposal_create", _open(milan).pk))
    assert response.status_code == 400
    assert "Choose the person to propose." in response.content.decode()


def test_it_says_so_when_nobody_was_proposed(world: World) -> None:
    html = client_for(world, "employer_contact").get(reverse("employers:candidate_list"))
    assert "No candidate has been proposed yet." in html.content.decode()


def test_it_forbids_the_list_to_stakeholders(world: World) -> None:
    assert (
        client_for(world, "stakeholder").get(reverse("employers:candidate_list")).status_code == 403
    )


def test_it_lists_a_page_in_a_bounded_number_of_queries(
    world: World, innsbruck: Employer, django_assert_max_num_queries: Any
) -> None:
    offer = _open(innsbruck)
    for _ in range(30):
        proposal_for(offer, _person(world.other_site))
    for persona in ("employer_contact", "other_partner_user", "coordinator"):
        client = client_for(world, persona)
        with django_assert_max_num_queries(14):
            response = client.get(reverse("employers:candidate_list"))
        assert response.status_code == 200
        assert "Page 1 of 2" in response.content.decode()


# --- The offer page's section ------------------------------------------------------------------


def _section(user: User, offer: Offer) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string(
        "employers/_offer_candidates.html", offer_candidates_section(request, offer)
    )


def test_it_shows_staff_the_offers_candidates_by_name(world: World, innsbruck: Employer) -> None:
    offer = _open(innsbruck)
    person = _person(world.other_site)
    proposal = proposal_for(offer, person, identity_shared_at=timezone.now())
    html = _section(world.users["other_partner_user"], offer)
    assert proposal.reference in html
    assert person.full_name in html
    assert reverse("participants:participant_detail", kwargs={"pk": person.pk}) in html
    assert _url("proposal_create", offer.pk) in html
    assert "Yes, on" in html


def test_it_shows_the_company_its_candidates_by_code(world: World, innsbruck: Employer) -> None:
    offer = _open(innsbruck)
    person = _person(world.other_site)
    proposal = proposal_for(offer, person, identity_shared_at=timezone.now())
    html = _section(world.users["employer_contact"], offer)
    assert proposal.reference in html
    assert _url("candidate_detail", proposal.pk) in html
    assert person.family_name not in html
    assert _url("proposal_create", offer.pk) not in html


def test_it_shows_the_new_candidate_on_the_offer_page(world: World, milan: Employer) -> None:
    offer = _open(milan)
    person = _person(world.site)
    client = client_for(world, "caseworker")
    response = client.post(
        _url("proposal_create", offer.pk), {"participant": person.pk}, follow=True
    )
    html = response.content.decode()
    assert "The candidate was proposed to Officine Test." in html
    assert Proposal.objects.get().reference in html
    assert person.full_name in html


def test_it_offers_no_proposing_on_a_closed_offer_and_says_none_yet(
    world: World, innsbruck: Employer
) -> None:
    offer = offer_of(innsbruck, status=OfferStatus.CLOSED)
    html = _section(world.users["coordinator"], offer)
    assert "No candidate has been proposed yet." in html
    assert _url("proposal_create", offer.pk) not in html


# --- Durations and languages -------------------------------------------------------------------


def test_it_counts_work_in_whole_months() -> None:
    assert months_between(dt.date(2018, 1, 10), dt.date(2020, 4, 20)) == 27
    assert months_between(dt.date(2018, 1, 10), dt.date(2018, 2, 9)) == 0
    assert duration_text(27) == "2 years and 3 months"
    assert duration_text(12) == "1 year"
    assert duration_text(1) == "1 month"
    assert duration_text(0) == "less than a month"


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_it_renders_the_candidate_pages_in_every_language(
    world: World, innsbruck: Employer, language: str
) -> None:
    offer = _open(innsbruck)
    proposal = proposal_for(offer, _person(world.other_site))
    with translation.override(language):
        pages = [
            ("employer_contact", reverse("employers:candidate_list")),
            ("employer_contact", _url("candidate_detail", proposal.pk)),
            ("other_partner_user", _url("candidate_detail", proposal.pk)),
            ("other_partner_user", _url("proposal_create", offer.pk)),
        ]
    for persona, url in pages:
        response = client_for(world, persona).get(url)
        assert response.status_code == 200, url
        assert f'<html lang="{language}"' in response.content.decode(), url


def test_it_moves_candidacies_when_two_records_of_one_person_merge(world: World) -> None:
    from mile.participants.duplicates import participant_merge

    offer = offer_of(employer_in(world.other_site, world.employer), status=OfferStatus.OPEN)
    other_offer = offer_of(employer_in(world.other_site, world.employer), status=OfferStatus.OPEN)
    survivor = consenting(participant_in(world.other_site))
    duplicate = consenting(participant_in(world.other_site))
    pending = proposal_for(offer, survivor)
    answered = proposal_for(
        offer, duplicate, decision=Decision.ACCEPTED, reason="Trial day went well."
    )
    answered.identity_shared_at = answered.proposed_at
    answered.save()
    moved = proposal_for(other_offer, duplicate)

    participant_merge(by=world.users["coordinator"], survivor=survivor, duplicate=duplicate)

    pending.refresh_from_db()
    moved.refresh_from_db()
    # The same offer twice: one candidacy stays, with the further answer and the shared name.
    assert Proposal.objects.filter(offer=offer).count() == 1
    assert pending.decision == Decision.ACCEPTED
    assert pending.identity_shared_at is not None
    assert moved.participant == survivor
