"""The notice conversations send (registered in ConversationsConfig.ready(); the contract
is in messaging.registry).

Kinds rendered here (context: {"message": <ThreadMessage pk>}):

    conversation_answer  a school answered in the family's conversation: the answer in the
                         family's language when a machine translated it ("Translated by
                         machine"), else as written ("Not translated yet"); within two
                         segments, ending with a link to the conversation when it does not fit

The answer's translation is made by conversations.tasks.translate_messages, started when it
was written. When the notice is sent first (the task still queued), the renderer, in the
send task, translates it itself; when the provider fails the original goes, with the note,
and is never held back.
"""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from conversations import services
from conversations.models import ThreadMessage
from families.notices import fit_notice
from messaging import registry
from messaging.outbox import Rendered, email_html
from messaging.translation import backend_name

KINDS = ("conversation_answer",)
# An answer younger than this, not yet in the family's language, is translated by the
# renderer: its translation task may not have run yet. An older one had its task and the
# retry's: the provider is failing, and the original goes without waiting on it again (a
# batch of notices held through the night would otherwise wait one timeout each).
TRANSLATE_WHEN_YOUNGER_THAN = timedelta(minutes=10)


def register() -> None:
    registry.register_renderer(KINDS, render)


def thread_link(thread_id: int) -> str:
    """The conversation's page, in the active language (the send task's: the family's)."""
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("conversations:thread", args=[thread_id])


def render(message, recipient) -> Rendered:
    answer = (
        ThreadMessage.objects.select_related("thread__school")
        .filter(pk=message.context.get("message"))
        .first()
    )
    if answer is None:
        raise ValueError("the answer is gone")
    school = answer.thread.school
    if (
        recipient.language != answer.language
        and recipient.language not in answer.translations
        and answer.created_at > timezone.now() - TRANSLATE_WHEN_YOUNGER_THAN
    ):
        # In the worker: it may wait on the provider, a family's page never does.
        services.translate_into(answer, [recipient.language])
    text, translated = answer.in_language(recipient.language)
    if translated:
        note = gettext("Translated by machine.")
    elif answer.language != recipient.language and backend_name() != "none":
        note = gettext("Not translated yet.")
    else:
        note = ""
    said = gettext("%(school)s answered: %(answer)s") % {"school": school.name, "answer": text}
    full = f"{said} {note}".strip()
    link = thread_link(answer.thread_id)
    subject = gettext("Your school answered your message")
    body = f"{full}\n\n{link}"
    return Rendered(
        sms=fit_notice(full, link),
        email_subject=subject,
        email_body=body,
        email_html=email_html(subject=subject, headline=full, school=school.name, link=link),
        voice_script=full,
        school_id=school.pk,
    )
