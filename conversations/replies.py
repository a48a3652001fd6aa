"""Answers by reply: a family answers an event's text with "1" or "2" (or its language's yes
or no), or presses 1 or 2 at the end of a call, and that becomes its answer to the event;
the same to a conference booking's text confirms or cancels the meeting
(conversations/conference_replies.py).

The handler is the first in messaging.registry.inbound (conversations/apps.py); it runs
after STOP/START words, inside the webhook's transaction that records the provider's
MessageSid once, so a reply delivered twice answers once (RELIABILITY E10). The answer goes
through events.services.rsvp, under the event's lock and its rules (places, waiting list,
date to answer; RELIABILITY D8); the confirmation goes out through the outbox as for an
answer on the site.

Which event or meeting: the one of the last event or conference message (text or call)
that reached the family within REPLY_WINDOW. A reply that is not a yes or a no, or that
has no event or meeting to answer, is not ours (False): the next handler (the family's
thread) takes it. A number we do not know gets one short reply a day on where to sign up,
and nothing is created for it.

Which family: the one the number reaches (Family.objects.reached_at, the same lookup for
every handler). A number several families share is answered for the only family a reply
can be for, or asked which family (conversations/shared_number.py, RELIABILITY E14).
"""

import re
import unicodedata
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from conversations import conference_replies, shared_number
from conversations.replies_models import UnknownNumberReply
from events import notices as event_notices
from events import services
from events.models import Event, Rsvp
from families.models import Family
from families.services import notify
from messaging import outbox, registry
from messaging.models import Message
from messaging.optout import number_hash
from messaging.segments import truncate
from signups import notices as conference_notices

REPLY_WINDOW = timedelta(days=14)

# A whole reply that means "I will come" / "I will not", in our 15 languages (compared
# case-folded, without the punctuation around it). A reply with anything more ("yes but
# late", "1 2") is not an answer: it goes to the family's thread, where a person reads it.
YES_WORDS = {
    # en
    "yes",
    "y",
    "yeah",
    "yep",
    "i will come",
    # sq
    "po",
    "po vij",
    # ar
    "نعم",
    "ايوه",
    "أيوه",
    "اجل",
    "أجل",
    "سآتي",
    # bn
    "হ্যাঁ",
    "হ্যা",
    "হাঁ",
    "জি",
    "জী",
    # zh-hans, zh-hant
    "是",
    "是的",
    "会",
    "會",
    "去",
    "好",
    "参加",
    "參加",
    # tl
    "oo",
    "opo",
    "oo po",
    "pupunta",
    # fr
    "oui",
    "je viens",
    # ht
    "wi",
    "m ap vini",
    # ko
    "네",
    "예",
    "응",
    "참석",
    # ru, uk (да is Russian; так is Ukrainian)
    "да",
    "приду",
    "так",
    "прийду",
    # es
    "sí",
    "si",
    "voy",
    # ur
    "ہاں",
    "جی",
    "جی ہاں",
    "ہاں جی",
    # uz (Latin and Cyrillic)
    "ha",
    "xa",
    "ҳа",
    "ха",
    "boraman",
}
NO_WORDS = {
    "no",
    "n",
    "nope",
    "i will not come",
    "jo",
    "لا",
    "لن آتي",
    "না",
    "不",
    "不是",
    "不去",
    "不会",
    "不會",
    "否",
    "hindi",
    "hindi po",
    "non",
    "je ne viens pas",
    "m p ap vini",
    "mwen pa ka vini",
    "아니요",
    "아니오",
    "아뇨",
    "아니",
    "불참",
    "нет",
    "не приду",
    "ні",
    "не прийду",
    "no voy",
    "نہیں",
    "جی نہیں",
    "yo'q",
    "yoq",
    "йўқ",
    "йук",
    "bormayman",
}
# Punctuation and spaces around a reply ("Sí!", "1.", "Oui ?", "نعم؟") say nothing more.
_AROUND = re.compile(r"^[\s.,!?¡¿;:…'\"()\-،؟۔।。！？，]+|[\s.,!?¡¿;:…'\"()\-،؟۔।。！？，]+$")


