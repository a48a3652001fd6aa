"""Replies to the school's emails (issue 15, item 1; RELIABILITY E13): every email to a
family carries a signed Reply-To naming the family and the school, and a reply that Mailgun
posts to our webhook, signed as Mailgun signs it, joins the family's conversation once,
without the quoted email, translated for the staff like any other message. Nothing of ours
is patched: the posts go through django-anymail's signature check and parser."""

import hashlib
import hmac
import json
import time
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from django.utils import timezone

from conversations.models import MAX_LENGTH, Thread, ThreadMessage
from conversations.tasks import translate_messages
from events.services import Party, rsvp
from families.services import erase_family
from messaging.email_replies import read_address, reply_address, text_of, without_quote
from messaging.models import InboundSms
from tests.conftest import deliver_now
from tests.conversations.conftest import admin_thread
from tests.events.conftest import make_event
from tests.events.test_concurrency import run_together
from tests.families.conftest import make_family

pytestmark = pytest.mark.django_db

KEY = "mailgun-signing-key-for-tests"
DOMAIN = "replies.school-portal.example"
WEBHOOK = "/messaging/email/inbound/"
QUOTED = (
    "On Mon, Dec 7, 2026 at 9:00 AM School A <{to}> wrote:\n"
    "> Family night: you are on the list.\n"
    "> Reply 1 if you will come, 2 if not.\n"
)


@pytest.fixture(autouse=True)
def replies_on(settings):
    settings.INBOUND_EMAIL_DOMAIN = DOMAIN
    settings.MAILGUN_WEBHOOK_SIGNING_KEY = KEY


@pytest.fixture
def family(school_a):
    """A Spanish-speaking family of school A, reached by email."""
    return make_family("ZZE Lucía", school_a, email="lucia@example.org", language="es")


def email_from_school(family, school):
    """What the outbox sends: an event's confirmation, by email, as a worker sends it."""
    event = make_event(school, starts_at=timezone.now() + timedelta(days=5), title="Family night")
    rsvp(family=family, event=event, party=Party(True))
    mail.outbox.clear()
    deliver_now()
    (sent,) = mail.outbox
    return sent


def mailgun_post(
    client,
    to,
    text,
    *,
    stripped=None,
    html=None,
    message_id=None,
    sender="lucia@example.org",
    key=KEY,
    extra_headers=(),
    files=None,
    signature=None,
):
    """Post as Mailgun's inbound route forward() does (the "fully parsed" form): the reply's
    fields, its headers as JSON, and timestamp, token and signature = HMAC-SHA256 of
    timestamp + token under the webhook signing key."""
    timestamp, token = str(int(time.time())), uuid.uuid4().hex
    headers = [
        ["From", f"Lucía <{sender}>"],
        ["To", to],
        ["Subject", "Re: School A: Family night"],
        ["Message-Id", message_id or f"<{uuid.uuid4().hex}@mail.example.net>"],
        *extra_headers,
    ]
    data = {
        "recipient": to,
        "sender": sender,
        "from": f"Lucía <{sender}>",
        "subject": "Re: School A: Family night",
        "message-headers": json.dumps(headers),
        "timestamp": timestamp,
        "token": token,
        "signature": signature
        or hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest(),
    }
    if text is not None:
        data["body-plain"] = text
    if stripped is not None:
        data["stripped-text"] = stripped
    if html is not None:
        data["body-html"] = html
    if files:
        data["attachment-count"] = str(len(files))
        data.update({f"attachment-{n}": file for n, file in enumerate(files, 1)})
    return client.post(WEBHOOK, data)


def test_an_email_to_a_family_carries_a_reply_to_naming_the_family_and_the_school(
    family, school_a, settings
):
    sent = email_from_school(family, school_a)
    (address,) = sent.reply_to
    local, _, domain = address.partition("@")
    assert domain == DOMAIN and local.startswith("reply+") and len(local) <= 64
    assert local == local.lower()  # mail systems may change the case of a local part
    # Nothing personal in it: no name, no address, no number.
    for private in ("lucia", "Lucía", "example.org", family.display_name):
        assert private.lower() not in address.lower()
    found = read_address(address)
    assert (found.recipient, found.school_id) == (f"family:{family.pk}", school_a.pk)
    assert sent.from_email == settings.DEFAULT_FROM_EMAIL  # the sender is unchanged
    # Off without the setting: no Reply-To at all.
    settings.INBOUND_EMAIL_DOMAIN = ""
    assert email_from_school(family, school_a).reply_to == []
    # Nor without the key that checks a reply (messaging.E005): it would be lost.
    settings.INBOUND_EMAIL_DOMAIN, settings.MAILGUN_WEBHOOK_SIGNING_KEY = DOMAIN, ""
    assert email_from_school(family, school_a).reply_to == []


