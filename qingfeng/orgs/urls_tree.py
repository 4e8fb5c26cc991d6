"""Org tree, 协作区, supervised units and staffing pages (mounted under /orgs/, ``orgs``)."""

from django.urls import URLPattern, path

from qingfeng.orgs import views_tree as views

urlpatterns: list[URLPattern] = [
    path("", views.tree, name="tree"),
    path("tree/children/", views.tree_children, name="tree_children"),
    path("new/", views.org_create, name="org_create"),
    path("<int:pk>/edit/", views.org_edit, name="org_edit"),
    path("<int:pk>/move/", views.org_move, name="org_move"),
    path("zones/", views.zones, name="zones"),
    path("zones/new/", views.zone_create, name="zone_create"),
    path("zones/<int:pk>/edit/", views.zone_edit, name="zone_edit"),
    path("units/", views.units, name="units"),
    path("units/export/", views.units_export, name="units_export"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("staffing/", views.staffing, name="staffing"),
    path("staffing/export/", views.staffing_export, name="staffing_export"),
    path("staffing/roster/", views.roster, name="roster"),
    path("staffing/roster/export/", views.roster_export, name="roster_export"),
    path("staffing/org/<int:pk>/", views.staffing_org, name="staffing_org"),
    path("staffing/holders/new/", views.holder_create, name="holder_create"),
    path("staffing/holders/<int:pk>/remove/", views.holder_remove, name="holder_remove"),
]
