"""Pages that show several apps at once. They live here, on top of the apps they read, so
that no app imports one above it; portal/urls.py adds each to its app's URL namespace, so
its address and its name ("schools:school", "families:home") stay the app's."""

from datetime import UTC, datetime, timedelta
from functools import cache

from django.db import connection
from django.db.models import Exists, Q, Subquery
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation

from committees.models import Committee
from conversations.announcements.models import Announcement
from conversations.announcements.views import for_family as recent_announcements
from conversations.models import Thread
from events.access import can_run_door
from events.models import CalendarFeed, Event, Rsvp
from families import services as family_services
from families.forms import PassCodeForm
from families.models import NOT_READ, Family, FamilyPass, Membership, read_with_session
from families.views import family_required, front_desk_required
from portal.languages import in_reader_language, only_in_reader_language
from portal.page_cache import personal_page, public_page
from schools.models import District, School, Status
from signups import services as signup_services
from signups.volunteering.models import VolunteerSignup

# The district page


@public_page
def district_detail(request, slug):
    district = get_object_or_404(District, slug=slug)
    schools = School.objects.active().filter(district=district)
    # The district's own committees; a school's committees are listed on the school's page.
    committees = Committee.objects.filter(
        status=Status.PUBLISHED, district=district, school__isnull=True
    )
    return render(
        request,
        "schools/district.html",
        {"district": district, "schools": schools, "committees": committees},
    )


# The school page


@public_page(places=True)
def school_detail(request, slug):
    """A school's guides, its coming events and the committees a family may join."""
    # The page shows one language (English where a text is missing): only those columns.
    school = get_object_or_404(
        in_reader_language(School.objects.active().select_related("district"), "district"),
        slug=slug,
    )
    guides = in_reader_language(school.guides.published())
    language = translation.get_language()

    # No join to the school: the cards read only its time zone, and every event listed is
    # this school's own or its district's (no school). Each joined row cost a second model
    # and its columns' SQL: about 1.5 ms of CPU per page (bench/signed_cpu.py).
    # Read only when the cards are not in the cache (a callable: the template calls it
    # inside their part, which every answer retires with the places left it shows).
    @cache
    def events():
        found = list(
            in_reader_language(
                Event.objects.published().upcoming().for_school(school).with_places()
            )[:20]
        )
        for event in found:
            if event.school_id == school.pk:
                event.school = school
        return found

    committees = in_reader_language(
        Committee.objects.filter(status=Status.PUBLISHED).filter(
            Q(school=school) | Q(school__isnull=True, district_id=school.district_id)
        )
    )
    return render(
        request,
        "schools/school.html",
        {
            "school": school,
            "guides": guides,
            "events": events,
            "committees": committees,
            "welcome_missing": bool(school.welcome)
            and not school.has_translation(language, "welcome"),
            "membership_status": _membership_status(request.user, school),
        },
    )


def _membership_status(user, school) -> str | None:
    """Where the logged-in family stands with this school ("confirmed", "requested",
    "declined"), None when it has not asked: a family that belongs is not offered to join."""
    if not user.is_authenticated:
        return None
    family = read_with_session(user)
    if family is None:  # a login without a family, as read with the session
        return None
    found = Membership.objects.filter(school=school)
    if family is NOT_READ:
        found = found.filter(family__user=user, family__erased_at=None)
    else:  # no join to the family: its row came with the session's (portal.signed_in)
        found = found.filter(family_id=family.pk)
    return found.values_list("status", flat=True).first()


# A family's own page: its schools and its answers to events


# The values _sections_sql is built with, replaced by the family's and the time's at each
# request: no family has this id and no time is this one.
NO_FAMILY = -1
SOME_TIME = datetime(1901, 1, 1, tzinfo=UTC)


def _sections(family, now) -> dict:
    """Which of My page's lists have anything, and the calendar address's token, in one
    query. Most families have no meetings, shifts, conversations or announcements: an
    empty list then costs no query of its own (each list's query, with its joins and
    translated columns, cost about 1 ms of CPU to build, bench/signed_cpu.py)."""
    sql, params = _sections_sql()
    # The time as the database's adapter gave it in the SQL's parameters (SQLite: text).
    adapt = connection.ops.adapt_datetimefield_value
    given = {NO_FAMILY: family.pk, adapt(SOME_TIME): adapt(now)}
    with connection.cursor() as cursor:
        cursor.execute(sql, [given.get(value, value) for value in params])
        row = cursor.fetchone()
        return dict(zip((column[0] for column in cursor.description), row, strict=True))