def answer_of(body: str) -> bool | None:
    """True for "I will come", False for "I will not", None for anything else."""
    text = unicodedata.normalize("NFC", (body or "")[:100])
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r" for ch in text):
        return None  # a NUL or another control character: not what a person typed
    # Apostrophes as phones type them (yo‘q, yoʻq, yo’q) are one.
    text = re.sub("[‘’ʻʼ`]", "'", text).casefold()
    text = " ".join(_AROUND.sub("", text).split())
    if len(text) == 1 and unicodedata.decimal(text, None) in (1, 2):
        # Any script's digit: 1, ١ (Arabic), ۱ (Urdu), ১ (Bengali), １ (full width).
        return unicodedata.decimal(text) == 1
    if text in YES_WORDS:
        return True
    if text in NO_WORDS:
        return False
    return None


def family_of(phone: str) -> Family | None:
    """The one family this number reaches; None for a number no family has or one that
    several families share (conversations/shared_number.py decides those)."""
    families = list(Family.objects.reached_at(phone).select_related("user")[:2])
    return families[0] if len(families) == 1 else None


# What a "1" or "2" may answer: an event's texts, and a conference booking's (its
# confirmation and reminders; conversations/conference_replies.py). The "cancelled" texts
# are among them, so a reply after one never answers an older message instead.
ANSWERED_KINDS = (*event_notices.KINDS, *conference_notices.KINDS)


def last_answerable_message(family: Family) -> Message | None:
    """The last event or conference text or call that reached the family within
    REPLY_WINDOW: the one its "1" or "2" answers (a later "cancelled" text included, so a
    "1" never answers an older event, nor a "2" cancels an older meeting, instead)."""
    return (
        Message.objects.filter(
            recipient=f"family:{family.pk}",
            kind__in=ANSWERED_KINDS,
            channel__in=[Message.Channel.SMS, Message.Channel.VOICE],
            status=Message.Status.SENT,
            sent_at__gte=timezone.now() - REPLY_WINDOW,
        )
        .order_by("-sent_at", "-pk")
        .first()
    )


def party_for(family: Family, event: Event, going: bool) -> services.Party:
    """The party of the family's previous answer (who comes, their needs), or 1 adult."""
    previous = Rsvp.objects.filter(event=event, family=family).first()
    if previous is None or previous.people < 1:
        return services.Party(going=going)
    return services.Party(
        going=going,
        adults=previous.adults,
        children=previous.children,
        needs_interpreter=previous.needs_interpreter,
        interpreter_language=previous.interpreter_language,
        needs_childcare=previous.needs_childcare,
        other_needs=previous.other_needs,
    )


def handle(text: registry.InboundText) -> bool:
    """messaging.registry.inbound: a text the family sent. True when it was an answer (or
    a number we do not know); False leaves it to the next handler."""
    families = shared_number.families_for(text)
    if not families and text.recipient:
        return False  # the family chosen was erased meanwhile: not an unknown number
    if not families:
        return unknown_number(text.phone)
    if len(families) > 1:
        return handle_shared(text, families)
    going = answer_of(text.body)
    if going is None:
        return False
    return answer(families[0], going, ref=text.sid)


def handle_shared(text: registry.InboundText, families: list[Family]) -> bool:
    """A text from a number several families share (RELIABILITY E14): a letter answering
    the question "which family?" applies what was held; a "1" or "2" is answered at once
    when only one of the families got an event or conference text it can answer, else held
    and asked; a free text is left to the conversations (conversations/inbound.py decides
    there)."""
    if shared_number.take_choice(text):
        return True
    going = answer_of(text.body)
    if going is None:
        return False
    waiting = [family for family in families if last_answerable_message(family) is not None]
    if not waiting:
        return False
    if len(waiting) == 1:
        return answer(waiting[0], going, ref=text.sid)
    return shared_number.hold_and_ask(text, waiting)


