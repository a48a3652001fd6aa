"""Page budgets as a browser sees them: every family page, public or
logged in, in English and Arabic, with JavaScript off: HTML ≤ 14 KB and CSS ≤ 10 KB gzipped,
every request goes to our own server, and no page carries a script."""

import gzip
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from schools.models import GuideSection
from tests.e2e.conftest import family_pages, log_in_with_a_code
from tests.families.conftest import make_family

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_family_pages_fit_the_budgets_with_no_script_and_no_third_party(
    browser, live_server, journey_school, language
):
    # A long guide: 12 more sections of 1,650 characters each.
    guide = journey_school["guide"]
    for index in range(12):
        GuideSection.objects.create(
            guide=guide, order=10 + index, title_en=f"Extra {index}", body_en="Long text. " * 150
        )
    make_family("ZZB Sara", journey_school["school"], phone="+12125550166", language=language)
    own_host = urlsplit(live_server.url).netloc
    public, private = family_pages(journey_school)
    over = []
    for paths, logged_in in ((public, False), (private, True)):
        context = browser.new_context(
            viewport={"width": 390, "height": 844},
            base_url=live_server.url,
            java_script_enabled=logged_in,  # the code form is filled by Playwright, not script
        )
        page = context.new_page()
        if logged_in:
            log_in_with_a_code(page, language, "+12125550166")
        hosts, css = set(), {}
        page.on("request", lambda request, hosts=hosts: hosts.add(urlsplit(request.url).netloc))
        page.on(
            "response",
            lambda r, css=css: r.request.resource_type == "stylesheet" and css.setdefault(r.url, r),
        )
        for path in paths:
            css.clear()
            response = page.goto(f"/{language}{path}", wait_until="load")
            assert response.status == 200, (path, response.status)
            html_gz = len(gzip.compress(response.body()))
            css_gz = len(gzip.compress(b"".join(r.body() for r in css.values())))
            scripts = page.locator("script").count()
            if html_gz > settings.PAGE_HTML_BUDGET_GZIP:
                over.append(f"{path}: HTML {html_gz} B gzipped")
            if css_gz > settings.PAGE_CSS_BUDGET_GZIP or not css:
                over.append(f"{path}: CSS {css_gz} B gzipped ({len(css)} files)")
            if scripts:
                over.append(f"{path}: {scripts} script elements")
        context.close()
        assert hosts == {own_host}, f"requests to other hosts: {hosts - {own_host}}"
    assert not over, "\n".join(over)
