"""Family pages: they render in every language, say when a part is not translated, stay
small, need no script, and their query count does not grow with the data."""

import gzip
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import translation

from portal.languages import LANGUAGE_CODES
from portal.views import path_in_language
from schools.models import GuideSection, Status
from tests.conftest import make_guide


def family_pages(school, guide):
    return [
        reverse("account_signup"),
        reverse("account_request_login_code"),
        reverse("families:privacy"),
        reverse("families:feedback", kwargs={"slug": school.slug}),
        reverse("schools:home"),
        reverse("schools:home") + "?q=School",
        reverse("language"),
        reverse("schools:district", kwargs={"slug": school.district.slug}),
        school.get_absolute_url(),
        guide.get_absolute_url(),
    ]


def url_in(language, path):
    return path_in_language(path, language)


@pytest.fixture
def guide_a(school_a):
    return make_guide(school_a)


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_every_family_page_renders_in_every_language(client, school_a, guide_a, language):
    for path in family_pages(school_a, guide_a):
        response = client.get(url_in(language, path))
        assert response.status_code == 200, path
        html = response.content.decode()
        expected_dir = "rtl" if language in ("ar", "ur") else "ltr"
        assert f'<html lang="{language}" dir="{expected_dir}">' in html


def test_school_page_shows_welcome_safe_zone_and_guides(client, school_a, guide_a):
    school_a.welcome_en = "We are glad you are here."
    school_a.safe_zone_en = "ZZ-SAFE We never ask about immigration status."
    school_a.save()
    html = client.get(school_a.get_absolute_url()).content.decode()
    assert "We are glad you are here." in html
    assert "ZZ-SAFE" in html
    assert guide_a.title in html


def test_school_without_statement_shows_the_standard_one_in_the_readers_language(
    client, school_a, guide_a
):
    html = client.get(url_in("es", guide_a.get_absolute_url())).content.decode()
    assert 'id="safe-zone-title"' in html
    with translation.override("es"):
        assert translation.gettext("Every family is welcome here") in html
    assert "Every family is welcome here" not in html


def test_missing_translation_falls_back_to_english_with_a_note(client, school_a, guide_a):
    section = guide_a.sections.first()
    section.title_ko = "하루 일과"
    section.body_ko = "학교는 8시에 시작합니다."
    section.save()
    html = client.get(url_in("ko", guide_a.get_absolute_url())).content.decode()
    # The translated section reads in Korean with no note.
    assert "학교는 8시에 시작합니다." in html
    # The other section falls back to English, marked as English, with the note in Korean
    # and the school's phone for an interpreter.
    assert "Body of part 1." in html
    with translation.override("ko"):
        note = translation.gettext("This part is not yet in %(language)s. It is shown in English.")
    assert note % {"language": "한국어"} in html
    assert html.count('class="fallback"') == 1
    assert 'href="tel:+15550100999"' in html  # E.164: a tel: link has no spaces
    assert '<div class="body" lang="en" dir="ltr">' in html


def test_english_readers_see_no_fallback_note(client, guide_a):
    html = client.get(guide_a.get_absolute_url()).content.decode()
    assert 'class="fallback"' not in html


def test_draft_guides_and_sections_are_not_shown(client, school_a, guide_a):
    draft = make_guide(school_a, slug="draft-guide", title="ZZ-DRAFT guide", status=Status.DRAFT)
    GuideSection.objects.filter(pk=guide_a.sections.first().pk).update(status=Status.DRAFT)
    assert "ZZ-DRAFT" not in client.get(school_a.get_absolute_url()).content.decode()
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "Body of part 0." not in client.get(guide_a.get_absolute_url()).content.decode()


def test_unknown_school_and_guide_are_404(client, school_a):
    assert client.get("/en/schools/nope/").status_code == 404
    assert client.get("/en/schools/school-a/guides/nope/").status_code == 404


def test_school_finder_matches_names_in_any_script(client, school_a, school_b):
    school_a.name_ar = "مدرسة أ"
    school_a.save()
    html = client.get("/en/?q=مدرسة").content.decode()
    assert school_a.get_absolute_url() in html
    assert school_b.get_absolute_url() not in html
    html = client.get("/en/?q=zzzz-nothing").content.decode()
    assert "No school matches" in html


def test_school_finder_survives_a_nul_byte(client, school_a):
    # A NUL byte in the search reached PostgreSQL and the home page answered 500.
    for query in ("q=School%00", "q=&district=district-a%00"):
        assert client.get(f"/en/?{query}").status_code == 200


def test_school_finder_filters_by_district(client, school_a, school_b):
    html = client.get(f"/en/?q=&district={school_b.district.slug}").content.decode()
    assert school_b.get_absolute_url() in html
    assert school_a.get_absolute_url() not in html


@pytest.mark.parametrize(
    "query", ["", " ", "x" * 5000, "<script>alert(1)</script>", "\u202e", "'; DROP TABLE x;--"]
)
def test_school_finder_survives_odd_input(client, school_a, query):
    response = client.get("/en/", {"q": query, "district": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def page_budgets(response):
    html = response.content
    css_paths = re.findall(rb'<link rel="stylesheet" href="/static/([^"]+)"', html)
    css = b"".join(Path(finders.find(path.decode())).read_bytes() for path in css_paths)
    return len(gzip.compress(html)), len(gzip.compress(css)), html


@pytest.mark.parametrize("language", ["en", "ar", "bn", "zh-hant"])
def test_family_pages_stay_in_budget_and_need_no_script(client, school_a, guide_a, language):
    # A long guide: 12 sections of 1,500 characters each, in the reader's language.
    for index in range(12):
        GuideSection.objects.create(
            guide=guide_a, order=10 + index, title_en=f"Extra {index}", body_en="Long text. " * 150
        )
    for path in family_pages(school_a, guide_a):
        response = client.get(url_in(language, path))
        html_gz, css_gz, html = page_budgets(response)
        assert html_gz <= 14 * 1024, (path, html_gz)
        assert css_gz <= 10 * 1024, (path, css_gz)
        assert b"<script" not in html, path


@pytest.mark.parametrize("count", [3, 300])
def test_school_and_guide_pages_query_count_does_not_grow(
    client, school_a, django_assert_max_num_queries, count
):
    for index in range(count):
        make_guide(school_a, slug=f"guide-{index}", title=f"Guide {index}", sections=1)
    big = make_guide(school_a, slug="big", sections=count)
    with django_assert_max_num_queries(4):
        assert client.get(school_a.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(big.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get("/en/?q=School").status_code == 200


def test_guide_page_offers_the_recording_in_the_readers_language(
    client, guide_a, tmp_path, settings
):
    from django.core.files.base import ContentFile

    from schools.models import GuideSectionAudio
    from tests.schools.samples import wav_tone

    settings.MEDIA_ROOT = tmp_path
    section = guide_a.sections.first()
    audio = GuideSectionAudio(section=section, language="es")
    audio.file.save("es.wav", ContentFile(wav_tone()))
    html = client.get(url_in("es", guide_a.get_absolute_url())).content.decode()
    assert f'<audio controls preload="none" src="{audio.file.url}"></audio>' in html
    # No Spanish recording for other readers, and no English one exists: no player.
    assert "<audio" not in client.get(url_in("fr", guide_a.get_absolute_url())).content.decode()
