"""Writing in a conversation, translating it, and asking for an interpreter's call.

A message is saved and its notice scheduled whatever the translation provider does: a
provider that fails leaves the language in `translation_missing`, the reader sees the
original with "Not translated yet", and conversations.tasks.retry_translations tries again.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from conversations.models import CallbackRequest, Thread, ThreadMessage
from families.models import Family
from messaging import outbox
from messaging.translation import TranslationError, backend_name, translate

log = logging.getLogger("portal.conversations")

# The same words from the family within this time are one message sent twice.
SAME_MESSAGE_WINDOW = timedelta(minutes=1)


def staff_language() -> str:
    """The language a school's staff read in unless they chose another in the admin: the
    portal's own (English). A family's message is translated into it as it arrives, so the
    inbox opens with the translation already there."""
    return settings.LANGUAGE_CODE


def thread_for(family, school) -> Thread:
    thread, _created = Thread.objects.get_or_create(family=family, school=school)
    return thread


def write_from_family(*, family, school, text: str, language: str, kind: str = "") -> ThreadMessage:
    """The family's message in its thread with the school (opened on the first message).
    Also what families.services.send_feedback calls for a named message to a school."""
    text = text.strip()
    with transaction.atomic():
        thread = thread_for(family, school)
        # The thread's row is the lock: a double tap on "Send" (no JavaScript greys the
        # button out) or a text delivered twice under two ids writes the message once.
        Thread.objects.select_for_update().filter(pk=thread.pk).first()
        again = (
            thread.messages.filter(
                from_family=True, text=text, created_at__gte=timezone.now() - SAME_MESSAGE_WINDOW
            )
            .order_by("-created_at")
            .first()
        )
        if again is not None:
            return again
        message = ThreadMessage.objects.create(
            thread=thread, from_family=True, text=text, language=language, kind=kind
        )
        Thread.objects.filter(pk=thread.pk).update(
            unread_by_staff=F("unread_by_staff") + 1, last_message_at=message.created_at
        )
    # After the lock: the provider may take its whole timeout.
    translate_into(message, [staff_language()])
    return message


@transaction.atomic
def answer(thread: Thread, *, text: str, by, language: str) -> ThreadMessage:
    """A staff member's answer, in their language; translated into the family's, then the
    family is told by its channel (conversations.notices). A failed translation does not
    hold the notice back: the original goes, with a note."""
    text = text.strip()
    # As for the family's messages: "Save" clicked twice sends one answer, one text.
    Thread.objects.select_for_update().filter(pk=thread.pk).first()
    again = (
        thread.messages.filter(
            from_family=False,
            author=by,
            text=text,
            created_at__gte=timezone.now() - SAME_MESSAGE_WINDOW,
        )
        .order_by("-created_at")
        .first()
    )
    if again is not None:
        return again
    message = ThreadMessage.objects.create(
        thread=thread, from_family=False, author=by, text=text, language=language
    )
    Thread.objects.filter(pk=thread.pk).update(
        unread_by_family=F("unread_by_family") + 1,
        unread_by_staff=0,
        last_message_at=message.created_at,
    )
    family = thread.family
    translate_into(message, [family.language])
    recipient = outbox.resolve(f"family:{family.pk}")
    if recipient is not None and recipient.channels:
        outbox.enqueue(
            recipient=recipient,
            kind="conversation_answer",
            key=f"conversation_answer:{message.pk}",
            context={"message": message.pk},
        )
    return message


def translate_into(message: ThreadMessage, languages) -> bool:
    """Translate the message into each language it is not yet in; only the text is sent.
    Returns True when it changed the row. A provider's error is logged and the language kept
    in translation_missing for the retry task; with TRANSLATION_BACKEND=none nothing is sent
    and nothing is missing (readers get the interpreter button instead)."""
    if backend_name() == "none":
        return False
    changed = False
    missing = list(message.translation_missing)
    for language in dict.fromkeys(languages):
        if not language or language == message.language or language in message.translations:
            continue
        try:
            translated = translate(message.text, source=message.language, target=language)
        except TranslationError as error:
            log.warning(
                "translation failed",
                extra={"thread_message": message.pk, "target": language, "error": str(error)[:200]},
            )
            if getattr(error, "permanent", False):
                # A language pair the provider will never do: kept as "no translation", so
                # no page and no retry asks again; readers get the original and the
                # interpreter button.
                message.translations = {**message.translations, language: ""}
                if language in missing:
                    missing.remove(language)
                changed = True
            elif language not in missing:
                missing.append(language)
                changed = True
            continue
        if translated:
            message.translations = {**message.translations, language: translated}
            if language in missing:
                missing.remove(language)
            changed = True
    if changed:
        message.translation_missing = missing
        ThreadMessage.objects.filter(pk=message.pk).update(
            translations=message.translations, translation_missing=missing
        )
    return changed


def read_in(messages, language: str, *, as_written=lambda message: False) -> list:
    """The messages, each with .shown (its text in `language`, or the original), .translated
    (a machine wrote .shown) and .waiting (a translation is owed: "Not translated yet").
    A message never yet read in this language is translated now, once, and kept; one whose
    translation already failed waits for the retry task (a page never waits on a provider
    that is known to be failing). as_written(message): shown as written, never translated
    (a family reads its own messages as it wrote them)."""
    machine = backend_name() != "none"
    messages = list(messages)
    # After one failure the provider is not asked again for this page (each try may wait the
    # whole timeout): the other messages are owed to the retry task, saved in one statement.
    failed, owed = False, []
    for message in messages:
        if as_written(message):
            message.shown, message.translated, message.waiting = message.text, False, False
            message.foreign = False
            continue
        if (
            machine
            and message.language != language
            and language not in message.translations
            and language not in message.translation_missing
        ):
            if failed:
                message.translation_missing = [*message.translation_missing, language]
                owed.append(message)
            else:
                translate_into(message, [language])
                failed = language in message.translation_missing
        message.shown, message.translated = message.in_language(language)
        message.waiting = machine and language in message.translation_missing
        message.foreign = message.language != language
    if owed:
        ThreadMessage.objects.bulk_update(owed, ["translation_missing"])
    return messages


def mark_read_by_staff(thread: Thread) -> None:
    # Opening the conversation is reading it; like the audit of that opening, the one write
    # a staff member's look makes.
    if thread.unread_by_staff:
        Thread.objects.filter(pk=thread.pk).update(unread_by_staff=0)
        thread.unread_by_staff = 0


def mark_read_by_family(thread: Thread) -> None:
    if thread.unread_by_family:
        Thread.objects.filter(pk=thread.pk).update(unread_by_family=0)
        thread.unread_by_family = 0


def unread_for_family(family) -> int:
    return Thread.objects.filter(family=family).aggregate(n=Sum("unread_by_family"))["n"] or 0


def request_callback(*, family, school, thread=None, note: str = "") -> CallbackRequest:
    """A call with an interpreter in the family's language; one open request per school is
    enough (asking again adds the new note to it, not a second call)."""
    with transaction.atomic():
        # The family's row is the lock: with no open request there is no row to lock, and a
        # double tap would otherwise make two calls for one question.
        Family.objects.select_for_update().filter(pk=family.pk).first()
        open_request = (
            CallbackRequest.objects.select_for_update()
            .filter(family=family, school=school, status=CallbackRequest.Status.OPEN)
            .first()
        )
        note = note.strip()
        if open_request is not None:
            if note:
                open_request.note = f"{open_request.note}\n{note}".strip()[:1000]
                open_request.save(update_fields=["note"])
            return open_request
        return CallbackRequest.objects.create(
            family=family,
            school=school,
            thread=thread,
            language=family.interpreter_language or family.language,
            note=note[:1000],
        )


def close_callback(request_row: CallbackRequest, *, by) -> None:
    CallbackRequest.objects.filter(pk=request_row.pk, status=CallbackRequest.Status.OPEN).update(
        status=CallbackRequest.Status.DONE, done_at=timezone.now(), done_by=by
    )


def retry_translations(limit: int = 200) -> int:
    """Translate again what the provider failed to translate; returns how many got done."""
    done = 0
    rows = ThreadMessage.objects.exclude(translation_missing=[]).order_by("created_at")[:limit]
    for message in rows:
        before = len(message.translation_missing)
        translate_into(message, list(message.translation_missing))
        done += before - len(message.translation_missing)
    return done
