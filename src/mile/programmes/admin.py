from django.contrib import admin

from mile.programmes.models import Involvement, Organisation, Programme, Site, Track


class SiteInline(admin.TabularInline[Site, Programme]):
    model = Site
    extra = 0


class TrackInline(admin.TabularInline[Track, Programme]):
    model = Track
    extra = 0


class InvolvementInline(admin.TabularInline[Involvement, Programme]):
    model = Involvement
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin[Programme]):
    list_display = ["name", "funder", "starts_on", "ends_on"]
    search_fields = ["name", "slug"]
    inlines = [InvolvementInline, SiteInline, TrackInline]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ["name", "type", "country", "city"]
    list_filter = ["type", "country"]
    search_fields = ["name", "city"]
