"""Notice inbox (mounted under /reminders/, namespace ``reminders``)."""

from django.urls import URLPattern, path

from qingfeng.reminders import views

app_name = "reminders"

urlpatterns: list[URLPattern] = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/read/", views.read, name="read"),
    path("read-all/", views.read_all, name="read_all"),
    path("badge/", views.badge, name="badge"),
]
