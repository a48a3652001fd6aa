"""A ceiling on what texts and calls cost in a day, counted in the cache (Redis in
production, so every process shares it). RELIABILITY B6.

Texts and calls share one count: both are paid by the message, and one ceiling is easier to
set than two. What stops first is what an attacker can trigger without being a family:
  - CODE_TO_NEW_NUMBER (a code to a number not yet confirmed: sign-up, phone change) stops
    once SMS_DAILY_BUDGET texts and calls went out today;
  - USUAL (login codes to confirmed numbers, notices, confirmations) stops at
    SMS_DAILY_HARD_LIMIT; notices then wait for the next day;
  - MUST_GO (reminders, event changes and cancellations, security notices) always goes:
    the school's own news to its own families, bounded by the number of families.
The day is the portal's local day (TIME_ZONE).
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

log = logging.getLogger("portal.messaging")

CODE_TO_NEW_NUMBER = "code_to_new_number"
USUAL = "usual"
MUST_GO = "must_go"
PAID_CHANNELS = {"sms", "voice"}


def _key() -> str:
    # One key per local day: the count starts again at midnight without a task to reset it,
    # and yesterday's key expires by itself (spend() sets two days).
    return f"sms-budget:{timezone.localdate():%Y%m%d}"


def _limit(tier: str) -> int | None:
    if tier == CODE_TO_NEW_NUMBER:
        return settings.SMS_DAILY_BUDGET
    if tier == USUAL:
        return settings.SMS_DAILY_HARD_LIMIT
    return None


def spend(tier: str, *, dry_run: bool = False) -> bool:
    """Count one text or call; False (and nothing counted) when today's budget for this tier
    is spent. dry_run only asks, for a request that sends nothing but must be answered as if
    it had (an unknown number)."""
    key = _key()
    limit = _limit(tier)
    if dry_run:
        allowed = limit is None or (cache.get(key) or 0) < limit
    else:
        # add() then incr(): atomic in Redis, so processes counting at the same moment never
        # lose a count. A refused message is taken off again, so the count says what went
        # out: codes refused past the budget do not eat the room of notices below the hard
        # limit.
        cache.add(key, 0, 2 * 24 * 3600)
        allowed = limit is None or cache.incr(key) <= limit
        if not allowed:
            cache.decr(key)
    if not allowed:
        _log_spent(key, tier, limit)
    return allowed


class Allowance:
    """A send batch's share of the day's budget, counted in Redis in one round trip or two
    per tier for the whole batch, not two per text. Reserved before the first text, taken
    text by text in the process, and what was not used given back at the end: the day's
    count then says what went out, as with spend(). A process killed mid-batch leaves its
    reservation counted: the budget errs on the side of fewer texts."""

    def __init__(self):
        self.left: dict[str, int] = {}

    def reserve(self, tiers: list[str]) -> None:
        """Room for these texts (one tier per text); those past a tier's limit get none."""
        key = _key()
        wanted: dict[str, int] = {}
        for tier in tiers:
            wanted[tier] = wanted.get(tier, 0) + 1
        if wanted:
            cache.add(key, 0, 2 * 24 * 3600)
        for tier, count in wanted.items():
            total = cache.incr(key, count)
            limit = _limit(tier)
            over = 0 if limit is None else max(0, min(count, total - limit))
            if over:
                cache.decr(key, over)
                _log_spent(key, tier, limit)
            self.left[tier] = self.left.get(tier, 0) + count - over

    def take(self, tier: str) -> bool:
        if self.left.get(tier, 0) <= 0:
            return False
        self.left[tier] -= 1
        return True

    def give_back(self) -> None:
        unused = sum(self.left.values())
        self.left = {}
        if unused:
            cache.decr(_key(), unused)


def _log_spent(key: str, tier: str, limit: int | None) -> None:
    if cache.add(f"{key}:logged:{tier}", 1, 2 * 24 * 3600):
        # Once a day per tier: the count and the limit, never a number.
        log.error(
            "messaging.budget_spent tier=%s sent_today=%s limit=%s", tier, cache.get(key), limit
        )


def tier_of_kind(kind: str) -> str:
    from messaging.registry import TIME_CRITICAL_KINDS

    return MUST_GO if kind in TIME_CRITICAL_KINDS else USUAL
