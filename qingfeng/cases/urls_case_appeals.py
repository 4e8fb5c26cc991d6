"""The 复议复查（复审复核） and 留党察看 steps of the case file, spliced into ``urls_cases``
(namespace ``case_files``) as ``appeal_urlpatterns``; a sanction or an appeal is addressed
through its case."""

from django.urls import URLPattern, path

from qingfeng.cases import views_case_appeals as appeal_views

appeal_urlpatterns: list[URLPattern] = [
    path(
        "<int:pk>/sanctions/<int:sanction_id>/appeals/",
        appeal_views.file_appeal,
        name="file_appeal",
    ),
    path(
        "<int:pk>/appeals/<int:appeal_id>/reviewers/",
        appeal_views.assign_appeal_reviewers,
        name="appeal_reviewers",
    ),
    path(
        "<int:pk>/appeals/<int:appeal_id>/decision/",
        appeal_views.propose_appeal_decision,
        name="appeal_decision",
    ),
    path(
        "<int:pk>/sanctions/<int:sanction_id>/probation/",
        appeal_views.conclude_probation,
        name="conclude_probation",
    ),
]
