"""A phone two families share (issue 15, "Reliability"; RELIABILITY E14): both families get
their own texts on it, a reply that could be for either is held and the phone is asked
which family, once, and the letter applies the held reply to that family only. Replies go
through the signed webhook to the local server that speaks Twilio's API
(tests/messaging/test_twilio.py); our code is not replaced."""

import json

import pytest

from conversations.models import ThreadMessage
from conversations.replies_models import HeldReply
from conversations.shared_number import choice_of, question
from events import services
from events.models import Rsvp
from events.services import Party
from families.models import Family
from families.notices import family_recipient
from families.services import erase_family, export_family
from messaging.segments import segments
from tests.conversations.conftest import reply, texted_about
from tests.conversations.test_replies import send_all, texts_to_provider
from tests.events.conftest import make_event
from tests.families.conftest import database_hits, make_family

pytestmark = pytest.mark.django_db
PHONE = "+12125550123"


def sharing(name, school, language="en"):
    """A family registered at the desk on the number another family's login has."""
    family = make_family(name, school, language=language)
    Family.objects.filter(pk=family.pk).update(shared_phone=PHONE, channel="sms")
    family.refresh_from_db()
    return family


@pytest.fixture
def maria(school_a):
    return make_family("Maria", school_a, phone=PHONE, language="en")


@pytest.fixture
def hamid(school_b):
    return sharing("Hamid", school_b)


def status_of(family, event):
    row = Rsvp.objects.filter(family=family, event=event).first()
    return row and row.status


def test_both_families_get_their_own_texts_on_the_shared_phone(
    school_a, school_b, twilio, settings
):
    settings.QUIET_HOURS = None
    maria = make_family("Maria", school_a, phone=PHONE, language="es")
    hamid = sharing("Hamid", school_b, language="ar")
    services.rsvp(family=maria, event=make_event(school_a, title="Noche"), party=Party(True))
    services.rsvp(family=hamid, event=make_event(school_b, title="ليلة"), party=Party(True))
    send_all()
    sent = [(form["To"], form["Body"]) for _, form in twilio.received]
    assert len(sent) == 2 and {to for to, _ in sent} == {PHONE}
    # Each in its family's language, about its family's event.
    assert any("Noche" in body and "Responda 1" in body for _, body in sent)
    assert any("ليلة" in body for _, body in sent)


def test_a_1_asks_which_family_once_and_b_answers_for_b_only(
    client, maria, hamid, school_a, school_b, twilio, django_capture_on_commit_callbacks
):
    night, meeting = make_event(school_a), make_event(school_b, title="Parents meeting")
    texted_about(maria, night)
    texted_about(hamid, meeting)
    with django_capture_on_commit_callbacks(execute=True):
        # The provider delivers the same text twice: one question.
        reply(client, PHONE, "1", sid="SMsame")
        reply(client, PHONE, "1", sid="SMsame")
    (asked,) = texts_to_provider(twilio)
    assert asked == (
        "This phone gets messages for more than one family. Which family is your message for?\n"
        "Reply A for: Maria\n"
        "Reply B for: Hamid"
    )
    assert twilio.received[-1][1]["To"] == PHONE
    assert not Rsvp.objects.exists()  # nothing answered before the phone said whose it was

    with django_capture_on_commit_callbacks(execute=True):
        reply(client, PHONE, "C")  # no family has C: asked again, nothing applied
    assert texts_to_provider(twilio) == [asked, asked]
    assert not Rsvp.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        reply(client, PHONE, "b")
        reply(client, PHONE, "B")  # typed twice: applied once, no new question
    assert status_of(hamid, meeting) == Rsvp.Status.GOING
    assert status_of(maria, night) is None
    assert Rsvp.objects.count() == 1
    assert len(texts_to_provider(twilio)) == 2
    held = HeldReply.objects.get()
    assert (held.chosen, held.body) == (hamid, "")  # the words now live in the answer


def test_only_one_family_with_an_event_text_is_answered_without_asking(
    client, maria, hamid, school_b, twilio, django_capture_on_commit_callbacks
):
    meeting = make_event(school_b)
    texted_about(hamid, meeting)
    with django_capture_on_commit_callbacks(execute=True):
        reply(client, PHONE, "yes")
    assert status_of(hamid, meeting) == Rsvp.Status.GOING
    assert not HeldReply.objects.exists()
    assert not any("Reply A" in text for text in texts_to_provider(twilio))


