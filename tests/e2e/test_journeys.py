"""Whole journeys in a phone-sized Chromium, in English, Spanish and Arabic: a parent from the
home page to the family pass (with JavaScript on and off), school staff in the admin and at
the door, district staff downloading a report.

Selectors use names, ids and addresses, never visible text, so the same steps run in every
language; the assertions check the text a reader of that language should see.
"""

import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from events.models import Rsvp
from families.models import Family, Membership
from portal.languages import ENDONYMS
from tests.conftest import PASSWORD, add_authenticator_app, totp
from tests.e2e.conftest import EVENT_TITLE, GUIDE_TEXT, t
from tests.families.conftest import last_code

pytestmark = pytest.mark.django_db(transaction=True)

LANGUAGES = ["en", "es", "ar"]
PHONES = {"en": "(212) 555-0141", "es": "(212) 555-0142", "ar": "(212) 555-0143"}


def expect_language(page, language):
    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")


def submit(page, form_selector):
    page.locator(f"{form_selector} button[type=submit]").first.click()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_parent_finds_the_school_registers_answers_and_opens_the_pass(
    phone, shots, journey_school, language, javascript
):
    school, guide, event = (
        journey_school["school"],
        journey_school["guide"],
        journey_school["event"],
    )
    school_name = getattr(school, f"name_{language}") or school.name_en
    page = phone("en", javascript=javascript)

    # The home page, in English first; the parent picks a language.
    page.goto("/en/")
    expect_language(page, "en")
    shots(page, "home")
    page.locator(f"button[name=language][value={language}]").click()
    expect_language(page, language)
    expect(page.locator("h1")).to_have_text(t(language, "Welcome. Find your child's school."))
    shots(page, "home-in-language")

    # Finds the school by a part of its name.
    # Fields are found by their label, as a person (or a screen reader) finds them.
    page.get_by_label(t(language, "School name"), exact=True).fill("School")
    submit(page, "form.search")
    page.locator(f"a[href='/{language}/schools/{school.slug}/']").click()
    expect(page.locator("h1")).to_have_text(school_name)
    expect(page.locator("h2").first).to_have_text(t(language, "How our school works"))
    shots(page, "school")

    # Reads the guide, in the language, and plays its recording.
    page.locator(f"a[href='/{language}/schools/{school.slug}/guides/{guide.slug}/']").click()
    title, part, body = GUIDE_TEXT[language]
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator("section.guide-section h2")).to_have_text(part)
    expect(page.locator("section.guide-section .body")).to_contain_text(body)
    # "Listen · 31 s · 144 KB": how long and how heavy, before the parent spends the data.
    listen = re.escape(t(language, "Listen"))
    expect(page.locator(".listen span")).to_have_text(re.compile(rf"^{listen} · .+ · .*\d"))
    audio = page.locator("audio")
    expect(audio).to_have_attribute(
        "src", re.compile(rf"/media/.+/{language}.*\.opus$")
    )  # stored as Opus, light for prepaid data
    if javascript:
        played = audio.evaluate(
            """el => new Promise((resolve, reject) => {
                el.addEventListener("timeupdate", () => resolve(el.currentTime), {once: true});
                el.addEventListener("error", () => reject(el.error && el.error.code));
                el.play().catch(reject);
            })"""
        )
        assert played > 0
    else:
        # Without script the player is the browser's own; the recording must still load.
        response = page.request.get(audio.get_attribute("src"))
        assert response.ok and response.headers["content-type"].startswith("audio/")
    shots(page, "guide")

    # Registers with a phone number and the code from the text message.
    page.locator(".crumb a").click()
    page.locator(f"a[href^='/{language}/my/schools/join/']").click()
    expect(page.locator("h1")).to_have_text(t(language, "Log in"))
    page.locator(f"main a[href='/{language}/accounts/signup/']").first.click()
    expect(page.locator("h1")).to_have_text(t(language, "Register your family"))
    page.fill("#id_display_name", f"Parent {language}")
    expect(page.locator("#id_language")).to_have_value(language)
    page.fill("#id_phone", PHONES[language])
    shots(page, "register")
    submit(page, "main form")
    expect(page.locator("h1")).to_have_text(t(language, "Confirm your mobile number"))
    shots(page, "code")
    page.get_by_label(t(language, "Code"), exact=True).fill(last_code())
    submit(page, "main form")
    expect(page.locator("h1")).to_contain_text(f"Parent {language}")
    shots(page, "my-page")

    # My page leads with the next step; the parent follows it, with the code from paper.
    next_step = page.locator(".next-step")
    expect(next_step.locator("h2")).to_have_text(t(language, "Next: join your child's school"))
    next_step.locator(f"a[href='/{language}/my/schools/join/']").click()
    page.fill("#id_join_code", school.join_code)
    shots(page, "join")
    submit(page, "main form")
    expect(page.locator(".messages .success")).to_contain_text(school_name)
    expect(page.locator(".next-step")).to_have_count(0)  # confirmed: no next step to show
    family = Family.objects.get(display_name=f"Parent {language}")
    assert family.language == language
    assert family.memberships.get().status == Membership.Status.CONFIRMED

    # Answers the event and asks for an interpreter in the family's language.
    page.locator(f"a[href='{school.get_absolute_url().replace('/en/', f'/{language}/')}']").click()
    page.locator(f"a[href='/{language}/events/{event.pk}/']").click()
    expect(page.locator("h1")).to_have_text(EVENT_TITLE[language])
    page.locator("input[name=going][value=yes]").check()
    submit(page, "form.answer-step")
    expect(page.locator("h1")).to_have_text(t(language, "Who is coming?"))
    page.get_by_label(t(language, "How many adults?"), exact=True).fill("2")
    page.get_by_label(t(language, "How many children?"), exact=True).fill("1")
    page.get_by_label(t(language, "We need an interpreter"), exact=True).check()
    page.get_by_label(t(language, "Interpreter for which language?"), exact=True).select_option(
        language
    )
    shots(page, "answer")
    submit(page, "form.answer-party")
    expect(page.locator(".current-answer strong")).to_have_text(t(language, "Going"))
    shots(page, "answered")
    answer = Rsvp.objects.get(family=family, event=event)
    assert (answer.status, answer.people, answer.needs_interpreter) == ("going", 3, True)
    assert answer.interpreter_language == language

    # Opens the family pass.
    page.goto(f"/{language}/my/")
    page.locator(f"a[href='/{language}/my/pass/']").click()
    expect(page.locator("h1")).to_have_text(t(language, "My family pass"))
    expect(page.locator(".pass-code")).to_have_text(family.current_pass().short_code)
    expect(page.locator(".pass-schools")).to_contain_text(school_name)
    expect(page.locator(".pass-qr svg")).to_be_visible()
    expect_language(page, language)
    shots(page, "pass")


