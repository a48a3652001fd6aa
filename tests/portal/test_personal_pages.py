"""A signed-in family's own pages, kept whole (portal.page_cache.personal_page): read again
without the view's work, never shown to anyone else, and retired by every change to what
they show, whoever makes it: the family, the school's staff, another family, a task."""

import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.db.models.signals import post_save
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from conversations import services as conversations
from conversations.announcements import services as announcements
from events import services as events
from families import services as families
from families.models import Family, Membership
from portal.apps import THROUGH, owner_fields
from signups import services as signups
from signups.models import Booking, Host
from signups.volunteering import services as volunteering
from tests.conversations.conftest import make_announcement
from tests.events.conftest import make_event
from tests.families.conftest import make_family
from tests.portal.test_signed_in_pages import page_cache_on, signed_in  # noqa: F401 (a fixture)
from tests.signups.conftest import make_day, make_opportunity

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')

pytestmark = [pytest.mark.django_db, pytest.mark.redis]

# Rows that point at a family's row through another row, and show on none of its kept pages
# (the event, school, guide and district pages, My page, the pass), with why.
NOT_ON_A_KEPT_PAGE = {
    ("account.EmailConfirmation", "email_address"): "a pending e-mail confirmation",
    ("families.PassCheck", "family_pass"): "the front desk's scans: staff pages only",
    ("committees.SeatApplication", "seat"): "the seat's holder is not shown who applies",
    ("signups.Booking", "interpreter"): "an interpreting parent's pages list no meetings",
    ("conversations.Version", "announcement"): "its author is staff (and it is content)",
    ("conversations.CallbackRequest", "thread"): "it points at its family itself",
}


