"""Routes of courses, their sessions, enrolment and registration online (views/courses.py)."""

from django.urls import URLPattern, path

from mile.activities.views import courses

urlpatterns: list[URLPattern] = [
    path("courses/", courses.course_list, name="course_list"),
    path("courses/new/", courses.course_create, name="course_create"),
    path("courses/<int:pk>/", courses.course_detail, name="course_detail"),
    path("courses/<int:pk>/edit/", courses.course_edit, name="course_edit"),
    path("courses/<int:pk>/sessions/new/", courses.session_add, name="session_add"),
    path(
        "courses/<int:pk>/sessions/<int:item>/edit/",
        courses.session_edit,
        name="session_edit",
    ),
    path(
        "courses/<int:pk>/sessions/<int:item>/delete/",
        courses.session_delete,
        name="session_delete",
    ),
    path("courses/<int:pk>/enrol/", courses.enrolment_add, name="enrolment_add"),
    path(
        "courses/<int:pk>/enrolments/<int:item>/withdraw/",
        courses.enrolment_withdraw,
        name="enrolment_withdraw",
    ),
    # Anyone may register for a published course open to it, without an account.
    path("register/course/<int:pk>/", courses.course_register, name="course_register"),
    path(
        "register/course/<int:pk>/done/",
        courses.course_register_done,
        name="course_register_done",
    ),
]
