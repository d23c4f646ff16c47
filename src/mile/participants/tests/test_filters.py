from __future__ import annotations

import datetime as dt

from django.urls import reverse

from mile.conftest import World, client_for
from mile.esco.tests.esco_files import OCC, SKILL
from mile.participants.models import Participant, Status
from mile.participants.tests.factories import participant_in
from mile.taxonomy.models import Concept


def _names(world: World, persona: str = "coordinator", **query: object) -> list[str]:
    response = client_for(world, persona).get(reverse("participants:participant_list"), query)
    assert response.status_code == 200
    return [p.family_name for p in response.context["page"]]


def test_it_filters_by_track(world: World) -> None:
    light = world.programme.tracks.get(name="Light")
    participant_in(world.site, family_name="Alpha", track=light)
    participant_in(world.site, family_name="Beta")
    assert _names(world, track=light.pk) == ["Alpha"]


def test_it_filters_by_language_and_minimum_level_in_any_of_the_five_skills(
    world: World,
) -> None:
    reader = participant_in(world.site, family_name="Reader")
    reader.language_skills.create(language="de", assessment="tested", reading="B2", writing="A1")
    beginner = participant_in(world.site, family_name="Beginner")
    beginner.language_skills.create(language="de", assessment="self", listening="A2")
    native = participant_in(world.site, family_name="Native")
    native.language_skills.create(language="de", assessment="mother_tongue")
    other = participant_in(world.site, family_name="Other")
    other.language_skills.create(language="it", assessment="tested", reading="C2")
    assert _names(world, language="de") == ["Beginner", "Native", "Reader"]
    # B1 or above in one skill is enough; a mother tongue counts as any level.
    assert _names(world, language="de", min_level="B1") == ["Native", "Reader"]
    assert _names(world, language="de", min_level="C1") == ["Native"]
    # A level without a language filters nothing: the level of which language?
    assert len(_names(world, min_level="C1")) == 4


def test_it_filters_by_esco_skill_and_occupation_in_experience_or_preferences(
    world: World, esco
) -> None:
    cook = Concept.objects.get(uri=SKILL + "cook")
    chef = Concept.objects.get(uri=OCC + "chef")
    worked = participant_in(world.site, family_name="Worked")
    worked.work_experience.create(job_title="Cook", occupation=chef)
    worked.skills.create(skill=cook, evidence="declared")
    # Two experiences as chef still list the person once.
    worked.work_experience.create(job_title="Head cook", occupation=chef)
    wishes = participant_in(world.site, family_name="Wishes")
    wishes.preferred_occupations.add(chef)
    participant_in(world.site, family_name="Neither")
    assert _names(world, skill=SKILL + "cook") == ["Worked"]
    assert _names(world, occupation=OCC + "chef") == ["Wishes", "Worked"]


def test_it_sorts_by_name_status_or_newest(world: World) -> None:
    first = participant_in(world.site, family_name="Zeta", status=Status.ACTIVE)
    participant_in(world.site, family_name="Alpha", status=Status.ENROLLED)
    participant_in(world.site, family_name="Mu", status=Status.APPLICANT)
    Participant.objects.filter(pk=first.pk).update(
        created_at=first.created_at + dt.timedelta(days=1)
    )
    assert _names(world) == ["Alpha", "Mu", "Zeta"]
    # Along the pathway: applicants first.
    assert _names(world, sort="status") == ["Mu", "Alpha", "Zeta"]
    assert _names(world, sort="newest") == ["Zeta", "Mu", "Alpha"]


def test_it_keeps_references_in_order_for_evaluators_whatever_the_sort(world: World) -> None:
    people = [participant_in(world.site, family_name=name) for name in ("Zeta", "Alpha")]
    response = client_for(world, "evaluator").get(
        reverse("participants:participant_list"), {"sort": "name"}
    )
    assert [p.pk for p in response.context["page"]] == [p.pk for p in people]
    form = response.context["form"]
    assert {"track", "language", "min_level", "skill", "occupation", "sort"} <= form.fields.keys()
    assert "nationality" not in form.fields


def test_it_lists_with_every_filter_in_a_constant_number_of_queries(
    world: World, esco, django_assert_num_queries
) -> None:
    chef = Concept.objects.get(uri=OCC + "chef")
    cook = Concept.objects.get(uri=SKILL + "cook")
    light = world.programme.tracks.get(name="Light")
    client = client_for(world, "coordinator")
    url = reverse("participants:participant_list")
    query = {
        "language": "de",
        "min_level": "A2",
        "occupation": OCC + "chef",
        "skill": SKILL + "cook",
        "track": light.pk,
        "sort": "status",
    }
    client.get(url, query)
    for n, listed in ((2, 2), (20, 22)):
        for _ in range(n):
            person = participant_in(world.site, track=light)
            person.language_skills.create(language="de", assessment="tested", reading="B1")
            person.work_experience.create(job_title="Cook", occupation=chef)
            person.skills.create(skill=cook, evidence="declared")
        # The same whatever the number listed: the filters are EXISTS, the page two queries
        # (its keys, then its rows).
        with django_assert_num_queries(17):
            response = client.get(url, query)
        assert len(response.context["page"].object_list) == listed
