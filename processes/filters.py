import django_filters
from django.utils.translation import gettext_lazy as _

from processes.models import ContentModule, DevelopmentStage, ProcessDescription
from regions.models import WellbeingCounty


class ProcessDescriptionFilter(django_filters.FilterSet):
    """The search and filters of the public list of process descriptions, all on their published form."""

    q = django_filters.CharFilter(label=_("Search words"), method="filter_search")
    county = django_filters.ModelChoiceFilter(
        queryset=WellbeingCounty.objects.all(),
        to_field_name="code",
        label=_("County"),
        empty_label=_("All counties"),
    )
    module = django_filters.ModelChoiceFilter(
        method="filter_module",
        queryset=ContentModule.objects.all(),
        to_field_name="code",
        label=_("Content"),
        empty_label=_("All contents"),
    )
    stage = django_filters.ChoiceFilter(
        method="filter_stage",
        choices=DevelopmentStage.choices,
        label=_("Development stage"),
        empty_label=_("All stages"),
    )

    class Meta:
        model = ProcessDescription
        fields = []

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_module(self, queryset, name, value):
        return queryset.covering(value)

    def filter_stage(self, queryset, name, value):
        return queryset.in_stage(value)
