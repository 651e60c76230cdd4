from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin

from common.history_admin import ReadableHistoryAdmin
from regions.models import Municipality, ServiceArea, WellbeingCounty
from regions.resources import WellbeingCountyResource
from regions.scoping import CountyScopedAdminMixin, CountyScopedInlineMixin, ReferenceDataAdminMixin


class ServiceAreaInline(CountyScopedInlineMixin, admin.TabularInline):
    model = ServiceArea
    fields = ["code", "name_fi", "name_sv", "name_en"]
    extra = 0


@admin.register(WellbeingCounty)
class WellbeingCountyAdmin(CountyScopedAdminMixin, ImportExportModelAdmin, ReadableHistoryAdmin):
    county_field = "pk"
    resource_classes = [WellbeingCountyResource]
    list_display = ["code", "name_fi", "brand", "population", "population_year", "service_area_count"]
    list_display_links = ["code", "name_fi"]
    search_fields = ["code", "name_fi", "name_sv", "name_en", "brand"]
    list_filter = ["population_year"]
    ordering = ["code"]
    filter_horizontal = ["editors", "publishers"]
    inlines = [ServiceAreaInline]
    fieldsets = [
        (None, {"fields": ["code", "slug", "brand"]}),
        (_("Names"), {"fields": ["name_fi", "name_sv", "name_en"]}),
        (_("Population"), {"fields": ["population", "population_year"]}),
        (_("Editors"), {"fields": ["editors", "publishers"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(service_area_total=Count("service_areas"))

    @admin.display(description=_("service areas"), ordering="service_area_total")
    def service_area_count(self, obj):
        return obj.service_area_total

    def get_prepopulated_fields(self, request, obj=None):
        # Not the prepopulated_fields attribute: django-simple-history's history form reads that
        # directly and fails on the slug, which is read-only for editors.
        return {"slug": ["name_fi"]} if request.user.is_superuser else {}

    def get_readonly_fields(self, request, obj=None):
        # Only superusers decide who edits a county and what its official identity is.
        if request.user.is_superuser:
            return []
        return [
            "code",
            "slug",
            "name_fi",
            "name_sv",
            "name_en",
            "population",
            "population_year",
            "editors",
            "publishers",
        ]


@admin.register(Municipality)
class MunicipalityAdmin(ReferenceDataAdminMixin, ReadableHistoryAdmin):
    list_display = ["code", "name_fi", "name_sv", "county"]
    list_filter = ["county"]
    search_fields = ["code", "name_fi", "name_sv", "name_en"]
    autocomplete_fields = ["county"]
    ordering = ["name_fi"]
    list_select_related = ["county"]


@admin.register(ServiceArea)
class ServiceAreaAdmin(CountyScopedAdminMixin, ReadableHistoryAdmin):
    list_display = ["name_fi", "code", "county"]
    list_filter = ["county"]
    search_fields = ["code", "name_fi", "name_sv", "name_en", "county__name_fi"]
    autocomplete_fields = ["county"]
    prepopulated_fields = {"code": ["name_fi"]}
    list_select_related = ["county"]
    ordering = ["county__code", "name_fi"]
