from __future__ import annotations

import datetime as dt
from typing import Any

from qingfeng.intake import services
from qingfeng.intake.identity import Identity
from qingfeng.intake.models import Channel, ReportClass

REPORTER = Identity(
    name="张举报",
    id_number="110101199003074514",
    phone="13812345678",
    unit="清河县第一中学",
    address="清河县东坝镇幸福路88号",
)


def report_input(**extra: Any) -> services.ReportInput:
    base: dict[str, Any] = dict(
        channel=Channel.LETTER,
        received_on=dt.date(2026, 2, 13),
        title="村支书优亲厚友",
        content="李庄村支书李建国把低保名额给了自己的亲戚。",
        subjects=[services.SubjectInput("李建国", "李庄村民委员会", "村党支部书记")],
        is_real_name=True,
        identity=REPORTER,
    )
    base.update(extra)
    return services.ReportInput(**base)


def accepted_report(officer: Any, org: Any, **extra: Any) -> Any:
    """A real-name 检举控告, registered and accepted by ``officer`` at ``org``."""
    report = services.register_report(actor=officer, org=org, data=report_input(**extra)).report
    services.classify(report=report, klass=ReportClass.ACCUSATION, actor=officer)
    services.accept(report=report, actor=officer)
    report.refresh_from_db()
    return report
