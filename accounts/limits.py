"""Login codes cannot be guessed, and cannot run up the bill (RELIABILITY B1, B3, B6).

- A code is issued only when it is sent: past a cap, the visitor gets "too many codes
  today" (HTTP 429) and no code exists to guess.
- Wrong codes are counted per number (or email) and per client address, per day. Past
  LOGIN_CODE_MAX_WRONG_PER_NUMBER, that number gets no code login until the next day and its
  family is told once; past LOGIN_CODE_MAX_WRONG_PER_IP, that address checks no more codes.
- Numbers nobody registered are counted the same way, so the answers never tell which
  numbers have an account (B4).

Counters live in the cache (Redis in production), so every process sees the same counts.
The day is the portal's local day (TIME_ZONE).
"""

import ipaddress
import logging

from allauth.account.adapter import get_adapter
from allauth.core.exceptions import RateLimited
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.translation import gettext

log = logging.getLogger("portal.auth")

PAUSED_NOTICE = "sign_in_paused"  # the outbox kind of the family's notice
KEEP_SECONDS = 2 * 24 * 3600  # a key names its day; it is kept a little longer


class CodesPausedToday(RateLimited):
    """No more codes today for this number or this address: answered with the
    "too many codes today" page (portal.views.too_many_requests)."""


def _hash(value: str) -> str:
    from accounts.adapter import fingerprint

    return fingerprint(value)


def _day() -> str:
    return f"{timezone.localdate():%Y%m%d}"


def client_address(request) -> str:
    """The visitor's address, as allauth's own limits see it (behind TRUSTED_PROXY_COUNT
    proxies); an IPv6 address counts by its /64, which one home or phone holds whole."""
    address = get_adapter().get_client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return address


def _count(key: str, ttl: int = KEEP_SECONDS) -> int:
    cache.add(key, 0, ttl)
    return cache.incr(key)


def _wrong_keys(request, login: str) -> tuple[str, str]:
    day = _day()
    return (
        f"codes:wrong:login:{_hash(login)}:{day}",
        f"codes:wrong:ip:{_hash(client_address(request))}:{day}",
    )


def refuse_if_paused(request, login: str) -> None:
    """Before a code is sent or checked: raise CodesPausedToday once the number (or email)
    or the address had too many wrong codes today."""
    by_login, by_address = _wrong_keys(request, login)
    if (cache.get(by_login) or 0) >= settings.LOGIN_CODE_MAX_WRONG_PER_NUMBER or (
        cache.get(by_address) or 0
    ) >= settings.LOGIN_CODE_MAX_WRONG_PER_IP:
        log.info("auth.code_refused reason=paused who=%s", _hash(login))
        raise CodesPausedToday


def record_wrong_code(request, login: str) -> None:
    by_login, by_address = _wrong_keys(request, login)
    # INCR is atomic: exactly one request sees the count reach the limit, so the family is
    # told once even when guesses arrive together.
    if _count(by_login) == settings.LOGIN_CODE_MAX_WRONG_PER_NUMBER:
        log.warning("auth.code_login_paused who=%s", _hash(login))
        _tell_family(login)
    if _count(by_address) == settings.LOGIN_CODE_MAX_WRONG_PER_IP:
        log.warning("auth.code_login_paused address=%s", _hash(client_address(request)))


def count_code_sent(request, phone: str) -> None:
    """Cap what one number and one address can make us send (RELIABILITY B6). Called for
    unknown numbers too, which are sent nothing but must be answered the same way."""
    now = timezone.localtime()
    caps = [
        ("number", f"sms:n:{_hash(phone)}:{now:%Y%m%d}", settings.SMS_MAX_PER_NUMBER_PER_DAY),
        (
            "address",
            f"sms:ip:{_hash(client_address(request))}:{now:%Y%m%d%H}",
            settings.SMS_MAX_PER_IP_PER_HOUR,
        ),
    ]
    for name, key, limit in caps:
        if _count(key) > limit:
            log.warning("auth.sms_capped key=%s", name[0])
            raise CodesPausedToday


def _user_for(login: str):
    from accounts.models import User

    if "@" in login:
        return User.objects.filter(email__iexact=login, is_active=True).first()
    return User.objects.filter(phone=login, phone_verified=True, is_active=True).first()


def _tell_family(login: str) -> None:
    """Once a day at most: through the family's own channel, in its language."""
    from messaging import outbox

    family = getattr(_user_for(login), "family", None)
    recipient = outbox.resolve(f"family:{family.pk}") if family else None
    if recipient is None or not recipient.channels:
        return
    with translation.override(recipient.language):
        text = gettext(
            "Someone tried many wrong codes to sign in to your school portal account. "
            "Sign-in with a code is paused until tomorrow. If this was not you, talk to "
            "your school."
        )
        subject = gettext("A message from your school")
    outbox.enqueue(
        recipient=recipient,
        kind=PAUSED_NOTICE,
        key=f"{PAUSED_NOTICE}:family:{family.pk}:{_day()}",
        context={"text": text, "subject": subject},
    )
