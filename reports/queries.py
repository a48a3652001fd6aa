"""The numbers behind the reports: aggregate queries only, a fixed number per page whatever
the size of the district, and never a row that names a family. RSVP figures are sums of
reports.RsvpCount (a few rows per event, kept equal to the RSVPs by database triggers), so a
page reads thousands of rows, not a million.

Definitions (shown to staff on the pages too):
- scope: a district (its schools' events, its district-wide events, its committees) or one
  school (its own events and committees);
- families registered: families not erased with a confirmed membership at a school of the
  scope, registered before the end of the period;
- events held: published events that start in the period (cancelled and draft ones are not
  counted); RSVPs: "going" answers to those events; attended: those RSVPs checked in at the
  door; no-shows: RSVPs not checked in;
- an interpreter request is met when the event offers an interpreter in the language asked
  for (or the family's language when none was named); a childcare request when the event
  offers childcare;
- reminders: outbox messages of kind "reminder" for the events held, by channel and status.
"""

import zoneinfo
from datetime import date, datetime

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from modeltranslation.fields import NONE
from modeltranslation.thread_context import fallbacks_enabled
from modeltranslation.utils import build_localized_fieldname, get_language, resolution_order

from committees.models import Seat, SeatApplication
from conversations.models import CallbackRequest
from events.models import Event, MessageCount, WalkIn
from families.models import Family, Membership
from messaging.models import Message
from reports.models import RsvpCount
from reports.scope import LANGUAGE_KEYS, Period, Scope, language_key
from schools.models import Partner, School, Status


class JsonListHas(Func):
    """True when a JSON list of language codes holds a text value (PostgreSQL's jsonb `?`,
    called as jsonb_exists so no placeholder-like character reaches the driver)."""

    function = "jsonb_exists"
    arity = 2
    output_field = BooleanField()

    def as_sqlite(self, compiler, connection, **extra):
        lst, value = self.get_source_expressions()
        lst_sql, lst_params = compiler.compile(lst)
        value_sql, value_params = compiler.compile(value)
        # Both parts are compiled SQL with their own parameters, not user text.
        sql = f"EXISTS (SELECT 1 FROM json_each({lst_sql}) WHERE value = {value_sql})"  # noqa: S608
        return sql, (*lst_params, *value_params)


def _events_held(scope: Scope, start: datetime, end: datetime):
    return scope.events().filter(
        status=Event.Status.PUBLISHED, starts_at__gte=start, starts_at__lt=end
    )


# --- families -------------------------------------------------------------------------


def families_by_day(scope: Scope) -> dict[str, dict[date, int]]:
    """{language: {day: families}}: the families registered now (not erased, a confirmed
    membership at a school of the scope), each once, by the day they registered in the
    portal's time zone. Every period's counts of families registered by a day are sums of
    these (reports.report.FamilyDays), so a new period reads no families. One query."""
    member = Membership.objects.filter(
        scope.school_filter(), family=OuterRef("pk"), status=Membership.Status.CONFIRMED
    )
    rows = (
        Family.objects.filter(Exists(member), erased_at__isnull=True)
        .annotate(day=TruncDate("created_at", tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE)))
        .order_by()
        .values("language", "day")
        .annotate(n=Count("id"))
    )
    result: dict[str, dict[date, int]] = {key: {} for key in LANGUAGE_KEYS}
    for row in rows:
        days = result[language_key(row["language"])]
        days[row["day"]] = days.get(row["day"], 0) + row["n"]
    return result


def families_by_school_and_language(
    scope: Scope, period: Period | None = None
) -> dict[int, dict[str, int]]:
    """{school id: {language: families}} registered by the end of the period (None: now):
    each school counts its own families (a family at two schools counts at each). One
    query."""
    registered = Q(family__created_at__lt=period.end) if period else Q()
    rows = (
        Membership.objects.filter(
            registered, status=Membership.Status.CONFIRMED, family__erased_at__isnull=True
        )
        .filter(scope.school_filter())
        .order_by()
        .values("school_id", "family__language")
        .annotate(n=Count("id"))
    )
    result: dict[int, dict[str, int]] = {}
    for row in rows:
        bucket = result.setdefault(row["school_id"], dict.fromkeys(LANGUAGE_KEYS, 0))
        bucket[language_key(row["family__language"])] += row["n"]
    return result


