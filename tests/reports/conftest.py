"""A district with data for reports. Every text field carries a sentinel (ZZPII-…) so a
scan of the pages and CSVs proves no family's name or phone leaks."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from events.models import Event, Rsvp
from families.models import Family, Membership
from messaging.models import Message
from tests.conftest import make_school
from tests.events.conftest import make_event

SENTINEL = "ZZPII"


def make_families(school, language, count, *, created_days_ago=30, prefix=""):
    """count families speaking language, confirmed at school; each has a login with a
    sentinel phone and name."""
    families = []
    start = Family.objects.count() + User.objects.count()
    for index in range(count):
        n = start + index
        user = User.objects.create_user(phone=f"+1555{n:07d}", name=f"{SENTINEL}-user-{prefix}{n}")
        family = Family.objects.create(
            user=user,
            display_name=f"{SENTINEL}-family-{prefix}{n}",
            language=language,
            created_at=timezone.now() - timedelta(days=created_days_ago),
        )
        Membership.objects.create(family=family, school=school, status=Membership.Status.CONFIRMED)
        families.append(family)
    return families


def rsvp(event, family, *, arrived=False, interpreter="", childcare=False):
    return Rsvp.objects.create(
        event=event,
        family=family,
        status=Rsvp.Status.GOING,
        needs_interpreter=bool(interpreter),
        interpreter_language=interpreter,
        needs_childcare=childcare,
        other_needs=f"{SENTINEL}-needs",
        arrived_at=timezone.now() if arrived else None,
    )


def past_event(school, days_ago, **extra):
    return make_event(
        school,
        starts_at=timezone.now() - timedelta(days=days_ago),
        title=extra.pop("title", f"Meeting {days_ago} days ago"),
        **extra,
    )


def reminder(event, family, channel, status):
    return Message.objects.create(
        recipient=f"family:{family.pk}",
        channel=channel,
        language=family.language,
        kind="reminder",
        context={"event": event.pk},
        status=status,
        idempotency_key=f"reminder:test:{event.pk}:{family.pk}:{channel}",
    )


@pytest.fixture
def world(school_a, district_a):
    """School A (and a second school in district A) with Spanish, Arabic and Haitian Creole
    families; events in this period and the previous one; RSVPs, check-ins, help requests
    and reminders."""
    school_a2 = make_school(district_a, "school-a2", "School A2")
    spanish = make_families(school_a, "es", 30)
    arabic = make_families(school_a, "ar", 12)
    creole = make_families(school_a, "ht", 3)  # a small group: always hidden
    a2 = make_families(school_a2, "es", 15, prefix="a2-")
    old = make_families(school_a, "es", 11, created_days_ago=400, prefix="old-")
    night = past_event(school_a, 10, interpreter_languages=["es", "ar"], childcare=True)
    for index, family in enumerate(spanish[:25]):
        rsvp(night, family, arrived=index < 14, interpreter="es" if index < 12 else "")
    for index, family in enumerate(arabic):
        rsvp(night, family, arrived=index < 11, interpreter="ar", childcare=index < 4)
    for family in creole:
        rsvp(night, family, arrived=True, interpreter="ht")
    before = past_event(school_a, 120, title="Old meeting")
    for family in old:
        rsvp(before, family, arrived=True)
    a2_event = past_event(school_a2, 20, title="A2 evening")
    for index, family in enumerate(a2):
        rsvp(a2_event, family, arrived=index < 13)
    district_event = make_event(
        school_a, starts_at=timezone.now() - timedelta(days=5), title="District summit"
    )
    Event.objects.filter(pk=district_event.pk).update(school=None)
    for family in spanish[:14]:
        rsvp(district_event, family, arrived=True)
    for index, family in enumerate(spanish[:22]):
        reminder(night, family, "sms", "sent" if index < 12 else "failed")
    for family in arabic:
        reminder(night, family, "voice", "sent")
    return {
        "school_a2": school_a2,
        "night": night,
        "before": before,
        "a2_event": a2_event,
        "district_event": district_event,
    }
