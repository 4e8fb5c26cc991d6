from django.urls import URLPattern, URLResolver, path

from qingfeng.approvals import views

app_name = "approvals"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sign/", views.sign, name="sign"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("chains/", views.chain_list, name="chains"),
    path("chains/<int:org_pk>/settings/", views.body_settings, name="body_settings"),
    path("chains/<int:org_pk>/<slug:matter>/", views.chain_edit, name="chain_edit"),
]
