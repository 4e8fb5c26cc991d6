"""The scoped accessors of a lead's 谈话函询 and 初步核实: 404 outside scope, on the wrong
lead, or when missing, alike (DESIGN.md §3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.http import Http404

from qingfeng.cases import handling
from qingfeng.cases.models import Way
from qingfeng.cases.selectors import get_enquiry_for_user, get_verification_for_user
from qingfeng.cases.tests.conftest import approve_all, make_lead, propose

pytestmark = pytest.mark.django_db


def test_enquiry_and_verification_accessors_follow_the_lead_scope(county):
    u = county.users
    officer, secretary = u["township_officer"], u["township_secretary"]
    talked = make_lead(officer, county.township_a)
    approve_all(propose(talked, officer, Way.ENQUIRY), secretary)
    enquiry = handling.start_enquiry(lead=talked, actor=officer, mode="talk", plan="谈话了解情况")
    checked = make_lead(officer, county.township_a, name="王五")
    approve_all(propose(checked, officer, Way.VERIFICATION), secretary)
    verification = handling.start_verification(
        lead=checked, actor=officer, leader=officer, team=[], plan="调取低保档案",
        started_on=dt.date(2026, 11, 2),
    )  # fmt: skip

    assert get_enquiry_for_user(officer, enquiry.pk, lead_pk=talked.pk, write=True) == enquiry
    assert get_verification_for_user(secretary, verification.pk, write=True) == verification
    assert get_enquiry_for_user(u["county_leader"], enquiry.pk) == enquiry  # view only
    denied: list[Callable[[], object]] = [
        lambda: get_enquiry_for_user(u["other_officer"], enquiry.pk),
        lambda: get_enquiry_for_user(u["county_leader"], enquiry.pk, write=True),
        lambda: get_enquiry_for_user(officer, enquiry.pk, lead_pk=checked.pk),
        lambda: get_enquiry_for_user(officer, enquiry.pk + 1000),
        lambda: get_verification_for_user(u["other_officer"], verification.pk),
        lambda: get_verification_for_user(officer, verification.pk, lead_pk=talked.pk),
    ]
    for attempt in denied:
        with pytest.raises(Http404):
            attempt()
