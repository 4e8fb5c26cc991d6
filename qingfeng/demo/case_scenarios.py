"""The scenarios of the demo county's cases: where each case stops, with which outcomes,
and the calendar gaps between its moves (``demo.cases`` runs them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qingfeng.cases import case_clocks
from qingfeng.cases.models import CaseClockKind, MeasureKind
from qingfeng.cases.outcomes import Outcome
from qingfeng.cases.sanctions import ANNOUNCE_MONTHS, EXECUTION_REPORT_MONTHS, POST_AND_PAY_MONTHS
from qingfeng.demo import case_texts as texts

P, M = Outcome, MeasureKind
K = CaseClockKind
CLOCK_MONTHS: dict[str, int] = {
    K.INVESTIGATION: case_clocks.INVESTIGATION_MONTHS,
    K.DETENTION: case_clocks.DETENTION_MONTHS,
    K.REVIEW: case_clocks.REVIEW_MONTHS,
    K.ANNOUNCE: ANNOUNCE_MONTHS,
    K.POST_AND_PAY: POST_AND_PAY_MONTHS,
    K.EXECUTION_REPORT: EXECUTION_REPORT_MONTHS,
    K.RECOMMENDATION_REPLY: case_clocks.RECOMMENDATION_REPLY_MONTHS,
}


@dataclass(frozen=True)
class CaseScenario:
    """Moves of a case and where they fall. ``approve`` is one signature per step of the
    approval just submitted, ``half`` all but the last. ``end``: ``recent`` / ``past`` /
    ``aged`` (a day range) or ``overdue`` / ``soon`` / ``running`` for ``clock``, started by
    the last signature of the last ``anchor`` move (the last move when no anchor)."""

    moves: tuple[tuple[str, Any], ...]
    end: str
    anchor: str = ""
    clock: str = ""
    person: str = "any"  # "village", "official" or "any" (always a Party member)
    posts: frozenset[str] = frozenset()  # only persons in these posts (none: any post)
    joint: bool = False  # 纪委立案审查 and 监委立案调查
    outcomes: tuple[str, ...] = (P.PARTY_WARNING,)
    probation: int | None = None


A, H = ("approve", None), ("half", None)
_FILED = (("file", None), A, ("team", None))
_T_MEASURES = (("measure", M.TALK), A, ("measure", M.COLLECT), A)
_C_MEASURES = (("measure", M.QUESTION), A, ("measure", M.INQUIRY), A)
_REVIEW = (("report", None), A, ("assign", None), ("talk", None))
_T_REVIEW = (*_FILED, *_T_MEASURES, *_REVIEW)
_C_REVIEW = (*_FILED, *_C_MEASURES, *_REVIEW)
_DONE = (("review", None), A, ("decide", None), A)
_CLOSE = (("announce", None), ("execute", None), ("close", None))
# 组织处理: the decision's 纪检监察建议书 is answered before 结案 (``decisions.close_case``).
_REPLIED_CLOSE = (("announce", None), ("rreply", None), ("execute", None), ("close", None))
S = CaseScenario
_SERIOUS = P.PARTY_SERIOUS_WARNING
TOWNSHIP_CASES: dict[str, CaseScenario] = {
    "filing": S((("file", None), H), "recent"),
    "investigating": S((*_FILED, ("measure", M.TALK), A, ("measure", M.INQUIRY)), "recent"),
    "extended": S((*_FILED, *_T_MEASURES, ("extend", 3), A), "aged", anchor="file"),
    "report_pending": S((*_FILED, *_T_MEASURES, ("report", None)), "recent"),
    "review_overdue": S(_T_REVIEW, "overdue", "report", K.REVIEW, outcomes=(_SERIOUS,)),
    "returned": S((*_FILED, ("measure", M.COLLECT), A, ("report", None), A, ("assign", None),
                   ("return", None), ("measure", M.QUESTION), A, ("report", None), A,
                   ("assign", None)), "soon", "report", K.REVIEW),
    "review_pending": S((*_T_REVIEW, ("review", None)), "recent", outcomes=(_SERIOUS,)),
    "reviewed": S((*_T_REVIEW, ("review", None), A), "recent"),
    "probation_pending": S((*_T_REVIEW, ("review", None), A, ("decide", None), H), "recent",
                           outcomes=(P.PARTY_PROBATION,), probation=1),
    "to_announce": S((*_T_REVIEW, *_DONE), "soon", "decide", K.ANNOUNCE),
    "probation_executed": S((*_T_REVIEW, *_DONE, *_CLOSE[:2]), "recent",
                            outcomes=(P.PARTY_PROBATION,), probation=2),
    "demerit_executing": S((*_T_REVIEW, *_DONE, ("announce", None)), "soon", "decide",
                           K.EXECUTION_REPORT, person="village", joint=True,
                           outcomes=(P.PARTY_SERIOUS_WARNING, P.GOV_DEMERIT)),
    "warning_closed": S((*_T_REVIEW, *_DONE, *_CLOSE), "past", person="village", joint=True,
                        outcomes=(P.PARTY_WARNING, P.GOV_WARNING)),
    "serious_closed": S((*_T_REVIEW, *_DONE, *_CLOSE), "past", outcomes=(_SERIOUS,)),
    "reassignment_awaiting": S((*_T_REVIEW, *_DONE, ("announce", None)), "soon", "decide",
                               K.RECOMMENDATION_REPLY, person="village",
                               outcomes=(P.PARTY_WARNING, P.ORG_REASSIGNMENT)),
}  # fmt: skip
_DISMISSAL = (P.PARTY_POST_REMOVAL, P.GOV_DISMISSAL)
COUNTY_CASES: dict[str, CaseScenario] = {
    "filing": S((("file", None), H), "recent", joint=True),
    "investigating": S((*_FILED, ("measure", M.QUESTION), A, ("measure", M.FREEZE), H),
                       "recent", person="official", joint=True),
    "report_pending": S((*_FILED, *_C_MEASURES, ("report", None), H), "recent"),
    "in_review": S(_C_REVIEW, "running", "report", K.REVIEW, outcomes=(_SERIOUS,)),
    "review_pending": S((*_C_REVIEW, ("review", None), H), "recent"),
    "dismissal_pending": S((*_C_REVIEW, ("review", None), A, ("decide", None)), "recent",
                           person="official", joint=True, outcomes=_DISMISSAL),
    "dismissal_executing": S((*_C_REVIEW, *_DONE, ("announce", None)), "overdue", "decide",
                             K.POST_AND_PAY, person="official", joint=True, outcomes=_DISMISSAL),
    "demerit_closed": S((*_C_REVIEW, *_DONE, *_CLOSE), "past", person="official", joint=True,
                        outcomes=(P.PARTY_SERIOUS_WARNING, P.GOV_DEMERIT)),
    "removal_closed": S((*_C_REVIEW, *_DONE, *_REPLIED_CLOSE), "past", person="official",
                        posts=texts.COUNTY_MANAGED_POSTS,
                        outcomes=(P.PARTY_SERIOUS_WARNING, P.ORG_REMOVAL)),
}  # fmt: skip

# Calendar days between a move and the one before it.
GAPS: dict[str, tuple[int, int]] = {
    "register": (0, 0), "propose": (1, 10), "verify": (2, 7), "vreport": (20, 50),
    "sign": (0, 3), "file": (3, 15), "team": (0, 3), "measure": (3, 20), "extend": (180, 230),
    "report": (25, 70), "assign": (1, 4), "talk": (3, 10), "return": (4, 12),
    "review": (4, 12), "decide": (2, 8), "announce": (2, 12), "rreply": (5, 14),
    "execute": (15, 50), "close": (3, 15),
}  # fmt: skip
LEAD_MOVES = ("register", "propose", "verify", "vreport")
