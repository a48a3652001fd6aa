"""RELIABILITY B1, B3, B6: login codes cannot be guessed, and what texts cost is bounded.

A code is issued only when it is sent; wrong codes are capped per number and per address,
with a day of guessing simulated by time travel; only mobile numbers of allowed countries
are texted or called; a daily budget stops codes to unconfirmed numbers first.
"""

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from accounts.models import User
from families.models import Family
from messaging import sms
from messaging.models import Message
from tests.conftest import deliver_now
from tests.families.conftest import last_code, make_family

pytestmark = pytest.mark.django_db
PHONE = "+12125550123"
# 00:05 in the portal's time zone: the whole simulated day fits in the same calendar day.
DAY = datetime(2030, 3, 4, 0, 5, tzinfo=ZoneInfo("America/New_York"))
REQUEST = "/en/accounts/login/code/"
CONFIRM = "/en/accounts/login/code/confirm/"


@pytest.fixture(autouse=True)
def no_calls_yet():
    sms.calls.clear()
    yield
    sms.calls.clear()


@pytest.fixture
def parent(school_a):
    return make_family("ZZS Parent", school_a, phone=PHONE)


def texts_to(phone):
    return [m["text"] for m in sms.outbox if m["to"] == phone]


def guess(client, tries, url=CONFIRM):
    """Post wrong codes; returns how many were checked (answered with anything but 429)."""
    checked = 0
    for _ in range(tries):
        if client.post(url, {"code": "000000"}).status_code == 429:
            break
        checked += 1
    return checked


# Point 2: no code that is not sent ---------------------------------------------------------


def test_past_the_numbers_daily_cap_no_code_is_issued_and_the_visitor_is_told(settings, parent):
    settings.SMS_MAX_PER_NUMBER_PER_DAY = 2
    with time_machine.travel(DAY, tick=False) as traveller:
        for minute in range(2):
            traveller.move_to(DAY + timedelta(minutes=minute))
            assert Client().post(REQUEST, {"phone": PHONE}).status_code == 302
        traveller.move_to(DAY + timedelta(minutes=5))
        attacker = Client()
        response = attacker.post("/es/accounts/login/code/", {"phone": PHONE})
        assert response.status_code == 429
        page = response.content.decode()
        assert "Demasiados códigos hoy" in page and "mañana" in page
        assert len(texts_to(PHONE)) == 2
        # No code waits to be guessed: the code page sends the visitor back to the start.
        response = attacker.post(CONFIRM, {"code": "123456"})
        assert response.status_code == 302 and "confirm" not in response["Location"]


def test_an_unknown_number_gets_the_same_answer_at_the_cap(settings, parent):
    """The cap counts requests for unknown numbers too, or it would tell which are registered."""
    settings.SMS_MAX_PER_NUMBER_PER_DAY = 2
    answers = {}
    with time_machine.travel(DAY, tick=False) as traveller:
        for phone in (PHONE, "+12125550999"):
            statuses = []
            for minute in range(3):
                traveller.move_to(DAY + timedelta(minutes=minute))
                statuses.append(Client().post(REQUEST, {"phone": phone}).status_code)
            answers[phone] = statuses
    assert answers[PHONE] == answers["+12125550999"] == [302, 302, 429]


# Point 2: a day of guessing ----------------------------------------------------------------


@pytest.mark.parametrize("spread", [False, True], ids=["one-address", "many-addresses"])
def test_a_day_of_guessing_checks_at_most_ten_codes_and_the_family_is_told_once(
    settings, parent, spread
):
    """Every 15 minutes for a whole day an attacker asks for a code for the family's number
    and tries three wrong ones, from one address or from a new address each time."""
    checked = 0
    with time_machine.travel(DAY, tick=False) as traveller:
        for step in range(96):
            traveller.move_to(DAY + timedelta(minutes=15 * step))
            address = f"10.66.{step}.9" if spread else "10.66.0.9"
            attacker = Client(REMOTE_ADDR=address)
            if attacker.post(REQUEST, {"phone": PHONE}).status_code != 302:
                continue
            checked += guess(attacker, 3)
        assert checked <= 10  # LOGIN_CODE_MAX_WRONG_PER_NUMBER; the promise says at most 30
        # The family itself gets no code for the rest of the day, and is told why.
        traveller.move_to(DAY + timedelta(hours=23, minutes=50))
        sent_before = len(texts_to(PHONE))
        response = Client(REMOTE_ADDR="10.1.2.3").post(REQUEST, {"phone": PHONE})
        assert response.status_code == 429 and "Too many codes today" in response.content.decode()
        assert len(texts_to(PHONE)) == sent_before
        deliver_now()
    notices = [text for text in texts_to(PHONE) if "wrong codes" in text]
    assert len(notices) == 1, texts_to(PHONE)
    assert "paused until tomorrow" in notices[0]

    # The next day the family logs in as usual.
    with time_machine.travel(DAY + timedelta(days=1, hours=8), tick=False):
        family = Client(REMOTE_ADDR="10.1.2.3")
        response = family.post(REQUEST, {"phone": PHONE})
        assert response.status_code == 302
        family.post(response["Location"], {"code": last_code(PHONE)})
        assert family.get("/en/my/").status_code == 200


