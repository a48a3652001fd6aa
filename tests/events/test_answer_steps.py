"""The answer in two steps and the places left (issue 18): what a parent sees before, while
and after answering, the errors of the second step all at once, and the steps attacked
(out of order, a "no" with a party, another family's ids, a closed event, the event filling
up between the steps, a double tap)."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from events import services
from events.models import Event, Rsvp
from events.services import Party
from families.models import Family
from messaging.models import Message
from tests.events.conftest import make_event
from tests.families.conftest import make_family

pytestmark = pytest.mark.django_db

FULL_ANSWER = {
    "going": "yes",
    "adults": "2",
    "children": "2",
    "needs_interpreter": "on",
    "interpreter_language": "ht",
    "needs_childcare": "on",
}


def parents(school, n, prefix="P"):
    return [make_family(f"{prefix}{i}", school, phone=f"+1212555{4100 + i:04d}") for i in range(n)]


def text(response) -> str:
    """The page's words without tags, spaces squeezed: what a reader sees."""
    words = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", words)


@pytest.fixture
def parent(client, school_a):
    family = make_family("Rina", school_a, phone="+12125550123", language="ht")
    client.force_login(family.user)
    return family


def test_step_one_asks_will_you_come_with_nothing_chosen(client, parent, event_a):
    page = client.get(f"/en/events/{event_a.pk}/").content.decode()
    assert '<h2 id="answer">Will you come?</h2>' in page
    assert 'name="going" value="yes"' in page and 'name="going" value="no"' in page
    assert "checked" not in page
    # Step one asks nothing else: no party, no interpreter list yet.
    assert 'name="adults"' not in page and 'name="interpreter_language"' not in page


def test_yes_leads_to_step_two_then_a_summary_with_change_links(client, parent, event_a):
    response = client.post(f"/en/events/{event_a.pk}/", {"going": "yes"})
    assert response.status_code == 302 and response["Location"].endswith("?step=2#answer")
    assert not Rsvp.objects.exists()  # nothing is saved before step two
    step_two = client.get(response["Location"]).content.decode()
    assert "<h1" in step_two and "Who is coming?" in step_two
    assert '<input type="hidden" name="going" value="yes">' in step_two
    response = client.post(f"/en/events/{event_a.pk}/", FULL_ANSWER)
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "Going · 4 people · interpreter in Haitian Creole · childcare" in text(page)
    html = page.content.decode()
    assert 'href="?step=1#answer">Change your answer' in html
    assert 'href="?step=2#answer">Change who is coming or the help' in html
    # The calendar button comes under the summary.
    assert html.index("current-answer") < html.index(f"/events/{event_a.pk}/calendar.ics")
    # "Change" brings back step two filled with the family's own answer.
    again = client.get(f"/en/events/{event_a.pk}/?step=2").content.decode()
    assert 'name="adults" value="2"' in again and 'value="ht" selected' in again
    assert 'name="needs_childcare" id="id_needs_childcare" checked' in again
    # and step one with its own answer, not one chosen for it.
    step_one = client.get(f"/en/events/{event_a.pk}/?step=1").content.decode()
    assert re.search(r'value="yes"[^>]* checked', step_one)
    assert not re.search(r'value="no"[^>]* checked', step_one)
    row = Rsvp.objects.get()
    assert (row.status, row.adults, row.children, row.interpreter_language) == (
        "going",
        2,
        2,
        "ht",
    )
    assert row.needs_childcare


def test_no_is_saved_at_once_and_drops_any_party_posted_with_it(client, parent, event_a):
    response = client.post(
        f"/en/events/{event_a.pk}/", {**FULL_ANSWER, "going": "no", "adults": "9"}
    )
    assert response.status_code == 302
    row = Rsvp.objects.get()
    assert (row.status, row.people, row.needs_childcare) == ("not_going", 0, False)
    page = text(client.get(f"/en/events/{event_a.pk}/"))
    assert "Not going" in page and "Change your answer" in page
    assert "Change who is coming" not in page


def test_places_left_on_the_cards_and_the_event_page(client, school_a):
    event = make_event(school_a, capacity=5, title="Math night")
    unlimited = make_event(school_a, title="Open day")
    a, b, c = parents(school_a, 3)
    services.rsvp(family=a, event=event, party=Party(True, adults=2, children=1))
    for family in (b, c):  # 3 people wait
        services.rsvp(family=family, event=event, party=Party(True, adults=3))
    school_page = text(client.get(school_a.get_absolute_url()))
    district_list = text(client.get(f"/en/districts/{school_a.district.slug}/events/"))
    event_page = text(client.get(f"/en/events/{event.pk}/"))
    for page in (school_page, district_list, event_page):
        assert "2 places left" in page
    assert "Full" not in text(client.get(f"/en/events/{unlimited.pk}/"))
    assert "places left" not in text(client.get(f"/en/events/{unlimited.pk}/"))
    services.rsvp(family=b, event=event, party=Party(True, adults=2))  # b fits now
    for url in (school_a.get_absolute_url(), f"/en/events/{event.pk}/"):
        assert "Full — waiting list" in text(client.get(url))
    # In the family's language, with the language's plural.
    client.get("/es/")
    assert "Lleno — lista de espera" in text(client.get(f"/es/events/{event.pk}/"))
    services.set_capacity(event, 6)
    assert "Queda 1 lugar" in text(client.get(f"/es/events/{event.pk}/"))


