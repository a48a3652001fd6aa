"""The outbox in one process: scheduling rules, rendering in every language within two SMS
segments, quiet hours, the claim, retries and the lease (RELIABILITY E1, E4, E5, E7)."""

import ast
import zoneinfo
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone, translation

from events import services
from events.models import Rsvp
from events.services import Party
from messaging import outbox, sms
from messaging.models import Message
from messaging.segments import is_gsm, segments
from messaging.tasks import claim, dispatch_due, expire_leases, send_message
from portal.languages import LANGUAGE_CODES
from tests.conftest import deliver_now
from tests.events.conftest import make_event
from tests.families.conftest import make_family

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def at_noon(days):
    return (timezone.now() + timedelta(days=days)).astimezone(NEW_YORK).replace(hour=12, minute=0)


def test_segment_counter_knows_gsm_and_unicode():
    assert segments("a" * 160) == 1 and segments("a" * 161) == 2 and segments("a" * 306) == 2
    assert segments("a" * 307) == 3
    assert segments("€" * 80) == 1 and segments("€" * 81) == 2  # extension characters count twice
    assert not is_gsm("مرحبا") and segments("م" * 70) == 1 and segments("م" * 71) == 2
    assert segments("🙂" * 35) == 1 and segments("🙂" * 36) == 2  # UTF-16 pairs


def test_typography_does_not_force_unicode_on_latin_texts():
    from messaging.segments import gsm_friendly

    assert gsm_friendly("Rappel : « Réunion » – l’école…") == 'Rappel : "Réunion" - l\'école...'
    assert is_gsm(gsm_friendly("Paalala: “Pulong”"))
    assert gsm_friendly("تذكير: «اجتماع»") == "تذكير: «اجتماع»"  # Arabic stays Unicode anyway


def test_going_gets_a_confirmation_now_and_two_reminders(school_a):
    event = make_event(school_a, starts_at=at_noon(5))
    family = make_family("Rina", school_a, phone="+12125550123")
    services.rsvp(family=family, event=event, party=Party(True))
    kinds = sorted(Message.objects.values_list("kind", flat=True))
    assert kinds == ["reminder", "reminder", "rsvp_going"]
    reminders = sorted(Message.objects.filter(kind="reminder").values_list("due_at", flat=True))
    assert reminders == [event.starts_at - timedelta(days=2), event.starts_at - timedelta(hours=3)]


def test_a_reminder_whose_time_has_passed_is_not_scheduled(school_a):
    event = make_event(school_a, starts_at=at_noon(1))  # "2 days before" is already past
    family = make_family("Rina", school_a, phone="+12125550123")
    services.rsvp(family=family, event=event, party=Party(True))
    assert Message.objects.filter(kind="reminder").count() == 1


def test_not_going_stops_the_reminders_and_answering_twice_does_not_duplicate(school_a):
    event = make_event(school_a, starts_at=at_noon(5))
    family = make_family("Rina", school_a, phone="+12125550123")
    services.rsvp(family=family, event=event, party=Party(True))
    services.rsvp(family=family, event=event, party=Party(True, adults=2))
    assert Message.objects.filter(kind="reminder", status="queued").count() == 2
    services.rsvp(family=family, event=event, party=Party(False, adults=0))
    assert Message.objects.filter(kind="reminder", status="queued").count() == 0


def test_messages_exist_only_if_the_answer_committed(school_a):
    event = make_event(school_a, starts_at=at_noon(5))
    family = make_family("Rina", school_a, phone="+12125550123")
    with pytest.raises(RuntimeError), transaction.atomic():
        services.rsvp(family=family, event=event, party=Party(True))
        raise RuntimeError("the view failed after the answer")
    assert not Rsvp.objects.exists() and not Message.objects.exists()


