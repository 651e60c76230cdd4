"""Published versions keep their attached files: each stored version gets the files the public was shown.

Until now the public was shown the description's files uploaded before its version was
published, read live; that list is what each version keeps from here on.
"""

from django.db import migrations

ATTACHMENT_FIELDS = ("order", "title", "alt_text", "show_in_guide", "kind", "size")


def versions_with_attachments(apps, schema_editor):
    PublishedVersion = apps.get_model("processes", "PublishedVersion")
    ProcessAttachment = apps.get_model("processes", "ProcessAttachment")
    for version in PublishedVersion.objects.filter(snapshot__isnull=False):
        if "attachments" in version.snapshot:
            continue
        shown = ProcessAttachment.objects.filter(
            process_id=version.process_id, uploaded_at__lte=version.published_at
        ).order_by("order", "pk")
        version.snapshot["attachments"] = [
            {"id": file.pk, **{name: getattr(file, name) for name in ATTACHMENT_FIELDS}, "file": file.file.name}
            for file in shown
        ]
        version.save(update_fields=["snapshot"])


class Migration(migrations.Migration):
    dependencies = [
        ("processes", "0008_published_search"),
    ]

    operations = [
        migrations.RunPython(versions_with_attachments, migrations.RunPython.noop),
    ]
