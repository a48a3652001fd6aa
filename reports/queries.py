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
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import (
    BigIntegerField,
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
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from modeltranslation.utils import build_localized_fieldname

from committees.models import Committee, Seat, SeatApplication
from events.models import Event, MessageCount, WalkIn
from families.models import Family, Membership
from messaging.models import Message
from portal.languages import LANGUAGE_CODES
from reports.models import RsvpCount
from schools.models import District, Guide, GuideSection, Partner, School, Status

OTHER = "other"
LANGUAGE_KEYS = [*LANGUAGE_CODES, OTHER]


def language_key(code: str | None) -> str:
    return code if code in LANGUAGE_CODES else OTHER


@dataclass(frozen=True)
class Scope:
    """What a report covers: a whole district, or one school."""

    district: District
    school: School | None = None

    @property
    def obj(self):
        return self.school or self.district

    @property
    def is_district(self) -> bool:
        return self.school is None

    def query_string(self) -> str:
        return f"school={self.school.slug}" if self.school else f"district={self.district.slug}"

    def school_filter(self, prefix: str = "") -> Q:
        if self.school:
            return Q(**{f"{prefix}school": self.school})
        return Q(**{f"{prefix}school__district": self.district})

    def events(self):
        if self.school:
            return Event.objects.filter(school=self.school)
        return Event.objects.filter(district=self.district)

    def committees(self):
        if self.school:
            return Committee.objects.filter(school=self.school)
        return Committee.objects.filter(district=self.district)


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # inclusive

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.first, time.min), _zone())

    @property
    def end(self) -> datetime:
        """Exclusive end: midnight after the last day."""
        return timezone.make_aware(
            datetime.combine(self.last + timedelta(days=1), time.min), _zone()
        )

    def previous(self) -> "Period":
        return Period(self.first - timedelta(days=self.days), self.first - timedelta(days=1))


def _zone():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def default_period(today: date | None = None) -> Period:
    today = today or timezone.localdate()
    return Period(today - timedelta(days=89), today)


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


def families_by_language(scope: Scope, period: Period) -> dict[str, dict[str, int]]:
    """{language: {"now": n, "before": n, "new": n}}: distinct families registered by the end
    of this period and of the previous one, and those new in this period. One query."""
    previous = period.previous()
    member = Membership.objects.filter(
        scope.school_filter(), family=OuterRef("pk"), status=Membership.Status.CONFIRMED
    )
    rows = (
        Family.objects.filter(Exists(member), erased_at__isnull=True, created_at__lt=period.end)
        .order_by()
        .values("language")
        .annotate(
            now=Count("id"),
            before=Count("id", filter=Q(created_at__lt=previous.end)),
            new=Count("id", filter=Q(created_at__gte=period.start)),
            before_new=Count(
                "id", filter=Q(created_at__gte=previous.start, created_at__lt=previous.end)
            ),
        )
    )
    names = ("now", "before", "new", "before_new")
    result = {key: dict.fromkeys(names, 0) for key in LANGUAGE_KEYS}
    for row in rows:
        bucket = result[language_key(row["language"])]
        for name in names:
            bucket[name] += row[name]
    return result