def test_the_right_code_is_refused_once_the_number_is_paused(parent):
    family = Client(REMOTE_ADDR="10.1.2.3")
    with time_machine.travel(DAY, tick=False) as traveller:
        confirm = family.post(REQUEST, {"phone": PHONE})["Location"]
        code = last_code(PHONE)
        # Ten wrong codes for the number from other browsers within the code's three minutes.
        for step in range(1, 5):
            traveller.move_to(DAY + timedelta(seconds=30 * step))
            attacker = Client(REMOTE_ADDR=f"10.66.{step}.9")
            attacker.post(REQUEST, {"phone": PHONE})
            guess(attacker, 3)
        traveller.move_to(DAY + timedelta(seconds=150))
        response = family.post(confirm, {"code": code})
        assert response.status_code == 429
        assert family.get("/en/my/").status_code == 302  # not logged in
        deliver_now()
    assert len([t for t in texts_to(PHONE) if "wrong codes" in t]) == 1


def test_wrong_codes_from_one_address_are_capped(settings):
    """Spraying many numbers from one address: after LOGIN_CODE_MAX_WRONG_PER_IP wrong codes
    that address checks no more codes today, whatever the number."""
    checked = 0
    last = None
    with time_machine.travel(DAY, tick=False) as traveller:
        for step in range(12):
            traveller.move_to(DAY + timedelta(minutes=5 * step))
            attacker = Client(REMOTE_ADDR="10.77.0.1")
            last = attacker.post(
                "/es/accounts/login/code/", {"phone": f"+1212555{4000 + step:04d}"}
            )
            if last.status_code != 302:
                continue
            checked += guess(attacker, 3, url="/es/accounts/login/code/confirm/")
        assert checked == 30  # LOGIN_CODE_MAX_WRONG_PER_IP
        assert last.status_code == 429 and "Demasiados códigos hoy" in last.content.decode()
        # Another address is not affected.
        other = Client(REMOTE_ADDR="10.77.0.2").post(REQUEST, {"phone": "+12125554999"})
        assert other.status_code == 302


def test_the_limits_follow_the_real_address_behind_the_proxy(settings):
    """With one trusted proxy, a made-up X-Forwarded-For does not give a fresh allowance."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    checked = 0
    with time_machine.travel(DAY, tick=False) as traveller:
        for step in range(12):
            traveller.move_to(DAY + timedelta(minutes=5 * step))
            attacker = Client(HTTP_X_FORWARDED_FOR=f"1.2.3.{step}, 10.0.0.9")
            if attacker.post(REQUEST, {"phone": f"+1212555{4000 + step:04d}"}).status_code == 302:
                checked += guess(attacker, 3)
    assert checked == 30  # LOGIN_CODE_MAX_WRONG_PER_IP, not 36


def test_a_short_forwarded_chain_is_counted_not_a_500(settings):
    """With two trusted proxies, a request whose X-Forwarded-For names one address did not
    come through both; allauth raised ImproperlyConfigured (a 500) on it."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    client = Client(HTTP_X_FORWARDED_FOR="1.2.3.4")
    response = client.post(REQUEST, {"phone": "+12125554999"})
    assert response.status_code == 302


# Point 2: every RateLimited is a 429 page in the visitor's language ---------------------------


def test_a_rate_limit_inside_a_sign_up_is_a_429_page_not_a_500(client):
    """allauth raises RateLimited (not a response) when a fourth phone is verified from one
    address in a minute; that used to escape as a 500."""
    with time_machine.travel(DAY, tick=False):
        for i in range(3):
            response = Client().post(
                "/ar/accounts/signup/",
                {
                    "display_name": f"P{i}",
                    "language": "ar",
                    "phone": f"+1212555{6100 + i:04d}",
                    "channel": "sms",
                },
            )
            assert response.status_code == 302
        response = Client().post(
            "/ar/accounts/signup/",
            {"display_name": "P4", "language": "ar", "phone": "+12125556104", "channel": "sms"},
        )
    assert response.status_code == 429
    page = response.content.decode()
    assert 'dir="rtl"' in page and "محاولات كثيرة جدًا" in page


# Point 3: only mobile numbers of allowed countries ------------------------------------------


def test_sign_up_with_a_number_from_another_country_is_refused(client):
    response = client.post(
        "/es/accounts/signup/",
        {"display_name": "Ana", "language": "es", "phone": "+252 61 234 5678", "channel": "sms"},
    )
    assert response.status_code == 200
    assert "Solo podemos enviar mensajes de texto a celulares de este país" in (
        response.content.decode()
    )
    assert not User.objects.filter(phone="+252612345678").exists()
    assert sms.outbox == []


def test_login_code_to_a_premium_number_is_refused(client):
    response = client.post("/es/accounts/login/code/", {"phone": "+1 900 555 1234"})
    assert response.status_code == 200
    assert "No podemos enviar mensajes de texto a este tipo de número" in (
        response.content.decode()
    )
    assert sms.outbox == []


