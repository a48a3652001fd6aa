"""The event admin's segment counter in a real browser, under the admin's CSP: it recounts
the reminder while staff type a short title, in the staff member's language."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD, add_authenticator_app, totp
from tests.events.conftest import make_event

pytestmark = pytest.mark.django_db(transaction=True)

LONG_RU = (
    "Вечер для семей: как читать табель успеваемости, говорить с учителем ребёнка и помогать"
    " с уроками"
)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_counter_recounts_as_staff_type_a_short_title(
    phone, shots, school_a, staff_a, language
):
    event = make_event(school_a, title="Family night")
    event.title_ru = LONG_RU
    event.save()
    secret = add_authenticator_app(staff_a)
    page = phone(language)
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto("/admin/")
    page.fill("#id_login", staff_a.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form:has(#id_password) button[type=submit]").first.click()
    page.fill("#id_code", totp(secret))
    page.locator("main form:has(#id_code) button[type=submit]").first.click()
    expect(page.locator("#site-name")).to_be_visible()

    page.goto(f"/admin/events/event/{event.pk}/change/")
    page.locator(".mt-tabs[data-field=short_title] button[title=ru]").click()
    counter = page.locator(".form-row:has(#id_short_title_ru) .segment-counter")
    # The long Russian title, with the reply line the texts end with: past two parts (three
    # or four, by the catalog's words), and the counter says the title will be cut.
    words = {"en": ("segments", "2 segments"), "ar": ("مقاطع", "2 مقطعان")}[language]
    expect(counter).to_contain_text(words[0])
    expect(counter).to_contain_text("UCS-2")
    expect(counter).to_have_class(re.compile("segment-counter-over"))
    shots(page, "counter-long-title")
    page.fill("#id_short_title_ru", "Вечер о табеле")
    expect(counter).to_contain_text(words[1])
    expect(counter).not_to_have_class(re.compile("segment-counter-over"))
    expect(counter).to_contain_text({"en": "short title", "ar": "عنوان مختصر"}[language])
    shots(page, "counter-short-title")
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
