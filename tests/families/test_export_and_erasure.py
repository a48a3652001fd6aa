"""RELIABILITY F3, F4 (issue 11, point 5): the export holds every kind of row that names a
family; erasure leaves no copy of it in any table or cache key, gives its places to the
waiting list, and breaks no staff page."""

import hashlib
import json
from datetime import date, timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.adapter import fingerprint
from committees import services as seat_services
from committees.models import Committee, Seat, SeatApplication
from conversations import services as conversation_services
from conversations.models import ThreadMessage
from events import services as event_services
from events.models import Rsvp
from events.services import Party
from families.models import Family
from families.services import erase_family, send_feedback
from messaging.models import Message
from reports.models import RsvpCount
from schools.models import Status
from signups import services as conference_services
from signups.models import Availability
from tests.conftest import deliver_now
from tests.events.conftest import make_event
from tests.families.conftest import database_hits, last_code, make_family
from tests.signups.conftest import make_day

pytestmark = [pytest.mark.django_db, pytest.mark.pg, pytest.mark.redis]

# "~" is in no random token (CSRF, session key, feed token, pass id), so a hit is real.
X, Y = "QXJ~", "QYK~"
X_PHONE, Y_PHONE = "+12125550131", "+12125550132"
X_EMAIL, Y_EMAIL = "qxj~mail@example.org", "qyk~mail@example.org"


def committee(school, name):
    return Committee.objects.create(
        school=school,
        district=school.district,
        kind=Committee.Kind.WELCOMING,
        name=name,
        name_en=name,
        description="What members do.",
        description_en="What members do.",
        status=Status.PUBLISHED,
    )


def person(tag, phone, email, school):
    family = make_family(f"{tag}family name", school, phone=phone, email=email, language="es")
    family.user.name = f"{tag}login name"
    family.user.save()
    EmailAddress.objects.create(user=family.user, email=email, verified=True, primary=True)
    return family


