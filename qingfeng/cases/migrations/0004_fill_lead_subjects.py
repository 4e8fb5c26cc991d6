from django.db import migrations


def fill_subjects(apps, schema_editor):
    """Leads formed before 0003 name their reported persons only through ``subjects``."""
    Lead = apps.get_model("cases", "Lead")
    for lead in Lead.objects.filter(subject_name="").iterator():
        subjects = list(lead.subjects.order_by("position", "id"))
        if not subjects:
            continue
        first = subjects[0]
        lead.subject_name = "、".join(s.name or s.unit_name for s in subjects)[:100]
        lead.subject_unit = first.unit_name[:100]
        lead.subject_post = first.post[:100]
        lead.person_id = first.person_id if len(subjects) == 1 else None
        lead.save(update_fields=["subject_name", "subject_unit", "subject_post", "person"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_lead_handling_enquiry_verification")]
    operations = [migrations.RunPython(fill_subjects, migrations.RunPython.noop)]
