from http import HTTPStatus

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from followup.rules import DEFAULT_RULE, declines, rule_description, windows_description
from metrics.models import Metric, PeriodType


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
    metric = Metric.objects.filter(code=DEFAULT_RULE.metric_code).first()
    windows, found = declines(period_type=period_type, rule=DEFAULT_RULE)
    context = {
        "form": form,
        "period_type": period_type,
        "rule": rule_description(DEFAULT_RULE, metric_name=metric.name if metric else ""),
        "windows": windows_description(windows),
        "declines": found,
    }
    return render(request, "followup/declining.html", context)
