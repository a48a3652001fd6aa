"""The error summary as a parent meets it, JavaScript off, on a 390 px phone, in Spanish,
Arabic and Bengali: a form with every field wrong lists every problem at the top, "Error:"
leads the title, and each link moves the keyboard focus to its box (no script involved)."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from tests.e2e.conftest import t

pytestmark = pytest.mark.django_db(transaction=True)

FOCUSED = "() => document.activeElement && document.activeElement.id"


def follow_every_link(page) -> list[tuple[str, str]]:
    """[(link target, focused id after following it)] for each link of the summary."""
    links = page.locator(".error-summary a")
    result = []
    for index in range(links.count()):
        link = links.nth(index)
        target = link.get_attribute("href").lstrip("#")
        link.click()
        result.append((target, page.evaluate(FOCUSED)))
    return result


@pytest.mark.parametrize("language", ["es", "ar", "bn"])
def test_a_form_with_every_field_wrong_links_each_problem_to_its_box(phone, shots, language):
    page = phone(language, javascript=False)
    page.goto(f"/{language}/accounts/signup/")
    page.fill("#id_display_name", "   ")
    page.fill("#id_phone", "<b>abc</b>")
    page.fill("#id_email", "ana@")
    page.locator("#id_channel_2").check()  # email, with no valid email
    page.locator("main form button[type=submit]").first.click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary.locator("h2")).to_have_text(t(language, "There is a problem"))
    with translation.override(language):  # "Error:" is the same word in Spanish
        assert page.title().startswith(translation.gettext("Error:") + " ")
    box = summary.bounding_box()
    assert box["y"] < 400 and box["width"] <= 390  # at the top, within the phone's width
    shots(page, "summary")
    followed = follow_every_link(page)
    assert [target for target, _ in followed] == ["id_display_name", "id_phone", "id_email"]
    for target, focused in followed:
        assert focused == target, (target, focused)
    # The box scrolled into view with its label and message above it, not under the header.
    page.locator(".error-summary a[href='#id_email']").click()
    label = page.locator("label[for=id_email]").bounding_box()
    assert 0 <= label["y"] < 844
    # What was typed is kept, as text.
    expect(page.locator("#id_phone")).to_have_value("<b>abc</b>")
    assert page.locator(".error-summary b").count() == 0
    shots(page, "after-following-a-link")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_error_pages_and_the_next_step_pass_axe_and_fit_the_budget(
    browser, live_server, language, settings
):
    """The pages the other checks never reach: a form full of errors, the login box refusing
    what was typed, and My page of a family in no school yet (the "Next" panel)."""
    import gzip

    from tests.e2e.conftest import log_in_with_a_code, read_axe
    from tests.e2e.test_accessibility import check_page
    from tests.families.conftest import make_family

    axe_source = read_axe()
    make_family("ZZA Nadia", phone="+12125550178", language=language)
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        base_url=live_server.url,
        bypass_csp=True,  # axe runs as a script in the page; the pages carry none
    )
    found, sizes = {}, {}
    try:
        page = context.new_page()

        def look(name, response):
            sizes[name] = len(gzip.compress(response.body()))
            assert page.locator("script").count() == 0, name
            if problems := check_page(page, axe_source):
                found[name] = problems

        page.goto(f"/{language}/accounts/signup/")
        page.fill("#id_email", "ana@")
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            page.locator("main form button[type=submit]").first.click()
        look("signup with errors", posted.value)
        page.goto(f"/{language}/accounts/login/code/")
        page.fill("#id_login", "<b>abc</b>")
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            page.locator("main form button[type=submit]").first.click()
        look("login code refused", posted.value)
        log_in_with_a_code(page, language, "+12125550178")
        look("my page with the next step", page.goto(f"/{language}/my/"))
        assert page.locator(".next-step").count() == 1
    finally:
        context.close()
    over = {name: size for name, size in sizes.items() if size > settings.PAGE_HTML_BUDGET_GZIP}
    assert not over, over
    report = "\n".join(f"{name}: {line}" for name, lines in found.items() for line in lines)
    assert not found, f"accessibility problems in {language}:\n{report}"
    print(sizes)