def test_a_full_event_offers_the_waiting_list_and_tells_the_place_in_line(client, school_a):
    event = make_event(school_a, capacity=2)
    first, second, third = parents(school_a, 3)
    services.rsvp(family=first, event=event, party=Party(True, adults=2))
    services.rsvp(family=second, event=event, party=Party(True, adults=1))
    client.force_login(third.user)
    assert "Full — waiting list" in text(client.get(f"/en/events/{event.pk}/"))
    step_two = text(client.get(f"/en/events/{event.pk}/?step=2"))
    assert "Join the waiting list" in step_two
    response = client.post(f"/en/events/{event.pk}/", {"going": "yes", "adults": 1, "children": 0})
    page = text(client.get(response["Location"]))
    assert "You are number 2 on the waiting list." in page
    assert "We will send you a text message if a place opens." in page
    client.force_login(second.user)
    assert "You are number 1 on the waiting list." in text(client.get(f"/en/events/{event.pk}/"))
    # A party already waiting changes its answer; it does not join the list again.
    step_two = text(client.get(f"/en/events/{event.pk}/?step=2"))
    assert "Change my answer" in step_two and "Join the waiting list" not in step_two


def test_step_two_shows_every_problem_at_once_in_plain_words(client, parent, event_a):
    data = {
        "going": "yes",
        "adults": "",
        "children": "two",
        "needs_interpreter": "on",
        "interpreter_language": "",
        "other_needs": "x" * 600,
    }
    response = client.post(f"/en/events/{event_a.pk}/", data)
    assert response.status_code == 200
    page = text(response)
    for message in (
        "Enter how many adults are coming.",
        "Enter the number of children as a figure from 0 to 20.",
        "Choose the language for the interpreter.",
        "Anything else we should know: write 500 characters or fewer.",
    ):
        assert message in page
    assert "This field is required" not in page
    assert "x" * 600 in response.content.decode()  # what was typed is kept
    assert not Rsvp.objects.exists()
    # A party of nobody, and numbers out of range, each named.
    page = text(
        client.post(f"/en/events/{event_a.pk}/", {"going": "yes", "adults": 0, "children": 0})
    )
    assert "Count at least one person." in page
    page = text(
        client.post(f"/en/events/{event_a.pk}/", {"going": "yes", "adults": 99, "children": -1})
    )
    assert "Enter the number of adults as a figure from 0 to 20." in page
    assert "Enter the number of children as a figure from 0 to 20." in page
    # In Spanish too.
    page = text(client.post(f"/es/events/{event_a.pk}/", {"going": "yes", "adults": ""}))
    assert "Escriba cuántos adultos van a venir." in page
    assert not Rsvp.objects.exists()


def test_an_unticked_interpreter_ignores_whatever_language_came_with_it(client, parent, event_a):
    data = {"going": "yes", "adults": 1, "children": 0, "interpreter_language": "<script>"}
    assert client.post(f"/en/events/{event_a.pk}/", data).status_code == 302
    row = Rsvp.objects.get()
    assert (row.needs_interpreter, row.interpreter_language) == (False, "")


def test_step_one_unanswered_or_odd_says_so_and_saves_nothing(client, parent, event_a):
    for data in ({}, {"going": "maybe"}, {"adults": 2, "children": 1}):
        response = client.post(f"/en/events/{event_a.pk}/", data)
        assert response.status_code == 200
        assert "Choose yes if you will come, or no if you cannot." in text(response)
    assert not Rsvp.objects.exists()


def test_another_familys_ids_in_the_post_change_nothing_of_theirs(
    client, parent, school_a, event_a
):
    (other,) = parents(school_a, 1, prefix="Other")
    theirs = services.rsvp(family=other, event=event_a, party=Party(True, adults=3))
    data = {**FULL_ANSWER, "rsvp": theirs.pk, "family": other.pk, "id": theirs.pk}
    assert client.post(f"/en/events/{event_a.pk}/", data).status_code == 302
    theirs.refresh_from_db()
    assert (theirs.family_id, theirs.adults, theirs.needs_interpreter) == (other.pk, 3, False)
    assert Rsvp.objects.get(family=parent).people == 4


@pytest.mark.parametrize("closed", ["cancelled", "started", "deadline"])
def test_step_two_for_a_closed_event_saves_nothing_and_says_why(client, parent, school_a, closed):
    event = make_event(school_a, capacity=10)
    if closed == "cancelled":
        services.cancel_event(event)
    elif closed == "started":
        Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    else:
        Event.objects.filter(pk=event.pk).update(rsvp_deadline=timezone.now() - timedelta(hours=1))
    step_two = client.get(f"/en/events/{event.pk}/?step=2")
    assert 'name="adults"' not in step_two.content.decode()
    response = client.post(f"/en/events/{event.pk}/", FULL_ANSWER)
    assert response.status_code == 200
    page = text(response)
    if closed == "cancelled":
        assert "This event is cancelled." in page
    else:
        assert "Answers are closed for this event. Please call the school." in page
    assert not Rsvp.objects.exists()


