"""Writes of the reminders module: notices, SMS, read marks."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from qingfeng.reminders.models import Notice
from qingfeng.reminders.sms import get_backend

logger = logging.getLogger(__name__)


def notify(
    *,
    users: Iterable[Any],
    title: str,
    body: str,
    url: str = "",
    sms: bool = False,
    sms_text: str = "",
) -> list[Notice]:
    """Create one notice per user and, if ``sms``, text each user who has a phone number.

    The SMS (``sms_text``, or ``body`` when empty) is sent after the transaction commits,
    so a rolled-back notice never leaves a message behind; a failing gateway is logged and
    does not undo the notices. Callers must not put a reporter's identity or a report's
    content in any of these texts (DOMAIN.md §2 protection).
    """
    users = list(users)
    with transaction.atomic():
        notices = Notice.objects.bulk_create(
            Notice(user=u, title=title[:100], body=body, url=url[:300]) for u in users
        )
        if sms:
            phones = [u.phone for u in users if getattr(u, "phone", "")]
            text = sms_text or body
            if phones:
                transaction.on_commit(lambda: send_sms(phones=phones, text=text))
    return notices


def send_sms(*, phones: list[str], text: str) -> int:
    """Send ``text`` to each phone through the configured backend; returns how many went."""
    backend = get_backend()
    sent = 0
    for phone in phones:
        try:
            backend.send(phone, text)
        except Exception:  # a gateway error must not stop the other messages
            logger.exception("SMS to %s failed", phone[-4:].rjust(len(phone), "*"))
        else:
            sent += 1
    return sent


def mark_read(*, user: Any, notice_id: int) -> bool:
    """Mark one of the user's own notices read; False when it is not theirs (→ 404)."""
    updated = Notice.objects.filter(user=user, pk=notice_id, read_at=None).update(
        read_at=timezone.now()
    )
    return bool(updated) or Notice.objects.filter(user=user, pk=notice_id).exists()


def mark_all_read(*, user: Any) -> int:
    """Mark every unread notice of the user read; returns how many."""
    return Notice.objects.filter(user=user, read_at=None).update(read_at=timezone.now())
