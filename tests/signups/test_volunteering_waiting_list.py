"""The waiting list of a volunteer shift: served in order, a party moves up whole, a
cancellation promotes the next and texts them; reminders the day before, within two
segments in every language, called off when the sign-up is."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from messaging.models import Message
from messaging.segments import segments
from portal.languages import LANGUAGE_CODES
from signups.volunteering import notices, services
from signups.volunteering.models import VolunteerSignup
from tests.conftest import deliver_now
from tests.families.conftest import make_family
from tests.signups.conftest import make_opportunity

pytestmark = pytest.mark.django_db


def families(school, n, prefix="F"):
    return [
        make_family(f"{prefix}{i}", school, phone=f"+1212555{i:04d}", language="bn")
        for i in range(n)
    ]


def status(family, shift):
    return VolunteerSignup.objects.get(family=family, shift=shift).status


def test_a_full_shift_keeps_a_waiting_list_served_in_order(school_a):
    shift = make_opportunity(school_a, places=2).shifts.get()
    a, b, c, d = families(school_a, 4)
    for family in (a, b, c, d):
        services.sign_up(family=family, shift=shift)
    assert [status(f, shift) for f in (a, b, c, d)] == [
        "going",
        "going",
        "waitlisted",
        "waitlisted",
    ]
    rows = {r.family_id: r for r in VolunteerSignup.objects.filter(shift=shift)}
    assert rows[c.pk].place_in_line() == 1 and rows[d.pk].place_in_line() == 2
    services.cancel(family=a, shift=shift)
    # The first in line moves up, the second is now first; the family who left holds nothing.
    assert [status(f, shift) for f in (a, b, c, d)] == [
        "cancelled",
        "going",
        "going",
        "waitlisted",
    ]
    assert VolunteerSignup.objects.get(family=d, shift=shift).place_in_line() == 1
    promoted = Message.objects.filter(kind="volunteer_promoted")
    assert list(promoted.values_list("recipient", flat=True)) == [f"family:{c.pk}"]


def test_a_party_moves_up_whole_and_keeps_its_turn(school_a):
    shift = make_opportunity(school_a, places=3).shifts.get()
    a, big, small = families(school_a, 3)
    services.sign_up(family=a, shift=shift, people=2)
    services.sign_up(family=big, shift=shift, people=3)
    assert status(big, shift) == "waitlisted"
    # One place is free: a party of one fits, the party of three is not split.
    services.sign_up(family=small, shift=shift, people=1)
    assert status(small, shift) == "going" and status(big, shift) == "waitlisted"
    services.cancel(family=a, shift=shift)
    assert status(big, shift) == "waitlisted"  # 2 free, 3 needed: still first in line
    services.cancel(family=small, shift=shift)
    assert status(big, shift) == "going"
    assert shift.people_going() == 3


def test_a_party_that_cannot_grow_keeps_its_places(school_a):
    shift = make_opportunity(school_a, places=4).shifts.get()
    a, b = families(school_a, 2)
    services.sign_up(family=a, shift=shift, people=2)
    services.sign_up(family=b, shift=shift, people=1)
    with pytest.raises(ValidationError) as refused:
        services.sign_up(family=a, shift=shift, people=4)
    assert "places left: 1" in str(refused.value.messages)
    row = VolunteerSignup.objects.get(family=a, shift=shift)
    assert (row.status, row.people) == ("going", 2)


def test_signing_up_again_after_cancelling_joins_the_end_of_the_line(school_a):
    shift = make_opportunity(school_a, places=1).shifts.get()
    a, b, c = families(school_a, 3)
    for family in (a, b, c):
        services.sign_up(family=family, shift=shift)
    services.cancel(family=b, shift=shift)
    services.sign_up(family=b, shift=shift)
    services.cancel(family=a, shift=shift)
    assert status(c, shift) == "going" and status(b, shift) == "waitlisted"


def test_closed_and_started_shifts_refuse_with_a_reason(school_a):
    closed = make_opportunity(school_a, status="closed").shifts.get()
    (a,) = families(school_a, 1)
    with pytest.raises(ValidationError, match="not open"):
        services.sign_up(family=a, shift=closed)
    started = make_opportunity(school_a).shifts.get()
    started.starts_at = timezone.now() - timedelta(minutes=5)
    started.save()
    with pytest.raises(ValidationError, match="already started"):
        services.sign_up(family=a, shift=started)


def test_the_reminder_comes_the_day_before_and_goes_with_the_sign_up(school_a):
    shift = make_opportunity(school_a).shifts.get()
    a, b = families(school_a, 2)
    services.sign_up(family=a, shift=shift)
    services.sign_up(family=b, shift=shift)
    reminders = Message.objects.filter(kind="volunteer_reminder")
    assert reminders.count() == 2
    assert {m.due_at for m in reminders} == {shift.starts_at - timedelta(days=1)}
    services.cancel(family=a, shift=shift)
    assert set(reminders.values_list("recipient", "status")) == {
        (f"family:{a.pk}", "cancelled"),
        (f"family:{b.pk}", "queued"),
    }


def test_a_reminder_whose_sign_up_changed_since_is_not_sent(school_a, empty_sms_outbox):
    shift = make_opportunity(school_a).shifts.get()
    (a,) = families(school_a, 1)
    services.sign_up(family=a, shift=shift)
    reminder = Message.objects.get(kind="volunteer_reminder")
    # The family cancels, but the reminder was already claimed for sending: superseded.
    VolunteerSignup.objects.filter(family=a).update(status="cancelled")
    Message.objects.filter(pk=reminder.pk).update(due_at=timezone.now())
    deliver_now()
    reminder.refresh_from_db()
    assert reminder.status == "cancelled" and empty_sms_outbox == []


def test_promoted_family_gets_a_text_it_can_read(client, school_a, empty_sms_outbox):
    shift = make_opportunity(school_a, places=1).shifts.get()
    a, b = families(school_a, 2)
    services.sign_up(family=a, shift=shift)
    services.sign_up(family=b, shift=shift)
    services.cancel(family=a, shift=shift)
    deliver_now()
    (text,) = [m["text"] for m in empty_sms_outbox]
    # In Bengali script the text counts 67 characters a part: the title gives way first.
    assert '"Cook for the' in text
    link = re.search(r"https?://\S+", text).group()
    client.force_login(b.user)
    response = client.get(link.split("8000", 1)[1], follow=True)
    assert response.request["PATH_INFO"] == f"/bn/schools/{school_a.slug}/volunteer/{shift.pk}/"


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_reminder_and_promotion_fit_two_segments_in_every_language(school_a, language):
    opportunity = make_opportunity(
        school_a,
        title="Chaperone the fourth grade trip to the science museum and the botanical garden",
        place="Main entrance on River Road, by the blue door next to the gym",
    )
    shift = opportunity.shifts.get()
    family = make_family("Rina", school_a, phone="+12125550123", language=language)
    for kind in notices.KINDS:
        message = Message(
            kind=kind,
            language=language,
            recipient=f"family:{family.pk}",
            context={"shift": shift.pk, "starts": int(shift.starts_at.timestamp())},
        )
        with translation.override(language):
            sms = notices.render(message, None).sms
        assert segments(sms) <= 2, (language, kind, sms)
        assert re.search(r"https?://\S+/v/\d+|/volunteer/", sms), sms
