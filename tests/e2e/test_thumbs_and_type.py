"""Controls a thumb can hit, type for every script, a pass a guard reads at a glance and
reports readable on a phone: measured in a 390 px Chromium with JavaScript off.

The target rule: every link, button, summary, select and text field a parent can tap is at
least 44 × 44 CSS px (WCAG 2.5.5 "Target Size (Enhanced)", the size GOV.UK and Apple ask for),
with no exception, not even the inline one WCAG allows for links inside a sentence. A radio
or a checkbox is at least 40 × 40 px and sits in a label at least 44 px tall (the label is
what the thumb taps). The skip link is measured when it has the focus, the only time it shows.
"""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from tests.conftest import add_authenticator_app
from tests.e2e.conftest import family_pages, log_in_as_staff, log_in_with_a_code, t
from tests.families.conftest import make_family
from tests.reports.conftest import world  # noqa: F401 (the reports' families, events, answers)

pytestmark = pytest.mark.django_db(transaction=True)

# Run in the page: every target too small for a thumb, as readable lines.
SMALL_TARGETS = """() => {
  const shown = el => el.getClientRects().length && getComputedStyle(el).visibility !== "hidden";
  const box = el => el.getBoundingClientRect();
  const say = (el, r, need) =>
    `${el.outerHTML.slice(0, 90)}: ${Math.round(r.width)}×${Math.round(r.height)} px < ${need}`;
  const problems = [];
  const targets = "a[href], button, summary, select, textarea, "
    + "input:not([type=hidden]):not([type=radio]):not([type=checkbox])";
  for (const el of document.querySelectorAll(targets)) {
    if (!shown(el) || el.matches(".skip")) continue;
    const r = box(el);
    if (r.width < 44 || r.height < 44) problems.push(say(el, r, "44×44"));
  }
  for (const el of document.querySelectorAll("input[type=radio], input[type=checkbox]")) {
    if (!shown(el)) continue;
    const r = box(el);
    if (r.width < 40 || r.height < 40) problems.push(say(el, r, "40×40"));
    const label = el.closest("label") || (el.labels && el.labels[0]);
    if (!label) problems.push(`${el.outerHTML.slice(0, 90)}: no label to tap`);
    else if (box(label).height < 44) problems.push(say(label, box(label), "44 tall (its label)"));
  }
  return problems;
}"""


def phone_context(browser, live_server, language="en"):
    return browser.new_context(
        viewport={"width": 390, "height": 844},
        base_url=live_server.url,
        java_script_enabled=False,
        locale=language,
    )


def small_targets(page):
    problems = page.evaluate(SMALL_TARGETS)
    page.locator("body").focus()
    page.keyboard.press("Tab")  # the skip link, shown only with the focus
    skip = page.locator(".skip")
    if skip.count():
        r = skip.bounding_box()
        if r["width"] < 44 or r["height"] < 44:
            problems.append(f"skip link: {r['width']:.0f}×{r['height']:.0f} px < 44×44")
    return problems


@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_link_button_radio_and_box_on_the_family_pages_fits_a_thumb(
    browser, live_server, journey_school, language
):
    make_family("ZZT Noor", journey_school["school"], phone="+12125550171", language=language)
    public, private = family_pages(journey_school)
    found = []
    for paths, logged_in in ((public, False), (private, True)):
        context = phone_context(browser, live_server, language)
        page = context.new_page()
        if logged_in:
            log_in_with_a_code(page, language, "+12125550171")
        for path in paths:
            assert page.goto(f"/{language}{path}").status == 200, path
            found += [f"{path}: {line}" for line in small_targets(page)]
        context.close()
    assert not found, "\n".join(found)


# The share of the font size each script needs between lines, and a face phones carry
# that must come first in its stack (the machine has none of them: checked by style).
SCRIPTS = {
    "ur": (2.2, 2.4, "Noto Nastaliq Urdu"),
    "ar": (1.75, 1.85, "Noto Naskh Arabic"),
    "bn": (1.7, 1.8, "Noto Sans Bengali"),
    "zh-hant": (1.5, 1.7, "PingFang TC"),
    "ko": (1.5, 1.7, "Apple SD Gothic Neo"),
    "zh-hans": (1.5, 1.7, "PingFang SC"),
}


@pytest.mark.parametrize("language", list(SCRIPTS))
def test_each_script_gets_a_face_phones_have_and_the_line_height_it_needs(
    browser, live_server, journey_school, language
):
    low, high, first_face = SCRIPTS[language]
    context = phone_context(browser, live_server, language)
    page = context.new_page()
    page.goto(f"/{language}/schools/{journey_school['school'].slug}/")
    for selector in ("main p", "main h1", ".bottom a"):
        style = page.eval_on_selector(
            selector,
            """el => { const s = getComputedStyle(el);
                return {family: s.fontFamily, size: parseFloat(s.fontSize),
                        line: parseFloat(s.lineHeight)}; }""",
        )
        ratio = style["line"] / style["size"]
        if selector != "main h1":  # headings are allowed to sit a little tighter
            assert low <= ratio <= high, (selector, ratio)
        faces = [face.strip().strip('"') for face in style["family"].split(",")]
        assert faces[0] == first_face, (selector, faces)
        if language in ("zh-hant", "ko"):
            # Their own face, never the Simplified Chinese one.
            assert not any(face.endswith("SC") or "YaHei" in face for face in faces), faces
    # A Nastaliq heading over two lines must not run into itself.
    if language == "ur":
        h1 = page.eval_on_selector(
            "main h1",
            "el => parseFloat(getComputedStyle(el).lineHeight)"
            " / parseFloat(getComputedStyle(el).fontSize)",
        )
        assert h1 >= 1.9, h1
    context.close()


