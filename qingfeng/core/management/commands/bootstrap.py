"""Create the root org and the first system administrator of a new deployment."""

from __future__ import annotations

import getpass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from qingfeng.accounts.models import Role, RoleGrant, User
from qingfeng.audit.models import Action
from qingfeng.audit.services import record
from qingfeng.orgs.models import Org, OrgKind


class Command(BaseCommand):
    help = "新部署初始化：创建顶级纪委监委机构和第一个系统管理员账号。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org-name", required=True, help="顶级机构名称，如 清河县纪委监委")
        parser.add_argument("--org-code", required=True, help="机构代码，如 371500")
        parser.add_argument(
            "--org-kind",
            default=OrgKind.COUNTY,
            choices=[OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY],
        )
        parser.add_argument("--username", required=True)
        parser.add_argument("--full-name", required=True)
        parser.add_argument("--password", help="不填则交互输入")

    def handle(self, *args: Any, **opts: Any) -> None:
        if Org.objects.filter(parent__isnull=True).exists():
            raise CommandError("已存在顶级机构；请在系统内管理机构和用户。")
        password = opts["password"] or getpass.getpass("密码：")
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError("密码不符合要求：" + "；".join(exc.messages)) from exc
        with transaction.atomic():
            org = Org.objects.create(
                name=opts["org_name"], code=opts["org_code"], kind=opts["org_kind"], path=""
            )
            org.path = f"/{org.pk}/"
            org.save(update_fields=["path"])
            user = User.objects.create_user(
                username=opts["username"],
                password=password,
                full_name=opts["full_name"],
                org=org,
            )
            RoleGrant.objects.create(
                user=user, role=Role.objects.get(code="sysadmin"), org=org, include_subtree=True
            )
            record(
                action=Action.CREATE,
                obj=org,
                org=org,
                actor_name="bootstrap",
                detail="新部署初始化：顶级机构",
            )
            record(
                action=Action.GRANT,
                obj=user,
                org=org,
                actor_name="bootstrap",
                detail="新部署初始化：授予系统管理员",
            )
        self.stdout.write(self.style.SUCCESS(f"已创建 {org.name} 和系统管理员 {user.username}。"))
