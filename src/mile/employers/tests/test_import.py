"""Importing employers and offers from CSV and XLSX files: dry run, errors by cell, confirm."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core import signing
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import Workbook

from mile.conftest import World, client_for
from mile.employers.models import (
    Employer,
    EmployerStatus,
    Offer,
    OfferLanguage,
    OfferSkill,
    OfferStatus,
)
from mile.employers.tests.factories import employer_in, offer_of
from mile.employers.views.imports import store_upload, upload_token
from mile.esco.tests.esco_files import OCC, SKILL
from mile.programmes.models import Involvement, Organisation, OrganisationType, Relation
from mile.taxonomy.models import Concept

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_media(settings: Any, tmp_path: Path) -> None:
    """Each test sees only the files it stored."""
    settings.MEDIA_ROOT = tmp_path / "media"


UPLOAD = "employers:import_upload"
EMPLOYER_HEADER = ["name", "country", "city", "site", "status", "mentors", "description"]
OFFER_HEADER = [
    "employer",  # A
    "title",  # B
    "site",  # C
    "essential_skills",  # D
    "optional_skills",  # E
    "languages",  # F
    "starts_on",  # G
    "ends_on",  # H
    "places",  # I
    "paid",  # J
    "status",  # K
]


# --- Files, written the way users' spreadsheets write them -------------------------------------


def write_csv(
    folder: Path,
    rows: Sequence[Sequence[Any]],
    *,
    name: str = "import.csv",
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> Path:
    path = folder / name
    with path.open("w", newline="", encoding=encoding) as out:
        csv.writer(out, delimiter=delimiter).writerows(rows)
    return path


def write_xlsx(folder: Path, rows: Sequence[Sequence[Any]], *, name: str = "import.xlsx") -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Offers"
    for row in rows:
        sheet.append(list(row))
    # A second sheet, made the active one: the first sheet is what counts.
    notes = book.create_sheet("Notes")
    notes.append(["Nothing to import here"])
    book.active = 1
    path = folder / name
    book.save(path)
    return path


def upload(
    client: Client, world: World, path: Path, kind: str = "employers", language: str = "en"
) -> Any:
    with translation.override(language):
        url = reverse(UPLOAD)
    with path.open("rb") as file:
        return client.post(url, {"programme": world.programme.pk, "kind": kind, "file": file})


def confirm(client: Client, response: Any) -> Any:
    token = response.context["token"]
    assert token, "the preview offers no import"
    return client.post(reverse("employers:import_confirm", kwargs={"token": token}))


def errors_of(response: Any) -> list[str]:
    return [str(error) for error in response.context["report"].errors]


def _soon(days: int = 30) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def _counts() -> dict[str, int]:
    return {
        "employers": Employer.objects.count(),
        "organisations": Organisation.objects.count(),
        "involvements": Involvement.objects.count(),
        "offers": Offer.objects.count(),
        "skills": OfferSkill.objects.count(),
        "languages": OfferLanguage.objects.count(),
        "audit": LogEntry.objects.count(),
    }


def _stored() -> list[str]:
    try:
        return default_storage.listdir("imports")[1]
    except FileNotFoundError:
        return []


EMPLOYERS = [
    EMPLOYER_HEADER,
    ["Hotel Alpenrose", "AT", "Innsbruck", "Innsbruck", "engaged", "yes", "40 rooms."],
    ["Trattoria Test", "it", "Milano", "milan", "", "no", ""],
]


# --- Employers ---------------------------------------------------------------------------------


def test_it_imports_employers_from_a_csv_and_finds_nothing_to_change_the_second_time(
    world: World, tmp_path: Path
) -> None:
    client = client_for(world, "coordinator")
    path = write_csv(tmp_path, EMPLOYERS)

    preview = upload(client, world, path)
    assert preview.status_code == 200
    assert preview.context["report"].created == 2
    assert "2 to create, 0 to update, 0 unchanged." in preview.content.decode()
    assert not Organisation.objects.filter(name="Hotel Alpenrose").exists()

    response = confirm(client, preview)
    assert response.status_code == 302
    assert response.url == reverse("employers:employer_list")
    assert "Imported: 2 created, 0 updated." in [str(m) for m in response.wsgi_request._messages]
    alpenrose = Employer.objects.get(organisation__name="Hotel Alpenrose")
    assert alpenrose.programme == world.programme
    assert alpenrose.site == world.other_site
    assert alpenrose.status == EmployerStatus.ENGAGED
    assert alpenrose.mentors is True
    assert alpenrose.organisation.type == OrganisationType.EMPLOYER
    assert alpenrose.organisation.country == "AT"
    trattoria = Employer.objects.get(organisation__name="Trattoria Test")
    assert trattoria.site == world.site
    assert trattoria.status == EmployerStatus.PROSPECT
    assert Involvement.objects.get(
        programme=world.programme, organisation=alpenrose.organisation
    ).relation == (Relation.EMPLOYER)
    # Written through the services: the audit log knows who did it.
    assert LogEntry.objects.get_for_object(alpenrose).get().actor == world.users["coordinator"]

    again = upload(client, world, path)
    report = again.context["report"]
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert "0 to create, 0 to update, 2 unchanged." in again.content.decode()


def _milan(world: World) -> Employer:
    # created_by: full_clean wants it (the field is null=True without blank=True).
    return employer_in(world.site, world.other_employer, created_by=world.users["coordinator"])


def test_it_shows_what_an_update_changes_from_old_to_new(world: World, tmp_path: Path) -> None:
    officine = _milan(world)
    path = write_csv(
        tmp_path,
        [
            ["Name", " COUNTRY ", "site", "status", "mentors", "size_band"],
            ["officine test", "IT", "Milan", "hosting", "yes", "small"],
        ],
    )
    response = upload(client_for(world, "coordinator"), world, path)
    planned = response.context["report"].lines[0]
    assert planned.action == "update"
    changes = {c.name: (c.old, c.new) for c in planned.changes}
    assert changes["status"] == ("Prospect", "Hosting placements")
    assert changes["mentors"] == ("no", "yes")
    assert changes["size_band"] == ("—", "Small (10–49 people)")
    assert "site" not in changes
    page = response.content.decode()
    assert "Prospect → Hosting placements" in page
    officine.refresh_from_db()
    assert officine.status == EmployerStatus.PROSPECT

    confirm(client_for(world, "coordinator"), response)
    officine.refresh_from_db()
    assert officine.status == EmployerStatus.HOSTING
    assert officine.organisation.size_band == "small"


def test_it_adds_a_known_organisation_to_the_programme_without_a_second_one(
    world: World, tmp_path: Path
) -> None:
    # The employer contact's company is known but not yet an employer of the programme.
    path = write_csv(
        tmp_path,
        [["name", "country", "site", "city"], ["Alpenblick Test GmbH", "AT", "Innsbruck", "Hall"]],
    )
    client = client_for(world, "coordinator")
    preview = upload(client, world, path)
    assert preview.context["report"].lines[0].note
    confirm(client, preview)
    assert Organisation.objects.filter(name="Alpenblick Test GmbH").count() == 1
    employer = Employer.objects.get(organisation=world.employer)
    assert employer.site == world.other_site
    # Shared with other programmes: the recorded city stays.
    assert employer.organisation.city == "Innsbruck"


def test_the_dry_run_changes_nothing(world: World, tmp_path: Path, esco: Path) -> None:
    employer_in(world.site, world.other_employer)
    client = client_for(world, "coordinator")
    before = _counts()
    upload(client, world, write_csv(tmp_path, EMPLOYERS))
    offers = [
        OFFER_HEADER,
        ["Officine Test", "Welder", "Milan", SKILL + "cook", "", "it:A2", _soon(), "", "1", "", ""],
    ]
    response = upload(client, world, write_xlsx(tmp_path, offers), kind="offers")
    assert response.context["report"].created == 1
    assert _counts() == before


# --- Offers ------------------------------------------------------------------------------------


def test_it_imports_offers_with_skills_and_languages_from_an_xlsx(
    world: World, tmp_path: Path, esco: Path
) -> None:
    employer_in(world.site, world.other_employer)
    start = timezone.localdate() + dt.timedelta(days=20)
    rows = [
        OFFER_HEADER,
        [
            "Officine Test",
            "Kitchen assistant",
            "Milan",
            f"{SKILL}cook\n{SKILL}team",
            SKILL + "drive",
            "it:B1; en:A2",
            start,  # a real date cell
            dt.datetime.combine(start + dt.timedelta(days=90), dt.time()),
            2,
            True,
            "open",
        ],
        ["Officine Test", "Welder", "Milan", "", "", "", "", "", "", "no", ""],
    ]
    client = client_for(world, "coordinator")
    preview = upload(client, world, write_xlsx(tmp_path, rows), kind="offers")
    assert preview.status_code == 200, errors_of(preview)
    response = confirm(client, preview)
    assert response.url == reverse("employers:offer_list")

    offer = Offer.objects.get(title="Kitchen assistant")
    assert offer.status == OfferStatus.OPEN
    assert offer.starts_on == start
    assert offer.ends_on == start + dt.timedelta(days=90)
    assert offer.places == 2
    assert offer.paid is True
    assert offer.site == world.site
    skills = {s.skill.uri: (s.essential, s.origin) for s in offer.skills.select_related("skill")}
    assert skills == {
        SKILL + "cook": (True, OfferSkill.Origin.IMPORT),
        SKILL + "team": (True, OfferSkill.Origin.IMPORT),
        SKILL + "drive": (False, OfferSkill.Origin.IMPORT),
    }
    assert dict(offer.languages.values_list("language", "min_level")) == {"it": "B1", "en": "A2"}
    welder = Offer.objects.get(title="Welder")
    assert welder.status == OfferStatus.DRAFT
    assert welder.places == 1


def test_it_updates_an_offer_and_replaces_its_skills_and_languages(
    world: World, tmp_path: Path, esco: Path
) -> None:
    offer = offer_of(
        _milan(world), title="Kitchen assistant", places=2, created_by=world.users["coordinator"]
    )
    OfferSkill.objects.create(offer=offer, skill=Concept.objects.get(uri=SKILL + "java"))
    offer.languages.create(language="de", min_level="B2")
    rows = [
        ["employer", "title", "site", "essential_skills", "languages", "places"],
        ["Officine Test", "kitchen assistant", "Milan", SKILL + "cook", "it:A2", "3"],
    ]
    client = client_for(world, "coordinator")
    preview = upload(client, world, write_csv(tmp_path, rows), kind="offers")
    planned = preview.context["report"].lines[0]
    assert planned.action == "update"
    changes = {c.name: (c.old, c.new) for c in planned.changes}
    assert changes["places"] == ("2", "3")
    assert changes["essential_skills"] == ("Java", "prepare meals")
    assert changes["languages"] == ("de:B2", "it:A2")
    confirm(client, preview)
    offer.refresh_from_db()
    assert offer.places == 3
    assert list(offer.skills.values_list("skill__uri", flat=True)) == [SKILL + "cook"]
    assert list(offer.languages.values_list("language", "min_level")) == [("it", "A2")]
    assert Offer.objects.count() == 1


# --- Errors: by line and column, and nothing saved ---------------------------------------------


def _offer_row(**cells: Any) -> list[Any]:
    row = {
        "employer": "Officine Test",
        "title": "Kitchen assistant",
        "site": "Milan",
        "essential_skills": SKILL + "cook",
        "optional_skills": "",
        "languages": "it:A2",
        "starts_on": _soon(),
        "ends_on": _soon(90),
        "places": "1",
        "paid": "yes",
        "status": "open",
    }
    row.update(cells)
    return [row[name] for name in OFFER_HEADER]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            _offer_row(ends_on="2020-01-01", starts_on="2020-02-01", status="draft"),
            "Line 3, column H (ends_on): The end cannot be before the start.",
        ),
        (
            _offer_row(places="0"),
            "Line 3, column I (places): Ensure this value is greater than or equal to 1.",
        ),
        (
            _offer_row(starts_on="01/09/2026"),
            "Line 3, column G (starts_on): Enter a valid date.",
        ),
        (
            _offer_row(essential_skills=f"{SKILL}cook; {SKILL}nonexistent"),
            f"Line 3, column D (essential_skills): Unknown ESCO concept: {SKILL}nonexistent.",
        ),
        (
            _offer_row(optional_skills=OCC + "chef"),
            f"Line 3, column E (optional_skills): {OCC}chef is not an ESCO skill.",
        ),
        (
            _offer_row(languages="it:A2; de:B3"),
            "Line 3, column F (languages): “B3” is not a CEFR level (A1, A2, B1, B2, C1 or C2).",
        ),
        (_offer_row(site="Vienna"), "Line 3, column C (site): Unknown site: Vienna."),
        (
            _offer_row(employer="Nobody Ltd"),
            "Line 3, column A (employer): Unknown employer: Nobody Ltd. "
            "Import or add the employer first.",
        ),
        (_offer_row(paid="maybe"), "Line 3, column J (paid): Enter yes or no."),
        (_offer_row(title=""), "Line 3, column B (title): This field is required."),
        (
            _offer_row(essential_skills=""),
            "Line 3, column D (essential_skills): "
            "Add at least one essential skill before publishing.",
        ),
        (
            _offer_row(title="Cook"),
            "Line 3, column B (title): The same offer is already on line 2.",
        ),
    ],
)
def test_it_names_the_line_and_column_of_each_error_and_saves_nothing(
    world: World, tmp_path: Path, esco: Path, row: list[Any], expected: str
) -> None:
    employer_in(world.site, world.other_employer)
    rows = [OFFER_HEADER, _offer_row(title="Cook"), row]
    before = _counts()
    response = upload(client_for(world, "coordinator"), world, write_csv(tmp_path, rows), "offers")
    assert response.status_code == 400
    assert errors_of(response) == [expected]
    assert response.context["report"].errors[0].message in response.content.decode()
    assert response.context["token"] is None
    assert _counts() == before
    assert _stored() == []


def test_it_saves_nothing_when_only_the_last_line_is_wrong(world: World, tmp_path: Path) -> None:
    rows = [
        EMPLOYER_HEADER,
        *[[f"Company {n}", "IT", "Milan", "Milan", "", "yes", ""] for n in range(3)],
        ["Company 3", "IT", "Milan", "Milan", "", "sometimes", ""],
    ]
    before = _counts()
    response = upload(client_for(world, "coordinator"), world, write_csv(tmp_path, rows))
    assert errors_of(response) == ["Line 5, column F (mentors): Enter yes or no."]
    assert _counts() == before


def test_it_collects_every_error_of_the_file(world: World, tmp_path: Path) -> None:
    rows = [
        EMPLOYER_HEADER,
        ["", "XX", "", "Rome", "", "", ""],
        ["Hotel Alpenrose", "AT", "", "Innsbruck", "closed", "", ""],
        ["hotel alpenrose", "AT", "", "Innsbruck", "", "", ""],
    ]
    response = upload(client_for(world, "coordinator"), world, write_csv(tmp_path, rows))
    assert errors_of(response) == [
        "Line 2, column A (name): This field is required.",
        "Line 2, column B (country): Enter a country as a code of two letters (ISO 3166), "
        "for example AT or IT.",
        "Line 2, column D (site): Unknown site: Rome.",
        "Line 3, column E (status): “closed” is not one of: prospect, engaged, hosting, inactive.",
        "Line 4, column A (name): The same employer is already on line 3.",
    ]


def test_it_refuses_a_file_without_a_required_column_or_with_an_unknown_one(
    world: World, tmp_path: Path
) -> None:
    path = write_csv(tmp_path, [["name", "country", "webseite"], ["A", "AT", ""]])
    response = upload(client_for(world, "coordinator"), world, path)
    assert response.status_code == 400
    errors = errors_of(response)
    assert errors[0].startswith("Line 1, column C (webseite): Unknown column.")
    assert errors[1] == "Line 1 (site): The column is missing."


def test_it_refuses_an_organisation_of_another_type(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path, [["name", "country", "site"], ["Ponte Test", "IT", "Milan"]])
    response = upload(client_for(world, "coordinator"), world, path)
    assert errors_of(response) == [
        "Line 2, column A (name): An organisation of this name and country is recorded as: "
        "Programme partner."
    ]


def test_it_reads_a_semicolon_csv_with_a_byte_order_mark(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path, EMPLOYERS, delimiter=";", encoding="utf-8-sig")
    response = upload(client_for(world, "coordinator"), world, path)
    assert response.status_code == 200, errors_of(response)
    assert response.context["report"].created == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "latin1.csv",
            "name,country,site\nCafé Größe,AT,Innsbruck\n".encode("latin-1"),
            "The CSV file is not in UTF-8.",
        ),
        (
            "picture.xlsx",
            b"\x89PNG\r\n\x1a\n" + bytes(200),
            "The file is not a valid XLSX workbook.",
        ),
        ("broken.xlsx", b"PK\x03\x04 not really a zip", "The file is not a valid XLSX workbook."),
        ("cv.pdf", b"%PDF-1.4\n", "Upload a CSV or XLSX file."),
        ("binary.csv", bytes(range(256)), "The file is not a CSV file."),
        ("empty.csv", b"", "The submitted file is empty."),
    ],
)
def test_it_refuses_a_file_it_cannot_read_with_a_clear_message(
    world: World, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    response = upload(client_for(world, "coordinator"), world, path)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _stored() == []


# --- Confirming --------------------------------------------------------------------------------


def test_confirming_deletes_the_stored_file_and_a_second_confirmation_finds_nothing(
    world: World, tmp_path: Path
) -> None:
    client = client_for(world, "coordinator")
    preview = upload(client, world, write_csv(tmp_path, EMPLOYERS))
    assert len(_stored()) == 1
    assert confirm(client, preview).status_code == 302
    assert _stored() == []
    assert confirm(client, preview).status_code == 404
    assert Employer.objects.count() == 2


def test_confirming_checks_the_file_again(world: World, tmp_path: Path) -> None:
    client = client_for(world, "coordinator")
    preview = upload(client, world, write_csv(tmp_path, EMPLOYERS))
    # In between, someone records the company as a partner.
    Organisation.objects.create(name="Hotel Alpenrose", country="AT", type=OrganisationType.NGO)
    response = confirm(client, preview)
    assert response.status_code == 400
    assert errors_of(response) == [
        "Line 2, column A (name): An organisation of this name and country is recorded as: NGO."
    ]
    assert not Employer.objects.filter(organisation__name="Trattoria Test").exists()
    assert _stored() == []


def _token(world: World, persona: str = "coordinator") -> str:
    path = store_upload(b"name,country,site\nMatrix GmbH,AT,Innsbruck\n", "csv")
    return upload_token(
        path=path, programme=world.programme, kind="employers", user=world.users[persona]
    )


def test_it_answers_404_to_a_tampered_token(world: World) -> None:
    token = _token(world)
    payload = signing.loads(token, salt="mile.employers.import")
    forged = signing.dumps({**payload, "programme": world.other_programme.pk}, salt="other")
    for bad in (token[:-3] + "xyz", forged):
        url = reverse("employers:import_confirm", kwargs={"token": bad})
        assert client_for(world, "coordinator").post(url).status_code == 404
    assert not Employer.objects.filter(organisation__name="Matrix GmbH").exists()


def test_it_answers_404_to_another_users_token(world: World) -> None:
    url = reverse("employers:import_confirm", kwargs={"token": _token(world, "caseworker")})
    assert client_for(world, "coordinator").post(url).status_code == 404
    assert client_for(world, "coordinator").get(url).status_code == 405
    assert client_for(world, "caseworker").post(url).status_code == 400  # Innsbruck: not theirs


def test_it_answers_404_to_an_expired_token(world: World) -> None:
    token = _token(world)
    url = reverse("employers:import_confirm", kwargs={"token": token})
    later = timezone.now() + dt.timedelta(hours=2)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("time.time", lambda: later.timestamp())
        assert client_for(world, "coordinator").post(url).status_code == 404


# --- Who may import ----------------------------------------------------------------------------


def test_a_case_worker_cannot_import_into_another_partners_site(
    world: World, tmp_path: Path
) -> None:
    client = client_for(world, "caseworker")
    response = upload(client, world, write_csv(tmp_path, EMPLOYERS))
    assert errors_of(response) == ["Line 2, column D (site): Unknown site: Innsbruck."]
    milan_only = write_csv(tmp_path, [EMPLOYERS[0], EMPLOYERS[2]], name="milan.csv")
    response = upload(client, world, milan_only)
    assert response.status_code == 200
    confirm(client, response)
    assert Employer.objects.filter(organisation__name="Trattoria Test").exists()


def test_a_case_worker_cannot_change_an_employer_of_another_site(
    world: World, tmp_path: Path
) -> None:
    innsbruck = employer_in(world.other_site, world.employer, created_by=world.users["admin"])
    path = write_csv(
        tmp_path, [["name", "country", "site"], ["Alpenblick Test GmbH", "AT", "Milan"]]
    )
    response = upload(client_for(world, "caseworker"), world, path)
    assert errors_of(response) == [
        "Line 2, column A (name): This employer is followed by a site you do not work for."
    ]
    innsbruck.refresh_from_db()
    assert innsbruck.site == world.other_site


@pytest.mark.parametrize("persona", ["employer_contact", "evaluator", "stakeholder"])
def test_it_refuses_those_who_do_not_manage_employers(
    world: World, tmp_path: Path, persona: str
) -> None:
    client = client_for(world, persona)
    assert client.get(reverse(UPLOAD)).status_code == 403
    assert client.get(reverse(UPLOAD), {"template": "offers"}).status_code == 403
    assert upload(client, world, write_csv(tmp_path, EMPLOYERS)).status_code == 403
    assert Employer.objects.count() == 0


def test_the_upload_page_describes_the_columns_and_offers_empty_files(world: World) -> None:
    client = client_for(world, "caseworker")
    page = client.get(reverse(UPLOAD))
    assert page.status_code == 200
    assert "essential_skills" in page.content.decode()
    assert list(page.context["form"].fields["programme"].queryset) == [world.programme]
    response = client.get(reverse(UPLOAD), {"template": "offers"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(",")[:3] == ["employer", "title", "kind"]
    assert len(lines) == 2
    assert client.get(reverse(UPLOAD), {"template": "other"}).status_code == 404


def test_it_writes_errors_in_the_users_language(world: World, tmp_path: Path) -> None:
    employer_in(world.site, world.other_employer)
    rows = [OFFER_HEADER, _offer_row(starts_on="1.9.2026", site="Wien", status="draft")]
    response = upload(
        client_for(world, "coordinator"),
        world,
        write_csv(tmp_path, rows),
        kind="offers",
        language="de",
    )
    page = response.content.decode()
    with translation.override("de"):
        invalid_date = gettext("Enter a valid date.")
        unknown_site = gettext("Unknown site: %(city)s.") % {"city": "Wien"}
        line = gettext("Line %(line)s, column %(column)s (%(name)s): %(message)s") % {
            "line": 2,
            "column": "C",
            "name": "site",
            "message": unknown_site,
        }
        described = errors_of(response)
    assert invalid_date != "Enter a valid date."  # Django's own German
    assert invalid_date in page
    assert unknown_site in page
    assert line in described


def test_it_counts_lines_as_the_spreadsheet_shows_them(world: World, tmp_path: Path) -> None:
    rows = [
        ["name", "country", "site", "", "mentors"],
        ["Company 1", "IT", "Milan", "", "1"],
        [None, None, None, None, None],  # a blank row is skipped, not renumbered
        ["Company 2", "IT", "Milan", "", "perhaps", "stray"],
    ]
    response = upload(client_for(world, "coordinator"), world, write_xlsx(tmp_path, rows))
    assert errors_of(response) == [
        "Line 4, column E (mentors): Enter yes or no.",
        "Line 4, column F: This cell is in a column without a name in line 1.",
    ]


def test_it_refuses_a_column_given_twice(world: World, tmp_path: Path) -> None:
    path = write_csv(tmp_path, [["name", "country", "site", "Site"], ["A", "AT", "Milan", "Milan"]])
    response = upload(client_for(world, "coordinator"), world, path)
    assert errors_of(response) == ["Line 1, column D (site): The column is there twice."]


def test_it_does_not_take_an_open_offer_back_to_draft(
    world: World, tmp_path: Path, esco: Path
) -> None:
    offer = offer_of(_milan(world), title="Cook", created_by=world.users["coordinator"])
    OfferSkill.objects.create(offer=offer, skill=Concept.objects.get(uri=SKILL + "cook"))
    offer.move_to(OfferStatus.OPEN)
    rows = [["employer", "title", "site", "status"], ["Officine Test", "Cook", "Milan", "draft"]]
    response = upload(client_for(world, "coordinator"), world, write_csv(tmp_path, rows), "offers")
    assert errors_of(response) == [
        "Line 2, column D (status): An offer cannot go from Open to Draft."
    ]
    offer.refresh_from_db()
    assert offer.status == OfferStatus.OPEN


def test_it_refuses_files_beyond_the_limits(world: World, tmp_path: Path) -> None:
    client = client_for(world, "coordinator")
    rows = [["name", "country", "site"], *([f"Company {n}", "IT", "Milan"] for n in range(2001))]
    response = upload(client, world, write_csv(tmp_path, rows, name="long.csv"))
    assert response.status_code == 400
    assert "The file has more than 2,000 lines of data" in response.content.decode()
    big = tmp_path / "big.csv"
    big.write_bytes(b"name,country,site\n" + b"x" * (5 * 1024 * 1024))
    response = upload(client, world, big)
    assert response.status_code == 400
    assert "The file is larger than 5 MB." in response.content.decode()
    assert Employer.objects.count() == 0
