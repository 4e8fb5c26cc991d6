"""Property tests of the scope engine over random org trees (DESIGN.md §3 "Data scope").

1. A user's scope for a capability is exactly the union of the nodes (node-only grants)
   and subtrees (subtree grants) of their grants whose role carries it.
2. ``can_grant`` holds only when the requested scope lies within the granter's
   ``user.manage`` scope and within the scope of each capability of the role (and the
   granter holds a role of that tier there); ``grant_role`` and ``user_create`` refuse
   otherwise, and what they do grant never reaches beyond the granter.

The expected sets are computed here from the parent lists alone, without paths.
"""

from __future__ import annotations

import itertools

from django.core.exceptions import ValidationError
from django.test import override_settings
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from qingfeng.accounts import services
from qingfeng.accounts.models import RoleGrant, User
from qingfeng.accounts.roles import ROLE_DEFINITIONS, ROLE_TIER, Cap, role_caps
from qingfeng.accounts.scope import can_grant, covers, orgs_with
from qingfeng.accounts.selectors import users_visible_to
from qingfeng.core.testing import make_org
from qingfeng.orgs.models import Org, OrgKind

ROLES = sorted(ROLE_DEFINITIONS)
MANAGERS = ["sysadmin", "township_secretary"]
KINDS = [OrgKind.COUNTY, OrgKind.TOWNSHIP, OrgKind.STATION, OrgKind.DEPARTMENT]
_serial = itertools.count()

Parents = list[int | None]
Grant = tuple[str, int, bool]


@st.composite
def forests(draw: st.DrawFn, max_nodes: int = 9) -> Parents:
    """Parent index of each node (None for a root); parents come before children."""
    n = draw(st.integers(min_value=1, max_value=max_nodes))
    parents: Parents = [None]
    for i in range(1, n):
        parents.append(draw(st.none() | st.integers(min_value=0, max_value=i - 1)))
    return parents


def grants_for(n: int, roles: st.SearchStrategy[str], max_size: int = 4):
    return st.lists(
        st.tuples(roles, st.integers(min_value=0, max_value=n - 1), st.booleans()),
        max_size=max_size,
        unique_by=lambda g: (g[0], g[1]),
    )


any_role = st.sampled_from(ROLES)
manager_biased_role = st.sampled_from(MANAGERS) | st.sampled_from(ROLES)


@st.composite
def forest_and_grants(draw: st.DrawFn) -> tuple[Parents, list[Grant]]:
    parents = draw(forests())
    return parents, draw(grants_for(len(parents), any_role, max_size=5))


@st.composite
def grant_requests(draw: st.DrawFn) -> tuple[Parents, list[Grant], Grant]:
    parents = draw(forests())
    n = len(parents)
    held = draw(grants_for(n, manager_biased_role))
    requested = (
        draw(any_role),
        draw(st.integers(min_value=0, max_value=n - 1)),
        draw(st.booleans()),
    )
    return parents, held, requested


# --- the independent model ------------------------------------------------------------


def subtree(parents: Parents, node: int) -> set[int]:
    """``node`` and every node whose chain of parents passes through it."""
    out = set()
    for j in range(len(parents)):
        k: int | None = j
        while k is not None:
            if k == node:
                out.add(j)
                break
            k = parents[k]
    return out


def region(parents: Parents, node: int, with_subtree: bool) -> set[tuple[str, int]]:
    """What a grant reaches, over the tree extended with one future child per node.

    Each node may later get a new child ("phantom"): a subtree grant reaches it, a
    node-only grant does not. Comparing regions on this extended tree says whether a grant
    stays inside another for every future shape of the tree, not only the present one.
    """
    if not with_subtree:
        return {("node", node)}
    below = subtree(parents, node)
    return {("node", j) for j in below} | {("future", j) for j in below}


def expected_scope(parents: Parents, grants: list[Grant], cap: Cap) -> set[int]:
    out: set[int] = set()
    for role, node, sub in grants:
        if cap in role_caps(role):
            out |= subtree(parents, node) if sub else {node}
    return out


