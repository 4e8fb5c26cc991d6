from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "qingfeng.workdays"
    label = "workdays"
    default_auto_field = "django.db.models.BigAutoField"
