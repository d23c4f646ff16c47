from django.urls import path

from mile.employers.views import candidates, employers, imports, needs, offers

app_name = "employers"
# Employers' profiles, workplaces and the engagement log (views/employers.py).
_employers = [
    path("employers/", employers.employer_list, name="employer_list"),
    path("employers/new/", employers.employer_create, name="employer_create"),
    path("employers/<int:pk>/", employers.employer_detail, name="employer_detail"),
    path("employers/<int:pk>/edit/", employers.employer_edit, name="employer_edit"),
    path("employers/<int:pk>/workplaces/new/", employers.workplace_add, name="workplace_add"),
    path(
        "employers/<int:pk>/workplaces/<int:item>/edit/",
        employers.workplace_edit,
        name="workplace_edit",
    ),
    path(
        "employers/<int:pk>/workplaces/<int:item>/delete/",
        employers.workplace_delete,
        name="workplace_delete",
    ),
    path("employers/<int:pk>/engagements/new/", employers.engagement_add, name="engagement_add"),
    path(
        "employers/<int:pk>/engagements/<int:item>/edit/",
        employers.engagement_edit,
        name="engagement_edit",
    ),
    path(
        "employers/<int:pk>/engagements/<int:item>/delete/",
        employers.engagement_delete,
        name="engagement_delete",
    ),
    path("portal/", employers.employer_portal, name="portal"),
]
# Needs assessments and the summary across employers (views/needs.py).
_needs = [
    path("employers/needs/", needs.needs_summary, name="needs_summary"),
    path("employers/<int:pk>/needs/new/", needs.needs_add, name="needs_add"),
    path("employers/<int:pk>/needs/<int:item>/edit/", needs.needs_edit, name="needs_edit"),
]
# Offers: content, proposed skills, languages, status, copies (views/offers.py).
_offers = [
    path("offers/", offers.offer_list, name="offer_list"),
    path("employers/<int:pk>/offers/new/", offers.offer_create, name="offer_create"),
    path("offers/<int:pk>/", offers.offer_detail, name="offer_detail"),
    path("offers/<int:pk>/edit/", offers.offer_edit, name="offer_edit"),
    path("offers/<int:pk>/skills/", offers.offer_skills, name="offer_skills"),
    path(
        "offers/<int:pk>/skills/<int:item>/delete/",
        offers.offer_skill_delete,
        name="offer_skill_delete",
    ),
    path("offers/<int:pk>/languages/", offers.offer_languages, name="offer_languages"),
    path("offers/<int:pk>/status/", offers.offer_status, name="offer_status"),
    path("offers/<int:pk>/duplicate/", offers.offer_duplicate, name="offer_duplicate"),
]
# Candidates proposed to employers, and the employer's answer (views/candidates.py).
_candidates = [
    path("offers/<int:pk>/propose/", candidates.proposal_create, name="proposal_create"),
    path("candidates/", candidates.candidate_list, name="candidate_list"),
    path("candidates/<int:pk>/", candidates.candidate_detail, name="candidate_detail"),
    path("candidates/<int:pk>/decide/", candidates.candidate_decide, name="candidate_decide"),
    path("candidates/<int:pk>/share/", candidates.candidate_share, name="candidate_share"),
]
# Importing employers and offers from CSV or XLSX, with a dry run (views/imports.py).
_imports = [
    path("employers/import/", imports.import_upload, name="import_upload"),
    path("employers/import/<str:token>/", imports.import_confirm, name="import_confirm"),
]
urlpatterns = [*_employers, *_needs, *_offers, *_candidates, *_imports]