def test_a_changed_digit_or_another_domain_is_not_our_address(family, school_a, settings):
    address = reply_address(f"family:{family.pk}", school_a.pk)
    local, _, _ = address.partition("@")
    assert read_address(address.upper()) is not None  # any case reads the same
    family_part = local.removeprefix("reply+").split("-")[0]
    tampered = address.replace(f"+{family_part}-", f"+{family_part}0-")  # another family
    assert read_address(tampered) is None
    assert read_address(f"{local}@elsewhere.example") is None
    settings.SECRET_KEY = "another-secret-" + "x" * 50
    assert read_address(address) is None  # signed under no key we hold
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY, "test-" + "k" * 60]
    assert read_address(address) is not None  # a key being rotated out still reads it


def test_a_reply_joins_the_familys_thread_once_without_the_quoted_email(client, family, school_a):
    (address,) = email_from_school(family, school_a).reply_to
    words = "Sí, vamos los cuatro. ¿Hay estacionamiento?"
    body = f"{words}\n\n{QUOTED.format(to=address)}"
    message_id = "<CAF=reply-1@mail.example.net>"
    # Mailgun's stripped-text is the reply without the quote and the signature.
    response = mailgun_post(client, address, body, stripped=words, message_id=message_id)
    assert response.status_code == 200
    (message,) = ThreadMessage.objects.all()
    assert message.thread.family == family and message.thread.school == school_a
    assert (message.text, message.language, message.from_family) == (words, "es", True)
    assert message.kind == "email"
    assert "wrote:" not in message.text and "Family night" not in message.text
    assert Thread.objects.get().unread_by_staff == 1
    # Mailgun posts again (our answer was lost), minutes later, with a new token: once.
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        again = mailgun_post(client, address, body, stripped=words, message_id=message_id)
    assert again.status_code == 200
    assert ThreadMessage.objects.count() == 1
    assert Thread.objects.get().unread_by_staff == 1
    # A new email from the family is a new message.
    mailgun_post(client, address, "Gracias.")
    assert ThreadMessage.objects.count() == 2


def test_a_reply_from_another_mailbox_is_the_familys_when_the_address_is_valid(
    client, family, school_a
):
    (address,) = email_from_school(family, school_a).reply_to
    # The signed address is the proof: a parent writing from work is still the family.
    mailgun_post(client, address, "Escribo desde el trabajo.", sender="l.perez@work.example")
    assert ThreadMessage.objects.get().thread.family == family


def test_staff_read_the_reply_in_their_inbox_translated(
    client, family, school_a, staff_a, libretranslate
):
    (address,) = email_from_school(family, school_a).reply_to
    words = "¿A qué hora empieza la noche familiar?"
    mailgun_post(client, address, f"{words}\n\n{QUOTED.format(to=address)}")
    message = ThreadMessage.objects.get()
    assert not libretranslate.texts()  # the webhook never waits on the provider
    # What the worker does with the task the webhook started on commit (a real worker:
    # tests/conversations/test_translation_worker.py).
    translate_messages.run([message.pk])
    client.force_login(staff_a)
    inbox = client.get("/admin/conversations/thread/").content.decode()
    assert "ZZE Lucía" in inbox
    page = client.get(admin_thread(message.thread)).content.decode()
    assert f"[en] {words}" in page  # the machine's translation for the staff
    assert f"{words}</p>" in page  # and the words as written
    assert "A reply by email" in page
    assert "Reply 1 if you will come" not in page  # the quoted email stayed out
    assert libretranslate.texts() == [words]  # only the reply's words reached the provider


def test_a_forged_or_unsigned_post_is_refused_and_keeps_nothing(client, family, school_a):
    (address,) = email_from_school(family, school_a).reply_to
    forged = mailgun_post(client, address, "Hola", key="not-the-key")
    assert forged.status_code == 400
    bad = mailgun_post(client, address, "Hola", signature="0" * 64)
    assert bad.status_code == 400
    unsigned = client.post(WEBHOOK, {"recipient": address, "body-plain": "Hola"})
    assert unsigned.status_code == 400
    assert not ThreadMessage.objects.exists() and not Thread.objects.exists()
    assert not InboundSms.objects.exists()


