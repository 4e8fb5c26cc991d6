from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "qingfeng.cases"
    label = "cases"
    verbose_name = "线索与案件"
    default_auto_field = "django.db.models.BigAutoField"
