"""A conference day's place is written in every language, as an event's is (admin tabs,
signups/translation.py): each family reads it in its own language, or in English where
the school has not translated it, on the conference page, on My page, in the booking's
texts and its calendar file; staff print the schedule in their admin language."""

import pytest
from django.conf import settings
from django.utils import translation

from messaging.models import Message
from signups import notices, services
from signups.models import ConferenceDay, Slot
from tests.families.conftest import make_family
from tests.signups.conftest import make_day

pytestmark = pytest.mark.django_db

ENGLISH, ARABIC = "School library", "مكتبة المدرسة"


@pytest.fixture
def day(school_a):
    day = make_day(school_a, interpreters=())
    ConferenceDay.objects.filter(pk=day.pk).update(place_en=ENGLISH, place_ar=ARABIC)
    return day


def book(family, day):
    slot = Slot.objects.filter(day=day).order_by("starts_at").first()
    return services.book(family=family, slot_id=slot.pk, request=services.Request())


@pytest.mark.parametrize(
    ("language", "place", "not_shown"), [("ar", ARABIC, ENGLISH), ("es", ENGLISH, ARABIC)]
)
def test_a_family_reads_the_place_in_its_language_or_in_english(
    client, school_a, day, language, place, not_shown
):
    family = make_family("ZZP Layla", school_a, phone="+12125550161", language=language)
    booking = book(family, day)
    client.force_login(family.user)
    for url in (f"/{language}/schools/{school_a.slug}/conferences/", f"/{language}/my/"):
        body = client.get(url).content.decode()
        assert place in body and not_shown not in body, url
    calendar = client.get(f"/{language}/my/meetings/{booking.pk}.ics").content.decode("utf-8")
    assert f"LOCATION:{place}" in calendar
    for message in Message.objects.filter(kind__in=notices.KINDS):
        assert message.language == language
        with translation.override(language):
            rendered = notices.render(message, None)
        assert place in rendered.sms and not_shown not in rendered.sms
        assert place in rendered.email_body


def test_staff_print_the_place_in_their_admin_language(client, staff_a, school_a, day):
    book(make_family("ZZP Omar", school_a), day)
    client.force_login(staff_a)
    url = f"/admin/signups/conferenceday/{day.pk}/print/?by=host"
    assert ENGLISH in client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    assert ARABIC in client.get(url, HTTP_ACCEPT_LANGUAGE="ar").content.decode()


def test_staff_give_the_place_in_each_language_in_tabs(client, staff_a, school_a, day):
    client.force_login(staff_a)
    page = client.get(f"/admin/signups/conferenceday/{day.pk}/change/").content.decode()
    assert 'name="place_en"' in page and 'name="place_ar"' in page and 'name="place_ur"' in page