@pytest.fixture
def world(school_a, staff_a):
    x = person(X, X_PHONE, X_EMAIL, school_a)
    y = person(Y, Y_PHONE, Y_EMAIL, school_a)
    waiting = make_family("Waiting family", school_a, phone="+12125550133")
    # Three places: X comes with two people, Y with one; the waiting family needs two.
    soon = make_event(school_a, capacity=3, interpreter_languages=["es"], title="Soon")
    event_services.rsvp(
        family=x,
        event=soon,
        party=Party(True, adults=2, needs_interpreter=True, other_needs=f"{X}wheelchair"),
    )
    event_services.rsvp(family=y, event=soon, party=Party(True, other_needs=f"{Y}needs"))
    event_services.rsvp(family=waiting, event=soon, party=Party(True, adults=2))
    assert Rsvp.objects.get(family=waiting).status == Rsvp.Status.WAITLISTED
    # An event already held: X came, and the reports count it.
    past = make_event(school_a, title="Past", starts_at=timezone.now() - timedelta(days=20))
    Rsvp.objects.create(
        event=past,
        family=x,
        status=Rsvp.Status.GOING,
        needs_childcare=True,
        other_needs=f"{X}past needs",
        arrived_at=past.starts_at,
    )
    # An event under way: X said it would come and has not arrived yet.
    now_on = make_event(school_a, title="Now", starts_at=timezone.now() - timedelta(minutes=30))
    Rsvp.objects.create(
        event=now_on, family=x, status=Rsvp.Status.GOING, other_needs=f"{X}door needs"
    )
    # Questions and stories join the family's conversation with the school; the school's
    # answer went out as a message; X asked for a call with an interpreter.
    question = send_feedback(
        school=school_a, family=x, kind="question", text=f"{X}question", anonymous=False
    )
    send_feedback(school=school_a, family=x, kind="story", text=f"{X}story", anonymous=False)
    send_feedback(school=school_a, family=y, kind="question", text=f"{Y}question", anonymous=False)
    conversation_services.answer(question.thread, text=f"{X}answer", by=staff_a, language="en")
    conversation_services.request_callback(
        family=x, school=school_a, thread=question.thread, note=f"{X}call me"
    )
    deliver_now()  # the confirmations and the answer are sent; reminders wait
    # Committees: X holds a seat with its name shown, and applied to a second committee.
    welcoming, leadership = committee(school_a, "Welcoming"), committee(school_a, "Leadership")
    seat = Seat.objects.create(
        committee=welcoming,
        label="Parent seat 1",
        term_start=date(2026, 9, 1),
        term_end=date(2027, 6, 30),
    )
    application = seat_services.apply_for_seat(
        family=x,
        committee=welcoming,
        statement=f"{X}my son has autism",
        wants_partner_help=True,
        show_name=True,
    )
    seat_services.select_member(application, seat)
    # A committee takes applications only while it has an open seat.
    Seat.objects.create(
        committee=leadership,
        label="Parent seat 1",
        term_start=date(2026, 9, 1),
        term_end=date(2027, 6, 30),
    )
    seat_services.apply_for_seat(
        family=x,
        committee=leadership,
        statement=f"{X}second statement",
        wants_partner_help=False,
        show_name=False,
    )
    seat_services.apply_for_seat(
        family=y,
        committee=leadership,
        statement=f"{Y}statement",
        wants_partner_help=False,
        show_name=True,
    )
    # X logs in with a code, as families do (allauth lists the session; rate-limit counters
    # named after the number go into the cache), and asks for its calendar address.
    family_client = Client()
    confirm = family_client.post("/en/accounts/login/code/", {"phone": X_PHONE})["Location"]
    family_client.post(confirm, {"code": last_code(X_PHONE)})
    assert family_client.get("/en/my/").status_code == 200
    family_client.post(reverse("events:new_feed"))
    feed = x.calendar_feed.token
    # Staff opened X's application in the admin (a history row names the family).
    staff_client = Client()
    staff_client.force_login(staff_a)
    staff_client.post(
        f"/admin/committees/seatapplication/{application.pk}/change/", {"_save": "Save"}
    )
    Client().post("/en/accounts/login/code/", {"phone": Y_PHONE})
    # X books a parent-teacher meeting by phone (its child's name with it), and offers to
    # interpret; another family's meeting has X as its interpreter (signups).
    day = make_day(school_a, interpreters=[("bn",)])
    first, second = list(day.slots.order_by("starts_at", "host_id"))[:2]
    conference_services.book(
        family=x,
        slot_id=first.pk,
        request=conference_services.Request(
            child_name=f"{X}child", child_class=f"{X}class", by_phone=True, phone=X_PHONE
        ),
    )
    offer = conference_services.offer_to_interpret(
        family=x, school=school_a, languages=["es"], note=f"{X}offer note"
    )
    offer.approved = True
    offer.save()
    Availability.objects.create(day=day, interpreter=offer, starts=day.starts, ends=day.ends)
    conference_services.book(
        family=y,
        slot_id=second.pk,
        request=conference_services.Request(interpreter_language="es"),
    )
    return {
        "x": x,
        "y": y,
        "waiting": waiting,
        "soon": soon,
        "past": past,
        "now_on": now_on,
        "seat": seat,
        "feed": reverse("events:feed", kwargs={"token": feed}),
        "family_client": family_client,
        "staff_client": staff_client,
        "x_user": x.user.pk,
    }


def erase(world):
    response = world["family_client"].post("/en/my/erase/", {"confirm": "yes"})
    assert response.status_code == 200


X_SENTINELS = [
    f"{X}family name",
    f"{X}login name",
    X_EMAIL,
    X_PHONE,
    f"{X}wheelchair",
    f"{X}past needs",
    f"{X}door needs",
    f"{X}question",
    f"{X}story",
    f"{X}answer",
    f"{X}call me",
    f"{X}my son has autism",
    f"{X}second statement",
    f"{X}child",
    f"{X}class",
    f"{X}offer note",
]