@cache
def _sections_sql() -> tuple[str, list]:
    """The SQL of the sections query, built once per process: building it (five subqueries,
    four of them in the announcements' audience) cost more CPU than the rest of the page's
    queries (about 5 ms a request). Each test is the list's own filter, made with
    placeholders that _sections swaps for the family and the time, so a list is read
    whenever it would show a row (tests/portal/test_signed_in_pages.py)."""
    family, now = Family(pk=NO_FAMILY), SOME_TIME
    query = Family.objects.filter(pk=family.pk).values(
        has_answers=Exists(_answers(family, now)),
        has_bookings=Exists(signup_services.upcoming_bookings(family, now)),
        has_threads=Exists(Thread.objects.filter(family=family)),
        has_volunteering=Exists(_volunteering(family, now)),
        has_announcements=Exists(Announcement.objects.sent().for_family(family)),
        # Made only when the family asks for it (a POST): opening this page writes
        # nothing (A4). A family has one feed at most.
        feed_token=Subquery(CalendarFeed.objects.filter(family=family).values("token")[:1]),
    )
    sql, params = query.query.get_compiler(connection=connection).as_sql()
    return sql, list(params)


def _answers(family, now):
    return Rsvp.objects.filter(
        family=family,
        status__in=[Rsvp.Status.GOING, Rsvp.Status.WAITLISTED],
        event__ends_at__gte=now,
    )


def _volunteering(family, now):
    return VolunteerSignup.objects.filter(
        family=family,
        status__in=[VolunteerSignup.Status.GOING, VolunteerSignup.Status.WAITLISTED],
        shift__ends_at__gte=now,
    )


@personal_page
@family_required
def family_home(request):
    family = request.family
    now = timezone.now()
    has = _sections(family, now)
    # Only the fields shown, in the reader's language (and English).
    memberships = only_in_reader_language(
        family.memberships.select_related("school").order_by("school__name"),
        "status",
        "school__name",
        "school__slug",
    )
    answers = []
    if has["has_answers"]:
        answers = only_in_reader_language(
            _answers(family, now).select_related("event__school").order_by("event__starts_at"),
            "status",
            "event__title",
            "event__starts_at",
            "event__school__time_zone",
        )[:20]
    # Its meetings with teachers (conference days), soonest first.
    bookings = []
    if has["has_bookings"]:
        bookings = list(signup_services.upcoming_bookings(family, now)[:20])
    # Its conversations with its schools (a text too long to send whole links to one).
    # One conversation per school: these are all of them, and their unread answers.
    threads = []
    if has["has_threads"]:
        threads = list(
            in_reader_language(
                Thread.objects.filter(family=family)
                .select_related("school")
                .order_by("-last_message_at"),
                "school",
            )[:20]
        )
    # The shifts it signed up to help at, coming or waiting, soonest first.
    volunteering = []
    if has["has_volunteering"]:
        volunteering = in_reader_language(
            _volunteering(family, now)
            .select_related("shift__opportunity__school")
            .order_by("shift__starts_at"),
            "shift__opportunity",
            "shift__opportunity__school",
        )[:20]
    # The latest announcements, whole on their own page (conversations/announcements).
    announcements = []
    if has["has_announcements"]:
        announcements = recent_announcements(family, translation.get_language(), 3)
    feed_token = has["feed_token"]
    # Until a school confirms the family, the page leads with the next step: joining, and
    # how long the schools it asked usually take to answer.
    memberships = list(memberships)
    statuses = {m.status for m in memberships}
    next_step = None
    if Membership.Status.CONFIRMED not in statuses:
        waiting = [m for m in memberships if m.status == Membership.Status.REQUESTED]
        days = Membership.usual_answer_days(m.school_id for m in waiting) if waiting else {}
        next_step = {"waiting": [(m.school, days.get(m.school_id)) for m in waiting]}
    feed_url = (
        request.build_absolute_uri(reverse("events:feed", kwargs={"token": feed_token}))
        if feed_token
        else ""
    )
    return render(
        request,
        "families/home.html",
        {
            "family": family,
            "memberships": memberships,
            "next_step": next_step,
            "answers": answers,
            "bookings": bookings,
            "announcements": announcements,
            "threads": threads,
            "unread_messages": sum(thread.unread_by_family for thread in threads),
            "volunteering": volunteering,
            "feed_url": feed_url,
            # webcal:// makes a phone subscribe (and keep the calendar up to date) instead of
            # importing a copy once; the https address stays shown for apps that want it.
            "webcal_url": "webcal://" + feed_url.split("://", 1)[1] if feed_url else "",
            "calendar_open": "calendar" in request.GET,
        },
    )


# A family pass's QR code at the front desk: the check, then today's events at the door


@front_desk_required
def pass_scan(request, token):
    """The QR code opens this page on the front desk's phone."""
    found = FamilyPass.from_token(token[:200])
    check = family_services.check_pass(
        family_pass=found, school=request.desk_school, staff=request.user
    )
    return render(
        request,
        "families/front_desk.html",
        {"form": PassCodeForm(), "check": check, "events_today": _events_today(request, check)},
    )


def _events_today(request, check):
    """After a valid scan, today's events at this school, to mark the family arrived."""
    if check.result != check.Result.VALID:
        return []
    now = timezone.now()
    events = (
        Event.objects.published()
        .for_school(request.desk_school)
        .filter(starts_at__lte=now + timedelta(hours=12), ends_at__gte=now - timedelta(hours=2))
        .order_by("starts_at")[:5]
    )
    # Only doors this person may run: a district's event has the district staff's door.
    return [event for event in events if can_run_door(request.user, event)]
