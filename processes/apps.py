from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def register_sqlite_stemmer(sender, connection, **kwargs):
    """SQLite has no stemmer: give each connection `processes_stems_match(query, language, text, …)`."""
    if connection.vendor != "sqlite":
        return
    from processes.search import text_matches

    connection.connection.create_function("processes_stems_match", -1, text_matches, deterministic=True)


class ProcessesConfig(AppConfig):
    name = "processes"
    verbose_name = _("Rollout processes")

    def ready(self):
        connection_created.connect(register_sqlite_stemmer, dispatch_uid="processes_sqlite_stemmer")
