"""Review before publishing, in a description's admin: transitions, the reviewer's comparison, copies."""

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from processes.models import ProcessDescription, PublicationStatus
from processes.publishing import empty_snapshot, process_snapshot, review_fingerprint, snapshot_changes
from processes.services import process_archive, process_copy, process_publish, process_return, process_submit
from regions.models import WellbeingCounty
from regions.scoping import can_edit_county, can_publish_county, editable_county_ids

TRANSITION_DONE = {
    "submit": _("“%(title)s” was sent to review."),
    "publish": _("“%(title)s” was published."),
    "return": _("“%(title)s” was sent back to its editors."),
    "archive": _("“%(title)s” was archived."),
}
UNKNOWN_TRANSITION = _("Choose what to do with the description.")
COPY_MADE = _("A draft copy of “%(title)s” was made for %(county)s. It is not public until it has been reviewed.")
COPY_CHOOSE = _("Choose a published description and the county to copy it into.")


class ProcessReviewAdminMixin:
    """`ProcessDescriptionAdmin`'s review panel and its URLs, the bulk transitions, and the copy form."""

    # --- the review panel on the change form ------------------------------------------------------------

    def transitions_for(self, request, process) -> list[dict]:
        """The transition buttons the user may press on this description now."""
        may_edit = can_edit_county(request.user, process.county_id) and self.has_change_permission(request, process)
        may_publish = may_edit and can_publish_county(request.user, process.county_id)
        offered = []
        if may_edit and process.status == PublicationStatus.DRAFT:
            offered.append({"name": "submit", "label": _("Send to review")})
        if may_publish and process.status == PublicationStatus.IN_REVIEW:
            # Published from the changes page only, which names the state it shows (review_fingerprint).
            offered.append({"name": "publish", "label": _("Review the changes and publish"), "on_changes_page": True})
            offered.append({"name": "return", "label": _("Send back")})
        if may_publish and process.status != PublicationStatus.ARCHIVED:
            offered.append({"name": "archive", "label": _("Archive")})
        return offered

    def change_view(self, request, object_id, form_url="", extra_context=None):
        process = self.get_object(request, unquote(object_id))
        if process is not None and self.has_view_permission(request, process):
            offered = self.transitions_for(request, process)
            extra_context = {
                **(extra_context or {}),
                "review": {
                    "status": process.get_status_display(),
                    "in_revision": process.is_in_revision,
                    "transitions": offered,
                    "may_comment": any(action["name"] in {"return", "archive"} for action in offered),
                    "transition_url": reverse(self._admin_url_name("transition"), args=[process.pk]),
                    "changes_url": reverse(self._admin_url_name("changes"), args=[process.pk]),
                },
            }
        return super().change_view(request, object_id, form_url, extra_context)

    # --- URLs of the review ------------------------------------------------------------------------------

    def _url_name(self, suffix: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{suffix}"

    def _admin_url_name(self, suffix: str) -> str:
        return f"{self.admin_site.name}:{self._url_name(suffix)}"

    def get_urls(self):
        own = [
            path("copy/", self.admin_site.admin_view(self.copy_view), name=self._url_name("copy")),
            path(
                "<path:object_id>/transition/",
                self.admin_site.admin_view(self.transition_view),
                name=self._url_name("transition"),
            ),
            path(
                "<path:object_id>/changes/",
                self.admin_site.admin_view(self.changes_view),
                name=self._url_name("changes"),
            ),
        ]
        return own + super().get_urls()

    def _scoped_object(self, request, object_id, *, change=False):
        process = self.get_object(request, unquote(object_id))
        if process is None:
            raise Http404
        allowed = self.has_change_permission if change else self.has_view_permission
        if not allowed(request, process):
            raise PermissionDenied
        return process

    def transition_view(self, request, object_id):
        """The review panel's buttons: one service call, then back to the change form with its outcome."""
        process = self._scoped_object(request, object_id, change=True)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        services = {
            "submit": lambda: process_submit(process=process, user=request.user),
            "publish": lambda: process_publish(
                process=process, user=request.user, reviewed=request.POST.get("reviewed", "")
            ),
            "return": lambda: process_return(
                process=process, user=request.user, comment=request.POST.get("comment", "")
            ),
            "archive": lambda: process_archive(
                process=process, user=request.user, comment=request.POST.get("comment", "")
            ),
        }
        name = request.POST.get("transition")
        if name not in services:
            self.message_user(request, UNKNOWN_TRANSITION, messages.ERROR)
        else:
            try:
                services[name]()
            except (PermissionDenied, ValidationError) as refusal:
                self.message_user(request, _refusal_text(refusal), messages.ERROR)
                if _is_changed_since_review(refusal):
                    return HttpResponseRedirect(reverse(self._admin_url_name("changes"), args=[process.pk]))
            else:
                self.message_user(request, TRANSITION_DONE[name] % {"title": process.title}, messages.SUCCESS)
        return HttpResponseRedirect(reverse(self._admin_url_name("change"), args=[process.pk]))

    def changes_view(self, request, object_id):
        """What changed since the last published version, and the Publish button for exactly the state shown."""
        process = self._scoped_object(request, object_id)
        published = process.published_version or process.published_versions.first()
        current = process_snapshot(process)
        changes = snapshot_changes(published.snapshot if published else empty_snapshot(), current)
        offered = {action["name"] for action in self.transitions_for(request, process)}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": process,
            "title": _("Changes since the last published version"),
            "published": published,
            "changes": changes,
            "reviewed": review_fingerprint(process, snapshot=current) if "publish" in offered else None,
            "transition_url": reverse(self._admin_url_name("transition"), args=[process.pk]),
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/processes/processdescription/changes.html", context)

    # --- actions -----------------------------------------------------------------------------------------

    def _each(self, request, queryset, operation, done_message):
        done, refusals = 0, []
        for process in queryset:
            try:
                operation(process=process, user=request.user)
            except (PermissionDenied, ValidationError) as refusal:
                refusals.append(f"{process.title}: {_refusal_text(refusal)}")
            else:
                done += 1
        self.message_user(request, done_message(done), messages.SUCCESS if done else messages.WARNING)
        for refusal in refusals:
            self.message_user(request, refusal, messages.ERROR)

    @admin.action(description=_("Send the selected process descriptions to review"), permissions=["change"])
    def submit(self, request, queryset):
        self._each(
            request,
            queryset,
            process_submit,
            lambda done: (
                ngettext("%d process description sent to review.", "%d process descriptions sent to review.", done)
                % done
            ),
        )

    @admin.action(description=_("Archive the selected process descriptions"), permissions=["change"])
    def archive(self, request, queryset):
        self._each(
            request,
            queryset,
            process_archive,
            lambda done: ngettext("%d process description archived.", "%d process descriptions archived.", done) % done,
        )

    @admin.action(description=_("Use the selected published descriptions as a model…"), permissions=["add"])
    def use_as_model(self, request, queryset):
        query = urlencode([("source", pk) for pk in queryset.values_list("pk", flat=True)])
        return HttpResponseRedirect(f"{reverse(self._admin_url_name('copy'))}?{query}")

    # --- "use this model": copying another county's published description -------------------------------

    def copy_view(self, request):
        """Published descriptions of every county, each with a button that copies it as a draft of the user's county."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        counties = WellbeingCounty.objects.filter(pk__in=editable_county_ids(request.user)).order_by("code")
        if request.method == "POST":
            response = self._copy_from_post(request, counties)
            if response is not None:
                return response
        sources = ProcessDescription.objects.published().in_published_form().select_related("county")
        chosen = [value for value in request.GET.getlist("source") if value.isdigit()]
        if chosen:
            sources = sources.filter(pk__in=chosen)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Use a published description as a model"),
            "sources": sources.order_by("county__code", "title"),
            "counties": counties,
            "has_view_permission": self.has_view_permission(request),
        }
        return TemplateResponse(request, "admin/processes/processdescription/copy.html", context)

    def _copy_from_post(self, request, counties):
        source = ProcessDescription.objects.filter(pk=_int_or_none(request.POST.get("source"))).first()
        county = WellbeingCounty.objects.filter(pk=_int_or_none(request.POST.get("county"))).first()
        if source is None or county is None:
            self.message_user(request, COPY_CHOOSE, messages.ERROR)
            return None
        try:
            copy = process_copy(source=source, county=county, user=request.user)
        except (PermissionDenied, ValidationError) as refusal:
            self.message_user(request, _refusal_text(refusal), messages.ERROR)
            return None
        self.message_user(request, COPY_MADE % {"title": copy.title, "county": county.name}, messages.SUCCESS)
        return HttpResponseRedirect(reverse(self._admin_url_name("change"), args=[copy.pk]))


def _int_or_none(value):
    return int(value) if value and value.isdigit() else None


def _is_changed_since_review(refusal) -> bool:
    return isinstance(refusal, ValidationError) and any(
        error.code == "changed_since_review" for error in refusal.error_list
    )


def _refusal_text(refusal) -> str:
    if isinstance(refusal, ValidationError):
        return " ".join(refusal.messages)
    return str(refusal)
