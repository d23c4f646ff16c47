"""Importing employers and offers from CSV or XLSX files, with a dry run.

``read_file`` turns the upload into numbered lines of cells; ``import_file`` validates every
line and writes it through the employers' services inside one transaction. The dry run rolls
that transaction back, so the preview runs the very code that applies the file and meets the
database's own constraints; any error rolls everything back, so nothing changes until the
whole file is valid.

Lines are numbered as a spreadsheet shows them: 1 is the header, data from 2 (for CSV a
record that spans several physical lines because of a quoted line break counts once, like a
spreadsheet row). Every error names its line and column.

django-import-export (STACK.md) was weighed and is not used: its tablib readers drop blank
lines (so later lines are misnumbered), fail on a line longer than the header without
saying which, and read the workbook's active sheet rather than the first; its ``Resource``
writes one model per line with ``instance.save()``, outside our services, while a line
here writes an organisation, an employer and its involvement, or an offer with its skills
and languages. The transaction rolled back for a dry run is the same idea as its own.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError, IntegrityError, models, transaction
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from mile.core import permissions
from mile.core.languages import unknown_language_codes
from mile.core.roles import Cap, Role
from mile.employers.access import may_edit
from mile.employers.models import (
    ContractType,
    Employer,
    EmployerStatus,
    Offer,
    OfferKind,
    OfferLanguage,
    OfferSkill,
    OfferStatus,
)
from mile.employers.services import (
    employer_create,
    employer_update,
    offer_create,
    offer_move,
    offer_skills_accept,
    offer_update,
)
from mile.participants.models import Cefr, DrivingLicence
from mile.programmes.models import NaceSection, Organisation, OrganisationType, Site, SizeBand
from mile.taxonomy.models import Concept
from mile.taxonomy.models import Kind as ConceptKind

MAX_BYTES = 5 * 1024 * 1024
# Each line runs through the services (about 5 ms on SQLite): 2,000 lines stay near 10 s for
# the dry run and again for the import, well inside a request.
MAX_ROWS = 2000
# Formatted but empty rows count too: past this many lines a file is refused unread.
MAX_LINES = 20 * MAX_ROWS

_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_YES = frozenset({"yes", "y", "true", "1"})
_NO = frozenset({"no", "n", "false", "0", ""})
_LIST_SEPARATORS = re.compile(r"[;\r\n]+")
_LANGUAGE_SEPARATORS = re.compile(r"[;,\r\n]+")
_LANGUAGE_ITEM = re.compile(r"^([^\s:=]+)\s*[:=\s]\s*(\S+)$")


class ImportKind(models.TextChoices):
    EMPLOYERS = "employers", gettext_lazy("Employers")
    OFFERS = "offers", gettext_lazy("Offers")


class Action(models.TextChoices):
    CREATE = "create", gettext_lazy("create")
    UPDATE = "update", gettext_lazy("update")
    UNCHANGED = "unchanged", gettext_lazy("unchanged")


# --- Reading -----------------------------------------------------------------------------------


class FileRefused(Exception):
    """The upload cannot be read as a table at all; ``message`` says why, translated."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Sheet:
    """The table of a file: its header cells and its non-blank data lines."""

    headers: list[Any]
    rows: list[tuple[int, list[Any]]]  # (line, cells)
    extension: str  # "csv" or "xlsx": how the file is stored until it is confirmed


def read_file(data: bytes, filename: str) -> Sheet:
    """The first sheet of an XLSX workbook, or a UTF-8 CSV file (``,`` ``;`` or tab)."""
    if len(data) > MAX_BYTES:
        raise FileRefused(_("The file is larger than 5 MB."))
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in ("csv", "xlsx", "txt"):
        raise FileRefused(_("Upload a CSV or XLSX file."))
    if data.startswith(_XLS_MAGIC):
        raise FileRefused(
            _("Files of Excel 97–2003 (.xls) cannot be read: save the file as XLSX or CSV UTF-8.")
        )
    # By content, not by name: an XLSX workbook is a ZIP archive.
    if data.startswith(_XLSX_MAGIC):
        return _sheet(_xlsx_lines(data), "xlsx")
    if extension == "xlsx":
        raise FileRefused(_("The file is not a valid XLSX workbook."))
    return _sheet(_csv_lines(data), "csv")


def _csv_lines(data: bytes) -> Iterator[list[Any]]:
    if b"\x00" in data:
        raise FileRefused(_("The file is not a CSV file."))
    try:
        # utf-8-sig: Excel's "CSV UTF-8" starts with a byte order mark.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(
            _("The CSV file is not in UTF-8. In Excel, save it as “CSV UTF-8” and try again.")
        ) from None
    # Excel in Italian, German, French or Spanish separates with a semicolon.
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from reader
    except csv.Error:
        raise FileRefused(
            _("The CSV file cannot be read near line %(line)s.") % {"line": reader.line_num}
        ) from None


def _xlsx_lines(data: bytes) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    # openpyxl raises many kinds of error on a damaged or foreign ZIP archive.
    except Exception:
        raise FileRefused(_("The file is not a valid XLSX workbook.")) from None
    try:
        if not book.worksheets:
            raise FileRefused(_("The workbook has no sheet."))
        try:
            for row in book.worksheets[0].iter_rows(values_only=True):
                yield list(row)
        # Damage inside a sheet shows only while it is read.
        except Exception:
            raise FileRefused(_("The file is not a valid XLSX workbook.")) from None
    finally:
        book.close()


