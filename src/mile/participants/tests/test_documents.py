from __future__ import annotations

from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mile.conftest import World, client_for
from mile.participants.documents import (
    MAX_DOCUMENT_SIZE,
    document_bytes,
    document_delete,
    document_store,
)
from mile.participants.models import Document, ParticipantSkill
from mile.participants.tests.factories import participant_in
from mile.participants.tests.sample_files import make_docx, make_odt, make_pdf

CV_LINES = ["Samira Exempla", "Prepared meals for guests in a hotel kitchen.", "Java programming"]


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    media: Path = tmp_path / "media"
    settings.MEDIA_ROOT = media
    return media


def _stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def _upload(world: World, person, name: str, data: bytes, persona: str = "caseworker"):
    return client_for(world, persona).post(
        reverse("participants:participant_document_add", kwargs={"pk": person.pk}),
        {"kind": "cv", "file": SimpleUploadedFile(name, data), "description": "CV 2024"},
    )


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("cv.pdf", make_pdf(CV_LINES), "application/pdf"),
        (
            "cv.docx",
            make_docx(CV_LINES),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("cv.odt", make_odt(CV_LINES), "application/vnd.oasis.opendocument.text"),
    ],
    # Named by the file: DOCX and ODT bytes carry the time they were made, and the two test
    # workers must collect the same test names.
    ids=["pdf", "docx", "odt"],
)
def test_it_accepts_a_cv_as_pdf_docx_or_odt_and_reads_its_text(
    world: World, media: Path, name: str, data: bytes, content_type: str
) -> None:
    person = participant_in(world.site)
    response = _upload(world, person, name, data)
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.content_type == content_type
    assert document.original_name == name
    assert document.size == len(data)
    assert "Prepared meals for guests" in (document.text or "")
    # The name on disk is random: nothing of the person or of the original name.
    stored = _stored_files(media)
    assert len(stored) == 1
    assert "cv" not in stored[0].name
    assert "Exempla" not in str(stored[0])


def test_it_stores_the_bytes_encrypted_and_gives_them_back_on_download(
    world: World, media: Path
) -> None:
    person = participant_in(world.site)
    data = make_pdf(CV_LINES)
    _upload(world, person, "Lebenslauf (Samira).pdf", data)
    (stored,) = _stored_files(media)
    on_disk = stored.read_bytes()
    assert on_disk != data
    assert b"%PDF" not in on_disk
    assert b"Prepared meals" not in on_disk
    document = Document.objects.get()
    assert document_bytes(document) == data
    response = client_for(world, "caseworker").get(
        reverse("participants:participant_document", kwargs={"pk": person.pk, "doc": document.pk})
    )
    assert response.status_code == 200
    assert response.content == data
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Lebenslauf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    # The download is on the audit record, with who downloaded it.
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert entry.actor == world.users["caseworker"]
    assert entry.additional_data["programme"] == world.programme.pk


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("cv.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "a program, not a document"),
        ("cv.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "a program, not a document"),
        ("cv.pdf", b"Hello, I am plain text pretending to be a PDF.", "not accepted"),
        ("cv.pdf", make_pdf(CV_LINES)[:300], "incomplete or damaged"),
        ("cv.docx", make_docx(CV_LINES)[:2000], "damaged"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "not accepted"),
        ("cv.pdf", b"", "empty"),
    ],
    ids=["exe", "elf", "text", "truncated-pdf", "truncated-docx", "png", "empty"],
)
def test_it_refuses_a_bad_file_with_a_reason_and_stores_nothing(
    world: World, media: Path, name: str, data: bytes, reason: str
) -> None:
    person = participant_in(world.site)
    response = _upload(world, person, name, data)
    assert response.status_code == 400
    assert reason in response.content.decode()
    # The form is shown again, open, with what was typed.
    assert 'value="CV 2024"' in response.content.decode()
    assert not Document.objects.exists()
    assert _stored_files(media) == []


def test_it_refuses_a_file_over_10_mb_by_one_byte(world: World, media: Path) -> None:
    person = participant_in(world.site)
    data = make_pdf(CV_LINES)
    too_big = data + b"%" * (MAX_DOCUMENT_SIZE + 1 - len(data))
    assert len(too_big) == MAX_DOCUMENT_SIZE + 1
    response = _upload(world, person, "cv.pdf", too_big)
    assert response.status_code == 400
    assert "larger than 10 MB" in response.content.decode()
    assert not Document.objects.exists()
    assert _stored_files(media) == []


