"""Accessibility of every family page in English and Arabic: axe-core (WCAG 2.2 A/AA rules) run
inside the page finds nothing serious or critical; every form field has a label, every page
one h1, and the keyboard focus is visible with enough contrast (WCAG 2.4.7, 1.4.11)."""

from pathlib import Path

import pytest

from tests.conftest import add_authenticator_app
from tests.e2e.conftest import (
    family_pages,
    log_in_as_staff,
    log_in_with_a_code,
    read_axe,
    report_pages,
)
from tests.families.conftest import make_family
from tests.reports.conftest import world  # noqa: F401 (families, events and answers to report)

pytestmark = pytest.mark.django_db(transaction=True)

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Run in the page: fields without a name a screen reader can announce.
UNLABELLED = """() => [...document.querySelectorAll("input, select, textarea")]
  .filter(el => el.type !== "hidden")
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute("aria-label")
                && !el.getAttribute("aria-labelledby"))
  .map(el => el.outerHTML.slice(0, 120))"""

FOCUS_STYLE = (Path(__file__).parent / "focus_style.js").read_text()


def check_page(page, axe_source):
    """Problems on the current page, as readable lines."""
    problems = []
    page.evaluate(axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    if not result["passes"]:
        problems.append("axe checked nothing")  # a blind harness must not pass
    for violation in result["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = [" ".join(node["target"]) for node in violation["nodes"][:3]]
            problems.append(f"axe {violation['id']} ({violation['impact']}): {targets}")
    h1_count = page.locator("h1").count()
    if h1_count != 1:
        problems.append(f"{h1_count} h1 elements")
    for field in page.evaluate(UNLABELLED):
        problems.append(f"field without a label: {field}")
    # Tab through the first focusable elements (the header, then the page's own controls).
    page.locator("body").focus()
    seen = 0
    for _ in range(12):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_STYLE)
        if focus is None:
            break
        seen += 1
        if focus["indicators"] == 0:
            problems.append(f"no visible focus: {focus['html']}")
        elif focus["contrast"] < 3:
            problems.append(f"focus contrast {focus['contrast']:.1f}:1 < 3:1: {focus['html']}")
    if seen == 0:
        problems.append("nothing takes the keyboard focus")
    return problems


@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_family_page_passes_axe_and_the_keyboard_checks(
    browser, live_server, journey_school, language, shots
):
    axe_source = read_axe()
    make_family("ZZA Noor", journey_school["school"], phone="+12125550177", language=language)
    public, private = family_pages(journey_school)
    found = {}
    visitor = browser.new_context(
        viewport={"width": 390, "height": 844}, base_url=live_server.url, bypass_csp=True
    )
    parent = browser.new_context(
        viewport={"width": 390, "height": 844}, base_url=live_server.url, bypass_csp=True
    )
    try:
        for context, paths in ((visitor, public), (parent, private)):
            page = context.new_page()
            if context is parent:
                log_in_with_a_code(page, language, "+12125550177")
            for path in paths:
                response = page.goto(f"/{language}{path}")
                assert response.status == 200, (path, response.status)
                problems = check_page(page, axe_source)
                if problems:
                    found[path] = problems
                    shots(page, path.strip("/").replace("/", "-") or "home")
        # The code page, reached as a parent asking for a login code.
        page = visitor.new_page()
        page.goto(f"/{language}/accounts/login/code/")
        page.fill("#id_login", "+12125550177")
        page.locator("main form button[type=submit]").click()
        page.wait_for_selector("#id_code")
        if problems := check_page(page, axe_source):
            found["(login code page)"] = problems
    finally:
        visitor.close()
        parent.close()
    report = "\n".join(f"{path}: {line}" for path, lines in found.items() for line in lines)
    assert not found, f"accessibility problems in {language}:\n{report}"


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_reports_pass_axe_and_the_keyboard_checks(
    browser,
    live_server,
    district_staff_a,
    world,  # noqa: F811
    language,
    shots,
):
    axe_source = read_axe()
    secret = add_authenticator_app(district_staff_a)
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, base_url=live_server.url, bypass_csp=True
    )
    found = {}
    try:
        page = context.new_page()
        log_in_as_staff(page, district_staff_a, secret, language)
        for path in report_pages(world):
            response = page.goto(f"/{language}{path}")
            assert response.status == 200, (path, response.status)
            if problems := check_page(page, axe_source):
                found[path] = problems
                shots(page, path.strip("/").replace("/", "-"))
    finally:
        context.close()
    report = "\n".join(f"{path}: {line}" for path, lines in found.items() for line in lines)
    assert not found, f"accessibility problems in the reports in {language}:\n{report}"
