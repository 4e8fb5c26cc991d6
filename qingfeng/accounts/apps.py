from typing import Any

from django.apps import AppConfig


def locked_accounts_todo(user: Any) -> list[Any]:
    """Home page to-do: locked accounts the user could unlock (one scoped count)."""
    from django.urls import reverse

    from qingfeng.accounts.roles import Cap
    from qingfeng.accounts.scope import has_cap
    from qingfeng.accounts.selectors import locked_users_count
    from qingfeng.core.todos import Todo

    if not has_cap(user, Cap.USER_MANAGE):
        return []
    count = locked_users_count(user)
    url = reverse("accounts:users") + "?status=locked"
    return [Todo("被锁定的账号待处理", count, url, "danger")]


class AccountsConfig(AppConfig):
    name = "qingfeng.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from qingfeng.core.todos import register

        register(locked_accounts_todo)
