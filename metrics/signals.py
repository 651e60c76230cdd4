"""Signals of the metrics app, for the apps above it (followup) to act on without metrics knowing them."""

from django.dispatch import Signal

# Sent once an import's rows are committed, with `batch` (the applied ImportBatch): followup
# refreshes the usage alerts, so the follow-up log follows every import without a cron.
usage_import_applied = Signal()
