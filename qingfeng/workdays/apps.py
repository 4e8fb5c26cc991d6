from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "qingfeng.workdays"
    label = "workdays"
    verbose_name = "工作日历"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from qingfeng.core.todos import register
        from qingfeng.workdays.todos import calendar_todos

        register(calendar_todos)
