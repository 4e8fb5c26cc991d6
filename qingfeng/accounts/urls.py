from django.urls import path

from qingfeng.accounts import views, views_2fa, views_users

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("profile/", views.profile, name="profile"),
    path("profile/password/", views.profile_password, name="profile_password"),
    path("profile/2fa/disable/", views.profile_2fa_disable, name="profile_2fa_disable"),
    path("profile/tokens/", views.profile_token_create, name="token_create"),
    path("profile/tokens/<int:pk>/revoke/", views.profile_token_revoke, name="token_revoke"),
    # Under /accounts/2fa/, which SecondFactorMiddleware lets through before enrolment.
    path("2fa/setup/", views_2fa.totp_setup, name="totp_setup"),
    path("2fa/verify/", views_2fa.totp_verify, name="totp_verify"),
    path("users/", views_users.users, name="users"),
    path("users/new/", views_users.user_create, name="user_create"),
    path("users/<int:pk>/", views_users.user_detail, name="user_detail"),
    path("users/<int:pk>/edit/", views_users.user_edit, name="user_edit"),
    path("users/<int:pk>/grants/", views_users.user_grant_add, name="grant_add"),
    path(
        "users/<int:pk>/grants/<int:grant_id>/revoke/",
        views_users.user_grant_revoke,
        name="grant_revoke",
    ),
    path("users/<int:pk>/unlock/", views_users.user_unlock, name="user_unlock"),
    path("users/<int:pk>/password/", views_users.user_password_reset, name="user_password"),
    path("users/<int:pk>/2fa-reset/", views_users.user_2fa_reset, name="user_2fa_reset"),
    path("users/<int:pk>/active/", views_users.user_toggle_active, name="user_toggle_active"),
    path("roles/", views_users.roles, name="roles"),
    path("roles/<str:code>/2fa/", views_users.role_2fa, name="role_2fa"),
]
