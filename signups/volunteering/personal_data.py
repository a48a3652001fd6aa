"""What volunteering keeps about a family, for its download and its erasure (registered
through families.personal_data from SignupsConfig.ready()).

Section "volunteering": the family's sign-ups to shifts. Erasure: sign-ups to shifts not
yet started go, and their places go to the waiting list (services.give_up_places); those
already held stay for the counts, without their note.
"""

from families import personal_data
from signups.volunteering.models import VolunteerSignup
from signups.volunteering.services import give_up_places


def register() -> None:
    personal_data.register(
        "volunteering", export=export_signups, named_rows=signup_rows, erase=erase_signups
    )


def export_signups(family) -> list[dict]:
    return [
        {
            "opportunity": s.shift.opportunity.title,
            "school": s.shift.opportunity.school.name,
            "starts": s.shift.starts_at.isoformat(),
            "ends": s.shift.ends_at.isoformat(),
            "status": s.status,
            "people": s.people,
            "note": s.note,
            "signed_up": s.queued_at.isoformat(),
        }
        for s in VolunteerSignup.objects.filter(family=family).select_related(
            "shift__opportunity__school"
        )
    ]


def signup_rows(family) -> dict:
    # The admin's history names a sign-up "family · shift"; those entries are blanked.
    return {
        VolunteerSignup: list(
            VolunteerSignup.objects.filter(family=family).values_list("pk", flat=True)
        )
    }


def erase_signups(family) -> None:
    give_up_places(family)
    VolunteerSignup.objects.filter(family=family).exclude(note="").update(note="")
