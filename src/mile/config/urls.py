from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from mile.accounts.api import me
from mile.activities.api import CourseViewSet, EventViewSet, SessionViewSet, WorkingGroupViewSet
from mile.core import views as core_views
from mile.employers.api import EmployerViewSet, OfferViewSet
from mile.participants.api import ParticipantViewSet
from mile.placements.api import MatchViewSet, PlacementViewSet
from mile.programmes.api import OrganisationViewSet, ProgrammeViewSet, SiteViewSet

# Swagger UI sets inline styles on its widgets; the page loads no script from elsewhere.
api_docs = csp_override({**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]})(  # type: ignore[dict-item]
    SpectacularSwaggerSplitView.as_view(url_name="schema")
)

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("sites", SiteViewSet, basename="site")
router.register("participants", ParticipantViewSet, basename="participant")
router.register("employers", EmployerViewSet, basename="employer")
router.register("offers", OfferViewSet, basename="offer")
router.register("courses", CourseViewSet, basename="course")
router.register("sessions", SessionViewSet, basename="session")
router.register("working-groups", WorkingGroupViewSet, basename="working-group")
router.register("events", EventViewSet, basename="event")
router.register("matches", MatchViewSet, basename="match")
router.register("placements", PlacementViewSet, basename="placement")

api_v1 = [path("me/", me, name="me"), *router.urls]

urlpatterns = [
    # Outside the language prefix: machine-facing.
    path("health/", core_views.health, name="health"),
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
]
urlpatterns += i18n_patterns(
    path("", include("mile.core.urls")),
    path("", include("mile.programmes.urls")),
    path("", include("mile.accounts.urls")),
    path("", include("mile.privacy.urls")),
    path("", include("mile.taxonomy.urls")),
    path("", include("mile.participants.urls")),
    path("", include("mile.employers.urls")),
    path("", include("mile.activities.urls")),
    path("", include("mile.placements.urls")),
    path("api/docs/", api_docs, name="api_docs"),
    path("account/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)

handler404 = "mile.core.views.not_found"
handler403 = "mile.core.views.forbidden"
handler500 = "mile.core.views.server_error"
