"""The invented world of the demo. Names look invented on purpose: no real person or company."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import date

from mile.core.roles import Role
from mile.programmes.models import NaceSection, OrganisationType, Relation, SizeBand

DEMO_PASSWORD = "Demo-MILE-2026!"
DEMO_DOMAIN = "demo.mile.example"


def demo_totp_secret(email: str) -> str:
    """A fixed base32 secret per demo user, so the README and the tests can compute codes."""
    digest = hashlib.sha256(f"mile-demo-totp:{email}".encode()).digest()[:20]
    return base64.b32encode(digest).decode()


@dataclass(frozen=True)
class Org:
    key: str
    name: str
    type: str
    country: str
    city: str
    website: str = ""
    nace: str = ""
    size: str = ""


@dataclass(frozen=True)
class ProgrammeSpec:
    slug: str
    name: str
    description: str
    funder: str
    grant_reference: str
    starts_on: date
    ends_on: date
    countries: tuple[str, ...]
    languages: tuple[str, ...]
    tracks: tuple[tuple[str, str, int], ...]
    # (organisation key, relation)
    involvements: tuple[tuple[str, str], ...]
    # (city, country, lead partner key)
    sites: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class Person:
    email: str
    full_name: str
    language: str
    superuser: bool
    # (programme slug, organisation key, role, site city or "")
    memberships: tuple[tuple[str, str, str, str], ...]


def _o(key: str, name: str, kind: str, country: str, city: str, **kw: str) -> Org:
    return Org(key, name, kind, country, city, **kw)


P, E, S = OrganisationType.PARTNER, OrganisationType.EMPLOYER, OrganisationType
ORGANISATIONS = [
    # MILE consortium
    _o(
        "ponte",
        "Fondazione Ponte Lavoro (demo)",
        P,
        "IT",
        "Milan",
        website="https://ponte-lavoro.example",
    ),
    _o(
        "tirol",
        "Verein Brücke Tirol (demo)",
        P,
        "AT",
        "Innsbruck",
        website="https://bruecke-tirol.example",
    ),
    _o("athina", "Kentro Gefyra Athinas (demo)", P, "GR", "Athens"),
    _o("patra", "Diktyo Patras Paradeigma (demo)", P, "GR", "Patras"),
    _o("vila", "Fundació Pont Viladecans (demo)", P, "ES", "Viladecans"),
    # MIraGE consortium
    _o("sofia", "Sofia Integration Forum (demo)", P, "BG", "Sofia"),
    _o("goteborg", "Brobyggarna Göteborg (demo)", P, "SE", "Gothenburg"),
    _o("roma", "Cooperativa Esempio Roma (demo)", P, "IT", "Rome"),
    _o("lyon", "Association Passerelle Lyon (demo)", P, "FR", "Lyon"),
    _o("wien", "Beispielverein Wien (demo)", P, "AT", "Vienna"),
    _o("nicosia", "Paradeigma Nicosia Centre (demo)", P, "CY", "Nicosia"),
    _o("bucuresti", "Asociația Exemplu București (demo)", P, "RO", "Bucharest"),
    _o("budapest", "Példa Egyesület Budapest (demo)", P, "HU", "Budapest"),
    _o("plovdiv", "Plovdiv Bridges Lab (demo)", S.UNIVERSITY, "BG", "Plovdiv"),
    _o("malmo", "Malmö Exempel Akademi (demo)", S.VET_PROVIDER, "SE", "Malmö"),
    _o("cluj", "Cluj Sample Union (demo)", S.TRADE_UNION, "RO", "Cluj-Napoca"),
    _o("marseille", "Marseille Modèle Emploi (demo)", S.EMPLOYMENT_AGENCY, "FR", "Marseille"),
    # Employers
    _o(
        "alpenblick",
        "Alpenblick Hotelbetriebe Demo GmbH",
        E,
        "AT",
        "Innsbruck",
        nace=NaceSection.I,
        size=SizeBand.MEDIUM,
        website="https://alpenblick-demo.example",
    ),
    _o(
        "brambilla",
        "Officine Brambilla Demo S.r.l.",
        E,
        "IT",
        "Milan",
        nace=NaceSection.C,
        size=SizeBand.SMALL,
    ),
    _o(
        "ergo",
        "Ergo Patra Logistics Demo",
        E,
        "GR",
        "Patras",
        nace=NaceSection.H,
        size=SizeBand.LARGE,
    ),
    _o(
        "cuina",
        "Cuina Exemple Viladecans SL",
        E,
        "ES",
        "Viladecans",
        nace=NaceSection.I,
        size=SizeBand.MICRO,
    ),
    _o(
        "kataskevi",
        "Kataskeves Demo Athina AE",
        E,
        "GR",
        "Athens",
        nace=NaceSection.F,
        size=SizeBand.MEDIUM,
    ),
    _o(
        "sofiasoft",
        "Sofia Demo Soft EOOD",
        E,
        "BG",
        "Sofia",
        nace=NaceSection.J,
        size=SizeBand.SMALL,
    ),
    # Stakeholders
    _o("ams", "Arbeitsmarkt-Demoservice Tirol", S.EMPLOYMENT_AGENCY, "AT", "Innsbruck"),
    _o("comune", "Comune di Esempiopoli", S.PUBLIC_AUTHORITY, "IT", "Milan"),
    _o("migrassoc", "Migrant Voices Demo Association", S.MIGRANT_ASSOCIATION, "GR", "Athens"),
    _o(
        "employers_assoc",
        "Tiroler Demo-Wirtschaftsbund",
        S.EMPLOYERS_ASSOCIATION,
        "AT",
        "Innsbruck",
    ),
    _o("ngo_patras", "Allilengyi Demo Patras", S.NGO, "GR", "Patras"),
    _o("uni_milano", "Università Demo di Milano", S.UNIVERSITY, "IT", "Milan"),
    _o("iom_demo", "International Demo Migration Office", S.INTERNATIONAL, "CH", "Geneva"),
]

PROGRAMMES = [
    ProgrammeSpec(
        slug="mile",
        name="MILE",
        description="Migrants Integration in the Labour market in Europe: pathways designed with "
        "employers so that each company and each migrant can be matched.",
        funder="Asylum, Migration and Integration Fund (AMIF)",
        grant_reference="AMIF-DEMO-2017-0001",
        starts_on=date(2018, 1, 1),
        ends_on=date(2027, 12, 31),  # extended: the demo takes applications
        countries=("AT", "GR", "IT", "ES"),
        languages=("en", "it", "de", "el", "es"),
        tracks=(
            (
                "Comprehensive",
                "Skills assessment, technical and soft-skills training including the "
                "host country's language, job guidance, tutoring, work placement, post-placement "
                "support, validation.",
                120,
            ),
            ("Light", "Soft-skills and language training, job guidance, validation.", 400),
        ),
        involvements=(
            ("ponte", Relation.LEAD),
            ("tirol", Relation.PARTNER),
            ("athina", Relation.PARTNER),
            ("patra", Relation.PARTNER),
            ("vila", Relation.PARTNER),
            ("alpenblick", Relation.EMPLOYER),
            ("brambilla", Relation.EMPLOYER),
            ("ergo", Relation.EMPLOYER),
            ("cuina", Relation.EMPLOYER),
            ("kataskevi", Relation.EMPLOYER),
            ("ams", Relation.STAKEHOLDER),
            ("comune", Relation.STAKEHOLDER),
            ("migrassoc", Relation.STAKEHOLDER),
            ("employers_assoc", Relation.STAKEHOLDER),
            ("ngo_patras", Relation.STAKEHOLDER),
            ("uni_milano", Relation.STAKEHOLDER),
            ("iom_demo", Relation.ASSOCIATE),
        ),
        sites=(
            ("Milan", "IT", "ponte"),
            ("Innsbruck", "AT", "tirol"),
            ("Athens", "GR", "athina"),
            ("Patras", "GR", "patra"),
            ("Viladecans", "ES", "vila"),
        ),
    ),
    ProgrammeSpec(
        slug="mirage",
        name="MIraGE",
        description="Migrants integration through training, legal guidance and self-employment "
        "support, with employers trained on legislation and procedures.",
        funder="Asylum, Migration and Integration Fund (AMIF)",
        grant_reference="AMIF-DEMO-2018-0002",
        starts_on=date(2018, 12, 1),
        ends_on=date(2021, 11, 30),
        countries=("BG", "SE", "IT", "FR", "AT", "CY", "RO", "HU"),
        languages=("en", "it", "bg", "fr", "ro", "de", "el", "sv", "hu"),
        tracks=(
            (
                "Training and guidance",
                "Legal framework, self-employment and financial support, "
                "soft skills and job guidance.",
                300,
            ),
        ),
        involvements=(
            ("sofia", Relation.LEAD),
            ("goteborg", Relation.PARTNER),
            ("roma", Relation.PARTNER),
            ("lyon", Relation.PARTNER),
            ("wien", Relation.PARTNER),
            ("nicosia", Relation.PARTNER),
            ("bucuresti", Relation.PARTNER),
            ("budapest", Relation.PARTNER),
            ("plovdiv", Relation.PARTNER),
            ("malmo", Relation.PARTNER),
            ("cluj", Relation.PARTNER),
            ("marseille", Relation.PARTNER),
            ("sofiasoft", Relation.EMPLOYER),
        ),
        sites=(
            ("Sofia", "BG", "sofia"),
            ("Gothenburg", "SE", "goteborg"),
            ("Rome", "IT", "roma"),
            ("Lyon", "FR", "lyon"),
            ("Vienna", "AT", "wien"),
            ("Nicosia", "CY", "nicosia"),
            ("Bucharest", "RO", "bucuresti"),
            ("Budapest", "HU", "budapest"),
        ),
    ),
]


def _email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


PEOPLE = [
    Person(_email("admin"), "Ada Adminova", "en", True, (("mile", "ponte", Role.ADMIN, ""),)),
    Person(
        _email("coordinator"),
        "Clara Coordinatrice",
        "en",
        False,
        (("mile", "ponte", Role.COORDINATOR, "Milan"),),
    ),
    Person(
        _email("caseworker.milan"),
        "Marco Esempio",
        "it",
        False,
        (("mile", "ponte", Role.PARTNER_STAFF, "Milan"),),
    ),
    Person(
        _email("caseworker.innsbruck"),
        "Anna Beispielhofer",
        "de",
        False,
        (("mile", "tirol", Role.PARTNER_STAFF, "Innsbruck"),),
    ),
    Person(
        _email("caseworker.athens"),
        "Nikos Ypodeigmatos",
        "el",
        False,
        (("mile", "athina", Role.PARTNER_STAFF, "Athens"),),
    ),
    Person(
        _email("trainer.patras"),
        "Eleni Paradeigmatou",
        "el",
        False,
        (("mile", "patra", Role.PARTNER_STAFF, "Patras"),),
    ),
    Person(
        _email("employer.innsbruck"),
        "Erik Arbeitgebermann",
        "de",
        False,
        (("mile", "alpenblick", Role.EMPLOYER_CONTACT, "Innsbruck"),),
    ),
    Person(
        _email("employer.milan"),
        "Giulia Brambilla",
        "it",
        False,
        (("mile", "brambilla", Role.EMPLOYER_CONTACT, "Milan"),),
    ),
    Person(
        _email("stakeholder"),
        "Stella Stakeholder",
        "en",
        False,
        (("mile", "ams", Role.STAKEHOLDER, "Innsbruck"),),
    ),
    Person(
        _email("evaluator"),
        "Evi Evaluatorin",
        "en",
        False,
        (("mile", "uni_milano", Role.EVALUATOR, ""), ("mirage", "plovdiv", Role.EVALUATOR, "")),
    ),
    Person(
        _email("coordinator.mirage"),
        "Boris Primerov",
        "bg",
        False,
        (("mirage", "sofia", Role.COORDINATOR, "Sofia"),),
    ),
    Person(
        _email("caseworker.lyon"),
        "Léa Exemplaire",
        "fr",
        False,
        (("mirage", "lyon", Role.PARTNER_STAFF, "Lyon"),),
    ),
]
