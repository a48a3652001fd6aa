"""What the event admin says about text messages: the segment counter's rules and words
(portal/static/portal/admin-segment-counter.js), a text's count as the counter writes it,
and what "send a reminder now" did."""

from datetime import timedelta

from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext

from events.models import Rsvp
from messaging import segments


def reminders_queued(event, queued) -> str:
    """What "send a reminder now" did, honestly: how many, and when they go (a reminder
    pressed at night waits for the morning)."""
    if not queued:
        if event.rsvps.filter(status=Rsvp.Status.GOING).exists():
            return gettext("No new reminder: every family going has already had one today.")
        return gettext("No reminder: no family is going yet.")
    soon = timezone.now() + timedelta(minutes=1)
    now = [m for m in queued if m.due_at <= soon]
    later = [m for m in queued if m.due_at > soon]
    parts = []
    if now:
        parts.append(
            ngettext(
                "%(count)s reminder is going out now.",
                "%(count)s reminders are going out now.",
                len(now),
            )
            % {"count": len(now)}
        )
    if later:
        when = timezone.localtime(max(m.due_at for m in later), event.time_zone)
        parts.append(
            ngettext(
                "%(count)s reminder will go at %(time)s, after the quiet hours.",
                "%(count)s reminders will go at %(time)s, after the quiet hours.",
                len(later),
            )
            % {"count": len(later), "time": formats.time_format(when, "TIME_FORMAT")}
        )
    return " ".join(parts)


def _plural_table(words) -> dict:
    """A plural phrase for the browser in the staff member's language: its forms and, for
    0 to 199, which form each number takes (a larger number takes the form of 100 + n % 100,
    which every language's plural rule agrees with)."""
    forms, index = [], []
    for n in range(200):
        form = words(n)
        if form not in forms:
            forms.append(form)
        index.append(forms.index(form))
    return {"forms": forms, "index": index}


def sms_rules() -> dict:
    """messaging.segments' rules for the admin's counter (admin-segment-counter.js)."""
    return {
        "basic": "".join(sorted(segments.GSM_BASIC)),
        "extended": "".join(sorted(segments.GSM_EXTENDED)),
        "plain": {chr(k): v for k, v in segments.PLAIN.items()},
        "guillemets": segments._GUILLEMETS.pattern,
        "limits": segments.LIMITS,
        "max_segments": 2,
        "words": {
            "segments": _plural_table(
                lambda n: ngettext("%(count)s segment", "%(count)s segments", n)
            ),
            "characters": _plural_table(
                lambda n: ngettext("%(count)s character", "%(count)s characters", n)
            ),
            "over": gettext("over 2 segments: the title will be shortened"),
            "short_title": gettext("short title"),
        },
    }


def sms_count(text: str) -> str:
    """ "2 segments · GSM-7 · 131 characters", as the counter writes it. Each part is
    isolated (U+2068 … U+2069) so "UCS-2" and the numbers keep their order in Arabic."""
    count = segments.segments(text)
    parts = [
        ngettext("%(count)s segment", "%(count)s segments", count) % {"count": count},
        segments.encoding(text),
        ngettext("%(count)s character", "%(count)s characters", len(text)) % {"count": len(text)},
    ]
    if count > 2:
        parts.append(gettext("over 2 segments: the title will be shortened"))
    return " · ".join(f"\u2068{part}\u2069" for part in parts)
