"""Writing in a conversation, translating it, and asking for an interpreter's call.

No request waits on the translation provider. A message is saved with the languages it is
owed (`translation_missing`: the staff's for a family's message, the family's for an
answer) and a Celery task started on commit translates it (conversations.tasks.
translate_messages); a page opened in a language a message was never read in records that
language as owed, in one statement, and starts the task too. Until the translation arrives
the reader sees the original with "Not translated yet". A provider that fails leaves the
language owed, and conversations.tasks.retry_translations (beat) tries again: it is also
the safety net for a task that was never started (the broker down at the commit).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Sum
from django.utils import timezone
from kombu.exceptions import OperationalError

from conversations.models import CallbackRequest, Thread, ThreadMessage
from families.locks import TRANSLATIONS
from families.models import Family, Membership
from messaging import outbox
from messaging.translation import TranslationError, backend_name, translate
from portal import page_cache
from schools.models import School

log = logging.getLogger("portal.conversations")

# The same words from the family within this time are one message sent twice.
SAME_MESSAGE_WINDOW = timedelta(minutes=1)
# Messages per translation task: each may wait the provider's whole timeout, and a task
# must end well within CELERY_TASK_SOFT_TIME_LIMIT.
TRANSLATE_BATCH = 10
# How long a request may wait to hand the translation task to the broker (Redis, on the
# same network); past it the language stays owed and retry_translations gets it.
BROKER_CONNECT_SECONDS = 1


def staff_language() -> str:
    """The language a school's staff read in unless they chose another in the admin: the
    portal's own (English). A family's message is translated into it as it arrives (by the
    task started on commit), so the inbox usually opens with the translation already there."""
    return settings.LANGUAGE_CODE


def schools_of(family):
    """The open schools a family may write to: those it belongs to or asked to join, not one
    that declined it or that it left. The memberships are one subquery: an exclude() across
    the schools' memberships would drop a school that declined any other family."""
    joined = Membership.objects.filter(family=family).exclude(status=Membership.Status.DECLINED)
    return School.objects.active().filter(pk__in=joined.values("school_id"))


def thread_for(family, school) -> Thread:
    thread, _created = Thread.objects.get_or_create(family=family, school=school)
    return thread


def owed(text_language: str, readers) -> list[str]:
    """The languages a new message is to be translated into: its readers' but its own;
    none when machine translation is off."""
    if backend_name() == "none":
        return []
    return [code for code in dict.fromkeys(readers) if code and code != text_language]


def translate_after_commit(message_ids) -> None:
    """Start the translation task(s) once the transaction commits (a task started before
    could look for the message before it exists). The broker down is no error for the
    request: the languages stay owed and retry_translations gets them."""
    ids = list(message_ids)
    if not ids:
        return

    def publish():
        from conversations.tasks import translate_messages

        app = translate_messages.app
        # One try, no reconnection loop: with the broker down the default publish waits
        # about six seconds on kombu's retries, inside the family's request.
        options = {**(app.conf.broker_transport_options or {}), "max_retries": 0}
        try:
            with app.connection_for_write(
                connect_timeout=BROKER_CONNECT_SECONDS, transport_options=options
            ) as connection:
                for start in range(0, len(ids), TRANSLATE_BATCH):
                    chunk = ids[start : start + TRANSLATE_BATCH]
                    translate_messages.apply_async((chunk,), retry=False, connection=connection)
        except (OSError, OperationalError) as error:
            log.warning(
                "translation task not started; retry_translations will do it",
                extra={"thread_messages": len(ids), "error": str(error)[:200]},
            )

    transaction.on_commit(publish)


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
            thread=thread,
            from_family=True,
            text=text,
            language=language,
            kind=kind,
            translation_missing=owed(language, [staff_language()]),
        )
        Thread.objects.filter(pk=thread.pk).update(
            unread_by_staff=F("unread_by_staff") + 1, last_message_at=message.created_at
        )
        if message.translation_missing:
            translate_after_commit([message.pk])
    return message


