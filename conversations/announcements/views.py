"""The family's announcements page: every announcement sent to it, whole, in its language
(or in the announcement's default language, said so), newest first. No JavaScript."""

from django.shortcuts import render
from django.utils.translation import get_language

from conversations.announcements.models import Announcement
from families.views import family_required
from portal.languages import ENDONYMS, is_rtl

PAGE_SIZE = 50


def for_family(family, language: str, limit: int) -> list[dict]:
    """Announcements sent to this family, each with the version it reads (two queries:
    the announcements with their senders, and their versions)."""
    found = (
        Announcement.objects.sent()
        .for_family(family)
        .select_related("school", "district")
        .prefetch_related("versions")
        .order_by("-sent_at", "-pk")[:limit]
    )
    shown = []
    for announcement in found:
        version = announcement.version_in(language)
        if version is None:
            continue
        other = version.language != language
        shown.append(
            {
                "announcement": announcement,
                "version": version,
                "sender": announcement.school or announcement.district,
                "other_language": ENDONYMS.get(version.language, version.language) if other else "",
                "dir": "rtl" if is_rtl(version.language) else "ltr",
            }
        )
    return shown


@family_required
def announcements(request):
    return render(
        request,
        "conversations/announcements/list.html",
        {"announcements": for_family(request.family, get_language(), PAGE_SIZE)},
    )
