from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "qingfeng.orgs"
    label = "orgs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from qingfeng.core.todos import register
        from qingfeng.orgs.todos import staffing_gaps

        register(staffing_gaps)