def test_a_free_text_goes_to_the_chosen_familys_conversation(
    client, maria, hamid, school_a, twilio, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reply(client, PHONE, "Can I come late tomorrow?")
        # A second text while the question waits: held too, not asked again.
        reply(client, PHONE, "It is about Ana")
    assert len(texts_to_provider(twilio)) == 1
    assert not ThreadMessage.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        reply(client, PHONE, " a. ")
    texts = list(ThreadMessage.objects.order_by("pk").values_list("thread__family", "text"))
    assert texts == [(maria.pk, "Can I come late tomorrow?"), (maria.pk, "It is about Ana")]
    assert ThreadMessage.objects.get(text="It is about Ana").thread.school == school_a


def test_a_free_text_from_a_shared_number_goes_to_the_only_family_with_a_school(
    client, maria, twilio, django_capture_on_commit_callbacks
):
    sharing("Hamid", None)  # registered, not yet confirmed by any school
    with django_capture_on_commit_callbacks(execute=True):
        reply(client, PHONE, "Hello school")
    assert ThreadMessage.objects.get().thread.family == maria
    assert not texts_to_provider(twilio)


def test_the_question_speaks_each_familys_language_within_two_segments(school_a, school_b):
    maria = make_family("Maria, mamá de Ana", school_a, phone=PHONE, language="es")
    hamid = sharing("حامد، والد سارة", school_b, language="ar")
    text = question([("A", maria), ("B", hamid)])
    assert "Responda A para: Maria, mamá de Ana" in text
    assert "أرسل B للأسرة: حامد، والد سارة" in text
    assert segments(text) <= 2
    # Both in Spanish: the opening once, in Spanish, without the accents GSM lacks so that
    # it fits two parts (as Spanish is often typed on a phone).
    both = question([("A", maria), ("B", sharing("Hamid", school_b, language="es"))])
    assert both == (
        "Este teléfono recibe mensajes de mas de una familia. ¿Para qué familia es su mensaje?\n"
        "Responda A para: Maria, mama de Ana\n"
        "Responda B para: Hamid"
    )
    assert segments(both) <= 2


@pytest.mark.parametrize(
    "body, index",
    [("A", 0), ("b", 1), (" B. ", 1), ("Ｂ", 1), ("в", 1), ("أ", 0), ("ب", 1), ("c", 2), ("J", 8)],
)
def test_a_letter_in_any_case_or_script_chooses(body, index):
    assert choice_of(body) == index


@pytest.mark.parametrize("body", ["", "1", "AB", "Yes", "🙂", "\x00", "x" * 5000, "I", "O"])
def test_anything_else_is_not_a_choice(body):
    assert choice_of(body) is None


def test_stop_from_the_shared_number_stops_both(client, maria, hamid, twilio):
    assert "sms" in family_recipient(str(hamid.pk)).channels
    reply(client, PHONE, "STOP")
    assert "sms" not in family_recipient(str(maria.pk)).channels
    assert "sms" not in family_recipient(str(hamid.pk)).channels


def test_a_number_written_another_way_finds_the_same_family(
    client, school_a, twilio, django_capture_on_commit_callbacks
):
    # The provider's number as a person writes it: "1" answered nothing and the phone was
    # told "we do not know your number" before replies normalised it like threads did.
    maria = make_family("Maria", school_a, phone=PHONE)
    night = make_event(school_a)
    texted_about(maria, night)
    with django_capture_on_commit_callbacks(execute=True):
        reply(client, "+1 (212) 555-0123", "1")
        reply(client, "212-555-0123", "Thank you")
    assert status_of(maria, night) == Rsvp.Status.GOING
    assert ThreadMessage.objects.get().text == "Thank you"
    assert not any("do not know your number" in t for t in texts_to_provider(twilio))


def test_a_key_pressed_on_a_call_to_the_shared_number_answers_the_called_family(
    client, maria, hamid, school_a, school_b, twilio
):
    from tests.conversations.test_replies import gather

    night, meeting = make_event(school_a), make_event(school_b)
    texted_about(maria, night)
    call = texted_about(hamid, meeting, channel="voice")
    call.provider_id = "CA" + "7" * 32
    call.save()
    gather(client, PHONE, "1", call=call.provider_id)
    assert status_of(hamid, meeting) == Rsvp.Status.GOING
    assert status_of(maria, night) is None


def test_export_and_erasure_take_the_shared_number_and_the_held_texts(
    client, maria, hamid, school_a, school_b, twilio
):
    texted_about(maria, make_event(school_a))
    texted_about(hamid, make_event(school_b))
    reply(client, PHONE, "Secret words 4417")
    exported = json.dumps(export_family(hamid), ensure_ascii=False)
    assert PHONE in exported and "Secret words 4417" in exported
    erase_family(hamid)
    hamid.refresh_from_db()
    assert hamid.shared_phone is None and hamid.phone == ""
    assert not database_hits(["Secret words 4417"])
    assert not HeldReply.objects.exists()
    # The other family keeps its number and its texts.
    assert Family.objects.reached_at(PHONE).get() == maria


def test_a_held_text_nobody_chose_for_goes_after_two_days(
    client, maria, hamid, school_a, school_b, twilio
):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from conversations import tasks

    reply(client, PHONE, "Words nobody chose for")
    assert tasks.purge_old_messages()["held"] == 0
    with time_machine.travel(timezone.now() + timedelta(days=2, minutes=1)):
        assert tasks.purge_old_messages()["held"] == 1
    assert not database_hits(["Words nobody chose for"])


def test_a_letter_keeps_meaning_the_family_the_question_named(
    client, school_a, school_b, twilio, django_capture_on_commit_callbacks
):
    """Three families on one phone; the question names B for Hamid and C for Lin. The first
    family is erased before the phone answers "B": B is still Hamid, never Lin (the letters
    of now would have shifted)."""
    maria = make_family("Maria", school_a, phone=PHONE)
    hamid, lin = sharing("Hamid", school_b), sharing("Lin", school_a)
    meeting, night = make_event(school_b), make_event(school_a, title="Lin's night")
    texted_about(hamid, meeting)
    texted_about(lin, night)
    with django_capture_on_commit_callbacks(execute=True):
        reply(client, PHONE, "1")
    (asked,) = texts_to_provider(twilio)
    assert "Reply B for: Hamid" in asked and "Reply C for: Lin" in asked
    erase_family(maria)
    with django_capture_on_commit_callbacks(execute=True):
        reply(client, PHONE, "B")
    assert status_of(hamid, meeting) == Rsvp.Status.GOING
    assert status_of(lin, night) is None
