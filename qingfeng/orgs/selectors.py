"""Scoped reads of orgs, units and persons. Out-of-scope answers 404, like missing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, F, Func, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import (
    covers,
    grants_with,
    minimal_grants,
    org_scope_q,
    orgs_with,
    scoped,
)
from qingfeng.orgs.models import (
    ALLOWED_CHILDREN,
    POSTS_BY_ORG_KIND,
    STATION_POSTS,
    TOWNSHIP_POSTS,
    CollaborationZone,
    Org,
    OrgKind,
    Person,
    PostHolder,
    PostKind,
    StaffPost,
    Unit,
)


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


# --- The org tree page ---------------------------------------------------------------

TOWNSHIP_KINDS: tuple[str, ...] = (OrgKind.TOWNSHIP, OrgKind.STREET)
# A parent rarely has more than a few dozen children; the cap keeps one bad import from
# rendering thousands of rows into the tree.
TREE_CHILDREN_LIMIT = 500
FILTER_ORG_LIMIT = 2000


def path_ids(org: Org) -> list[int]:
    """The ids on ``org``'s path, root first and ``org`` itself last."""
    return [int(p) for p in org.path.strip("/").split("/") if p]


def sees_below(user: Any, org: Org, cap: Cap = Cap.ORG_VIEW) -> bool:
    """Whether one of the user's grants reaches a node under ``org`` (so it may expand)."""
    for g in grants_with(user, cap):
        if g.subtree and org.path.startswith(g.path):
            return True
        if g.path.startswith(org.path) and g.path != org.path:
            return True
    return False


@dataclass
class TreeNode:
    org: Org
    expandable: bool
    children: list[TreeNode] | None = None  # None: not loaded, fetched when expanded
    current: bool = False


def _with_has_children(qs: QuerySet[Org]) -> QuerySet[Org]:
    return qs.annotate(has_children=Exists(Org.objects.filter(parent=OuterRef("pk"))))


def _tree_node(user: Any, org: Org) -> TreeNode:
    has_children = bool(getattr(org, "has_children", False))
    return TreeNode(org=org, expandable=has_children and sees_below(user, org))


def tree_children(user: Any, parent: Org) -> list[TreeNode]:
    """The visible children of ``parent`` for the lazily expanded tree (one query)."""
    qs = _with_has_children(Org.objects.filter(parent=parent)).order_by("sort_order", "code")
    return [_tree_node(user, o) for o in qs[:TREE_CHILDREN_LIMIT] if covers(user, Cap.ORG_VIEW, o)]


def org_tree(user: Any, selected: Org | None) -> list[TreeNode]:
    """The user's scope roots, opened down to ``selected`` and its children (two queries).

    Only the chain to the selected node is loaded; deeper levels are fetched on demand,
    because a province holds ~27k nodes (DESIGN.md §5).
    """
    root_ids = [g.org_id for g in minimal_grants(grants_with(user, Cap.ORG_VIEW))]
    if not root_ids:
        return []
    roots = list(_with_has_children(Org.objects.filter(pk__in=root_ids)).order_by("path"))
    expand: set[int] = set()
    if selected is not None:
        chain = path_ids(selected)
        for root in roots:
            if selected.path.startswith(root.path):
                expand.update(chain[root.depth :])
    children: dict[int, list[Org]] = {}
    if expand:
        qs = _with_has_children(Org.objects.filter(parent_id__in=expand))
        for o in qs.order_by("sort_order", "code"):
            if o.parent_id is not None and covers(user, Cap.ORG_VIEW, o):
                children.setdefault(o.parent_id, []).append(o)

    def build(org: Org) -> TreeNode:
        node = _tree_node(user, org)
        node.current = selected is not None and org.pk == selected.pk
        if org.pk in expand and node.expandable:
            node.children = [build(c) for c in children.get(org.pk, [])[:TREE_CHILDREN_LIMIT]]
        return node

    return [build(r) for r in roots]


def org_breadcrumb(user: Any, org: Org) -> list[Org]:
    """The ancestors of ``org`` the user may see, top first (outside scope is left out)."""
    ids = path_ids(org)[:-1]
    if not ids:
        return []
    return [
        o for o in Org.objects.filter(pk__in=ids).order_by("depth") if covers(user, Cap.ORG_VIEW, o)
    ]


def _count(qs: QuerySet[Any]) -> Coalesce:
    """A correlated ``COUNT(*)`` subquery (no GROUP BY, so it works on SQLite and PostgreSQL)."""
    counted = qs.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1]
    return Coalesce(Subquery(counted), 0)


