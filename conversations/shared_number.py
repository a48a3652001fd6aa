"""A phone that several families share (a grandmother's phone for her daughters' families,
a community worker's phone): which family does a text from it mean? RELIABILITY E14.

Families are found by the number they texted from with Family.objects.reached_at() (the
family whose login has the number and those registered to share it, normalised the same
way everywhere). A text that could be for one family only is handled for it at once:
a "1" when only one of them got an event text to answer within the reply window, a free
text when only one of them belongs to a school. When more than one could be meant, the text
is held (HeldReply), and the phone is asked once, in the families' language (each line in
its family's language when they differ): "Reply A for: Maria … B for: Hamid". A letter
back within CHOICE_WINDOW hands every held text of that number on again, once, as if
written for the family chosen (InboundText.recipient), through the same handlers: the
"1" answers that family's event, a free text joins that family's conversation.

Letters follow the order in which the families were registered, over every family of
the number, so they stay the same from one question to the next; each held text keeps the
letters of its question (HeldReply.letters), so a family erased meanwhile shifts nothing.
"""

import logging
import re
import unicodedata
import uuid
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from conversations.replies_models import HeldReply
from families.models import Family, normalised_phone
from families.notices import family_language
from messaging import outbox, registry
from messaging.optout import number_hash
from messaging.segments import gsm_friendly, segments, truncate, without_accents

log = logging.getLogger("portal.conversations")

# How long a held text waits for the phone's letter; after that it is dropped unread.
CHOICE_WINDOW = timedelta(hours=24)
# No I or O: they read as 1 and 0, the answers to an event.
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
# Letters a phone may type instead of the Latin one: its keyboard's look-alike (Cyrillic
# and Greek А, В, С) or its alphabet's first letters (Arabic and Urdu alif, be, jim, dal).
LOOK_ALIKES = {
    "а": "a", "в": "b", "с": "c", "α": "a", "β": "b",
    "ا": "a", "أ": "a", "إ": "a", "آ": "a", "ب": "b", "ج": "c", "د": "d",
}  # fmt: skip
_AROUND = re.compile(r"^[\s.,!?¡¿;:…'\"()\-،؟۔।。！？，]+|[\s.,!?¡¿;:…'\"()\-،؟۔।。！？，]+$")


def families_for(text: registry.InboundText) -> list[Family]:
    """The families a text may be from: those the number reaches, or only the one the
    phone chose when the text is handed on after the question."""
    families = list(Family.objects.reached_at(text.phone).select_related("user"))
    if text.recipient:
        families = [family for family in families if f"family:{family.pk}" == text.recipient]
    return families


def choice_of(body: str) -> int | None:
    """0 for "A" (or "a", "Ａ", "А", "أ"), 1 for "B", ...; None for anything else."""
    text = unicodedata.normalize("NFKC", (body or "")[:20])
    text = _AROUND.sub("", text).casefold()
    if len(text) != 1:
        return None
    index = LETTERS.casefold().find(LOOK_ALIKES.get(text, text))
    return index if index >= 0 else None


def _lock(key: str) -> None:
    # Two texts from the number at once: one question, and a letter applies each held text
    # once. Held until the webhook's transaction ends.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int(key[:15], 16)])


def _pending(key: str):
    return HeldReply.objects.filter(
        number_hash=key, applied_at__isnull=True, held_at__gte=timezone.now() - CHOICE_WINDOW
    )


def take_choice(text: registry.InboundText) -> bool:
    """A letter that answers the question: the number's held texts go to the family chosen.
    True when the text was such a letter; False leaves it to be read as any text."""
    index = choice_of(text.body)
    if index is None or text.recipient:
        return False
    key = number_hash(normalised_phone(text.phone))
    _lock(key)
    held = list(_pending(key))
    if not held:
        # The same letter typed twice, or sent again after the held text went: done once.
        return HeldReply.objects.filter(
            number_hash=key, applied_at__gte=timezone.now() - CHOICE_WINDOW
        ).exists()
    # The letters the question was asked with: another family of the number erased, or
    # its login given another number, since then would shift the letters of now.
    asked = held[0].letters or letters_of(text.phone)
    chosen = asked.get(LETTERS[index])
    family = Family.objects.reached_at(text.phone).filter(pk=chosen).first() if chosen else None
    if family is None:
        # A letter no family has ("C" for two), or a family no longer at this number: the
        # question again, with the letters of now, the letter dropped.
        current = letters_of(text.phone)
        _pending(key).update(letters=current)
        ask(normalised_phone(text.phone), list(held[-1].families.order_by("pk")), current)
        return True
    now = timezone.now()
    for row in held:
        body = row.body
        # Blanked: the words now live where they were applied (an answer, the conversation).
        row.chosen, row.applied_at, row.body = family, now, ""
        row.save(update_fields=["chosen", "applied_at", "body"])
        registry.hand_on_inbound(
            registry.InboundText(
                phone=text.phone,
                body=body,
                sid=f"{row.sid}:{family.pk}",
                recipient=f"family:{family.pk}",
            )
        )
    return True


