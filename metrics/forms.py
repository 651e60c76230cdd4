from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

# A national weekly file of a million rows is about 60 MB.
MAX_UPLOAD_BYTES = 200 * 1024 * 1024

FILE_TOO_LARGE = _("The file is larger than %(limit)s. Split it, or import it with the import_usage command.")


class UsageImportForm(forms.Form):
    file = forms.FileField(
        label=_("Statistics file"),
        help_text=_(
            "A CSV or XLSX file with the columns county, service_area, module, metric, period_type, period "
            "and value (Finnish headers are fine). Nothing is saved before you confirm the preview."
        ),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(FILE_TOO_LARGE, params={"limit": filesizeformat(MAX_UPLOAD_BYTES)})
        return file