def read(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def going(family, event, adults=1):
    return events.rsvp(family=family, event=event, party=events.Party(True, adults))


@pytest.mark.parametrize("answers", [1, 8])
def test_a_kept_page_is_read_again_with_only_the_sign_ins_queries(
    school_a, answers, django_assert_max_num_queries
):
    """Flat in how much the family has: the second read runs none of the view's queries."""
    family = make_family("ZZK Kamal", school_a, phone="+12125550180")
    evts = [make_event(school_a, title=f"Evening {i}") for i in range(answers)]
    for event in evts:
        going(family, event)
    client = signed_in(family)
    urls = ["/en/my/", "/en/my/pass/", evts[0].get_absolute_url(), school_a.get_absolute_url()]
    for url in urls:
        first = read(client, url)
        # One statement: the session's row still there, the user, their family and staff
        # roles (portal.signed_in), what any signed-in request costs.
        with django_assert_max_num_queries(1):
            again = client.get(url)
        assert again.status_code == 200, url
        # The same page, with a token of its own in each form.
        assert TOKEN.sub("", again.content.decode()) == TOKEN.sub("", first), url
    assert f"Evening {answers - 1}" in read(client, "/en/my/")


def test_what_the_family_does_shows_on_its_next_read(school_a, school_b):
    family = make_family("ZZK Kamal", school_a, phone="+12125550180")
    event = make_event(school_a, title="Spring fair", capacity=40)
    client = signed_in(family)
    pages = ["/en/my/", "/en/my/pass/", event.get_absolute_url(), school_b.get_absolute_url()]
    for url in pages:
        read(client, url)  # every page kept

    going(family, event, adults=2)
    assert "2 people" in read(client, event.get_absolute_url())
    assert "Spring fair" in read(client, "/en/my/")

    assert "Join this school" in read(client, school_b.get_absolute_url())
    families.join_school(family=family, school=school_b, via=Membership.Via.REQUEST)
    assert "Join this school" not in read(client, school_b.get_absolute_url())
    assert "ZZ-B School" in read(client, "/en/my/")

    old_code = family.current_pass().short_code
    assert old_code in read(client, "/en/my/pass/")
    new = families.reissue_pass(family)
    page = read(client, "/en/my/pass/")
    assert new.short_code in page and old_code not in page

    family.display_name = "ZZK Kamal Haddad"
    family.save()
    assert "ZZK Kamal Haddad" in read(client, "/en/my/")

    shift = make_opportunity(school_a, title="Bake for the fair").shifts.get()
    read(client, "/en/my/")
    volunteering.sign_up(family=family, shift=shift)
    assert "Bake for the fair" in read(client, "/en/my/")

    day = make_day(school_a)
    read(client, "/en/my/")
    slot = day.hosts.get(name="Teacher 0").slots.first()
    signups.book(family=family, slot_id=slot.pk, request=signups.Request())
    assert "Teacher 0" in read(client, "/en/my/")


def test_what_others_do_shows_on_the_familys_next_read(school_a, staff_a):
    family = make_family("ZZK Kamal", school_a, phone="+12125550180", confirmed=False)
    other = make_family("ZZO Omar", school_a, phone="+12125550181")
    event = make_event(school_a, title="Spring fair", capacity=2)
    going(other, event, adults=2)
    going(family, event)
    day = make_day(school_a)
    signups.book(
        family=family,
        slot_id=day.hosts.get(name="Teacher 1").slots.first().pk,
        request=signups.Request(),
    )
    client = signed_in(family)
    for url in ("/en/my/", "/en/my/pass/", event.get_absolute_url()):
        read(client, url)

    # The school confirms the family.
    assert "You asked to join this school" in read(client, "/en/my/")
    families.decide_membership(Membership.objects.get(family=family), confirm=True)
    assert "You asked to join this school" not in read(client, "/en/my/")

    # The places are taken off: the family moves up from the waiting list.
    assert "on the waiting list" in read(client, event.get_absolute_url())
    events.set_capacity(event, None)
    assert "on the waiting list" not in read(client, event.get_absolute_url())

    # The desk cancels the pass (a lost phone): one UPDATE.
    read(client, "/en/my/pass/")
    families.revoke_pass(family.current_pass())
    assert "Your last pass no longer works" in read(client, "/en/my/pass/")

    # Staff rename the teacher the family meets.
    assert "Teacher 1" in read(client, "/en/my/")
    host = Host.objects.get(day=day, name="Teacher 1")
    host.name = "Ms. Rivera"
    host.save()
    assert "Ms. Rivera" in read(client, "/en/my/")
    # …and move the meeting an hour later.
    slot = Booking.objects.get(family=family).slot
    before = read(client, "/en/my/")
    slot.starts_at += timedelta(hours=1)
    slot.ends_at += timedelta(hours=1)
    slot.save()
    assert TOKEN.sub("", read(client, "/en/my/")) != TOKEN.sub("", before)

    # The school answers a message; the family reads it.
    conversations.write_from_family(
        family=family, school=school_a, text="Is there a bus?", language="en"
    )
    thread = conversations.thread_for(family, school_a)
    read(client, "/en/my/")
    conversations.answer(thread, text="Yes, at 5.", by=staff_a, language="en")
    assert "1 new answer" in read(client, "/en/my/")
    read(client, thread.get_absolute_url())
    assert "1 new answer" not in read(client, "/en/my/")

    # An announcement to the school is sent (written before the page was kept).
    announcement = make_announcement(school_a)
    assert announcement.versions.get(language="en").title not in read(client, "/en/my/")
    announcements.send(announcement, by=staff_a)
    assert announcement.versions.get(language="en").title in read(client, "/en/my/")


def test_staff_are_never_served_a_kept_page(school_a, staff_a, settings):
    """Their pages hang on roles and a second factor, not only on rows pointing at them.
    (Their session also changes at each request, the idle limit: never stored either.)"""
    settings.STAFF_MFA_REQUIRED = False  # the second factor is tested on its own
    event = make_event(school_a, title="Spring fair")
    client = Client()
    client.force_login(staff_a)
    for _ in range(2):
        with CaptureQueriesContext(connection) as read_event:
            assert client.get(event.get_absolute_url()).status_code == 200
        # The view ran: it read the event.
        assert any('FROM "events_event"' in q["sql"] for q in read_event.captured_queries)


def test_a_message_for_the_family_is_shown_once_then_the_page_is_kept_again(school_a):
    family = make_family("ZZK Kamal", school_a, phone="+12125550180")
    client = signed_in(family)
    read(client, "/en/my/")
    # A message waits (as after a form is saved): the page shows it, and is not kept with it.
    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    storage.add(25, "Saved. ZZ-message")
    response = HttpResponse()
    storage.update(response)
    client.cookies["messages"] = response.cookies["messages"].value
    assert "Saved. ZZ-message" in read(client, "/en/my/")
    assert "Saved. ZZ-message" not in read(client, "/en/my/")


def test_a_page_with_a_question_in_its_address_is_never_kept(school_a):
    family = make_family("ZZK Kamal", school_a, phone="+12125550180")
    event = make_event(school_a, title="Spring fair", capacity=40)
    client = signed_in(family)
    assert 'name="adults"' in read(client, f"{event.get_absolute_url()}?step=2")
    assert 'name="adults"' not in read(client, event.get_absolute_url())
    assert 'name="adults"' in read(client, f"{event.get_absolute_url()}?step=2")


def test_every_row_pointing_at_a_family_retires_its_pages():
    """A row that points at a person or a family is watched (portal.apps._watch_people);
    one that points at them through another row is followed (THROUGH) or shows on no kept
    page (NOT_ON_A_KEPT_PAGE, with why). A model added later must say which."""
    watched = {receiver[0][0] for receiver in post_save.receivers}
    for model in apps.get_models():
        label = model._meta.label
        if owner_fields(model) or label in THROUGH:
            assert f"people-{label}" in watched, label
        for field in model._meta.concrete_fields:
            target = field.related_model
            if not (field.many_to_one or field.one_to_one) or target is None:
                continue
            if target in (get_user_model(), Family) or not owner_fields(target):
                continue
            assert (
                field.name in THROUGH.get(label, ()) or (label, field.name) in NOT_ON_A_KEPT_PAGE
            ), f"{label}.{field.name} reaches a family through {target._meta.label}"


def test_places_left_change_with_each_answer_for_every_reader(school_a):
    """The event page, the school page and the district's list show places left: each
    answer retires them, for visitors without a login as for signed-in families."""
    event = make_event(school_a, title="Math night", capacity=5)
    reader = signed_in(make_family("ZZK Kamal", school_a, phone="+12125550180"))
    urls = [
        event.get_absolute_url(),
        school_a.get_absolute_url(),
        f"/en/districts/{school_a.district.slug}/events/",
    ]
    for client in (Client(), reader):
        for url in urls:
            assert "5 places left" in read(client, url), url
    going(make_family("ZZO Omar", school_a, phone="+12125550181"), event, adults=2)
    for client in (Client(), reader):
        for url in urls:
            assert "3 places left" in read(client, url), url


def test_a_waiting_familys_figure_follows_the_schools_answers(school_a, school_b):
    """My page tells a family waiting to join how long the school usually takes: another
    family's request answered changes the figure at once."""
    family = make_family("ZZK Kamal", None, phone="+12125550180")
    families.join_school(family=family, school=school_b, via=Membership.Via.REQUEST)
    others = [make_family(f"ZZW {i}", None) for i in range(6)]
    asked = [
        families.join_school(family=other, school=school_b, via=Membership.Via.REQUEST)
        for other in others
    ]
    client = signed_in(family)
    for membership in asked[:4]:
        families.decide_membership(membership, confirm=True)
    assert "usually answers" not in read(client, "/en/my/")  # four answers: too few
    families.decide_membership(asked[4], confirm=True)
    assert "It usually answers within 1 day." in read(client, "/en/my/")


def test_an_answer_retires_its_own_events_page_and_no_other(
    school_a, django_assert_max_num_queries
):
    """After the reminders, families answer by the thousand: an answer to one event leaves
    every other event's page kept, for readers with and without a login."""
    math, fair = (make_event(school_a, title=t, capacity=5) for t in ("Math night", "Fair"))
    reader = signed_in(make_family("ZZK Kamal", school_a, phone="+12125550180"))
    for client in (Client(), reader):
        assert "5 places left" in read(client, math.get_absolute_url())
    going(make_family("ZZO Omar", school_a, phone="+12125550181"), fair, adults=2)
    for client in (Client(), reader):
        with django_assert_max_num_queries(1):  # kept: the signed-in statement at most
            assert "5 places left" in read(client, math.get_absolute_url())
        assert "3 places left" in read(client, fair.get_absolute_url())
    going(make_family("ZZP Pia", school_a, phone="+12125550182"), math, adults=1)
    for client in (Client(), reader):
        assert "4 places left" in read(client, math.get_absolute_url())
