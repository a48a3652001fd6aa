"""Bad input in the staff pages gets a clear message, keeps what was typed, never a 500."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from schools.models import Guide, GuideSection, GuideSectionAudio, School
from tests.conftest import make_guide
from tests.schools.samples import wav_tone

WAV = wav_tone()


@pytest.fixture
def staff_client(client, staff_a):
    client.force_login(staff_a)
    return client


@pytest.fixture
def guide(school_a):
    return make_guide(school_a, sections=0)


def section_form(guide, **extra):
    data = {
        "guide": guide.pk,
        "title_en": "The school day",
        "body_en": "School starts at eight.",
        "status": "published",
        "order": 0,
        "audio-TOTAL_FORMS": 1,
        "audio-INITIAL_FORMS": 0,
        "audio-MIN_NUM_FORMS": 0,
        "audio-MAX_NUM_FORMS": 1000,
        "audio-0-language": "",
    }
    data.update(extra)
    return data


def post_section(client, data):
    return client.post("/admin/schools/guidesection/add/", data)


def test_a_ten_megabyte_section_is_refused_with_a_clear_message(staff_client, guide):
    body = "Long words. " * (10 * 1024 * 1024 // 12)
    response = post_section(staff_client, section_form(guide, body_en=body))
    assert response.status_code == 200
    assert "Ensure this value has at most 20000 characters" in response.content.decode()
    assert not GuideSection.objects.exists()
    # What was typed in the other fields is still there.
    assert 'value="The school day"' in response.content.decode()


def test_a_request_bigger_than_the_upload_limit_is_a_400_not_a_500(staff_client, guide, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    response = post_section(staff_client, section_form(guide, body_en="x" * (2 * 1024 * 1024)))
    assert response.status_code == 400


def test_a_picture_renamed_to_mp3_is_refused(staff_client, guide):
    fake = SimpleUploadedFile("reading.mp3", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "audio/mpeg")
    data = section_form(guide, **{"audio-0-language": "es", "audio-0-file": fake})
    response = post_section(staff_client, data)
    assert response.status_code == 200
    assert "This file is not a sound recording" in response.content.decode()
    assert not GuideSectionAudio.objects.exists()


def test_a_real_recording_is_accepted(staff_client, guide, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = section_form(
        guide, **{"audio-0-language": "es", "audio-0-file": SimpleUploadedFile("es.wav", WAV)}
    )
    response = post_section(staff_client, data)
    assert response.status_code == 302
    assert GuideSectionAudio.objects.get().language == "es"


def test_a_recording_over_the_size_limit_is_refused(staff_client, guide, settings):
    settings.MAX_AUDIO_BYTES = 1000
    data = section_form(
        guide, **{"audio-0-language": "es", "audio-0-file": SimpleUploadedFile("es.wav", WAV * 20)}
    )
    response = post_section(staff_client, data)
    assert "Audio files can be at most" in response.content.decode()
    assert not GuideSectionAudio.objects.exists()


def test_a_slug_with_spaces_is_refused(staff_client, school_a):
    response = staff_client.post(
        "/admin/schools/guide/add/",
        {
            "school": school_a.pk,
            "title_en": "How it works",
            "slug": "how it works",
            "status": "draft",
            "order": 0,
            "sections-TOTAL_FORMS": 0,
            "sections-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "Enter a valid “slug”" in response.content.decode()
    assert not Guide.objects.exists()


def test_a_school_with_no_languages_is_refused(client, superuser, district_a):
    client.force_login(superuser)
    response = client.post(
        "/admin/schools/school/add/",
        {
            "district": district_a.pk,
            "name_en": "New School",
            "slug": "new-school",
            "time_zone": "America/New_York",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "Choose at least one language the school publishes in." in response.content.decode()
    assert not School.objects.filter(slug="new-school").exists()


def test_an_unknown_time_zone_is_refused(client, superuser, district_a):
    client.force_login(superuser)
    response = client.post(
        "/admin/schools/school/add/",
        {
            "district": district_a.pk,
            "name_en": "New School",
            "slug": "new-school",
            "languages": ["en"],
            "time_zone": "Mars/Olympus",
        },
    )
    assert "Unknown time zone: Mars/Olympus." in response.content.decode()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\x00",
        "🙂" * 300,
        "مرحبا \u202e evil",
        "<script>alert('x')</script>",
        "' OR 1=1 --",
        "Ω" * 19999,
    ],
)
def test_odd_section_text_never_breaks_the_page(staff_client, client, guide, text):
    response = post_section(staff_client, section_form(guide, body_en=text))
    assert response.status_code in (200, 302)
    section = GuideSection.objects.first()
    if section:
        page = client.get(guide.get_absolute_url()).content.decode()
        assert "<script>alert" not in page


def test_reading_grade_warns_on_hard_text(staff_client, guide):
    hard = (
        "Notwithstanding administrative considerations, comprehensive individualized "
        "educational accommodations necessitate interdisciplinary documentation."
    )
    section = GuideSection.objects.create(
        guide=guide, title_en="Rules", body_en=hard, body_es="La escuela empieza a las ocho."
    )
    page = staff_client.get(f"/admin/schools/guidesection/{section.pk}/change/").content.decode()
    assert "too hard: aim for grade 8 or below" in page
    assert page.count('class="grade-warning"') == 1  # English is hard, Spanish is fine
    assert 'class="grade-ok"' in page