def _sheet(lines: Iterator[list[Any]], extension: str) -> Sheet:
    headers: list[Any] = []
    rows: list[tuple[int, list[Any]]] = []
    for number, cells in enumerate(lines, start=1):
        if number == 1:
            headers = cells
            continue
        if number > MAX_LINES or (len(rows) >= MAX_ROWS and not _blank(cells)):
            raise FileRefused(
                _("The file has more than %(rows)s lines of data: split it into smaller files.")
                % {"rows": formats.localize(MAX_ROWS)}
            )
        if not _blank(cells):
            rows.append((number, cells))
    if _blank(headers):
        raise FileRefused(_("The file is empty, or its first line does not name the columns."))
    return Sheet(headers=headers, rows=rows, extension=extension)


def _blank(cells: Sequence[Any]) -> bool:
    return all(not _text(c) for c in cells)


def _text(value: Any) -> str:
    """A cell as text: XLSX cells come typed (numbers, dates, booleans), CSV cells as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        # Spreadsheet dates are datetimes at midnight.
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def column_letter(index: int) -> str:
    """The spreadsheet letter of the 0-based column ``index``: A … Z, AA …"""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- Columns -----------------------------------------------------------------------------------


class YesNoField(forms.Field):
    default_error_messages = {"invalid": gettext_lazy("Enter yes or no.")}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_python(self, value: Any) -> bool:
        text = _text(value).lower()
        if text in _YES:
            return True
        if text in _NO:
            return False
        raise ValidationError(self.error_messages["invalid"], code="invalid")


class CodeField(forms.CharField):
    """One code of a list, written in any case; the error lists the codes."""

    def __init__(
        self, choices: type[models.TextChoices], *, upper: bool = False, **kwargs: Any
    ) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.choices = choices
        self.upper = upper

    def to_python(self, value: Any) -> str:
        text = str(super().to_python(value))
        return text.upper() if self.upper else text.lower()

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and value not in self.choices.values:
            raise ValidationError(
                _("“%(value)s” is not one of: %(codes)s."),
                code="invalid_choice",
                params={"value": value, "codes": ", ".join(self.choices.values)},
            )

    def label_of(self, value: str) -> str:
        return str(dict(self.choices.choices).get(value, value))


class CountryCodeField(forms.CharField):
    def to_python(self, value: Any) -> str:
        return str(super().to_python(value)).upper()

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and value not in dict(countries):
            raise ValidationError(
                _("Enter a country as a code of two letters (ISO 3166), for example AT or IT."),
                code="invalid",
            )


class CoordinateField(forms.DecimalField):
    """A latitude or longitude; a decimal comma is read too (CSV of Excel in it/de/fr/es)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = _text(value)
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        number = super().to_python(text)
        # The model keeps six decimals (about 10 cm): more is rounded, not refused.
        return None if number is None else number.quantize(Decimal("0.000001"), ROUND_HALF_UP)


class UriListField(forms.CharField):
    """ESCO URIs separated by semicolons or line breaks, each once."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        return list(dict.fromkeys(u.strip() for u in _LIST_SEPARATORS.split(_text(value)) if u))


class LanguagesField(forms.CharField):
    """Languages with a CEFR level: ``de:B1; en:A2`` (ISO 639-1 codes)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_python(self, value: Any) -> dict[str, str]:  # type: ignore[override]
        wanted: dict[str, str] = {}
        errors: list[ValidationError] = []
        for item in _LANGUAGE_SEPARATORS.split(_text(value)):
            if not item.strip():
                continue
            match = _LANGUAGE_ITEM.match(item.strip())
            if match is None:
                errors.append(
                    ValidationError(
                        _("Write each language as code:level, for example de:B1, not “%(item)s”."),
                        params={"item": item.strip()},
                    )
                )
                continue
            code, level = match.group(1).lower(), match.group(2).upper()
            if unknown_language_codes([code]):
                errors.append(
                    ValidationError(_("Unknown language code: %(code)s."), params={"code": code})
                )
            elif level not in Cefr.values:
                errors.append(
                    ValidationError(
                        _("“%(level)s” is not a CEFR level (A1, A2, B1, B2, C1 or C2)."),
                        params={"level": match.group(2)},
                    )
                )
            elif code in wanted:
                errors.append(
                    ValidationError(
                        _("The language %(code)s is given twice."), params={"code": code}
                    )
                )
            else:
                wanted[code] = level
        if errors:
            raise ValidationError(errors)
        return wanted


@dataclass(frozen=True)
class Column:
    name: str
    field: forms.Field
    meaning: Any  # a lazy translation
    example: str

    @property
    def required(self) -> bool:
        return bool(self.field.required)


def _optional_text() -> forms.CharField:
    return forms.CharField(required=False)


