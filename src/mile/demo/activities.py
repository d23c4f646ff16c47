"""The demo programme's activities: courses, study visits, working groups and events.

MILE's courses come with their sessions and enrolments: in Patras a Greek course and a
warehouse course given by the partner's trainer, whose past sessions have their attendance
taken (some people complete, one stays below the share needed), in Milan a soft-skills course
finished two months ago, in Innsbruck a German course that is full with a waiting list, a
course for employers open to registration online, and the stakeholders' capacity building of
autumn 2019 and a current one. Enrolments, withdrawals and attendance go through the services
staff use, so the participants' pathways get their service records and completed courses add
the skills they teach (ESCO skills where it was imported: ``make run`` does it first).

Besides the courses: the two study visits of 2019 (Innsbruck and Athens), local working
groups WG1–WG3 in Milan and Innsbruck and a European WG3 with members, meetings, attendance,
action items and outputs, and events for employers, citizens and migrants, one upcoming with
registration online. Dates are those of the project (2019–2021) or counted from today for
what must stay current.

Running it again changes nothing: each activity is made, with everything in it, only while no
activity of that title exists in the programme.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from mile.accounts.models import Membership, User
from mile.activities import services
from mile.activities.models import (
    ActionItem,
    Attendance,
    Audience,
    Course,
    CourseSession,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
    Event,
    EventKind,
    EventMaterial,
    EventRegistration,
    GroupMeeting,
    GroupMember,
    GroupOutput,
    GroupScope,
    GroupTheme,
    Level,
    MeetingAttendance,
    StudyVisit,
    StudyVisitItem,
    StudyVisitor,
    SurveyResponse,
    Topic,
    VisitorKind,
    WorkingGroup,
)
from mile.core.roles import Role
from mile.demo.data import DEMO_DOMAIN, ORGANISATIONS
from mile.participants.models import Participant, Status
from mile.programmes.models import Organisation, Programme, Site
from mile.taxonomy.models import Concept, Kind, Label, fold

# A date, or a number of days from today (negative: ago) for what must stay current.
When = dt.date | int
# Where people invented for the demo receive their (never sent) mail.
OUTSIDE = "outside.demo.mile.example"
HOST_LANGUAGE = {"IT": "it", "AT": "de", "GR": "el", "ES": "es"}
# Who may be enrolled in a course: people on their way through the pathway.
LEARNERS = (Status.ENROLLED, Status.ACTIVE, Status.PLACED, Status.EMPLOYED)


def _on(value: When) -> dt.date:
    if isinstance(value, int):
        return timezone.localdate() + dt.timedelta(days=value)
    return value


def _at(day: dt.date, clock: str) -> dt.datetime:
    hour, minute = (int(part) for part in clock.split(":"))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _mail(name: str, domain: str = OUTSIDE) -> str:
    local = ".".join(fold(part).replace("'", "") for part in name.split() if part)
    return f"{local}@{domain}"


@dataclass(frozen=True)
class Outsider:
    """Someone from outside MILE: invented name, organisation and country."""

    full_name: str
    organisation: str  # a key of data.ORGANISATIONS, or the name of an invented organisation
    country: str
    language: str = "en"


# --- Courses -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionSpec:
    day: When
    clock: str
    hours: int
    title: str


@dataclass(frozen=True)
class CourseSpec:
    title: str
    city: str  # "" for a course of the whole programme
    audience: str
    topics: tuple[str, ...]
    language: str
    description: str
    sessions: tuple[SessionSpec, ...]
    level: str = ""
    online: bool = False
    place: str = ""
    trainer: str = ""  # e-mail of a demo user
    trainer_name: str = ""
    capacity: int = 15
    public_registration: bool = False
    # English preferred labels of ESCO skills; those missing are left out.
    skills: tuple[str, ...] = ()
    # Participants of these sites on their way through the pathway (LEARNERS), in order.
    learners_from: tuple[str, ...] = ()
    learners: int = 0
    users: tuple[str, ...] = ()
    # People from outside registered by staff, and registered online with their consent.
    outsiders: tuple[Outsider, ...] = ()
    online_registrations: tuple[Outsider, ...] = ()
    # Attendance of the enrolled people at the past sessions, "1" present, in enrolment order.
    attendance: tuple[str, ...] = ()
    # The n-th enrolment withdraws (after everyone was registered), with the waiting list.
    withdraws: int | None = None
    # Survey answers of the first people who completed: (overall, usefulness, trainer, comment).
    surveys: tuple[tuple[int, int, int, str], ...] = ()


def _weekly(first: int, clock: str, hours: int, titles: tuple[str, ...]) -> tuple[SessionSpec, ...]:
    return tuple(SessionSpec(first + 7 * n, clock, hours, title) for n, title in enumerate(titles))


def _email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


TRAINER = _email("trainer.patras")

COURSES = [
    CourseSpec(
        title="Βασικά ελληνικά για την εργασία",
        city="Patras",
        audience=Audience.MIGRANTS,
        topics=(Topic.LANGUAGE,),
        language="el",
        level=Level.A2,
        online=True,
        place="Diktyo Patras Paradeigma (demo), room 1, and online for Athens",
        description="Greek for work, level A2: introducing oneself to an employer, safety "
        "signs, shifts and timesheets, talking to colleagues and customers. Taught in Greek; "
        "the people from Athens follow online.",
        sessions=_weekly(
            -26,
            "17:00",
            2,
            (
                "Συστάσεις και συνέντευξη εργασίας",
                "Ωράριο, βάρδιες και άδειες",
                "Πινακίδες ασφαλείας στον χώρο εργασίας",
                "Μιλώντας με συναδέλφους και πελάτες",
                "Επανάληψη και τεστ",
            ),
        ),
        trainer=TRAINER,
        capacity=12,
        learners_from=("Patras", "Athens"),
        learners=6,
        attendance=("1111", "1111", "1101", "1111", "1010", "0111"),
    ),
    CourseSpec(
        title="Warehouse work and forklift safety",
        city="Patras",
        audience=Audience.MIGRANTS,
        topics=(Topic.TECHNICAL,),
        language="el",
        level=Level.INTRODUCTORY,
        place="Ergo Patra Logistics Demo, training hall, Patras",
        description="Receiving, storing and picking goods, safe work with a forklift and "
        "protective gear, working in a logistics team. Taught in Greek with an interpreter "
        "for Arabic and Farsi; the practice takes place in a demo employer's warehouse.",
        sessions=_weekly(
            -25,
            "09:00",
            4,
            (
                "Receiving and storing goods",
                "Stacking, picking and stock records",
                "Forklift: safety rules and first drive",
                "Forklift practice in the warehouse",
                "Practical test and certificates",
            ),
        ),
        trainer=TRAINER,
        capacity=8,
        skills=(
            "operate forklift",
            "store goods",
            "stack goods",
            "wear appropriate protective gear",
            "work in a logistics team",
            "work in teams",
        ),
        learners_from=("Patras",),
        learners=4,
        attendance=("1111", "1111", "1110", "1000"),
    ),
    CourseSpec(
        title="Lavorare in squadra: comunicazione e colloqui di lavoro",
        city="Milan",
        audience=Audience.MIGRANTS,
        topics=(Topic.SOFT,),
        language="it",
        level=Level.INTRODUCTORY,
        place="Fondazione Ponte Lavoro (demo), Via Esempio 12, Milan",
        description="Soft skills for the first job: working in a team, punctuality and "
        "reliability, job interviews and talking about one's experience.",
        sessions=_weekly(
            -70,
            "14:30",
            3,
            (
                "Il lavoro di squadra",
                "Comunicare sul lavoro",
                "Raccontare la propria esperienza",
                "Simulazione di colloquio",
            ),
        ),
        trainer_name="Giulia Formatrice-Esempio",
        capacity=12,
        skills=("work in teams", "communicate with customers"),
        learners_from=("Milan",),
        learners=4,
        attendance=("1111", "1111", "1110", "1010"),
        surveys=(
            (5, 5, 5, "The interview practice helped me a lot."),
            (4, 5, 4, ""),
        ),
    ),
    CourseSpec(
        title="Deutsch für den Beruf: Hotel und Küche",
        city="Innsbruck",
        audience=Audience.MIGRANTS,
        topics=(Topic.LANGUAGE,),
        language="de",
        level=Level.A2,
        place="Verein Brücke Tirol (demo), Musterstraße 5, Innsbruck",
        description="German for hotel and kitchen work, level A2, before the summer "
        "placements: the words of the kitchen and housekeeping, talking to guests, "
        "reading a duty roster.",
        sessions=_weekly(
            4,
            "18:00",
            2,
            (
                "In der Küche",
                "Im Zimmerservice",
                "Gäste begrüßen",
                "Der Dienstplan",
                "Wiederholung",
            ),
        ),
        trainer_name="Johanna Sprachlehrerin-Muster",
        capacity=4,
        learners_from=("Innsbruck",),
        learners=4,
        outsiders=(
            Outsider("Aylin Beispieloğlu", "Sozialverein Musterhilfe Innsbruck", "AT", "de"),
            Outsider("Dawit Probehaile", "Sozialverein Musterhilfe Innsbruck", "AT", "de"),
        ),
        # The last of the four found a job with evening shifts; the first waiting moves up.
        withdraws=3,
    ),
    CourseSpec(
        title="Hiring third-country nationals: legislation and administrative procedures",
        city="",
        audience=Audience.EMPLOYERS,
        topics=(Topic.LEGISLATION, Topic.PROCEDURES),
        language="en",
        online=True,
        place="Online (video call)",
        description="For employers and HR staff: residence and work permits, the documents "
        "to check before hiring, contracts and placements, the administrative steps and who "
        "helps with them in Austria, Greece, Italy and Spain. Open to registration online.",
        sessions=_weekly(
            10,
            "09:30",
            3,
            ("Residence and work permits", "Administrative procedures step by step"),
        ),
        trainer_name="Lorenzo Avvocato-Inventato",
        capacity=25,
        public_registration=True,
        users=(_email("employer.innsbruck"),),
        online_registrations=(
            Outsider("Chiara Datrice-Prova", "Ristorante Esempio Navigli", "IT", "it"),
            Outsider("Franz Probewirt", "Gasthof Beispielalm", "AT", "de"),
            Outsider("Sofia Ergodotidou-Demo", "Ergo Patra Logistics Demo", "GR", "el"),
            Outsider("Marta Empresaria-Ejemplo", "Cuina Exemple Viladecans SL", "ES", "es"),
            Outsider("Petros Kataskeuastis-Demo", "Kataskeves Demo Athina AE", "GR", "el"),
            Outsider("Lukas Musterhandwerk", "Tischlerei Beispiel KG", "AT", "de"),
        ),
    ),
    CourseSpec(
        title="Capacity building: diversity management and labour integration of non-EU citizens",
        city="",
        audience=Audience.STAKEHOLDERS,
        topics=(Topic.CAPACITY, Topic.DIVERSITY),
        language="en",
        place="Milan, Innsbruck, Athens, Patras and Viladecans, and online",
        description="The capacity-building programme for stakeholders and employers of "
        "autumn 2019: national and European experts on diversity management, skills "
        "assessment and the work integration of third-country nationals.",
        sessions=(
            SessionSpec(dt.date(2019, 10, 15), "09:30", 6, "Migration and the labour market"),
            SessionSpec(dt.date(2019, 11, 12), "09:30", 6, "Diversity management in companies"),
            SessionSpec(
                dt.date(2019, 12, 10), "09:30", 6, "Skills assessment and validation of skills"
            ),
        ),
        trainer_name="Experts of the MILE consortium",
        capacity=40,
        users=(_email("stakeholder"),),
        outsiders=(
            Outsider("Paola Funzionaria-Esempio", "comune", "IT", "it"),
            Outsider("Luca Ricercatore-Prova", "uni_milano", "IT", "it"),
            Outsider("Georg Musterwirt", "employers_assoc", "AT", "de"),
            Outsider("Eleni Fonitou-Demo", "migrassoc", "GR", "el"),
            Outsider("Giorgos Allilengyos-Demo", "ngo_patras", "GR", "el"),
            Outsider("Iris Example-Office", "iom_demo", "CH"),
            Outsider("Núria Ajuntament-Exemple", "Ajuntament Exemple de Viladecans", "ES", "es"),
            Outsider("Hannes Probegewerkschaft", "Gewerkschaft Beispiel Tirol", "AT", "de"),
        ),
        attendance=("111", "111", "110", "111", "111", "011", "111", "100", "111"),
    ),
    CourseSpec(
        title="Capacity building: recognising migrants' skills with employers",
        city="Athens",
        audience=Audience.STAKEHOLDERS,
        topics=(Topic.CAPACITY,),
        language="el",
        place="Kentro Gefyra Athinas (demo), Athens",
        description="For the stakeholders of the Athens working groups: describing skills "
        "with ESCO, validation of skills learned at work, and talking about them with "
        "employers.",
        sessions=(
            SessionSpec(-6, "10:00", 4, "Describing skills with ESCO"),
            SessionSpec(8, "10:00", 4, "Validation of skills learned at work"),
            SessionSpec(22, "10:00", 4, "Talking about skills with employers"),
        ),
        trainer_name="Dimitra Ekpaideftria-Demo",
        capacity=20,
        outsiders=(
            Outsider("Eleni Fonitou-Demo", "migrassoc", "GR", "el"),
            Outsider("Giorgos Allilengyos-Demo", "ngo_patras", "GR", "el"),
            Outsider("Katerina Dimotiki-Demo", "Dimos Paradeigmatos (demo)", "GR", "el"),
            Outsider("Petros Kataskeuastis-Demo", "kataskevi", "GR", "el"),
        ),
        attendance=("1", "1", "0", "1"),
    ),
]


# --- The programme's people ------------------------------------------------------------------


@dataclass
class World:
    """What the activities are made of: the MILE programme, its sites, staff and organisations."""

    programme: Programme
    coordinator: Any
    sites: dict[str, Site]
    staff: dict[str, Any]  # partner staff by site city
    orgs: dict[str, Organisation]  # by data.ORGANISATIONS key
    users: dict[str, Any] = field(default_factory=dict)  # by e-mail

    def user(self, email: str) -> Any:
        if email not in self.users:
            self.users[email] = User.objects.filter(email=email).first()
        return self.users[email]

    def runner(self, city: str) -> Any:
        """Who runs an activity of the site (its partner staff), or of the whole programme."""
        return self.staff.get(city) or self.coordinator

    def learners(self, cities: tuple[str, ...], count: int) -> list[Participant]:
        """The first ``count`` people on their way, taken in turn from each of the sites."""
        per_city = [
            list(
                Participant.objects.filter(
                    programme=self.programme, site__city=city, status__in=LEARNERS
                ).order_by("pk")
            )
            for city in cities
        ]
        chosen: list[Participant] = []
        for row in range(max((len(people) for people in per_city), default=0)):
            chosen.extend(people[row] for people in per_city if row < len(people))
        return chosen[:count]

    def identity(self, person: Outsider) -> dict[str, Any]:
        """The attendee fields of someone from outside."""
        organisation = self.orgs.get(person.organisation)
        return {
            "full_name": person.full_name,
            "email": _mail(person.full_name),
            "organisation": organisation,
            "organisation_name": "" if organisation else person.organisation,
            "country": person.country,
            "language": person.language,
        }


def _world() -> World | None:
    programme = Programme.objects.filter(slug="mile").first()
    if programme is None:
        return None
    coordinator = (
        Membership.objects.filter(programme=programme, role=Role.COORDINATOR, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if coordinator is None:
        return None
    staff: dict[str, Any] = {}
    for membership in (
        Membership.objects.filter(programme=programme, role=Role.PARTNER_STAFF, is_active=True)
        .exclude(site=None)
        .select_related("user", "site")
        .order_by("pk")
    ):
        staff.setdefault(membership.site.city, membership.user)  # type: ignore[union-attr]
    names = {org.name: org.key for org in ORGANISATIONS}
    return World(
        programme=programme,
        coordinator=coordinator.user,
        sites={site.city: site for site in programme.sites.all()},
        staff=staff,
        orgs={
            names[org.name]: org
            for org in Organisation.objects.filter(name__in=names)
            if org.name in names
        },
    )


def _skills(labels: set[str]) -> dict[str, Concept]:
    """Current ESCO skills by folded English preferred label; empty without ESCO."""
    rows = Label.objects.filter(
        language="en",
        kind=Label.Kind.PREFERRED,
        folded__in={fold(label) for label in labels},
        concept__kind=Kind.SKILL,
        concept__obsolete=False,
    ).select_related("concept")
    # The lowest URI wins where two skills share a label, the same on every run.
    return {row.folded: row.concept for row in rows.order_by("-concept__uri")}


def _course(world: World, spec: CourseSpec, skills: dict[str, Concept]) -> bool:
    programme = world.programme
    if Course.objects.filter(programme=programme, title=spec.title).exists():
        return False
    site = world.sites.get(spec.city) if spec.city else None
    if spec.city and site is None:
        return False
    trainer = world.user(spec.trainer) if spec.trainer else None
    runner = trainer or world.runner(spec.city)
    first = _on(spec.sessions[0].day)
    course = Course(
        programme=programme,
        site=site,
        title=spec.title,
        description=spec.description,
        audience=spec.audience,
        topics=list(spec.topics),
        language=spec.language,
        level=spec.level,
        online=spec.online,
        place=spec.place,
        trainer=trainer,
        trainer_name="" if trainer else spec.trainer_name,
        capacity=spec.capacity,
        public_registration=spec.public_registration,
        registration_closes_on=first - dt.timedelta(days=2) if spec.public_registration else None,
        status=CourseStatus.PUBLISHED,
        created_by=world.coordinator,
    )
    course.full_clean()
    course.save()
    # Announced a month before it starts (or now, for a course starting sooner).
    announced = min(timezone.now(), _at(first, "09:00") - dt.timedelta(days=30))
    Course.objects.filter(pk=course.pk).update(created_at=announced)
    course.skills.set([skills[k] for k in map(fold, spec.skills) if k in skills])
    sessions = []
    for s in spec.sessions:
        starts = _at(_on(s.day), s.clock)
        session = CourseSession(
            course=course,
            title=s.title,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=s.hours),
            place=spec.place,
        )
        session.full_clean()
        session.save()
        sessions.append(session)
    _enrol(world, course, spec, runner)
    _roll_calls(course, sessions, spec, runner)
    _surveys(course, spec)
    return True


def _enrol(world: World, course: Course, spec: CourseSpec, runner: Any) -> None:
    for person in world.learners(spec.learners_from, spec.learners):
        # Staff enrol the people they follow; the coordinator those of other sites.
        by = runner if person.site_id == course.site_id else world.coordinator
        language = HOST_LANGUAGE.get(person.site.country.code, "en")
        services.enrolment_add(
            by=by, course=course, fields={"participant": person, "language": language}
        )
    for email in spec.users:
        user = world.user(email)
        if user is not None:
            services.enrolment_add(
                by=runner, course=course, fields={"user": user, "language": user.language}
            )
    for outsider in spec.outsiders:
        services.enrolment_add(by=runner, course=course, fields=world.identity(outsider))
    for outsider in spec.online_registrations:
        services.enrolment_add(
            by=AnonymousUser(),
            course=course,
            fields={**world.identity(outsider), "consent_given_at": timezone.now()},
            public=True,
        )
    # Registered over the weeks before the first session, in the order they came.
    start = min(timezone.now(), course.sessions.order_by("starts_at")[0].starts_at)
    enrolments = list(course.enrolments.order_by("pk"))
    for n, enrolment in enumerate(enrolments):
        enrolment.created_at = start - dt.timedelta(days=21) + dt.timedelta(hours=9 * n)
        if enrolment.consent_given_at is not None:
            enrolment.consent_given_at = enrolment.created_at
        enrolment.save(update_fields=["created_at", "consent_given_at"])
    if spec.withdraws is not None and spec.withdraws < len(enrolments):
        services.enrolment_withdraw(by=runner, enrolment=enrolments[spec.withdraws])


def _roll_calls(
    course: Course, sessions: list[CourseSession], spec: CourseSpec, runner: Any
) -> None:
    """Take the attendance of the sessions that are over, as the trainer or staff did then."""
    if not spec.attendance:
        return
    enrolled = list(course.enrolments.filter(status=EnrolmentStatus.ENROLLED).order_by("pk"))
    now = timezone.now()
    for index, session in enumerate(s for s in sessions if s.ends_at < now):
        present = {
            enrolment.pk
            for n, enrolment in enumerate(enrolled)
            if spec.attendance[n % len(spec.attendance)][index : index + 1] == "1"
        }
        completed = services.attendance_record(by=runner, session=session, present=present)
        # Taken at the end of the session; those who reached the share completed then.
        Attendance.objects.filter(session=session).update(recorded_at=session.ends_at)
        Enrolment.objects.filter(pk__in=[e.pk for e in completed]).update(
            completed_at=session.ends_at
        )


def _surveys(course: Course, spec: CourseSpec) -> None:
    done = course.enrolments.exclude(completed_at=None).order_by("pk")
    for enrolment, (overall, usefulness, trainer, comments) in zip(
        done, spec.surveys, strict=False
    ):
        answer = SurveyResponse(
            enrolment=enrolment,
            overall=overall,
            usefulness=usefulness,
            trainer=trainer,
            comments=comments,
            submitted_at=enrolment.completed_at or timezone.now(),
        )
        answer.full_clean()
        answer.save()


# --- Study visits ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Visitor:
    kind: str
    # A demo user's e-mail, or someone from outside.
    user: str = ""
    outsider: Outsider | None = None
    expert: bool = True


@dataclass(frozen=True)
class VisitSpec:
    title: str
    city: str
    country: str
    organiser: str  # a key of data.ORGANISATIONS
    starts_on: dt.date
    ends_on: dt.date
    description: str
    # (day, time, organisation or place visited, what is seen)
    items: tuple[tuple[dt.date, str, str, str], ...]
    visitors: tuple[Visitor, ...]


PARTNER, ASSOCIATE, STAKEHOLDER = (
    VisitorKind.PARTNER,
    VisitorKind.ASSOCIATE,
    VisitorKind.STAKEHOLDER,
)

VISITS = [
    VisitSpec(
        title="Study visit to Innsbruck: labour integration of migrants in Tyrol",
        city="Innsbruck",
        country="AT",
        organiser="tirol",
        starts_on=dt.date(2019, 3, 27),
        ends_on=dt.date(2019, 3, 29),
        description="Three days to get to know the Austrian system for the labour integration "
        "of migrants: the public employment service, a hotel that hosts placements, the "
        "employers' association and the partner's own services. Partners, associates and "
        "stakeholders from seven countries shared their practices.",
        items=(
            (
                dt.date(2019, 3, 27),
                "09:30",
                "Verein Brücke Tirol (demo)",
                "Skills assessment and job guidance for refugees; the MILE model in Tyrol.",
            ),
            (
                dt.date(2019, 3, 27),
                "14:00",
                "Arbeitsmarkt-Demoservice Tirol",
                "The employment service's integration programme and German courses for work.",
            ),
            (
                dt.date(2019, 3, 28),
                "10:00",
                "Hotel Alpenblick Innsbruck",
                "Kitchen and housekeeping placements with trained mentors.",
            ),
            (
                dt.date(2019, 3, 29),
                "09:30",
                "Tiroler Demo-Wirtschaftsbund",
                "Apprenticeships for young refugees and how employers are supported.",
            ),
        ),
        visitors=(
            Visitor(PARTNER, user=_email("caseworker.milan")),
            Visitor(PARTNER, user=_email("caseworker.athens")),
            Visitor(PARTNER, user=_email("trainer.patras")),
            Visitor(PARTNER, outsider=Outsider("Jordi Exemple-Pont", "vila", "ES", "es")),
            Visitor(ASSOCIATE, outsider=Outsider("Iris Example-Office", "iom_demo", "CH")),
            Visitor(ASSOCIATE, outsider=Outsider("Luca Ricercatore-Prova", "uni_milano", "IT")),
            Visitor(
                STAKEHOLDER,
                outsider=Outsider("Camille Exemple-Dubois", "Association Exemple Bruxelles", "BE"),
            ),
            Visitor(
                STAKEHOLDER,
                outsider=Outsider("Rui Exemplo-Santos", "Instituto Exemplo Lisboa", "PT"),
            ),
            Visitor(
                STAKEHOLDER,
                outsider=Outsider("Aoife Sample-Byrne", "Sample Integration Network Dublin", "IE"),
                expert=False,
            ),
        ),
    ),
    VisitSpec(
        title="Study visit to Athens: reception and labour integration in Greece",
        city="Athens",
        country="GR",
        organiser="athina",
        starts_on=dt.date(2019, 11, 13),
        ends_on=dt.date(2019, 11, 15),
        description="From reception to work: a one-stop shop for migrants, a migrants' "
        "association, a construction company training its new workers, and the city's "
        "integration centre.",
        items=(
            (
                dt.date(2019, 11, 13),
                "10:00",
                "Kentro Gefyra Athinas (demo)",
                "A one-stop shop: legal advice, Greek courses and job guidance under one roof.",
            ),
            (
                dt.date(2019, 11, 13),
                "15:00",
                "Migrant Voices Demo Association",
                "Peer support and mediators who reach newcomers.",
            ),
            (
                dt.date(2019, 11, 14),
                "09:00",
                "Kataskeves Demo Athina AE",
                "Safety training on a building site for new workers who speak little Greek.",
            ),
            (
                dt.date(2019, 11, 15),
                "10:00",
                "Integration centre of the Dimos Paradeigmatos (demo)",
                "How the municipality links reception, housing and work.",
            ),
        ),
        visitors=(
            Visitor(PARTNER, user=_email("caseworker.innsbruck")),
            Visitor(PARTNER, user=_email("caseworker.milan")),
            Visitor(PARTNER, user=_email("coordinator")),
            Visitor(PARTNER, outsider=Outsider("Jordi Exemple-Pont", "vila", "ES", "es")),
            Visitor(ASSOCIATE, user=_email("stakeholder")),
            Visitor(ASSOCIATE, outsider=Outsider("Paola Funzionaria-Esempio", "comune", "IT")),
            Visitor(
                STAKEHOLDER,
                outsider=Outsider("Claire Exemple-Martin", "Collectif Exemple Paris", "FR"),
            ),
            Visitor(
                STAKEHOLDER,
                outsider=Outsider("Tomáš Ukázka", "Ukázková asociace Praha", "CZ"),
            ),
            Visitor(
                STAKEHOLDER,
                outsider=Outsider("Jana Beispiel-Schulz", "Beispiel-Netzwerk Berlin", "DE"),
                expert=False,
            ),
        ),
    ),
]


def _visit(world: World, spec: VisitSpec) -> bool:
    if StudyVisit.objects.filter(programme=world.programme, title=spec.title).exists():
        return False
    organiser = world.orgs.get(spec.organiser)
    if organiser is None:
        return False
    visit = StudyVisit(
        programme=world.programme,
        site=world.sites.get(spec.city),
        title=spec.title,
        host_city=spec.city,
        host_country=spec.country,
        organiser=organiser,
        starts_on=spec.starts_on,
        ends_on=spec.ends_on,
        description=spec.description,
        created_by=world.runner(spec.city),
    )
    visit.full_clean()
    visit.save()
    for day, clock, host, description in spec.items:
        hour, minute = (int(part) for part in clock.split(":"))
        item = StudyVisitItem(
            visit=visit, day=day, time=dt.time(hour, minute), host=host, description=description
        )
        item.full_clean()
        item.save()
    registered = _at(spec.starts_on, "09:00") - dt.timedelta(days=30)
    for v in spec.visitors:
        fields: dict[str, Any]
        if v.outsider is not None:
            fields = world.identity(v.outsider)
        else:
            user = world.user(v.user)
            if user is None:
                continue
            fields = {"user": user, "language": user.language}
        visitor = StudyVisitor(
            visit=visit,
            kind=v.kind,
            is_expert=v.expert,
            registered_by=visit.created_by,
            created_at=registered,
            **fields,
        )
        visitor.full_clean()
        visitor.save()
    return True


# --- Working groups ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionSpec:
    text: str
    owner: int  # position among the members present
    due: int  # days after the meeting
    done: int | None = None  # days after the meeting; not done while that day is to come


@dataclass(frozen=True)
class MeetingSpec:
    agenda: str
    minutes: str
    decisions: str
    actions: tuple[ActionSpec, ...] = ()


@dataclass(frozen=True)
class ThemeSpec:
    description: str
    meetings: tuple[MeetingSpec, ...]
    # (title, file name of the link), published some weeks after the second meeting.
    output: tuple[str, str]


THEMES: dict[str, ThemeSpec] = {
    GroupTheme.WG1: ThemeSpec(
        description="Approaches and tools for training and labour integration in {place}: "
        "the training offers for migrants, skills assessment and validation, tutoring.",
        meetings=(
            MeetingSpec(
                agenda="1. Introductions and the MILE model\n2. Mapping the training offers "
                "for migrants in {place}\n3. Tools for skills assessment",
                minutes="The members presented their services. Eleven training offers were "
                "mapped; few combine language and technical training. The partner showed the "
                "skills assessment interview used in MILE.",
                decisions="Map the training offers in one shared table.\nTwo members test the "
                "skills assessment interview with their own trainees.",
                actions=(
                    ActionSpec(
                        "Collect the members' training offers in the shared table", 1, 30, 25
                    ),
                    ActionSpec(
                        "Send the skills assessment interview guide to the members", 0, 14, 9
                    ),
                ),
            ),
            MeetingSpec(
                agenda="1. Results of the mapping\n2. Feedback on the skills assessment "
                "interview\n3. Validation of skills learned at work",
                minutes="The mapping is complete and will be published. The interview worked "
                "well but takes too long for people with little of the language; a shorter "
                "version with pictures was proposed.",
                decisions="Publish the map of training offers.\nDraft a short version of the "
                "interview with pictures.",
                actions=(
                    ActionSpec("Publish the map of training offers on the website", 0, 21, 18),
                    ActionSpec("Draft the short interview with pictures", 2, 45, 50),
                ),
            ),
            MeetingSpec(
                agenda="1. This year's courses\n2. Describing the skills a course teaches "
                "with ESCO\n3. Next meeting",
                minutes="The partner showed how courses in MILE list the ESCO skills they "
                "teach, which go into the participants' profiles when they complete. Members "
                "will describe their own courses the same way.",
                decisions="Each member describes one course with ESCO skills before the next "
                "meeting.",
                actions=(
                    ActionSpec("Describe one course of each member with ESCO skills", 1, 30),
                    ActionSpec("Share the list of courses starting in the autumn", 0, 10, 4),
                    ActionSpec("Invite the vocational school to the next meeting", 2, 7),
                ),
            ),
        ),
        output=("Map of training offers for migrants in {place}", "wg1-training-map"),
    ),
    GroupTheme.WG2: ThemeSpec(
        description="Social and personal support to reach, involve and accompany migrants "
        "into work in {place}: housing, childcare, mediators, mental health.",
        meetings=(
            MeetingSpec(
                agenda="1. Introductions\n2. Why people drop out of courses and placements\n"
                "3. Who does what in {place}",
                minutes="Housing and childcare were the most frequent reasons for dropping out. "
                "Members agreed to refer people to each other with a simple form.",
                decisions="Use one referral form among the members.",
                actions=(
                    ActionSpec("Draft the referral form", 0, 21, 20),
                    ActionSpec("List the childcare services open in the evening", 1, 30, 35),
                ),
            ),
            MeetingSpec(
                agenda="1. The referral form after three months\n2. Cultural mediators in "
                "placements",
                minutes="Twenty-three referrals were made with the form. Mediators helped in "
                "four placements where misunderstandings threatened to end them.",
                decisions="Keep the form; add a field for the language of the person.\nWrite "
                "down the practice of mediators in placements.",
                actions=(
                    ActionSpec("Add the language field to the referral form", 0, 14, 7),
                    ActionSpec("Write two pages on mediators in placements", 1, 40, 60),
                ),
            ),
        ),
        output=("Referral form and directory of support services in {place}", "wg2-referrals"),
    ),
    GroupTheme.WG3: ThemeSpec(
        description="Employers' needs and their long-term involvement in {place}: what "
        "employers look for, what holds them back, and how to keep them on board after a "
        "first placement.",
        meetings=(
            MeetingSpec(
                agenda="1. Introductions\n2. Results of the survey of employers\n3. Obstacles "
                "to hiring third-country nationals",
                minutes="The employers named the language, the uncertain length of stay and "
                "the paperwork as the main obstacles. They asked for one contact person for "
                "the administrative steps.",
                decisions="Offer employers one contact person in the partner.\nPrepare a short "
                "course on legislation and procedures for employers.",
                actions=(
                    ActionSpec("Name the contact person for employers", 0, 14, 5),
                    ActionSpec("Outline the course for employers", 1, 45, 38),
                ),
            ),
            MeetingSpec(
                agenda="1. The first placements: what went well\n2. Mentors in companies\n3. "
                "Recognition for inclusive employers",
                minutes="Employers who hosted a placement want to do it again when a mentor is "
                "trained in the company. A certificate of inclusive employer was discussed.",
                decisions="Train two mentors per hosting company.\nAsk the employers' "
                "association to support the certificate.",
                actions=(
                    ActionSpec("Plan the mentors' training with the employers", 0, 30, 26),
                    ActionSpec(
                        "Present the certificate idea to the employers' association", 2, 21, 30
                    ),
                ),
            ),
            MeetingSpec(
                agenda="1. Needs for the coming season\n2. The course for employers on "
                "legislation and procedures\n3. Keeping in touch after a placement",
                minutes="Hotels and logistics expect to hire more in spring. The course for "
                "employers is open to registration online; members will share it.",
                decisions="Share the course for employers in the members' newsletters.\nCall "
                "every hosting employer three months after a placement.",
                actions=(
                    ActionSpec("Share the course for employers in the newsletters", 1, 7, 2),
                    ActionSpec(
                        "Call the employers whose placements ended in the last months", 0, 30
                    ),
                ),
            ),
        ),
        output=("Employers' needs and how to keep them involved: {place}", "wg3-employers"),
    ),
}


@dataclass(frozen=True)
class MemberSpec:
    themes: str  # the local groups they sit in: "123" for WG1–WG3
    user: str = ""  # a demo user's e-mail, or someone from outside
    outsider: Outsider | None = None
    late: str = ""  # the groups they joined after the first meeting
    left: str = ""  # the groups they left after the first meeting


@dataclass(frozen=True)
class GroupsSpec:
    """A site's local working groups, or the European one (city "")."""

    city: str
    place: str  # where they meet
    # The dates of the meetings, in order; the theme's n-th meeting falls n days later.
    dates: tuple[When, ...]
    members: tuple[MemberSpec, ...]
    themes: tuple[str, ...] = (GroupTheme.WG1, GroupTheme.WG2, GroupTheme.WG3)


