"""Data scope: which orgs a user may act on, for which capability.

Every scoped read filters in the query itself (DESIGN.md §3): ``orgs_with(user, cap)``
is a queryset of orgs that other querysets use as ``org_id IN (subquery)``. A user's
scope is exactly the union of the nodes (or subtrees) of the grants whose role carries
the capability; nothing is inherited any other way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from qingfeng.accounts.roles import ROLE_TIER, Cap, role_caps
from qingfeng.orgs.models import Org


@dataclass(frozen=True)
class GrantScope:
    role: str
    org_id: int
    path: str
    subtree: bool

    def covers_org(self, org: Org) -> bool:
        if self.subtree:
            return org.path.startswith(self.path)
        return org.pk == self.org_id

    def covers_scope(self, org: Org, subtree: bool) -> bool:
        """True when this grant reaches ``org`` (and, if ``subtree``, everything under it)."""
        if self.subtree:
            return org.path.startswith(self.path)
        return not subtree and org.pk == self.org_id


def user_grants(user: Any) -> list[GrantScope]:
    """The user's grants, loaded once per user object (one query)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached: list[GrantScope] | None = getattr(user, "_grant_cache", None)
    if cached is None:
        cached = [
            GrantScope(
                role=g["role_id"],
                org_id=g["org_id"],
                path=g["org__path"],
                subtree=g["include_subtree"],
            )
            for g in user.grants.filter(org__is_active=True).values(
                "role_id", "org_id", "org__path", "include_subtree"
            )
        ]
        user._grant_cache = cached
    return cached


def forget_grants(user: Any) -> None:
    if hasattr(user, "_grant_cache"):
        del user._grant_cache


def grants_with(user: Any, cap: Cap) -> list[GrantScope]:
    return [g for g in user_grants(user) if cap in role_caps(g.role)]


def has_cap(user: Any, cap: Cap) -> bool:
    """Whether the user holds ``cap`` anywhere (for menus; never for object access)."""
    return bool(grants_with(user, cap))


def org_scope_q(user: Any, cap: Cap, prefix: str = "") -> Q | None:
    """A Q over ``Org`` rows (optionally through ``prefix``) that the user reaches with cap."""
    grants = grants_with(user, cap)
    if not grants:
        return None
    q = Q()
    for g in minimal_grants(grants):
        if g.subtree:
            q |= subtree_q(g.path, prefix)
        else:
            q |= Q(**{f"{prefix}pk": g.org_id})
    return q


def subtree_q(path: str, prefix: str = "") -> Q:
    """Orgs whose path starts with ``path`` (which ends with "/"), as an index-friendly Q.

    SQLite never uses an index for ``LIKE 'p%'`` (LIKE is case-insensitive there), so it
    gets the equivalent range ``p <= path < p[:-1] + "0"`` ("0" sorts right after "/" and
    paths hold only digits and slashes). PostgreSQL keeps LIKE, which its
    ``varchar_pattern_ops`` index serves; a range would be wrong under a non-C collation.
    """
    if connection.vendor == "sqlite":
        return Q(**{f"{prefix}path__gte": path, f"{prefix}path__lt": path[:-1] + "0"})
    return Q(**{f"{prefix}path__startswith": path})


def minimal_grants(grants: Iterable[GrantScope]) -> list[GrantScope]:
    """Drop grants already covered by a subtree grant, to keep the SQL short."""
    grants = list(grants)
    subtree_paths = [g.path for g in grants if g.subtree]
    out: list[GrantScope] = []
    seen: set[tuple[str, bool]] = set()
    for g in grants:
        covered = any(
            g.path.startswith(p) and (g.path != p or not g.subtree) for p in subtree_paths
        )
        if covered or (g.path, g.subtree) in seen:
            continue
        seen.add((g.path, g.subtree))
        out.append(g)
    return out


def body_scope_q(
    user: Any,
    cap: Cap,
    *,
    org: str = "org",
    dept: str = "handling_dept",
    hidden: str = "hidden_from",
) -> Q | None:
    """A Q over records held by a body (``org``) or handled by one of its departments
    (``dept``), as reached by the user's grants with ``cap``; None when none at all.

    A record about a body's own head (``hidden`` set to that body) is visible only through
    grants strictly above that body (DOMAIN.md §2: "a report about this body's own head goes
    straight up"; DESIGN.md §3).
    """
    grants = minimal_grants(grants_with(user, cap))
    if not grants:
        return None
    q = Q()
    for g in grants:
        if g.subtree:
            reach = subtree_q(g.path, f"{org}__") | subtree_q(g.path, f"{dept}__")
        else:
            reach = Q(**{f"{org}_id": g.org_id}) | Q(**{f"{dept}_id": g.org_id})
        # The body a record is hidden from is tested with a correlated EXISTS, not a join:
        # PostgreSQL, expecting no hidden record, planned the join as a walk of the whole
        # org table per matching row (a township's search: 32 rows, 100 ms); an IN
        # (subquery) costed so high it scanned every search row instead of the index.
        under_grant = Org.objects.filter(subtree_q(g.path), pk=OuterRef(f"{hidden}_id"))
        above_head = Q(Exists(under_grant)) & ~Q(**{f"{hidden}_id": g.org_id})
        q |= reach & (Q(**{f"{hidden}__isnull": True}) | above_head)
    return q


def orgs_with(user: Any, cap: Cap) -> QuerySet[Org]:
    """Orgs on which ``user`` holds ``cap``, as a queryset usable as a subquery."""
    q = org_scope_q(user, cap)
    if q is None:
        return Org.objects.none()
    return Org.objects.filter(q)


def scoped(qs: QuerySet[Any], user: Any, cap: Cap, field: str = "org") -> QuerySet[Any]:
    """Restrict ``qs`` to rows whose ``field`` org lies within the user's scope for ``cap``."""
    q = org_scope_q(user, cap)
    if q is None:
        return qs.none()
    return qs.filter(**{f"{field}__in": Org.objects.filter(q).values("pk")})


def covers(user: Any, cap: Cap, org: Org, *, subtree: bool = False) -> bool:
    """Whether the user holds ``cap`` on ``org`` (and on its whole subtree if asked)."""
    return any(g.covers_scope(org, subtree) for g in grants_with(user, cap))


def can_grant(granter: Any, role_code: str, org: Org, *, subtree: bool) -> bool:
    """A user may grant a role only within their scope and never more than they hold.

    The granter needs ``user.manage`` over the target scope, every capability of the
    granted role over that same scope (DESIGN.md §3: "a user can never grant more than
    they hold"), and a grant of the role's tier or higher (``roles.ROLE_TIER``) reaching
    that scope: capabilities alone would let a township secretary appoint a 委领导.
    """
    needed = {Cap.USER_MANAGE, *role_caps(role_code)}
    if not all(covers(granter, cap, org, subtree=subtree) for cap in needed):
        return False
    tier = ROLE_TIER[role_code]
    return any(
        ROLE_TIER[g.role] <= tier and g.covers_scope(org, subtree) for g in user_grants(granter)
    )
