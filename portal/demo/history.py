"""A year of the demo district's past: families in all 15 languages, past events with answers
and check-ins, walk-ins, reminders sent and failed, committee applications, answers to the
upcoming events. Enough of each that the reports show figures and charts, not "<10": the
reports hide any count from 1 to REPORTS_MIN_COUNT-1 (10), so every group below is either
empty or at least 10 (families per school and language, answers per language at an event,
interpreter requests per language at an event, ...).

Written with bulk_create (no signals, no outbox: the past is not sent again) and a seeded
random, so every run on an empty database builds the same history. Built once: `exists()`
tells the command not to build it again."""

import random
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from modeltranslation.utils import build_localized_fieldname

from accounts.models import User
from committees.models import Committee, SeatApplication
from events.models import Event, MessageCount, Rsvp, WalkIn
from families.models import Channel, Family, FamilyPass, Membership
from messaging.models import Message
from portal.demo.names import NAMES, family_name
from portal.languages import LANGUAGE_CODES

# Families per language at each school; a language's weight multiplies it (Spanish is the
# district's largest community). Every group is at least 25, so that at each school the
# families new in the last 90 days (two in five) are 10 or more in every language.
FAMILIES_PER_LANGUAGE = {"lincoln-elementary": 34, "rosa-parks-middle": 28, "harbor-view-high": 25}
WEIGHTS = {"es": 3.0, "en": 1.5, "ar": 1.5, "zh-hans": 1.4, "bn": 1.2, "ht": 1.2}
WEEKS = 52
# Area codes for the families' fictional numbers (212 555 0100 is the demo parent's).
AREA_CODES = [718, 917, 347, 646, 929, 201, 973, 862, 551, 914, 516, 631, 845, 732, 908, 609]
# Reminders by channel: the share of families that chose it, and the share that failed.
CHANNELS = [(Channel.SMS, 0.65, 0.04), (Channel.EMAIL, 0.2, 0.12), (Channel.VOICE, 0.1, 0.15)]
STATEMENTS = {
    "en": "I would like to help new families feel welcome at the school.",
    "es": "Me gustaría ayudar a que las familias nuevas se sientan bienvenidas en la escuela.",
    "ar": "أود أن أساعد العائلات الجديدة على الشعور بالترحيب في المدرسة.",
    "bn": "আমি নতুন পরিবারগুলোকে স্কুলে স্বাগত বোধ করাতে সাহায্য করতে চাই।",
    "fr": "J'aimerais aider les nouvelles familles à se sentir bien accueillies à l'école.",
    "ht": "Mwen ta renmen ede nouvo fanmi yo santi yo byenveni nan lekòl la.",
    "ko": "새로 온 가족들이 학교에서 환영받는다고 느끼도록 돕고 싶습니다.",
    "ru": "Я хочу помочь новым семьям почувствовать себя в школе как дома.",
    "sq": "Dua të ndihmoj familjet e reja të ndihen të mirëpritura në shkollë.",
    "tl": "Gusto kong tulungan ang mga bagong pamilya na maging komportable sa paaralan.",
    "uk": "Я хочу допомогти новим родинам відчути, що в школі їм раді.",
    "ur": "میں نئے خاندانوں کی مدد کرنا چاہتی ہوں تاکہ وہ اسکول میں خوش آمدید محسوس کریں۔",
    "uz": "Men yangi oilalarga maktabga moslashishda yordam bermoqchiman.",
    "zh-hans": "我想帮助新家庭在学校感到受欢迎。",
    "zh-hant": "我想幫助新家庭在學校感到受歡迎。",
}


def exists(district) -> bool:
    """Whether the history is there: a check-in at a past event of the district (the demo's
    upcoming events never have one, so only the history makes it)."""
    return Rsvp.objects.filter(
        event__district=district, event__ends_at__lt=timezone.now(), arrived_at__isnull=False
    ).exists()


def build(district, schools, desk, helper, partner, texts) -> dict[str, int]:
    """Writes the history; returns how many rows of each kind it made."""
    rng = random.Random(12)
    now = timezone.now()
    families = _families(schools, helper, partner, rng, now)
    events = _past_events(district, schools, partner, texts, rng, now)
    answers = _answers(events, families, desk, rng)
    made = {
        "families": sum(len(group) for group in families.values()),
        "past events": len(events),
        "answers": len(answers),
        "walk-ins": _walk_ins(events, rng),
        "reminders": _reminders(answers, rng, now),
        "applications": _applications(schools[0], families, rng, now),
        "answers to upcoming events": _upcoming_answers(district, families, rng, now),
        "requests to join": _join_requests(schools, families, rng, now),
    }
    return made


