"""What a report covers (a district or one school, or a community partner's co-hosted
events) and over which days; the language groups every figure is split by."""

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from committees.models import Committee
from events.models import Event
from portal.languages import LANGUAGE_CODES
from schools.models import District, Partner, School

OTHER = "other"
LANGUAGE_KEYS = [*LANGUAGE_CODES, OTHER]


def language_key(code: str | None) -> str:
    return code if code in LANGUAGE_CODES else OTHER


@dataclass(frozen=True)
class Scope:
    """What a report covers: a whole district, or one school."""

    district: District
    school: School | None = None
    partner = None  # see PartnerScope

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
class PartnerScope:
    """What a community partner's staff read: the events their organisation co-hosts, each
    with the figures (suppressed) of its own school's report for the same days; no totals,
    families or other events (reports.pages.events)."""

    partner: Partner
    school = None
    district = None
    is_district = False

    @property
    def obj(self):
        return self.partner

    def query_string(self) -> str:
        return f"partner={self.partner.pk}"


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
