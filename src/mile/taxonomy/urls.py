from django.urls import path

from mile.taxonomy import views

app_name = "taxonomy"
urlpatterns = [
    path("esco/", views.search, name="search"),
    path("esco/suggest/", views.suggest, name="suggest"),
    path("esco/<int:pk>/", views.concept_detail, name="concept_detail"),
]
