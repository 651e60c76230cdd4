"""The Omaolo contents: reference data, imported and exported as spreadsheets."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin

from common.history_admin import ReadableHistoryAdmin
from processes.models import ContentModule
from processes.resources import ContentModuleResource
from regions.scoping import ReferenceDataAdminMixin


@admin.register(ContentModule)
class ContentModuleAdmin(ReferenceDataAdminMixin, ImportExportModelAdmin, ReadableHistoryAdmin):
    resource_classes = [ContentModuleResource]
    list_display = ["name_fi", "code", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    list_editable = ["is_active"]
    search_fields = ["code", "name_fi", "name_sv", "name_en"]
    prepopulated_fields = {"code": ["name_fi"]}
    ordering = ["kind", "name_fi"]
    fieldsets = [
        (None, {"fields": ["code", "kind", "is_active"]}),
        (_("Names"), {"fields": ["name_fi", "name_sv", "name_en"]}),
        (_("Descriptions"), {"fields": ["description_fi", "description_sv", "description_en", "description_source"]}),
    ]