def handle_keypress(press: registry.InboundText) -> bool:
    """messaging.registry.keypresses: the digit a family pressed at the end of a call. On a
    number several families share, the call itself says whose it was: the outbox row that
    the provider's CallSid names."""
    families = shared_number.families_for(press)
    if len(families) > 1:
        call = press.sid.rsplit(":", 1)[0]
        called = set(
            Message.objects.filter(
                provider_id=call, recipient__in=[f"family:{family.pk}" for family in families]
            ).values_list("recipient", flat=True)
        )
        families = [family for family in families if f"family:{family.pk}" in called]
    going = {"1": True, "2": False}.get(press.body.strip())
    if len(families) != 1 or going is None:
        return False
    return answer(families[0], going, ref=press.sid)


def answer(family: Family, going: bool, *, ref: str) -> bool:
    message = last_answerable_message(family)
    if message is None:
        return False  # nothing to answer: a "yes" to the school is for a person to read
    if message.kind in conference_notices.KINDS:
        return conference_replies.answer(family, going, message)
    event = Event.objects.filter(pk=message.context.get("event")).first()
    if event is None:
        return False
    party = party_for(family, event, going)
    before = Rsvp.objects.filter(event=event, family=family).values_list("status", flat=True)
    previous = before.first()
    try:
        # A savepoint: a refused answer leaves the webhook's transaction (the MessageSid,
        # the notice below) whole.
        with transaction.atomic():
            row = services.rsvp(family=family, event=event, party=party)
    except services.EventBusy:
        notify(family, lambda: str(services.BUSY))
        return True
    except ValidationError as error:
        # Cancelled, the date to answer passed, no room for a bigger party: the same words
        # the event's page shows (read inside the family's language, hence the lambda).
        refused = error
        notify(family, lambda: " ".join(refused.messages))
        return True
    confirm(family, event, row, previous, ref)
    return True


def title_for_texts(event: Event) -> str:
    return event_notices.short_title(event, translation.get_language()) or event.title


def confirm(family: Family, event: Event, row: Rsvp, previous: str | None, ref: str) -> None:
    """The confirmation, through the outbox. services.rsvp already queued "on the list" or
    "waiting list" when the answer changed; a family that says again what it said is told
    again too (it asked), and "not coming" has no kind of its own: a notice says it."""
    if row.status == Rsvp.Status.NOT_GOING:
        notify(
            family,
            lambda: (
                gettext(
                    'You answered that you will not come to "%(title)s". Reply 1 if you change '
                    "your mind."
                )
                % {"title": title_for_texts(event)}
            ),
        )
        return
    if row.status != previous:
        return
    kind = "rsvp_going" if row.status == Rsvp.Status.GOING else "rsvp_waitlisted"
    recipient = outbox.resolve(f"family:{family.pk}")
    if recipient is not None:
        outbox.enqueue(
            recipient=recipient,
            kind=kind,
            key=f"{kind}:event:{event.pk}:family:{family.pk}:reply:{ref or uuid.uuid4().hex}",
            context={"event": event.pk},
        )


UNKNOWN_NUMBER_LANGUAGES = ("en", "es")


def unknown_number(phone: str) -> bool:
    """One reply a day to a number no family has: where to sign up, in English then Spanish
    (we do not know its language; they are the district's two most common). Sent at once,
    like a login code (no family to queue it for), after the webhook's transaction commits,
    and only to numbers we may text at all (messaging.channels refuses the others)."""
    if not phone or not UnknownNumberReply.first_today(number_hash(phone)):
        return True
    parts = []
    for language in UNKNOWN_NUMBER_LANGUAGES:
        with translation.override(language):
            link = settings.PORTAL_BASE_URL.rstrip("/") + reverse("account_signup")
            parts.append(
                gettext(
                    "This is the school family portal. We do not know your number. Sign up "
                    "at %(link)s or ask your school."
                )
                % {"link": link}
            )
    text = truncate("\n".join(parts), 2)

    transaction.on_commit(
        lambda: outbox.send_at_once(
            kind="unknown_number", channel="sms", phone=phone, language="en", text=text
        )
    )
    return True
