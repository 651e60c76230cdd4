"""django-simple-history's records, with every history model kept in `processes.models`.

simple-history places the history model of a model defined outside `<app>/models.py` in the
app's top package (django-commons/django-simple-history#343), where `manage.py shell` and
imports of `processes.models.HistoricalX` do not find it.
"""

from simple_history import models as simple_history


class HistoricalRecords(simple_history.HistoricalRecords):
    def contribute_to_class(self, cls, name):
        super().contribute_to_class(cls, name)
        # The package the model's module belongs to: "processes.models" for "processes.models.phases".
        self.module = cls.__module__.rpartition(".")[0]
