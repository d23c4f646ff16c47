"""Participants' documents: CVs and evidence, checked by content and encrypted at rest.

``document_store`` refuses a file before anything is written: too large, of a type we do not
take (decided by its bytes, never by its name), or unreadable. What it keeps goes under
MEDIA_ROOT as Fernet tokens, with a random name that says nothing about the person; the text
read from it goes into ``Document.text`` (an encrypted field) for suggesting skills. Files are
served only through a permission-checked view (``views.profile.participant_document``).
See docs/decisions/0010-documents-encrypted-at-rest.md.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import secrets
import zipfile
from pathlib import PurePath
from typing import Any

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from mile.core import permissions
from mile.core.roles import Cap
from mile.participants.models import Document, DocumentKind, Participant, SkillValidation

MAX_DOCUMENT_SIZE = 10 * 1024 * 1024
# Text kept for suggesting skills: a CV is a few pages; more is noise or an attack.
MAX_TEXT_CHARS = 200_000
# A DOCX or ODT is a ZIP: refuse one that would unpack to more than this (a "zip bomb").
MAX_UNPACKED_SIZE = 100 * 1024 * 1024

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
PNG = "image/png"
JPEG = "image/jpeg"
TEXT_TYPES = (PDF, DOCX, ODT)
# Evidence for validation may also be a photo of a certificate or of work done.
ACCEPTED: dict[str, tuple[str, ...]] = {
    DocumentKind.CV: TEXT_TYPES,
    DocumentKind.OTHER: TEXT_TYPES,
    DocumentKind.EVIDENCE: (*TEXT_TYPES, PNG, JPEG),
}
EXTENSIONS = {PDF: "pdf", DOCX: "docx", ODT: "odt", PNG: "png", JPEG: "jpg"}
# The first bytes of programs: named cv.pdf or not, they are refused with a plain reason.
_PROGRAMS = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa", b"#!")


@functools.cache
def _cipher(secret_key: str, fallbacks: tuple[str, ...], salts: tuple[str, ...]) -> MultiFernet:
    keys = []
    for secret in (secret_key, *fallbacks):
        for salt in salts:
            kdf = PBKDF2HMAC(
                algorithm=hashes.SHA256(), length=32, salt=salt.encode(), iterations=100_000
            )
            keys.append(Fernet(base64.urlsafe_b64encode(kdf.derive(secret.encode()))))
    return MultiFernet(keys)


def document_cipher() -> MultiFernet:
    """The keys of the encrypted fields (django-fernet-encrypted-fields derives them so).

    The first key encrypts; all of them decrypt, so old SECRET_KEYs listed in
    SECRET_KEY_FALLBACKS (or old salts in a SALT_KEY list) still open older files.
    """
    salts = settings.SALT_KEY if isinstance(settings.SALT_KEY, list) else [settings.SALT_KEY]
    fallbacks = tuple(getattr(settings, "SECRET_KEY_FALLBACKS", ()))
    return _cipher(settings.SECRET_KEY, fallbacks, tuple(salts))


def _refuse(message: str) -> ValidationError:
    return ValidationError({"file": [message]})


def _accepted_names(kind: str) -> str:
    names = {PDF: "PDF", DOCX: "DOCX", ODT: "ODT", PNG: "PNG", JPEG: "JPEG"}
    return ", ".join(names[t] for t in ACCEPTED[kind])


def detect_type(data: bytes) -> str | None:
    """The content type the bytes really are (of those we take), whatever the file's name."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                # ODF puts its type, uncompressed, in a first entry called "mimetype".
                if "mimetype" in names and archive.read("mimetype").strip() == ODT.encode():
                    return ODT
                if "[Content_Types].xml" in names and "word/document.xml" in names:
                    return DOCX
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
    return None


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    # A file cut short has lost its end marker; pypdf would otherwise patch it up silently.
    if b"%%EOF" not in data[-2048:]:
        raise _refuse(_("The PDF is incomplete or damaged. Save it again and upload it."))
    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        if reader.is_encrypted and not reader.decrypt(""):
            raise _refuse(_("The PDF is locked with a password. Upload it without the password."))
        pages = [page.extract_text() or "" for page in reader.pages]
    except ValidationError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError):
        raise _refuse(_("The PDF is incomplete or damaged. Save it again and upload it.")) from None
    return "\n".join(pages)