def _families(schools, helper, partner, rng, now):
    """{(school id, language): [Family]}, each with a pass and a confirmed membership."""
    rows, keys = [], []
    for school in schools:
        for code in LANGUAGE_CODES:
            size = round(FAMILIES_PER_LANGUAGE[school.slug] * WEIGHTS.get(code, 1.0))
            for index in range(size):
                # Two in five registered in the last 90 days, one in the 90 before, the rest
                # earlier: the reports compare a period with the one before it.
                days = [
                    rng.randint(1, 88),
                    rng.randint(1, 88),
                    rng.randint(92, 178),
                    rng.randint(182, 540),
                    rng.randint(182, 540),
                ][index % 5]
                created = now - timedelta(days=days, hours=rng.randint(0, 10))
                helped = school.slug != "harbor-view-high" and rng.random() < 0.12
                wants = code != "en" and rng.random() < 0.5
                roll, channel = rng.random(), Channel.NONE
                for option, share, _failed in CHANNELS:
                    if roll < share:
                        channel = option
                        break
                    roll -= share
                rows.append(
                    Family(
                        display_name=family_name(code, rng),
                        language=code,
                        channel=channel,
                        wants_interpreter=wants,
                        interpreter_language=code if wants else "",
                        registered_by=helper if helped else None,
                        registered_by_partner=partner if helped else None,
                        consent_at=created if helped else None,
                        created_at=created,
                        # Active in the last four months, like families who answer
                        # invitations: the retention task warns none of them.
                        last_active_at=now - timedelta(days=rng.randint(0, min(days, 120))),
                    )
                )
                keys.append((school, code))
    _logins(rows)
    Family.objects.bulk_create(rows, batch_size=1000)
    FamilyPass.objects.bulk_create(
        (FamilyPass(family=f, issued_at=f.created_at) for f in rows), batch_size=1000
    )
    via = {True: Membership.Via.PARTNER, False: Membership.Via.JOIN_CODE}
    Membership.objects.bulk_create(
        (
            Membership(
                family=family,
                school=school,
                status=Membership.Status.CONFIRMED,
                via=via[family.registered_by_partner is not None],
                created_at=family.created_at,
                decided_at=family.created_at,
            )
            for family, (school, _code) in zip(rows, keys, strict=True)
        ),
        batch_size=1000,
    )
    groups: dict = {}
    for family, (school, code) in zip(rows, keys, strict=True):
        groups.setdefault((school.pk, code), []).append(family)
    return groups


def _logins(families):
    """A login with the phone or email each family gave (fictional: 555-01xx numbers, the
    example.org domain), so what staff see agrees with how the family is reached."""
    users, phones = [], 0
    for n, family in enumerate(families):
        if family.channel == Channel.NONE:
            continue
        phone = email = None
        if family.channel == Channel.EMAIL:
            email = f"family{n}@example.org"
        else:
            phone = f"+1{AREA_CODES[phones // 100]}55501{phones % 100:02d}"
            phones += 1
        family.user = User(
            name=family.display_name,
            phone=phone,
            phone_verified=phone is not None,
            email=email,
            password="!",  # noqa: S106 (unusable: families log in with a code)
            date_joined=family.created_at,
        )
        users.append(family.user)
    User.objects.bulk_create(users, batch_size=1000)


def _localized(field, values):
    return {build_localized_fieldname(field, code): text for code, text in values.items()}