def org_children_with_counts(user: Any, org: Org) -> list[Org]:
    """Visible children of ``org`` with their stations and units counted within scope."""
    scope = org_scope_q(user, Cap.ORG_VIEW)
    unit_scope = org_scope_q(user, Cap.ORG_VIEW, prefix="org__")
    if scope is None or unit_scope is None:
        return []
    stations = Org.objects.filter(scope, kind=OrgKind.STATION, path__startswith=OuterRef("path"))
    units = Unit.objects.filter(unit_scope, org__path__startswith=OuterRef("path"))
    qs = (
        Org.objects.filter(scope, parent=org)
        .annotate(station_count=_count(stations), unit_count=_count(units))
        .order_by("sort_order", "code")
    )
    return list(qs[:TREE_CHILDREN_LIMIT])


def org_subtree_counts(user: Any, org: Org) -> list[tuple[str, int]]:
    """Headline numbers under ``org`` (itself excluded), each filtered by scope (2 queries)."""
    scope = org_scope_q(user, Cap.ORG_VIEW)
    if scope is None:
        return []
    agg = (
        Org.objects.filter(scope, path__startswith=org.path)
        .exclude(pk=org.pk)
        .aggregate(
            departments=Count("pk", filter=Q(kind__in=[OrgKind.DEPARTMENT, OrgKind.DISPATCHED])),
            townships=Count("pk", filter=Q(kind__in=TOWNSHIP_KINDS)),
            stations=Count("pk", filter=Q(kind=OrgKind.STATION)),
        )
    )
    units = scoped(Unit.objects.filter(org__path__startswith=org.path), user, Cap.ORG_VIEW)
    counts = [
        ("部门/派驻组", agg["departments"]),
        ("乡镇（街道）", agg["townships"]),
        ("联络站", agg["stations"]),
    ]
    # Levels that do not exist under this kind of node (a township has no departments)
    # are left out rather than shown as zero.
    return [c for c in counts if c[1]] + [("被监督单位", units.count())]


def units_attached(org: Org, limit: int = 50) -> list[Unit]:
    """Units supervised directly by ``org`` (the caller has already checked ``org``)."""
    return list(Unit.objects.filter(org=org).order_by("sort_order", "name")[: limit + 1])


def move_targets(user: Any, org: Org) -> QuerySet[Org]:
    """Parents ``org`` may move under: managed by the user, of a kind that may hold it,
    outside its own subtree, active, and not its current parent (DOMAIN.md §1 nesting)."""
    kinds = [k for k, allowed in ALLOWED_CHILDREN.items() if org.kind in allowed]
    return (
        orgs_with(user, Cap.ORG_MANAGE)
        .filter(kind__in=kinds, is_active=True)
        .exclude(path__startswith=org.path)
        .exclude(pk=org.parent_id or 0)
        .order_by("path")
    )


def filter_org_choices(user: Any, cap: Cap) -> list[Org]:
    """Orgs for a "机构" filter select: the scope without village stations (a province has
    26k of them); a user who sees only stations gets those."""
    orgs = orgs_with(user, cap).filter(is_active=True).order_by("path")
    upper = list(orgs.exclude(kind=OrgKind.STATION)[:FILTER_ORG_LIMIT])
    return upper or list(orgs[:FILTER_ORG_LIMIT])


# --- 协作区 -------------------------------------------------------------------------------


def zones_visible_to(user: Any) -> QuerySet[CollaborationZone]:
    """Zones of a county the user sees, and zones one of the user's townships belongs to."""
    visible = orgs_with(user, Cap.ORG_VIEW).values("pk")
    through = CollaborationZone.members.through
    member_of = through.objects.filter(org_id__in=visible).values("collaborationzone_id")
    return (
        CollaborationZone.objects.filter(Q(county__in=visible) | Q(pk__in=member_of))
        .select_related("county", "lead_department")
        .order_by("county__path", "sort_order", "pk")
    )


def get_zone_for_user(user: Any, pk: int, *, write: bool = False) -> CollaborationZone:
    """One zone, or 404; writing needs ``org.manage`` on the zone's county."""
    zone = zones_visible_to(user).filter(pk=pk).first()
    if zone is None or (write and not covers(user, Cap.ORG_MANAGE, zone.county)):
        raise Http404
    return zone


def zone_counties(user: Any) -> list[Org]:
    """Counties on which the user may set up 协作区."""
    return list(orgs_with(user, Cap.ORG_MANAGE).filter(kind=OrgKind.COUNTY).order_by("path"))


def zone_lead_choices(county: Org) -> QuerySet[Org]:
    return Org.objects.filter(
        parent=county, kind__in=[OrgKind.DEPARTMENT, OrgKind.DISPATCHED], is_active=True
    ).order_by("sort_order", "code")