@pytest.mark.parametrize("language", ["en", "ar", "ur"])
def test_a_phone_number_stays_on_one_line(browser, live_server, journey_school, language):
    school = journey_school["school"]
    school.phone = "+1 555 0100 101 ext 2345"
    school.save()
    context = browser.new_context(
        viewport={"width": 320, "height": 700},  # the narrowest phones still sold
        base_url=live_server.url,
        java_script_enabled=False,
    )
    page = context.new_page()
    page.goto(f"/{language}/schools/{school.slug}/")
    numbers = page.locator('a[href^="tel:"], .tel')
    assert numbers.count() >= 1
    for index in range(numbers.count()):
        number = numbers.nth(index)
        lines, white_space = number.evaluate(
            "el => [el.getClientRects().length, getComputedStyle(el).whiteSpace]"
        )
        assert white_space == "nowrap" and lines == 1, (number.inner_text(), white_space, lines)
    context.close()


@pytest.mark.parametrize("language", ["es", "ur"])
def test_the_pass_says_valid_at_the_school_in_bold_on_screen_and_on_paper(
    browser, live_server, journey_school, language
):
    school = journey_school["school"]
    make_family("Rina (mamá de Ana)", school, phone="+12125550172", language=language)
    context = phone_context(browser, live_server, language)
    page = context.new_page()
    log_in_with_a_code(page, language, "+12125550172")
    page.goto(f"/{language}/my/pass/")
    with translation.override(language):
        name = school.name
    valid = page.locator(".pass-card .pass-valid")
    expect(valid).to_have_text(f"{t(language, 'Valid at:')} {name}")
    expect(valid.locator("bdi")).to_have_text(name)
    expect(page.locator(".pass-card .pass-name bdi")).to_have_text("Rina (mamá de Ana)")
    for media in ("screen", "print"):
        page.emulate_media(media=media)
        weight, colour, size = valid.evaluate(
            "el => { const s = getComputedStyle(el);"
            " return [parseInt(s.fontWeight), s.color, parseFloat(s.fontSize)]; }"
        )
        assert weight >= 700 and colour == "rgb(27, 31, 35)", (media, weight, colour)
        assert size >= 13, (media, size)  # 10 pt on the wallet card
        expect(valid).to_be_visible()
    context.close()


def test_the_family_name_is_set_apart_from_its_greeting(browser, live_server, journey_school):
    make_family("Rina (mamá de Ana)", journey_school["school"], phone="+12125550173", language="ar")
    context = phone_context(browser, live_server, "ar")
    page = context.new_page()
    log_in_with_a_code(page, "ar", "+12125550173")
    expect(page.locator("h1 bdi")).to_have_text("Rina (mamá de Ana)")
    context.close()


# Run in the page: chart text smaller than 12 px on the screen, text past the chart's
# edges, bars too thin to see; scroll regions a keyboard cannot reach or that have no name,
# tables without a caption.
REPORT_PROBLEMS = """() => {
  const problems = [];
  const charts = [...document.querySelectorAll("figure.chart svg")];
  if (!charts.length) problems.push("no chart");
  for (const svg of charts) {
    const edge = svg.getBoundingClientRect();
    const scale = svg.getScreenCTM().a;
    for (const text of svg.querySelectorAll("text")) {
      const px = parseFloat(getComputedStyle(text).fontSize) * scale;
      if (px < 12) problems.push(`${text.textContent}: ${px.toFixed(1)} px`);
      const r = text.getBoundingClientRect();
      if (r.left < edge.left - 0.5 || r.right > edge.right + 0.5
          || r.top < edge.top - 0.5 || r.bottom > edge.bottom + 0.5)
        problems.push(`${text.textContent}: cut at the chart's edge`);
    }
    for (const bar of svg.querySelectorAll("rect")) {
      const r = bar.getBoundingClientRect();
      if (parseFloat(bar.getAttribute("width")) > 0 && (r.width < 2 || r.height < 8))
        problems.push(`a bar of ${r.width.toFixed(1)}×${r.height.toFixed(1)} px`);
    }
  }
  const regions = [...document.querySelectorAll(".table-scroll")];
  if (!regions.length) problems.push("no table");
  for (const region of regions) {
    const label = (region.getAttribute("aria-labelledby") || "").split(" ")
      .map(id => (document.getElementById(id) || {}).textContent || "").join("").trim();
    const table = region.querySelector("table");
    const caption = table && table.caption && table.caption.textContent.trim();
    if (region.tabIndex !== 0 || region.getAttribute("role") !== "region" || !label || !caption)
      problems.push(`region: tabindex ${region.tabIndex}, name "${label}", caption "${caption}"`);
    if (getComputedStyle(region).overflowX !== "auto")
      problems.push("a table region that does not scroll");
  }
  return problems;
}"""


@pytest.mark.parametrize("language", ["es", "ur"])
def test_the_reports_read_on_a_phone(browser, live_server, district_staff_a, world, language):  # noqa: F811
    secret = add_authenticator_app(district_staff_a)
    context = phone_context(browser, live_server, language)
    page = context.new_page()
    log_in_as_staff(page, district_staff_a, secret, language)
    found = []
    for path in ("reports/", "reports/languages/"):
        assert page.goto(f"/{language}/{path}").status == 200
        found += [f"{path}: {line}" for line in page.evaluate(REPORT_PROBLEMS)]
        found += [f"{path}: {line}" for line in small_targets(page)]
        # A wide table is reached with the keyboard and scrolled with the arrow keys.
        region = page.locator(".table-scroll").first
        region.focus()
        assert region.evaluate("el => el === document.activeElement")
    assert not found, "\n".join(found)
    context.close()
