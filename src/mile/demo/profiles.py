"""Invented skills profiles for the demo participants: education, work experience,
availability and preferences, and a small CV (a generated PDF) for a few of them.

Only participants whose profile part is still empty get one, so a second run changes nothing.
Occupations are linked to ESCO where it was imported (``make run`` does it first).
"""

from __future__ import annotations

import datetime as dt
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile

from mile.accounts.models import Membership
from mile.core.roles import Role
from mile.participants.documents import document_store
from mile.participants.models import (
    DigitalLevel,
    DocumentKind,
    DrivingLicence,
    Hours,
    IscedField,
    IscedLevel,
    Participant,
    Recognition,
)
from mile.taxonomy.models import Concept

# (English ESCO label, job title as the person wrote it, tasks, NACE section of the job)
JOBS = [
    ("cook", "Cook", "Prepared meals for 150 guests a day.\nCleaned the kitchen.\nOrdered food supplies.", "I"),
    ("kitchen assistant", "Kitchen helper", "Washed dishes and cleaned the kitchen.\nPrepared vegetables.", "I"),
    ("warehouse worker", "Warehouse worker", "Loaded and unloaded trucks.\nChecked stock levels.\nUsed a forklift.", "H"),
    ("shop assistant", "Shop assistant", "Served customers.\nOperated the cash register.\nFilled the shelves.", "G"),
    ("bricklayer", "Builder", "Laid bricks and built walls.\nMixed mortar.\nRead construction plans.", "F"),
    ("tailor", "Tailor", "Sewed and repaired clothes.\nTook measurements of customers.", "C"),
    ("room attendant", "Hotel cleaner", "Cleaned rooms.\nChanged bed linen.\nReported damage to the manager.", "I"),
    ("fruit and vegetable picker", "Farm worker", "Picked fruit and vegetables.\nPacked boxes for transport.", "A"),
    ("electrician", "Electrician", "Installed electrical wiring in houses.\nRepaired lights and sockets.", "F"),
    ("healthcare assistant", "Care assistant", "Helped older people wash and dress.\nServed meals.", "Q"),
]  # fmt: skip
EMPLOYERS = [
    "Al-Mithal Trading",
    "Exempla Foods",
    "Sample Build Co.",
    "Probe & Sons",
    "Muster Hotel",
]
STUDIES = [
    (IscedLevel.LOWER_SECONDARY, IscedField.GENERIC, "Secondary school certificate"),
    (IscedLevel.UPPER_SECONDARY, IscedField.SERVICES, "Vocational diploma in catering"),
    (IscedLevel.UPPER_SECONDARY, IscedField.ENGINEERING, "Vocational diploma in construction"),
    (IscedLevel.BACHELOR, IscedField.BUSINESS, "Bachelor in business administration"),
    (IscedLevel.PRIMARY, IscedField.GENERIC, "Primary school"),
    (IscedLevel.BACHELOR, IscedField.ICT, "Bachelor in computer science"),
]
# One CV for every so many participants.
CV_EVERY = 6


def load_profiles() -> int:
    """Profiles for the MILE demo participants; returns how many were filled."""
    rng = random.Random(4711)  # a fixed seed: the demo is the same for everyone
    occupations = {
        c.label("en").lower(): c
        for c in Concept.objects.with_labels("en").filter(
            kind="occupation",
            labels__language="en",
            labels__kind="p",
            labels__folded__in=[job[0] for job in JOBS],
        )
    }
    filled = 0
    people = Participant.objects.filter(programme__slug="mile").order_by("pk")
    for n, person in enumerate(people):
        # The same draws on every run, whether or not this person is filled now.
        job = JOBS[n % len(JOBS)]
        second = JOBS[(n + 3) % len(JOBS)]
        study = STUDIES[n % len(STUDIES)]
        country = person.nationalities[0].code if person.nationalities else ""
        start = 2008 + rng.randrange(6)
        if not person.education.exists():
            person.education.create(
                level=study[0],
                field=study[1],
                title=study[2],
                institution=f"{rng.choice(['Al-Noor', 'Sample', 'Exempla'])} Institute",
                country=country,
                start_year=start - 4,
                end_year=start - 1,
                recognition=list(Recognition)[n % len(Recognition)],
            )
            filled += 1
        if not person.work_experience.exists():
            for (label, title, tasks, _sector), begin, years in (
                (second, start, 2),
                (job, start + 3, 3),
            ):
                person.work_experience.create(
                    occupation=occupations.get(label),
                    job_title=title,
                    employer=EMPLOYERS[(n + begin) % len(EMPLOYERS)],
                    country=country,
                    started_on=dt.date(begin, 1 + n % 12, 1),
                    ended_on=dt.date(begin + years, 1 + n % 12, 1),
                    tasks=tasks,
                )
        if not person.digital_level:
            person.digital_level = list(DigitalLevel)[n % 3]
            person.driving_licences = [DrivingLicence.B] if n % 3 == 0 else []
            person.available_from = dt.date(2019, 3 + n % 9, 1)
            person.hours_per_week = (20, 30, 40)[n % 3]
            person.preferred_hours = list(Hours)[n % 3]
            person.preferred_sectors = sorted({job[3], second[3]})
            person.preferred_places = person.site.city
            person.save()
            if occupations.get(job[0]):
                person.preferred_occupations.add(occupations[job[0]])
        if n % CV_EVERY == 0 and not person.documents.filter(kind=DocumentKind.CV).exists():
            _store_cv(person, job)
    return filled


def _store_cv(person: Participant, job: tuple[str, str, str, str]) -> None:
    staff = Membership.objects.filter(
        programme=person.programme, site=person.site, role=Role.PARTNER_STAFF, is_active=True
    ).first()
    if staff is None:
        return
    lines = [
        f"Curriculum vitae - {person.given_names} {person.family_name}",
        "(invented demo person)",
        "",
        "Work experience",
        job[1],
        *job[2].splitlines(),
        "",
        "Languages",
        "Mother tongue and some words of the host country's language.",
    ]
    upload = SimpleUploadedFile("cv.pdf", cv_pdf(lines), content_type="application/pdf")
    document_store(
        by=staff.user,
        participant=person,
        upload=upload,
        kind=DocumentKind.CV,
        description="CV (demo)",
    )


def cv_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with the lines in Helvetica: enough for a demo CV, no library needed."""
    ops = ["BT", "/F1 11 Tf", "60 780 Td", "15 TL"]
    for line in lines:
        safe = line.encode("latin-1", "replace").decode("latin-1")
        escaped = safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"({escaped}) Tj T*")
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()