def test_texts_wait_for_the_morning(school_a, settings):
    settings.QUIET_HOURS = (21, 8)
    recipient = outbox.Recipient(
        key="family:1", language="en", channels=["sms"], phone="+1", time_zone="America/New_York"
    )
    night = datetime(2026, 12, 1, 23, 30, tzinfo=NEW_YORK)
    early = datetime(2026, 12, 2, 6, 0, tzinfo=NEW_YORK)
    day = datetime(2026, 12, 2, 13, 0, tzinfo=NEW_YORK)
    morning = datetime(2026, 12, 2, 8, 0, tzinfo=NEW_YORK)
    assert outbox.outside_quiet_hours(night, recipient.time_zone, "sms") == morning
    assert outbox.outside_quiet_hours(early, recipient.time_zone, "voice") == morning
    assert outbox.outside_quiet_hours(day, recipient.time_zone, "sms") == day
    assert outbox.outside_quiet_hours(night, recipient.time_zone, "email") == night


@pytest.mark.parametrize("language", [*LANGUAGE_CODES, "xx"])
def test_every_kind_renders_in_every_language_within_two_segments(school_a, language):
    long_title = ("Parent information evening about the new reading programme, homework help " * 2)[
        :119
    ]
    event = make_event(school_a, title=long_title, starts_at=at_noon(5))
    event.place = "Library, room 104"
    event.save()
    family = make_family(
        "Rina", school_a, phone="+12125550123", language=language if language != "xx" else "en"
    )
    from events.notices import KINDS, render

    for kind in KINDS:
        message = Message(
            kind=kind,
            language=language,
            context={"event": event.pk},
            recipient=f"family:{family.pk}",
        )
        from django.utils import translation

        with translation.override(language):
            text = render(message, None).sms
        assert text.strip(), (language, kind)
        assert segments(text) <= 2, (language, kind, len(text), text)
        # The link (long or short) is never cut; the place (its first part at least) only
        # when 25 characters of the title would not fit otherwise, and never from a change.
        assert f"/e/{event.pk}" in text or f"/events/{event.pk}/" in text
        assert "Library" in text or kind != "event_changed"
        # The whole title, or the title shortened with an ellipsis; never the time or place.
        assert event.title in text or "…" in text or "..." in text


def test_sending_renders_in_the_familys_language_with_its_title(school_a):
    event = make_event(school_a, starts_at=at_noon(5))
    event.title_ar = "أمسية العائلات"
    event.save()
    family = make_family("Rina", school_a, phone="+12125550123", language="ar")
    services.rsvp(family=family, event=event, party=Party(True))
    deliver_now()
    (sent,) = sms.outbox
    assert sent["to"] == "+12125550123" and "أمسية العائلات" in sent["text"]
    assert f"/ar/events/{event.pk}/" in sent["text"]  # the page itself: the text has room
    assert sent["text"].endswith("أرسل 1 للحضور أو 2 للاعتذار.")  # and how to answer by reply
    assert Message.objects.get(kind="rsvp_going").status == "sent"


def test_an_email_has_a_plain_and_an_html_part_in_the_familys_language(school_a, mailoutbox):
    event = make_event(school_a, starts_at=at_noon(5), title="Family night")
    event.title_ar = "أمسية العائلات"
    event.description = "Dinner and games."  # no Arabic description yet: the note says so
    event.save()
    family = make_family("Rina", school_a, email="rina@example.org", language="ar")
    services.rsvp(family=family, event=event, party=Party(True))
    deliver_now()
    (mail,) = mailoutbox
    assert mail.to == ["rina@example.org"]
    assert "أمسية العائلات" in mail.subject and "أمسية العائلات" in mail.body
    ((html, mimetype),) = mail.alternatives
    assert mimetype == "text/html"
    assert 'lang="ar" dir="rtl"' in html
    assert "أمسية العائلات" in html and "Dinner and games." in html
    assert f'/ar/e/{event.pk}"' in html  # the link to the event page in Arabic
    assert "العربية" in html  # the fallback note names the language the reader chose
    assert Message.objects.get(kind="rsvp_going").status == "sent"


