"""Uploads never run as code (RELIABILITY A5).

A school staff member's "recording" is parsed whole; what it really is, not its name, gives
the stored extension; it is stored under a random name; and /media/ answers with nosniff, a
content type from the allow-list and a sandbox. The real recordings come from
tests/schools/samples.py.
"""

import io
import re
import shutil

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from mutagen.oggopus import OggOpus

from schools.audio import recording_kind
from schools.models import GuideSectionAudio
from tests.conftest import make_guide
from tests.schools.conftest import section_form
from tests.schools.samples import REAL, RECORDINGS, wav_tone

pytestmark = pytest.mark.urls("tests.portal.media_urls")  # /media/ as `make run` serves it

SCRIPT = b"\nfetch('/admin/auth/user/add/',{method:'POST'});\n"
# Files whose first bytes are those of a recording and whose name makes them a script or page.
DISGUISED = {
    "player.js, RIFF-WAVE header": ("player.js", b"RIFF\x24\x00\x00\x00WAVEfmt " + SCRIPT),
    "x.js, WAV header then zeros": ("x.js", b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\0" * 64 + SCRIPT),
    "page.html, ID3 tag": ("page.html", b"ID3\x03\0\0\0\0\0\0<html><script>" + SCRIPT),
    "x.html, MP3 frame": ("x.html", b"\xff\xfb\x90\x00<html><script>" + SCRIPT + b"</script>"),
    "x.svg, Ogg page": ("x.svg", b"OggS\0\x02<svg xmlns='http://www.w3.org/2000/svg'/>" + SCRIPT),
    "x.svg, WebM magic": ("x.svg", b"\x1a\x45\xdf\xa3<svg onload='alert(1)'/>"),
    "x.js, real MP3 start then script": (
        "x.js",
        (RECORDINGS / "tone.mp3").read_bytes()[:100] + SCRIPT * 40,
    ),
    "x.js, real WAV then a script": ("x.js", wav_tone() + SCRIPT),
    "x.svg, real Ogg then a picture": (
        "x.svg",
        (RECORDINGS / "tone.opus").read_bytes() + b"<svg onload='alert(1)'/>",
    ),
    "x.html, real WebM then a page": (
        "x.html",
        (RECORDINGS / "tone.webm").read_bytes() + b"<html><script>" + SCRIPT,
    ),
}
SCRIPT_TYPES = ("javascript", "html", "svg", "xml", "ecmascript")


@pytest.fixture
def guide(school_a):
    return make_guide(school_a, sections=1)


@pytest.fixture
def section(guide):
    return guide.sections.get()


def upload(client, section, name, content, **headers):
    return client.post(
        f"/admin/schools/guidesection/{section.pk}/change/",
        section_form(section, **{"audio-0-file": SimpleUploadedFile(name, content)}),
        headers=headers,
    )


def assert_served_inert(response, content_type):
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"


@pytest.mark.parametrize(("name", "content"), DISGUISED.values(), ids=DISGUISED.keys())
def test_a_script_dressed_as_a_recording_is_refused_in_the_staff_language(
    staff_client, client, section, media, name, content
):
    response = upload(staff_client, section, name, content, accept_language="es")
    # Today: stored as guide-audio/<id>/es.js and served back as a script from our origin.
    served = [
        client.get(audio.file.url)["Content-Type"] for audio in GuideSectionAudio.objects.all()
    ]
    assert (response.status_code, served) == (200, [])
    assert "Este archivo no es una grabación de audio." in response.content.decode()
    assert not media.exists() or not any(media.iterdir())


@pytest.mark.parametrize("content", [content for content, *_ in REAL.values()], ids=REAL.keys())
def test_a_real_recording_is_stored_under_a_random_name_and_plays_back(
    staff_client, client, section, media, content
):
    # A misleading name changes nothing: what the file is decides.
    response = upload(staff_client, section, "page.html", content)
    assert response.status_code == 302
    audio = GuideSectionAudio.objects.get(section=section)
    # Whatever came in is kept as Opus, mono, light for families' prepaid data (issue 18).
    assert re.fullmatch(
        rf"guide-audio/{section.pk}/es-[A-Za-z0-9_-]{{16}}\.opus", audio.file.name
    ), audio.file.name
    # Families fetch it (as their phone's player does, no login): inert, and a recording.
    response = client.get(audio.file.url)
    assert_served_inert(response, "audio/ogg")
    served = b"".join(response.streaming_content)
    assert recording_kind(io.BytesIO(served)) == "opus"
    opus = OggOpus(io.BytesIO(served))
    assert opus.info.channels == 1 and 0.25 < opus.info.length < 0.6
    assert (audio.file_size, round(audio.seconds, 1)) == (len(served), round(opus.info.length, 1))
    # The guide page offers it to Spanish readers, saying how long and how heavy it is.
    page = client.get(f"/es{section.guide.get_absolute_url()[3:]}").content.decode()
    assert f'src="{audio.file.url}"' in page
    assert "Escuchar · <bdi>1 s</bdi> · <bdi>" in page
    # Nothing but the Opus is kept: the upload itself went with the request.
    assert [path.name for path in media.iterdir()] == [audio.file.name.rsplit("/", 1)[1]]


def test_two_uploads_of_the_same_file_get_different_names(staff_client, guide, section, media):
    other = guide.sections.create(title_en="Lunch", body_en="Lunch is at noon.", order=1)
    try:
        for target in (section, other):
            assert upload(staff_client, target, "es.wav", wav_tone()).status_code == 302
        first, second = (audio.file.name for audio in GuideSectionAudio.objects.order_by("pk"))
        assert first.rsplit("/", 1)[-1] != second.rsplit("/", 1)[-1]
    finally:
        shutil.rmtree(media.parent / str(other.pk), ignore_errors=True)


def test_staff_replace_a_recording_in_the_admin(staff_client, client, section, media):
    page = staff_client.get(f"/admin/schools/guidesection/{section.pk}/change/")
    assert page.status_code == 200 and 'name="audio-0-file"' in page.content.decode()
    assert upload(staff_client, section, "reading.wav", wav_tone()).status_code == 302
    audio = GuideSectionAudio.objects.get()
    mp3 = REAL["mp3"][0]
    response = staff_client.post(
        f"/admin/schools/guidesection/{section.pk}/change/",
        section_form(
            section,
            **{
                "audio-INITIAL_FORMS": 1,
                "audio-0-id": audio.pk,
                "audio-0-section": section.pk,
                "audio-0-file": SimpleUploadedFile("reading.mp3", mp3),
            },
        ),
    )
    assert response.status_code == 302
    audio.refresh_from_db()
    assert audio.file.name.endswith(".opus")
    assert_served_inert(client.get(audio.file.url), "audio/ogg")
    page = staff_client.get(f"/admin/schools/guidesection/{section.pk}/change/").content.decode()
    assert audio.file.url in page


@pytest.mark.parametrize(
    "name", ["es.js", "es.html", "es.svg", "es.xml", "es.mjs", "es", "es.js.gz", "es.WAV.html"]
)
def test_a_file_stored_before_the_check_is_never_served_as_a_page_or_script(
    client, section, media, name
):
    # Stored by the old code (guide-audio/1/es.js): it must come back as bytes, nothing more.
    media.mkdir(parents=True, exist_ok=True)
    (media / name).write_bytes(b"RIFF\x24\0\0\0WAVE" + SCRIPT)
    response = client.get(f"{settings.MEDIA_URL}guide-audio/{section.pk}/{name}")
    assert_served_inert(response, "application/octet-stream")
    assert "Content-Encoding" not in response


def test_a_missing_media_file_is_a_404(client, section, media):
    assert (
        client.get(f"{settings.MEDIA_URL}guide-audio/{section.pk}/nothing.wav").status_code == 404
    )