def zone_member_choices(county: Org) -> QuerySet[Org]:
    return Org.objects.filter(parent=county, kind__in=TOWNSHIP_KINDS, is_active=True).order_by(
        "sort_order", "code"
    )


# --- Supervised units ---------------------------------------------------------------------


def units_filtered(
    user: Any, *, org: Org | None = None, kind: str = "", q: str = ""
) -> QuerySet[Unit]:
    """Units in scope, optionally within ``org``'s subtree, of ``kind``, matching ``q``."""
    qs = units_visible_to(user)
    if org is not None:
        qs = qs.filter(org__path__startswith=org.path)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q))
    return qs.order_by("org__path", "sort_order", "name", "pk")


# --- Staffing (人员配备) -------------------------------------------------------------------

# Expected holders of a post that has no StaffPost row yet. Local practice, so a setting
# (QINGFENG_DEFAULT_POST_QUOTAS) may override it: DOMAIN.md §1 — a township commission
# usually has a secretary, a deputy and a full-time officer; every village station has a
# head, a 村纪检委员 and an 信息员/联络员.
DEFAULT_POST_QUOTAS: dict[str, int] = {
    PostKind.SECRETARY: 1,
    PostKind.DEPUTY: 1,
    PostKind.OFFICER: 1,
    PostKind.SUPERVISION_OFFICE: 0,
    PostKind.STATION_HEAD: 1,
    PostKind.VILLAGE_MEMBER: 1,
    PostKind.INFORMANT: 1,
}


def post_label(kind: str) -> str:
    return str(PostKind(kind).label)


def default_quota(kind: str) -> int:
    quotas: dict[str, int] = getattr(settings, "QINGFENG_DEFAULT_POST_QUOTAS", DEFAULT_POST_QUOTAS)
    return int(quotas.get(kind, DEFAULT_POST_QUOTAS.get(kind, 0)))


@dataclass
class StaffingCell:
    kind: str
    label: str
    quota: int = 0
    held: int = 0
    vacant: int = 0
    short_stations: int | None = None  # station posts: stations below their quota

    def add(self, other: StaffingCell) -> None:
        self.quota += other.quota
        self.held += other.held
        self.vacant += other.vacant
        if self.short_stations is not None and other.short_stations is not None:
            self.short_stations += other.short_stations


@dataclass
class StaffingRow:
    org: Org | None  # None on the totals row
    name: str
    county: str
    stations: int = 0
    cells: list[StaffingCell] = field(default_factory=list)

    @property
    def vacant(self) -> int:
        return sum(c.vacant for c in self.cells)


def staffing_columns() -> list[StaffingCell]:
    """Empty cells in column order: township posts, then station posts (summed)."""
    return [StaffingCell(k, post_label(k)) for k in TOWNSHIP_POSTS] + [
        StaffingCell(k, post_label(k), short_stations=0) for k in STATION_POSTS
    ]


def staffing_table(user: Any, *, root: Org | None = None) -> tuple[list[StaffingRow], StaffingRow]:
    """Per township in scope: quota (应配), holders (实配) and vacancies (缺配) of each post,
    its stations' posts summed with the number of stations short of each; plus totals.

    Vacancies are counted per org (one org's surplus never fills another's gap). A post
    without a StaffPost row counts at ``default_quota``. Three queries in all, grouped,
    whatever the number of townships.
    """
    total = StaffingRow(org=None, name="合计", county="", cells=staffing_columns())
    scope = org_scope_q(user, Cap.STAFFING_VIEW)
    if scope is None:
        return [], total
    townships = Org.objects.filter(scope, kind__in=TOWNSHIP_KINDS, is_active=True)
    if root is not None:
        townships = townships.filter(path__startswith=root.path)
    town_list = list(
        townships.select_related("parent").order_by(
            "parent__sort_order", "parent__code", "sort_order", "code"
        )
    )
    if not town_list:
        return [], total
    town_ids = townships.values("pk")
    stations = Org.objects.filter(scope, kind=OrgKind.STATION, is_active=True, parent__in=town_ids)
    station_counts: dict[int, int] = dict(
        stations.order_by()
        .values("parent_id")
        .annotate(n=Count("pk"))
        .values_list("parent_id", "n")
    )
    posts = (
        StaffPost.objects.filter(Q(org__in=town_ids) | Q(org__in=stations.values("pk")))
        .annotate(held=_count(PostHolder.objects.filter(post=OuterRef("pk"))))
        .values_list("org_id", "org__parent_id", "org__kind", "kind", "quota", "held")
    )
    town_posts: dict[tuple[int, str], tuple[int, int]] = {}
    station_posts: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for org_id, parent_id, org_kind, kind, quota, held in posts:
        if org_kind == OrgKind.STATION and parent_id is not None:
            station_posts.setdefault((parent_id, kind), []).append((quota, held))
        else:
            town_posts[(org_id, kind)] = (quota, held)
    rows: list[StaffingRow] = []
    for town in town_list:
        n_stations = station_counts.get(town.pk, 0)
        row = StaffingRow(
            org=town,
            name=town.name,
            county=town.parent.name if town.parent else "",
            stations=n_stations,
        )
        for kind in TOWNSHIP_POSTS:
            quota, held = town_posts.get((town.pk, kind), (default_quota(kind), 0))
            row.cells.append(
                StaffingCell(kind, post_label(kind), quota, held, max(quota - held, 0))
            )
        for kind in STATION_POSTS:
            got = station_posts.get((town.pk, kind), [])
            unset = n_stations - len(got)  # stations with no row: default quota, no holder
            dflt = default_quota(kind)
            row.cells.append(
                StaffingCell(
                    kind,
                    post_label(kind),
                    quota=sum(q for q, _ in got) + unset * dflt,
                    held=sum(h for _, h in got),
                    vacant=sum(max(q - h, 0) for q, h in got) + unset * dflt,
                    short_stations=sum(1 for q, h in got if h < q) + (unset if dflt else 0),
                )
            )
        rows.append(row)
        total.stations += n_stations
        for t_cell, cell in zip(total.cells, row.cells, strict=True):
            t_cell.add(cell)
    return rows, total


