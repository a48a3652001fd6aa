"""The answer in two steps, in a phone-sized Chromium with JavaScript off, in Spanish, Arabic
and Bangla (issue 18): a parent answers for four people with an interpreter, then changes it
from the summary; a full event offers the waiting list and tells the place in line.

Fields are found by their label and forms by their class, so the same steps run in every
language; the assertions check the words a reader of that language sees."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from events import services
from events.models import Rsvp
from events.services import Party
from portal.languages import LANGUAGES as LANGUAGE_NAMES
from tests.e2e.conftest import log_in_with_a_code, read_axe, t
from tests.families.conftest import make_family

pytestmark = pytest.mark.django_db(transaction=True)

LANGUAGES = ["es", "ar", "bn"]
PHONE = {"es": "+12125550181", "ar": "+12125550182", "bn": "+12125550183"}


def words(language, singular, plural, count, **values):
    with translation.override(language):
        return translation.ngettext(singular, plural, count) % values


def summary(language, people, interpreter=None, childcare=False):
    """The one line under "Your answer", as the family's language says it."""
    with translation.override(language):
        parts = [translation.gettext("Going")]
        parts.append(
            words(language, "%(people)s person", "%(people)s people", people, people=people)
        )
        if interpreter:
            name = str(dict(LANGUAGE_NAMES)[interpreter])
            parts.append(translation.gettext("interpreter in %(language)s") % {"language": name})
        if childcare:
            parts.append(translation.gettext("childcare"))
    return " · ".join(parts)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_parent_answers_for_four_with_an_interpreter_and_changes_it_from_the_summary(
    phone, shots, journey_school, language
):
    school, event = journey_school["school"], journey_school["event"]
    family = make_family(f"Parent {language}", school, phone=PHONE[language], language=language)
    page = phone(language, javascript=False)
    log_in_with_a_code(page, language, PHONE[language])

    # Step one: the question is the heading, nothing is chosen, the places left are shown.
    page.goto(f"/{language}/events/{event.pk}/")
    expect(page.locator("#answer")).to_have_text(t(language, "Will you come?"))
    expect(page.locator("input[name=going]:checked")).to_have_count(0)
    places = words(language, "%(left)s place left", "%(left)s places left", 40, left=40)
    expect(page.locator(".facts .places")).to_have_text(places)
    shots(page, "step-one")
    page.locator("input[name=going][value=yes]").check()
    page.locator("form.answer-step button[type=submit]").click()

    # Step two: who is coming; the interpreter's language only once one is wanted.
    expect(page.locator("h1")).to_have_text(t(language, "Who is coming?"))
    which = page.get_by_label(t(language, "Interpreter for which language?"), exact=True)
    expect(which).to_be_hidden()
    page.get_by_label(t(language, "How many adults?"), exact=True).fill("2")
    page.get_by_label(t(language, "How many children?"), exact=True).fill("2")
    page.get_by_label(t(language, "We need an interpreter"), exact=True).check()
    expect(which).to_be_visible()
    which.select_option("ht")
    page.get_by_label(t(language, "We need childcare"), exact=True).check()
    shots(page, "step-two")
    page.locator("form.answer-party button[type=submit]").click()

    # The summary, with its "Change" links and the calendar button under it.
    expect(page.locator(".current-answer")).to_have_text(
        summary(language, 4, interpreter="ht", childcare=True)
    )
    expect(page.locator(".messages")).to_contain_text(
        t(language, "Thank you. You are on the list.")
    )
    calendar = page.locator(f"a[href='/{language}/events/{event.pk}/calendar.ics']")
    expect(calendar).to_have_count(1)
    assert calendar.bounding_box()["y"] > page.locator(".current-answer").bounding_box()["y"]
    shots(page, "summary")
    answer = Rsvp.objects.get(family=family, event=event)
    assert (answer.status, answer.people, answer.interpreter_language) == ("going", 4, "ht")

    # Changes it from the summary: one adult fewer, no interpreter after all.
    page.locator(".change-links a[href='?step=2#answer']").click()
    expect(page.get_by_label(t(language, "How many adults?"), exact=True)).to_have_value("2")
    page.get_by_label(t(language, "How many adults?"), exact=True).fill("1")
    page.get_by_label(t(language, "We need an interpreter"), exact=True).uncheck()
    expect(which).to_be_hidden()
    shots(page, "change")
    page.locator("form.answer-party button[type=submit]").click()
    expect(page.locator(".current-answer")).to_have_text(summary(language, 3, childcare=True))
    shots(page, "changed")
    answer.refresh_from_db()
    assert (answer.status, answer.people, answer.needs_interpreter) == ("going", 3, False)

    # And from "yes" to "no" with step one.
    page.locator(".change-links a[href='?step=1#answer']").click()
    expect(page.locator("input[name=going][value=yes]")).to_be_checked()
    page.locator("input[name=going][value=no]").check()
    page.locator("form.answer-step button[type=submit]").click()
    expect(page.locator(".current-answer strong")).to_have_text(t(language, "Not going"))
    answer.refresh_from_db()
    assert answer.status == "not_going"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_full_event_offers_the_waiting_list_and_tells_the_place_in_line(
    phone, shots, journey_school, language
):
    school, event = journey_school["school"], journey_school["event"]
    services.set_capacity(event, 2)
    seated = make_family("Seated", school, phone="+12125550191")
    waiting = make_family("Waiting", school, phone="+12125550192")
    services.rsvp(family=seated, event=event, party=Party(True, adults=2))
    services.rsvp(family=waiting, event=event, party=Party(True, adults=1))
    family = make_family(f"Parent {language}", school, phone=PHONE[language], language=language)
    page = phone(language, javascript=False)
    log_in_with_a_code(page, language, PHONE[language])

    page.goto(f"/{language}/events/{event.pk}/")
    expect(page.locator(".facts .places")).to_have_text(t(language, "Full — waiting list"))
    shots(page, "full")
    page.locator("input[name=going][value=yes]").check()
    page.locator("form.answer-step button[type=submit]").click()
    button = page.locator("form.answer-party button[type=submit]")
    expect(button).to_have_text(t(language, "Join the waiting list"))
    page.get_by_label(t(language, "How many adults?"), exact=True).fill("1")
    shots(page, "join-the-waiting-list")
    button.click()

    with translation.override(language):
        place = translation.gettext("You are number %(place)s on the waiting list.") % {"place": 2}
    expect(page.locator(".waiting-place")).to_contain_text(place)
    expect(page.locator(".waiting-place")).to_contain_text(
        t(language, "We will send you a text message if a place opens.")
    )
    expect(page.locator(".current-answer strong")).to_have_text(t(language, "On the waiting list"))
    shots(page, "place-in-line")
    assert Rsvp.objects.get(family=family, event=event).status == "waitlisted"


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_answer_pages_pass_axe_in_every_state(browser, live_server, journey_school, language):
    """axe and the keyboard checks on what the page-by-page walk does not reach: the summary
    of an answer on the waiting list, step one with the family's answer, step two with
    every field wrong."""
    from tests.e2e.test_accessibility import check_page

    axe_source = read_axe()
    school, event = journey_school["school"], journey_school["event"]
    services.set_capacity(event, 1)
    services.rsvp(
        family=make_family("Seated", school, phone="+12125550193"),
        event=event,
        party=Party(True, adults=1),
    )
    family = make_family(f"Parent {language}", school, phone="+12125550194", language=language)
    services.rsvp(
        family=family,
        event=event,
        party=Party(True, adults=2, needs_interpreter=True, interpreter_language="ht"),
    )
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, base_url=live_server.url, bypass_csp=True
    )
    found = {}
    try:
        page = context.new_page()
        log_in_with_a_code(page, language, "+12125550194")
        for path in (f"/events/{event.pk}/", f"/events/{event.pk}/?step=1"):
            page.goto(f"/{language}{path}")
            found[path] = check_page(page, axe_source)
        page.goto(f"/{language}/events/{event.pk}/?step=2")
        page.get_by_label(t(language, "How many adults?"), exact=True).fill("")
        page.get_by_label(t(language, "How many children?"), exact=True).fill("99")
        page.get_by_label(t(language, "Interpreter for which language?"), exact=True).select_option(
            ""
        )
        page.locator("form.answer-party button[type=submit]").click()
        expect(page.locator("main")).to_contain_text(
            t(language, "Enter how many adults are coming.")
        )
        found["step two, every field wrong"] = check_page(page, axe_source)
    finally:
        context.close()
    report = "\n".join(f"{where}: {line}" for where, lines in found.items() for line in lines)
    assert not report, f"accessibility problems in {language}:\n{report}"
