"""Lead pages under /leads/ (namespace ``cases``): list, export, registration, the lead file
and its handling steps, each posting to its own URL."""

from django.urls import URLPattern, path

from qingfeng.cases import views, views_handling, views_lists

app_name = "cases"

urlpatterns: list[URLPattern] = [
    path("", views_lists.lead_list, name="list"),
    path("export/", views_lists.lead_export, name="export"),
    path("new/", views.create, name="create"),
    path("new/match-person/", views.match_person, name="match_person"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/propose/", views_handling.propose, name="propose"),
    path("<int:pk>/enquiries/", views_handling.enquiry_start, name="enquiry_start"),
    path(
        "<int:pk>/enquiries/<int:enquiry_id>/talk/",
        views_handling.enquiry_talk,
        name="enquiry_talk",
    ),
    path(
        "<int:pk>/enquiries/<int:enquiry_id>/letter/",
        views_handling.enquiry_letter,
        name="enquiry_letter",
    ),
    path(
        "<int:pk>/enquiries/<int:enquiry_id>/reply/",
        views_handling.enquiry_reply,
        name="enquiry_reply",
    ),
    path(
        "<int:pk>/enquiries/<int:enquiry_id>/report/",
        views_handling.enquiry_report,
        name="enquiry_report",
    ),
    path("<int:pk>/verification/", views_handling.verification_start, name="verification_start"),
    path(
        "<int:pk>/verification/<int:verification_id>/report/",
        views_handling.verification_report,
        name="verification_report",
    ),
    path("<int:pk>/transfer-reply/", views_handling.transfer_reply, name="transfer_reply"),
]
