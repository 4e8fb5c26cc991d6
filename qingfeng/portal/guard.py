"""Flood and replay guards of the public portal: proof of work, one-time tokens, rate limits.

- Proof of work: an ALTCHA (v1) challenge — find ``n <= max_number`` with
  ``SHA-256(salt + n) == challenge`` — signed with an HMAC key derived from SECRET_KEY.
  A solved challenge's salt is remembered in the cache until it expires, so one solution
  buys one submission: that is also the replayed-submission guard.
- Form token: each rendered report form carries a signed one-time nonce.
- Rate limits per client and hour in Django's cache. The client is known only as an
  HMAC of its address under SECRET_KEY and the current hour: the address itself is never
  stored, and the keys of two different hours cannot be linked (DESIGN.md §3: "No IP
  address of a public reporter is stored").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import time
from typing import Any

from altcha.v1 import ChallengeOptions, Payload, create_challenge, verify_solution
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest

CHALLENGE_TTL = 2 * 60 * 60  # a phone user may take a while to write the report
FORM_TOKEN_SALT = "qingfeng.portal.form"  # noqa: S105 (a signing namespace, not a secret)

SUBMIT = "submit"
CODE = "code"
MESSAGE = "message"

RATE_MESSAGES = {
    SUBMIT: "提交过于频繁，请一小时后再试。如情况紧急，请拨打 12388 举报电话。",
    CODE: "查询码尝试次数过多，请一小时后再试。",
    MESSAGE: "留言过于频繁，请一小时后再试。",
}


class RateLimited(Exception):
    """The client used up its hourly allowance (answered with HTTP 429)."""

    def __init__(self, bucket: str) -> None:
        super().__init__(RATE_MESSAGES[bucket])
        self.bucket = bucket
        self.message = RATE_MESSAGES[bucket]


class ChallengeFailed(Exception):
    """A missing, wrong, expired or already used proof of work (or form token)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# -- proof of work ----------------------------------------------------------------------


def _hmac_key() -> bytes:
    return hmac.new(
        settings.SECRET_KEY.encode(), b"qingfeng.portal.altcha", hashlib.sha256
    ).digest()


def new_challenge() -> dict[str, Any]:
    """A fresh challenge as the ALTCHA JSON (algorithm, challenge, maxNumber, salt, signature)."""
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=CHALLENGE_TTL)
    challenge = create_challenge(
        ChallengeOptions(
            hmac_key=_hmac_key(),
            max_number=settings.PORTAL_CHALLENGE_MAX_NUMBER,
            expires=expires,
        )
    )
    return dict(challenge.to_dict())


def solve(challenge: dict[str, Any]) -> str:
    """Solve ``challenge`` in Python and return the payload the form posts (tests, scripts)."""
    for n in range(int(challenge["maxNumber"]) + 1):
        digest = hashlib.sha256(f"{challenge['salt']}{n}".encode()).hexdigest()
        if digest == challenge["challenge"]:
            return Payload(
                "SHA-256", challenge["challenge"], n, challenge["salt"], challenge["signature"]
            ).to_base64()
    raise ValueError("unsolvable challenge")


def check_solution(payload: str) -> None:
    """Accept a solved challenge once; raise ``ChallengeFailed`` otherwise."""
    payload = (payload or "").strip()
    if not payload or len(payload) > 2000:
        raise ChallengeFailed("人机验证未完成：请等待页面显示“验证完成”后再提交")
    try:
        ok, _error = verify_solution(payload, _hmac_key(), check_expires=True)
        salt = str(Payload.from_base64(payload).salt) if ok else ""
    except (ValueError, TypeError, KeyError):
        ok, salt = False, ""
    if not ok:
        raise ChallengeFailed("人机验证未通过或已过期，请重新提交")
    # cache.add is atomic: only the first submission with this salt gets through.
    if not cache.add(f"portal:pow:{hashlib.sha256(salt.encode()).hexdigest()}", 1, CHALLENGE_TTL):
        raise ChallengeFailed("该表单已经提交过，请勿重复提交。如需再次反映，请重新填写。")


# -- one-time form token ----------------------------------------------------------------


def new_form_token() -> str:
    return signing.dumps(secrets.token_hex(16), salt=FORM_TOKEN_SALT)


def use_form_token(token: str) -> None:
    """Accept a form token once, within its lifetime; raise ``ChallengeFailed`` otherwise."""
    try:
        nonce = signing.loads(token or "", salt=FORM_TOKEN_SALT, max_age=CHALLENGE_TTL)
    except signing.BadSignature:
        raise ChallengeFailed("表单已过期，请重新提交") from None
    if not cache.add(f"portal:form:{nonce}", 1, CHALLENGE_TTL):
        raise ChallengeFailed("该表单已经提交过，请勿重复提交。如需再次反映，请重新填写。")


# -- rate limits ------------------------------------------------------------------------


def _limit(bucket: str) -> int:
    if bucket == SUBMIT:
        return int(settings.PORTAL_SUBMISSIONS_PER_HOUR)
    if bucket == CODE:
        return int(settings.PORTAL_CODE_TRIES_PER_HOUR)
    return int(settings.PORTAL_SUBMISSIONS_PER_HOUR) * 4


def client_address(request: HttpRequest) -> str:
    """The client's address: from the header the trusted reverse proxy sets
    (``PORTAL_CLIENT_IP_HEADER``, e.g. ``HTTP_X_REAL_IP``) or the socket peer."""
    header = settings.PORTAL_CLIENT_IP_HEADER
    if header and request.META.get(header):
        return str(request.META[header]).split(",")[0].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def _client_key(request: HttpRequest, bucket: str) -> str:
    """A per-hour pseudonym of the client: HMAC(SECRET_KEY, hour + address), truncated."""
    hour = int(time.time()) // 3600
    address = client_address(request)
    mac = hmac.new(
        settings.SECRET_KEY.encode(), f"{hour}|{address}".encode(), hashlib.sha256
    ).hexdigest()[:24]
    return f"portal:rl:{bucket}:{hour}:{mac}"


def check_rate(request: HttpRequest, bucket: str) -> None:
    """Raise ``RateLimited`` when the client has used up this hour's allowance."""
    if int(cache.get(_client_key(request, bucket), 0)) >= _limit(bucket):
        raise RateLimited(bucket)


def count(request: HttpRequest, bucket: str) -> None:
    """Count one use (a submission, a wrong code, a message) against the client."""
    key = _client_key(request, bucket)
    if cache.add(key, 1, 3600):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, 3600)
