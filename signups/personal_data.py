"""What conference bookings keep about a family, for its download and its erasure
(registered in SignupsConfig.ready() through families.personal_data).

"conferences": the family's bookings (with the child's first name and class it wrote) and
its offer to interpret. Erasure: the meetings still to come go (their messages not yet sent
with them); those held stay for the counts without the child's name, class or phone; the
offer goes; an offer already booked for meetings stays as "(erased)" with no note, so
the schedules staff printed still add up. Meetings still to come that the parent was to
interpret at get another free interpreter of their language, or none (then their page
and reminders no longer say one will be there).
"""

from django.utils.translation import gettext

from families import personal_data
from signups import services
from signups.models import Booking, Interpreter


def register() -> None:
    personal_data.register(
        "conferences", export=export_bookings, named_rows=named_rows, erase=erase
    )


def export_bookings(family) -> dict:
    bookings = Booking.objects.filter(family=family).select_related("slot__day__school", "host")
    return {
        "bookings": [
            {
                "school": b.slot.day.school.name,
                "with": b.host.name,
                "starts": b.starts_at.isoformat(),
                "child_name": b.child_name,
                "child_class": b.child_class,
                "by_phone": b.by_phone,
                "phone": b.phone,
                "interpreter_language": b.interpreter_language,
                "booked": b.created_at.isoformat(),
            }
            for b in bookings
        ],
        "offers_to_interpret": [
            {
                "school": o.school.name,
                "languages": o.languages,
                "note": o.note,
                "approved": o.approved,
            }
            for o in Interpreter.objects.filter(family=family).select_related("school")
        ],
    }


def named_rows(family) -> dict:
    return {
        Booking: list(Booking.objects.filter(family=family).values_list("pk", flat=True)),
        Interpreter: list(Interpreter.objects.filter(family=family).values_list("pk", flat=True)),
    }


def erase(family) -> None:
    services.cancel_all(family)
    offers = Interpreter.objects.filter(family=family)
    # The meetings to come this parent was to interpret at: they will not be there, so
    # the family's page and reminders must stop promising them.
    services.replace_interpreter(offers)
    # Bookings of other families may name this parent as their interpreter (PROTECT): the
    # row stays, without the name or the note, and is no longer used.
    booked = offers.filter(bookings__isnull=False).distinct()
    booked.update(name=gettext("(erased)"), note="", approved=False)
    offers.exclude(pk__in=booked.values("pk")).delete()