def test_a_phone_change_to_a_premium_number_is_refused(client, parent):
    confirm = client.post(REQUEST, {"phone": PHONE})["Location"]
    client.post(confirm, {"code": last_code(PHONE)})
    sms.outbox.clear()
    response = client.post("/es/accounts/phone/change/", {"phone": "+1 900 555 1234"})
    assert response.status_code == 200
    assert "No podemos enviar mensajes de texto a este tipo de número" in (
        response.content.decode()
    )
    assert User.objects.get(pk=parent.user_id).phone == PHONE
    assert sms.outbox == []


def test_assisted_registration_refuses_a_number_we_cannot_text(client, partner_staff_a, school_a):
    client.force_login(partner_staff_a)
    response = client.post(
        "/en/assist/",
        {
            "display_name": "Fatima",
            "language": "ar",
            "channel": "sms",
            "phone": "+252 61 234 5678",
            "school": school_a.pk,
            "consent": "on",
        },
    )
    assert response.status_code == 200
    assert "We can only send text messages to mobile numbers from this country" in (
        response.content.decode()
    )
    assert not Family.objects.filter(display_name="Fatima").exists()
    deliver_now()
    assert sms.outbox == []


def test_a_family_with_a_number_we_cannot_text_cannot_choose_texts_or_calls(client, school_a):
    # A number saved before the rule (or by hand in the admin).
    family = make_family("Old number", school_a, phone="+252612345678")
    client.force_login(family.user)
    for channel in ("sms", "voice"):
        response = client.post(
            "/en/my/profile/",
            {"display_name": "Old number", "language": "en", "channel": channel},
        )
        assert response.status_code == 200
        assert "We cannot send text messages or calls to your number" in (response.content.decode())


@pytest.mark.parametrize("channel", ["sms", "voice"])
def test_the_outbox_never_texts_or_calls_a_number_we_cannot_text(school_a, channel):
    from families.services import notify

    family = make_family("Premium", school_a, phone="+19005551234")
    Family.objects.filter(pk=family.pk).update(channel=channel)
    notify(family, lambda: "Hello")
    deliver_now()
    deliver_now()  # the channel the family accepts next
    assert sms.outbox == [] and sms.calls == []
    statuses = set(Message.objects.filter(kind="notice").values_list("status", flat=True))
    assert statuses == {Message.Status.FAILED}


def test_allowed_countries_come_from_the_setting(client, settings):
    settings.SMS_ALLOWED_COUNTRIES = ["US", "MX"]
    response = client.post(
        "/es/accounts/signup/",
        {"display_name": "Ana", "language": "es", "phone": "+52 55 1234 5678", "channel": "sms"},
    )
    assert response.status_code == 302
    assert [m["to"] for m in sms.outbox] == ["+525512345678"]


# Point 3: the daily budget -------------------------------------------------------------------


def test_past_the_daily_budget_codes_to_new_numbers_stop_first(settings, school_a, caplog):
    from events.services import Party, cancel_event, rsvp
    from tests.events.conftest import make_event

    settings.SMS_DAILY_BUDGET = 2
    settings.SMS_DAILY_HARD_LIMIT = 4
    caplog.set_level(logging.INFO)
    phones = [f"+1212555{5000 + i:04d}" for i in range(6)]
    families = [make_family(f"P{i}", school_a, phone=phone) for i, phone in enumerate(phones)]

    def login_code(i):
        return Client(REMOTE_ADDR=f"10.5.0.{i}").post(REQUEST, {"phone": phones[i]})

    with time_machine.travel(DAY + timedelta(hours=9), tick=False):
        assert [login_code(i).status_code for i in (0, 1)] == [302, 302]
        assert len(sms.outbox) == 2
        # The budget is spent: a sign-up (a number not yet confirmed) gets no code.
        response = Client().post(
            "/es/accounts/signup/",
            {"display_name": "New", "language": "es", "phone": "+12125556000", "channel": "sms"},
        )
        assert response.status_code == 429
        assert "Demasiados códigos hoy" in response.content.decode()
        assert len(sms.outbox) == 2
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert errors and "budget" in errors[0].getMessage()
        assert "6000" not in caplog.text and "5000" not in caplog.text
        # Families with a confirmed number still get codes, up to the hard limit.
        assert [login_code(i).status_code for i in (2, 3, 4)] == [302, 302, 429]
        assert len(sms.outbox) == 4
        # Past it, only what must go out goes: a cancelled event is told, a confirmation
        # waits for tomorrow; calls count against the same budget.
        Family.objects.filter(pk=families[5].pk).update(channel="voice")
        event = make_event(school_a)
        rsvp(family=families[5], event=event, party=Party(going=True))
        deliver_now()
        assert sms.calls == []
        waiting = Message.objects.get(kind="rsvp_going")
        assert waiting.status == Message.Status.QUEUED and waiting.due_at.date() > DAY.date()
        cancel_event(event)
        deliver_now()
        assert [c["to"] for c in sms.calls] == [phones[5]]
