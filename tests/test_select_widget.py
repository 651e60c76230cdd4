import pytest
from django import forms

from common.select_widget import PlainSelect

CHOICES = [
    ("", "All <counties>"),
    ("12", "Pohjois-Karjala & Co"),
    ("14", 'Pirkanmaa "PSHVA"'),
    ("Group", [("a", "A"), ("b", "B")]),
]


@pytest.mark.parametrize("value", ["", "14", "b", None, "not a choice"])
@pytest.mark.parametrize(
    "attrs", [{}, {"aria-describedby": "id_county_help", "required": True, "disabled": False, "data-x": 'a"b'}]
)
def test_a_plain_select_renders_what_djangos_template_renders(value, attrs):
    django_select = forms.Select(choices=CHOICES, attrs=attrs)
    plain_select = PlainSelect(choices=CHOICES, attrs=attrs)

    assert plain_select.render("county", value, {"id": "id_county"}) == django_select.render(
        "county", value, {"id": "id_county"}
    )
