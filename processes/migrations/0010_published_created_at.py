"""Published versions keep the description's created date (until now read live from the row)."""

from django.db import migrations


def versions_with_created_at(apps, schema_editor):
    PublishedVersion = apps.get_model("processes", "PublishedVersion")
    for version in PublishedVersion.objects.select_related("process"):
        if "created_at" in version.snapshot:
            continue
        version.snapshot["created_at"] = version.process.created_at.isoformat()
        version.save(update_fields=["snapshot"])


class Migration(migrations.Migration):
    dependencies = [
        ("processes", "0009_published_attachments"),
    ]

    operations = [
        migrations.RunPython(versions_with_created_at, migrations.RunPython.noop),
    ]
