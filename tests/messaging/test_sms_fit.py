"""Texts that fit and keep their title (issue 13, point 2): the segment counter counts as
the network does, and every kind of text in every language, with a long title, is sent by
the worker within two segments, with its title, a date that names the month, a link in the
family's language and words of that language."""

import functools
import re
import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext, trans_real

from events import notices as event_notices
from events.models import Event, Rsvp
from families import services as family_services
from families.models import Family, Feedback
from messaging import outbox, registry, sms
from messaging.models import Message
from messaging.segments import PLAIN, fit, gsm_friendly, is_gsm, segments, without_accents
from messaging.tasks import deliver
from portal.languages import LANGUAGE_CODES
from tests.conftest import make_staff
from tests.events.conftest import make_event
from tests.families.conftest import make_family
from tests.messaging.long_titles import LONG_ANSWER, LONG_TITLES

pytestmark = pytest.mark.django_db
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
MIN_TITLE = 25
ALL_DIGIT_DATE = re.compile(r"\b\d{1,4}[/.\-]\d{1,2}[/.\-]\d{2,4}\b")
SCRIPTS = {
    "ar": "[\u0600-\u06ff]",
    "ur": "[\u0600-\u06ff]",
    "bn": "[\u0980-\u09ff]",
    "zh-hans": "[\u4e00-\u9fff]",
    "zh-hant": "[\u4e00-\u9fff]",
    "ko": "[\uac00-\ud7af]",
    "ru": "[\u0400-\u04ff]",
    "uk": "[\u0400-\u04ff]",
}


# The network's counting -----------------------------------------------------------------


def test_an_escape_character_on_a_part_boundary_starts_the_next_part():
    # 152 + 2 + 152 = 306 septets, which a naive count puts in 2 parts of 153; the "€"
    # cannot be split after the 152nd septet, so the network sends 3.
    assert segments("a" * 152 + "€" + "a" * 152) == 3
    assert segments("a" * 151 + "€" + "a" * 153) == 2
    assert segments("a" * 160) == 1 and segments("a" * 161) == 2 and segments("a" * 306) == 2
    assert segments("a" * 307) == 3 and segments("€" * 80) == 1 and segments("€" * 81) == 2


def test_a_surrogate_pair_on_a_part_boundary_starts_the_next_part():
    assert segments("م" * 66 + "🙂" + "م" * 66) == 3  # the emoji cannot be halved
    assert segments("م" * 65 + "🙂" + "م" * 67) == 2
    assert segments("م" * 70) == 1 and segments("م" * 71) == 2 and segments("🙂" * 35) == 1


def test_uzbek_apostrophes_guillemets_and_no_break_spaces_stay_gsm():
    uzbek = "Eslatma: «Oʻzbek tili kechasi», maʼlumot uchun"
    assert is_gsm(gsm_friendly(uzbek)) and "O'zbek" in gsm_friendly(uzbek)
    french = "Rappel\u202f: «\u00a0Réunion des parents\u00a0», jeudi"
    assert gsm_friendly(french) == 'Rappel : "Réunion des parents", jeudi'
    assert gsm_friendly("تذكير: «اجتماع»") == "تذكير: «اجتماع»"  # Arabic stays Unicode anyway


def test_fit_shortens_the_fixed_parts_before_the_title_and_never_exceeds_the_limit():
    def render(title, when="Thursday, January 4, 6:30 p.m.", link="https://x.org/en/events/7/"):
        return f"Reminder: {title}, {when}, Library. {link}"

    variants = [
        {},
        {"when": "January 4, 6:30 p.m."},
        {"when": "Jan 4", "link": "https://x.org/e/7"},
    ]
    title = "Parent evening " * 18
    text = fit(render, title, variants)
    assert segments(text) == 2 and "Jan 4" in text and "https://x.org/e/7" in text
    assert title[:MIN_TITLE] in text
    # A title that fits whole keeps the long date and link.
    assert fit(render, "Family night", variants) == render("Family night")
    # Nothing fits even with 25 characters of title: the text is cut, never sent longer.
    assert segments(fit(lambda t, **v: f"{t} " + "ж" * 200, "Заголовок " * 10)) <= 2


# Every kind × every language, through the worker --------------------------------------


def kept_title(title: str, text: str) -> int:
    """How many characters of the title's start the text carries (typography aside, and the
    accents GSM lacks, which a text may go without to keep its reply line)."""
    best = 0
    plain = gsm_friendly(without_accents(title))
    for form in {title, gsm_friendly(title), title.translate(PLAIN), plain}:
        low, high = 0, len(form)
        while low < high:
            middle = (low + high + 1) // 2
            if form[:middle] in text:
                low = middle
            else:
                high = middle - 1
        best = max(best, low)
    return best


