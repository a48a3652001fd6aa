"""What conversations keep about a family, for its download and its erasure (registered in
ConversationsConfig.ready() through families.personal_data).

Erasure deletes the family's conversations (their messages and translations with them) and
its interpreter call requests: what a family wrote is its own, and staff answers written to
it name it by what they answer. So do the texts held from a number it shares with another
family until the phone says which family they are for (HeldReply, RELIABILITY E14): they
may be this family's words."""

from django.db.models import Q

from conversations.models import CallbackRequest, Thread, ThreadMessage
from conversations.replies_models import HeldReply
from families import personal_data


def register() -> None:
    personal_data.register(
        "conversations", export=export_threads, named_rows=thread_rows, erase=erase_threads
    )


def export_threads(family) -> dict:
    threads = Thread.objects.filter(family=family).select_related("school").order_by("pk")
    messages = ThreadMessage.objects.filter(thread__family=family).order_by("created_at", "pk")
    by_thread: dict[int, list] = {}
    for m in messages:
        by_thread.setdefault(m.thread_id, []).append(
            {
                "from": "family" if m.from_family else "school",
                "sent": m.created_at.isoformat(),
                "language": m.language,
                "text": m.text,
                "machine_translations": m.translations,
            }
        )
    return {
        "conversations": [
            {"school": t.school.name, "messages": by_thread.get(t.pk, [])} for t in threads
        ],
        "interpreter_calls": [
            {
                "school": c.school.name,
                "asked": c.created_at.isoformat(),
                "language": c.language,
                "note": c.note,
                "status": c.status,
            }
            for c in CallbackRequest.objects.filter(family=family).select_related("school")
        ],
        "texts_held_from_a_shared_phone": [
            {
                "received": h.held_at.isoformat(),
                "text": h.body,
                "applied": h.applied_at.isoformat() if h.applied_at else None,
                "for_this_family": h.chosen_id == family.pk if h.chosen_id else None,
            }
            for h in held_replies(family)
        ],
    }


def held_replies(family):
    return HeldReply.objects.filter(Q(families=family) | Q(chosen=family)).distinct()


def thread_rows(family) -> dict:
    # The admin's history names a conversation "family · school"; those entries are blanked.
    return {
        Thread: list(Thread.objects.filter(family=family).values_list("pk", flat=True)),
        CallbackRequest: list(
            CallbackRequest.objects.filter(family=family).values_list("pk", flat=True)
        ),
    }


def erase_threads(family) -> None:
    HeldReply.objects.filter(pk__in=held_replies(family).values("pk")).delete()
    CallbackRequest.objects.filter(family=family).delete()
    Thread.objects.filter(family=family).delete()
