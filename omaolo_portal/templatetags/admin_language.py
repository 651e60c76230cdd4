"""The admin's inline formsets in the reader's language: "Lisää toinen vaihe", not "Lisää toinen Vaihe"."""

import json

from django import template
from django.utils.translation import gettext

register = template.Library()


@register.filter
def inline_formset_data(inline_admin_formset) -> str:
    """Django's `InlineAdminFormSet.inline_formset_data` without capitalising the name inside the sentence."""
    data = json.loads(inline_admin_formset.inline_formset_data())
    data["options"]["addText"] = gettext("Add another %(verbose_name)s") % {
        "verbose_name": inline_admin_formset.opts.verbose_name
    }
    return json.dumps(data)
