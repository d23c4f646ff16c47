from mile.placements import urls_matching, urls_placements

app_name = "placements"
# Each part keeps its routes beside its views; the names share the "placements" namespace.
urlpatterns = [
    *urls_matching.urlpatterns,
    *urls_placements.urlpatterns,
]
