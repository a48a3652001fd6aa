"""Every event text that can still be answered ends with how to answer by reply, in the
family's language, within two segments (the title is cut first); a call ends with the same
question inside Twilio's <Gather>."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from events import services
from events.notices import render
from events.services import Party
from messaging.models import Message
from messaging.segments import gsm_friendly, is_gsm, segments, without_accents
from messaging.tasks import send_message
from portal.languages import LANGUAGE_CODES
from tests.events.conftest import make_event
from tests.families.conftest import make_family
from tests.messaging.long_titles import LONG_TITLES

pytestmark = pytest.mark.django_db
DROPPED = set()  # (language, kind) whose long-title text went without the line (printed with -s)


def reply_line(language):
    with translation.override(language):
        return translation.gettext("Reply 1 if you will come, 2 if not.")


def forms_of(line):
    """The line as sent: typography made plain ("—" to "-"), or without the accents GSM
    lacks when that is what let the text keep it."""
    return (line, gsm_friendly(line), gsm_friendly(without_accents(line)))


def text_of(event, kind, language):
    message = Message(kind=kind, language=language, context={"event": event.pk})
    with translation.override(language):
        return render(message, None)


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_each_event_text_ends_with_the_reply_line_in_two_segments(school_a, language):
    event = make_event(school_a, title="Family night")
    event.place = "Library, room 104"
    event.save()
    line = reply_line(language)
    if language != "en":
        assert line != reply_line("en"), f"{language} has no translation"
    for kind in ("rsvp_going", "rsvp_waitlisted", "promoted", "reminder", "event_changed"):
        sms = text_of(event, kind, language).sms
        assert segments(sms) <= 2, (kind, sms)
        if kind in ("promoted", "rsvp_waitlisted") and not is_gsm(sms):
            continue  # their longer news may leave no room in 67 characters a part
        assert sms.endswith(forms_of(line)), (kind, sms)


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_a_long_title_is_cut_before_the_reply_line_goes(school_a, language):
    """The title gives way first, down to its 25 characters, then the place and the accents
    GSM lacks; only then does the line go, so a text is never over two segments and never
    keeps less of the title than before. It goes only from a text in a script of 67
    characters a part (Arabic, Bengali, Cyrillic, Urdu…)."""
    event = make_event(school_a, title=LONG_TITLES["en"])
    setattr(event, f"title_{language.replace('-', '_')}", LONG_TITLES[language])
    event.place = "Library, room 104"
    event.save()
    line = reply_line(language)
    for kind in ("rsvp_going", "rsvp_waitlisted", "promoted", "reminder", "event_changed"):
        sms = text_of(event, kind, language).sms
        assert segments(sms) <= 2, (kind, sms)
        if not sms.endswith(forms_of(line)):
            assert not is_gsm(sms), (kind, sms)
            DROPPED.add((language, kind))


def test_no_reply_line_where_an_answer_makes_no_sense(school_a):
    closed = make_event(school_a, rsvp_deadline=timezone.now() - timedelta(minutes=1))
    assert "Reply 1" not in text_of(closed, "reminder", "en").sms
    cancelled = make_event(school_a)
    services.cancel_event(cancelled)
    assert "Reply 1" not in text_of(cancelled, "event_cancelled", "en").sms
    assert text_of(cancelled, "event_cancelled", "en").voice_question == ""
    open_event = make_event(school_a)
    assert text_of(open_event, "reminder", "en").sms.endswith("Reply 1 if you will come, 2 if not.")


def test_a_call_ends_with_press_1_inside_a_gather_posting_to_our_webhook(school_a, twilio):
    family = make_family("Rina", school_a, phone="+12125550123", language="es")
    family.channel = "voice"
    family.save()
    services.rsvp(family=family, event=make_event(school_a, title="Noche"), party=Party(True))
    call = Message.objects.get(kind="rsvp_going", channel="voice")
    send_message.run(call.pk)
    path, form = twilio.received[-1]
    assert path.endswith("/Calls.json")
    twiml = form["Twiml"]
    assert '<Gather numDigits="1"' in twiml and "/messaging/voice/gather" in twiml
    assert twiml.index("Noche") < twiml.index("<Gather")
    assert "Marque 1 si viene, 2 si no." in twiml.split("<Gather")[1]
