"""Deep pages read keys first, then rows: the same pages as plain pagination, in order."""

from __future__ import annotations

from django.core.paginator import Paginator

from mile.conftest import World
from mile.core.pagination import DeferredJoinPaginator
from mile.participants.models import Participant
from mile.participants.tests.factories import participant_in


def test_it_gives_the_same_pages_in_the_same_order_as_plain_pagination(world: World) -> None:
    for n in range(23):
        participant_in(world.site, family_name=f"Name{(n * 7) % 23:02d}", given_names="Same")
    people = Participant.objects.select_related("site").order_by("family_name", "pk")
    plain = Paginator(people, 5, orphans=2)
    deferred = DeferredJoinPaginator(people, 5, orphans=2)
    assert deferred.num_pages == plain.num_pages == 5
    for number in plain.page_range:
        expected = [p.pk for p in plain.page(number)]
        got = deferred.page(number)
        assert [p.pk for p in got] == expected
        assert got[0].site == world.site  # rows come with what the list selected
    assert [p.family_name for p in deferred.page(1)] == [
        "Name00",
        "Name01",
        "Name02",
        "Name03",
        "Name04",
    ]