GROUPS = [
    GroupsSpec(
        city="Milan",
        place="Fondazione Ponte Lavoro (demo), Via Esempio 12, Milan",
        dates=(dt.date(2019, 5, 14), dt.date(2019, 11, 19), -12),
        members=(
            MemberSpec("123", user=_email("caseworker.milan")),
            MemberSpec("123", outsider=Outsider("Paola Funzionaria-Esempio", "comune", "IT", "it")),
            MemberSpec("13", outsider=Outsider("Luca Ricercatore-Prova", "uni_milano", "IT", "it")),
            MemberSpec(
                "12",
                outsider=Outsider(
                    "Sara Operatrice-Campione", "Cooperativa Sociale Inventata", "IT"
                ),
            ),
            MemberSpec(
                "13",
                outsider=Outsider("Roberto Sindacalista-Prova", "Sindacato Esempio Lavoro", "IT"),
                left="3",
            ),
            MemberSpec(
                "3", outsider=Outsider("Giorgio Brambilla-Demo", "brambilla", "IT", "it"), late="3"
            ),
            MemberSpec(
                "2",
                outsider=Outsider("Amadou Voce-Esempio", "Associazione Voci Nuove (demo)", "IT"),
                late="2",
            ),
        ),
    ),
    GroupsSpec(
        city="Innsbruck",
        place="Verein Brücke Tirol (demo), Musterstraße 5, Innsbruck",
        dates=(dt.date(2019, 4, 10), -40, 16),
        members=(
            MemberSpec("123", user=_email("caseworker.innsbruck")),
            MemberSpec("13", user=_email("stakeholder")),
            MemberSpec("3", user=_email("employer.innsbruck"), late="3"),
            MemberSpec("3", outsider=Outsider("Georg Musterwirt", "employers_assoc", "AT", "de")),
            MemberSpec(
                "12",
                outsider=Outsider(
                    "Maria Beispielhelferin", "Sozialverein Musterhilfe Innsbruck", "AT", "de"
                ),
            ),
            MemberSpec(
                "12",
                outsider=Outsider("Thomas Probebeamter", "Integrationsbüro Demo-Stadt", "AT", "de"),
                left="2",
            ),
            MemberSpec(
                "1",
                outsider=Outsider(
                    "Sabine Lehrerin-Muster", "Berufsschule Beispiel Tirol", "AT", "de"
                ),
                late="1",
            ),
        ),
    ),
    GroupsSpec(
        city="",
        place="Online (video call)",
        dates=(dt.date(2019, 6, 20), dt.date(2020, 2, 11), 30),
        themes=(GroupTheme.WG3,),
        members=(
            MemberSpec("3", user=_email("caseworker.milan")),
            MemberSpec("3", user=_email("caseworker.innsbruck")),
            MemberSpec("3", user=_email("caseworker.athens")),
            MemberSpec("3", user=_email("trainer.patras")),
            MemberSpec("3", outsider=Outsider("Jordi Exemple-Pont", "vila", "ES", "es")),
            MemberSpec("3", outsider=Outsider("Iris Example-Office", "iom_demo", "CH")),
            MemberSpec("3", outsider=Outsider("Georg Musterwirt", "employers_assoc", "AT", "de")),
            MemberSpec(
                "3",
                outsider=Outsider(
                    "Claire Exemple-Patronat", "Réseau Exemple Employeurs", "FR", "fr"
                ),
                left="3",
            ),
            MemberSpec("3", user=_email("stakeholder"), late="3"),
        ),
    ),
]
SHORT: dict[str, str] = {GroupTheme.WG1: "WG1", GroupTheme.WG2: "WG2", GroupTheme.WG3: "WG3"}
SUBJECT: dict[str, str] = {
    GroupTheme.WG1: "training and labour integration",
    GroupTheme.WG2: "social and personal support",
    GroupTheme.WG3: "employers' needs and long-term involvement",
}