def month_named(text, when, language) -> bool:
    """The month by its name (January, janv., يناير), or in Chinese and Korean by its
    number with the month's sign (1月, 1월), which is how those languages name it."""
    if re.search(r"\d{1,2}\s?[月월]", text):
        return language in ("zh-hans", "zh-hant", "ko")
    with translation.override(language):
        local = timezone.localtime(when, NEW_YORK)
        forms = {dateformat.format(local, code).lower().rstrip(".") for code in "FENb"}
    return any(form and form in text.lower() for form in forms)


@functools.cache
def own_words(language: str) -> set[str]:
    """Words of the language's catalog that English does not use."""
    catalog = dict(trans_real.translation(language)._catalog.items())
    english = {w.lower() for key in catalog if isinstance(key, str) for w in _words(key)}
    own = set()
    for value in catalog.values():
        own.update(w.lower() for w in _words(gsm_friendly(str(value))))
    return own - english


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]{3,}", text)


def assert_in_language(text: str, language: str, without: str = ""):
    rest = re.sub(r"https?://\S+", "", text.replace(without, ""))
    if language in SCRIPTS:
        assert re.search(SCRIPTS[language], rest), (language, text)
    elif language != "en":
        words = {w.lower() for w in _words(rest)} & own_words(language)
        assert words, (language, text)


def link_prefix(language: str) -> str:
    with translation.override(language):
        return reverse("families:home").split("/")[1]


def answer(family, event, status):
    Rsvp.objects.update_or_create(event=event, family=family, defaults={"status": status})


def send_all(family, event, staff):
    """Every kind the registry renders, scheduled by the code that schedules it, then sent by
    the worker's own deliver(): {label: text}."""
    recipient = outbox.resolve(f"family:{family.pk}")
    produced = {}

    def sent(label, kind):
        for message in Message.objects.filter(kind=kind, status="queued"):
            sms.outbox.clear()
            assert deliver(message.pk) == "sent", (label, message.last_error)
            (text,) = [m["text"] for m in sms.outbox]
            produced[label] = text

    for kind in event_notices.KINDS:
        # Each text as the state it tells of stands (a text a later answer superseded is not
        # sent, RELIABILITY E8): the family's answer, or the event cancelled.
        if kind in event_notices.ANSWER_FOR_KIND:
            answer(family, event, event_notices.ANSWER_FOR_KIND[kind])
        Event.objects.filter(pk=event.pk).update(
            status="cancelled" if kind == "event_cancelled" else "published"
        )
        outbox.enqueue(
            recipient=recipient,
            kind=kind,
            key=f"fit:{kind}:{family.pk}",
            context={"event": event.pk},
        )
        sent(kind, kind)
    family_services.register_family_for(
        staff=staff,
        school=event.school,
        phone=f"+1212556{family.pk % 10000:04d}",
        display_name="New family",
        language=family.language,
        channel="sms",
    )
    sent("notice: welcome", "notice")
    feedback = Feedback.objects.create(
        school=event.school, family=family, text="Is there a homework club?", language="en"
    )
    family_services.answer_feedback(feedback, answer=LONG_ANSWER, by=staff)
    sent("notice: answer", "notice")
    # A school's answer in the family's conversation (conversations.notices).
    from conversations import services as conversation_services

    thread = conversation_services.thread_for(family, event.school)
    conversation_services.answer(thread, text=LONG_ANSWER, by=staff, language="en")
    sent("conversation_answer", "conversation_answer")
    from families.tasks import _warn

    _warn(family, 30)
    sent("notice: retention", "notice")
    from committees.models import Committee, SeatApplication
    from committees.services import _tell, decline

    committee = Committee.objects.create(
        school=event.school,
        district=event.school.district,
        kind="multicultural",
        name_en="Multicultural families advisory committee",
        description_en="We advise the principal.",
    )
    application = SeatApplication.objects.create(
        committee=committee, family=family, statement="I can help.", language="en"
    )
    _tell(application, selected=True)
    sent("notice: seat chosen", "notice")
    decline(application)
    sent("notice: seat declined", "notice")
    from accounts.limits import _tell_family

    _tell_family(family.user.phone)
    sent("sign_in_paused", "sign_in_paused")
    # An announcement in the family's language, with a body too long for two segments.
    from conversations.announcements import services as announcements
    from conversations.announcements.models import Announcement, Version

    long = LONG_TITLES[family.language]
    for urgent in (False, True):
        announcement = Announcement.objects.create(
            school=event.school,
            district=event.school.district,
            default_language=family.language,
            urgent=urgent,
        )
        Version.objects.create(
            announcement=announcement,
            language=family.language,
            title=long[:120],
            body=f"{long}. {long}",
        )
        announcements.send(announcement)
        sent(announcement.kind, announcement.kind)
    # Volunteering: the family waits for a shift of a long-titled opportunity, is promoted
    # when the family ahead cancels, and gets its reminder the day before.
    from signups.volunteering import services as volunteering
    from signups.volunteering.models import Opportunity, Shift

    opportunity = Opportunity.objects.create(
        school=event.school,
        title=LONG_TITLES["en"],
        place="School kitchen, building B",
        status="published",
        **{f"title_{code.replace('-', '_')}": text for code, text in LONG_TITLES.items()},
    )
    shift = Shift.objects.create(
        opportunity=opportunity, starts_at=event.starts_at, ends_at=event.ends_at, places=1
    )
    ahead = make_family("Ahead", event.school)
    volunteering.sign_up(family=ahead, shift=shift)
    volunteering.sign_up(family=family, shift=shift)
    volunteering.cancel(family=ahead, shift=shift)
    sent("volunteer_promoted", "volunteer_promoted")
    Message.objects.filter(kind="volunteer_reminder").update(due_at=timezone.now())
    sent("volunteer_reminder", "volunteer_reminder")
    # A conference booking with an interpreter, a long teacher's name and place: the
    # confirmation, then its reminders (the day before and an hour before) made due now.
    from signups import services as conferences
    from signups.models import Host, Slot
    from tests.signups.conftest import make_day

    day = make_day(event.school, interpreters=[("bn",)], place="Library, second floor, east wing")
    Host.objects.filter(day=day).update(name="Ms. Alexandra Konstantinopoulou-Williamson")
    conferences.book(
        family=family,
        slot_id=Slot.objects.filter(day=day).first().pk,
        request=conferences.Request(interpreter_language="bn"),
    )
    sent("conference_booked", "conference_booked")
    Message.objects.filter(kind="conference_reminder").update(due_at=timezone.now())
    sent("conference_reminder", "conference_reminder")
    # The answers to a reply "1" or "2" (conversations/conference_replies.py), then the
    # school calls the meeting off.
    from conversations import conference_replies
    from families.services import notify
    from signups.models import Booking

    booking = Booking.objects.get(family=family)
    notify(family, lambda: conference_replies.see_you_text(booking))
    sent("notice: see you", "notice")
    day = booking.slot.day
    notify(
        family, lambda: conference_replies.cancelled_text(booking.host.name, booking.starts_at, day)
    )
    sent("notice: meeting cancelled", "notice")
    conferences.school_cancelled(Booking.objects.filter(pk=booking.pk))
    sent("conference_cancelled", "conference_cancelled")
    return produced