def test_english_in_an_email_is_marked_english_in_both_parts(school_a, mailoutbox):
    """An untranslated description is read by a screen reader in English and laid out
    left-to-right in an Arabic email, and the plain part says, in Arabic, that it is
    English (the reader of the text part sees no lang attribute)."""
    event = make_event(school_a, starts_at=at_noon(5), title="Family night")
    event.title_ar = "أمسية العائلات"
    event.description = "Dinner and games."
    event.save()
    family = make_family("Rina", school_a, email="rina@example.org", language="ar")
    services.rsvp(family=family, event=event, party=Party(True))
    deliver_now()
    (mail,) = mailoutbox
    ((html, _mimetype),) = mail.alternatives
    assert '<p style="margin:0 0 16px" lang="en" dir="ltr">Dinner and games.</p>' in html
    assert "<strong>أمسية العائلات</strong>" in html  # the Arabic title is not marked English
    note = "هذا الجزء غير متوفر بعد باللغة العربية. يظهر هنا باللغة الإنجليزية."
    assert note + "\n\nDinner and games." in mail.body


def test_an_event_email_and_call_name_the_school_in_the_familys_language(school_a, mailoutbox):
    from events.notices import render

    school_a.name_zh_hans = "甲学校"
    school_a.save()
    event = make_event(school_a, starts_at=at_noon(5), title="Family night")
    event.title_zh_hans = "家庭之夜"
    event.place_zh_hans = "图书馆"
    event.save()
    family = make_family("王", school_a, email="wang@example.org", language="zh-hans")
    services.rsvp(family=family, event=event, party=Party(True))
    deliver_now()
    (mail,) = mailoutbox
    assert mail.subject == "甲学校: 家庭之夜" and "图书馆" in mail.body
    assert "甲学校" in mail.alternatives[0][0] and "School A" not in mail.alternatives[0][0]
    message = Message.objects.get(kind="rsvp_going")
    with translation.override("zh-hans"):
        script = render(message, outbox.resolve(message.recipient)).voice
    assert script.startswith("甲学校.") and "School A" not in script


def test_a_call_reads_what_when_and_where_without_a_web_address(school_a):
    from events.notices import render

    event = make_event(school_a, starts_at=at_noon(5), title="Family night")
    family = make_family("Rina", school_a, phone="+12125550123", language="en")
    services.rsvp(family=family, event=event, party=Party(True))
    message = Message.objects.get(kind="rsvp_going")
    rendered = render(message, outbox.resolve(message.recipient))
    assert "Family night" in rendered.voice and event.place in rendered.voice
    assert school_a.name in rendered.voice
    assert "http" not in rendered.voice and "http" in rendered.sms


def test_a_message_is_claimed_once(school_a):
    family = make_family("Rina", school_a, phone="+12125550123")
    event = make_event(school_a, starts_at=at_noon(5))
    services.rsvp(family=family, event=event, party=Party(True))
    message = Message.objects.get(kind="rsvp_going")
    assert [claimed.pk for claimed in claim([message.pk])] == [message.pk]
    assert claim([message.pk]) == []
    assert send_message.run(message.pk) == "not-claimed"
    assert sms.outbox == []


def test_transient_errors_retry_with_backoff_then_send(school_a, settings):
    from tests.fakes import FlakySmsBackend

    settings.SMS_BACKEND = "tests.fakes.FlakySmsBackend"
    FlakySmsBackend.calls, FlakySmsBackend.failures = 0, 3
    family = make_family("Rina", school_a, phone="+12125550123")
    event = make_event(school_a, starts_at=at_noon(5))
    services.rsvp(family=family, event=event, party=Party(True))
    message = Message.objects.get(kind="rsvp_going")
    delays = []
    for _ in range(4):
        send_message.run(message.pk)
        message.refresh_from_db()
        if message.status == "queued":
            delays.append((message.due_at - timezone.now()).total_seconds())
            Message.objects.filter(pk=message.pk).update(due_at=timezone.now())
    assert message.status == "sent" and message.attempts == 4 and len(sms.outbox) == 1
    assert FlakySmsBackend.calls == 4
    # Exponential: 30, 60, 120 seconds, each with jitter between half and one and a half.
    for delay, base in zip(delays, (30, 60, 120), strict=True):
        assert 0.5 * base - 1 <= delay <= 1.5 * base + 1