@pytest.mark.parametrize("language", ["en", "es"])
def test_school_staff_create_an_event_see_the_answer_and_check_the_family_in(
    phone, shots, journey_school, staff_a, language
):
    from events import services
    from events.models import Event
    from tests.families.conftest import make_family

    school = journey_school["school"]
    page = phone(language)
    page.goto("/admin/")
    # The admin sends the visitor to the staff login page (allauth), the password shown.
    page.fill("#id_login", staff_a.email)
    page.fill("#id_password", PASSWORD)
    shots(page, "login")
    submit(page, "main form:has(#id_password)")
    # The first time, the second step is set up: the app's key (here typed, not scanned),
    # its code, then the recovery codes (RELIABILITY B10).
    expect_language(page, language)
    expect(page.locator("h1")).to_have_text(t(language, "Set up two-step login"))
    shots(page, "second-step-set-up")
    secret = page.locator("#authenticator_secret").text_content().strip()
    page.fill("#id_code", totp(secret))
    submit(page, "main form:has(#id_code)")
    expect(page.locator("h1")).to_have_text(t(language, "Your recovery codes"))
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    shots(page, "recovery-codes")
    page.locator("main a.button:not(.secondary)").click()
    expect(page.locator("#site-name")).to_be_visible()
    shots(page, "admin-home")

    page.goto("/admin/events/event/add/")
    page.select_option("#id_school", str(school.pk))
    page.select_option("#id_status", "published")
    page.fill("#id_title_en", "Meet the principal")
    _show_translation_tab(page, "es")
    page.fill("#id_title_es", "Conozca a la directora")
    page.fill("#id_place_en", "Cafeteria")
    page.fill("#id_starts_at_0", "2031-03-04")
    page.fill("#id_starts_at_1", "18:00:00")
    page.fill("#id_ends_at_0", "2031-03-04")
    page.fill("#id_ends_at_1", "19:30:00")
    page.fill("#id_capacity", "30")
    shots(page, "event-form")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    event = Event.objects.get(title_en="Meet the principal")
    assert event.title_es == "Conozca a la directora"
    shots(page, "event-saved")

    # A family answers; staff see it in the event's totals in the admin (the list of names
    # is in the CSV and on the check-in page).
    family = make_family("ZZQ Amal", school, phone="+12125550188", language="ar")
    services.rsvp(
        family=family,
        event=event,
        party=services.Party(
            going=True, adults=2, needs_interpreter=True, interpreter_language="ar"
        ),
    )
    page.reload()
    answers = page.locator(".field-answers")
    with translation.override(language):
        expect(answers).to_contain_text(f"{gettext('People going')}: 2")
        expect(answers).to_contain_text(f"{gettext('Interpreters needed')}: {ENDONYMS['ar']}: 1")
    shots(page, "event-answers")

    # At the door: the pass code marks the family arrived.
    page.goto(f"/{language}/events/{event.pk}/door/")
    expect(page.locator(".door-list")).to_contain_text("ZZQ Amal")
    shots(page, "door")
    page.fill("#id_code", family.current_pass().short_code)
    page.locator("form:has(#id_code) button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("ZZQ Amal")
    shots(page, "checked-in")
    assert Rsvp.objects.get(family=family, event=event).arrived_at is not None


def _show_translation_tab(page, language):
    """The admin shows a field's translations as tabs, one language at a time."""
    page.locator(f".mt-tabs[data-field=title] button[title={language}]").click()
    expect(page.locator(f"#id_title_{language}")).to_be_visible()


def test_district_staff_open_the_overview_and_download_a_csv(
    phone, shots, journey_school, district_staff_a, live_server
):
    from django.urls import NoReverseMatch, reverse

    try:
        overview = reverse("reports:overview")
    except NoReverseMatch:
        pytest.fail("reports:overview is not there yet (the reports app is being built)")
    secret = add_authenticator_app(district_staff_a)
    page = phone("en")
    page.goto(f"/en/accounts/login/?next={overview}")
    page.locator("details.staff-login summary").click()
    page.fill("#id_login", district_staff_a.email)
    page.fill("#id_password", PASSWORD)
    submit(page, "details.staff-login form")
    # The second step: the code from the app (RELIABILITY B10).
    expect(page.locator("h1")).to_have_text("Type the code from your app")
    shots(page, "second-step-code")
    page.fill("#id_code", totp(secret))
    submit(page, "main form:has(#id_code)")
    page.wait_for_url(f"**{overview}")
    expect(page.locator("h1")).to_be_visible()
    shots(page, "overview")
    link = page.locator("a.csv-download").first
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    assert download.suggested_filename.endswith(".csv")
    assert text.count("\n") >= 1 and "," in text.splitlines()[0]
    shots(page, "downloaded")
