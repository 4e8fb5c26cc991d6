from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import covers
from qingfeng.audit.models import AuditEvent
from qingfeng.orgs.models import Org

pytestmark = pytest.mark.django_db


def test_bootstrap_creates_root_and_admin():
    call_command(
        "bootstrap",
        org_name="清河县纪委监委",
        org_code="371500",
        username="root1",
        full_name="张三",
        password="Qf-strong-pass-2026",
    )
    root = Org.objects.get(code="371500")
    from qingfeng.accounts.models import User

    admin = User.objects.get(username="root1")
    assert root.path == f"/{root.pk}/"
    assert covers(admin, Cap.USER_MANAGE, root, subtree=True)
    assert AuditEvent.objects.filter(detail__startswith="新部署初始化").count() == 2
    with pytest.raises(CommandError):
        call_command(
            "bootstrap",
            org_name="x",
            org_code="x",
            username="root2",
            full_name="李四",
            password="Qf-strong-pass-2026",
        )


def test_bootstrap_rejects_weak_password():
    with pytest.raises(CommandError, match="密码不符合要求"):
        call_command(
            "bootstrap",
            org_name="清河县纪委监委",
            org_code="371500",
            username="root1",
            full_name="张三",
            password="123",
        )
    assert not Org.objects.exists()
