import importlib

from django.db import migrations, models

# An INSERT only adds rows, so on PostgreSQL the keys it touched need not be worked out again
# from the whole table (migration 0009 joins every touched key with metrics_usagestatistic,
# which on a national table is a pass over millions of rows for every imported file): the new
# rows' own figures, grouped from the transition table alone, are merged into the stored ones.
# A key's figure is its county row where it has one (part_count 0), else the sum of its parts:
# a new county row replaces the stored figure, a stored county row stays, and otherwise the
# parts add up. UPDATE and DELETE still recompute their keys (0009). SQLite's per-row triggers
# are unchanged.
county_figures = importlib.import_module("metrics.migrations.0009_county_figures")

MERGED = ("total", "score_total", "responses", "row_count")


def _merged(column: str) -> str:
    return (
        f"{column} = CASE WHEN EXCLUDED.part_count = 0 THEN EXCLUDED.{column} WHEN f.part_count = 0 THEN f.{column} "
        f"ELSE f.{column} + EXCLUDED.{column} END"
    )


def _incremental_insert_function() -> str:
    select = county_figures._figures_select("double precision").replace("metrics_usagestatistic s {join}", "new_rows s")
    updated = ", ".join(
        [
            *(_merged(column) for column in MERGED),
            "part_count = CASE WHEN EXCLUDED.part_count = 0 OR f.part_count = 0 THEN 0 "
            "ELSE f.part_count + EXCLUDED.part_count END",
        ]
    )
    return (
        "CREATE OR REPLACE FUNCTION metrics_county_figures_after_insert() RETURNS trigger AS $$\n"
        f"BEGIN\n    INSERT INTO metrics_countyfigure AS f ({county_figures.FIGURE_COLUMNS}) {select} "
        f"ON CONFLICT ({', '.join(county_figures.KEY)}) DO UPDATE SET {updated};\n"
        "    RETURN NULL;\nEND\n$$ LANGUAGE plpgsql;\n"
    )


def incremental_insert(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_incremental_insert_function(), None)


def recomputing_insert(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        function = county_figures._postgres_function("INSERT").replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")
        schema_editor.execute(function, None)


class Migration(migrations.Migration):
    dependencies = [("metrics", "0009_county_figures")]

    operations = [
        migrations.RunPython(incremental_insert, recomputing_insert),
        # The exports' columns in the pages' indexes, so that an export reads the index alone.
        migrations.RemoveIndex(model_name="usagestatistic", name="usage_metric_period_idx"),
        migrations.RemoveIndex(model_name="usagestatistic", name="usage_metric_county_idx"),
        migrations.AddIndex(
            model_name="usagestatistic",
            index=models.Index(
                fields=["metric", "period_type", "period_start", "county", "module", "value", "service_area", "responses"],
                name="usage_metric_period_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="usagestatistic",
            index=models.Index(
                fields=["metric", "period_type", "county", "period_start", "module", "value", "service_area", "responses"],
                name="usage_metric_county_idx",
            ),
        ),
    ]
