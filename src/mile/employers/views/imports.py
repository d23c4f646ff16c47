"""Importing employers and offers from a CSV or XLSX file: upload, dry run, confirm.

The upload is checked by a dry run of the whole import (``mile.employers.imports``); a valid
file is kept in Django's default storage (shared by every app server, never in one process's
memory) until the user confirms it with a signed token, then imported again from scratch:
data may have changed in between.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from mile.core import permissions
from mile.core.http import AuthenticatedHttpRequest
from mile.core.roles import Cap
from mile.employers.imports import (
    COLUMNS,
    MAX_BYTES,
    MAX_ROWS,
    FileRefused,
    ImportKind,
    ImportReport,
    LineError,
    import_file,
    read_file,
    template_rows,
)
from mile.programmes.models import Programme

UPLOAD_FOLDER = "imports"
TOKEN_MAX_AGE = 60 * 60  # seconds a previewed file waits for its confirmation
_SALT = "mile.employers.import"
_DONE = {
    ImportKind.EMPLOYERS: "employers:employer_list",
    ImportKind.OFFERS: "employers:offer_list",
}


def manageable_programmes(user: Any) -> QuerySet[Programme]:
    """The programmes whose employers the user may import."""
    programmes = Programme.objects.for_user(user)
    if permissions.is_platform_admin(user):
        return programmes
    return programmes.filter(pk__in=permissions.programme_ids_with(user, Cap.MANAGE_EMPLOYERS))


class ImportForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=gettext_lazy("Programme"), queryset=Programme.objects.none()
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("The file holds"), choices=ImportKind.choices, initial="employers"
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        programmes = manageable_programmes(user)
        field = self.fields["programme"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = programmes
        if len(programmes) == 1:
            field.initial = programmes[0].pk
        self.fields["file"].help_text = _(
            "CSV (UTF-8) or XLSX (its first sheet), up to 5 MB and %(rows)s lines."
        ) % {"rows": formats.localize(MAX_ROWS)}

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(_("The file is larger than 5 MB."))
        return upload


# --- Keeping a previewed file until it is confirmed ---------------------------------------------


def store_upload(data: bytes, extension: str) -> str:
    """Keep the file's bytes where every app server finds them; the stored name."""
    _purge_stale()
    return default_storage.save(
        f"{UPLOAD_FOLDER}/{uuid.uuid4().hex}.{extension}", ContentFile(data)
    )


def upload_token(*, path: str, programme: Programme, kind: str, user: Any) -> str:
    return signing.dumps(
        {"path": path, "programme": programme.pk, "kind": kind, "user": user.pk}, salt=_SALT
    )