EMPLOYER_COLUMNS: tuple[Column, ...] = (
    Column("name", forms.CharField(), gettext_lazy("Name of the company."), "Hotel Alpenrose"),
    Column(
        "country",
        CountryCodeField(),
        gettext_lazy("Country of the company: a code of two letters (ISO 3166)."),
        "AT",
    ),
    Column("city", _optional_text(), gettext_lazy("City of the company."), "Innsbruck"),
    Column(
        "website",
        forms.URLField(required=False, assume_scheme="https"),
        gettext_lazy("Website."),
        "https://alpenrose.example",
    ),
    Column(
        "nace_section",
        CodeField(NaceSection, upper=True),
        gettext_lazy("Sector: the NACE section, a letter from A to U."),
        "I",
    ),
    Column(
        "size_band",
        CodeField(SizeBand),
        gettext_lazy("Size: micro, small, medium or large."),
        "small",
    ),
    Column(
        "site",
        forms.CharField(),
        gettext_lazy("City of the programme site whose staff follow the company."),
        "Innsbruck",
    ),
    Column(
        "status",
        CodeField(EmployerStatus),
        gettext_lazy(
            "prospect, engaged, hosting or inactive. Empty: prospect for a new employer, "
            "unchanged for a known one."
        ),
        "engaged",
    ),
    Column(
        "diversity_charter",
        YesNoField(),
        gettext_lazy("Has signed a diversity charter."),
        "1",
    ),
    Column(
        "hosts_placements",
        YesNoField(),
        gettext_lazy("Willing to host work placements."),
        "1",
    ),
    Column("mentors", YesNoField(), gettext_lazy("Willing to mentor."), "0"),
    Column(
        "description",
        _optional_text(),
        gettext_lazy("About the company."),
        "Family-run hotel with 40 rooms.",
    ),
)

_KITCHEN_SKILLS = (
    "http://data.europa.eu/esco/skill/0ff99f51-40d9-42f1-a1ec-377b2bb5e15f; "
    "http://data.europa.eu/esco/skill/9b31016e-c99d-4bd2-a550-d5660dac5041"
)

OFFER_COLUMNS: tuple[Column, ...] = (
    Column(
        "employer",
        forms.CharField(),
        gettext_lazy("Name of an employer already recorded in the programme."),
        "Hotel Alpenrose",
    ),
    Column("title", forms.CharField(), gettext_lazy("Title of the offer."), "Kitchen assistant"),
    Column(
        "kind",
        CodeField(OfferKind),
        gettext_lazy("placement or job. Empty: placement for a new offer."),
        "placement",
    ),
    Column(
        "occupation",
        forms.CharField(required=False),
        gettext_lazy("The ESCO occupation, by its URI."),
        "http://data.europa.eu/esco/occupation/e1cf6897-158d-4b48-a39e-2a3a8cac216c",
    ),
    Column(
        "essential_skills",
        UriListField(),
        gettext_lazy("Essential ESCO skills, by their URIs, separated by ; or line breaks."),
        _KITCHEN_SKILLS,
    ),
    Column(
        "optional_skills",
        UriListField(),
        gettext_lazy("Optional ESCO skills, by their URIs, separated by ; or line breaks."),
        "http://data.europa.eu/esco/skill/8c8da904-cdb3-47d9-bfbf-15ade747d9ec",
    ),
    Column(
        "languages",
        LanguagesField(),
        gettext_lazy("Languages required, each an ISO 639-1 code and a CEFR level."),
        "de:A2; en:A2",
    ),
    Column(
        "site",
        forms.CharField(),
        gettext_lazy("City of the programme site the offer belongs to."),
        "Innsbruck",
    ),
    Column(
        "description",
        _optional_text(),
        gettext_lazy("Description of the tasks."),
        "Preparing vegetables, keeping the kitchen clean.",
    ),
    Column(
        "address",
        _optional_text(),
        gettext_lazy("Address of the workplace."),
        "Maria-Theresien-Straße 1, Innsbruck",
    ),
    Column("latitude", CoordinateField(), gettext_lazy("Latitude of the workplace."), "47.2654"),
    Column("longitude", CoordinateField(), gettext_lazy("Longitude of the workplace."), "11.3928"),
    Column("remote", YesNoField(), gettext_lazy("Remote work possible."), "0"),
    Column(
        "hours_per_week",
        forms.IntegerField(required=False),
        gettext_lazy("Hours per week."),
        "30",
    ),
    Column(
        "starts_on",
        forms.DateField(required=False, input_formats=["%Y-%m-%d"]),
        gettext_lazy("Start date, as YYYY-MM-DD."),
        "2026-09-01",
    ),
    Column(
        "ends_on",
        forms.DateField(required=False, input_formats=["%Y-%m-%d"]),
        gettext_lazy("End date, as YYYY-MM-DD."),
        "2026-12-31",
    ),
    Column(
        "places",
        forms.IntegerField(required=False),
        gettext_lazy("Number of places, at least 1. Empty: 1 for a new offer."),
        "2",
    ),
    Column("paid", YesNoField(), gettext_lazy("Paid."), "1"),
    Column(
        "contract_type",
        CodeField(ContractType),
        gettext_lazy(
            "placement_agreement, apprenticeship, fixed_term, permanent, seasonal or other."
        ),
        "placement_agreement",
    ),
    Column(
        "driving_licence",
        CodeField(DrivingLicence, upper=True),
        gettext_lazy("Driving licence required, for example B."),
        "",
    ),
    Column("other_requirements", _optional_text(), gettext_lazy("Other requirements."), ""),
    Column("tutor_name", _optional_text(), gettext_lazy("Tutor at the company."), "Anna Huber"),
    Column(
        "tutor_email",
        _optional_text(),
        gettext_lazy("Tutor's e-mail address."),
        "anna.huber@alpenrose.example",
    ),
    Column("tutor_phone", _optional_text(), gettext_lazy("Tutor's phone."), "+43 512 000000"),
    Column(
        "status",
        CodeField(OfferStatus),
        gettext_lazy(
            "draft or open. An open offer needs an essential skill and a start date. "
            "Empty: draft for a new offer, unchanged for a known one."
        ),
        "open",
    ),
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    ImportKind.EMPLOYERS: EMPLOYER_COLUMNS,
    ImportKind.OFFERS: OFFER_COLUMNS,
}


