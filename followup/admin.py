"""The follow-up log: usage alerts with who contacted whom, when, and what was agreed.

Internal: county editors see their own county's alerts, open ones first; nothing here is public.
Recording a follow-up goes through `alert_contact` / `alert_resolve`, which check the county.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _

from common.history_admin import ReadableHistoryAdmin
from followup.models import AlertFollowUp, AlertStatus, UsageAlert
from followup.services import ALREADY_RESOLVED, alert_contact, alert_resolve
from metrics.decline import DEFAULT_RULE, rule_description
from regions.scoping import CountyScopedAdminMixin, CountyScopedInlineMixin

NOTE_REQUIRED = _("Write a note: whom you contacted and what was agreed.")

OPEN_FIRST = Case(
    When(status=AlertStatus.OPEN, then=Value(0)),
    When(status=AlertStatus.CONTACTED, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)

FOLLOW_UP_ACTIONS = {AlertStatus.CONTACTED: alert_contact, AlertStatus.RESOLVED: alert_resolve}


class FollowUpForm(forms.ModelForm):
    """The alert itself is read-only; the form records one follow-up."""

    follow_up = forms.ChoiceField(
        label=_("Record a follow-up"),
        required=False,
        choices=[("", "—"), (AlertStatus.CONTACTED, _("contacted")), (AlertStatus.RESOLVED, _("resolved"))],
        help_text=_("Mark the alert contacted when you have called the service area, resolved when it is closed."),
    )
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    class Meta:
        model = UsageAlert
        fields = []

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("follow_up"):
            if self.instance.status == AlertStatus.RESOLVED:
                raise ValidationError(ALREADY_RESOLVED)
            if not cleaned.get("note", "").strip():
                self.add_error("note", NOTE_REQUIRED)
        return cleaned


class AlertFollowUpInline(CountyScopedInlineMixin, admin.TabularInline):
    model = AlertFollowUp
    county_field = "alert__county"
    fields = ["created_at", "user", "new_status", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(UsageAlert)
class UsageAlertAdmin(CountyScopedAdminMixin, ReadableHistoryAdmin):
    form = FollowUpForm
    change_list_template = "admin/followup/usagealert/change_list.html"
    inlines = [AlertFollowUpInline]
    list_display = [
        "county",
        "service_area",
        "module",
        "metric",
        "period_type",
        "window_end",
        "previous",
        "recent",
        "change_percent",
        "status",
    ]
    list_filter = ["status", "period_type", "county", "module"]
    list_select_related = ["county", "service_area", "module", "metric"]
    search_fields = ["county__name_fi", "service_area__name_fi", "module__code", "module__name_fi"]
    ordering = [OPEN_FIRST.asc(), "change_percent", "county__code"]
    readonly_fields = [
        "county",
        "service_area",
        "module",
        "metric",
        "period_type",
        "window_end",
        "previous",
        "recent",
        "change_percent",
        "status",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["county", "service_area", "module", "metric", "status"]}),
        (_("Figures"), {"fields": ["period_type", "window_end", "previous", "recent", "change_percent"]}),
        (_("Follow-up"), {"fields": ["follow_up", "note"]}),
        (_("Record"), {"fields": ["created_at", "updated_at"]}),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Alerts are resolved, not deleted; a superuser may delete one nobody followed up (its log protects it).
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "decline_rule": rule_description(DEFAULT_RULE)}
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        self.ensure_editable(request, obj)
        action = FOLLOW_UP_ACTIONS.get(form.cleaned_data.get("follow_up"))
        if action is not None:
            action(alert=obj, user=request.user, note=form.cleaned_data["note"].strip())