def _past_events(district, schools, partner, texts, rng, now):
    """Each school's family night every two weeks (the schools on different weeks, so every
    week of the year has events) and the district's summit every four weeks."""
    today = timezone.localtime(now).replace(hour=18, minute=0, second=0, microsecond=0)
    titles = {c: [e["title"] for e in t["events"]] for c, t in texts.items()}
    descriptions = {c: [e["description"] for e in t["events"]] for c, t in texts.items()}
    places = {c: [e["place"] for e in t["events"]] for c, t in texts.items()}
    plans = []
    for number, school in enumerate(schools):
        for fortnight in range(WEEKS // 2):
            kind, text = [(Event.Kind.MEETING, 0), (Event.Kind.WORKSHOP, 1)][fortnight % 2]
            start = today - timedelta(days=3 + 5 * number + 14 * fortnight)
            plans.append((school, start, kind, text))
    for month in range(WEEKS // 4):
        plans.append((None, today - timedelta(days=10 + 28 * month), Event.Kind.SUMMIT, 2))
    events = []
    for index, (school, start, kind, text) in enumerate(plans):
        events.append(
            Event(
                district=district,
                school=school,
                kind=kind,
                **_localized("title", {c: t[text] for c, t in titles.items()}),
                **_localized("description", {c: d[text] for c, d in descriptions.items()}),
                **_localized("place", {c: p[text] for c, p in places.items()}),
                title=titles["en"][text],
                place=places["en"][text],
                address=school.address if school else "10 Main Street, Riverside",
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                capacity=None,
                # Every fifth event had no childcare, so some requests were not met.
                childcare=index % 5 != 4,
                food=True,
                accessible=True,
                status=Event.Status.PUBLISHED,
                created_at=start - timedelta(days=30),
            )
        )
    Event.objects.bulk_create(events)
    Event.partners.through.objects.bulk_create(
        Event.partners.through(event=event, partner=partner)
        for index, event in enumerate(events)
        if index % 3 == 0 and event.school_id != schools[-1].pk
    )
    return events


def _answers(events, families, desk, rng):
    """At each event some language groups came: each group 0 or at least 20 answers, of
    which at least 10 came and at least 10 did not, and 0 or at least 10 asked for an
    interpreter, so that an event's figures by language can be shown too. The Spanish
    speakers, the largest group, come to every event and in numbers that follow their
    share of the families; the other groups to some."""
    rsvps = []
    others = [code for code in LANGUAGE_CODES if code != "es"]
    for index, event in enumerate(events):
        if event.school_id:
            pools = {c: families[(event.school_id, c)] for c in LANGUAGE_CODES}
            languages = ["es", *rng.sample(others, rng.randint(5, 8))]
        else:
            pools = {
                c: [f for (_s, code), group in families.items() if code == c for f in group]
                for c in LANGUAGE_CODES
            }
            languages = ["es", *rng.sample(others, rng.randint(9, 13))]
        asking = []
        for code in languages:
            pool = pools[code]
            if code == "es":
                going = rng.randint(max(20, len(pool) // 4), max(20, len(pool) * 2 // 5))
            else:
                going = rng.randint(20, min(34, len(pool)))
            # Most who answered came (10 or more did not, so the split can be shown).
            came = rng.randint(min(round(going * 0.6), going - 10), going - 10)
            asks = code != "en" and rng.random() < 0.6
            asked = rng.randint(10, max(10, going // 2)) if asks else 0
            if asked:
                asking.append(code)
            for number, family in enumerate(rng.sample(pool, going)):
                arrived = (
                    event.starts_at + timedelta(minutes=rng.randint(-10, 40))
                    if number < came
                    else None
                )
                rsvps.append(
                    Rsvp(
                        event=event,
                        family=family,
                        status=Rsvp.Status.GOING,
                        adults=rng.choice((1, 1, 2)),
                        children=rng.choice((0, 1, 1, 2, 3)),
                        needs_interpreter=number >= going - asked,
                        interpreter_language=code if number >= going - asked else "",
                        needs_childcare=rng.random() < 0.3,
                        queued_at=event.starts_at - timedelta(days=rng.randint(1, 20)),
                        arrived_at=arrived,
                        checked_in_by=desk if arrived and event.school_id else None,
                    )
                )
        # An interpreter in every language asked for, but at every third event one was
        # missing (never Spanish: the district has Spanish interpreters on staff), so the
        # reports show requests met and not met.
        offered = list(asking)
        missing = [code for code in asking if code != "es"]
        if index % 3 == 0 and missing:
            offered.remove(rng.choice(missing))
        event.interpreter_languages = offered
    Event.objects.bulk_update(events, ["interpreter_languages"])
    Rsvp.objects.bulk_create(rsvps, batch_size=2000)
    return rsvps


def _walk_ins(events, rng) -> int:
    rows = []
    for event in events[::2]:
        for _ in range(rng.randint(4, 7)):
            code = rng.choice(LANGUAGE_CODES)
            rows.append(
                WalkIn(
                    event=event,
                    name=rng.choice(NAMES[code]["mothers"] + NAMES[code]["fathers"]),
                    language=code,
                    people=rng.randint(1, 4),
                    arrived_at=event.starts_at + timedelta(minutes=rng.randint(0, 30)),
                )
            )
    WalkIn.objects.bulk_create(rows)
    return len(rows)


def _reminders(rsvps, rng, now) -> int:
    """One reminder two days before, by the family's channel; a few failed. The messages of
    events past the retention period are only counts (MessageCount), as events.tasks leaves
    them."""
    failure = {channel: failed for channel, _share, failed in CHANNELS}
    cutoff = now - timedelta(days=settings.EVENT_RETENTION_DAYS)
    rows, kept = [], {}
    for rsvp in rsvps:
        family = rsvp.family
        if family.channel not in failure:
            continue
        due = rsvp.event.starts_at - timedelta(days=2)
        failed = rng.random() < failure[family.channel]
        status = Message.Status.FAILED if failed else Message.Status.SENT
        if rsvp.event.ends_at < cutoff:
            key = (rsvp.event_id, family.channel, status)
            kept[key] = kept.get(key, 0) + 1
            continue
        rows.append(
            Message(
                recipient=f"family:{family.pk}",
                channel=family.channel,
                language=family.language,
                kind="reminder",
                context={"event": rsvp.event_id},
                due_at=due,
                status=status,
                attempts=3 if failed else 1,
                last_error="The number does not take text messages." if failed else "",
                idempotency_key=f"demo:reminder:{rsvp.pk}:{family.channel}",
                created_at=rsvp.queued_at,
                sent_at=None if failed else due,
            )
        )
    Message.objects.bulk_create(rows, batch_size=2000)
    MessageCount.objects.bulk_create(
        MessageCount(event_id=event, kind="reminder", channel=channel, status=status, count=n)
        for (event, channel, status), n in kept.items()
    )
    return len(rows) + sum(kept.values())


def _applications(school, families, rng, now) -> int:
    """Applications to the school's welcoming committee, most in the last 90 days."""
    committee = Committee.objects.filter(school=school, kind=Committee.Kind.WELCOMING).first()
    if committee is None:
        return 0
    pool = [f for (pk, _c), group in families.items() if pk == school.pk for f in group]
    rows = [
        SeatApplication(
            committee=committee,
            family=family,
            statement=STATEMENTS[family.language],
            language=family.language,
            wants_partner_help=rng.random() < 0.3,
            created_at=now - timedelta(days=rng.randint(1, 80) if n < 16 else rng.randint(95, 170)),
        )
        for n, family in enumerate(rng.sample(pool, 24))
    ]
    SeatApplication.objects.bulk_create(rows)
    return len(rows)


def _upcoming_answers(district, families, rng, now) -> int:
    """Answers to the upcoming events: the small workshop is full and has a waiting list,
    the others have places left."""
    rows = []
    for event in Event.objects.filter(district=district, starts_at__gt=now):
        pool = [
            f
            for (school_id, _c), group in families.items()
            if event.school_id in (None, school_id)
            for f in group
        ]
        room = event.capacity or 200
        full = room <= 20
        free, target, waiting = room, room if full else room * 3 // 4, 0
        for family in rng.sample(pool, len(pool)):
            people = rng.choice((1, 2, 2, 3))
            going = people <= free and room - free < target
            if not going and not full:
                break
            if not going and waiting == 4:
                break
            free -= people if going else 0
            waiting += 0 if going else 1
            rows.append(
                Rsvp(
                    event=event,
                    family=family,
                    status=Rsvp.Status.GOING if going else Rsvp.Status.WAITLISTED,
                    adults=1,
                    children=people - 1,
                    needs_interpreter=family.wants_interpreter,
                    interpreter_language=family.interpreter_language,
                    needs_childcare=people > 1 and rng.random() < 0.4,
                    queued_at=now - timedelta(hours=rng.randint(1, 200)),
                )
            )
    Rsvp.objects.bulk_create(rows)
    return len(rows)


def _join_requests(schools, families, rng, now) -> int:
    """Families of one school asking to join another (a younger child starting there): the
    requests wait for the staff of Lincoln and Rosa Parks."""
    lincoln, rosa_parks = schools[0], schools[1]
    rows = []
    for here, there in ((lincoln, rosa_parks), (rosa_parks, lincoln)):
        pool = [f for (pk, _c), group in families.items() if pk == here.pk for f in group]
        rows += [
            Membership(
                family=family,
                school=there,
                status=Membership.Status.REQUESTED,
                via=Membership.Via.REQUEST,
                created_at=now - timedelta(hours=rng.randint(2, 120)),
            )
            for family in rng.sample(pool, 6)
        ]
    Membership.objects.bulk_create(rows)
    return len(rows)
