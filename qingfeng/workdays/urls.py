from django.urls import path

from qingfeng.workdays import views

app_name = "workdays"
urlpatterns = [
    path("", views.calendar_view, name="calendar"),
    path("day/", views.day_edit, name="day_edit"),
    path("year/", views.year_create, name="year_create"),
    path("year/confirm/", views.year_confirm, name="year_confirm"),
]
