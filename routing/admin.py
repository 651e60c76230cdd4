"""The routing admin: national outcomes and rules to read, a county's receiving units and routes to edit.

Receiving units and routes are county-scoped (`regions.scoping`) with their history. A route
may go to a unit of another county or a national service (the check warns of the first), so
those are pickable. The route list links to the county's route check, to copying a route set
from another content or from another county's published routes, and to publishing.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from processes.models import ContentModule
from regions.models import WellbeingCounty
from regions.scoping import (
    CountyScopedAdminMixin,
    CountyScopedInlineMixin,
    ReferenceDataAdminMixin,
    editable_county_ids,
    publishable_county_ids,
)
from routing.choices import ProfessionalRole, ServiceLanguage, Weekday
from routing.files import COLUMNS as ROUTE_FILE_COLUMNS
from routing.files import routes_export_csv, routes_export_xlsx, routes_import
from routing.models import (
    CareGuaranteeRule,
    OpeningException,
    OpeningHours,
    Outcome,
    PublishedRouteSet,
    ReceivingUnit,
    Route,
)
from routing.services import (
    route_check_run,
    route_set_copy_from_content,
    route_set_copy_from_published,
    route_set_publish,
)
from routing.workload import unit_workload

COPY_CHOOSE = _("Choose the county and both contents.")
COPY_PUBLISHED_CHOOSE = _("Choose a published route set and your county.")
PUBLISH_CHOOSE = _("Choose the county and the content to publish.")
COPIED = _("%(count)d routes were copied to %(content)s. Check their dates and verify them.")
PUBLISHED = _("The routes of %(content)s were published for %(county)s.")
IMPORT_CHOOSE_FILE = _("Choose a CSV or XLSX file of routes.")
WORKLOAD_WEEKS = 8
WORKLOAD_AFTER_SAVE = _("Shown once the unit is saved.")
IMPORTED = _("Routes imported: created %(created)d, updated %(updated)d, unchanged %(unchanged)d.")


@admin.register(Outcome)
class OutcomeAdmin(ReferenceDataAdminMixin, admin.ModelAdmin):
    list_display = ["name_fi", "code", "content_kind", "urgency", "needs_route"]
    list_filter = ["content_kind", "urgency"]
    search_fields = ["code", "name_fi", "name_sv", "name_en"]


@admin.register(CareGuaranteeRule)
class CareGuaranteeRuleAdmin(ReferenceDataAdminMixin, admin.ModelAdmin):
    list_display = ["code", "measure", "age_from", "age_below", "limit_value", "limit_unit", "valid_from", "valid_to"]
    list_filter = ["measure", "in_force"]
    search_fields = ["code", "law", "section"]


class OpeningHoursInline(CountyScopedInlineMixin, admin.TabularInline):
    model = OpeningHours
    county_field = "unit__county"
    extra = 0


class OpeningExceptionInline(CountyScopedInlineMixin, admin.TabularInline):
    model = OpeningException
    county_field = "unit__county"
    extra = 0


@admin.register(ReceivingUnit)
class ReceivingUnitAdmin(CountyScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name_fi", "code", "county", "unit_type", "operator", "phone"]
    list_filter = ["unit_type", "county"]
    search_fields = ["code", "name_fi", "name_sv", "name_en", "operator"]
    list_select_related = ["county"]
    inlines = [OpeningHoursInline, OpeningExceptionInline]
    readonly_fields = ["workload"]
    fieldsets = [
        (None, {"fields": ["county", "code", "unit_type", "operator"]}),
        (_("Names"), {"fields": ["name_fi", "name_sv", "name_en"]}),
        (_("Contact"), {"fields": ["phone", "web_address"]}),
        (_("Hours"), {"fields": ["open_around_the_clock", "holidays_as_sundays"]}),
        (_("Workload"), {"fields": ["service_area", "workload"]}),
    ]

    @admin.display(description=_("contact requests per open hour"))
    def workload(self, unit):
        if unit.pk is None:
            return WORKLOAD_AFTER_SAVE
        return render_to_string(
            "admin/routing/receivingunit/workload.html",
            {"workload": unit_workload(unit=unit, weeks=WORKLOAD_WEEKS)},
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if not request.user.is_superuser and "county" in form.base_fields:
            # A unit of no county is a national service (112, 116117): reference data, not an editor's.
            form.base_fields["county"].required = True
        return form


class RouteForm(forms.ModelForm):
    """The route with its weekdays, roles and languages as tick boxes."""

    weekdays = forms.TypedMultipleChoiceField(
        label=_("weekdays"),
        choices=Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=Route._meta.get_field("weekdays").help_text,
    )
    roles = forms.MultipleChoiceField(
        label=_("professional roles"),
        choices=ProfessionalRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=Route._meta.get_field("roles").help_text,
    )
    languages = forms.MultipleChoiceField(
        label=_("languages served"),
        choices=ServiceLanguage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Route
        fields = [
            "county",
            "module",
            "outcome",
            "service_area",
            "municipalities",
            "window_kind",
            "weekdays",
            "starts_at",
            "ends_at",
            "window_unit",
            "channel",
            "receiving_unit",
            "roles",
            "handled_in_unit_hours",
            "target_kind",
            "target_value",
            "target_cutoff",
            "languages",
            "age_from",
            "age_below",
            "strong_identification",
            "valid_from",
            "valid_to",
            "source",
            "verified_on",
            "foreign_unit_reason",
        ]


@admin.register(Route)
class RouteAdmin(CountyScopedAdminMixin, SimpleHistoryAdmin):
    form = RouteForm
    change_list_template = "admin/routing/route/change_list.html"
    list_display = ["module", "outcome", "window", "channel", "receiving_unit", "county", "valid_from", "valid_to"]
    list_filter = ["county", "module", "outcome", "channel"]
    search_fields = ["module__name_fi", "module__code", "receiving_unit__name_fi", "source"]
    list_select_related = ["module", "outcome", "receiving_unit", "county"]
    autocomplete_fields = ["county", "module", "service_area", "receiving_unit", "window_unit"]
    filter_horizontal = ["municipalities"]
    fieldsets = [
        (None, {"fields": ["county", "module", "outcome", "service_area", "municipalities"]}),
        (_("Time window"), {"fields": ["window_kind", "weekdays", "starts_at", "ends_at", "window_unit"]}),
        (_("Where it goes"), {"fields": ["channel", "receiving_unit", "roles", "handled_in_unit_hours"]}),
        (_("Handling target"), {"fields": ["target_kind", "target_value", "target_cutoff"]}),
        (_("Who"), {"fields": ["languages", "age_from", "age_below", "strong_identification"]}),
        (_("Dates and source"), {"fields": ["valid_from", "valid_to", "source", "verified_on", "foreign_unit_reason"]}),
    ]

    @admin.display(description=_("time window"))
    def window(self, route):
        return route.window_label()

    def also_pickable(self, request, db_field):
        if db_field.name in ("receiving_unit", "window_unit"):
            # Partner hospitals of other counties and the national services 112 and 116117.
            return ReceivingUnit.objects.all()
        return super().also_pickable(request, db_field)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        route = self.get_object(request, object_id)
        if route is not None and self.has_view_permission(request, route):
            findings = [f for f in route_check_run(counties=[route.county]) if f.route_id == route.pk]
            extra_context = {**(extra_context or {}), "route_findings": findings}
        return super().change_view(request, object_id, form_url, extra_context)

    # --- the county's own pages: the check, the copies, publication -----------------------------------

    def _url_name(self, suffix: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{suffix}"

    def get_urls(self):
        own = [
            path("check/", self.admin_site.admin_view(self.check_view), name=self._url_name("check")),
            path(
                "copy-content/", self.admin_site.admin_view(self.copy_content_view), name=self._url_name("copy_content")
            ),
            path(
                "copy-published/",
                self.admin_site.admin_view(self.copy_published_view),
                name=self._url_name("copy_published"),
            ),
            path("publish/", self.admin_site.admin_view(self.publish_view), name=self._url_name("publish")),
            path("file-import/", self.admin_site.admin_view(self.file_import_view), name=self._url_name("file_import")),
            path("file-export/", self.admin_site.admin_view(self.file_export_view), name=self._url_name("file_export")),
        ]
        return own + super().get_urls()

    def _context(self, request, title, **values):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "has_view_permission": self.has_view_permission(request),
            **values,
        }

    def _own_counties(self, request):
        return WellbeingCounty.objects.filter(pk__in=editable_county_ids(request.user)).order_by("code")

    def check_view(self, request):
        """The route check of the user's counties, as editors see it before a go-live."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        counties = list(self._own_counties(request))
        findings = route_check_run(counties=counties) if counties else []
        names = {county.pk: county.name for county in counties}
        modules = {
            module.pk: module.name for module in ContentModule.objects.filter(pk__in={f.module_id for f in findings})
        }
        rows = [
            {
                "finding": finding,
                "county": names.get(finding.county_id, ""),
                "module": modules.get(finding.module_id, ""),
                "url": reverse(f"admin:{self._url_name('change')}", args=[finding.route_id])
                if finding.route_id
                else "",
            }
            for finding in findings
        ]
        context = self._context(request, _("Route check"), rows=rows)
        return TemplateResponse(request, "admin/routing/route/check.html", context)

    def copy_content_view(self, request):
        """Copy the county's routes of one content to another content of the same kind."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        counties = self._own_counties(request)
        if request.method == "POST":
            county = counties.filter(pk=_int_or_none(request.POST.get("county"))).first()
            source = ContentModule.objects.filter(pk=_int_or_none(request.POST.get("source"))).first()
            target = ContentModule.objects.filter(pk=_int_or_none(request.POST.get("target"))).first()
            if county is None or source is None or target is None:
                self.message_user(request, COPY_CHOOSE, messages.ERROR)
            else:
                return self._copied(
                    request,
                    target,
                    lambda: route_set_copy_from_content(
                        county=county, source_module=source, target_module=target, user=request.user
                    ),
                )
        context = self._context(
            request, _("Copy routes from another content"), counties=counties, modules=ContentModule.objects.active()
        )
        return TemplateResponse(request, "admin/routing/route/copy_content.html", context)

    def copy_published_view(self, request):
        """Another county's published routes of a content, each copyable into the user's county."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        counties = self._own_counties(request)
        if request.method == "POST":
            published = PublishedRouteSet.objects.filter(pk=_int_or_none(request.POST.get("source"))).first()
            county = counties.filter(pk=_int_or_none(request.POST.get("county"))).first()
            if published is None or county is None:
                self.message_user(request, COPY_PUBLISHED_CHOOSE, messages.ERROR)
            else:
                return self._copied(
                    request,
                    published.module,
                    lambda: route_set_copy_from_published(published=published, county=county, user=request.user),
                )
        latest = {}
        for published in PublishedRouteSet.objects.select_related("county", "module").order_by("published_at", "pk"):
            latest[(published.county_id, published.module_id)] = published
        sources = sorted(latest.values(), key=lambda item: (item.county.code, item.module.name_fi))
        context = self._context(
            request, _("Copy another county's published routes"), sources=sources, counties=counties
        )
        return TemplateResponse(request, "admin/routing/route/copy_published.html", context)

    def _copied(self, request, module, copy):
        try:
            copies = copy()
        except (PermissionDenied, ValidationError) as refusal:
            self.message_user(request, _refusal_text(refusal), messages.ERROR)
            return HttpResponseRedirect(request.path)
        self.message_user(request, COPIED % {"count": len(copies), "content": module.name}, messages.SUCCESS)
        return HttpResponseRedirect(reverse(f"admin:{self._url_name('changelist')}"))

    def publish_view(self, request):
        """Publish a county × content's routes as they are now (publishers of the county)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        counties = WellbeingCounty.objects.filter(pk__in=publishable_county_ids(request.user)).order_by("code")
        if request.method == "POST":
            county = counties.filter(pk=_int_or_none(request.POST.get("county"))).first()
            module = ContentModule.objects.filter(pk=_int_or_none(request.POST.get("module"))).first()
            if county is None or module is None:
                self.message_user(request, PUBLISH_CHOOSE, messages.ERROR)
            else:
                try:
                    route_set_publish(county=county, module=module, user=request.user)
                except (PermissionDenied, ValidationError) as refusal:
                    self.message_user(request, _refusal_text(refusal), messages.ERROR)
                else:
                    self.message_user(
                        request, PUBLISHED % {"content": module.name, "county": county.name}, messages.SUCCESS
                    )
                    return HttpResponseRedirect(reverse(f"admin:{self._url_name('changelist')}"))
        modules = ContentModule.objects.filter(routes__county__in=counties).distinct()
        context = self._context(request, _("Publish routes"), counties=counties, modules=modules)
        return TemplateResponse(request, "admin/routing/route/publish.html", context)

    def file_import_view(self, request):
        """Upload a CSV or XLSX file of routes: all of it is written, or none and the errors by line and column."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        result = None
        if request.method == "POST":
            upload = request.FILES.get("file")
            if upload is None:
                self.message_user(request, IMPORT_CHOOSE_FILE, messages.ERROR)
            else:
                result = routes_import(file=upload, user=request.user, dry_run="dry_run" in request.POST)
                if result.ok and "dry_run" not in request.POST:
                    counts = {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
                    self.message_user(request, IMPORTED % counts, messages.SUCCESS)
                    return HttpResponseRedirect(reverse(f"admin:{self._url_name('changelist')}"))
        context = self._context(request, _("Import routes"), result=result, columns=ROUTE_FILE_COLUMNS)
        return TemplateResponse(request, "admin/routing/route/file_import.html", context)

    def file_export_view(self, request):
        """The routes the user may see, as CSV (default) or XLSX, in the columns the import reads."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        routes = self.get_queryset(request)
        if request.GET.get("format") == "xlsx":
            response = HttpResponse(
                routes_export_xlsx(routes),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            response["Content-Disposition"] = 'attachment; filename="routes.xlsx"'
            return response
        response = HttpResponse(routes_export_csv(routes), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="routes.csv"'
        return response


@admin.register(PublishedRouteSet)
class PublishedRouteSetAdmin(CountyScopedAdminMixin, admin.ModelAdmin):
    """What the public reads: to look at, never to edit (a new publication replaces it)."""

    list_display = ["module", "county", "published_at", "published_by"]
    list_filter = ["county", "module"]
    list_select_related = ["module", "county", "published_by"]
    readonly_fields = ["county", "module", "snapshot", "published_at", "published_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _int_or_none(value):
    return int(value) if value and value.isdigit() else None


def _refusal_text(refusal) -> str:
    if isinstance(refusal, ValidationError):
        return " ".join(refusal.messages)
    return str(refusal)
