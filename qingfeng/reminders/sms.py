"""SMS gateways behind one small interface; ``settings.SMS_BACKEND`` picks the class.

The default ``FileBackend`` appends each message to ``settings.SMS_FILE_PATH`` (for the
embedded set-up and tests); a deployment plugs in its operator's gateway by subclassing
``BaseSmsBackend``. Callers send only fixed texts with counts — never a reporter's identity
or a report's content (DOMAIN.md §2 protection).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)
_file_lock = threading.Lock()


class BaseSmsBackend:
    """Send one text message to one phone number; raise on failure."""

    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError


class FileBackend(BaseSmsBackend):
    """Append ``<ISO time>\\t<phone>\\t<text>`` to ``settings.SMS_FILE_PATH``."""

    def send(self, phone: str, text: str) -> None:
        path = Path(settings.SMS_FILE_PATH)
        path.parent.mkdir(parents=True, exist_ok=True)
        line = f"{timezone.now().isoformat()}\t{phone}\t{_one_line(text)}\n"
        with _file_lock, path.open("a", encoding="utf-8") as fh:
            fh.write(line)


class ConsoleBackend(BaseSmsBackend):
    """Log the message (development)."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, _one_line(text))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def get_backend() -> BaseSmsBackend:
    """An instance of the class named by ``settings.SMS_BACKEND``."""
    cls = import_string(settings.SMS_BACKEND)
    backend: BaseSmsBackend = cls()
    return backend