@transaction.atomic
def answer(thread: Thread, *, text: str, by, language: str) -> ThreadMessage:
    """A staff member's answer, in their language, owed in the family's (translated by the
    task started on commit); the family is told by its channel (conversations.notices,
    whose renderer in the worker translates it if the task has not yet). A failed
    translation does not hold the notice back: the original goes, with a note."""
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
    family = thread.family
    message = ThreadMessage.objects.create(
        thread=thread,
        from_family=False,
        author=by,
        text=text,
        language=language,
        translation_missing=owed(language, [family.language]),
    )
    Thread.objects.filter(pk=thread.pk).update(
        unread_by_family=F("unread_by_family") + 1,
        unread_by_staff=0,
        last_message_at=message.created_at,
    )
    if message.translation_missing:
        translate_after_commit([message.pk])
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
    Called by the tasks and by the answer's renderer, in the worker: never in a request.
    Returns False when the provider failed: that language stays owed for the retry task,
    and the others are left to it too. A language the provider will never do is kept as ""
    ("no translation"), so no page and no retry asks again. With TRANSLATION_BACKEND=none
    nothing is sent and nothing is owed (readers get the interpreter button instead)."""
    if backend_name() == "none":
        return True
    with transaction.atomic():
        # The message's task and its answer's notice start together on commit, and a task
        # may be delivered twice: with several workers each would pay the provider for the
        # same text. One run at a time per message (an advisory lock, not the row: a page
        # that records a language as owed never waits on the provider); the next one reads
        # what the first made and asks only for what is still missing.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s::integer, %s::integer)",
                    [TRANSLATIONS, message.pk],
                )
        made_meanwhile = (
            ThreadMessage.objects.filter(pk=message.pk).values_list("translations", flat=True)
        ).first()
        if made_meanwhile is None:
            return True  # deleted meanwhile (retention, erasure): nothing to translate
        message.translations = {**message.translations, **made_meanwhile}
        return _translate_into(message, languages)


def _translate_into(message: ThreadMessage, languages) -> bool:
    made, failed = {}, []
    for language in dict.fromkeys(languages):
        if not language or language == message.language or language in message.translations:
            continue
        try:
            made[language] = translate(message.text, source=message.language, target=language)
        except TranslationError as error:
            log.warning(
                "translation failed",
                extra={"thread_message": message.pk, "target": language, "error": str(error)[:200]},
            )
            if getattr(error, "permanent", False):
                made[language] = ""
                continue
            failed.append(language)
            break  # the provider is failing: the next language would wait its timeout too
    keep(message, made, failed)
    return not failed


def keep(message: ThreadMessage, made: dict, failed: list) -> None:
    """Save what a translation run made, merged into the row as it is now: another task or
    a reader's page may have changed it while the provider was asked. The row is locked
    only after the provider answered, for two statements, so a page never waits on it."""
    with transaction.atomic():
        row = (
            ThreadMessage.objects.select_for_update()
            .filter(pk=message.pk)
            .values("translations", "translation_missing")
            .first()
        )
        if row is None:  # deleted meanwhile (retention, erasure)
            return
        translations = {**row["translations"], **made}
        # A language already translated is owed no more (a page may have recorded it while
        # the translation was being made).
        missing = [
            code
            for code in dict.fromkeys([*row["translation_missing"], *failed])
            if code not in translations
        ]
        if (translations, missing) != (row["translations"], row["translation_missing"]):
            ThreadMessage.objects.filter(pk=message.pk).update(
                translations=translations, translation_missing=missing
            )
    message.translations, message.translation_missing = translations, missing


def translate_owed(messages) -> int:
    """Translate each message into the languages it is owed (the tasks' work); returns how
    many translations got done. After one failure the provider is not asked again in this
    run (each try may wait the whole timeout): what is left stays owed for the retry task."""
    done = 0
    for message in messages:
        before = len(message.translation_missing)
        ok = translate_into(message, list(message.translation_missing))
        done += before - len(message.translation_missing)
        if not ok:
            break
    return done


def read_in(messages, language: str, *, as_written=lambda message: False) -> list:
    """The messages, each with .shown (its text in `language`, or the original), .translated
    (a machine wrote .shown) and .waiting (a translation is owed: "Not translated yet").
    Never asks the provider: a message never yet read in this language is recorded as owed
    in it (one statement for the whole page) and the translation task is started on commit;
    the next load shows the translation. as_written(message): shown as written, never
    translated (a family reads its own messages as it wrote them)."""
    machine = backend_name() != "none"
    messages = list(messages)
    owing = []
    for message in messages:
        if as_written(message):
            message.shown, message.translated, message.waiting = message.text, False, False
            message.foreign = False
            continue
        foreign = message.language != language
        if (
            machine
            and foreign
            and language not in message.translations
            and language not in message.translation_missing
        ):
            message.translation_missing = [*message.translation_missing, language]
            owing.append(message)
        message.shown, message.translated = message.in_language(language)
        message.waiting = machine and language in message.translation_missing
        message.waiting = message.waiting and language not in message.translations
        message.foreign = foreign
    if owing:
        ThreadMessage.objects.bulk_update(owing, ["translation_missing"])
        translate_after_commit([message.pk for message in owing])
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
        # My page counts the new answers.
        page_cache.people_changed([thread.family.user_id])


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
    page_cache.people_changed([request_row.family.user_id])


def retry_translations(limit: int = 200) -> int:
    """Translate what is still owed (the provider failed, or the task was never started);
    returns how many got done. Like the task, it stops at the provider's first failure."""
    rows = ThreadMessage.objects.exclude(translation_missing=[]).order_by("created_at")[:limit]
    return translate_owed(rows)
