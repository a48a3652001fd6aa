"""Data at district scale, written with bulk_create: 200 schools in 10 districts, each with 3
guides of the demo's 6 sections in all 15 languages and 10 upcoming events; 10,000 families,
each a member of one school and answering two events. About 30 s on PostgreSQL."""

import json
import random
import time
from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

ROOT = Path(__file__).resolve().parent.parent.parent
SCALE = {"districts": 10, "schools": 200, "guides_per_school": 3, "families": 10_000}
EVENTS_PER_SCHOOL = 10  # 2,000 events


def seeded() -> bool:
    from events.models import Event
    from families.models import Family
    from schools.models import School

    return (
        School.objects.count() == SCALE["schools"]
        and Family.objects.count() == SCALE["families"]
        and Event.objects.count() == SCALE["schools"] * EVENTS_PER_SCHOOL
    )


@transaction.atomic
def seed() -> float:
    from modeltranslation.utils import build_localized_fieldname as field

    from events.models import Event, Rsvp
    from families.models import Family, FamilyPass, Membership
    from portal.languages import LANGUAGE_CODES
    from portal.page_cache import content_changed
    from schools.models import District, Guide, GuideSection, School, Status

    started = time.monotonic()
    rng = random.Random(7)
    demo = {
        code: json.loads((ROOT / f"portal/demo/{code}.json").read_text()) for code in LANGUAGE_CODES
    }
    for model in (Rsvp, Event, FamilyPass, Membership, Family, GuideSection, Guide, School):
        model.objects.all().delete()
    District.objects.all().delete()

    districts = District.objects.bulk_create(
        District(slug=f"district-{d}", name=f"District {d}", name_en=f"District {d}")
        for d in range(SCALE["districts"])
    )
    schools = School.objects.bulk_create(
        School(
            district=districts[s % len(districts)],
            slug=f"school-{s}",
            name=f"School {s}",
            name_en=f"School {s}",
            phone="+1 555 0100 999",
            address=f"{100 + s} River Road",
            languages=LANGUAGE_CODES,
            **{field("welcome", c): d["safe_zone"] for c, d in demo.items()},
        )
        for s in range(SCALE["schools"])
    )
    guides = Guide.objects.bulk_create(
        Guide(
            school=school,
            slug=f"guide-{g}",
            status=Status.PUBLISHED,
            order=g,
            **{field("title", c): d["guide"]["title"] for c, d in demo.items()},
            **{field("summary", c): d["guide"]["summary"] for c, d in demo.items()},
        )
        for school in schools
        for g in range(SCALE["guides_per_school"])
    )
    sections = []
    for guide in guides:
        for order in range(len(demo["en"]["guide"]["sections"])):
            fields = {}
            for code, data in demo.items():
                part = data["guide"]["sections"][order]
                fields[field("title", code)] = part["title"]
                fields[field("body", code)] = part["body"]
            sections.append(GuideSection(guide=guide, order=order, **fields))
    GuideSection.objects.bulk_create(sections, batch_size=2000)

    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    events = []
    for school in schools:
        for e in range(EVENTS_PER_SCHOOL):
            start = now + timedelta(days=3 + e * 5, hours=rng.randint(0, 6))
            events.append(
                Event(
                    school=school,
                    district=school.district,
                    title=f"Family night {e}",
                    title_en=f"Family night {e}",
                    title_es=f"Noche de familias {e}",
                    title_ar=f"أمسية العائلات {e}",
                    place="Library",
                    place_en="Library",
                    address=school.address,
                    starts_at=start,
                    ends_at=start + timedelta(hours=2),
                    capacity=rng.choice([None, 40, 80, 200]),
                    interpreter_languages=["es", "ar", "ht"],
                    childcare=True,
                    status=Event.Status.PUBLISHED,
                )
            )
    Event.objects.bulk_create(events, batch_size=2000)

    families = Family.objects.bulk_create(
        (
            Family(
                display_name=f"Family {f}",
                language=rng.choice(LANGUAGE_CODES),
                channel="none",
            )
            for f in range(SCALE["families"])
        ),
        batch_size=5000,
    )
    FamilyPass.objects.bulk_create((FamilyPass(family=f) for f in families), batch_size=5000)
    Membership.objects.bulk_create(
        (
            Membership(
                family=f,
                school=schools[i % len(schools)],
                status=Membership.Status.CONFIRMED,
            )
            for i, f in enumerate(families)
        ),
        batch_size=5000,
    )
    by_school = {}
    for event in events:
        by_school.setdefault(event.school_id, []).append(event)
    rsvps = []
    for i, family in enumerate(families):
        # Two answers each, one person each: no event is over its places.
        for event in rng.sample(by_school[schools[i % len(schools)].pk], 2):
            rsvps.append(Rsvp(event=event, family=family, status=Rsvp.Status.GOING))
    Rsvp.objects.bulk_create(rsvps, batch_size=5000)
    # bulk_create sends no signals: retire pages cached from an earlier seed by hand.
    transaction.on_commit(content_changed)
    return time.monotonic() - started
