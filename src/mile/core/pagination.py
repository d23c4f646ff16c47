"""Pages deep into large lists without the database walking every row before them."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


class DeferredJoinPaginator(Paginator[Any]):
    """A page's keys first, read from the ordering index alone, then only that page's rows.

    With ``LIMIT 25 OFFSET 50000`` a database fetches (and joins) 50,025 rows to keep 25;
    reading the keys touches the index only, and the 25 rows are then fetched by key.
    """

    object_list: QuerySet[Any]

    def page(self, number: Any) -> Page[Any]:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.order_by().filter(pk__in=keys)}
        return Page([rows[key] for key in keys if key in rows], number, self)