def template_rows(kind: str) -> list[list[str]]:
    """The header and one example line of an empty file to fill in."""
    columns = COLUMNS[kind]
    return [[c.name for c in columns], [c.example for c in columns]]


# --- The report --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineError:
    line: int | None  # None: the file as a whole
    message: str
    column: str = ""  # the letter, when the file has the column
    name: str = ""  # the column's name

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        if self.column and not self.name:
            return _("Line %(line)s, column %(column)s: %(message)s") % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
        if self.column:
            return _("Line %(line)s, column %(column)s (%(name)s): %(message)s") % {
                "line": self.line,
                "column": self.column,
                "name": self.name,
                "message": self.message,
            }
        if self.name:
            return _("Line %(line)s (%(name)s): %(message)s") % {
                "line": self.line,
                "name": self.name,
                "message": self.message,
            }
        return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


@dataclass(frozen=True)
class Change:
    name: str
    old: str
    new: str


@dataclass(frozen=True)
class PlannedLine:
    line: int
    action: str  # Action
    label: str
    changes: tuple[Change, ...] = ()
    note: str = ""

    def get_action_display(self) -> str:
        return str(Action(self.action).label)


@dataclass
class ImportReport:
    kind: str
    lines: list[PlannedLine] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    applied: bool = False

    @property
    def valid(self) -> bool:
        return not self.errors

    def _count(self, action: str) -> int:
        return sum(1 for line in self.lines if line.action == action)

    @property
    def created(self) -> int:
        return self._count(Action.CREATE)

    @property
    def updated(self) -> int:
        return self._count(Action.UPDATE)

    @property
    def unchanged(self) -> int:
        return self._count(Action.UNCHANGED)


# --- Validating and applying -------------------------------------------------------------------


class _RolledBack(Exception):
    """Leaves the import's transaction so that it is undone: a dry run or an error."""


def import_file(*, by: Any, programme: Any, kind: str, sheet: Sheet, apply: bool) -> ImportReport:
    """Validate every line and plan what changes; write it only if ``apply`` and all is valid.

    Both the dry run and the import run every line through the services in one transaction;
    the dry run and any file with an error roll it back.
    """
    report = ImportReport(kind=kind)
    lines_class = _EmployerLines if kind == ImportKind.EMPLOYERS else _OfferLines
    lines = lines_class(by=by, programme=programme, report=report)
    if not lines.read_header(sheet.headers):
        return report
    try:
        with transaction.atomic():
            lines.run(sheet.rows)
            if report.errors or not apply:
                raise _RolledBack
    except _RolledBack:
        pass
    else:
        report.applied = True
    # Read in the file's order: by line, then by column (A … Z, AA …).
    report.errors.sort(key=lambda e: (e.line or 0, len(e.column), e.column))
    return report


def import_sites(user: Any, programme: Any) -> dict[str, Site]:
    """The programme's sites the user may import into, by city (case-folded)."""
    sites = Site.objects.filter(programme=programme)
    if not (
        permissions.is_platform_admin(user)
        or programme.pk in permissions.programme_wide_ids(user, Cap.MANAGE_EMPLOYERS)
    ):
        scope = Q(pk__in=[])
        for site_id, organisation_id in user.memberships.filter(
            is_active=True, role=Role.PARTNER_STAFF, programme=programme
        ).values_list("site_id", "organisation_id"):
            # Partner staff work for their own site …
            if site_id:
                scope |= Q(pk=site_id)
            # … or, without one, for the sites their organisation leads.
            else:
                scope |= Q(lead_partner_id=organisation_id)
        sites = sites.filter(scope)
    return {site.city.casefold(): site for site in sites}


