from django.urls import URLPattern, path

from qingfeng.audit import views

app_name = "audit"
urlpatterns: list[URLPattern] = [
    path("", views.events, name="events"),
    path("<int:pk>/", views.event_detail, name="event"),
    path("export/", views.export, name="export"),
    path("verify/", views.verify, name="verify"),
]
