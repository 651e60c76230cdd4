"""Admin forms posted as a browser posts them: the values the page showed, with some changed."""

import datetime
import zoneinfo
from http import HTTPStatus

from django import forms
from django.urls import reverse


def _value(value):
    if hasattr(value, "microsecond"):
        # A browser posts what the widget showed, which has no microseconds.
        value = value.replace(microsecond=0)
    return value.isoformat() if hasattr(value, "isoformat") else value


def form_data(*forms_to_post) -> dict:
    """The data a browser posts for the forms as shown (their initial values)."""
    data = {}
    for form in forms_to_post:
        for name, field in form.fields.items():
            bound = form[name]
            value = bound.value()
            widget = getattr(field.widget, "widget", field.widget)
            names = [bound.html_name, bound.html_initial_name] if field.show_hidden_initial else [bound.html_name]
            if isinstance(widget, forms.MultiWidget):
                for index, part in enumerate(widget.decompress(value)):
                    for html_name in names:
                        data[f"{html_name}_{index}"] = "" if part is None else _value(part)
            elif isinstance(field, forms.BooleanField):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, (list, tuple)):
                data[bound.html_name] = [str(item) for item in value]
            elif value is not None:
                data[bound.html_name] = _value(value)
    return data


def page_form_data(response) -> dict:
    """The change form of an admin page and its inline formsets, as posted."""
    forms_to_post = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets", []):
        forms_to_post += [inline.formset.management_form, *inline.formset.forms]
    return form_data(*forms_to_post)


def change_form_data(client, process):
    """The process change form as the admin shows it, ready to post back, with its inlines' management forms only."""
    response = client.get(reverse("admin:processes_processdescription_change", args=[process.pk]))
    assert response.status_code == HTTPStatus.OK
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list):
            data[name] = [str(item) for item in value]
        elif isinstance(value, datetime.datetime):
            local = value.astimezone(zoneinfo.ZoneInfo("Europe/Helsinki"))
            data[f"{name}_0"], data[f"{name}_1"] = local.strftime("%d.%m.%Y"), local.strftime("%H:%M:%S")
        else:
            data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
    return data
