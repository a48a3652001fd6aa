"""A parent books a conference time with an interpreter in their language, on a phone
with JavaScript off, and sees it on their page; staff print the interpreter's schedule
(issue 16). In Bengali, and in Urdu (right to left). Screenshots in var/e2e-screenshots/."""

import pytest
from playwright.sync_api import expect

from families.models import Family
from signups.models import Booking
from tests.conftest import PASSWORD, add_authenticator_app, totp
from tests.e2e.conftest import log_in_with_a_code, t
from tests.families.conftest import make_family
from tests.signups.conftest import make_day

pytestmark = pytest.mark.django_db(transaction=True)

NAMES = {"bn": "নাসরিন (আমিনার মা)", "ur": "فاطمہ (علی کی امی)"}
PHONES = {"bn": "+12125550161", "ur": "+12125550162"}


@pytest.mark.parametrize("language", ["bn", "ur"])
def test_a_parent_books_a_time_with_an_interpreter_and_staff_print_the_interpreters_day(
    phone, shots, school_a, staff_a, language
):
    day = make_day(school_a, hosts=2, interpreters=[(language,), ("es",)])
    parent = make_family(
        NAMES[language],
        school_a,
        phone=PHONES[language],
        language=language,
    )
    Family.objects.filter(pk=parent.pk).update(
        wants_interpreter=True, interpreter_language=language
    )

    page = phone(language, javascript=False)
    log_in_with_a_code(page, language, PHONES[language])
    page.goto(f"/{language}/schools/{school_a.slug}/conferences/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ur" else "ltr")
    expect(page.locator("h1")).to_have_text(t(language, "Parent-teacher conferences"))
    shots(page, "days")
    page.locator("ul.hosts a").first.click()
    # The family's language is chosen already (it asked for an interpreter when it signed up).
    expect(page.locator("select[name=interpreter]")).to_have_value(language)
    page.locator("form.interpreter-choice button[type=submit]").click()
    shots(page, "times")
    page.locator("input[name=slot]").nth(1).check()
    page.fill("input[name=child_name]", "Amina")
    page.fill("input[name=child_class]", "3B")
    shots(page, "form-filled")
    page.locator("form.booking button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text(
        t(language, "Booked. We will remind you the day before.")
    )
    shots(page, "booked")
    booking = Booking.objects.get(family=parent)
    assert booking.interpreter is not None and language in booking.interpreter.languages

    page.goto(f"/{language}/my/")
    meetings = page.locator("ul.bookings")
    expect(meetings).to_contain_text("Teacher 0")
    expect(meetings).to_contain_text("Amina")
    expect(page.locator("#meetings")).to_have_text(t(language, "My meetings with teachers"))
    shots(page, "my-page")

    secret = add_authenticator_app(staff_a)
    staff = phone(language, javascript=False)
    # School staff land in the admin (log_in_as_staff waits for a page in the language).
    staff.goto(f"/{language}/accounts/login/staff/")
    staff.fill("#id_login", staff_a.email)
    staff.fill("#id_password", PASSWORD)
    staff.locator("main form button[type=submit]").first.click()
    staff.fill("#id_code", totp(secret))
    staff.locator("main form button[type=submit]").first.click()
    staff.wait_for_url("**/admin/**")
    staff.goto(f"/admin/signups/conferenceday/{day.pk}/print/?by=interpreter")
    expect(staff.locator("h2").first).to_contain_text(booking.interpreter.name)
    expect(staff.locator("table")).to_contain_text(NAMES[language])
    expect(staff.locator("table")).to_contain_text("Teacher 0")
    shots(staff, "interpreter-schedule")
