from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "qingfeng.reminders"
    label = "reminders"
    verbose_name = "提醒"
    default_auto_field = "django.db.models.BigAutoField"