def test_export_has_every_kind_of_row_of_x_and_nothing_of_y(world):
    response = world["family_client"].get("/en/my/data.json")
    data = json.loads(response.content)
    text = json.dumps(data, ensure_ascii=False)
    missing = [s for s in X_SENTINELS if s not in text]
    assert missing == []
    assert "qyk~" not in text.lower() and "2125550132" not in text
    events = {row["event"]: row for row in data["events"]}
    assert events["Soon"]["status"] == "going" and events["Soon"]["people"] == 2
    assert events["Past"]["arrived"] is not None
    assert [s["seat"] for s in data["committee_seats"]] == ["Parent seat 1"]
    assert {a["committee"] for a in data["committee_applications"]} == {
        "Welcoming",
        "Leadership",
    }
    kinds = {(m["kind"], m["status"]) for m in data["messages_from_the_portal"]}
    assert {
        ("conversation_answer", "sent"),
        ("rsvp_going", "sent"),
        ("reminder", "queued"),
    } <= kinds
    assert data["calendar_feed"]["exists"] is True
    # The page shows the same, in the family's words.
    page = world["family_client"].get("/en/my/data/").content.decode()
    assert "Soon" in page and "Welcoming" in page


def redis_hits(needles):
    """Every key of the test's Redis db, and every string value, searched as bytes."""
    client = cache._cache.get_client(write=True)
    hits = []
    for key in client.scan_iter(count=1000):
        found = key.lower()
        if client.type(key) == b"string":
            found += b" " + (client.get(key) or b"").lower()
        hits += [(key, n) for n in needles if n.lower().encode() in found]
    return hits


def x_key_needles():
    """How the cache names X: hashes of its number and address (allauth's rate limits,
    our SMS caps), and its login's id."""
    needles = []
    for value in (X_PHONE, X_EMAIL):
        needles += [hashlib.sha256(value.lower().encode()).hexdigest(), fingerprint(value)]
    return needles


def test_erasure_leaves_no_copy_in_any_table_session_or_cache_key(world, settings):
    y = world["y"]
    assert redis_hits(x_key_needles()), "the scan must see the rate-limit keys"
    # X's own pages kept for it (portal.page_cache.personal_page) hold its name.
    settings.PAGE_CACHE_SECONDS = 60
    for url in ("/en/my/", "/en/my/", "/en/my/pass/"):  # the first shows a message: not kept
        world["family_client"].get(url)
    assert redis_hits([X]), "the scan must see X's kept pages"
    assert database_hits([X]), "the scan must see X's rows"
    erase(world)
    assert database_hits([X, "2125550131"]) == []
    assert redis_hits([X, "2125550131", *x_key_needles()]) == []
    for session in Session.objects.all():
        decoded = json.dumps(session.get_decoded()).lower()
        assert "qxj~" not in decoded and f'"{world["x_user"]}"' not in decoded
    # Y is untouched.
    y = Family.objects.get(pk=y.pk)
    assert y.display_name == f"{Y}family name" and y.user.email == Y_EMAIL
    assert Rsvp.objects.get(family=y).other_needs == f"{Y}needs"
    assert SeatApplication.objects.get(family=y).statement == f"{Y}statement"
    assert ThreadMessage.objects.get(thread__family=y).text == f"{Y}question"
    assert EmailAddress.objects.filter(user=y.user).exists()
    assert redis_hits([hashlib.sha256(Y_PHONE.encode()).hexdigest()])


def test_erasure_gives_the_places_to_the_waiting_family_who_is_told(world):
    waiting, soon = world["waiting"], world["soon"]
    erase(world)
    assert Rsvp.objects.get(family=waiting, event=soon).status == Rsvp.Status.GOING
    assert soon.people_going() == 3
    assert Message.objects.filter(
        recipient=f"family:{waiting.pk}", kind="promoted", context__event=soon.pk
    ).exists()
    # Nothing more waits for X; what was sent keeps no text.
    x_messages = Message.objects.filter(recipient=f"family:{world['x'].pk}")
    assert not x_messages.filter(status__in=["queued", "cancelled"]).exists()
    assert all("text" not in m.context and not m.provider_id for m in x_messages)