class _Lines:
    """What both kinds of file share: the header, parsing cells, errors by line and column."""

    columns: tuple[Column, ...] = ()
    # Model fields whose errors belong to another column than their own name.
    field_columns: dict[str, str] = {}

    def __init__(self, *, by: Any, programme: Any, report: ImportReport) -> None:
        self.by = by
        self.programme = programme
        self.report = report
        self.by_name = {c.name: c for c in self.columns}
        self.found: dict[str, int] = {}  # column name → index in the file
        self.unnamed: set[int] = set()
        self.sites = import_sites(by, programme)
        self.keys: dict[Any, int] = {}  # a line's key → the first line with it
        self.width = 0  # columns named in line 1

    # Errors

    def error(self, line: int | None, name: str | None, message: Any) -> None:
        index = self.found.get(name) if name else None
        self.report.errors.append(
            LineError(
                line=line,
                message=str(message),
                column=column_letter(index) if index is not None else "",
                name=name or "",
            )
        )

    def model_errors(self, line: int, error: ValidationError, default: str | None = None) -> None:
        """A service's refusal, each message on the column of its field.

        A refusal that names no field goes to the ``default`` column, when there is one.
        """
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                column: str | None = self.field_columns.get(name, name)
                if column not in self.by_name:
                    # A rule across fields (NON_FIELD_ERRORS) is the line's, not one cell's.
                    column = None
                for message in messages:
                    self.error(line, column, message)
        else:
            for message in error.messages:
                self.error(line, default, message)

    # Header and cells

    def read_header(self, headers: list[Any]) -> bool:
        errors = len(self.report.errors)
        self.width = len(headers)
        for index, raw in enumerate(headers):
            name = re.sub(r"\s+", "_", _text(raw).lower()).rstrip("*")
            letter = column_letter(index)
            if not name:
                self.unnamed.add(index)
            elif name not in self.by_name:
                self.report.errors.append(
                    LineError(
                        line=1,
                        column=letter,
                        name=_text(raw),
                        message=_("Unknown column. The columns are: %(names)s.")
                        % {"names": ", ".join(self.by_name)},
                    )
                )
            elif name in self.found:
                self.report.errors.append(
                    LineError(
                        line=1,
                        column=letter,
                        name=name,
                        message=_("The column is there twice."),
                    )
                )
            else:
                self.found[name] = index
        for column in self.columns:
            if column.required and column.name not in self.found:
                self.report.errors.append(
                    LineError(line=1, name=column.name, message=_("The column is missing."))
                )
        return len(self.report.errors) == errors

    def parse(self, line: int, cells: list[Any]) -> tuple[dict[str, Any], bool]:
        """The line's values by column, and whether every cell could be read.

        A cell that cannot be read has its error recorded and is left out of the values.
        """
        errors = len(self.report.errors)
        values: dict[str, Any] = {}
        for name, index in self.found.items():
            raw = cells[index] if index < len(cells) else None
            try:
                values[name] = self.by_name[name].field.clean(_text(raw))
            except ValidationError as error:
                for message in error.messages:
                    self.error(line, name, message)
        for index, raw in enumerate(cells):
            if (index in self.unnamed or index >= self.width) and _text(raw):
                self.report.errors.append(
                    LineError(
                        line=line,
                        column=column_letter(index),
                        message=_("This cell is in a column without a name in line 1."),
                    )
                )
        return values, len(self.report.errors) == errors

    def site(self, line: int, city: str) -> Site | None:
        site = self.sites.get(city.casefold())
        if site is None:
            self.error(line, "site", _("Unknown site: %(city)s.") % {"city": city})
        return site

    def once(self, line: int, key: Any, name: str, message: str) -> bool:
        """Is this the first line with ``key``? A second one is an error on its own line."""
        first = self.keys.setdefault(key, line)
        if first != line:
            self.error(line, name, message % {"line": first})
            return False
        return True

    def write(self, line: int, action: Callable[[], None], default: str | None = None) -> bool:
        """Run the line's writes in a savepoint; a refusal becomes the line's error."""
        try:
            with transaction.atomic():
                action()
        except ValidationError as error:
            self.model_errors(line, error, default)
        except PermissionDenied:
            self.error(line, None, _("You may not make this change."))
        except (IntegrityError, DataError):
            self.error(line, None, _("The database refused this line."))
        else:
            return True
        return False

    # Running

    def run(self, rows: list[tuple[int, list[Any]]]) -> None:
        parsed = [(line, *self.parse(line, cells)) for line, cells in rows]
        self.prepare([values for _line, values, _ok in parsed])
        for line, values, ok in parsed:
            # A line with a cell that cannot be read is still checked for what can be.
            self.line(line, values, writable=ok)

    def prepare(self, rows: list[dict[str, Any]]) -> None:
        """Load at once what the lines will look up."""

    def line(self, line: int, values: dict[str, Any], *, writable: bool) -> None:
        raise NotImplementedError

    # Showing values in the plan

    def show(self, name: str, value: Any) -> str:
        if value is None or value == "" or value == [] or value == {}:
            return "—"
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, Site):
            return value.city
        if isinstance(value, Concept):
            return value.label()
        if isinstance(value, dt.date | Decimal | int):
            return str(formats.localize(value))
        column = self.by_name.get(name)
        if column is not None and isinstance(column.field, CodeField):
            return column.field.label_of(str(value))
        return str(value)


