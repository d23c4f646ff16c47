"""Routes of events and of the calendar (owned by views/events.py and views/calendar.py)."""

from django.urls import URLPattern, path

from mile.activities.views import calendar, events

urlpatterns: list[URLPattern] = [
    path("events/", events.event_list, name="event_list"),
    path("events/new/", events.event_create, name="event_create"),
    path("events/<int:pk>/", events.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", events.event_edit, name="event_edit"),
    path("events/<int:pk>/materials/new/", events.event_material_add, name="event_material_add"),
    path(
        "events/<int:pk>/materials/<int:item>/",
        events.event_material_download,
        name="event_material_download",
    ),
    path(
        "events/<int:pk>/materials/<int:item>/delete/",
        events.event_material_delete,
        name="event_material_delete",
    ),
    path(
        "events/<int:pk>/registrations/new/",
        events.event_registration_add,
        name="event_registration_add",
    ),
    path(
        "events/<int:pk>/registrations/<int:item>/delete/",
        events.event_registration_delete,
        name="event_registration_delete",
    ),
    path("events/<int:pk>/attendance/", events.event_attendance, name="event_attendance"),
    # Registration online: anyone, without an account.
    path("register/event/<int:pk>/", events.event_register, name="event_register"),
    path("register/event/<int:pk>/done/", events.event_register_done, name="event_register_done"),
    # The calendar of all activities; the feed is read by calendar apps with a token.
    path("calendar/", calendar.calendar_month, name="calendar_month"),
    path("calendar/download.ics", calendar.calendar_download, name="calendar_download"),
    path("calendar/feed/<str:token>.ics", calendar.calendar_feed, name="calendar_feed"),
]
