"""Staff record a guide section in the admin and a family listens to it (issue 13, point 7).

Chromium's fake microphone (a beep) stands in for the staff member's voice; the recording goes
through the admin form and the same checks as an uploaded file, then plays on the family's
guide page, in Haitian Creole.
"""

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from schools.models import GuideSectionAudio
from tests.conftest import make_guide
from tests.e2e.conftest import CHROMIUM, PHONE, t

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def browser_with_a_microphone(playwright_driver):
    browser = playwright_driver.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            "--autoplay-policy=no-user-gesture-required",
        ],
    )
    yield browser
    browser.close()


def logged_in_page(browser, live_server, user, language):
    client = Client()
    client.force_login(user)  # the password and second step are tested in test_journeys.py
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale=language, base_url=live_server.url
    )
    context.set_default_timeout(10_000)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "domain": urlsplit(live_server.url).hostname,
                "path": "/",
                "secure": True,
                "httpOnly": True,
            }
        ]
    )
    return context, context.new_page()


def test_staff_record_a_section_in_the_admin_and_a_family_listens(
    browser_with_a_microphone, live_server, shots, school_a, staff_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    school_a.languages = ["en", "ht"]
    school_a.save()
    section = make_guide(school_a, sections=1).sections.get()
    context, page = logged_in_page(browser_with_a_microphone, live_server, staff_a, "en")
    page.goto(f"/admin/schools/guidesection/{section.pk}/change/")
    row = page.locator("#audio-0")
    recorder = row.locator(".recorder")
    expect(recorder).to_be_visible()
    page.select_option("#id_audio-0-language", "ht")
    recorder.locator(".recorder-record").click()
    expect(recorder.locator(".recorder-stop")).to_be_visible()
    expect(recorder).to_have_class("recorder is-recording")
    page.wait_for_timeout(2_000)
    shots(page, "recording")
    recorder.locator(".recorder-stop").click()
    # Staff listen before they use it (the page's policy lets the player read the recording).
    preview = recorder.locator(".recorder-preview")
    expect(preview).to_be_visible()
    preview.evaluate("audio => audio.play()")
    page.wait_for_function("audio => audio.currentTime > 0.5", arg=preview.element_handle())
    preview.evaluate("audio => audio.pause()")
    recorder.locator(".recorder-use").click()
    expect(recorder.locator(".recorder-status")).to_have_text(
        t("en", "Ready. Save the page to publish this recording.")
    )
    shots(page, "recorded")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    audio = GuideSectionAudio.objects.get(section=section, language="ht")
    assert audio.file.name.endswith(".opus"), audio.file.name  # made light for families
    shots(page, "saved")
    context.close()

    # The family's page in Haitian Creole: the plain <audio> element plays the whole recording.
    family = browser_with_a_microphone.new_context(
        viewport=PHONE, locale="ht", base_url=live_server.url
    )
    page = family.new_page()
    page.goto(f"/ht{section.guide.get_absolute_url()[3:]}")
    player = page.locator(f"#s{section.pk} audio")
    expect(player).to_have_attribute("src", audio.file.url)
    expect(page.locator(f"#s{section.pk} .listen")).to_contain_text(t("ht", "Listen"))
    player.evaluate("audio => audio.play()")
    page.wait_for_function(
        "audio => audio.ended || audio.error", arg=player.element_handle(), timeout=10_000
    )
    assert player.evaluate("audio => audio.error") is None
    assert player.evaluate("audio => audio.currentTime") > 1.5
    shots(page, "family-listens")
    family.close()