def test_the_event_filling_up_between_the_steps_puts_the_party_on_the_waiting_list(
    client, parent, school_a
):
    event = make_event(school_a, capacity=4)
    assert "4 places left" in text(client.get(f"/en/events/{event.pk}/"))
    assert client.post(f"/en/events/{event.pk}/", {"going": "yes"}).status_code == 302
    (other,) = parents(school_a, 1, prefix="Quick")
    services.rsvp(family=other, event=event, party=Party(True, adults=2))  # 2 left now
    response = client.post(f"/en/events/{event.pk}/", FULL_ANSWER, follow=True)
    page = text(response)
    assert "The event is full. You are on the waiting list" in page
    assert "You are number 1 on the waiting list." in page
    row = Rsvp.objects.get(family=parent)
    assert (row.status, row.people, row.interpreter_language, row.needs_childcare) == (
        "waitlisted",
        4,
        "ht",
        True,
    )


def test_a_party_growing_past_the_places_keeps_what_was_typed_and_the_old_answer(
    client, parent, school_a
):
    event = make_event(school_a, capacity=3)
    services.rsvp(family=parent, event=event, party=Party(True, adults=2))
    response = client.post(f"/en/events/{event.pk}/", {**FULL_ANSWER, "other_needs": "wheelchair"})
    assert response.status_code == 200
    page = text(response)
    assert (
        "Not enough places are left (places left: 3). Your earlier answer is kept (people: 2)."
        in page
    )
    assert re.search(r">\s*wheelchair</textarea>", response.content.decode())
    assert 'name="adults" value="2"' in response.content.decode()
    assert Rsvp.objects.get().people == 2


def test_a_double_tap_on_step_two_keeps_one_answer_and_one_confirmation(client, parent, event_a):
    for _ in range(2):
        assert client.post(f"/en/events/{event_a.pk}/", FULL_ANSWER).status_code == 302
    assert Rsvp.objects.count() == 1
    assert Message.objects.filter(kind="rsvp_going").count() == 1


@pytest.mark.parametrize("size", [3, 30])
def test_places_left_cost_no_query_per_card_or_per_answer(
    client, school_a, django_assert_max_num_queries, size
):
    families = Family.objects.bulk_create(
        Family(display_name=f"F{i:04d}", language="es", channel="none") for i in range(size * 5)
    )
    for index in range(size):
        event = make_event(school_a, capacity=10, title=f"E{index}")
        Rsvp.objects.bulk_create(
            Rsvp(event=event, family=f, status="going", adults=1, children=1)
            for f in families[index * 5 : index * 5 + 3]
        )
    with django_assert_max_num_queries(6):
        page = text(client.get(school_a.get_absolute_url()))
    assert page.count("4 places left") == min(size, 20)
    with django_assert_max_num_queries(4):
        page = text(client.get(f"/en/districts/{school_a.district.slug}/events/"))
    assert page.count("4 places left") == size
    me = make_family("Me", school_a, phone="+12125550123")
    client.force_login(me.user)
    with django_assert_max_num_queries(12):
        assert "4 places left" in text(client.get(f"/en/events/{event.pk}/"))
    with django_assert_max_num_queries(12):
        assert "Who is coming?" in text(client.get(f"/en/events/{event.pk}/?step=2"))


def test_step_two_does_not_call_full_the_places_a_going_family_holds(client, school_a):
    """A family going with every place of the event opens 'Change who is coming': its own
    places are held, so step two must not say 'Full — waiting list'."""
    event = make_event(school_a, capacity=4)
    family = make_family("ZZR Rina", school_a, phone="+12125550123")
    client.force_login(family.user)
    client.post(f"/en/events/{event.pk}/", {"going": "yes", "adults": "2", "children": "2"})
    assert Rsvp.objects.get(family=family).status == Rsvp.Status.GOING
    page = client.get(f"/en/events/{event.pk}/?step=2").content.decode()
    assert "waiting list" not in page and "Change my answer" in page


def test_school_page_cards_show_places_left_fresh_to_a_signed_in_family(settings, school_a):
    """The school page's public parts come from the cache for signed-in families; the event
    cards' places left change with every answer, so they are never among them."""
    settings.PAGE_CACHE_SECONDS = 60
    event = make_event(school_a, capacity=4)
    answering = make_family("ZZR Rina", school_a, phone="+12125550123")
    reading = make_family("ZZO Omar", school_a, phone="+12125550124")
    reader, answerer = Client(), Client()
    reader.force_login(reading.user)
    answerer.force_login(answering.user)
    school_page = f"/en/schools/{school_a.slug}/"
    assert "4 places left" in reader.get(school_page).content.decode()
    answerer.post(f"/en/events/{event.pk}/", {"going": "yes", "adults": "2", "children": "2"})
    page = reader.get(school_page).content.decode()
    assert "4 places left" not in page and "Full — waiting list" in page
