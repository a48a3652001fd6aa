"""STOP and START by text in each of our 15 languages still work with answers by reply: the
opt-out is handled before any answer, and a START word from a number that never stopped
(an English "Yes" to an event's text) is an answer, not a restart."""

import pytest

from events.models import Rsvp
from messaging.optout import is_opted_out
from messaging.tasks import send_message
from tests.conversations.conftest import reply, texted_about
from tests.events.conftest import make_event
from tests.families.conftest import make_family
from tests.messaging.test_twilio import a_message

pytestmark = pytest.mark.django_db
PHONE = "+12125550123"

# (stop, start) as a family of each language would type them.
WORDS = {
    "en": ("Stop", "Start"),
    "sq": ("Ndalo", "Fillo"),
    "ar": ("توقف", "ابدأ"),
    "bn": ("বন্ধ", "শুরু"),
    "zh-hans": ("退订", "开始"),
    "zh-hant": ("退訂", "開始"),
    "tl": ("Tigil", "Simula"),
    "fr": ("Arrêt", "Commencer"),
    "ht": ("Kanpe", "Kòmanse"),
    "ko": ("중지", "시작"),
    "ru": ("Стоп", "Старт"),
    "es": ("¡Para!", "Inicio"),
    "uk": ("Стій", "Почати"),
    "ur": ("روکیں", "شروع"),
    "uz": ("To‘xta", "Boshlash"),
}


def test_every_language_has_its_words():
    from portal.languages import LANGUAGE_CODES

    assert set(WORDS) == set(LANGUAGE_CODES)


@pytest.mark.parametrize("language", list(WORDS))
def test_stop_and_start_in_each_language(client, school_a, twilio, language):
    stop, start = WORDS[language]
    message, family = a_message(school_a, language=language, email="rina@example.org")
    texted_about(family, message_event(message))
    reply(client, PHONE, stop)
    assert is_opted_out(PHONE)
    send_message.run(message.pk)
    message.refresh_from_db()
    assert message.status == "cancelled"  # no text went to a number that said stop
    reply(client, PHONE, start)
    assert not is_opted_out(PHONE)
    # Neither word answered the event: the family is still going.
    assert Rsvp.objects.get(family=family).status == "going"


def message_event(message):
    from events.models import Event

    return Event.objects.get(pk=message.context["event"])


def test_yes_from_a_number_that_never_stopped_is_an_answer(client, school_a, twilio):
    family = make_family("Rina", school_a, phone=PHONE)
    event = make_event(school_a)
    texted_about(family, event)
    reply(client, PHONE, "Yes")
    assert Rsvp.objects.get(family=family, event=event).status == "going"
    assert not is_opted_out(PHONE)


def test_yes_from_a_number_that_stopped_starts_texts_again_and_answers_nothing(
    client, school_a, twilio
):
    family = make_family("Rina", school_a, phone=PHONE)
    event = make_event(school_a)
    texted_about(family, event)
    reply(client, PHONE, "STOP")
    reply(client, PHONE, "YES")
    assert not is_opted_out(PHONE)
    assert not Rsvp.objects.filter(family=family).exists()