def families_by_school_and_language(scope: Scope, period: Period) -> dict[int, dict[str, int]]:
    """{school id: {language: families}}: each school counts its own families (a family at
    two schools counts at each). One query."""
    rows = (
        Membership.objects.filter(
            status=Membership.Status.CONFIRMED,
            family__erased_at__isnull=True,
            family__created_at__lt=period.end,
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
    """The events held in the period, as plain values (title and school name in the reader's
    language): what every RSVP figure of the period is grouped by. One query."""
    return list(
        _events_held(scope, period.start, period.end)
        .order_by("starts_at", "pk")
        .values(
            "pk",
            "title",
            "starts_at",
            "school_id",
            "school__name",
            "school__time_zone",
            "interpreter_languages",
            "childcare",
        )
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
    over both periods: the messages are read once, each sorted into its period by whether
    its event is among those held in this one."""
    previous = period.previous()
    names = ("sent", "failed", "unknown", "before_sent", "before_failed")
    result = {channel: dict.fromkeys(names, 0) for channel in Message.Channel.values}
    held_now = _events_held(scope, period.start, period.end).values("pk")
    rows = (
        Message.objects.filter(kind="reminder")
        .annotate(event_id=Cast(KeyTextTransform("event", "context"), BigIntegerField()))
        .filter(event_id__in=_events_held(scope, previous.start, period.end).values("pk"))
        .annotate(
            current=Case(
                When(event_id__in=held_now, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by()
        .values("channel", "status", "current")
        .annotate(n=Count("id"))
    )
    # Messages of events past the retention period are deleted; their counts stay here.
    kept = (
        MessageCount.objects.filter(
            kind="reminder",
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
    for row in [*rows, *kept]:
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


# --- translation coverage -------------------------------------------------------------


def _filled(field: str, code: str) -> Q:
    name = build_localized_fieldname(field, code)
    return Q(**{f"{name}__isnull": False}) & ~Q(**{name: ""})


def _available(fields: tuple[str, ...], optional: tuple[str, ...], code: str) -> Q:
    """A translation exists when every required field is filled in that language, and every
    optional field is filled wherever the English one is."""
    condition = Q()
    for field in fields:
        condition &= _filled(field, code)
    for field in optional:
        condition &= _filled(field, code) | ~_filled(field, "en")
    return condition


def coverage(scope: Scope) -> dict:
    """For each school: how many published guides, sections and upcoming events it has, and
    how many exist in each language. Three queries, plus one for the schools."""
    schools = list(
        School.objects.filter(pk=scope.school.pk)
        if scope.school
        else School.objects.filter(district=scope.district).order_by("name", "pk")
    )
    school_ids = [s.pk for s in schools]
    sources = [
        (
            "guides",
            Guide.objects.filter(school__in=school_ids, status=Status.PUBLISHED),
            "school_id",
            ("title",),
            (),
        ),
        (
            "sections",
            GuideSection.objects.filter(
                guide__school__in=school_ids,
                guide__status=Status.PUBLISHED,
                status=Status.PUBLISHED,
            ),
            "guide__school_id",
            ("title", "body"),
            (),
        ),
        (
            "events",
            Event.objects.filter(school__in=school_ids, status=Event.Status.PUBLISHED).filter(
                ends_at__gte=timezone.now()
            ),
            "school_id",
            ("title",),
            ("description", "place"),
        ),
    ]
    counts: dict[int, dict[str, dict[str, int]]] = {
        pk: {kind: {"total": 0} for kind, *_ in sources} for pk in school_ids
    }
    for kind, queryset, school_field, required, optional in sources:
        annotations = {"total": Count("id")}
        for code in LANGUAGE_CODES:
            annotations[f"l_{code}"] = Count("id", filter=_available(required, optional, code))
        for row in queryset.order_by().values(school_field).annotate(**annotations):
            bucket = counts[row[school_field]][kind]
            bucket["total"] = row["total"]
            for code in LANGUAGE_CODES:
                bucket[code] = row[f"l_{code}"]
    return {"schools": schools, "counts": counts}


def missing_items(scope: Scope, limit: int = 200) -> list[dict]:
    """For one school: each published guide, section and upcoming event missing a language
    the school publishes in. Three queries."""
    if scope.school is None:
        return []
    school = scope.school
    languages = [code for code in school.languages if code in LANGUAGE_CODES]
    items = []
    kinds = (
        (
            "guide",
            Guide.objects.filter(school=school, status=Status.PUBLISHED),
            ("title",),
            (),
        ),
        (
            "section",
            GuideSection.objects.filter(
                guide__school=school, guide__status=Status.PUBLISHED, status=Status.PUBLISHED
            ).select_related("guide"),
            ("title", "body"),
            (),
        ),
        (
            "event",
            Event.objects.filter(
                school=school, status=Event.Status.PUBLISHED, ends_at__gte=timezone.now()
            ),
            ("title",),
            ("description", "place"),
        ),
    )
    for kind, queryset, required, optional in kinds:
        flags = {
            f"has_{code}": Case(
                When(_available(required, optional, code), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
            for code in languages
        }
        for obj in queryset.annotate(**flags).order_by("pk")[:limit]:
            missing = [code for code in languages if not getattr(obj, f"has_{code}")]
            if missing:
                items.append({"kind": kind, "obj": obj, "missing": missing})
    return items
