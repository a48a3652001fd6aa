"""A family's volunteer sign-ups are in its download and leave with its erasure: a place it
held on a coming shift goes to the next family waiting (who is told); a past sign-up stays
for the counts, with nothing the family wrote."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from families.services import erase_family
from messaging.models import Message
from signups.volunteering import services
from signups.volunteering.models import Shift, VolunteerSignup
from tests.families.conftest import database_hits, make_family
from tests.signups.conftest import make_opportunity

pytestmark = pytest.mark.django_db


@pytest.fixture
def x(school_a):
    return make_family("ZZX-NAME", school_a, phone="+12125550111")


def test_the_download_lists_the_sign_ups(client, x, school_a):
    shift = make_opportunity(school_a).shifts.get()
    services.sign_up(family=x, shift=shift, people=2, note="ZZX-NOTE I can drive")
    client.force_login(x.user)
    data = json.loads(client.get("/en/my/data.json").content)
    (row,) = data["volunteering"]
    assert row["opportunity"] == "Cook for the welcome night"
    assert (row["status"], row["people"], row["note"]) == ("going", 2, "ZZX-NOTE I can drive")


def test_erasure_gives_the_place_to_the_next_family_and_leaves_no_trace(x, school_a):
    coming = make_opportunity(school_a, places=1).shifts.get()
    past = make_opportunity(school_a, title="Last year's fair").shifts.get()
    services.sign_up(family=x, shift=coming, note="ZZX-NOTE coming")
    services.sign_up(family=x, shift=past, note="ZZX-NOTE past")
    Shift.objects.filter(pk=past.pk).update(
        starts_at=timezone.now() - timedelta(days=30), ends_at=timezone.now() - timedelta(days=29)
    )
    waiting = make_family("Waiting", school_a, phone="+12125550333")
    services.sign_up(family=waiting, shift=coming)
    erase_family(x)
    assert not VolunteerSignup.objects.filter(shift=coming, family=x).exists()
    assert VolunteerSignup.objects.get(shift=coming, family=waiting).status == "going"
    assert Message.objects.filter(
        kind="volunteer_promoted", recipient=f"family:{waiting.pk}"
    ).exists()
    kept = VolunteerSignup.objects.get(shift=past, family=x)
    assert kept.note == "" and kept.people == 1
    assert database_hits(["ZZX-", "2125550111"]) == []
