"""Existing applications get their snapshot from the records as they are when this migration runs (the facts at
their submission were not kept); the eligibility part comes from the stored suggestion. docs/decisions.md
"Official records are snapshots (issue #14)"."""
from django.db import migrations

from selection import snapshots


def backfill(apps, schema_editor):
    Application = apps.get_model("selection", "Application")
    EducationRecord = apps.get_model("cadre", "EducationRecord")
    PostHistory = apps.get_model("cadre", "PostHistory")
    todo = list(
        Application.objects.filter(snapshot={}).exclude(status__in=["draft", "pending"]).select_related("cadre__unit")
    )
    for app in todo:
        cadre = app.cadre
        educations = list(EducationRecord.objects.filter(cadre_id=cadre.pk).order_by("mode"))
        holdings = list(PostHistory.objects.filter(cadre_id=cadre.pk, end__isnull=True).select_related("post"))
        snap = snapshots.facts(cadre, educations=educations, holdings=holdings)
        snap["eligibility"] = {
            "result": app.suggestion,
            "reasons": app.suggestion_reasons,
            "appointment": (app.eligibility or {}).get("appointment", ""),
            "as_of": (app.eligibility or {}).get("as_of", ""),
        }
        snap["backfilled"] = True
        app.snapshot = snap
        app.snapshot_at = app.submitted_at or app.created_at
        app.save(update_fields=["snapshot", "snapshot_at"])


class Migration(migrations.Migration):
    dependencies = [("selection", "0002_application_snapshot"), ("cadre", "0008_eligibility_manual_check_roster_version")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