# --- events and RSVPs -----------------------------------------------------------------

RSVP_MEASURES = (
    "going",
    "attended",
    "interpreter_asked",
    "interpreter_met",
    "childcare_asked",
    "childcare_met",
)


def _counts(scope: Scope, start: datetime, end: datetime):
    """The RSVP counts (reports.RsvpCount, kept by triggers) of the events held in the scope
    between start and end: a few rows per event instead of one per RSVP."""
    events = Q(event__school=scope.school) if scope.school else Q(event__district=scope.district)
    return RsvpCount.objects.filter(
        events,
        event__status=Event.Status.PUBLISHED,
        event__starts_at__gte=start,
        event__starts_at__lt=end,
    )


def _rsvp_measures():
    """Sums over RsvpCount rows. An interpreter request is met when the event offers the
    language asked for (the counts key it: the one named, else the family's own)."""
    met = JsonListHas(F("event__interpreter_languages"), F("asked"))
    return {
        "total_going": Coalesce(Sum("going"), 0),
        "total_attended": Coalesce(Sum("attended"), 0),
        "total_interpreter_asked": Coalesce(Sum("interpreter_asked"), 0),
        "total_interpreter_met": Coalesce(Sum("interpreter_asked", filter=Q(met_check=True)), 0),
        "total_childcare_asked": Coalesce(Sum("childcare_asked"), 0),
        "total_childcare_met": Coalesce(Sum("childcare_asked", filter=Q(event__childcare=True)), 0),
    }, met


def _totals(row) -> dict[str, int]:
    """The measures of one row of a query annotated with _rsvp_measures (named apart from
    the fields they sum, which Django requires)."""
    return {name: row[f"total_{name}"] for name in RSVP_MEASURES}


def events_held_by_school(scope: Scope, period: Period) -> dict[int | None, dict[str, int]]:
    """{school id or None: {"now": events, "before": events}}. One query."""
    previous = period.previous()
    rows = (
        _events_held(scope, previous.start, period.end)
        .order_by()
        .values("school_id")
        .annotate(
            now=Count("id", filter=Q(starts_at__gte=period.start)),
            before=Count("id", filter=Q(starts_at__lt=period.start)),
        )
    )
    return {row["school_id"]: {"now": row["now"], "before": row["before"]} for row in rows}


def walk_ins(scope: Scope, period: Period) -> dict[str, int]:
    previous = period.previous()
    row = WalkIn.objects.filter(
        event__in=_events_held(scope, previous.start, period.end)
    ).aggregate(
        now=Coalesce(Sum("people", filter=Q(event__starts_at__gte=period.start)), 0),
        before=Coalesce(Sum("people", filter=Q(event__starts_at__lt=period.start)), 0),
    )
    return row


def held_events(scope: Scope, period: Period) -> list[dict]:
    """The events held in the period, as plain values: what every RSVP figure of the period
    is grouped by. No names: these are kept in the snapshot every reader shares, whatever
    their language (event_names reads the names a page shows). One query."""
    return list(
        _events_held(scope, period.start, period.end)
        .order_by("starts_at", "pk")
        .raw_values(
            "pk",
            "starts_at",
            "school_id",
            "school__time_zone",
            "interpreter_languages",
            "childcare",
        )
    )


def event_names(pks) -> dict[int, tuple[str, str | None]]:
    """Each event's title and its school's name (None: district-wide) in the reader's
    language, English where one is missing. One query."""
    title_columns, title = _in_reader_language(Event, "title")
    school_columns, school = _in_reader_language(School, "name", prefix="school__")
    rows = Event.objects.filter(pk__in=list(pks)).raw_values(
        "pk", "school_id", *title_columns, *school_columns
    )
    return {row["pk"]: (title(row), school(row) if row["school_id"] else None) for row in rows}


