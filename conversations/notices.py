"""The notice conversations send (registered in ConversationsConfig.ready(); the contract
is in messaging.registry).

Kinds rendered here (context: {"message": <ThreadMessage pk>}):

    conversation_answer  a school answered in the family's conversation: the answer in the
                         family's language when a machine translated it ("Translated by
                         machine"), else as written ("Not translated yet"); within two
                         segments, ending with a link to the conversation when it does not fit
"""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext

from conversations.models import ThreadMessage
from families.notices import fit_notice
from messaging import registry
from messaging.outbox import Rendered, email_html
from messaging.translation import backend_name

KINDS = ("conversation_answer",)


def register() -> None:
    registry.register_renderer(KINDS, render)


def thread_link(thread_id: int) -> str:
    """The conversation's page, in the active language (the send task's: the family's)."""
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("conversations:thread", args=[thread_id])


def render(message, recipient) -> Rendered:
    # Reads only: the translation was made (or found missing) when the answer was written.
    answer = (
        ThreadMessage.objects.select_related("thread__school")
        .filter(pk=message.context.get("message"))
        .first()
    )
    if answer is None:
        raise ValueError("the answer is gone")
    school = answer.thread.school
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
