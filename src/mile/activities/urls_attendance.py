"""Routes of attendance: roll-call, certificates of attendance, the survey after a course."""

from django.urls import URLPattern, path

from mile.activities.views import attendance

urlpatterns: list[URLPattern] = [
    path(
        "sessions/<int:pk>/roll-call/",
        attendance.session_rollcall,
        name="session_rollcall",
    ),
    path(
        "enrolments/<int:pk>/certificate.pdf",
        attendance.enrolment_certificate,
        name="enrolment_certificate",
    ),
    # No sign-in: the signed token in the address is the attendee's key.
    path("survey/<str:token>/", attendance.enrolment_survey, name="enrolment_survey"),
]