def holders_visible_to(user: Any, cap: Cap = Cap.STAFFING_VIEW) -> QuerySet[PostHolder]:
    """Post holders of orgs under the user's staffing scope."""
    qs = PostHolder.objects.select_related("post", "post__org", "post__org__parent", "user")
    return scoped(qs, user, cap, field="post__org")


def roster(
    user: Any, *, kind: str = "", org: Org | None = None, q: str = ""
) -> QuerySet[PostHolder]:
    """The roster (花名册) of post holders in scope: 信息员, 村纪检委员, 站长, secretaries…"""
    qs = holders_visible_to(user)
    if kind:
        qs = qs.filter(post__kind=kind)
    if org is not None:
        qs = qs.filter(post__org__path__startswith=org.path)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(phone__icontains=q))
    return qs.order_by("post__org__path", "post__kind", "name", "pk")


def get_holder_for_user(user: Any, pk: int, *, write: bool = False) -> PostHolder:
    cap = Cap.STAFFING_MANAGE if write else Cap.STAFFING_VIEW
    holder = holders_visible_to(user, cap).filter(pk=pk).first()
    if holder is None:
        raise Http404
    return holder


def get_staffing_org_for_user(user: Any, pk: int, *, write: bool = False) -> Org:
    """An org that carries posts (township, street or station) in the staffing scope."""
    org = Org.objects.select_related("parent").filter(pk=pk).first()
    cap = Cap.STAFFING_MANAGE if write else Cap.STAFFING_VIEW
    if org is None or org.kind not in POSTS_BY_ORG_KIND or not covers(user, cap, org):
        raise Http404
    return org


@dataclass
class PostLine:
    kind: str
    label: str
    quota: int
    holders: list[PostHolder]
    configured: bool  # a StaffPost row exists (else the default quota applies)

    @property
    def vacant(self) -> int:
        return max(self.quota - len(self.holders), 0)


def org_post_lines(orgs: list[Org]) -> dict[int, list[PostLine]]:
    """Each org's posts with quota and holders, in post order (two queries for any number)."""
    if not orgs:
        return {}
    posts: dict[tuple[int, str], StaffPost] = {
        (p.org_id, p.kind): p
        for p in StaffPost.objects.filter(org__in=orgs).prefetch_related("holders")
    }
    out: dict[int, list[PostLine]] = {}
    for org in orgs:
        lines = []
        for kind in POSTS_BY_ORG_KIND.get(org.kind, ()):
            post = posts.get((org.pk, kind))
            holders = (
                sorted(post.holders.all(), key=lambda h: (h.started_on is None, h.pk))
                if post
                else []
            )
            quota = post.quota if post else default_quota(kind)
            lines.append(PostLine(kind, post_label(kind), quota, holders, post is not None))
        out[org.pk] = lines
    return out


def township_stations(user: Any, township: Org) -> list[Org]:
    """The township's stations in the staffing scope."""
    scope = org_scope_q(user, Cap.STAFFING_VIEW)
    if scope is None:
        return []
    return list(
        Org.objects.filter(scope, parent=township, kind=OrgKind.STATION).order_by(
            "sort_order", "code"
        )
    )
