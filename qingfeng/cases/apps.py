from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "qingfeng.cases"
    label = "cases"
    verbose_name = "线索与案件"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The approval handlers of leads, 谈话函询, 初步核实 and cases register on import.
        from qingfeng.cases import (  # noqa: F401
            appeals,
            case_review,
            case_services,
            decisions,
            handling,
            jurisdiction,
            services,
        )
        from qingfeng.cases.case_clocks import recompute_provisional as recompute_case_clocks
        from qingfeng.cases.case_todos import case_todos
        from qingfeng.cases.clocks import recompute_provisional
        from qingfeng.cases.todos import lead_todos
        from qingfeng.core import todos
        from qingfeng.workdays.services import on_year_entered

        todos.register(lead_todos)
        todos.register(case_todos)
        if recompute_provisional not in on_year_entered:
            on_year_entered.append(recompute_provisional)
        if recompute_case_clocks not in on_year_entered:
            on_year_entered.append(recompute_case_clocks)
