"""The import of usage statistics files (CSV or XLSX), in the order an admin upload runs through it.

1. `upload`: the upload form and the handler that stops reading a file past the size limit.
2. `lifecycle`: the steps an editor takes: upload and preview, confirm or cancel; a large
   upload checked by a task worker first. Each step is a keyword-only function with the
   permission check inside; the admin only calls them. Open it first.
3. `pending`: the file waiting in the database between the steps, in pieces.
4. `importer`: `usage_import`, the one pass over a file that the preview, the worker and
   the `import_usage` command share: check everything, then write all or nothing.
5. `parsing` and `workbooks`: the file's kind, encoding and records (CSV, or an XLSX
   checked part by part first), and its header.
6. `contract`: the columns and the rules a value follows (docs/statistics-files.md).
7. `references` and `validation`: each row resolved against the counties, service areas,
   contents and metrics, and checked; every problem an `ImportIssue` (line, column, message).
8. `staging`: the valid rows streamed into a temporary table, then applied set-based.
9. `progress`: how far a worker's check or import has got, for its page.

The background jobs are `metrics.tasks` (not here: the task queue stores each job by that
module's path). The statistics side of the app may import `contract` and nothing else of
this package (`.importlinter`).
"""