@pytest.fixture
def long_event(school_a):
    start = (timezone.now() + timedelta(days=9)).astimezone(NEW_YORK).replace(hour=18, minute=30)
    event = make_event(school_a, title=LONG_TITLES["en"], starts_at=start)
    for language, title in LONG_TITLES.items():
        setattr(event, f"title_{language.replace('-', '_')}", title)
    event.place = event.place_en = "Library, room 104"
    event.save()
    return event


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_every_text_in_every_language_fits_with_its_title(language, long_event, school_a, settings):
    settings.MESSAGING_DAILY_LIMIT = 100
    staff = make_staff("fit@example.org", school=school_a)
    family = make_family("Rina", school_a, phone="+12125550123", language=language)
    translation.activate("en")  # the worker, not the test, switches to the family's language
    produced = send_all(family, long_event, staff)
    assert set(registry.renderers) <= {label.split(":")[0] for label in produced}
    title = LONG_TITLES[language]
    prefix = link_prefix(language)
    for label, text in produced.items():
        where = (language, label, segments(text), text)
        assert segments(text) <= 2, where
        assert not ALL_DIGIT_DATE.search(text), where
        if label in event_notices.KINDS:
            kept = kept_title(title, text)
            assert kept >= MIN_TITLE, (kept, *where)
            assert month_named(text, long_event.starts_at, language), where
            assert f"/{prefix}/" in text, where
            assert_in_language(text, language, without=title[:kept])
        else:
            assert_in_language(text, language)
            # Not cut in the middle of a sentence ("... log in o…"): without the accents
            # GSM lacks, or whole sentences; the welcome keeps "we send you a code".
            assert not text.endswith(("…", "...")), where
    # The answer was too long to send: its first sentence (cut further when the language's
    # alphabet leaves less room) and a link to read it whole.
    answer = produced["notice: answer"]
    assert "Yes, your son can join" in answer and "teacher and two volunteers" not in answer
    assert f"/{prefix}/my/#messages" in answer


