"""Forms of the 复议复查（复审复核） and 留党察看 steps on the case file (DOMAIN.md §4 "Appeals",
§5 留党察看).

Rules live in ``appeals`` and ``probation``: fields are optional here so that the service's
own Chinese message names the field; the field names are the keys those services use in
their ``ValidationError``, so a refusal lands next to the field and the input stays. The
choices offered depend on the sanction only, never on who is asking — whether the user may
act is the service's to say (403).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from qingfeng.accounts.models import RoleGrant, User
from qingfeng.accounts.roles import ROLE_DEFINITIONS, Cap
from qingfeng.cases.case_forms import RequiredTogether
from qingfeng.cases.forms import CHOOSE, UsersChoiceField, _date_widget, _text
from qingfeng.cases.models import (
    Appeal,
    AppealKind,
    AppealOutcome,
    AppealStatus,
    Case,
    ProbationResult,
    Sanction,
)
from qingfeng.cases.outcomes import Outcome
from qingfeng.cases.sanctions import (
    GOV_SANCTIONS,
    GOV_SANCTIONS_BY_SEVERITY,
    PARTY_SANCTIONS,
    PARTY_SANCTIONS_BY_SEVERITY,
    check_sanction_allowed,
)
from qingfeng.core.forms import StyledForm

# Roles whose holders may sit on an appeal (``appeals.assign_appeal_reviewers``: case.handle
# or case.review on the appeal's body); the system administrator is not case staff.
_REVIEWER_ROLES = tuple(
    code
    for code, (_name, caps, _order) in ROLE_DEFINITIONS.items()
    if caps & {Cap.CASE_HANDLE, Cap.CASE_REVIEW} and code != "sysadmin"
)


def appeal_kinds(sanction: Sanction, appeals: Iterable[Appeal]) -> list[str]:
    """The kinds of appeal a sanction admits (DOMAIN.md §4): 复议复查 against a 党纪处分;
    复审 against a 政务处分, then 复核 once a 复审 has been decided."""
    outcome = Outcome(sanction.outcome)
    if outcome in PARTY_SANCTIONS:
        return [AppealKind.PARTY]
    if outcome not in GOV_SANCTIONS:
        return []
    reviewed = any(
        a.kind == AppealKind.GOV_REVIEW and a.status == AppealStatus.DECIDED for a in appeals
    )
    return [AppealKind.GOV_REVIEW, *([AppealKind.GOV_RECHECK] if reviewed else [])]


def lighter_outcomes(sanction: Sanction, case: Case) -> list[tuple[str, str]]:
    """What an appeal may change ``sanction`` into: a lighter sanction of the same kind that
    the person may be given (申诉不加重, DOMAIN.md §5); never 留党察看, which needs a new
    decision (``appeals.propose_appeal_decision``)."""
    outcome = Outcome(sanction.outcome)
    order = PARTY_SANCTIONS_BY_SEVERITY if outcome in PARTY_SANCTIONS else GOV_SANCTIONS_BY_SEVERITY
    if outcome not in order:
        return []
    out: list[tuple[str, str]] = []
    for lighter in order[: order.index(outcome)]:
        if lighter == Outcome.PARTY_PROBATION:
            continue
        try:
            check_sanction_allowed(
                lighter,
                is_village_cadre=case.is_village_cadre,
                is_party_member=case.is_party_member,
            )
        except ValidationError:
            continue
        out.append((lighter.value, str(lighter.label)))
    return out


def appeal_reviewer_candidates(appeal: Appeal, excluded: Iterable[int]) -> QuerySet[User]:
    """Users offered as reviewers of ``appeal``: active users holding case.handle or
    case.review on its body (a grant on the body, or on a body above it with its subtree),
    minus ``excluded`` — everyone on the original case (DOMAIN.md §4: 复议复查 by people not
    on the original case; ``appeals.assign_appeal_reviewers`` re-checks both)."""
    org = appeal.org
    above = [int(pk) for pk in org.path.strip("/").split("/") if pk]
    grants = RoleGrant.objects.filter(role_id__in=_REVIEWER_ROLES, org__is_active=True).filter(
        Q(org_id=org.pk) | Q(org_id__in=above, include_subtree=True)
    )
    return (
        User.objects.filter(is_active=True, pk__in=grants.values("user_id"))
        .exclude(pk__in=list(excluded))
        .order_by("org_id", "full_name", "pk")
    )


class AppealFileForm(RequiredTogether):
    """复议复查（复审复核）申请 against one sanction (``appeals.file_appeal``)."""

    kind = forms.ChoiceField(label="申请类别", required=False, choices=[CHOOSE])
    received_on = forms.DateField(label="收到处分决定日期", required=False, widget=_date_widget())
    applied_on = forms.DateField(label="申请日期", required=False, widget=_date_widget())
    reason = _text("申请理由", rows=3)

    REQUIRED = {
        "kind": "请选择复议复查（复审复核）类别",
        "received_on": "请填写收到处分决定日期",
        "applied_on": "请填写申请日期",
        "reason": "请填写申请理由",
    }

    def __init__(self, *args: Any, kinds: Iterable[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kinds = list(kinds)
        kind.choices = [CHOOSE, *[(k, AppealKind(k).label) for k in kinds]]
        if not self.is_bound and len(kinds) == 1:
            self.initial.setdefault("kind", kinds[0])
        self.fields["received_on"].help_text = "受处分人收到处分决定（复核：复审决定）的日期"


class AppealReviewersForm(StyledForm):
    """复查人员 of one appeal (``appeals.assign_appeal_reviewers``): at least two, none of
    them on the original case."""

    reviewers = UsersChoiceField(
        label="复查人员",
        required=False,
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, candidates: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reviewers"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = candidates
        field.widget.attrs["class"] = "form-check-input"
        field.help_text = "至少2人；参与过原案件办理（审查调查、审理、呈批签批）的人员不得参加"


class AppealDecisionForm(RequiredTogether):
    """The reviewers' 复查决定 for the body's approval (``appeals.propose_appeal_decision``)."""

    outcome = forms.ChoiceField(
        label="复查结论", required=False, choices=[CHOOSE, *AppealOutcome.choices]
    )
    new_outcome = forms.ChoiceField(label="变更后的处分", required=False, choices=[CHOOSE])
    decision_text = _text("复查决定", rows=5)

    REQUIRED = {"outcome": "请选择复查结论", "decision_text": "请填写复查决定"}

    def __init__(self, *args: Any, sanction: Sanction, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["new_outcome"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "（不适用）"), *lighter_outcomes(sanction, case)]
        field.help_text = "仅变更处分时选择；只能变更为较轻的同类处分"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        changed = data.get("outcome") == AppealOutcome.CHANGED
        if changed and not data.get("new_outcome") and "new_outcome" not in self.errors:
            self.add_error("new_outcome", "请选择变更后的处分")
        return data


class ProbationForm(RequiredTogether):
    """察看期满处理 of a 留党察看 (``probation.conclude_probation``)."""

    result = forms.ChoiceField(label="处理", required=False, choices=[CHOOSE])
    decided_on = forms.DateField(label="决定日期", required=False, widget=_date_widget())
    note = _text("处理意见", rows=3)

    REQUIRED = {
        "result": "请选择察看期满的处理",
        "decided_on": "请填写决定日期",
        "note": "请填写处理意见",
    }

    def __init__(self, *args: Any, sanction: Sanction, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        results = [ProbationResult.RESTORED]
        if sanction.probation_years == 1 and not sanction.probation_extended:
            # DOMAIN.md §5: a one-year term may be extended once by one year.
            results.append(ProbationResult.EXTENDED)
        field = self.fields["result"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [CHOOSE, *[(r.value, r.label) for r in results]]