def _group_name(spec: GroupsSpec, theme: str) -> str:
    where = f"Local {SHORT[theme]} {spec.city}" if spec.city else f"European {SHORT[theme]}"
    return f"{where}: {SUBJECT[theme]}"


def _groups(world: World, spec: GroupsSpec) -> int:
    made = 0
    for theme in spec.themes:
        name = _group_name(spec, theme)
        if WorkingGroup.objects.filter(programme=world.programme, name=name).exists():
            continue
        site = world.sites.get(spec.city) if spec.city else None
        if spec.city and site is None:
            continue
        _group(world, spec, theme, name, site)
        made += 1
    return made


def _group(world: World, spec: GroupsSpec, theme: str, name: str, site: Site | None) -> None:
    template = THEMES[theme]
    digit = SHORT[theme][-1]
    place = spec.city or "the four countries"
    offset = dt.timedelta(days=list(GroupTheme.values).index(theme))
    days = [_on(day) + offset for day in spec.dates][: len(template.meetings)]
    runner = world.runner(spec.city)
    group = WorkingGroup(
        programme=world.programme,
        scope=GroupScope.LOCAL if site else GroupScope.EUROPEAN,
        site=site,
        theme=theme,
        name=name,
        description=template.description.format(place=place),
        created_by=runner,
    )
    group.full_clean()
    group.save()
    members: list[GroupMember] = []
    for m in spec.members:
        if digit not in m.themes:
            continue
        fields: dict[str, Any]
        if m.outsider is not None:
            fields = world.identity(m.outsider)
        else:
            user = world.user(m.user)
            if user is None:
                continue
            fields = {"user": user, "language": user.language}
        joined = days[0] + dt.timedelta(days=30) if digit in m.late else days[0]
        member = GroupMember(
            group=group,
            joined_on=joined - dt.timedelta(days=14),
            left_on=days[0] + dt.timedelta(days=60) if digit in m.left else None,
            registered_by=runner,
            **fields,
        )
        member.full_clean()
        member.save()
        members.append(member)
    today = timezone.localdate()
    for n, (day, meeting_spec) in enumerate(zip(days, template.meetings, strict=False)):
        _meeting(group, spec, meeting_spec, n, day, members, place, today)
    title, slug = template.output
    published = (days[1] if len(days) > 1 else days[0]) + dt.timedelta(days=20)
    city = fold(spec.city) or "europe"
    output = GroupOutput(
        group=group,
        title=title.format(place=place),
        published_on=min(published, today),
        url=f"https://mile-demo.example/library/{city}-{slug}.pdf",
    )
    output.full_clean()
    output.save()


