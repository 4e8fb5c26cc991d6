from django.urls import URLPattern, URLResolver, include, path

from qingfeng.intake import views

app_name = "intake"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("qingfeng.intake.urls_lists")),
    path("register/", views.register, name="register"),
    path("register/match-person/", views.match_person, name="match_person"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/actions/<slug:name>/", views.action, name="action"),
    path(
        "<int:pk>/repeats/<int:candidate>/<slug:decision>/",
        views.repeat_decision,
        name="repeat_decision",
    ),
    path("<int:pk>/identity/", views.identity_view, name="identity"),
    path("<int:pk>/messages/", views.message_post, name="message"),
    path("<int:pk>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
]