def _check_unpacked_size(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_SIZE:
            raise _refuse(_("The document is too large once unpacked."))


def _docx_text(data: bytes) -> str:
    import docx

    _check_unpacked_size(data)
    try:
        document = docx.Document(io.BytesIO(data))
        lines = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                lines.append(" | ".join(cell.text for cell in row.cells))
    except Exception:  # python-docx raises whatever lxml or zipfile raise on a broken file.
        raise _refuse(
            _("The DOCX file is damaged and cannot be read. Save it again and upload it.")
        ) from None
    return "\n".join(lines)


def _odt_text(data: bytes) -> str:
    from odf import teletype
    from odf.namespaces import TEXTNS
    from odf.opendocument import load

    _check_unpacked_size(data)
    blocks = {(TEXTNS, "p"), (TEXTNS, "h")}
    lines: list[str] = []

    def walk(node: Any) -> None:
        # Headings and paragraphs in the order they are written, tables and lists included.
        for child in node.childNodes:
            if getattr(child, "qname", None) in blocks:
                lines.append(teletype.extractText(child))
            else:
                walk(child)

    try:
        walk(load(io.BytesIO(data)).text)
    except Exception:  # odfpy raises whatever its XML parser raises on a broken file.
        raise _refuse(
            _("The ODT file is damaged and cannot be read. Save it again and upload it.")
        ) from None
    return "\n".join(lines)


def extract_text(data: bytes, content_type: str) -> str:
    """The text of a document; raises ValidationError({"file": …}) when it cannot be read."""
    readers = {PDF: _pdf_text, DOCX: _docx_text, ODT: _odt_text}
    reader = readers.get(content_type)
    return reader(data)[:MAX_TEXT_CHARS].strip() if reader else ""


def _check_rights(by: Any, participant: Participant, kind: str) -> None:
    # Case workers and coordinators keep the documents of the participants they manage.
    if permissions.can(by, Cap.MANAGE_PARTICIPANTS, participant.programme_id):
        return
    # Participants upload their own CV from their own page.
    if kind == DocumentKind.CV and participant.user_id and participant.user_id == by.pk:
        return
    raise PermissionDenied


def _read_upload(upload: UploadedFile[bytes]) -> bytes:
    if upload.size is not None and upload.size > MAX_DOCUMENT_SIZE:
        raise _refuse(_("The file is larger than 10 MB. Upload a smaller file."))
    upload.seek(0)
    data: bytes = upload.read(MAX_DOCUMENT_SIZE + 1)
    if len(data) > MAX_DOCUMENT_SIZE:
        raise _refuse(_("The file is larger than 10 MB. Upload a smaller file."))
    if not data:
        raise _refuse(_("The file is empty."))
    return data


def _original_name(upload: UploadedFile[bytes]) -> str:
    # Browsers on some systems send a full path: keep the last part only.
    name = PurePath((upload.name or "").replace("\\", "/")).name.strip()
    return name[-200:] or "document"


@transaction.atomic
def document_store(
    *,
    by: Any,
    participant: Participant,
    upload: UploadedFile[bytes],
    kind: str,
    validation: SkillValidation | None = None,
    description: str = "",
) -> Document:
    """Check, read and keep an uploaded file, encrypted; nothing is stored when it is refused."""
    if kind not in ACCEPTED:
        raise ValidationError({"kind": [_("Choose the kind of document.")]})
    _check_rights(by, participant, kind)
    if validation is not None and validation.participant_id != participant.pk:
        raise ValidationError({"validation": [_("The validation belongs to someone else.")]})
    data = _read_upload(upload)
    content_type = detect_type(data)
    if content_type is None or content_type not in ACCEPTED[kind]:
        if data.startswith(_PROGRAMS):
            raise _refuse(_("This file is a program, not a document. It was not stored."))
        if content_type is None and data.startswith(b"PK\x03\x04"):
            raise _refuse(
                _("The document is damaged, or it is not a DOCX or ODT file. Save it again.")
            )
        raise _refuse(
            _("This type of file is not accepted. Upload one of: %(types)s.")
            % {"types": _accepted_names(kind)}
        )
    text = extract_text(data, content_type)
    document = Document(
        participant=participant,
        kind=kind,
        validation=validation,
        original_name=_original_name(upload),
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        text=text,
        description=description.strip()[:200],
        uploaded_by=by,
    )
    # A random name: the path on disk tells nothing about whose file it is.
    name = f"{secrets.token_hex(16)}.{EXTENSIONS[content_type]}.enc"
    document.file.save(name, ContentFile(document_cipher().encrypt(data)), save=False)
    try:
        document.save()
    except BaseException:
        document.file.delete(save=False)
        raise
    return document


def document_bytes(document: Document) -> bytes:
    """The plain bytes of a stored document."""
    with document.file.open("rb") as stored:
        token: bytes = stored.read()
    return document_cipher().decrypt(token)


@transaction.atomic
def document_delete(*, by: Any, document: Document) -> None:
    """Delete the record and, once that is committed, the encrypted file."""
    _check_rights(by, document.participant, document.kind)
    storage, name = document.file.storage, document.file.name
    document.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