def _meeting(
    group: WorkingGroup,
    spec: GroupsSpec,
    meeting_spec: MeetingSpec,
    n: int,
    day: dt.date,
    members: list[GroupMember],
    place: str,
    today: dt.date,
) -> None:
    clock = "14:00" if not spec.city else "10:00"
    starts = _at(day, clock)
    held = starts < timezone.now()
    # A meeting to come has its agenda; minutes, decisions and attendance come after.
    meeting = GroupMeeting(
        group=group,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2, minutes=30),
        place=spec.place,
        agenda=meeting_spec.agenda.format(place=place),
        minutes=meeting_spec.minutes if held else "",
        decisions=meeting_spec.decisions if held else "",
    )
    meeting.full_clean()
    meeting.save()
    if not held:
        return
    sitting = [m for m in members if m.joined_on <= day and (m.left_on is None or m.left_on >= day)]
    present = []
    for k, member in enumerate(sitting):
        here = (k + n) % 4 != 3
        MeetingAttendance.objects.create(meeting=meeting, member=member, present=here)
        if here:
            present.append(member)
    for a in meeting_spec.actions:
        done = day + dt.timedelta(days=a.done) if a.done is not None else None
        action = ActionItem(
            meeting=meeting,
            text=a.text,
            owner=present[a.owner % len(present)] if present else None,
            due_on=day + dt.timedelta(days=a.due),
            done_on=done if done is not None and done <= today else None,
        )
        action.full_clean()
        action.save()