def _in_reader_language(model, field, prefix=""):
    """(columns, read): the columns of a translated field that modeltranslation reads for
    the reader's language and its fallbacks, and how it picks one of a row's values. Its
    values() works the languages out again for every row: a third of the time of a year of
    a district's events. This is its descriptor's reading (TranslationFieldDescriptor), with
    the languages worked out once."""
    descriptor = getattr(model, field)
    languages = resolution_order(get_language(), descriptor.fallback_languages)
    columns = [prefix + build_localized_fieldname(field, lang) for lang in languages]
    default, undefined = NONE, descriptor.fallback_undefined
    if undefined is NONE:
        default = undefined = descriptor.field.get_default()
    if fallbacks_enabled() and descriptor.fallback_value is not NONE:
        last = descriptor.fallback_value
    else:
        last = descriptor.field.get_default() if default is NONE else default

    def read(row):
        for column in columns:
            if descriptor.meaningful_value(row[column], undefined):
                return row[column]
        return last

    return columns, read


def cohosted_events(partner, period: Period) -> list[Event]:
    """The events held in the period that a community partner co-hosts, with their school and
    district (each is counted in its school's report, or its district's). One query."""
    return list(
        Event.objects.filter(
            partners=partner,
            status=Event.Status.PUBLISHED,
            starts_at__gte=period.start,
            starts_at__lt=period.end,
        )
        .select_related("school", "district")
        .order_by("starts_at", "pk")
    )


def counts_of_held_events(scope: Scope, period: Period) -> list[dict]:
    """The RsvpCount rows of the events held in the period (a few per event): every RSVP,
    attendance, interpreter and childcare figure of the period, on every page, is a sum of
    these, so the pages cannot disagree. One query."""
    return list(
        _counts(scope, period.start, period.end)
        .order_by()
        .values(
            "event_id",
            "language",
            "asked",
            "going",
            "attended",
            "interpreter_asked",
            "childcare_asked",
        )
    )


def rsvp_totals(scope: Scope, period: Period) -> dict[str, int]:
    """The RSVP measures of all the events held in a period, summed. One query."""
    measures, met = _rsvp_measures()
    return _totals(
        _counts(scope, period.start, period.end).annotate(met_check=met).aggregate(**measures)
    )


def event_by_language(event: Event) -> dict[str, dict[str, int]]:
    """{language: measures} for one event's RSVPs. One query."""
    measures, met = _rsvp_measures()
    rows = (
        RsvpCount.objects.filter(event=event)
        .annotate(met_check=met)
        .order_by()
        .values("language")
        .annotate(**measures)
    )
    result = {key: dict.fromkeys(RSVP_MEASURES, 0) for key in LANGUAGE_KEYS}
    for row in rows:
        bucket = result[language_key(row["language"])]
        totals = _totals(row)
        for name in RSVP_MEASURES:
            bucket[name] += totals[name]
    return result


def event_interpreter_needs(event: Event) -> dict[str, int]:
    """{language asked for: RSVPs needing an interpreter}. One query."""
    rows = (
        RsvpCount.objects.filter(event=event, interpreter_asked__gt=0)
        .order_by()
        .values("asked")
        .annotate(n=Sum("interpreter_asked"))
    )
    result = dict.fromkeys(LANGUAGE_KEYS, 0)
    for row in rows:
        result[language_key(row["asked"])] += row["n"]
    return result


# --- reminders and partners -------------------------------------------------------------


