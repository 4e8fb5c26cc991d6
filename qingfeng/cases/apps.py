from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "qingfeng.cases"
    label = "cases"
    verbose_name = "线索与案件"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The approval handlers of leads, 谈话函询 and 初步核实 register on import.
        from qingfeng.cases import handling, services  # noqa: F401
        from qingfeng.cases.clocks import recompute_provisional
        from qingfeng.cases.todos import lead_todos
        from qingfeng.core import todos
        from qingfeng.workdays.services import on_year_entered

        todos.register(lead_todos)
        if recompute_provisional not in on_year_entered:
            on_year_entered.append(recompute_provisional)
