"""Who signs a 呈批: each body's configured chain, or the default for its kind.

DOMAIN.md §3 ("集体研究、报批") and issue examples: a township 纪委's leads are approved by
its 纪委书记; a county's by the handling 室主任 and then the 分管委领导; a talk plan for the
head of a lower Party committee by the commission's head. ``ChainStep`` rows override the
defaults per body and matter (``services.set_chain``).
"""

from __future__ import annotations

from dataclasses import dataclass

from qingfeng.approvals.models import ChainStep, Matter, Relation
from qingfeng.orgs.models import Org, OrgKind

TOWNSHIP_KINDS = (OrgKind.TOWNSHIP, OrgKind.STREET)
UPPER_KINDS = (OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY)
BODY_KINDS = (*UPPER_KINDS, *TOWNSHIP_KINDS)

# Roles that may appear in a chain, with their Chinese names (a subset of accounts.roles).
SIGNING_ROLES: dict[str, str] = {
    "township_secretary": "乡镇纪委书记",
    "dept_head": "室主任",
    "county_leader": "委领导",
    "party_secretary": "党委主要负责人",
}


@dataclass(frozen=True)
class StepSpec:
    role: str
    relation: str
    label: str


_SECRETARY = StepSpec("township_secretary", Relation.SELF, "纪委书记")
_DEPT_HEAD = StepSpec("dept_head", Relation.DEPT, "承办部门主要负责人")
_LEADER = StepSpec("county_leader", Relation.SELF, "分管委领导")
_HEAD = StepSpec("county_leader", Relation.SELF, "委主要负责人")
_SUPERVISION_HEAD = StepSpec("county_leader", Relation.SELF, "监委主要负责人")
# The head of the same-level Party committee (乡镇党委书记 / 县委书记), DOMAIN.md §4 立案.
_PARTY_HEAD = StepSpec("party_secretary", Relation.SELF, "同级党委主要负责人")
# A township has no 监委: its 监察 matters go to the county 监委 (DOMAIN.md §1, §4).
_COUNTY_SUPERVISION = StepSpec("county_leader", Relation.PARENT, "县监委主要负责人")
_UPPER = StepSpec("county_leader", Relation.PARENT, "上级机关负责人")

DEFAULT_CHAINS: dict[str, dict[str, tuple[StepSpec, ...]]] = {
    "township": {
        Matter.LEAD_DISPOSAL: (_SECRETARY,),
        Matter.ENQUIRY_PLAN: (_SECRETARY,),
        Matter.ENQUIRY_PLAN_HEAD: (_SECRETARY,),
        Matter.ENQUIRY_OUTCOME: (_SECRETARY,),
        Matter.VERIFICATION_REPORT: (_SECRETARY,),
        Matter.CASE_FILING_PARTY: (_SECRETARY, _PARTY_HEAD),
        Matter.CASE_FILING_SUPERVISION: (_SECRETARY, _COUNTY_SUPERVISION),
        Matter.CASE_FILING_JOINT: (_SECRETARY, _PARTY_HEAD, _COUNTY_SUPERVISION),
        Matter.CASE_MEASURE: (_SECRETARY,),
        Matter.CASE_EXTENSION: (_SECRETARY, _UPPER),
        Matter.INVESTIGATION_REPORT: (_SECRETARY,),
        Matter.REVIEW_REPORT: (_SECRETARY,),
        Matter.APPEAL_DECISION: (_SECRETARY,),
    },
    "upper": {
        Matter.LEAD_DISPOSAL: (_DEPT_HEAD, _LEADER),
        Matter.ENQUIRY_PLAN: (_DEPT_HEAD,),
        Matter.ENQUIRY_PLAN_HEAD: (_DEPT_HEAD, _HEAD),
        Matter.ENQUIRY_OUTCOME: (_DEPT_HEAD, _LEADER),
        Matter.VERIFICATION_REPORT: (_DEPT_HEAD, _HEAD),
        Matter.CASE_FILING_PARTY: (_DEPT_HEAD, _HEAD, _PARTY_HEAD),
        Matter.CASE_FILING_SUPERVISION: (_DEPT_HEAD, _SUPERVISION_HEAD),
        Matter.CASE_FILING_JOINT: (_DEPT_HEAD, _HEAD, _PARTY_HEAD),
        Matter.CASE_MEASURE: (_DEPT_HEAD, _LEADER),
        Matter.CASE_DETENTION: (_DEPT_HEAD, _HEAD, _UPPER),
        Matter.CASE_EXTENSION: (_DEPT_HEAD, _HEAD, _UPPER),
        Matter.INVESTIGATION_REPORT: (_DEPT_HEAD, _LEADER),
        Matter.REVIEW_REPORT: (_DEPT_HEAD, _LEADER),
        Matter.APPEAL_DECISION: (_HEAD,),
    },
}


def matters_for(org: Org) -> list[Matter]:
    """The matters whose chain ``org`` may configure. A sanction decision is approved by the
    body holding the power (``cases.decisions``), never by a configured chain; 留置 is never
    a township matter (DOMAIN.md §4)."""
    family = "township" if org.kind in TOWNSHIP_KINDS else "upper"
    return [m for m in Matter if m in DEFAULT_CHAINS[family]]


def default_chain(org: Org, matter: str) -> tuple[StepSpec, ...]:
    family = "township" if org.kind in TOWNSHIP_KINDS else "upper"
    return DEFAULT_CHAINS[family][matter]


def chain_for(org: Org, matter: str) -> tuple[tuple[StepSpec, ...], bool]:
    """The steps of ``org``'s chain for ``matter`` and whether they are configured (not default)."""
    rows = list(ChainStep.objects.filter(org=org, matter=matter).order_by("order"))
    if rows:
        return tuple(StepSpec(r.role, r.relation, r.label) for r in rows), True
    return default_chain(org, matter), False


def resolve(spec: StepSpec, *, body: Org, dept: Org | None) -> Org | None:
    """The org whose ``spec.role`` holder signs, or None when the record lacks it."""
    if spec.relation == Relation.SELF:
        return body
    if spec.relation == Relation.DEPT:
        return dept
    parent = body.parent
    return parent if parent is not None and parent.kind in BODY_KINDS else None
