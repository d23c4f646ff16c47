"""Role × URL matrix, built from the URL resolver: a route without a row fails the suite.

Each row names the HTTP method, how to build the URL's arguments from the test world, and
the status each persona gets. Out-of-scope objects answer 404, never 403, so their existence
stays unknown.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from mile.accounts.models import ApiToken
from mile.accounts.services import invitation_token
from mile.conftest import PERSONAS, World, client_for
from mile.core.tests.factories import InvitationFactory
from mile.core.tests.matrix import ADM, EV, OP, OPU, C, E, Row, S, _all, _none, _signed_in

# Routes of the libraries we mount as they come (and the Django admin, staff-only by design);
# their own tests cover them.
EXEMPT_MODULES = ("allauth.", "django.contrib.admin.")


def _walk(patterns: list[Any], namespace: str = "") -> Iterator[tuple[str, str]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            callback = (
                getattr(p.callback, "cls", None)
                or getattr(p.callback, "view_class", None)
                or p.callback
            )
            yield f"{namespace}{p.name}", f"{callback.__module__}."


def project_routes() -> set[str]:
    return {
        name
        for name, module in _walk(get_resolver().url_patterns)
        if not module.startswith(EXEMPT_MODULES) and not name.startswith("admin:")
    }


def _invitation(world: World) -> dict[str, Any]:
    invitation = InvitationFactory(programme=world.programme, organisation=world.partner)
    return {"pk": invitation.pk}


def _invitation_token(world: World) -> dict[str, Any]:
    invitation = InvitationFactory(programme=world.programme, organisation=world.partner)
    return {"token": invitation_token(invitation)}


def _coordinator_token(world: World) -> dict[str, Any]:
    token, _ = ApiToken.issue(user=world.users[C], name="script")
    return {"pk": token.pk}


def _participant(world: World) -> dict[str, Any]:
    from mile.participants.tests.factories import participant_in

    return {"pk": participant_in(world.site).pk}


def _account_token(world: World) -> dict[str, Any]:
    from mile.participants.accounts import participant_account_token
    from mile.participants.tests.factories import participant_in

    person = participant_in(world.site, email="self@example.org")
    return {"token": participant_account_token(person)}


def _language(world: World) -> dict[str, Any]:
    from mile.participants.tests.factories import participant_in

    person = participant_in(world.site)
    return {
        "pk": person.pk,
        "item": person.language_skills.create(language="ar", assessment="mother_tongue").pk,
    }


def _skill_uri() -> str:
    from mile.taxonomy.models import Concept

    concept, _ = Concept.objects.get_or_create(
        uri="http://data.europa.eu/esco/skill/matrix", defaults={"kind": "skill", "version": "1"}
    )
    return concept.uri


def _skill(world: World) -> dict[str, Any]:
    from mile.participants.tests.factories import participant_in
    from mile.taxonomy.models import Concept

    person = participant_in(world.site)
    skill = Concept.objects.get(uri=_skill_uri())
    return {"pk": person.pk, "item": person.skills.create(skill=skill, evidence="declared").pk}


def _education(world: World) -> dict[str, Any]:
    from mile.participants.tests.factories import participant_in

    person = participant_in(world.site)
    return {"pk": person.pk, "item": person.education.create(level=3).pk}


def _experience(world: World) -> dict[str, Any]:
    from mile.participants.tests.factories import participant_in

    person = participant_in(world.site)
    return {"pk": person.pk, "item": person.work_experience.create(job_title="Cook").pk}


def _document(world: World) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mile.participants.documents import document_store
    from mile.participants.tests.factories import participant_in
    from mile.participants.tests.sample_files import make_pdf

    person = participant_in(world.site)
    document = document_store(
        by=world.users[C],
        participant=person,
        upload=SimpleUploadedFile("cv.pdf", make_pdf(["Cook"])),
        kind="cv",
    )
    return {"pk": person.pk, "doc": document.pk}


def _track(world: World) -> dict[str, Any]:
    return {"pk": world.programme.tracks.get(name="Comprehensive").pk}


def _planned(world: World) -> dict[str, Any]:
    from mile.participants.models import IntegrationPlan
    from mile.participants.tests.factories import participant_in

    person = participant_in(world.site)
    plan = IntegrationPlan.objects.create(participant=person)
    return {"pk": person.pk, "item": plan.services.create(service_type="job_guidance").pk}


def _record(world: World) -> dict[str, Any]:
    import datetime as dt

    from mile.participants.tests.factories import participant_in

    person = participant_in(world.site)
    record = person.services.create(
        service_type="job_guidance", title="Session", started_on=dt.date(2024, 1, 10)
    )
    return {"pk": person.pk, "item": record.pk}


def _assessed(world: World) -> dict[str, Any]:
    import datetime as dt

    from mile.participants.tests.factories import participant_in
    from mile.taxonomy.models import Concept

    person = participant_in(world.site)
    validation = person.validations.create(
        skill=Concept.objects.get(uri=_skill_uri()),
        phase="assess",
        identified_on=dt.date(2024, 1, 10),
        documented_on=dt.date(2024, 1, 20),
        assessed_on=dt.date(2024, 2, 1),
        result="passed",
        assessor="Assessor Test",
    )
    return {"pk": person.pk, "item": validation.pk}


def _certify(world: World) -> dict[str, Any]:
    from mile.participants.models import SkillValidation

    validation = SkillValidation.objects.latest("pk")
    return {f"v{validation.pk}-phase": "certify", f"v{validation.pk}-on": "2024-02-10"}


def _concept(world: World) -> int:
    from mile.taxonomy.models import Concept

    concept, _ = Concept.objects.get_or_create(
        uri="http://data.europa.eu/esco/occupation/matrix",
        defaults={"kind": "occupation", "version": "1"},
    )
    return concept.pk


def _programme_slug(world: World) -> dict[str, Any]:
    return {"programme": world.programme.slug}


def _apply_step(world: World) -> dict[str, Any]:
    return {"programme": world.programme.slug, "site": world.site.pk, "step": "about"}


def _two_participants(world: World) -> dict[str, Any]:
    from mile.participants.tests.factories import participant_in

    return {"pk": participant_in(world.site).pk, "duplicate": participant_in(world.site).pk}


MATRIX: dict[str, Row] = {
    "health": Row("get", _none, _all(200)),
    # The public application: no sign-in (participants/views/apply.py).
    "participants:apply_programme": Row("get", _programme_slug, _all(200)),
    "participants:apply_privacy": Row("get", _programme_slug, _all(200)),
    "participants:apply_done": Row("get", _programme_slug, _all(200)),
    "participants:apply_step": Row("get", _apply_step, _all(200)),
    # Consent answers and merging two records (participants/views/merge.py).
    "participants:participant_consent_record": Row(
        "post",
        _participant,
        _signed_in(302, **{OPU: 404, E: 404, S: 404, EV: 403, OP: 404}),
        data=lambda w: {"purpose": "newsletter", "given": "no"},
    ),
    "participants:participant_merge": Row(
        "get", _two_participants, _signed_in(200, **{OPU: 404, E: 404, S: 404, EV: 403, OP: 404})
    ),
    "set_language": Row("post", _none, _all(302), data=lambda w: {"language": "it", "next": "/"}),
    # Employer contacts land on their company's portal.
    "core:dashboard": Row("get", _none, _signed_in(200, **{E: 302})),
    "core:about": Row("get", _none, _all(200)),
    "programmes:programme_list": Row("get", _none, _signed_in(200)),
    "programmes:programme_detail": Row(
        "get", lambda w: {"pk": w.programme.pk}, _signed_in(200, **{OP: 404})
    ),
    "programmes:track_services": Row("get", _track, _signed_in(403, **{ADM: 200, C: 200, OP: 404})),
    "programmes:organisation_list": Row("get", _none, _signed_in(200)),
    "programmes:organisation_create": Row(
        "get", _none, _signed_in(403, **{ADM: 200, C: 200, OP: 200})
    ),
    "programmes:organisation_detail": Row(
        "get", lambda w: {"pk": w.partner.pk}, _signed_in(200, **{E: 404, OP: 404})
    ),
    "programmes:organisation_edit": Row(
        "get",
        lambda w: {"pk": w.partner.pk},
        _signed_in(403, **{ADM: 200, C: 200, E: 404, OP: 404}),
    ),
    "accounts:member_list": Row("get", _none, _signed_in(200, **{E: 403, S: 403, EV: 403})),
    "accounts:invitation_list": Row("get", _none, _signed_in(403, **{ADM: 200, C: 200, OP: 200})),
    "accounts:invitation_create": Row("get", _none, _signed_in(403, **{ADM: 200, C: 200, OP: 200})),
    "accounts:invitation_revoke": Row("post", _invitation, _signed_in(404, **{ADM: 302, C: 302})),
    "accounts:invitation_accept": Row("get", _invitation_token, _all(200)),
    "accounts:profile": Row("get", _none, _signed_in(200)),
    "accounts:token_create": Row("post", _none, _signed_in(200), data=lambda w: {"name": "script"}),
    "accounts:token_revoke": Row("post", _coordinator_token, _signed_in(404, **{C: 302})),
    "privacy:audit_log": Row("get", _none, _signed_in(403, **{ADM: 200, C: 200, OP: 200})),
    "taxonomy:search": Row("get", _none, _all(200)),
    "taxonomy:suggest": Row("get", _none, _all(200)),
    "taxonomy:concept_detail": Row("get", lambda w: {"pk": _concept(w)}, _all(200)),
    "participants:participant_list": Row("get", _none, _signed_in(200, **{E: 403, S: 403})),
    "participants:participant_export": Row("get", _none, _signed_in(200, **{E: 403, S: 403})),
    "participants:participant_create": Row(
        "get", _none, _signed_in(200, **{E: 403, S: 403, EV: 403})
    ),
    "participants:participant_detail": Row(
        "get", _participant, _signed_in(200, **{OPU: 404, E: 404, S: 404, OP: 404})
    ),
    "participants:participant_edit": Row(
        "get", _participant, _signed_in(200, **{OPU: 404, E: 404, S: 404, EV: 403, OP: 404})
    ),
    "participants:participant_status": Row(
        "post",
        _participant,
        _signed_in(302, **{OPU: 404, E: 404, S: 404, EV: 403, OP: 404}),
        data=lambda w: {"status": "eligible"},
    ),
    "api:participant-list": Row("get", _none, _signed_in(200, anonymous=401)),
    "api:participant-detail": Row(
        "get", _participant, _signed_in(200, anonymous=401, **{OPU: 404, E: 404, S: 404, OP: 404})
    ),
    "participants:participant_language_add": Row(
        "post",
        _participant,
        _signed_in(302, **{OPU: 404, E: 404, S: 404, EV: 403, OP: 404}),
        data=lambda w: {"language": "ar", "assessment": "mother_tongue"},
    ),
    "participants:participant_language_delete": Row(
        "post", _language, _signed_in(302, **{OPU: 404, E: 404, S: 404, EV: 403, OP: 404})
    ),
    "participants:participant_skill_add": Row(
        "post",
        _participant,
        _signed_in(302, **{OPU: 404, E: 404, S: 404, EV: 403, OP: 404}),
        data=lambda w: {"skill": _skill_uri(), "evidence": "declared"},
    ),
    "participants:participant_skill_delete": Row(
        "post", _skill, _signed_in(302, **{OPU: 404, E: 404, S: 404, EV: 403, OP: 404})
    ),
    "participants:participant_pathway": Row(
        "get", _participant, _signed_in(200, **{OPU: 404, E: 404, S: 404, OP: 404})
    ),
    "participants:participant_timeline": Row(
        "get", _participant, _signed_in(200, **{OPU: 404, E: 404, S: 404, OP: 404})
    ),
    "participants:participant_validation": Row(
        "get", _participant, _signed_in(200, **{OPU: 404, E: 404, S: 404, OP: 404})
    ),
    # Plan, planned services, service records (views/pathway.py): evaluators read, never write.
    "participants:participant_plan_save": Row(
        "post",
        _participant,
        _signed_in(302, **{OPU: 404, E: 404, S: 404, EV: 403, OP: 404}),
        data=lambda w: {"goals": "Work in a kitchen", "agreed_on": "2024-01-10"},
    ),
    # Without a track the plan cannot start from one: the page comes back with the reason.
    "participants:participant_plan_from_track": Row(
        "post", _participant, _signed_in(302, **{OPU: 404, E: 404, S: 404, EV: 403, OP: 404})
    ),
    "participants:participant_planned_service_add": Row(
        "post",
        _participant,
        _signed_in(302, **{OPU: 404, E: 404, S: 404, EV: 403, OP: 404}),
        data=lambda w: {"service_type": "job_guidance", "state": "planned"},
    ),
    "participants:participant_planned_service_edit": Row(
        "get", _planned, _signed_in(200, **{OPU: 404, E: 404, S: 404, EV: 403, OP: 404})
    ),
    "participants:participant_planned_service_delete": Row(
        "post", _planned, _signed_in(302, **{OPU: 404, E: 404, S: 404, EV: 403, OP: 404})
    ),
    "participants:participant_service_record_add": Row(
        "post",
        _participant,
        _signed_in(302, **{OPU: 404, E: 404, S: 404, EV: 403, OP: 404}),
        data=lambda w: {
            "service_type": "job_guidance",
            "title": "First talk",
            "started_on": "2024-01-10",
            "outcome": "completed",
        },
    ),
    "participants:participant_service_record_edit": Row(
        "get", _record, _signed_in(200, **{OPU: 404, E: 404, S: 404, EV: 403, OP: 404})
    ),
    "participants:participant_service_record_delete": Row(
        "post", _record, _signed_in(302, **{OPU: 404, E: 404, S: 404, EV: 403, OP: 404})
    ),
    # Validation in four phases (views/validation.py).
    "participants:participant_validation_start": Row(
        "post",
        _participant,
        _signed_in(302, **{OPU: 404, E: 404, S: 404, EV: 403, OP: 404}),
        data=lambda w: {"skill": _skill_uri()},
    ),
    "participants:participant_validation_advance": Row(
        "post",
        _assessed,
        _signed_in(302, **{OPU: 404, E: 404, S: 404, EV: 403, OP: 404}),
        data=_certify,
    ),
    # Without a file the form is refused (400): who may try at all is what the row checks.
    "participants:participant_validation_evidence": Row(
        "post", _assessed, _signed_in(400, **{OPU: 404, E: 404, S: 404, EV: 403, OP: 404})
    ),
    # Documents name the person: evaluators (pseudonymised readers) get none (views/exports.py).
    "participants:participant_exports": Row(
        "get", _participant, _signed_in(200, **{OPU: 404, E: 404, S: 404, EV: 403, OP: 404})
    ),
    "participants:participant_profile_export": Row(
        "get", _participant, _signed_in(200, **{OPU: 404, E: 404, S: 404, EV: 403, OP: 404})
    ),
    # Nothing certified yet for a new participant: the page says so (409), not a PDF.
    "participants:participant_certificate_export": Row(
        "get", _participant, _signed_in(409, **{OPU: 404, E: 404, S: 404, EV: 403, OP: 404})
    ),
    "participants:participant_data_export": Row(
        "get", _participant, _signed_in(200, **{OPU: 404, E: 404, S: 404, EV: 403, OP: 404})
    ),
    # Skills profile: education, work experience, preferences, documents (views/profile.py).
    "participants:participant_education_add": Row(
        "post",
        _participant,
        _signed_in(302, **{OPU: 404, E: 404, S: 404, EV: 403, OP: 404}),
        data=lambda w: {"level": 3, "recognition": "not_requested"},
    ),
    "participants:participant_education_edit": Row(
        "get", _education, _signed_in(200, **{OPU: 404, E: 404, S: 404, EV: 403, OP: 404})
    ),
    "participants:participant_education_delete": Row(
        "post", _education, _signed_in(302, **{OPU: 404, E: 404, S: 404, EV: 403, OP: 404})
    ),
    "participants:participant_experience_add": Row(
        "post",
        _participant,
        _signed_in(302, **{OPU: 404, E: 404, S: 404, EV: 403, OP: 404}),
        data=lambda w: {"job_title": "Kitchen helper"},
    ),
    "participants:participant_experience_edit": Row(
        "get", _experience, _signed_in(200, **{OPU: 404, E: 404, S: 404, EV: 403, OP: 404})
    ),
    "participants:participant_experience_delete": Row(
        "post", _experience, _signed_in(302, **{OPU: 404, E: 404, S: 404, EV: 403, OP: 404})
    ),
    "participants:participant_experience_skills": Row(
        "get", _experience, _signed_in(200, **{OPU: 404, E: 404, S: 404, EV: 403, OP: 404})
    ),
    "participants:participant_preferences": Row(
        "get", _participant, _signed_in(200, **{OPU: 404, E: 404, S: 404, EV: 403, OP: 404})
    ),
    # Without a file the form is refused (400): who may try at all is what the row checks.
    "participants:participant_document_add": Row(
        "post",
        _participant,
        _signed_in(400, **{OPU: 404, E: 404, S: 404, EV: 403, OP: 404}),
        data=lambda w: {"kind": "cv"},
    ),
    # Documents are personal: for evaluators' pseudonymised view they do not exist.
    "participants:participant_document": Row(
        "get", _document, _signed_in(200, **{OPU: 404, E: 404, S: 404, EV: 404, OP: 404})
    ),
    "participants:participant_document_delete": Row(
        "post", _document, _signed_in(302, **{OPU: 404, E: 404, S: 404, EV: 403, OP: 404})
    ),
    "participants:participant_document_skills": Row(
        "get", _document, _signed_in(200, **{OPU: 404, E: 404, S: 404, EV: 403, OP: 404})
    ),
    # Staff accounts have no record of their own: the participant's pages are not theirs.
    "participants:me": Row("get", _none, _signed_in(404)),
    "participants:me_edit": Row("get", _none, _signed_in(404)),
    "participants:me_consent": Row(
        "post", _none, _signed_in(404), data=lambda w: {"purpose": "newsletter", "given": "no"}
    ),
    "participants:me_welcome": Row("get", _account_token, _all(200)),
    "participants:participant_account_invite": Row(
        "post",
        _participant,
        _signed_in(302, **{OPU: 404, E: 404, S: 404, EV: 403, OP: 404}),
        data=lambda w: {"language": "el"},
    ),
    "api:participant-profile": Row(
        "get", _participant, _signed_in(200, anonymous=401, **{OPU: 404, E: 404, S: 404, OP: 404})
    ),
    "api:participant-plan": Row(
        "get", _participant, _signed_in(200, anonymous=401, **{OPU: 404, E: 404, S: 404, OP: 404})
    ),
    "api:participant-services": Row(
        "get", _participant, _signed_in(200, anonymous=401, **{OPU: 404, E: 404, S: 404, OP: 404})
    ),
    "schema": Row("get", _none, _all(200)),
    "api_docs": Row("get", _none, _all(200)),
    "api:me": Row("get", _none, _signed_in(200, anonymous=401)),
    "api:organisation-list": Row("get", _none, _signed_in(200, anonymous=401)),
    "api:organisation-detail": Row(
        "get", lambda w: {"pk": w.partner.pk}, _signed_in(200, anonymous=401, **{E: 404, OP: 404})
    ),
    "api:programme-list": Row("get", _none, _signed_in(200, anonymous=401)),
    "api:programme-detail": Row(
        "get", lambda w: {"pk": w.programme.pk}, _signed_in(200, anonymous=401, **{OP: 404})
    ),
    "api:site-list": Row("get", _none, _signed_in(200, anonymous=401)),
    "api:site-detail": Row(
        "get", lambda w: {"pk": w.site.pk}, _signed_in(200, anonymous=401, **{OP: 404})
    ),
}


def _app_rows() -> dict[str, Row]:
    """The rows each app keeps in its own ``tests/matrix*.py`` modules."""
    import mile

    rows: dict[str, Row] = {}
    for app in pkgutil.iter_modules(mile.__path__):
        try:
            tests = importlib.import_module(f"mile.{app.name}.tests")
        except ModuleNotFoundError:
            continue
        for module in pkgutil.iter_modules(tests.__path__):
            if module.name.startswith("matrix"):
                found = importlib.import_module(f"{tests.__name__}.{module.name}")
                rows.update(getattr(found, "ROWS", {}))
    return rows


MATRIX.update(_app_rows())


def test_it_has_a_row_for_every_route() -> None:
    routes = project_routes()
    missing = sorted(routes - MATRIX.keys())
    stale = sorted(MATRIX.keys() - routes)
    assert not missing, f"Routes without a row in the role × URL matrix: {missing}"
    assert not stale, f"Rows for routes that no longer exist: {stale}"


@pytest.mark.parametrize("route", sorted(MATRIX))
def test_it_answers_each_role_as_the_matrix_says(world: World, route: str) -> None:
    """Every persona in turn, each in a savepoint rolled back after its request: one world
    per route instead of one per route and persona (the suite's largest cost), and still no
    persona sees what another's request changed."""
    row = MATRIX[route]
    wrong = []
    for persona in PERSONAS:
        with transaction.atomic():
            with translation.override("en"):
                url = reverse(route, kwargs=row.kwargs(world))
            client = client_for(world, persona)
            data = row.data(world) if row.data else {}
            response = getattr(client, row.method)(url, data)
            if response.status_code != row.expected[persona]:
                wrong.append(
                    f"{persona} {row.method.upper()} {url}: {response.status_code}, "
                    f"expected {row.expected[persona]}"
                )
            transaction.set_rollback(True)
        # Each persona starts as the world was: caches too (TOTP codes used, lockouts).
        cache.clear()
    assert not wrong, "\n".join(wrong)