def expected_can_grant(parents: Parents, held: list[Grant], requested: Grant) -> bool:
    role, node, sub = requested
    want = region(parents, node, sub)
    for cap in {Cap.USER_MANAGE, *role_caps(role)}:
        reach: set[tuple[str, int]] = set()
        for h_role, h_node, h_sub in held:
            if cap in role_caps(h_role):
                reach |= region(parents, h_node, h_sub)
        if not want <= reach:
            return False
    return any(
        ROLE_TIER[h_role] <= ROLE_TIER[role] and want <= region(parents, h_node, h_sub)
        for h_role, h_node, h_sub in held
    )


def within_caps(parents: Parents, held: list[Grant], requested: Grant) -> bool:
    """The two conditions DESIGN.md §3 names (necessary, not sufficient)."""
    role, node, sub = requested
    want = {j for kind, j in region(parents, node, sub) if kind == "node"}
    return all(
        want <= expected_scope(parents, held, cap) for cap in {Cap.USER_MANAGE, *role_caps(role)}
    )


# --- building rows --------------------------------------------------------------------


def build_forest(parents: Parents) -> list[Org]:
    orgs: list[Org] = []
    for i, parent in enumerate(parents):
        code = f"PT{next(_serial)}"
        kind = KINDS[min(i, len(KINDS) - 1)] if parent is not None else OrgKind.COUNTY
        orgs.append(make_org(f"机构{i}", code, kind, orgs[parent] if parent is not None else None))
    return orgs


def make_holder(orgs: list[Org], grants: list[Grant], home: int = 0) -> User:
    user = User.objects.create(username=f"u{next(_serial)}", full_name="某人", org=orgs[home])
    RoleGrant.objects.bulk_create(
        RoleGrant(user=user, role_id=role, org=orgs[node], include_subtree=sub)
        for role, node, sub in grants
    )
    return user


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class ScopeProperties(TestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(forest_and_grants())
    def test_scope_is_exactly_the_granted_nodes_and_subtrees(self, case):
        parents, grants = case
        orgs = build_forest(parents)
        index = {org.pk: i for i, org in enumerate(orgs)}
        user = make_holder(orgs, grants)
        bystanders = {
            make_holder(orgs, [], home=i).pk: i for i in range(len(orgs))
        }  # one user at each node, no grants
        for cap in Cap:
            want = expected_scope(parents, grants, cap)
            got = {index[pk] for pk in orgs_with(user, cap).values_list("pk", flat=True)}
            assert got == want, (cap, parents, grants)
            for i, org in enumerate(orgs):
                assert covers(user, cap, org) == (i in want)
        visible = set(users_visible_to(user).values_list("pk", flat=True))
        want_users = {
            pk
            for pk, i in bystanders.items()
            if i in expected_scope(parents, grants, Cap.USER_VIEW)
        }
        assert visible & set(bystanders) == want_users

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(grant_requests())
    def test_no_grant_exceeds_the_granters_scope(self, case):
        parents, held, requested = case
        role, node, sub = requested
        orgs = build_forest(parents)
        granter = make_holder(orgs, held)
        allowed = can_grant(granter, role, orgs[node], subtree=sub)
        event("allowed" if allowed else "refused")
        assert allowed == expected_can_grant(parents, held, requested), (parents, held, requested)
        if allowed:
            assert within_caps(parents, held, requested)

        target = User.objects.create(username=f"t{next(_serial)}", full_name="某乙", org=orgs[node])
        grants_before = RoleGrant.objects.count()
        if allowed:
            services.grant_role(
                actor=granter, user=target, role=role, org=orgs[node], include_subtree=sub
            )
            for cap in Cap:
                theirs = set(orgs_with(target, cap).values_list("pk", flat=True))
                mine = set(orgs_with(granter, cap).values_list("pk", flat=True))
                assert theirs <= mine, cap
        else:
            with self.assertRaises(ValidationError):
                services.grant_role(
                    actor=granter, user=target, role=role, org=orgs[node], include_subtree=sub
                )
            assert RoleGrant.objects.count() == grants_before

        users_before = User.objects.count()
        kwargs = {
            "actor": granter,
            "username": f"n{next(_serial)}",
            "full_name": "某丙",
            "phone": "",
            "org": orgs[node],
            "password": "Property-test-2026",
            "role": role,
            "grant_org": orgs[node],
            "include_subtree": sub,
        }
        if allowed:
            created = services.user_create(**kwargs)
            assert created.grants.get().org_id == orgs[node].pk
        else:
            with self.assertRaises(ValidationError):
                services.user_create(**kwargs)
            assert User.objects.count() == users_before