# --- Events ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Registration:
    audience: str
    user: str = ""  # a demo user's e-mail, or someone from outside
    outsider: Outsider | None = None
    online: bool = False  # registered online with their consent
    attended: bool | None = None


@dataclass(frozen=True)
class EventSpec:
    title: str
    kind: str
    city: str
    audiences: tuple[str, ...]
    description: str
    day: When
    clock: str
    hours: int
    place: str
    capacity: int | None = None
    public_registration: bool = False
    online: bool = False
    # Participants of the site who come, with whether each attended (None: not yet).
    participants: tuple[bool | None, ...] = ()
    registrations: tuple[Registration, ...] = ()
    # (title, link)
    materials: tuple[tuple[str, str], ...] = ()


EMPLOYERS, CITIZENS, MIGRANTS, STAKEHOLDERS = (
    Audience.EMPLOYERS,
    Audience.CITIZENS,
    Audience.MIGRANTS,
    Audience.STAKEHOLDERS,
)
LIBRARY = "https://mile-demo.example/library"

EVENTS = [
    EventSpec(
        title="Employers' breakfast: hiring refugees and migrants in Tyrol",
        kind=EventKind.AWARENESS,
        city="Innsbruck",
        audiences=(EMPLOYERS, STAKEHOLDERS),
        description="An hour before work for employers: what the law allows, who helps with "
        "the paperwork, and two hotels that hosted placements tell how it went.",
        day=dt.date(2019, 9, 24),
        clock="08:00",
        hours=2,
        place="Hotel Alpenblick Innsbruck, Beispielgasse 7, Innsbruck",
        capacity=40,
        registrations=(
            Registration(EMPLOYERS, user=_email("employer.innsbruck"), attended=True),
            Registration(STAKEHOLDERS, user=_email("stakeholder"), attended=True),
            Registration(
                EMPLOYERS,
                outsider=Outsider("Franz Probewirt", "Gasthof Beispielalm", "AT", "de"),
                attended=True,
            ),
            Registration(
                EMPLOYERS,
                outsider=Outsider("Lukas Musterhandwerk", "Tischlerei Beispiel KG", "AT", "de"),
                attended=True,
            ),
            Registration(
                EMPLOYERS,
                outsider=Outsider("Verena Probebäckerin", "Bäckerei Muster & Söhne", "AT", "de"),
                attended=False,
            ),
            Registration(
                STAKEHOLDERS,
                outsider=Outsider("Georg Musterwirt", "employers_assoc", "AT", "de"),
                attended=True,
            ),
        ),
        materials=(
            (
                "Slides: hiring third-country nationals in Austria",
                f"{LIBRARY}/breakfast-slides.pdf",
            ),
            ("Leaflet for employers (German)", f"{LIBRARY}/leaflet-employers-de.pdf"),
        ),
    ),
    EventSpec(
        title="MILE video stories: screening and talk with the protagonists",
        kind=EventKind.DISSEMINATION,
        city="Milan",
        audiences=(CITIZENS, MIGRANTS),
        description="Short films on migrants and employers who took part in MILE, followed by "
        "a talk with two of them. For everyone who lives in Milan.",
        day=dt.date(2021, 6, 10),
        clock="18:00",
        hours=2,
        place="Biblioteca Esempio, Milan",
        capacity=80,
        participants=(True, True, False),
        registrations=(
            Registration(
                CITIZENS,
                outsider=Outsider("Anna Cittadina-Esempio", "", "IT", "it"),
                online=True,
                attended=True,
            ),
            Registration(
                CITIZENS,
                outsider=Outsider("Marco Vicino-Prova", "", "IT", "it"),
                online=True,
                attended=True,
            ),
            Registration(
                CITIZENS,
                outsider=Outsider("Elisa Studentessa-Campione", "uni_milano", "IT", "it"),
                online=True,
                attended=False,
            ),
            Registration(
                EMPLOYERS,
                outsider=Outsider("Giorgio Brambilla-Demo", "brambilla", "IT", "it"),
                attended=True,
            ),
        ),
        materials=(
            ("Video story: from the kitchen to the head chef's team", f"{LIBRARY}/video-kitchen"),
            ("Video story: an employer's view", f"{LIBRARY}/video-employer"),
        ),
    ),
    EventSpec(
        title="Information day for newcomers: the labour market in Athens",
        kind=EventKind.AWARENESS,
        city="Athens",
        audiences=(MIGRANTS,),
        description="How to look for work in Athens, one's rights at work, and the services "
        "that help. With interpreters for Arabic, Farsi and French.",
        day=dt.date(2020, 2, 20),
        clock="11:00",
        hours=3,
        place="Kentro Gefyra Athinas (demo), Athens",
        participants=(True, True, True, False),
        registrations=(
            Registration(
                STAKEHOLDERS,
                outsider=Outsider("Eleni Fonitou-Demo", "migrassoc", "GR", "el"),
                attended=True,
            ),
        ),
        materials=(("Leaflet: your rights at work (Greek, Arabic, Farsi)", f"{LIBRARY}/rights"),),
    ),
    EventSpec(
        title="The MILE model in Patras: employers and migrants tell their stories",
        kind=EventKind.DISSEMINATION,
        city="Patras",
        audiences=(CITIZENS, EMPLOYERS, STAKEHOLDERS, MIGRANTS),
        description="A morning on the results of MILE in Patras: how courses, placements and "
        "employers came together, with the people who lived it. Open to everyone; please "
        "register online.",
        day=21,
        clock="10:00",
        hours=3,
        place="Diktyo Patras Paradeigma (demo), conference room, Patras",
        capacity=80,
        public_registration=True,
        participants=(None,),
        registrations=(
            Registration(STAKEHOLDERS, user=_email("stakeholder")),
            Registration(
                CITIZENS, outsider=Outsider("Dimitris Politis-Demo", "", "GR", "el"), online=True
            ),
            Registration(
                EMPLOYERS,
                outsider=Outsider("Sofia Ergodotidou-Demo", "ergo", "GR", "el"),
                online=True,
            ),
            Registration(
                STAKEHOLDERS,
                outsider=Outsider("Giorgos Allilengyos-Demo", "ngo_patras", "GR", "el"),
            ),
        ),
        materials=(("Programme of the morning", f"{LIBRARY}/patras-programme.pdf"),),
    ),
]