def test_a_tampered_or_unknown_address_keeps_nothing(client, family, school_a):
    (address,) = email_from_school(family, school_a).reply_to
    signature = address.partition("@")[0].rsplit("-", 1)[1]
    for to in (
        address.replace(signature, "0" * len(signature)),
        address.replace(f"@{DOMAIN}", "@elsewhere.example"),
        f"reply+1-1-{'a' * 20}@{DOMAIN}",
        f"principal@{DOMAIN}",
    ):
        # Signed by Mailgun, so answered 200 (no retry), but nothing is kept.
        assert mailgun_post(client, to, "Hola").status_code == 200
    assert not ThreadMessage.objects.exists() and not Thread.objects.exists()


def test_a_reply_for_an_erased_family_keeps_nothing(client, family, school_a):
    (address,) = email_from_school(family, school_a).reply_to
    erase_family(family)
    assert mailgun_post(client, address, "Hola, ¿siguen ahí?").status_code == 200
    assert not ThreadMessage.objects.exists()


def test_an_html_only_reply_becomes_text_without_the_quote(client, family, school_a):
    (address,) = email_from_school(family, school_a).reply_to
    html = (
        "<html><head><style>p{color:red}</style></head><body>"
        "<div dir='ltr'>Llegaremos tarde,<br>a las 6&nbsp;pm.</div>"
        "<div class='gmail_quote'><div>El lun, 7 dic 2026, School A escribió:</div>"
        "<blockquote>Family night: you are on the list.</blockquote></div></body></html>"
    )
    mailgun_post(client, address, None, html=html)
    assert ThreadMessage.objects.get().text == "Llegaremos tarde,\na las 6 pm."


def test_a_huge_reply_is_cut_and_attachments_are_left_out(client, family, school_a):
    (address,) = email_from_school(family, school_a).reply_to
    photo = SimpleUploadedFile("note.jpg", b"\xff\xd8\xff" + b"0" * 5000, "image/jpeg")
    response = mailgun_post(client, address, "Mire la nota. " * 2000, files=[photo])
    assert response.status_code == 200
    message = ThreadMessage.objects.get()
    assert len(message.text) == MAX_LENGTH
    assert message.text.startswith("Mire la nota.")


def test_an_out_of_office_answer_is_not_a_message(client, family, school_a):
    (address,) = email_from_school(family, school_a).reply_to
    mailgun_post(
        client,
        address,
        "Estoy de vacaciones hasta el lunes.",
        extra_headers=[["Auto-Submitted", "auto-replied"]],
    )
    assert not ThreadMessage.objects.exists()


def test_an_email_about_no_school_is_answered_in_the_familys_school(client, family, school_a):
    # A welcome or a district's announcement names no school: the family's own school.
    address = reply_address(f"family:{family.pk}", None)
    mailgun_post(client, address, "Gracias por la bienvenida.")
    assert ThreadMessage.objects.get().thread.school == school_a


def test_the_webhook_is_off_without_its_settings(client, family, school_a, settings):
    address = reply_address(f"family:{family.pk}", school_a.pk)
    settings.INBOUND_EMAIL_DOMAIN = ""
    assert mailgun_post(client, address, "Hola").status_code == 404
    settings.INBOUND_EMAIL_DOMAIN, settings.MAILGUN_WEBHOOK_SIGNING_KEY = DOMAIN, ""
    assert mailgun_post(client, address, "Hola").status_code == 404
    assert client.get(WEBHOOK).status_code == 405
    assert not ThreadMessage.objects.exists()


def test_a_domain_without_the_signing_key_fails_the_system_check(settings):
    settings.MAILGUN_WEBHOOK_SIGNING_KEY = ""
    with pytest.raises(SystemCheckError, match=r"messaging\.E005"):
        call_command("check")
    settings.MAILGUN_WEBHOOK_SIGNING_KEY = KEY
    call_command("check")


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("Sí.\n\nOn Mon, Dec 7, 2026 at 9:00 AM School A <\nreply+1-1-x@d> wrote:\n> hi", "Sí."),
        ("Oui.\n\nLe lun. 7 déc. 2026, School A a écrit :\n> Bonjour\n> Venez", "Oui."),
        ("Yes\n-----Original Message-----\nFrom: School A\nSent: Monday", "Yes"),
        ("Ok\n\n________________________________\nFrom: School A\nSent: Monday", "Ok"),
        ("Line one\n> quoted\nLine two", "Line one\nLine two"),
        ("Gracias\nEl lun, 7 dic 2026, School A escribió:\n> Hola", "Gracias"),
        ("Nos vemos: a las 6.\nGracias", "Nos vemos: a las 6.\nGracias"),
    ],
)
def test_quoted_text_is_left_out(written, kept):
    assert without_quote(written) == kept


