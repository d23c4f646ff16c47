"""Participant lists as files: CSV (UTF-8 with BOM, for spreadsheets) or XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from mile.participants.models import Participant


def _rows(participants: QuerySet[Participant], *, personal: bool) -> Iterable[list[object]]:
    header = [
        _("Reference"),
        _("Site"),
        _("Track"),
        _("Status"),
        _("Status since"),
        _("Gender"),
        _("Age"),
    ]
    if personal:
        header += [
            _("Family name"),
            _("Given names"),
            _("Date of birth"),
            _("E-mail address"),
            _("Phone"),
        ]
    yield [str(h) for h in header]
    today = timezone.localdate()
    for p in participants.iterator(chunk_size=2000):
        row: list[object] = [
            p.reference,
            p.site.city,
            p.track.name if p.track else "",
            p.get_status_display(),
            timezone.localtime(p.status_changed_at).date().isoformat(),
            p.get_gender_display(),
            p.age(today),
        ]
        if personal:
            row += [p.family_name, p.given_names, p.birth_date.isoformat(), p.email, p.phone]
        yield row


def participants_file(
    participants: QuerySet[Participant], *, personal: bool, kind: str
) -> HttpResponse:
    stamp = timezone.localdate().isoformat()
    if kind == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(str(_("Participants")))
        for row in _rows(participants, personal=personal):
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerows(_rows(participants, personal=personal))
        # The BOM makes spreadsheet programs read the accents of every language right.
        response = HttpResponse("\ufeff" + text.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="participants-{stamp}.{kind}"'
    return response
