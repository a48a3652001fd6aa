"""Translation coverage: how much of what a school publishes families can read in each
language it publishes in. Aggregate queries; nothing here is about families.

What counts is what a family reads as the page's text: each model's `translated_fields`,
the fields its page marks "shown in English" when they are missing (a guide's title, a
section's title and text, an event's title and description). An event's place is not among
them: like its address it is shown as written (a room, a building, a street), so a school
whose events are translated is not told they lack every language because "Library" is in
English. A field the English version leaves empty is not missing in any language."""

from django.db.models import BooleanField, Case, Count, Q, Value, When
from django.utils import timezone
from modeltranslation.utils import build_localized_fieldname

from events.models import Event
from portal.languages import LANGUAGE_CODES
from reports.scope import Scope
from schools.models import Guide, GuideSection, School, Status


def _filled(field: str, code: str) -> Q:
    name = build_localized_fieldname(field, code)
    return Q(**{f"{name}__isnull": False}) & ~Q(**{name: ""})


def readable(model, code: str) -> Q:
    """Rows a family reading code sees in its language: every translated field filled in
    code wherever the English one is (the same rule as the page's has_translation)."""
    condition = Q()
    for field in model.translated_fields:
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
        ),
        (
            "sections",
            GuideSection.objects.filter(
                guide__school__in=school_ids,
                guide__status=Status.PUBLISHED,
                status=Status.PUBLISHED,
            ),
            "guide__school_id",
        ),
        (
            "events",
            Event.objects.filter(school__in=school_ids, status=Event.Status.PUBLISHED).filter(
                ends_at__gte=timezone.now()
            ),
            "school_id",
        ),
    ]
    counts: dict[int, dict[str, dict[str, int]]] = {
        pk: {kind: {"total": 0} for kind, *_ in sources} for pk in school_ids
    }
    for kind, queryset, school_field in sources:
        annotations = {"total": Count("id")}
        for code in LANGUAGE_CODES:
            annotations[f"l_{code}"] = Count("id", filter=readable(queryset.model, code))
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
        ),
        (
            "section",
            GuideSection.objects.filter(
                guide__school=school, guide__status=Status.PUBLISHED, status=Status.PUBLISHED
            ).select_related("guide"),
        ),
        (
            "event",
            Event.objects.filter(
                school=school, status=Event.Status.PUBLISHED, ends_at__gte=timezone.now()
            ),
        ),
    )
    for kind, queryset in kinds:
        flags = {
            f"has_{code}": Case(
                When(readable(queryset.model, code), then=Value(True)),
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
