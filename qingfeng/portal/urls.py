from django.urls import path

from qingfeng.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("report/", views.report, name="report"),
    path("query/", views.lookup, name="lookup"),
    path("query/status/", views.status, name="status"),
    path("query/message/", views.message, name="message"),
    path("query/leave/", views.leave, name="leave"),
]
