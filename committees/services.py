"""Committee seats: applications and choosing members, never giving a seat twice."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from committees.models import Committee, Seat, SeatApplication
from families.services import notify

ALREADY_DECIDED = _("This application has already been decided.")
NO_OPEN_SEAT = _("This committee has no open seat now, so it does not take applications.")


def apply_for_seat(
    *, family, committee: Committee, statement: str, wants_partner_help: bool, show_name: bool
):
    # An application to a committee with no seat to give would wait for nothing.
    if not committee.seats.filter(holder__isnull=True).exists():
        raise ValidationError(NO_OPEN_SEAT, code="no_open_seat")
    try:
        with transaction.atomic():
            return SeatApplication.objects.create(
                family=family,
                committee=committee,
                statement=statement.strip(),
                language=translation.get_language(),
                wants_partner_help=wants_partner_help,
                show_name=show_name,
            )
    except IntegrityError:
        raise ValidationError(
            _("You already applied to this committee."), code="duplicate"
        ) from None


def select_member(application: SeatApplication, seat: Seat) -> SeatApplication:
    """Give a seat to an applicant. Locks the seat: two staff choosing at once cannot both win."""
    with transaction.atomic():
        # The application first, under its lock: choosing it twice (a double click, two
        # staff at once) must not give the same family a second seat and a second welcome.
        application = SeatApplication.objects.select_for_update().get(pk=application.pk)
        if application.status != SeatApplication.Status.APPLIED:
            raise ValidationError(ALREADY_DECIDED, code="decided")
        seat = Seat.objects.select_for_update().get(pk=seat.pk)
        if seat.committee_id != application.committee_id:
            raise ValidationError(
                _("This seat belongs to another committee."), code="other_committee"
            )
        if seat.holder_id is not None:
            raise ValidationError(_("This seat is already taken."), code="taken")
        seat.holder = application.family
        seat.show_name = application.show_name
        seat.save(update_fields=["holder", "show_name"])
        application.status = SeatApplication.Status.SELECTED
        application.seat = seat
        application.save(update_fields=["status", "seat"])
    _tell(application, selected=True)
    return application


def decline(application: SeatApplication) -> None:
    application.status = SeatApplication.Status.NOT_SELECTED
    application.save(update_fields=["status"])
    _tell(application, selected=False)


def _tell(application: SeatApplication, *, selected: bool) -> None:
    committee = application.committee

    # Called in the family's language (notify): the committee's name is its translation.
    # The name stands alone after a colon, grammatical whatever it is.
    def text():
        if selected:
            return gettext(
                'Welcome! You have a seat on this committee: "%(committee)s". The school will '
                "tell you when it meets."
            ) % {"committee": committee.name}
        return gettext(
            'Thank you for applying to this committee: "%(committee)s". You were not chosen '
            "this time. We hope you apply again."
        ) % {"committee": committee.name}

    notify(application.family, text)
