"""Report list, export, search and statistics pages (under /reports/, namespace ``intake``)."""

from django.urls import URLPattern, path

from qingfeng.intake import views_lists as views

urlpatterns: list[URLPattern] = [
    path("", views.report_list_view, name="list"),
    path("export/", views.report_export, name="export"),
    path("search/", views.search_view, name="search"),
    path("stats/", views.stats_view, name="stats"),
    path("stats/export/", views.stats_export, name="stats_export"),
]
