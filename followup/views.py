from http import HTTPStatus

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from metrics.decline import decline_report
from metrics.models import PeriodType


class DecliningForm(forms.Form):
    period_type = forms.ChoiceField(
        label=_("Compare"),
        choices=[(PeriodType.WEEK, _("weeks")), (PeriodType.MONTH, _("months"))],
        required=False,
    )


def declining(request):
    """The contents whose usage is declining now, per county and service area, with the rule written out.

    Public: it shows the figures, never the internal follow-up log (who contacted whom).
    """
    form = DecliningForm(request.GET)
    if not form.is_valid():
        return render(request, "followup/declining.html", {"form": form}, status=HTTPStatus.BAD_REQUEST)
    period_type = form.cleaned_data["period_type"] or PeriodType.WEEK
    report = decline_report(period_type=period_type)
    context = {
        "form": form,
        "period_type": period_type,
        "rule": report.rule_text,
        "windows": report.windows_text,
        "declines": report.declines,
        "silent": report.silent,
    }
    return render(request, "followup/declining.html", context)
