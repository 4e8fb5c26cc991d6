from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "qingfeng.approvals"
    label = "approvals"
    verbose_name = "呈批审批"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from qingfeng.approvals.todos import approval_todos
        from qingfeng.core import todos

        todos.register(approval_todos)