def test_erasure_keeps_the_counts_of_events_held(world):
    def counts():
        return sorted(
            RsvpCount.objects.filter(event__in=[world["past"], world["now_on"]]).values_list(
                "event_id", "language", "going", "attended", "childcare_asked"
            )
        )

    before = counts()
    erase(world)
    assert counts() == before
    assert Rsvp.objects.filter(family=world["x"], event=world["past"]).exists()


def test_erasure_opens_the_seat_and_ends_the_calendar_feed(world):
    assert Client().get(world["feed"]).status_code == 200
    erase(world)
    seat = Seat.objects.get(pk=world["seat"].pk)
    assert seat.holder is None and not seat.show_name
    assert not SeatApplication.objects.filter(family=world["x"]).exists()
    assert Client().get(world["feed"]).status_code == 404
    page = Client().get(seat.committee.get_absolute_url()).content.decode()
    assert "1 seat is open." in page


def test_staff_pages_still_open_after_an_erasure(world, front_desk_a):
    erase(world)
    staff = world["staff_client"]
    for url in (
        "/admin/events/rsvp/",
        f"/admin/events/event/{world['past'].pk}/change/",
        f"/admin/events/event/{world['now_on'].pk}/change/",
        f"/admin/events/event/{world['soon'].pk}/change/",
        "/admin/committees/seatapplication/",
        "/admin/families/family/",
        f"/en/events/{world['now_on'].pk}/door/",
        f"/en/events/{world['past'].pk}/",
        f"/en/events/{world['soon'].pk}/",
    ):
        assert staff.get(url).status_code == 200, url
    door = Client()
    door.force_login(front_desk_a)
    page = door.get(f"/en/events/{world['now_on'].pk}/door/").content.decode()
    assert "(erased)" in page
    assert Client().get(f"/en/events/{world['soon'].pk}/").status_code == 200


def rush(school):
    """Six places taken; twenty families wait in line; four of those going erase their
    data while two others say they will not come, all at the same moment."""
    from tests.events.test_concurrency import many_families

    event = make_event(school, capacity=6)
    # Each of a different language: the report counts' triggers lock one row per event and
    # language, which would queue same-language erasures even without the event's lock.
    going = [
        make_family(f"G{language}", language=language)
        for language in ("es", "ar", "bn", "fr", "ko", "ru")
    ]
    waiting = many_families(20, "W")
    for family in going + waiting:
        event_services.rsvp(family=family, event=event, party=Party(True))
    calls = [lambda f=f: erase_family(f) for f in going[:4]]
    calls += [lambda f=f: event_services.cancel_rsvp(family=f, event=event) for f in going[4:]]
    return event, waiting, calls


def served_in_order(event, waiting):
    statuses = [Rsvp.objects.get(event=event, family=f).status for f in waiting]
    return event.people_going() == 6 and statuses == ["going"] * 6 + ["waitlisted"] * 14


@pytest.mark.django_db(transaction=True)
def test_erasures_during_a_rush_give_each_place_once_and_in_line(school_a):
    from tests.events.test_concurrency import run_together

    event, waiting, calls = rush(school_a)
    assert run_together(calls, workers=6) == []
    assert served_in_order(event, waiting)


@pytest.mark.django_db(transaction=True)
def test_the_harness_sees_the_rush_go_wrong_without_the_lock(school_a, settings):
    """Control: erasure takes the event's lock (events.services._locked_event); with it
    switched off, every erasure counts one free place at once and they all seat the same
    first family, so places stay empty while families wait."""
    from tests.events.test_concurrency import run_together

    settings.EVENTS_SKIP_LOCK_FOR_TESTS = True
    event, waiting, calls = rush(school_a)
    run_together(calls, workers=6)
    assert not served_in_order(event, waiting)


def test_erasure_goes_through_while_redis_is_down(client, school_a, settings):
    from django.core.cache import caches

    family = make_family(f"{X}family name", school_a, phone=X_PHONE)
    client.force_login(family.user)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    assert client.post("/en/my/erase/", {"confirm": "yes"}).status_code == 200
    del settings.CACHES
    caches.close_all()
    assert Family.objects.get(pk=family.pk).erased_at is not None
