"""What announcements send through the outbox (registered in ConversationsConfig.ready();
the contract is in messaging.registry).

Kinds rendered here (context: {"announcement": <pk>}):

    announcement         a school's or district's announcement to its families: waits out
                         the quiet hours and the family's daily limit like any notice
    announcement_urgent  the same, marked urgent by a school or district admin ("school
                         closed today"): urgent (sent at night too) and time-critical (no
                         daily limit or budget holds it back)

The text is the version in the family's language, or the announcement's default language
with the language named, within two segments; a text that does not fit ends with a link
to the family's announcements page, where it is whole.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from conversations.announcements.models import Announcement
from families.notices import fit_notice
from messaging import outbox, registry
from messaging.models import Message
from portal.languages import ENDONYMS

KINDS = ("announcement", "announcement_urgent")
URGENT = ("announcement_urgent",)


def register() -> None:
    registry.register_renderer(
        KINDS,
        render,
        time_critical=URGENT,
        current_many=superseded,
        key=render_key,
        read_ahead=announcements_of,
    )
    # The one kind that may wake a family at night (outbox.enqueue skips quiet hours).
    registry.URGENT_KINDS.update(URGENT)


def render_key(message: Message, prefetched: dict | None = None):
    """The text depends on the announcement and the language, never on the family. None
    last: the text is kept for its batch only (messaging.registry.render_key)."""
    return (message.kind, message.context.get("announcement"), message.language, None)


def announcements_of(messages: list[Message]) -> dict:
    ids = {m.context.get("announcement") for m in messages}
    found = Announcement.objects.select_related("school", "district").prefetch_related("versions")
    return {"announcements": found.in_bulk([i for i in ids if isinstance(i, int)])}


def superseded(messages: list[Message]) -> set[int]:
    """An announcement deleted while its texts waited is not sent."""
    ids = {m.context.get("announcement") for m in messages}
    alive = set(
        Announcement.objects.filter(pk__in=[i for i in ids if isinstance(i, int)]).values_list(
            "pk", flat=True
        )
    )
    return {m.pk for m in messages if m.context.get("announcement") not in alive}


def page_link(language: str) -> str:
    with translation.override(language):
        path = reverse("conversations:announcements")
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def sender_name(announcement: Announcement) -> str:
    return announcement.school.name if announcement.school_id else announcement.district.name


def other_language_note(shown: str) -> str:
    """Told in the family's language (the active one) when its version is missing."""
    return gettext("Not yet in your language. In %(language)s:") % {
        "language": ENDONYMS.get(shown, shown)
    }


def sms_text(announcement: Announcement, language: str) -> str:
    """The text message in this language (the active language is the family's)."""
    version = announcement.version_in(language)
    if version is None:
        return ""
    note = "" if version.language == language else other_language_note(version.language) + " "
    text = f"{sender_name(announcement)}: {note}{version.title}. {version.body}"
    return fit_notice(text, page_link(language))


def render(message: Message, recipient, prefetched: dict | None = None) -> outbox.Rendered:
    pk = message.context["announcement"]
    announcement = (prefetched or {}).get("announcements", {}).get(pk)
    if announcement is None:
        announcement = (
            Announcement.objects.select_related("school", "district")
            .prefetch_related("versions")
            .get(pk=pk)
        )
    language = message.language
    version = announcement.version_in(language)
    if version is None:
        raise ValueError(f"announcement {pk} has no version in {language} or its default")
    sender = sender_name(announcement)
    fallback = version.language != language
    note = other_language_note(version.language) if fallback else ""
    link = page_link(language)
    subject = f"{sender}: {version.title}"
    body = "\n\n".join(part for part in (note, version.title, version.body, link) if part)
    html = outbox.email_html(
        subject=subject,
        headline=version.title,
        school=sender,
        title=version.title,
        description=(note + "\n\n" if note else "") + version.body,
        link=link,
    )
    return outbox.Rendered(
        sms=sms_text(announcement, language),
        email_subject=subject,
        email_body=body,
        email_html=html,
        voice_script=" ".join(
            part for part in (sender + ".", note, version.title + ".", version.body) if part
        ),
        # A district's announcement has no school: a reply goes where messaging's rule says.
        school_id=announcement.school_id,
    )
