"""Scoped reads of users, grants, roles and tokens. Out-of-scope answers 404, like missing."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from qingfeng.accounts.models import ApiToken, Role, RoleGrant, User
from qingfeng.accounts.roles import ROLE_DEFINITIONS, Cap
from qingfeng.accounts.scope import can_grant, covers, orgs_with, subtree_q, user_grants
from qingfeng.orgs.models import Org

USER_STATUSES = {"active": "正常", "locked": "已锁定", "disabled": "已停用"}


def users_visible_to(user: Any) -> QuerySet[User]:
    """Users whose home org lies in the actor's ``user.view`` scope (DESIGN.md §3)."""
    scope = orgs_with(user, Cap.USER_VIEW)
    return User.objects.filter(org__in=scope.values("pk")).select_related("org")


def filter_users(
    qs: QuerySet[User],
    *,
    org: Org | None = None,
    role: str = "",
    q: str = "",
    status: str = "",
) -> QuerySet[User]:
    """Narrow a scoped user queryset by the list filters; every filter stays in SQL."""
    if org is not None:
        qs = qs.filter(subtree_q(org.path, "org__"))
    if role:
        qs = qs.filter(Exists(RoleGrant.objects.filter(user=OuterRef("pk"), role_id=role)))
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q) | Q(phone__icontains=q))
    now = timezone.now()
    if status == "active":
        qs = qs.filter(is_active=True).exclude(locked_until__gt=now)
    elif status == "locked":
        qs = qs.filter(locked_until__gt=now)
    elif status == "disabled":
        qs = qs.filter(is_active=False)
    return qs


def with_grants(qs: QuerySet[User]) -> QuerySet[User]:
    """Prefetch each user's grants with role and org (one extra query for a page)."""
    return qs.prefetch_related(
        Prefetch(
            "grants",
            queryset=RoleGrant.objects.select_related("role", "org").order_by(
                "role__sort_order", "org__path"
            ),
        )
    )


def get_user_for_user(actor: Any, pk: int, *, write: bool = False) -> User:
    """One user, or 404 when missing or when the home org is outside the actor's scope.

    Reading needs ``user.view`` on the user's home org, writing ``user.manage``
    (DESIGN.md §3: out-of-scope objects answer 404, exactly like missing ones).
    """
    target = User.objects.select_related("org").filter(pk=pk).first()
    cap = Cap.USER_MANAGE if write else Cap.USER_VIEW
    if target is None or target.org is None or not covers(actor, cap, target.org):
        raise Http404
    return target


def get_grant_for_user(actor: Any, target: User, pk: int) -> RoleGrant:
    """A grant of ``target`` (already obtained through :func:`get_user_for_user`), or 404."""
    grant = (
        RoleGrant.objects.select_related("role", "org", "user").filter(pk=pk, user=target).first()
    )
    if grant is None:
        raise Http404
    return grant


def can_administer(actor: Any, target: User) -> bool:
    """Whether ``actor`` may change ``target``'s account (password, 2FA, status, home org).

    Besides ``user.manage`` on the home org, the actor must be able to grant every role the
    target holds: otherwise taking over the account would hand the actor more than they
    hold (DESIGN.md §3: "a user can never grant more than they hold").
    """
    if target.org is None or not covers(actor, Cap.USER_MANAGE, target.org):
        return False
    grants = target.grants.select_related("org").all()
    return all(can_grant(actor, g.role_id, g.org, subtree=g.include_subtree) for g in grants)


def manageable_orgs(actor: Any) -> QuerySet[Org]:
    """Active orgs where the actor may place users and grants (``user.manage``), tree order."""
    return orgs_with(actor, Cap.USER_MANAGE).filter(is_active=True).order_by("path")


def viewable_orgs(actor: Any) -> QuerySet[Org]:
    """Orgs of the actor's ``user.view`` scope, for the list filter."""
    return orgs_with(actor, Cap.USER_VIEW).filter(is_active=True).order_by("path")


def grantable_role_codes(actor: Any) -> list[str]:
    """Roles the actor can grant on at least one node, in display order.

    A role is grantable somewhere exactly when it is grantable on the node of one of the
    actor's own grants (the deepest grant that reaches a node is itself on an ancestor of
    it, and every other grant reaching that node reaches this one too).
    """
    nodes = {g.org_id: g for g in user_grants(actor)}
    if not nodes:
        return []
    orgs = list(Org.objects.filter(pk__in=nodes.keys(), is_active=True))
    out = []
    for code in sorted(ROLE_DEFINITIONS, key=lambda c: ROLE_DEFINITIONS[c][2]):
        if any(can_grant(actor, code, org, subtree=False) for org in orgs):
            out.append(code)
    return out


def is_system_admin(actor: Any) -> bool:
    """Whether the actor manages users over the whole tree: every root org and its subtree.

    Role settings (such as mandatory 2FA) apply everywhere, so changing them needs
    ``user.manage`` over every root of the org tree, not over one county only.
    """
    roots = list(Org.objects.filter(parent__isnull=True, is_active=True))
    return bool(roots) and all(covers(actor, Cap.USER_MANAGE, r, subtree=True) for r in roots)


def roles_all() -> QuerySet[Role]:
    return Role.objects.order_by("sort_order")


def tokens_of(user: Any) -> QuerySet[ApiToken]:
    """The user's own API tokens (never anyone else's)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def get_token_for_user(user: Any, pk: int) -> ApiToken:
    token = ApiToken.objects.filter(pk=pk, user=user).first()
    if token is None:
        raise Http404
    return token


def locked_users_count(actor: Any) -> int:
    """Locked accounts the actor could unlock (for the home page to-do list)."""
    scope = orgs_with(actor, Cap.USER_MANAGE)
    return User.objects.filter(
        org__in=scope.values("pk"), is_active=True, locked_until__gt=timezone.now()
    ).count()
