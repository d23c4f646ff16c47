"""Role × URL rows for events and the calendar (collected by core/tests/test_url_matrix.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from mile.activities.models import Event, EventKind
from mile.conftest import World
from mile.core.tests.matrix import EV, OP, OPU, C, E, Row, S, _all, _none, _signed_in
from mile.programmes.models import Site

__all__ = ["ROWS", "event_in"]


def event_in(site: Site | None, programme: Any = None, **kwargs: Any) -> Event:
    """An awareness event of the site (of the whole programme when ``site`` is None), in a week."""
    starts = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=7)
    fields: dict[str, Any] = {
        "title": "Open day for employers",
        "kind": EventKind.AWARENESS,
        "audiences": ["employers", "citizens"],
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=3),
        "place": "Sala Verdi",
        **kwargs,
    }
    return Event.objects.create(programme=programme or site.programme, site=site, **fields)  # type: ignore[union-attr]


def _event(world: World) -> dict[str, Any]:
    # A Milan event: the Innsbruck partner reads it but does not run it.
    return {"pk": event_in(world.site).pk}


def _started(world: World) -> dict[str, Any]:
    past = timezone.now() - dt.timedelta(hours=2)
    event = event_in(world.site, starts_at=past, ends_at=past + dt.timedelta(hours=1))
    return {"pk": event.pk}


def _public(world: World) -> dict[str, Any]:
    return {"pk": event_in(world.site, public_registration=True).pk}


def _material(world: World) -> dict[str, Any]:
    from django.core.files.base import ContentFile

    event = event_in(world.site)
    material = event.materials.create(title="Slides")
    material.file.save("matrix.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    return {"pk": event.pk, "item": material.pk}


def _registration(world: World) -> dict[str, Any]:
    event = event_in(world.site)
    registration = event.registrations.create(full_name="Ines Example", audience="citizens")
    return {"pk": event.pk, "item": registration.pk}


def _feed(world: World) -> dict[str, Any]:
    from mile.activities.calendar import feed_token

    return {"token": feed_token(world.users[C])}


# Milan events: everyone in the programme reads them; the coordinator, the Milan case worker
# and the administrator run them; other programmes do not know they exist.
_READ = _signed_in(200, **{OP: 404})
_WRITE_PAGE = _signed_in(200, **{OPU: 403, E: 403, S: 403, EV: 403, OP: 404})
_WRITE_POST = _signed_in(302, **{OPU: 403, E: 403, S: 403, EV: 403, OP: 404})

ROWS: dict[str, Row] = {
    "activities:event_list": Row("get", _none, _signed_in(200)),
    "activities:event_create": Row("get", _none, _signed_in(200, **{E: 403, S: 403, EV: 403})),
    "activities:event_detail": Row("get", _event, _READ),
    "activities:event_edit": Row("get", _event, _WRITE_PAGE),
    "activities:event_material_add": Row(
        "post",
        _event,
        _WRITE_POST,
        data=lambda w: {"title": "Programme", "url": "https://example.org/programme.pdf"},
    ),
    "activities:event_material_download": Row("get", _material, _READ),
    "activities:event_material_delete": Row("post", _material, _WRITE_POST),
    "activities:event_registration_add": Row("get", _event, _WRITE_PAGE),
    "activities:event_registration_delete": Row("post", _registration, _WRITE_POST),
    "activities:event_attendance": Row("post", _started, _WRITE_POST),
    # Registration online: open to anyone, signed in or not.
    "activities:event_register": Row("get", _public, _all(200)),
    # Without having registered, the thank-you page sends back to the form.
    "activities:event_register_done": Row("get", _public, _all(200)),
    "activities:calendar_month": Row("get", _none, _signed_in(200)),
    "activities:calendar_download": Row("get", _none, _signed_in(200)),
    # The token stands for signing in: calendar apps read the feed anonymously.
    "activities:calendar_feed": Row("get", _feed, _all(200)),
}