def test_it_hides_documents_from_other_partners_and_evaluators(world: World, media: Path) -> None:
    person = participant_in(world.site)
    _upload(world, person, "cv.pdf", make_pdf(CV_LINES))
    document = Document.objects.get()
    url = reverse("participants:participant_document", kwargs={"pk": person.pk, "doc": document.pk})
    assert client_for(world, "other_partner_user").get(url).status_code == 404
    assert client_for(world, "evaluator").get(url).status_code == 404
    assert client_for(world, "employer_contact").get(url).status_code == 404
    detail = client_for(world, "evaluator").get(
        reverse("participants:participant_detail", kwargs={"pk": person.pk})
    )
    assert "cv.pdf" not in detail.content.decode()
    # A document id under another participant's address is not found either.
    other = participant_in(world.site)
    assert (
        client_for(world, "caseworker")
        .get(
            reverse(
                "participants:participant_document",
                kwargs={"pk": other.pk, "doc": document.pk},
            )
        )
        .status_code
        == 404
    )


def test_it_suggests_skills_from_a_cv_and_adds_the_ticked_ones(
    world: World, media: Path, esco
) -> None:
    from mile.esco.tests.esco_files import SKILL

    person = participant_in(world.site)
    response = _upload(world, person, "cv.pdf", make_pdf(CV_LINES))
    document = Document.objects.get()
    url = reverse(
        "participants:participant_document_skills", kwargs={"pk": person.pk, "doc": document.pk}
    )
    assert response["Location"] == url
    client = client_for(world, "caseworker")
    page = client.get(url).content.decode()
    assert "prepare meals" in page
    assert "Java" in page
    assert client.post(url, {}).status_code == 400
    client.post(url, {"skills": [SKILL + "cook"]})
    skill = ParticipantSkill.objects.get(participant=person)
    assert skill.skill.uri == SKILL + "cook"
    assert skill.origin == ParticipantSkill.Origin.CV
    assert skill.evidence == ParticipantSkill.Evidence.DECLARED
    # What is in the profile is not suggested again.
    assert "prepare meals" not in client.get(url).content.decode()


def test_it_deletes_the_record_and_the_file(
    world: World, media: Path, django_capture_on_commit_callbacks
) -> None:
    person = participant_in(world.site)
    _upload(world, person, "cv.pdf", make_pdf(CV_LINES))
    document = Document.objects.get()
    url = reverse(
        "participants:participant_document_delete",
        kwargs={"pk": person.pk, "doc": document.pk},
    )
    assert client_for(world, "evaluator").post(url).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(world, "caseworker").post(url).status_code == 302
    assert not Document.objects.exists()
    assert _stored_files(media) == []


def test_it_lets_a_participant_store_their_own_cv_and_nothing_else(
    world: World, media: Path, django_capture_on_commit_callbacks
) -> None:
    from mile.core.tests.factories import UserFactory

    own = UserFactory(email="self@example.org")
    person = participant_in(world.site, user=own)
    stranger = participant_in(world.site)
    upload = SimpleUploadedFile("cv.odt", make_odt(CV_LINES))
    document = document_store(by=own, participant=person, upload=upload, kind="cv")
    assert document.uploaded_by_id == own.pk
    with pytest.raises(PermissionDenied):
        document_store(by=own, participant=stranger, upload=upload, kind="cv")
    with pytest.raises(PermissionDenied):
        document_store(by=own, participant=person, upload=upload, kind="other")
    with pytest.raises(ValidationError) as refused:
        document_store(by=own, participant=person, upload=upload, kind="passport")
    assert "kind" in refused.value.message_dict
    with django_capture_on_commit_callbacks(execute=True):
        document_delete(by=own, document=document)
    assert _stored_files(media) == []


def test_it_takes_photos_only_as_evidence(world: World, media: Path) -> None:
    person = participant_in(world.site)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    upload = SimpleUploadedFile("certificate.png", png)
    document = document_store(
        by=world.users["caseworker"], participant=person, upload=upload, kind="evidence"
    )
    assert document.content_type == "image/png"
    assert document.text == "" or document.text is None
