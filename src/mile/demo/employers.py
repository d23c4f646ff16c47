"""The demo programmes' employers: profile, workplaces, needs, engagement log, offers, candidates.

Each employer organisation involved in a demo programme becomes an employer of that programme
at the site of its city, created by the programme's coordinator through the services staff
use. Offers get their ESCO occupation and its essential skills where ESCO was imported
(``make run`` does it first); without ESCO they stay drafts, since publishing needs a skill.
Open offers get candidates from the same site who agreed to share their profile with
employers; the Innsbruck hotel's contact answers some of them.

Running it again changes nothing: each part (workplaces, needs, log, offers) is only filled
while it is empty, and consent is only asked of people who were never asked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from mile.accounts.models import Membership
from mile.core.roles import Role
from mile.demo.data import ORGANISATIONS
from mile.employers import services
from mile.employers.models import (
    ContractType,
    Decision,
    Employer,
    EmployerStatus,
    Engagement,
    EngagementKind,
    Obstacle,
    Offer,
    OfferKind,
    OfferStatus,
    Proposal,
    Support,
    Workplace,
)
from mile.participants.consent import has_consent
from mile.participants.models import Participant, Purpose, Status
from mile.participants.services import consent_record
from mile.programmes.models import Involvement, Organisation, Programme, Relation, Site
from mile.taxonomy.models import Concept, Kind, Label, fold

# A date, or a number of days from today (negative: ago) for what must stay current.
When = dt.date | int


@dataclass(frozen=True)
class WorkplaceSpec:
    name: str
    street: str
    postcode: str
    city: str
    country: str
    latitude: str
    longitude: str


@dataclass(frozen=True)
class NeedsSpec:
    assessed_on: When
    # English preferred labels of ESCO occupations and skills; those missing are left out.
    occupations: tuple[str, ...]
    skills: tuple[str, ...]
    planned_hires: int | None
    obstacles: tuple[str, ...]
    support: tuple[str, ...]
    obstacles_other: str = ""
    support_other: str = ""


@dataclass(frozen=True)
class EngagementSpec:
    kind: str
    occurred_on: When
    subject: str
    outcome: str


@dataclass(frozen=True)
class OfferSpec:
    title: str
    kind: str
    # English preferred labels of ESCO occupations, the first one found is taken.
    occupations: tuple[str, ...]
    description: str
    status: str
    starts_on: When
    ends_on: When | None
    hours_per_week: int
    places: int
    paid: bool
    contract_type: str
    languages: tuple[tuple[str, str], ...]
    tutor_name: str = ""
    tutor_email: str = ""
    workplace: int = 0
    driving_licence: str = ""
    other_requirements: str = ""
    remote_possible: bool = False
    # Candidates proposed while the offer is open, and the employer's answers to them in
    # order of proposal: (decision, reason).
    candidates: int = 0
    answers: tuple[tuple[str, str], ...] = ()
    # The proposal (by position) whose candidate agreed to share their name.
    share_identity: int | None = None
    duplicate: bool = False


@dataclass(frozen=True)
class EmployerSpec:
    key: str
    status: str
    description: str
    diversity_charter: bool = False
    hosts_placements: bool = False
    mentors: bool = False
    workplaces: tuple[WorkplaceSpec, ...] = ()
    needs: tuple[NeedsSpec, ...] = ()
    engagements: tuple[EngagementSpec, ...] = ()
    offers: tuple[OfferSpec, ...] = ()


OB, SU = Obstacle, Support
K = EngagementKind
PLACEMENT, JOB = OfferKind.PLACEMENT, OfferKind.JOB

EMPLOYERS = [
    EmployerSpec(
        key="alpenblick",
        status=EmployerStatus.HOSTING,
        description="Family-run group of two hotels in and above Innsbruck (invented for the "
        "demo): 140 rooms, a restaurant and a spa. Hosts kitchen and housekeeping placements "
        "every season; two of its staff were trained as mentors.",
        diversity_charter=True,
        hosts_placements=True,
        mentors=True,
        workplaces=(
            WorkplaceSpec(
                "Hotel Alpenblick Innsbruck",
                "Beispielgasse 7",
                "6020",
                "Innsbruck",
                "AT",
                "47.266410",
                "11.395120",
            ),
            WorkplaceSpec(
                "Alpenblick Seehof Igls",
                "Musterweg 3",
                "6080",
                "Innsbruck",
                "AT",
                "47.230770",
                "11.409340",
            ),
        ),
        needs=(
            NeedsSpec(
                dt.date(2019, 4, 2),
                ("kitchen assistant", "room attendant"),
                ("clean rooms", "comply with food safety and hygiene", "German"),
                4,
                (OB.LANGUAGE, OB.PROCEDURES, OB.WORK_PERMITS),
                (SU.LANGUAGE_TRAINING, SU.ADMINISTRATIVE, SU.RECRUITMENT),
                obstacles_other="Seasonal contracts end in autumn and people have to find "
                "winter work.",
            ),
            NeedsSpec(
                -25,
                (
                    "kitchen assistant",
                    "cook",
                    "room attendant",
                    "hospitality establishment receptionist",
                ),
                (
                    "comply with food safety and hygiene",
                    "work in a hospitality team",
                    "German",
                    "English",
                ),
                6,
                (OB.LANGUAGE, OB.UNCERTAIN_STAY),
                (SU.LANGUAGE_TRAINING, SU.MENTORING, SU.RECRUITMENT),
                support_other="A short German course on kitchen words before the placement.",
            ),
        ),
        engagements=(
            EngagementSpec(
                K.CONTACT,
                dt.date(2019, 3, 12),
                "First call with the HR manager",
                "Interested in placements in the kitchen and in housekeeping; meeting agreed.",
            ),
            EngagementSpec(
                K.MEETING,
                dt.date(2019, 4, 2),
                "Meeting at the hotel with the HR manager and the head chef",
                "Agreed to host two placements in the summer season. Erik Arbeitgebermann is "
                "the contact for the programme.",
            ),
            EngagementSpec(
                K.TRAINING_DESIGN,
                dt.date(2019, 6, 18),
                "Workshop with the partners to design the kitchen course",
                "The head chef listed the tasks trainees should master before a placement.",
            ),
            EngagementSpec(
                K.TRAINING,
                dt.date(2020, 2, 11),
                "Training for employers: hiring third-country nationals",
                "Two managers attended; their questions about work permits were answered.",
            ),
            EngagementSpec(
                K.EVENT,
                dt.date(2021, 5, 20),
                "Employers' breakfast of the Innsbruck site",
                "Told other employers about their experience with the placements.",
            ),
            EngagementSpec(
                K.MEETING,
                -25,
                "Planning the next placement season",
                "Two placements in the kitchen and one in housekeeping; the offers are being "
                "prepared.",
            ),
        ),
        offers=(
            OfferSpec(
                "Kitchen assistant, summer season",
                PLACEMENT,
                ("kitchen assistant", "cook", "chef"),
                "Prepare vegetables and salads, help the cooks during service, wash up and "
                "keep the kitchen clean following the hygiene plan. Lunch and dinner shifts, "
                "two days off a week.",
                OfferStatus.OPEN,
                30,
                120,
                38,
                2,
                True,
                ContractType.PLACEMENT_AGREEMENT,
                (("de", "B1"),),
                tutor_name="Hannes Probegger",
                tutor_email="kueche@alpenblick-demo.example",
                other_requirements="Safety shoes; work clothes are provided.",
                candidates=3,
                answers=(
                    (
                        Decision.ACCEPTED,
                        "Good fit for our kitchen; we invite the candidate for a trial day.",
                    ),
                    (Decision.DECLINED, "Not available at weekends, which the season needs."),
                ),
                share_identity=0,
                duplicate=True,
            ),
            OfferSpec(
                "Room attendant",
                PLACEMENT,
                ("room attendant",),
                "Clean and prepare guest rooms, change the bed linen, restock the minibar and "
                "report damage to the housekeeping supervisor.",
                OfferStatus.DRAFT,
                45,
                135,
                30,
                1,
                True,
                ContractType.PLACEMENT_AGREEMENT,
                (("de", "A2"),),
                tutor_name="Maria Musterer",
                tutor_email="housekeeping@alpenblick-demo.example",
                workplace=1,
            ),
            OfferSpec(
                "Receptionist",
                JOB,
                ("hospitality establishment receptionist", "receptionist"),
                "Check guests in and out, answer calls and e-mails, take bookings and give tips "
                "about Innsbruck.",
                OfferStatus.FILLED,
                -30,
                None,
                40,
                1,
                True,
                ContractType.PERMANENT,
                (("de", "B2"), ("en", "B1")),
                tutor_name="Erik Arbeitgebermann",
            ),
        ),
    ),
    EmployerSpec(
        key="brambilla",
        status=EmployerStatus.ENGAGED,
        description="Small metalworking shop in the east of Milan (invented for the demo) "
        "making frames and brackets for furniture makers. Looking for assemblers and machine "
        "operators; its first placement is being planned.",
        hosts_placements=True,
        workplaces=(
            WorkplaceSpec(
                "Officina Brambilla",
                "Via dell'Esempio 14",
                "20138",
                "Milan",
                "IT",
                "45.452180",
                "9.245630",
            ),
        ),
        needs=(
            NeedsSpec(
                dt.date(2020, 1, 21),
                ("metal products assembler", "computer numerical control machine operator"),
                (
                    "assemble metal parts",
                    "read standard blueprints",
                    "use measurement instruments",
                    "Italian",
                ),
                2,
                (OB.LANGUAGE, OB.RECOGNITION, OB.INFORMATION),
                (SU.RECRUITMENT, SU.LEGAL, SU.LANGUAGE_TRAINING),
                obstacles_other="Safety instructions on the shop floor are only in Italian.",
            ),
        ),
        engagements=(
            EngagementSpec(
                K.CONTACT,
                dt.date(2019, 10, 8),
                "Introduced by the Comune di Esempiopoli",
                "Sent information about the programme and the placement agreement.",
            ),
            EngagementSpec(
                K.MEETING,
                dt.date(2020, 1, 21),
                "Visit to the workshop",
                "Needs assemblers; worried about Italian on the shop floor and about safety "
                "training.",
            ),
            EngagementSpec(
                K.TRAINING,
                dt.date(2020, 10, 14),
                "Online training for employers: recognition of qualifications from abroad",
                "The owner attended.",
            ),
            EngagementSpec(
                K.CONTACT,
                -14,
                "Call about a placement in assembly",
                "Offer written together; Italian A2 is enough with a tutor beside the trainee.",
            ),
        ),
        offers=(
            OfferSpec(
                "Assembler of metal frames",
                PLACEMENT,
                ("metal products assembler", "sheet metal worker"),
                "Assemble metal frames and brackets from drawings, check the measurements and "
                "prepare orders for shipping. Safety training on the first day.",
                OfferStatus.OPEN,
                21,
                111,
                40,
                2,
                True,
                ContractType.PLACEMENT_AGREEMENT,
                (("it", "A2"),),
                tutor_name="Giulia Brambilla",
                tutor_email="officina@brambilla-demo.example",
                other_requirements="Safety shoes.",
                candidates=2,
            ),
            OfferSpec(
                "CNC machine operator",
                JOB,
                ("computer numerical control machine operator",),
                "Set up and run the CNC machines, check the first pieces of each batch and "
                "keep the machines clean.",
                OfferStatus.DRAFT,
                60,
                None,
                40,
                1,
                True,
                ContractType.FIXED_TERM,
                (("it", "B1"),),
                tutor_name="Giulia Brambilla",
                other_requirements="Experience with CNC machines is an advantage.",
            ),
        ),
    ),
    EmployerSpec(
        key="ergo",
        status=EmployerStatus.HOSTING,
        description="Logistics company (invented for the demo) with a warehouse in the "
        "industrial zone of Patras and a depot at the port. Hosts placements in the warehouse "
        "and hires seasonal staff for the summer.",
        diversity_charter=True,
        hosts_placements=True,
        workplaces=(
            WorkplaceSpec(
                "Ergo warehouse",
                "Industrial zone, block 12",
                "25018",
                "Patras",
                "GR",
                "38.180540",
                "21.781260",
            ),
            WorkplaceSpec(
                "Port depot",
                "Odos Paradeigmatos 3",
                "26222",
                "Patras",
                "GR",
                "38.241630",
                "21.727950",
            ),
        ),
        needs=(
            NeedsSpec(
                dt.date(2019, 5, 15),
                ("warehouse worker", "forklift operator"),
                ("operate forklift", "stack goods", "load cargo", "Greek"),
                8,
                (OB.LANGUAGE, OB.WORK_PERMITS, OB.PROCEDURES),
                (SU.ADMINISTRATIVE, SU.RECRUITMENT),
            ),
            NeedsSpec(
                dt.date(2021, 6, 10),
                ("warehouse worker", "warehouse order picker"),
                ("operate forklift", "manage warehouse inventory", "pack goods"),
                10,
                (OB.PROCEDURES, OB.UNCERTAIN_STAY),
                (SU.ADMINISTRATIVE, SU.LEGAL),
                obstacles_other="Permits were renewed too late for the start of the season.",
            ),
        ),
        engagements=(
            EngagementSpec(
                K.PROGRAMME_DESIGN,
                dt.date(2019, 2, 27),
                "Consultation on the programme's placement model",
                "Asked for placements of three months that can lead to a seasonal contract.",
            ),
            EngagementSpec(
                K.MEETING,
                dt.date(2019, 5, 15),
                "Meeting with the warehouse manager",
                "Needs staff for the summer peak; forklift licence a plus.",
            ),
            EngagementSpec(
                K.TRAINING,
                dt.date(2020, 9, 30),
                "Training for employers: diversity management",
                "The warehouse manager and a team leader attended.",
            ),
            EngagementSpec(
                K.EVENT,
                dt.date(2021, 6, 10),
                "Job fair in Patras",
                "Interviewed five participants; two were hired for the summer.",
            ),
            EngagementSpec(
                K.CONTACT,
                -30,
                "Follow-up on the seasonal staff",
                "Happy with the people hired; a new forklift placement is open.",
            ),
        ),
        offers=(
            OfferSpec(
                "Forklift operator",
                PLACEMENT,
                ("forklift operator",),
                "Move pallets with the forklift, load and unload lorries and keep the aisles "
                "clear. Forklift training is given in the first week.",
                OfferStatus.OPEN,
                14,
                104,
                40,
                2,
                True,
                ContractType.PLACEMENT_AGREEMENT,
                (("el", "A2"), ("en", "A2")),
                tutor_name="Giorgos Dokimakis",
                tutor_email="warehouse@ergo-demo.example",
                driving_licence="B",
                candidates=2,
            ),
            OfferSpec(
                "Warehouse worker, summer season",
                JOB,
                ("warehouse worker",),
                "Pick and pack orders, check deliveries against the delivery notes and keep "
                "the stock counts up to date.",
                OfferStatus.FILLED,
                -40,
                50,
                40,
                4,
                True,
                ContractType.SEASONAL,
                (("el", "A2"),),
                tutor_name="Giorgos Dokimakis",
            ),
            OfferSpec(
                "Order picker",
                PLACEMENT,
                ("warehouse order picker",),
                "Pick orders with a hand scanner and prepare them for shipping.",
                OfferStatus.CLOSED,
                dt.date(2020, 6, 1),
                dt.date(2020, 8, 31),
                30,
                2,
                False,
                ContractType.PLACEMENT_AGREEMENT,
                (("el", "A2"),),
                workplace=1,
            ),
        ),
    ),
    EmployerSpec(
        key="cuina",
        status=EmployerStatus.PROSPECT,
        description="Small restaurant in Viladecans (invented for the demo) serving Catalan "
        "cooking, twelve staff. Met the programme at a job fair and is thinking about a first "
        "placement in the kitchen.",
        workplaces=(
            WorkplaceSpec(
                "Restaurant Cuina Exemple",
                "Carrer de l'Exemple 9",
                "08840",
                "Viladecans",
                "ES",
                "41.314230",
                "2.013870",
            ),
        ),
        needs=(
            NeedsSpec(
                dt.date(2021, 4, 7),
                ("cook", "kitchen assistant"),
                ("use food preparation techniques", "clean kitchen equipment", "Spanish"),
                1,
                (OB.LANGUAGE, OB.INFORMATION, OB.CULTURAL),
                (SU.INTERCULTURAL, SU.RECRUITMENT),
                support_other="Someone to explain the placement agreement step by step.",
            ),
        ),
        engagements=(
            EngagementSpec(
                K.EVENT,
                dt.date(2021, 3, 18),
                "Met at the Viladecans job fair",
                "The owner took the programme's leaflet.",
            ),
            EngagementSpec(
                K.CONTACT,
                dt.date(2021, 4, 7),
                "Call with the owner",
                "Needs help in the kitchen in summer; unsure about the paperwork.",
            ),
            EngagementSpec(
                K.CONTACT,
                -40,
                "Contact renewed after the summer",
                "Still interested; would like to see the kitchen course first.",
            ),
        ),
        offers=(
            OfferSpec(
                "Kitchen helper",
                PLACEMENT,
                ("kitchen assistant", "cook", "chef"),
                "Help prepare the daily menu, wash up and keep the kitchen clean.",
                OfferStatus.DRAFT,
                60,
                150,
                25,
                1,
                False,
                ContractType.PLACEMENT_AGREEMENT,
                (("es", "A2"),),
                tutor_name="Jordi Exemple",
            ),
        ),
    ),
    EmployerSpec(
        key="kataskevi",
        status=EmployerStatus.ENGAGED,
        description="Construction company (invented for the demo) building and renovating "
        "blocks of flats in Athens. Needs workers for its sites and took part in the "
        "programme's training for employers.",
        hosts_placements=True,
        mentors=True,
        workplaces=(
            WorkplaceSpec(
                "Head office",
                "Odos Ypodeigmatos 21",
                "10434",
                "Athens",
                "GR",
                "37.993210",
                "23.727430",
            ),
            WorkplaceSpec(
                "Building site Peristeri",
                "Odos Dokimis 5",
                "12134",
                "Athens",
                "GR",
                "38.013480",
                "23.691120",
            ),
        ),
        needs=(
            NeedsSpec(
                dt.date(2019, 11, 12),
                ("building construction worker", "bricklayer"),
                (
                    "lay bricks",
                    "mix concrete",
                    "follow health and safety procedures in construction",
                    "Greek",
                ),
                5,
                (OB.RECOGNITION, OB.LANGUAGE, OB.PREJUDICE),
                (SU.LEGAL, SU.DIVERSITY, SU.LANGUAGE_TRAINING),
                obstacles_other="Safety certificates from abroad are not accepted on site.",
            ),
            NeedsSpec(
                dt.date(2021, 2, 23),
                ("building construction worker", "construction painter", "plasterer"),
                ("work in a construction team", "use personal protection equipment"),
                3,
                (OB.RECOGNITION, OB.PROCEDURES),
                (SU.LEGAL, SU.RECRUITMENT),
            ),
        ),
        engagements=(
            EngagementSpec(
                K.CONTACT,
                dt.date(2019, 9, 4),
                "Call from the site manager after a newspaper article",
                "Asked how to take on a trainee from the programme.",
            ),
            EngagementSpec(
                K.MEETING,
                dt.date(2019, 11, 12),
                "Meeting at the head office",
                "Needs assessment done; safety training is the main concern.",
            ),
            EngagementSpec(
                K.TRAINING_DESIGN,
                dt.date(2020, 6, 9),
                "Helped design the construction safety module",
                "The site manager reviewed the module and gave photos of real sites.",
            ),
            EngagementSpec(
                K.TRAINING,
                dt.date(2021, 2, 23),
                "Training for employers: procedures to hire third-country nationals",
                "The owner attended and asked for a checklist of the documents needed.",
            ),
            EngagementSpec(
                K.MEETING,
                -20,
                "Site visit with the case worker",
                "Three places for the next placement; trainees start with the safety module.",
            ),
        ),
        offers=(
            OfferSpec(
                "Construction worker",
                PLACEMENT,
                ("building construction worker", "bricklayer"),
                "Help the bricklayers and plasterers on the site: carry and mix materials, "
                "lay bricks under supervision and keep the site tidy.",
                OfferStatus.OPEN,
                28,
                118,
                40,
                3,
                True,
                ContractType.PLACEMENT_AGREEMENT,
                (("el", "A2"),),
                tutor_name="Kostas Paradeigmatos",
                tutor_email="site@kataskevi-demo.example",
                workplace=1,
                other_requirements="Safety training certificate (given in the programme).",
                candidates=2,
            ),
            OfferSpec(
                "Painter for renovations",
                JOB,
                ("construction painter", "plasterer"),
                "Prepare walls and ceilings, plaster and paint flats being renovated.",
                OfferStatus.CLOSED,
                dt.date(2021, 3, 1),
                dt.date(2021, 9, 30),
                40,
                2,
                True,
                ContractType.FIXED_TERM,
                (("el", "A2"),),
                workplace=1,
            ),
        ),
    ),
    EmployerSpec(
        key="sofiasoft",
        status=EmployerStatus.INACTIVE,
        description="Software company in Sofia (invented for the demo) building web shops for "
        "small businesses. Took part in MIraGE until the programme ended in 2021.",
        diversity_charter=True,
        mentors=True,
        workplaces=(
            WorkplaceSpec(
                "Office",
                "ul. Primerna 21",
                "1766",
                "Sofia",
                "BG",
                "42.627510",
                "23.371040",
            ),
        ),
        needs=(
            NeedsSpec(
                dt.date(2019, 5, 8),
                ("software developer", "software tester"),
                ("computer programming", "Java (computer programming)", "SQL", "English"),
                3,
                (OB.PROCEDURES, OB.WORK_PERMITS, OB.SKILLS),
                (SU.LEGAL, SU.ADMINISTRATIVE),
            ),
        ),
        engagements=(
            EngagementSpec(
                K.TRAINING,
                dt.date(2019, 5, 8),
                "MIraGE training for employers: legislation and procedures",
                "The managing director attended.",
            ),
            EngagementSpec(
                K.MEETING,
                dt.date(2019, 11, 20),
                "Meeting at the office",
                "Agreed to take one trainee developer, with English as the working language.",
            ),
            EngagementSpec(
                K.EVENT,
                dt.date(2020, 10, 1),
                "Online meetup of the MIraGE employers",
                "Shared how they mentor trainees working from home.",
            ),
            EngagementSpec(
                K.CONTACT,
                dt.date(2021, 9, 15),
                "The last placement of the programme ended",
                "The trainee was offered a contract.",
            ),
            EngagementSpec(
                K.CONTACT,
                -60,
                "Call after the end of the programme",
                "Not hiring at the moment; open to talk again next year.",
            ),
        ),
        offers=(
            OfferSpec(
                "Junior software developer",
                PLACEMENT,
                ("software developer",),
                "Build features of our web shops in a small team, with code reviews and a "
                "mentor. Work from home possible two days a week.",
                OfferStatus.CLOSED,
                dt.date(2020, 3, 2),
                dt.date(2020, 8, 31),
                40,
                1,
                True,
                ContractType.PLACEMENT_AGREEMENT,
                (("en", "B2"),),
                tutor_name="Ivan Primerov",
                remote_possible=True,
            ),
            OfferSpec(
                "ICT help desk agent",
                JOB,
                ("ict help desk agent",),
                "Answer our customers' questions by phone and e-mail and log the problems for "
                "the developers.",
                OfferStatus.CLOSED,
                dt.date(2021, 2, 1),
                dt.date(2021, 12, 31),
                30,
                1,
                True,
                ContractType.FIXED_TERM,
                (("en", "B1"), ("bg", "A2")),
            ),
        ),
    ),
]

# Who is asked to share their profile with employers, and who may be proposed.
CANDIDATE_STATUSES = (Status.ENROLLED, Status.ACTIVE, Status.PLACED)
ASKED_STATUSES = (*CANDIDATE_STATUSES, Status.EMPLOYED)
HOST_LANGUAGE = {"IT": "it", "AT": "de", "GR": "el", "ES": "es"}
NOTES = [
    "Finished the course with good marks and is punctual.",
    "Worked in this trade before coming here; motivated to start soon.",
    "Improving fast in the language; the tutor at the course recommends them.",
]


def _on(value: When) -> dt.date:
    if isinstance(value, int):
        return timezone.localdate() + dt.timedelta(days=value)
    return value


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC)


def _concepts(labels: set[str], kinds: tuple[str, ...]) -> dict[str, Concept]:
    """Current ESCO concepts by folded English preferred label; empty without ESCO."""
    rows = Label.objects.filter(
        language="en",
        kind=Label.Kind.PREFERRED,
        folded__in={fold(label) for label in labels},
        concept__kind__in=kinds,
        concept__obsolete=False,
    ).select_related("concept")
    # The lowest URI wins where two concepts share a label, the same on every run.
    return {row.folded: row.concept for row in rows.order_by("-concept__uri")}


def _needed(spec: EmployerSpec, part: str) -> list[str]:
    return [label for n in spec.needs for label in getattr(n, part)]


def _offered(spec: EmployerSpec) -> list[str]:
    return [label for o in spec.offers for label in o.occupations]


def _coordinator(programme: Programme) -> Any:
    membership = (
        Membership.objects.filter(programme=programme, role=Role.COORDINATOR, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _contact(employer: Employer) -> Any:
    membership = (
        Membership.objects.filter(
            programme_id=employer.programme_id,
            organisation_id=employer.organisation_id,
            role=Role.EMPLOYER_CONTACT,
            is_active=True,
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _site_for(programme: Programme, organisation: Organisation) -> Site | None:
    sites = programme.sites.order_by("pk")
    return sites.filter(city=organisation.city).first() or sites.first()


def _ask_consent(programme: Programme, coordinator: Any) -> None:
    """People far enough along are asked once whether employers may see their profile.

    Those already employed say no: they have a job. The site's case worker records the answer.
    """
    staff = {
        m.site_id: m.user
        for m in Membership.objects.filter(
            programme=programme, role=Role.PARTNER_STAFF, is_active=True
        )
        .select_related("user")
        .order_by("-pk")
    }
    people = (
        Participant.objects.filter(programme=programme, status__in=ASKED_STATUSES)
        .exclude(consents__purpose=Purpose.EMPLOYERS)
        .select_related("site")
        .order_by("pk")
    )
    for person in people:
        consent_record(
            by=staff.get(person.site_id, coordinator),
            participant=person,
            purpose=Purpose.EMPLOYERS,
            given=person.status != Status.EMPLOYED,
            language=HOST_LANGUAGE.get(person.site.country.code, "en"),
        )


def _workplaces(employer: Employer, spec: EmployerSpec) -> list[Workplace]:
    if employer.workplaces.exists():
        return list(employer.workplaces.order_by("pk"))
    made = []
    for w in spec.workplaces:
        place = Workplace(
            employer=employer,
            name=w.name,
            street=w.street,
            postcode=w.postcode,
            city=w.city,
            country=w.country,
            latitude=Decimal(w.latitude),
            longitude=Decimal(w.longitude),
        )
        place.full_clean()
        place.save()
        made.append(place)
    return made


def _needs(
    employer: Employer,
    spec: EmployerSpec,
    by: Any,
    occupations: dict[str, Concept],
    skills: dict[str, Concept],
) -> None:
    if employer.needs_assessments.exists():
        return
    for n in spec.needs:
        services.needs_assessment_save(
            by=by,
            employer=employer,
            fields={
                "assessed_on": _on(n.assessed_on),
                "planned_hires": n.planned_hires,
                "obstacles": list(n.obstacles),
                "obstacles_other": n.obstacles_other,
                "support": list(n.support),
                "support_other": n.support_other,
            },
            occupations=[occupations[k] for k in map(fold, n.occupations) if k in occupations],
            skills=[skills[k] for k in map(fold, n.skills) if k in skills],
        )


def _engagements(employer: Employer, spec: EmployerSpec, by: Any) -> None:
    if employer.engagements.exists():
        return
    for e in spec.engagements:
        day = _on(e.occurred_on)
        entry = Engagement(
            employer=employer,
            kind=e.kind,
            occurred_on=day,
            subject=e.subject,
            outcome=e.outcome,
            recorded_by=by,
            recorded_at=_at(day),
        )
        entry.full_clean()
        entry.save()


def _offer(
    employer: Employer,
    o: OfferSpec,
    by: Any,
    places: list[Workplace],
    occupations: dict[str, Concept],
) -> Offer:
    occupation = next((occupations[k] for k in map(fold, o.occupations) if k in occupations), None)
    where = places[o.workplace] if o.workplace < len(places) else None
    offer = services.offer_create(
        by=by,
        employer=employer,
        fields={
            "kind": o.kind,
            "title": o.title,
            "occupation": occupation,
            "site": employer.site,
            "address": f"{where.street}, {where.postcode} {where.city}" if where else "",
            "latitude": where.latitude if where else None,
            "longitude": where.longitude if where else None,
            "remote_possible": o.remote_possible,
            "hours_per_week": o.hours_per_week,
            "starts_on": _on(o.starts_on),
            "ends_on": _on(o.ends_on) if o.ends_on is not None else None,
            "places": o.places,
            "paid": o.paid,
            "contract_type": o.contract_type,
            "driving_licence": o.driving_licence,
            "other_requirements": o.other_requirements,
            "tutor_name": o.tutor_name,
            "tutor_email": o.tutor_email,
        },
    )
    # The author accepts the occupation's essential skills and leaves the rest. The tasks are
    # written after: matched against ESCO they would only add optional skills, which the demo
    # leaves out, and fitting the text matcher takes seconds.
    proposed = services.offer_skills_proposed(offer, language="en")
    services.offer_skills_accept(
        by=by,
        offer=offer,
        accepted=[(p.concept, True, p.origin) for p in proposed if p.essential],
    )
    services.offer_update(by=by, offer=offer, fields={"description": o.description})
    services.offer_requirements_set(by=by, offer=offer, languages=list(o.languages))
    return offer


def _publish(offer: Offer, by: Any) -> bool:
    """Open the offer; without ESCO it has no skill, cannot be published and stays a draft."""
    try:
        services.offer_move(by=by, offer=offer, status=OfferStatus.OPEN)
    except ValidationError:
        return False
    return True


def _candidates(offer: Offer, o: OfferSpec, by: Any, contact: Any) -> None:
    people = Participant.objects.filter(
        programme_id=offer.employer.programme_id, site=offer.site, status__in=CANDIDATE_STATUSES
    ).order_by("pk")
    chosen = [p for p in people if has_consent(p, Purpose.EMPLOYERS)][: o.candidates]
    proposals: list[Proposal] = []
    for n, person in enumerate(chosen):
        proposals.append(
            services.proposal_create(by=by, offer=offer, participant=person, note=NOTES[n % 3])
        )
    # Only the company's own contact answers for it; without one, candidates wait.
    if contact is not None:
        for proposal, (decision, reason) in zip(proposals, o.answers, strict=False):
            services.proposal_decide(
                by=contact, proposal=proposal, decision=decision, reason=reason
            )
    if o.share_identity is not None and o.share_identity < len(proposals):
        services.proposal_share_identity(by=by, proposal=proposals[o.share_identity])


def _offers(
    employer: Employer,
    spec: EmployerSpec,
    by: Any,
    places: list[Workplace],
    occupations: dict[str, Concept],
) -> None:
    if employer.offers.exists():
        return
    contact = _contact(employer)
    for o in spec.offers:
        offer = _offer(employer, o, by, places, occupations)
        if o.status in (OfferStatus.OPEN, OfferStatus.FILLED) and _publish(offer, by):
            if o.status == OfferStatus.OPEN:
                _candidates(offer, o, by, contact)
            else:
                services.offer_move(by=by, offer=offer, status=OfferStatus.FILLED)
        elif o.status == OfferStatus.CLOSED:
            services.offer_move(by=by, offer=offer, status=OfferStatus.CLOSED)
        if o.duplicate:
            # Next season's offer, started as a copy of this one.
            services.offer_duplicate(by=by, offer=offer)


def load_employers() -> int:
    """Employers of the demo programmes with their needs, log and offers; how many were added."""
    keys = {org.name: org.key for org in ORGANISATIONS}
    specs = {spec.key: spec for spec in EMPLOYERS}
    # Skills and occupations only where ESCO was imported; the demo works without.
    occupations = _concepts(
        {x for s in EMPLOYERS for x in (*_needed(s, "occupations"), *_offered(s))},
        (Kind.OCCUPATION,),
    )
    skills = _concepts({x for s in EMPLOYERS for x in _needed(s, "skills")}, (Kind.SKILL,))
    made = 0
    for programme in Programme.objects.filter(slug__in=["mile", "mirage"]).order_by("pk"):
        coordinator = _coordinator(programme)
        if coordinator is None:
            continue
        _ask_consent(programme, coordinator)
        involved = (
            Involvement.objects.filter(programme=programme, relation=Relation.EMPLOYER)
            .select_related("organisation")
            .order_by("organisation__name")
        )
        for involvement in involved:
            organisation = involvement.organisation
            spec = specs.get(keys.get(organisation.name, ""))
            if spec is None:
                continue
            employer = Employer.objects.filter(
                programme=programme, organisation=organisation
            ).first()
            if employer is None:
                site = _site_for(programme, organisation)
                if site is None:
                    continue
                employer = services.employer_create(
                    by=coordinator,
                    programme=programme,
                    site=site,
                    organisation=organisation,
                    fields={
                        "status": spec.status,
                        "description": spec.description,
                        "diversity_charter": spec.diversity_charter,
                        "hosts_placements": spec.hosts_placements,
                        "mentors": spec.mentors,
                    },
                )
                made += 1
            places = _workplaces(employer, spec)
            _needs(employer, spec, coordinator, occupations, skills)
            _engagements(employer, spec, coordinator)
            _offers(employer, spec, coordinator, places, occupations)
    return made