class _EmployerLines(_Lines):
    columns = EMPLOYER_COLUMNS
    field_columns = {"organisation": "name"}
    ORGANISATION_FIELDS = ("city", "website", "nace_section", "size_band")
    EMPLOYER_FIELDS = ("status", "diversity_charter", "hosts_placements", "mentors", "description")

    def prepare(self, rows: list[dict[str, Any]]) -> None:
        names = {row["name"].casefold() for row in rows if row.get("name")}
        self.existing: dict[tuple[str, str], Employer] = {}
        for employer in Employer.objects.filter(programme=self.programme).select_related(
            "organisation", "site"
        ):
            organisation = employer.organisation
            if organisation.name.casefold() in names:
                self.existing[(organisation.name.casefold(), organisation.country.code)] = employer
        self.visible = set(
            Employer.objects.for_user(self.by)
            .filter(pk__in=[e.pk for e in self.existing.values()])
            .values_list("pk", flat=True)
        )

    def line(self, line: int, values: dict[str, Any], *, writable: bool) -> None:
        errors = len(self.report.errors)
        name, country = values.get("name", ""), values.get("country", "")
        site = self.site(line, values["site"]) if values.get("site") else None
        employer = known = None
        if name and country:
            self.once(
                line,
                (name.casefold(), country),
                "name",
                _("The same employer is already on line %(line)s."),
            )
            employer = self.existing.get((name.casefold(), country))
            if employer is None:
                known = Organisation.objects.filter(name__iexact=name, country=country).first()
        if employer is not None and employer.pk not in self.visible:
            self.error(line, "name", _("This employer is followed by a site you do not work for."))
        if known is not None and known.type != OrganisationType.EMPLOYER:
            self.error(
                line,
                "name",
                _("An organisation of this name and country is recorded as: %(type)s.")
                % {"type": known.get_type_display()},
            )
        if not writable or site is None or len(self.report.errors) > errors:
            return
        organisation_fields = {k: values[k] for k in self.ORGANISATION_FIELDS if k in values}
        fields: dict[str, Any] = {k: values[k] for k in self.EMPLOYER_FIELDS if k in values}
        if not fields.get("status"):
            # Empty: the default for a new employer, what it is for a known one.
            fields.pop("status", None)
        if employer is None:
            self.create(line, name, country, known, site, organisation_fields, fields)
        else:
            fields["site"] = site
            self.update(line, employer, organisation_fields, fields)

    def create(
        self,
        line: int,
        name: str,
        country: str,
        known: Organisation | None,
        site: Site,
        organisation_fields: dict[str, Any],
        fields: dict[str, Any],
    ) -> None:

        def write() -> None:
            if known is None:
                employer_create(
                    by=self.by,
                    programme=self.programme,
                    site=site,
                    organisation_fields={"name": name, "country": country, **organisation_fields},
                    fields=fields,
                )
                return
            employer = employer_create(
                by=self.by, programme=self.programme, site=site, organisation=known, fields=fields
            )
            # The organisation may be shared with other programmes: fill in, never overwrite.
            missing = {k: v for k, v in organisation_fields.items() if v and not getattr(known, k)}
            if missing:
                employer_update(by=self.by, employer=employer, organisation_fields=missing)

        if self.write(line, write):
            self.report.lines.append(
                PlannedLine(
                    line=line,
                    action=Action.CREATE,
                    label=known.name if known else name,
                    note=_("The organisation is already known and is added to the programme.")
                    if known
                    else "",
                )
            )

    def update(
        self,
        line: int,
        employer: Employer,
        organisation_fields: dict[str, Any],
        fields: dict[str, Any],
    ) -> None:
        organisation = employer.organisation
        changes: list[Change] = []
        changed_organisation: dict[str, Any] = {}
        changed: dict[str, Any] = {}
        for name, value in organisation_fields.items():
            old = getattr(organisation, name)
            if old != value:
                changed_organisation[name] = value
                changes.append(Change(name, self.show(name, old), self.show(name, value)))
        for name, value in fields.items():
            old = getattr(employer, name)
            if old != value:
                changed[name] = value
                changes.append(Change(name, self.show(name, old), self.show(name, value)))
        if not changes:
            self.report.lines.append(
                PlannedLine(line=line, action=Action.UNCHANGED, label=organisation.name)
            )
            return

        def write() -> None:
            employer_update(
                by=self.by,
                employer=employer,
                organisation_fields=changed_organisation,
                fields=changed,
            )

        if self.write(line, write):
            self.report.lines.append(
                PlannedLine(
                    line=line,
                    action=Action.UPDATE,
                    label=organisation.name,
                    changes=tuple(changes),
                )
            )


# Offer columns that are fields of the model (by their names there).
_OFFER_FIELDS = {
    "title": "title",
    "kind": "kind",
    "occupation": "occupation",
    "description": "description",
    "address": "address",
    "latitude": "latitude",
    "longitude": "longitude",
    "remote": "remote_possible",
    "hours_per_week": "hours_per_week",
    "starts_on": "starts_on",
    "ends_on": "ends_on",
    "places": "places",
    "paid": "paid",
    "contract_type": "contract_type",
    "driving_licence": "driving_licence",
    "other_requirements": "other_requirements",
    "tutor_name": "tutor_name",
    "tutor_email": "tutor_email",
    "tutor_phone": "tutor_phone",
}
# Fields that cannot be empty: an empty cell means the default, or no change.
_OFFER_DEFAULTED = ("kind", "places")
# Why an offer cannot be published, on the column that fixes it.
_PUBLISH_COLUMNS = {
    "no_skills": "essential_skills",
    "no_start": "starts_on",
    "old_start": "starts_on",
}


@dataclass
class _OfferPlan:
    """What one line of an offers file asks for, once its cells are resolved."""

    employer: Employer
    fields: dict[str, Any]
    skills: dict[str, bool] | None  # URI → essential; None: the file has no skills columns
    languages: dict[str, str] | None  # code → level; None: the file has no languages column
    status: str  # wanted, or "" to keep


