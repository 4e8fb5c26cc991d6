from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "qingfeng.intake"
    label = "intake"
    verbose_name = "信访举报"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from qingfeng.core.todos import register
        from qingfeng.intake import repeats, search
        from qingfeng.intake.clocks import recompute_provisional
        from qingfeng.intake.services import report_indexers
        from qingfeng.intake.todos import report_todos
        from qingfeng.workdays.services import on_year_entered

        if recompute_provisional not in on_year_entered:
            on_year_entered.append(recompute_provisional)
        # The search index and the repeat signatures are written with each report.
        for indexer in (search.index_report, repeats.index_and_propose):
            if indexer not in report_indexers:
                report_indexers.append(indexer)
        register(report_todos)
