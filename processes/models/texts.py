"""Texts of several lines, as typed into a browser's text area: stored with LF line endings whatever was sent.

A browser sends a text area's lines ended with CRLF (the HTML standard's form submission),
while texts written by the copy, the data loading and the earlier published versions end
them with LF. Stored as sent, an unchanged text saved in the admin would read as changed
to the form (starting a revision for nothing) and to the reviewer's comparison.
"""

from django import forms
from django.db import models


def normalise_line_endings(text):
    """CRLF and lone CR as LF; anything that is not a string as it is."""
    if not isinstance(text, str):
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


class MultilineFormField(forms.CharField):
    """A form's text whose line endings are LF, and which is unchanged when only its line endings differ."""

    def to_python(self, value):
        return normalise_line_endings(super().to_python(value))

    def has_changed(self, initial, data):
        return super().has_changed(normalise_line_endings(initial), data)


class MultilineTextField(models.TextField):
    """A `TextField` stored with LF line endings: through forms, model validation and every save."""

    def to_python(self, value):
        return normalise_line_endings(super().to_python(value))

    def pre_save(self, model_instance, add):
        value = normalise_line_endings(super().pre_save(model_instance, add))
        setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": MultilineFormField, **kwargs})
