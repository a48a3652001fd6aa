"""What events keep about a family, for its download and its erasure (registered in
EventsConfig.ready() through families.personal_data, which families calls).

Two sections of the download: "events" (the family's answers) and "calendar_feed".
Erasure (RELIABILITY F4): answers to events not yet started go and their places go to the
waiting list (services.give_up_places); answers to events already held stay for the
counts, without their free text; the calendar feed goes.
"""

from events.models import CalendarFeed, Rsvp
from events.services import give_up_places
from families import personal_data


def register() -> None:
    personal_data.register(
        "events", export=export_answers, named_rows=answer_rows, erase=erase_answers
    )
    personal_data.register(
        "calendar_feed", export=export_feed, named_rows=lambda family: {}, erase=erase_feed
    )


def export_answers(family) -> list[dict]:
    return [
        {
            "event": r.event.title,
            "starts": r.event.starts_at.isoformat(),
            "status": r.status,
            "people": r.people,
            "adults": r.adults,
            "children": r.children,
            "needs_interpreter": r.needs_interpreter,
            "interpreter_language": r.interpreter_language,
            "needs_childcare": r.needs_childcare,
            "other_needs": r.other_needs,
            "answered": r.queued_at.isoformat(),
            "arrived": r.arrived_at.isoformat() if r.arrived_at else None,
        }
        for r in Rsvp.objects.filter(family=family).select_related("event")
    ]


def answer_rows(family) -> dict:
    # The admin's history names an answer "family · event"; those entries are blanked.
    return {Rsvp: list(Rsvp.objects.filter(family=family).values_list("pk", flat=True))}


def erase_answers(family) -> None:
    give_up_places(family)
    Rsvp.objects.filter(family=family).exclude(other_needs="").update(other_needs="")


def export_feed(family) -> dict:
    feed = CalendarFeed.objects.filter(family=family).first()
    return {"exists": feed is not None, "created": feed.created_at.isoformat() if feed else None}


def erase_feed(family) -> None:
    CalendarFeed.objects.filter(family=family).delete()
