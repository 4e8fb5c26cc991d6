"""Scoped reads of orgs, units and persons. Out-of-scope answers 404, like missing."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import covers, grants_with, minimal_grants, orgs_with, scoped
from qingfeng.orgs.models import Org, Person, Unit


def orgs_visible_to(user: Any) -> QuerySet[Org]:
    """Orgs the user may see (``org.view``), in tree order."""
    return orgs_with(user, Cap.ORG_VIEW).order_by("path")


def get_org_for_user(user: Any, pk: int, *, write: bool = False) -> Org:
    """One org, or 404 when missing or outside the user's scope (DESIGN.md §3)."""
    org = Org.objects.select_related("parent").filter(pk=pk).first()
    cap = Cap.ORG_MANAGE if write else Cap.ORG_VIEW
    if org is None or not covers(user, cap, org):
        raise Http404
    return org


def scope_roots(user: Any, cap: Cap = Cap.ORG_VIEW) -> list[Org]:
    """The topmost orgs of the user's scope: where the org tree starts for them."""
    ids = [g.org_id for g in minimal_grants(grants_with(user, cap))]
    return list(Org.objects.filter(pk__in=ids).order_by("path"))


def units_visible_to(user: Any) -> QuerySet[Unit]:
    return scoped(Unit.objects.select_related("org"), user, Cap.ORG_VIEW)


def get_unit_for_user(user: Any, pk: int, *, write: bool = False) -> Unit:
    cap = Cap.UNIT_MANAGE if write else Cap.ORG_VIEW
    unit = scoped(Unit.objects.select_related("org"), user, cap).filter(pk=pk).first()
    if unit is None:
        raise Http404
    return unit


def persons_visible_to(user: Any) -> QuerySet[Person]:
    """Supervised persons under the user's ``person.view`` scope."""
    return scoped(Person.objects.all(), user, Cap.PERSON_VIEW)


def get_person_for_user(user: Any, pk: int, *, write: bool = False) -> Person:
    cap = Cap.PERSON_MANAGE if write else Cap.PERSON_VIEW
    person = scoped(Person.objects.select_related("unit", "org"), user, cap).filter(pk=pk).first()
    if person is None:
        raise Http404
    return person