def test_the_staffs_short_title_is_sent_instead_of_a_cut(long_event, school_a, settings):
    if not any(f.name == "short_title" for f in Event._meta.get_fields()):
        pytest.skip("Event has no short_title field in this branch")
    long_event.short_title_es = "Noche de lectura"
    long_event.save()
    family = make_family("Rina", school_a, phone="+12125550123", language="es")
    answer(family, long_event, "going")
    recipient = outbox.resolve(f"family:{family.pk}")
    message = outbox.enqueue(
        recipient=recipient, kind="reminder", key="short", context={"event": long_event.pk}
    )
    deliver(message.pk)
    assert '"Noche de lectura"' in sms.outbox[-1]["text"]


def test_a_family_in_an_unknown_language_gets_its_schools_language(long_event, school_a):
    school_a.languages = ["es", "en"]
    school_a.save()
    family = make_family("Rina", school_a, phone="+12125550123", language="es")
    Family.objects.filter(pk=family.pk).update(language="xx")
    answer(family, long_event, "going")
    recipient = outbox.resolve(f"family:{family.pk}")
    assert recipient.language == "es"
    message = outbox.enqueue(
        recipient=recipient, kind="reminder", key="xx", context={"event": long_event.pk}
    )
    # A row written before the fallback existed says "xx": the worker falls back too.
    Message.objects.filter(pk=message.pk).update(language="xx")
    translation.activate("en")
    assert deliver(message.pk) == "sent"
    text = sms.outbox[-1]["text"]
    assert "/es/" in text and text.startswith("Recordatorio"), text
    assert kept_title(LONG_TITLES["es"], text) >= MIN_TITLE


def test_the_family_page_shows_the_whole_answer(client, school_a, staff_a):
    # A school answers in the family's conversation; a text too long links to it.
    from conversations import services as conversation_services

    family_a = make_family("ZZX Rina", school_a, phone="+12125550101")
    question = family_services.send_feedback(
        school=school_a,
        family=family_a,
        kind="question",
        text="Is there a homework club?",
        anonymous=False,
    )
    conversation_services.answer(question.thread, text=LONG_ANSWER, by=staff_a, language="en")
    client.force_login(family_a.user)
    assert 'id="messages"' in client.get("/en/my/").content.decode()
    page = client.get(f"/en/my/messages/{question.thread_id}/").content.decode()
    assert "Is there a homework club?" in page
    assert LONG_ANSWER.strip()[-60:] in page


def test_a_notice_too_long_for_unicode_goes_without_the_accents_gsm_lacks():
    from families.notices import fit_notice

    text = (
        "Hace mucho tiempo que usted no usa el portal escolar. En 30 días borraremos la "
        "información de su familia. Para conservarla, entre al portal una vez."
    )
    assert segments(text) == 3
    sent = fit_notice(text)
    assert segments(sent) <= 2 and sent.endswith("entre al portal una vez.")
    assert "En 30 dias borraremos la informacion" in sent


def test_a_date_is_never_all_digits():
    # The guard the test above relies on: it must catch the formats it forbids.
    when = datetime(2027, 1, 4, 18, 30, tzinfo=NEW_YORK)
    assert ALL_DIGIT_DATE.search(f"Reminder, {when:%m/%d/%Y}, Library")
    assert ALL_DIGIT_DATE.search("Rappel, 04.01.2027 18:30")
    assert not ALL_DIGIT_DATE.search("Rappel, 4 janvier, 18:30")


def test_a_cut_that_ends_on_a_space_still_keeps_the_floor():
    """A title whose 25th character is a space: dropping it would keep 24 (seen in Russian,
    "Информационный вечер для …")."""
    from messaging.segments import shorten

    title = "Информационный вечер для семей: как устроена школа"
    assert title[24] == " "
    cut = shorten(title, 25, 25)
    assert len(cut.rstrip("…")) >= 25 and title.startswith(cut.rstrip("…"))


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_a_long_school_name_never_costs_the_welcome_its_way_in(language, school_a, staff_a):
    """The welcome tells a family registered at the desk how to log in; a long school name
    that does not fit two parts gives way, never those words."""
    school_a.name_en = "Thomas Jefferson High School for Science and Technology"
    school_a.save()
    family_services.register_family_for(
        staff=staff_a,
        school=school_a,
        phone="+12125559876",
        display_name="New family",
        language=language,
        channel="sms",
    )
    message = Message.objects.get(kind="notice", status="queued")
    assert deliver(message.pk) == "sent"
    (text,) = [m["text"] for m in sms.outbox]
    with translation.override(language):
        whole = gettext(
            "Welcome! To see your family pass, open the school portal, choose Log in and "
            "type this number: we send you a code. Your school: %(school)s."
        )
    head = whole.split("%(school)s")[0]
    way_in = head[: max(head.rfind(mark) for mark in ".।۔。") + 1]  # up to "Your school:"
    assert segments(text) <= 2, text
    assert gsm_friendly(without_accents(way_in)) in without_accents(text), (language, text)