def hold_and_ask(text: registry.InboundText, candidates: list[Family]) -> bool:
    """Keep the text until the phone says which of the candidates it is for, and ask, once
    while a question is waiting. Always True: the text is dealt with."""
    phone = normalised_phone(text.phone)
    key = number_hash(phone)
    _lock(key)
    # Held texts nobody chose for go after KEEP_DAYS (the question is forgotten with them).
    old = timezone.now() - timedelta(days=HeldReply.KEEP_DAYS)
    HeldReply.objects.filter(held_at__lt=old).delete()
    waiting = _pending(key).first()
    # A text held while the question waits keeps the letters that question gave.
    letters = waiting.letters if waiting is not None else letters_of(phone)
    row, created = HeldReply.objects.get_or_create(
        sid=(text.sid or uuid.uuid4().hex)[:64],
        defaults={"number_hash": key, "body": text.body[:5000], "letters": letters},
    )
    if not created:
        return True
    row.families.set(candidates)
    if waiting is None:
        ask(phone, candidates, letters)
    return True


def letters_of(phone: str) -> dict[str, int]:
    """{"A": family pk, ...} over every family of the number, oldest first."""
    families = Family.objects.reached_at(phone).values_list("pk", flat=True)[: len(LETTERS)]
    return dict(zip(LETTERS, families, strict=False))


def ask(phone: str, candidates: list[Family], letters: dict[str, int]) -> None:
    """Send the question "which family?" listing the candidates by their letters, at once
    after the webhook's transaction commits (like the reply to an unknown number: what the
    phone just sent waits for it). One question per text the phone sent at most."""
    by_family = {pk: letter for letter, pk in letters.items()}
    listed = [(by_family[f.pk], f) for f in candidates if f.pk in by_family]
    if not listed:
        return
    words = question(listed)
    language = family_language(listed[0][1])
    log.info("replies.shared_number_asked families=%s", len(listed))
    transaction.on_commit(
        lambda: outbox.send_at_once(
            kind="which_family", channel="sms", phone=phone, language=language, text=words
        )
    )


def question(listed: list[tuple[str, Family]]) -> str:
    """ "This phone gets messages for more than one family…" and a line per family, within
    two segments: in the families' language when they share one; else the opening in each
    of their languages, or in the first one's, or only the lines, each line in its family's
    language: the first of these that fits, without the accents the GSM alphabet lacks if
    that is enough, with names of up to 40 characters, then 24, then 14."""
    languages = list(dict.fromkeys(family_language(family) for _, family in listed))

    def opening(language: str) -> str:
        with translation.override(language):
            return gettext(
                "This phone gets messages for more than one family. Which family is your "
                "message for?"
            )

    def line(letter: str, family: Family, width: int) -> str:
        name = family.display_name
        name = name if len(name) <= width else name[: width - 1].rstrip() + "…"
        with translation.override(family_language(family)):
            return gettext("Reply %(letter)s for: %(name)s") % {"letter": letter, "name": name}

    for width in (40, 24, 14):
        lines = [line(letter, family, width) for letter, family in listed]
        forms = [[opening(languages[0]), *lines]]
        if len(languages) > 1:
            forms = [[*(opening(code) for code in languages), *lines], *forms, lines]
        for form in forms:
            text = "\n".join(form)
            # Without the accents the GSM alphabet lacks when that is enough (as notices do).
            for variant in (gsm_friendly(text), gsm_friendly(without_accents(text))):
                if segments(variant) <= 2:
                    return variant
    return truncate(gsm_friendly("\n".join(lines)), 2)
