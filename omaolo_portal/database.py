"""Database helpers for long-running commands."""

from django.db import DEFAULT_DB_ALIAS, connections


def statement_timeout_set(*, milliseconds, using=DEFAULT_DB_ALIAS):
    """Set PostgreSQL's statement timeout for the rest of this connection's session (0: none); a no-op elsewhere.

    For a management command whose statements may legitimately run longer than the web's
    `DATABASE_STATEMENT_TIMEOUT` (a national import, a benchmark). Not for a request: with
    persistent connections the setting would outlive it.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('statement_timeout', %s, false)", [str(milliseconds)])
