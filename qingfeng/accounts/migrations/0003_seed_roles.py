from django.db import migrations


def seed_roles(apps, schema_editor):
    from qingfeng.accounts.roles import ROLE_DEFINITIONS

    Role = apps.get_model("accounts", "Role")
    for code, (name, _caps, order) in ROLE_DEFINITIONS.items():
        Role.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "sort_order": order,
                "requires_2fa": code in ("sysadmin", "auditor"),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_user_org_and_role_grants")]
    operations = [migrations.RunPython(seed_roles, migrations.RunPython.noop)]
