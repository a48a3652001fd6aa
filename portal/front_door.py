"""Each role's front door (RELIABILITY B11): the page a person lands on after logging in and
behind "Staff" in the header, and what the admin's front page counts for school staff.

In this order, the first that applies: school staff (and superusers) → the admin's front
page, with today's work counted; front desk → the pass check; district staff → the reports;
community partner staff → assisted registration. Anyone else with the admin's staff flag
goes to the admin; families (no staff role) get None and land on their own page as before.
It lives in the portal because it knows the pages of several apps; accounts asks for it
through accounts.landing, which PortalConfig.ready() fills in.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from schools.access import front_desk_schools, partners_for, role_kinds


def url_for(user) -> str | None:
    """The page where this person's work is, or None for a family."""
    if not user.is_authenticated or not user.is_active:
        return None
    kinds = role_kinds(user)
    if user.is_superuser or ("school_staff" in kinds and user.is_staff):
        return reverse("admin:index")
    # School staff without the admin's staff flag (the admin would refuse them) can still
    # check passes at the door.
    if kinds & {"front_desk", "school_staff"}:
        return reverse("families:front_desk")
    if "district_staff" in kinds:
        return reverse("reports:overview")
    if "partner_staff" in kinds:
        return reverse("families:assist")
    if user.is_staff:
        return reverse("admin:index")
    return None


# Today's events are also listed by name, the first few: the list behind the count has all.
EVENTS_LISTED = 5


@dataclass(frozen=True)
class Item:
    starts_at: datetime
    title: str
    url: str


@dataclass(frozen=True)
class Waiting:
    label: str
    count: int
    url: str
    items: tuple[Item, ...] = ()


def _waiting_work():
    """(model, label, filter for the count, the same filter as admin list parameters)."""
    from committees.models import SeatApplication
    from conversations.models import CallbackRequest, Thread
    from events.models import Event
    from families.models import Feedback, Membership

    today = timezone.localdate()
    return [
        (
            Event,
            _("Events today"),
            {"starts_at__date": today},
            # The admin's date drill-down: the list shows the same day, in the same zone.
            {
                "starts_at__day": today.day,
                "starts_at__month": today.month,
                "starts_at__year": today.year,
            },
        ),
        (
            Feedback,
            _("Questions and stories without an answer"),
            {"answered_at__isnull": True},
            {"answered": "no"},
        ),
        (
            Thread,
            _("Conversations with new messages from families"),
            {"unread_by_staff__gt": 0},
            {"unread": "yes"},
        ),
        (
            CallbackRequest,
            _("Families waiting for a call with an interpreter"),
            {"status": CallbackRequest.Status.OPEN},
            {"status": CallbackRequest.Status.OPEN},
        ),
        (
            Membership,
            _("Families asking to join"),
            # As the admin's list: erased families' requests are not shown there.
            {"status": Membership.Status.REQUESTED, "family__erased_at__isnull": True},
            {"status__exact": Membership.Status.REQUESTED},
        ),
        (
            SeatApplication,
            _("Committee applications waiting"),
            {"status": SeatApplication.Status.APPLIED},
            {"status__exact": SeatApplication.Status.APPLIED},
        ),
    ]


def waiting_work(request) -> list[Waiting]:
    """What waits for this staff member today, one count per row, each linking to the
    admin list that shows exactly those rows. Each count goes through its model admin's
    scope() and permissions, the rules its list follows: a school's staff never count
    another school's families. One COUNT query per row, whatever the numbers."""
    rows = []
    for model, label, condition, params in _waiting_work():
        model_admin = admin.site._registry.get(model)
        if model_admin is None or not model_admin.has_view_permission(request):
            continue
        # The admin's own scope on the bare table: its list's extras (the events' answer
        # totals, a join on every RSVP) would only slow the count.
        waiting = model_admin.scope(request, model._default_manager.filter(**condition))
        count = waiting.count()
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        items = _events(request, waiting) if opts.label == "events.Event" and count else ()
        rows.append(Waiting(label, count, f"{url}?{urlencode(params)}", items))
    return rows


def _events(request, events) -> tuple[Item, ...]:
    """Today's first events, each linking to its door page (who is coming, check-in) when
    this person may run the door there, else to the event in the admin. Two queries."""
    user = request.user
    door_schools = (
        set() if user.is_superuser else set(front_desk_schools(user).values_list("pk", flat=True))
    )
    items = []
    for event in events.order_by("starts_at")[:EVENTS_LISTED]:
        if user.is_superuser or event.school_id in door_schools:
            url = reverse("events:door", args=[event.pk])
        else:
            url = reverse("admin:events_event_change", args=[event.pk])
        items.append(Item(starts_at=event.starts_at, title=event.title, url=url))
    return tuple(items)


# A partner's front door lists its coming co-hosted events; the reports page lists them all.
COHOSTED_LISTED = 10


def cohosted_events(user) -> list:
    """The coming events this person's organisation co-hosts (partner staff only): one
    query, whatever their number."""
    from events.models import Event

    if "partner_staff" not in role_kinds(user):
        return []
    start_of_today = timezone.make_aware(
        datetime.combine(timezone.localdate(), datetime.min.time())
    )
    return list(
        Event.objects.published()
        .filter(partners__in=partners_for(user), ends_at__gte=start_of_today)
        .distinct()
        .order_by("starts_at")[:COHOSTED_LISTED]
    )