def test_nul_bytes_are_dropped():
    class Message:
        stripped_text, text, html = None, "Hola\x00 mundo", None

    assert text_of(Message()) == "Hola mundo"


def test_the_privacy_notice_says_replies_by_email_are_kept_like_other_messages(client, settings):
    page = client.get("/es/privacy/").content.decode()
    assert "Respuestas por correo electrónico" in page
    assert "se guarda como sus demás mensajes" in page
    settings.INBOUND_EMAIL_DOMAIN = ""  # off: the notice does not promise it
    assert "Respuestas por correo electrónico" not in client.get("/es/privacy/").content.decode()


def test_a_reply_posted_as_raw_mime_loses_its_quote_too(client, family, school_a):
    """Mailgun's route may forward to the address as raw MIME (no stripped-text): the quoted
    email is cut off by our own reading of the plain part."""
    (address,) = email_from_school(family, school_a).reply_to
    mime = (
        "From: Lucía <lucia@example.org>\r\n"
        f"To: {address}\r\n"
        "Subject: Re: School A: Family night\r\n"
        "Message-ID: <mime-1@mail.example.net>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: text/plain; charset="utf-8"\r\n'
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
        f"Vamos dos adultos.\r\n\r\n{QUOTED.format(to=address)}"
    )
    timestamp, token = str(int(time.time())), uuid.uuid4().hex
    signature = hmac.new(KEY.encode(), f"{timestamp}{token}".encode(), hashlib.sha256)
    data = {"recipient": address, "sender": "lucia@example.org", "body-mime": mime}
    data.update(timestamp=timestamp, token=token, signature=signature.hexdigest())
    assert client.post(WEBHOOK, data).status_code == 200
    assert ThreadMessage.objects.get().text == "Vamos dos adultos."


@pytest.mark.pg
@pytest.mark.django_db(transaction=True)
def test_one_email_posted_four_times_at_once_is_one_message(family, school_a):
    (address,) = email_from_school(family, school_a).reply_to
    message_id = f"<{uuid.uuid4().hex}@mail.example.net>"

    def post():
        response = mailgun_post(
            Client(), address, "¿Puedo llevar a mi hermana?", message_id=message_id
        )
        assert response.status_code == 200

    assert run_together([post] * 4, workers=4) == []
    assert ThreadMessage.objects.count() == 1
    assert InboundSms.objects.count() == 1


def test_outlooks_html_quote_is_left_out():
    class Message:
        stripped_text, text = None, None
        html = (
            "<div>See you there.</div><div id='appendonsend'></div><hr>"
            "<div id='divRplyFwdMsg'><b>From:</b> School A</div><div>Family night</div>"
        )

    assert text_of(Message()) == "See you there."


def test_an_old_reply_address_does_not_reach_a_school_the_family_left(
    client, family, school_a, school_b
):
    """The family moved from school A to school B; a reply to one of school A's old emails
    is the family's words to the school it belongs to now, never school A's inbox (its
    staff no longer see the family)."""
    from families.models import Membership

    (address,) = email_from_school(family, school_a).reply_to
    mailgun_post(client, address, "Gracias por todo.")
    Membership.objects.filter(family=family, school=school_a).delete()
    Membership.objects.create(family=family, school=school_b, status="confirmed")
    mailgun_post(client, address, "Ya estamos en la escuela nueva.")
    latest = ThreadMessage.objects.get(text="Ya estamos en la escuela nueva.")
    assert latest.thread.school == school_b
    # A family that left and belongs to no school any more: the reply is dropped.
    Membership.objects.filter(family=family).delete()
    mailgun_post(client, address, "¿Hola?")
    assert not ThreadMessage.objects.filter(text="¿Hola?").exists()


def test_a_flood_of_replies_is_capped_like_the_familys_messages_on_the_site(
    client, family, school_a, settings, libretranslate
):
    """Anyone holding one reply address (a forwarded email) could otherwise fill the
    school's inbox, and have each message translated at our cost, for free: replies count
    in the family's hourly cap of messages to schools (FEEDBACK_MAX_PER_HOUR), as on the
    site."""
    settings.FEEDBACK_MAX_PER_HOUR = 3
    (address,) = email_from_school(family, school_a).reply_to
    for n in range(6):
        assert mailgun_post(client, address, f"Mensaje número {n}").status_code == 200
    assert ThreadMessage.objects.count() == 3