def test_transient_errors_give_up_after_five_tries(school_a, settings):
    from tests.fakes import FlakySmsBackend

    settings.SMS_BACKEND = "tests.fakes.FlakySmsBackend"
    FlakySmsBackend.calls = -100  # never recovers
    family = make_family("Rina", school_a, phone="+12125550123")
    event = make_event(school_a, starts_at=at_noon(5))
    services.rsvp(family=family, event=event, party=Party(True))
    message = Message.objects.get(kind="rsvp_going")
    for _ in range(6):
        Message.objects.filter(pk=message.pk).update(due_at=timezone.now())
        send_message.run(message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 5)
    assert "gave up after 5 tries" in message.last_error


def test_permanent_errors_fail_at_once_and_fall_back_to_the_next_channel(school_a, settings):
    settings.SMS_BACKEND = "tests.fakes.RejectingSmsBackend"
    family = make_family("Rina", school_a, phone="+12125550123", email="rina@example.org")
    event = make_event(school_a, starts_at=at_noon(5))
    services.rsvp(family=family, event=event, party=Party(True))
    message = Message.objects.get(kind="rsvp_going")
    send_message.run(message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (
        "failed",
        1,
        "21211 invalid number",
    )
    fallback = Message.objects.get(kind="rsvp_going", channel="voice")
    send_message.run(fallback.pk)
    fallback.refresh_from_db()
    assert fallback.status == "sent"


def test_a_message_stuck_in_sending_becomes_unknown_and_is_never_resent(school_a):
    family = make_family("Rina", school_a, phone="+12125550123")
    event = make_event(school_a, starts_at=at_noon(5))
    services.rsvp(family=family, event=event, party=Party(True))
    message = Message.objects.get(kind="rsvp_going")
    claim([message.pk])  # a worker died right after claiming
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert expire_leases() == 1
        deliver_now()
    message.refresh_from_db()
    assert message.status == "unknown" and sms.outbox == []


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_once_hand_out_each_message_once(school_a, settings):
    """RELIABILITY E4: two scanners in parallel on 200 due messages (SKIP LOCKED)."""
    import threading

    import redis
    from django.db import connection

    from messaging.tasks import dispatch_batch
    from tests.messaging.test_chaos import many_messages

    many_messages(school_a, 200)
    start = threading.Barrier(2)
    handed = [[], []]

    def scanner(mine):
        start.wait()
        try:
            while batch := dispatch_batch(7, timezone.now(), timezone.now() - timedelta(hours=1)):
                mine.extend(batch)
        finally:
            connection.close()

    threads = [threading.Thread(target=scanner, args=(mine,)) for mine in handed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    redis.Redis.from_url(settings.REDIS_URL).flushdb()  # the published tasks: nobody consumes them
    assert handed[0] and handed[1], "both scanners took part"
    assert not set(handed[0]) & set(handed[1])
    assert sorted(handed[0] + handed[1]) == sorted(Message.objects.values_list("pk", flat=True))


def test_the_dispatcher_tops_up_to_the_in_flight_limit(school_a, settings):
    settings.MESSAGING_MAX_IN_FLIGHT = 25
    family = make_family("Rina", school_a, phone="+12125550123")
    for i in range(15):
        event = make_event(school_a, title=f"E{i}", starts_at=at_noon(5))
        services.rsvp(family=family, event=event, party=Party(True))
    assert Message.objects.filter(due_at__lte=timezone.now()).count() == 15
    Message.objects.update(due_at=timezone.now())  # 45: confirmations and both reminders
    with transaction.atomic():
        assert dispatch_due(batch_size=10) == 25  # three batches, the last one short
    with transaction.atomic():
        assert dispatch_due(batch_size=10) == 0  # none started yet: no room
    started = Message.objects.exclude(dispatched_at=None).values_list("pk", flat=True)[:5]
    Message.objects.filter(pk__in=list(started)).update(status="sent")  # five went out
    with transaction.atomic():
        assert dispatch_due(batch_size=10) == 5


def test_no_countdown_or_eta_longer_than_five_minutes_in_the_code():
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg in ("countdown", "eta"):
                value = node.value
                assert isinstance(value, ast.Constant) and value.value <= 300, (
                    f"{path}:{node.lineno}"
                )


def test_erasing_a_family_removes_its_messages(school_a):
    from families.services import erase_family

    family = make_family("Rina", school_a, phone="+12125550123")
    neighbour = make_family("Omar", school_a, phone="+12125550124")
    event = make_event(school_a, starts_at=at_noon(5))
    for someone in (family, neighbour):
        services.rsvp(family=someone, event=event, party=Party(True))
    hers = Message.objects.filter(recipient=f"family:{family.pk}")
    theirs = Message.objects.filter(recipient=f"family:{neighbour.pk}")
    # A confirmation and two reminders each, waiting in the outbox.
    assert hers.count() == theirs.count() == 3
    erase_family(family)
    assert not hers.exists()
    assert theirs.count() == 3  # only the erased family's


def test_families_get_at_most_three_messages_that_can_wait_a_day(school_a):
    family = make_family("Rina", school_a, phone="+12125550123")
    for i in range(5):
        services.rsvp(
            family=family,
            event=make_event(school_a, title=f"E{i}", starts_at=at_noon(9)),
            party=Party(True),
        )
    deliver_now()
    assert len(sms.outbox) == 3
    waiting = Message.objects.filter(kind="rsvp_going", status="queued")
    assert waiting.count() == 2
    assert all(m.due_at > timezone.now() + timedelta(hours=11) for m in waiting)
    # Reminders are not held back: their time is the point.
    Message.objects.filter(kind="reminder").update(due_at=timezone.now())
    deliver_now()
    assert Message.objects.filter(kind="reminder", status="sent").count() == 10


def test_answers_succeed_while_redis_is_down_and_go_out_when_it_is_back(client, school_a, settings):
    """The answer only writes to PostgreSQL; messages wait in the outbox for the broker."""
    from django.core.cache import caches

    family = make_family("Rina", school_a, phone="+12125550123")
    event = make_event(school_a, starts_at=at_noon(5))
    client.force_login(family.user)
    alive = settings.CACHES
    dead = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
    settings.CACHES = {"default": dead}
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.post(f"/en/events/{event.pk}/", {"going": "yes", "adults": 1, "children": 0})
    assert response.status_code == 302
    assert Rsvp.objects.get().status == "going"
    assert Message.objects.filter(status="queued").count() == 3
    # Assigning (not deleting) the setting makes Django reconnect the cache; the outbox's
    # daily budget for texts counts in it.
    settings.CACHES = alive
    caches.close_all()
    deliver_now()  # Redis is back: the dispatcher's work goes through
    assert len(sms.outbox) == 1 and Message.objects.filter(status="sent").count() == 1


def test_staff_see_preview_resend_and_remind_from_the_event(
    client, school_a, staff_a, staff_b, settings
):
    settings.SMS_BACKEND = "tests.fakes.RejectingSmsBackend"
    family = make_family("ZZ-Rina", school_a, phone="+12125550123")
    event = make_event(school_a, starts_at=at_noon(5))
    event.title_ko = "가족의 밤"
    event.save()
    services.rsvp(family=family, event=event, party=Party(True))
    failed = Message.objects.get(kind="rsvp_going")
    send_message.run(failed.pk)
    url = f"/admin/events/event/{event.pk}/messages/"
    client.force_login(staff_b)
    assert client.get(url).status_code == 404  # another school's event
    client.force_login(staff_a)
    page = client.get(url, {"kind": "reminder", "language": "ko"}).content.decode()
    assert "ZZ-Rina" in page and "21211 invalid number" in page and "가족의 밤" in page
    assert "+12125550123" not in page
    client.post(url, {"action": "resend", "message": failed.pk})
    assert (
        Message.objects.filter(kind="rsvp_going", idempotency_key__contains=":again:").count() == 1
    )
    client.post(url, {"action": "remind_now"})
    now_reminders = Message.objects.filter(kind="reminder", idempotency_key__contains=":now:")
    assert now_reminders.count() == 1 and now_reminders.get().due_at <= timezone.now()