def reminders_by_channel(scope: Scope, period: Period) -> dict[str, dict[str, int]]:
    """{channel: {"sent", "failed", "unknown", "before_sent", "before_failed"}}. One query
    over both periods, on the per-event counts (events.MessageCount, kept equal to the
    messages by triggers, purged messages included), not on the outbox's rows."""
    previous = period.previous()
    names = ("sent", "failed", "unknown", "before_sent", "before_failed")
    result = {channel: dict.fromkeys(names, 0) for channel in Message.Channel.values}
    held_now = _events_held(scope, period.start, period.end).values("pk")
    rows = (
        MessageCount.objects.filter(
            kind="reminder",
            status__in=["sent", "failed", "unknown"],
            event__in=_events_held(scope, previous.start, period.end).values("pk"),
        )
        .annotate(
            current=Case(
                When(event__in=held_now, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by()
        .values("channel", "status", "current")
        .annotate(n=Sum("count"))
    )
    for row in rows:
        key = f"{'' if row['current'] else 'before_'}{row['status']}"
        if row["channel"] in result and key in result[row["channel"]]:
            result[row["channel"]][key] += row["n"]
    return result


def active_partners(scope: Scope, period: Period) -> dict[str, int]:
    """Community partners working with the scope's schools that co-hosted an event held in
    the period or helped a family register in it. One query, both periods."""
    previous = period.previous()
    school_match = Q(school=scope.school) if scope.school else Q(school__district=scope.district)
    works_here = Partner.schools.through.objects.filter(school_match, partner=OuterRef("pk"))

    def active(start, end):
        cohosted = Event.partners.through.objects.filter(
            partner=OuterRef("pk"), event__in=_events_held(scope, start, end)
        )
        helped = Family.objects.filter(
            registered_by_partner=OuterRef("pk"), created_at__gte=start, created_at__lt=end
        )
        return Q(Exists(cohosted)) | Q(Exists(helped))

    return Partner.objects.filter(Exists(works_here)).aggregate(
        now=Count("pk", filter=active(period.start, period.end)),
        before=Count("pk", filter=active(previous.start, previous.end)),
    )


# --- committees -----------------------------------------------------------------------


def committee_rows(scope: Scope, period: Period) -> list[dict]:
    """Published committees with seats filled and open (terms overlapping the period) and
    applications received in the period. Two queries."""
    committees = list(
        scope.committees()
        .filter(status=Status.PUBLISHED)
        .select_related("school")
        .annotate(
            filled=Count(
                "seats",
                filter=Q(
                    seats__holder__isnull=False,
                    seats__term_start__lte=period.last,
                    seats__term_end__gte=period.first,
                ),
                distinct=True,
            ),
            open=Count(
                "seats",
                filter=Q(
                    seats__holder__isnull=True,
                    seats__term_start__lte=period.last,
                    seats__term_end__gte=period.first,
                ),
                distinct=True,
            ),
        )
        .order_by("name", "pk")
    )
    applications = {
        row["committee_id"]: row["n"]
        for row in SeatApplication.objects.filter(
            committee__in=[c.pk for c in committees],
            created_at__gte=period.start,
            created_at__lt=period.end,
        )
        .order_by()
        .values("committee_id")
        .annotate(n=Count("id"))
    }
    return [
        {
            "committee": c,
            "filled": c.filled,
            "open": c.open,
            "applications": applications.get(c.pk, 0),
        }
        for c in committees
    ]


def seat_holders_by_language(scope: Scope, period: Period) -> dict[str, int]:
    """Families holding a seat whose term overlaps the period, by language. One query."""
    rows = (
        Seat.objects.filter(
            committee__in=scope.committees().filter(status=Status.PUBLISHED),
            holder__isnull=False,
            holder__erased_at__isnull=True,
            term_start__lte=period.last,
            term_end__gte=period.first,
        )
        .order_by()
        .values("holder__language")
        .annotate(n=Count("holder", distinct=True))
    )
    result = dict.fromkeys(LANGUAGE_KEYS, 0)
    for row in rows:
        result[language_key(row["holder__language"])] += row["n"]
    return result


def interpreter_calls_by_language(scope: Scope, period: Period) -> dict[str, tuple[int, int]]:
    """Calls with an interpreter families asked for in the period (conversations'
    CallbackRequest), by the language asked for: {language: (asked, called)}. One query."""
    rows = (
        CallbackRequest.objects.filter(
            scope.school_filter(), created_at__gte=period.start, created_at__lt=period.end
        )
        .order_by()
        .values("language")
        .annotate(
            asked=Count("pk"), called=Count("pk", filter=Q(status=CallbackRequest.Status.DONE))
        )
    )
    result = dict.fromkeys(LANGUAGE_KEYS, (0, 0))
    for row in rows:
        asked, called = result[language_key(row["language"])]
        result[language_key(row["language"])] = (asked + row["asked"], called + row["called"])
    return result