def _event(world: World, spec: EventSpec) -> bool:
    if Event.objects.filter(programme=world.programme, title=spec.title).exists():
        return False
    site = world.sites.get(spec.city)
    runner = world.runner(spec.city)
    starts = _at(_on(spec.day), spec.clock)
    event = Event(
        programme=world.programme,
        site=site,
        title=spec.title,
        kind=spec.kind,
        audiences=list(spec.audiences),
        description=spec.description,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=spec.hours),
        place=spec.place,
        online=spec.online,
        capacity=spec.capacity,
        public_registration=spec.public_registration,
        created_by=runner,
    )
    event.full_clean()
    event.save()
    registered = min(timezone.now(), starts - dt.timedelta(days=10))
    people = world.learners((spec.city,), len(spec.participants))
    rows: list[tuple[dict[str, Any], str, bool, bool | None]] = [
        (
            {"participant": person, "language": HOST_LANGUAGE.get(person.site.country.code, "en")},
            MIGRANTS,
            False,
            attended,
        )
        for person, attended in zip(people, spec.participants, strict=False)
    ]
    for r in spec.registrations:
        if r.outsider is not None:
            rows.append((world.identity(r.outsider), r.audience, r.online, r.attended))
            continue
        user = world.user(r.user)
        if user is not None:
            rows.append(({"user": user, "language": user.language}, r.audience, False, r.attended))
    for n, (fields, audience, online, attended) in enumerate(rows):
        when = registered + dt.timedelta(hours=5 * n)
        registration = EventRegistration(
            event=event,
            audience=audience,
            attended=attended,
            source=EventRegistration.Source.PUBLIC if online else EventRegistration.Source.STAFF,
            consent_given_at=when if online else None,
            registered_by=None if online else runner,
            created_at=when,
            **fields,
        )
        registration.full_clean()
        registration.save()
    for title, url in spec.materials:
        material = EventMaterial(event=event, title=title, url=url)
        material.full_clean()
        material.save()
    return True


def load_activities() -> int:
    """MILE's courses, study visits, working groups and events; how many activities were added."""
    world = _world()
    if world is None:
        return 0
    # Skills only where ESCO was imported; the demo works without.
    skills = _skills({label for spec in COURSES for label in spec.skills})
    made = sum(_course(world, spec, skills) for spec in COURSES)
    made += sum(_visit(world, spec) for spec in VISITS)
    made += sum(_groups(world, spec) for spec in GROUPS)
    made += sum(_event(world, spec) for spec in EVENTS)
    return made