def _read_token(token: str, user: Any) -> dict[str, Any]:
    """The stored upload the token names; 404 when it is tampered, expired or someone else's."""
    try:
        upload = signing.loads(token, salt=_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is one too
        raise Http404 from None
    # A token is its uploader's alone.
    if not isinstance(upload, dict) or upload.get("user") != user.pk:
        raise Http404
    if upload.get("kind") not in ImportKind.values:
        raise Http404
    if not str(upload.get("path", "")).startswith(f"{UPLOAD_FOLDER}/"):
        raise Http404
    return upload


def _purge_stale() -> None:
    """Files never confirmed are dropped once their token has long expired."""
    cutoff = timezone.now() - dt.timedelta(days=1)
    try:
        _folders, files = default_storage.listdir(UPLOAD_FOLDER)
    except (FileNotFoundError, NotImplementedError):
        return
    for name in files:
        path = f"{UPLOAD_FOLDER}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except (FileNotFoundError, NotImplementedError):
            continue


# --- Views ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Importing writes employers and offers: staff who manage employers somewhere only.
    if not permissions.can(request.user, Cap.MANAGE_EMPLOYERS):
        raise PermissionDenied
    if "template" in request.GET:
        return _template(request.GET["template"])
    if request.method != "POST":
        # Pages about offers link here with ?kind=offers.
        kind = request.GET.get("kind")
        initial = {"kind": kind} if kind in ImportKind.values else {}
        return _upload_page(request, ImportForm(request.user, initial=initial))
    form = ImportForm(request.user, request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, form)
    upload = form.cleaned_data["file"]
    programme = form.cleaned_data["programme"]
    kind = form.cleaned_data["kind"]
    data = upload.read()
    try:
        sheet = read_file(data, upload.name or "")
    except FileRefused as refused:
        form.add_error("file", refused.message)
        return _upload_page(request, form)
    report = import_file(by=request.user, programme=programme, kind=kind, sheet=sheet, apply=False)
    token = None
    # Only a valid file with something to import is kept, until it is confirmed.
    if report.valid and report.lines:
        path = store_upload(data, sheet.extension)
        token = upload_token(path=path, programme=programme, kind=kind, user=request.user)
    return _preview(request, report, programme=programme, token=token, name=upload.name)


@login_required
@require_POST
def import_confirm(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    upload = _read_token(token, request.user)
    programme = manageable_programmes(request.user).filter(pk=upload["programme"]).first()
    # The right to import may have gone since the preview.
    if programme is None:
        raise PermissionDenied
    path = upload["path"]
    try:
        with default_storage.open(path, "rb") as stored:
            data = stored.read()
    except FileNotFoundError:
        # Already imported, or dropped as stale.
        raise Http404 from None
    try:
        sheet = read_file(data, path)
    except FileRefused as refused:
        report = ImportReport(kind=upload["kind"], errors=[LineError(None, refused.message)])
    else:
        # Checked again from scratch: the data may have changed since the preview.
        report = import_file(
            by=request.user, programme=programme, kind=upload["kind"], sheet=sheet, apply=True
        )
    # Imported, or now refused: either way the file has served.
    default_storage.delete(path)
    if not report.applied:
        return _preview(request, report, programme=programme, token=None, name="")
    messages.success(
        request,
        _("Imported: %(created)s created, %(updated)s updated.")
        % {
            "created": formats.localize(report.created),
            "updated": formats.localize(report.updated),
        },
    )
    return redirect(_DONE[upload["kind"]])


def _upload_page(request: AuthenticatedHttpRequest, form: ImportForm) -> HttpResponse:
    kinds = [
        {
            "code": ImportKind.EMPLOYERS,
            "label": ImportKind.EMPLOYERS.label,
            "columns": COLUMNS[ImportKind.EMPLOYERS],
            "download": _("Download an empty employers file (CSV)"),
            "caption": _("Columns of an employers file"),
        },
        {
            "code": ImportKind.OFFERS,
            "label": ImportKind.OFFERS.label,
            "columns": COLUMNS[ImportKind.OFFERS],
            "download": _("Download an empty offers file (CSV)"),
            "caption": _("Columns of an offers file"),
        },
    ]
    return render(
        request,
        "employers/import_upload.html",
        {"form": form, "kinds": kinds},
        status=400 if form.errors else 200,
    )


def _preview(
    request: AuthenticatedHttpRequest,
    report: ImportReport,
    *,
    programme: Programme,
    token: str | None,
    name: str,
) -> HttpResponse:
    return render(
        request,
        "employers/import_preview.html",
        {
            "report": report,
            "programme": programme,
            "title": (
                _("Employers for %(programme)s")
                if report.kind == ImportKind.EMPLOYERS
                else _("Offers for %(programme)s")
            )
            % {"programme": programme.name},
            "token": token,
            "name": name,
        },
        status=200 if report.valid else 400,
    )


def _template(kind: str) -> HttpResponse:
    """An empty file to fill in: the header and one example line."""
    if kind not in ImportKind.values:
        raise Http404
    out = io.StringIO()
    csv.writer(out).writerows(template_rows(kind))
    # The byte order mark makes Excel open the file as UTF-8.
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mile-{kind}.csv"'
    return response
