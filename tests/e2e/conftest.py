"""Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium, never a browser
download) against pytest-django's live server, at a 390×844 phone viewport.

Run them alone with `pytest -m e2e`. Without Chromium they are skipped, except under CI=true,
where a missing browser fails the run. Screenshots go to var/e2e-screenshots/<test>/ and each
test prints its folder.
"""

import os
import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone, translation

from tests.conftest import IN_CI, PASSWORD, totp
from tests.families.conftest import last_code
from tests.schools.samples import wav_tone

# The live server runs in a thread of this process; sync Playwright runs an event loop in
# this thread, which Django's async-safety check would otherwise refuse to touch the DB from.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}
SHOTS_ROOT = Path(settings.BASE_DIR) / "var" / "e2e-screenshots"
AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.e2e)


def _need(what: str, ok: bool, hint: str) -> None:
    if ok:
        return
    message = f"{what} is missing ({hint})"
    if IN_CI:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    """As in production: public pages come from the shared cache (portal.page_cache)."""
    settings.PAGE_CACHE_SECONDS = 60


@pytest.fixture(scope="session")
def playwright_driver():
    """One Playwright driver for the whole run: a second sync_playwright() while one is
    open fails ("Sync API inside the asyncio loop"), so every browser is launched from it."""
    _need("Chromium", Path(CHROMIUM).exists(), "apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_driver):
    # Headless Chromium refuses media.play() without a click on the page; the journeys
    # start the recording from a script, as a tap on the player would.
    browser = playwright_driver.chromium.launch(
        executable_path=CHROMIUM, args=["--autoplay-policy=no-user-gesture-required"]
    )
    yield browser
    browser.close()


@pytest.fixture
def phone(browser, live_server):
    """new(language, javascript=True) → a page in a fresh phone-sized browser context."""
    contexts = []

    def new(language="en", javascript=True):
        context = browser.new_context(
            viewport=PHONE,
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            locale=language,
            java_script_enabled=javascript,
            base_url=live_server.url,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield new
    for context in contexts:
        context.close()


@pytest.fixture
def shots(request):
    """shots(page, "step") saves a full-page screenshot, numbered in step order."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
    folder = SHOTS_ROOT / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    print(f"\nscreenshots: {folder}")
    count = [0]

    def take(page, step: str) -> Path:
        count[0] += 1
        path = folder / f"{count[0]:02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    take.folder = folder
    return take


def t(language: str, message: str) -> str:
    """The text a reader of `language` should see for a marked string; a journey in Spanish
    or Arabic that would show the English text fails here."""
    with translation.override(language):
        text = translation.gettext(message)
    if language != "en" and text == message:
        pytest.fail(f"no {language} translation for {message!r}", pytrace=False)
    return text


GUIDE_TEXT = {
    "en": ("How our school works", "The school day", "School starts at 8:00."),
    "es": ("Cómo funciona nuestra escuela", "El día escolar", "La escuela empieza a las 8:00."),
    "ar": ("كيف تعمل مدرستنا", "اليوم الدراسي", "يبدأ اليوم الدراسي الساعة 8:00."),
}
EVENT_TITLE = {"en": "Family night", "es": "Noche de familias", "ar": "أمسية العائلات"}


@pytest.fixture
def journey_school(school_a, tmp_path, settings):
    """School A with a guide in English, Spanish and Arabic (a recording in each) and an
    upcoming event offering interpreters."""
    from events.models import Event
    from schools.models import Guide, GuideSection, GuideSectionAudio, Status

    settings.MEDIA_ROOT = tmp_path
    school_a.name_es = "Escuela A"
    school_a.name_ar = "المدرسة أ"
    school_a.save()
    guide = Guide.objects.create(
        school=school_a,
        slug="how-it-works",
        status=Status.PUBLISHED,
        **{f"title_{code}": text[0] for code, text in GUIDE_TEXT.items()},
    )
    section = GuideSection.objects.create(
        guide=guide,
        order=0,
        **{f"title_{code}": text[1] for code, text in GUIDE_TEXT.items()},
        **{f"body_{code}": text[2] for code, text in GUIDE_TEXT.items()},
    )
    tone = wav_tone(seconds=1.0)
    for code in GUIDE_TEXT:
        audio = GuideSectionAudio(section=section, language=code)
        audio.file.save(f"{code}.wav", ContentFile(tone))
    start = timezone.now() + timedelta(days=5)
    event = Event.objects.create(
        school=school_a,
        district=school_a.district,
        **{f"title_{code}": title for code, title in EVENT_TITLE.items()},
        place="Library",
        address="118 River Road",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=40,
        status=Event.Status.PUBLISHED,
        interpreter_languages=["es", "ar"],
        childcare=True,
    )
    return {"school": school_a, "guide": guide, "event": event}


def read_axe() -> str:
    _need("axe-core", AXE_JS.exists(), "npm ci")
    return AXE_JS.read_text()


def log_in_with_a_code(page, language, phone):
    page.goto(f"/{language}/accounts/login/code/")
    page.fill("#id_login", phone)
    page.locator("main form button[type=submit]").click()
    page.fill("#id_code", last_code(phone))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"**/{language}/my/")


def family_pages(data):
    school, guide, event = data["school"], data["guide"], data["event"]
    public = [
        "/",
        "/?q=School",
        "/language/",
        f"/districts/{school.district.slug}/",
        f"/districts/{school.district.slug}/events/",
        f"/schools/{school.slug}/",
        f"/schools/{school.slug}/guides/{guide.slug}/",
        f"/schools/{school.slug}/write/",
        f"/events/{event.pk}/",
        "/privacy/",
        "/accounts/login/",
        "/accounts/login/staff/",
        "/accounts/signup/",
        "/accounts/login/code/",
    ]
    private = [
        "/my/",
        "/my/profile/",
        "/my/schools/join/",
        "/my/pass/",
        "/my/data/",
        "/my/erase/",
        f"/events/{event.pk}/",
        f"/events/{event.pk}/?step=2",
    ]
    return public, private


def log_in_as_staff(page, user, secret, language="en"):
    """The staff login in two steps: the password, then the code from the app."""
    page.goto(f"/{language}/accounts/login/staff/")
    page.fill("#id_login", user.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.fill("#id_code", totp(secret))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"**/{language}/**")


def report_pages(world):
    """Every report page a district's staff open, the page of one event included."""
    pages = ["", "languages/", "schools/", "events/", "committees/", "coverage/"]
    return [f"/reports/{page}" for page in pages] + [f"/reports/events/{world['night'].pk}/"]
