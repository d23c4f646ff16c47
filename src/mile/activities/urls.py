from mile.activities import (
    urls_attendance,
    urls_counts,
    urls_courses,
    urls_events,
    urls_groups,
    urls_visits,
)

app_name = "activities"
# Each part keeps its routes beside its views; the names share the "activities" namespace.
urlpatterns = [
    *urls_courses.urlpatterns,
    *urls_attendance.urlpatterns,
    *urls_visits.urlpatterns,
    *urls_groups.urlpatterns,
    *urls_events.urlpatterns,
    *urls_counts.urlpatterns,
]
