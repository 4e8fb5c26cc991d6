from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "qingfeng.intake"
    label = "intake"
    verbose_name = "信访举报"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from qingfeng.intake.clocks import recompute_provisional
        from qingfeng.workdays.services import on_year_entered

        if recompute_provisional not in on_year_entered:
            on_year_entered.append(recompute_provisional)
