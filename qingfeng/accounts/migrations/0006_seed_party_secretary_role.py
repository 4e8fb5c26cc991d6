from django.db import migrations


def seed_roles(apps, schema_editor):
    """Add roles introduced after 0005 (党委主要负责人), by the same definitions."""
    from qingfeng.accounts.roles import ROLE_DEFINITIONS

    Role = apps.get_model("accounts", "Role")
    for code, (name, _caps, order) in ROLE_DEFINITIONS.items():
        Role.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_seed_dept_head_role")]
    operations = [migrations.RunPython(seed_roles, migrations.RunPython.noop)]
