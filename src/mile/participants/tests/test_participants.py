from __future__ import annotations

import datetime as dt

from auditlog.models import LogEntry
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from mile.conftest import World, client_for
from mile.participants.models import Participant, Status, StatusChange
from mile.participants.tests.factories import participant_in


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
        "notes": "Needs childcare on Tuesdays.",
        **overrides,
    }


def test_it_registers_a_person_at_intake_as_an_applicant(world: World) -> None:
    response = client_for(world, "caseworker").post(
        reverse("participants:participant_create"), _intake(world)
    )
    assert response.status_code == 302
    participant = Participant.objects.get(family_name="Exempla")
    assert participant.status == Status.APPLICANT
    assert participant.created_by == world.users["caseworker"]
    assert participant.status_changes.count() == 1


def test_it_stores_case_notes_encrypted(world: World) -> None:
    client_for(world, "caseworker").post(reverse("participants:participant_create"), _intake(world))
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM participants_participant")
        raw = cursor.fetchone()[0]
    assert "childcare" not in raw
    assert Participant.objects.get().notes == "Needs childcare on Tuesdays."
    entry = LogEntry.objects.get_for_object(Participant.objects.get()).get()
    assert "childcare" not in str(entry.changes)


def test_it_refuses_impossible_dates_and_keeps_the_input(world: World) -> None:
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = client_for(world, "caseworker").post(
        reverse("participants:participant_create"),
        _intake(world, birth_date=future, site=world.other_site.pk, family_name="Typed-Name"),
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "The date of birth cannot be in the future." in content
    assert 'value="Typed-Name"' in content
    assert not Participant.objects.exists()


def test_it_shows_a_case_worker_only_the_participants_of_their_site(world: World) -> None:
    mine = participant_in(world.site, family_name="Milanese")
    theirs = participant_in(world.other_site, family_name="Innsbrucker")
    caseworker = world.users["caseworker"]
    caseworker.memberships.update(site=world.site)
    assert list(Participant.objects.for_user(caseworker)) == [mine]
    client = client_for(world, "caseworker")
    assert (
        client.get(reverse("participants:participant_detail", kwargs={"pk": theirs.pk})).status_code
        == 404
    )
    listing = client.get(reverse("participants:participant_list")).content.decode()
    assert "Milanese" in listing
    assert "Innsbrucker" not in listing


def test_it_pseudonymises_records_for_evaluators(world: World) -> None:
    person = participant_in(world.site, family_name="Secretname", nationalities=["AF"])
    client = client_for(world, "evaluator")
    listing = client.get(reverse("participants:participant_list")).content.decode()
    assert person.reference in listing
    assert "Secretname" not in listing
    detail = client.get(
        reverse("participants:participant_detail", kwargs={"pk": person.pk})
    ).content.decode()
    assert "Secretname" not in detail
    assert "Afghanistan" not in detail
    assert "Refugee" not in detail
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()
    # Searching by name does not reveal who is behind a reference.
    assert (
        "Secretname"
        not in client.get(
            reverse("participants:participant_list"), {"q": "Secret"}
        ).content.decode()
    )
    assert (
        person.reference
        not in client.get(
            reverse("participants:participant_list"), {"q": "Secret"}
        ).content.decode()
    )


def test_it_logs_each_view_of_nationality_and_protection_status(world: World) -> None:
    person = participant_in(world.site, nationalities=["ER"])
    detail = client_for(world, "coordinator").get(
        reverse("participants:participant_detail", kwargs={"pk": person.pk})
    )
    assert "Eritrea" in detail.content.decode()
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert entry.actor == world.users["coordinator"]
    assert entry.additional_data == {
        "programme": world.programme.pk,
        "fields": ["nationalities", "residence_status"],
    }


def test_it_moves_a_participant_along_the_pathway_and_asks_why_they_dropped_out(
    world: World,
) -> None:
    person = participant_in(world.site)
    client = client_for(world, "caseworker")
    url = reverse("participants:participant_status", kwargs={"pk": person.pk})
    client.post(url, {"status": "eligible"})
    person.refresh_from_db()
    assert person.status == Status.ELIGIBLE
    # Skipping steps is refused.
    client.post(url, {"status": "employed"})
    person.refresh_from_db()
    assert person.status == Status.ELIGIBLE
    response = client.post(url, {"status": "dropped_out", "reason": " "}, follow=True)
    assert "Say why the participant dropped out." in response.content.decode()
    client.post(url, {"status": "dropped_out", "reason": "Moved to another country"})
    person.refresh_from_db()
    assert person.status == Status.DROPPED_OUT
    latest = StatusChange.objects.filter(participant=person).first()
    assert latest is not None
    assert latest.reason == "Moved to another country"


def test_it_filters_by_status_and_sensitive_fields_only_for_those_who_see_them(
    world: World,
) -> None:
    participant_in(world.site, family_name="Alpha", nationalities=["SY"])
    participant_in(world.site, family_name="Beta", nationalities=["UA"], status=Status.ELIGIBLE)
    coordinator = client_for(world, "coordinator")
    by_nationality = coordinator.get(
        reverse("participants:participant_list"), {"nationality": "UA"}
    )
    assert [p.family_name for p in by_nationality.context["page"]] == ["Beta"]
    by_status = coordinator.get(reverse("participants:participant_list"), {"status": "eligible"})
    assert [p.family_name for p in by_status.context["page"]] == ["Beta"]
    evaluator = client_for(world, "evaluator").get(
        reverse("participants:participant_list"), {"nationality": "UA"}
    )
    assert "nationality" not in evaluator.context["form"].fields
    assert len(evaluator.context["page"].object_list) == 2


def test_it_lists_participants_in_a_constant_number_of_queries(
    world: World, django_assert_max_num_queries
) -> None:
    client = client_for(world, "coordinator")
    client.get(reverse("participants:participant_list"))
    for _ in range(20):
        participant_in(world.site)
    with django_assert_max_num_queries(12):
        client.get(reverse("participants:participant_list"))


def test_it_serves_participants_over_the_api_in_scope_and_pseudonymised(world: World) -> None:
    person = participant_in(world.site, family_name="Apiperson", nationalities=["SO"])
    coordinator = client_for(world, "coordinator")
    listed = coordinator.get("/api/v1/participants/").json()["results"][0]
    assert listed["family_name"] == "Apiperson"
    assert "nationalities" not in listed
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()
    detail = coordinator.get(f"/api/v1/participants/{person.pk}/").json()
    assert detail["nationalities"] == ["SO"]
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == 1
    evaluator = client_for(world, "evaluator").get(f"/api/v1/participants/{person.pk}/").json()
    assert evaluator["reference"] == person.reference
    assert (
        not {"family_name", "given_names", "birth_date", "nationalities", "residence_status"}
        & evaluator.keys()
    )
    assert (
        client_for(world, "other_partner_user")
        .get(f"/api/v1/participants/{person.pk}/")
        .status_code
        == 404
    )


def test_it_checks_eligibility_with_reasons_and_asks_a_reason_to_override(world: World) -> None:
    minor = participant_in(
        world.site,
        birth_date=timezone.localdate().replace(year=timezone.localdate().year - 16),
        nationalities=["SY", "IT"],
    )
    client = client_for(world, "caseworker")
    detail = client.get(
        reverse("participants:participant_detail", kwargs={"pk": minor.pk})
    ).content.decode()
    assert "16 years old; the programme requires 18 or more." in detail
    assert "Holds the nationality of an EU country (IT)." in detail
    url = reverse("participants:participant_status", kwargs={"pk": minor.pk})
    refused = client.post(url, {"status": "eligible"}, follow=True).content.decode()
    assert "give a reason to override" in refused
    minor.refresh_from_db()
    assert minor.status == Status.APPLICANT
    client.post(
        url, {"status": "eligible", "reason": "Unaccompanied minor, admitted with the youth office"}
    )
    minor.refresh_from_db()
    assert minor.status == Status.ELIGIBLE


def test_it_applies_the_programmes_own_rules(world: World) -> None:
    from mile.participants.eligibility import is_eligible

    person = participant_in(world.site, residence_status="asylum_seeker")
    assert is_eligible(person)
    world.programme.eligibility = {"min_age": 18, "statuses": ["refugee", "subsidiary_protection"]}
    world.programme.save()
    person.refresh_from_db()
    assert not is_eligible(person)


def test_it_builds_the_skills_profile_with_cefr_levels_and_esco_skills(world: World, esco) -> None:
    from mile.esco.tests.esco_files import SKILL

    person = participant_in(world.site)
    client = client_for(world, "caseworker")
    client.post(
        reverse("participants:participant_language_add", kwargs={"pk": person.pk}),
        {"language": "de", "assessment": "tested", "listening": "B1", "reading": "A2"},
    )
    client.post(
        reverse("participants:participant_skill_add", kwargs={"pk": person.pk}),
        {"skill": SKILL + "cook", "evidence": "observed"},
    )
    language = person.language_skills.get()
    assert (language.language, language.listening, language.reading) == ("de", "B1", "A2")
    skill = person.skills.get()
    assert (skill.skill.uri, skill.evidence, skill.recorded_by) == (
        SKILL + "cook",
        "observed",
        world.users["caseworker"],
    )
    page = client.get(
        reverse("participants:participant_detail", kwargs={"pk": person.pk})
    ).content.decode()
    assert "prepare meals" in page


def test_it_refuses_a_profile_entry_twice_or_without_levels_and_keeps_the_input(
    world: World, esco
) -> None:
    from mile.esco.tests.esco_files import SKILL

    person = participant_in(world.site)
    client = client_for(world, "caseworker")
    url = reverse("participants:participant_language_add", kwargs={"pk": person.pk})
    empty = client.post(url, {"language": "fr", "assessment": "self"})
    assert empty.status_code == 400
    assert (
        "Give at least one CEFR level, or mark it as the mother tongue." in empty.content.decode()
    )
    unknown = client.post(url, {"language": "xx", "assessment": "mother_tongue"})
    assert "Unknown language code." in unknown.content.decode()
    client.post(url, {"language": "fr", "assessment": "self", "writing": "A1"})
    again = client.post(url, {"language": "fr", "assessment": "self", "writing": "B2"})
    assert "This language is already in the profile." in again.content.decode()
    assert person.language_skills.get().writing == "A1"
    skill_url = reverse("participants:participant_skill_add", kwargs={"pk": person.pk})
    client.post(skill_url, {"skill": SKILL + "java", "evidence": "declared"})
    twice = client.post(skill_url, {"skill": SKILL + "java", "evidence": "assessed"})
    assert "This skill is already in the profile." in twice.content.decode()
    bogus = client.post(skill_url, {"skill": SKILL + "no-such-skill", "evidence": "declared"})
    assert "Choose one of the suggestions." in bogus.content.decode()
    assert person.skills.count() == 1


def test_it_lets_partner_staff_register_people_only_for_their_own_site(world: World) -> None:
    world.users["caseworker"].memberships.update(site=world.site)
    response = client_for(world, "caseworker").post(
        reverse("participants:participant_create"),
        _intake(world, site=world.other_site.pk, organisation=world.other_partner.pk),
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Participant.objects.exists()


def test_it_names_profile_languages_in_the_readers_language(world: World) -> None:
    person = participant_in(world.site)
    person.language_skills.create(language="ar", assessment="mother_tongue")
    page = client_for(world, "caseworker").get(f"/it/participants/{person.pk}/").content.decode()
    assert "Arabo" in page


def test_it_exports_what_the_reader_may_see_as_csv_and_xlsx(world: World) -> None:
    import io

    from openpyxl import load_workbook

    participant_in(world.site, family_name="Exportée", nationalities=["SY"])
    participant_in(world.site, family_name="Skipped", status=Status.ELIGIBLE)
    coordinator = client_for(world, "coordinator")
    response = coordinator.get(
        reverse("participants:participant_export"), {"format": "csv", "status": "applicant"}
    )
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert "Exportée" in text
    assert "Skipped" not in text
    assert "Syria" not in text  # sensitive fields never leave in a file
    xlsx = coordinator.get(reverse("participants:participant_export"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 3
    evaluator = client_for(world, "evaluator").get(
        reverse("participants:participant_export"), {"format": "csv"}
    )
    pseudonymised = evaluator.content.decode("utf-8-sig")
    assert "Exportée" not in pseudonymised
    assert "P-" in pseudonymised
    german = coordinator.get("/de/participants/export/", {"format": "csv"}).content.decode(
        "utf-8-sig"
    )
    assert german.startswith("Kennung,")
    assert "Nachname" in german
    bad = coordinator.get(reverse("participants:participant_export"), {"format": "pdf"})
    assert bad.status_code == 400
