"""Seed every day of 2004–2026 from the chinese_calendar package (DESIGN.md §3 "Clocks")."""

from django.db import migrations

SEEDED_YEARS = range(2004, 2027)


def seed(apps, schema_editor):
    from qingfeng.workdays.seed import seed_years

    seed_years(
        SEEDED_YEARS,
        workday_model=apps.get_model("workdays", "WorkDay"),
        year_model=apps.get_model("workdays", "CalendarYear"),
    )


def unseed(apps, schema_editor):
    WorkDay = apps.get_model("workdays", "WorkDay")
    CalendarYear = apps.get_model("workdays", "CalendarYear")
    WorkDay.objects.filter(source="package", date__year__in=list(SEEDED_YEARS)).delete()
    CalendarYear.objects.filter(source="package", year__in=list(SEEDED_YEARS)).delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_workday_and_calendar_year")]

    operations = [migrations.RunPython(seed, unseed)]
