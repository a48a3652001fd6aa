"""What committees keep about a family, for its download and its erasure
(registered in CommitteesConfig.ready(); the contract is in families/personal_data.py)."""

from committees.models import Seat, SeatApplication


def export_applications(family) -> list[dict]:
    return [
        {
            "committee": a.committee.name,
            "statement": a.statement,
            "language": a.language,
            "wants_partner_help": a.wants_partner_help,
            "show_name": a.show_name,
            "status": a.status,
            "sent": a.created_at.isoformat(),
        }
        for a in SeatApplication.objects.filter(family=family).select_related("committee")
    ]


def export_seats(family) -> list[dict]:
    return [
        {
            "committee": seat.committee.name,
            "seat": seat.label,
            "term_start": seat.term_start.isoformat(),
            "term_end": seat.term_end.isoformat(),
            "name_shown": seat.show_name,
        }
        for seat in Seat.objects.filter(holder=family).select_related("committee")
    ]


def application_rows(family) -> dict:
    # An application is named "family · committee" in the admin's history.
    return {SeatApplication: list(family.seat_applications.values_list("pk", flat=True))}


def no_rows(family) -> dict:
    # A seat is named "committee · label": nothing in its name points at the family.
    return {}


def erase_applications(family) -> None:
    family.seat_applications.all().delete()


def release_seats(family) -> None:
    # One at a time under the seat's lock (committees.services.select_member takes the same),
    # saved so the public committee page is refreshed.
    for seat_id in family.seats.values_list("pk", flat=True):
        seat = Seat.objects.select_for_update().get(pk=seat_id)
        seat.holder, seat.show_name = None, False
        seat.save(update_fields=["holder", "show_name"])
