"""Case pages under /cases/ (namespace ``case_files``): list, export, the 即将超期 queue, the
立案呈批 on a lead, the case file (卷宗) and its steps, each posting to its own URL."""

from django.urls import URLPattern, path

from qingfeng.cases import views_case_actions as actions
from qingfeng.cases import views_cases
from qingfeng.cases.urls_case_appeals import appeal_urlpatterns

app_name = "case_files"

urlpatterns: list[URLPattern] = [
    path("", views_cases.case_list, name="list"),
    path("export/", views_cases.case_export, name="export"),
    path("due/", views_cases.due_queue, name="due"),
    path("file/<int:lead_pk>/", actions.propose_filing, name="file"),
    path("<int:pk>/", views_cases.case_file, name="detail"),
    path("<int:pk>/team/", actions.set_team, name="set_team"),
    path("<int:pk>/measures/", actions.request_measure, name="request_measure"),
    path("<int:pk>/measures/<int:measure_id>/end/", actions.end_measure, name="end_measure"),
    path("<int:pk>/extension/", actions.request_extension, name="request_extension"),
    path("<int:pk>/jurisdiction/", actions.propose_move, name="propose_move"),
    path(
        "<int:pk>/report/",
        actions.submit_investigation_report,
        name="investigation_report",
    ),
    path(
        "<int:pk>/reviews/<int:review_id>/reviewers/",
        actions.assign_reviewers,
        name="assign_reviewers",
    ),
    path(
        "<int:pk>/reviews/<int:review_id>/talk/",
        actions.record_review_talk,
        name="review_talk",
    ),
    path(
        "<int:pk>/reviews/<int:review_id>/return/",
        actions.return_for_evidence,
        name="return_for_evidence",
    ),
    path(
        "<int:pk>/reviews/<int:review_id>/report/",
        actions.submit_review_report,
        name="review_report",
    ),
    path("<int:pk>/decision/", actions.propose_decision, name="propose_decision"),
    path("<int:pk>/announcement/", actions.record_announcement, name="announcement"),
    path("<int:pk>/execution/", actions.record_execution, name="execution"),
    path(
        "<int:pk>/recommendation-reply/",
        actions.record_recommendation_reply,
        name="recommendation_reply",
    ),
    path("<int:pk>/close/", actions.close_case, name="close_case"),
    *appeal_urlpatterns,
]