class _OfferLines(_Lines):
    columns = OFFER_COLUMNS
    field_columns = {v: k for k, v in _OFFER_FIELDS.items()} | {"language": "languages"}

    def prepare(self, rows: list[dict[str, Any]]) -> None:
        uris: set[str] = set()
        for row in rows:
            uris.update(row.get("essential_skills", []), row.get("optional_skills", []))
            if row.get("occupation"):
                uris.add(row["occupation"])
        self.concepts = {c.uri: c for c in Concept.objects.filter(uri__in=uris).with_labels()}
        names = {row["employer"].casefold() for row in rows if row.get("employer")}
        self.employers: dict[str, list[Employer]] = {}
        for employer in (
            Employer.objects.for_user(self.by)
            .filter(programme=self.programme)
            .select_related("organisation", "programme")
        ):
            if employer.organisation.name.casefold() in names:
                self.employers.setdefault(employer.organisation.name.casefold(), []).append(
                    employer
                )
        employer_ids = [e.pk for found in self.employers.values() for e in found]
        self.offers: dict[tuple[int, str], Offer] = {}
        for offer in (
            Offer.objects.filter(employer_id__in=employer_ids)
            .exclude(status=OfferStatus.CLOSED)
            .select_related("occupation", "site")
            .prefetch_related("skills", "languages")
            .order_by("created_at", "pk")
        ):
            # The newest of several offers with the title is the one updated.
            self.offers[(offer.employer_id, offer.title.casefold())] = offer
        held = {s.skill_id for o in self.offers.values() for s in o.skills.all()}
        self.held = Concept.objects.filter(pk__in=held).with_labels().in_bulk()

    def employer(self, line: int, name: str) -> Employer | None:
        found = self.employers.get(name.casefold(), [])
        if len(found) > 1:
            self.error(line, "employer", _("Several employers of the programme have this name."))
            return None
        if not found:
            self.error(
                line,
                "employer",
                _("Unknown employer: %(name)s. Import or add the employer first.") % {"name": name},
            )
            return None
        return found[0]

    def concept(self, line: int, name: str, uri: str, kinds: Iterable[str]) -> Concept | None:
        concept = self.concepts.get(uri)
        if concept is None:
            self.error(line, name, _("Unknown ESCO concept: %(uri)s.") % {"uri": uri})
        elif concept.kind not in kinds:
            if ConceptKind.OCCUPATION in kinds:
                message = _("%(uri)s is not an ESCO occupation.")
            else:
                message = _("%(uri)s is not an ESCO skill.")
            self.error(line, name, message % {"uri": uri})
        elif concept.obsolete and ConceptKind.SKILL in kinds:
            self.error(line, name, _("%(uri)s is no longer a current ESCO skill.") % {"uri": uri})
        else:
            return concept
        return None

    def line(self, line: int, values: dict[str, Any], *, writable: bool) -> None:
        errors = len(self.report.errors)
        employer = self.employer(line, values["employer"]) if values.get("employer") else None
        site = self.site(line, values["site"]) if values.get("site") else None
        fields: dict[str, Any] = {
            attr: values[name] for name, attr in _OFFER_FIELDS.items() if name in values
        }
        for attr in _OFFER_DEFAULTED:
            if fields.get(attr) in ("", None):
                fields.pop(attr, None)
        fields["site"] = site
        if fields.get("occupation"):
            fields["occupation"] = self.concept(
                line, "occupation", fields["occupation"], [ConceptKind.OCCUPATION]
            )
        elif "occupation" in fields:
            fields["occupation"] = None
        skills = self.skills(line, values)
        title = values.get("title", "")
        if employer is not None and title:
            self.once(
                line,
                (employer.pk, title.casefold()),
                "title",
                _("The same offer is already on line %(line)s."),
            )
        if not writable or employer is None or len(self.report.errors) > errors:
            return
        plan = _OfferPlan(
            employer=employer,
            fields=fields,
            skills=skills,
            languages=values.get("languages"),
            status=values.get("status", ""),
        )
        offer = self.offers.get((employer.pk, title.casefold()))
        if offer is None:
            self.create(line, plan)
        else:
            self.update(line, offer, plan)

    def skills(self, line: int, values: dict[str, Any]) -> dict[str, bool] | None:
        """The line's skills (URI → essential), or None when the file has no skills column."""
        if "essential_skills" not in self.found and "optional_skills" not in self.found:
            return None
        skills: dict[str, bool] = {}
        kinds = [ConceptKind.SKILL, ConceptKind.SKILL_GROUP]
        essential = values.get("essential_skills", [])
        for uri in essential:
            if self.concept(line, "essential_skills", uri, kinds):
                skills[uri] = True
        for uri in values.get("optional_skills", []):
            if uri in essential:
                self.error(
                    line,
                    "optional_skills",
                    _("%(uri)s is already an essential skill.") % {"uri": uri},
                )
            elif self.concept(line, "optional_skills", uri, kinds):
                skills[uri] = False
        return skills

    def label(self, plan: _OfferPlan) -> str:
        return f"{plan.fields['title']} — {plan.employer.organisation.name}"

    def create(self, line: int, plan: _OfferPlan) -> None:
        def write() -> None:
            offer = offer_create(by=self.by, employer=plan.employer, fields=plan.fields)
            self.set_skills(offer, plan.skills or {}, {})
            self.set_languages(offer, plan.languages or {}, {})
            if plan.status == OfferStatus.OPEN:
                self.publish(offer)

        if self.write(line, write, default="status"):
            self.report.lines.append(
                PlannedLine(line=line, action=Action.CREATE, label=self.label(plan))
            )

    def update(self, line: int, offer: Offer, plan: _OfferPlan) -> None:
        changes: list[Change] = []
        changed: dict[str, Any] = {}
        for attr, value in plan.fields.items():
            old = getattr(offer, attr)
            if old != value:
                changed[attr] = value
                name = self.field_columns.get(attr, attr)
                changes.append(Change(name, self.show(name, old), self.show(name, value)))
        held = {self.held[s.skill_id].uri: s for s in offer.skills.all() if s.skill_id in self.held}
        skills: dict[str, bool] = {}
        if plan.skills is not None:
            # Each skills column of the file replaces its part; the other part stays.
            for uri, skill in held.items():
                column = "essential_skills" if skill.essential else "optional_skills"
                if column not in self.found:
                    skills[uri] = skill.essential
            skills.update(plan.skills)
            for name, essential in (("essential_skills", True), ("optional_skills", False)):
                old = sorted(
                    self.concept_label(u) for u, s in held.items() if s.essential == essential
                )
                new = sorted(self.concept_label(u) for u, e in skills.items() if e == essential)
                if old != new:
                    changes.append(
                        Change(
                            name, self.show(name, "; ".join(old)), self.show(name, "; ".join(new))
                        )
                    )
        held_languages = {lang.language: lang.min_level for lang in offer.languages.all()}
        if plan.languages is not None and plan.languages != held_languages:
            changes.append(
                Change(
                    "languages",
                    self.show("languages", _languages_text(held_languages)),
                    self.show("languages", _languages_text(plan.languages)),
                )
            )
        if plan.status and plan.status != offer.status:
            changes.append(
                Change(
                    "status",
                    self.show("status", offer.status),
                    self.show("status", plan.status),
                )
            )
        if not changes:
            self.report.lines.append(
                PlannedLine(line=line, action=Action.UNCHANGED, label=self.label(plan))
            )
            return

        def write() -> None:
            if changed:
                offer_update(by=self.by, offer=offer, fields=changed)
            if plan.skills is not None:
                self.set_skills(offer, skills, held)
            if plan.languages is not None:
                self.set_languages(offer, plan.languages, held_languages)
            if plan.status == OfferStatus.OPEN and offer.status != OfferStatus.OPEN:
                self.publish(offer)
            elif plan.status and plan.status != offer.status:
                offer_move(by=self.by, offer=offer, status=plan.status)
            elif offer.status == OfferStatus.OPEN:
                # An open offer stays publishable after the file's changes.
                self.check_publishable(offer)

        if self.write(line, write, default="status"):
            self.report.lines.append(
                PlannedLine(
                    line=line,
                    action=Action.UPDATE,
                    label=self.label(plan),
                    changes=tuple(changes),
                )
            )

    def concept_of(self, uri: str) -> Concept:
        """A concept named in the file or held by an offer of the file."""
        return self.concepts.get(uri) or next(c for c in self.held.values() if c.uri == uri)

    def concept_label(self, uri: str) -> str:
        return self.concept_of(uri).label()

    def set_skills(
        self, offer: Offer, wanted: dict[str, bool], held: dict[str, OfferSkill]
    ) -> None:
        """The offer's skills become ``wanted`` (URI → essential)."""
        if not may_edit(self.by, offer.employer):
            raise PermissionDenied
        gone = [s.pk for uri, s in held.items() if uri not in wanted]
        if gone:
            # The audit log hears of each removal: delete() signals every row.
            OfferSkill.objects.filter(pk__in=gone).delete()
        accepted = [
            (
                self.concept_of(uri),
                essential,
                held[uri].origin if uri in held else OfferSkill.Origin.IMPORT,
            )
            for uri, essential in wanted.items()
            if uri not in held or held[uri].essential != essential
        ]
        if accepted:
            offer_skills_accept(by=self.by, offer=offer, accepted=accepted)

    def set_languages(self, offer: Offer, wanted: dict[str, str], held: dict[str, str]) -> None:
        """The offer's languages become ``wanted`` (code → minimum CEFR level)."""
        if not may_edit(self.by, offer.employer):
            raise PermissionDenied
        for language in offer.languages.all():
            if language.language not in wanted:
                language.delete()
            elif language.min_level != wanted[language.language]:
                language.min_level = wanted[language.language]
                language.full_clean()
                language.save()
        for code, level in wanted.items():
            if code not in held:
                language = OfferLanguage(offer=offer, language=code, min_level=level)
                language.full_clean()
                language.save()

    def publish(self, offer: Offer) -> None:
        try:
            offer_move(by=self.by, offer=offer, status=OfferStatus.OPEN)
        except ValidationError as error:
            raise self._publish_error(error) from None

    def check_publishable(self, offer: Offer) -> None:
        try:
            offer.check_publishable()
        except ValidationError as error:
            raise self._publish_error(error) from None

    def _publish_error(self, error: ValidationError) -> ValidationError:
        """Why the offer cannot be open, keyed by the column that fixes it."""
        by_column: dict[str, list[ValidationError]] = {}
        for item in error.error_list:
            column = _PUBLISH_COLUMNS.get(str(item.code), "status")
            by_column.setdefault(column, []).append(item)
        return ValidationError(by_column)


def _languages_text(languages: dict[str, str]) -> str:
    return "; ".join(f"{code}:{level}" for code, level in sorted(languages.items()))
