from django.db import migrations, models

# The exports' columns (the service area, the responses) in the pages' indexes, so that an
# export reads the index alone instead of rows spread over the whole table.


class Migration(migrations.Migration):
    dependencies = [("metrics", "0009_county_figures")]

    operations = [
        migrations.RemoveIndex(model_name="usagestatistic", name="usage_metric_period_idx"),
        migrations.RemoveIndex(model_name="usagestatistic", name="usage_metric_county_idx"),
        migrations.AddIndex(
            model_name="usagestatistic",
            index=models.Index(
                fields=[
                    "metric",
                    "period_type",
                    "period_start",
                    "county",
                    "module",
                    "value",
                    "service_area",
                    "responses",
                ],
                name="usage_metric_period_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="usagestatistic",
            index=models.Index(
                fields=[
                    "metric",
                    "period_type",
                    "county",
                    "period_start",
                    "module",
                    "value",
                    "service_area",
                    "responses",
                ],
                name="usage_metric_county_idx",
            ),
        ),
    ]
