"""Person pages and the Excel imports (mounted under /orgs/, namespace ``orgs``)."""

from django.urls import URLPattern, path

from qingfeng.orgs import views_people as views

urlpatterns: list[URLPattern] = [
    path("persons/", views.person_list_view, name="persons"),
    path("persons/export/", views.person_export, name="persons_export"),
    path("persons/new/", views.person_create_view, name="person_create"),
    path("persons/<int:pk>/", views.person_detail, name="person_detail"),
    path("persons/<int:pk>/edit/", views.person_edit_view, name="person_edit"),
    path("imports/units/", views.import_units, name="import_units"),
    path("imports/persons/", views.import_persons, name="import_persons"),
    path("imports/template/", views.import_template, name="import_template"),
]
