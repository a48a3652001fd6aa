"""Staff record a guide section in the admin (issue 13, point 7).

The recorder is a script of this site, loaded with the page's CSP nonce; what it records is put
into the row's file input and saved with the form, so it meets the same checks as an uploaded
file. Families listen with the <audio> element, no script needed. The browser journey (record,
save, listen) is in tests/e2e/test_recorder.py.
"""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from schools.audio import recording_kind
from schools.models import GuideSectionAudio
from tests.conftest import make_guide
from tests.schools.conftest import section_form
from tests.schools.samples import browser_recording, wav_tone

pytestmark = pytest.mark.urls("tests.portal.media_urls")  # /media/ as `make run` serves it


@pytest.fixture
def section(school_a):
    return make_guide(school_a, sections=1).sections.get()


def change_url(section):
    return f"/admin/schools/guidesection/{section.pk}/change/"


def test_the_section_page_carries_the_recorder_under_the_pages_nonce(staff_client, section):
    response = staff_client.get(change_url(section), secure=True, headers={"accept-language": "ht"})
    assert response.status_code == 200
    nonce = re.search(r"script-src [^;]*'nonce-([\w+/=-]+)'", response["Content-Security-Policy"])
    assert nonce, response["Content-Security-Policy"]
    # The player may read what was just recorded (blob:); nothing else is loosened.
    csp = response["Content-Security-Policy"]
    assert "media-src 'self' blob:" in csp and "unsafe-inline" not in csp
    assert "default-src 'self'" in csp and "object-src 'none'" in csp
    family_csp = Client().get(section.guide.get_absolute_url())["Content-Security-Policy"]
    assert "blob:" not in family_csp
    body = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", body)
    recorder = [tag for tag in scripts if "/static/portal/admin-recorder.js" in tag]
    assert len(recorder) == 1, scripts
    # Every script on the page, ours included, carries this response's nonce: none runs without.
    for tag in scripts:
        assert f'nonce="{nonce.group(1)}"' in tag, tag
    # The recorder's buttons come translated from the server, hidden until the script runs.
    assert re.search(r'<div class="recorder" hidden', body)
    assert ">Anrejistre<" in body and ">Sèvi ak anrejistreman sa a<" in body


def post(client, section, content, name="recording.webm", content_type="audio/webm", **extra):
    data = section_form(
        section,
        "ht",
        **{"audio-0-file": SimpleUploadedFile(name, content, content_type=content_type)},
        **extra,
    )
    return client.post(change_url(section), data)


def test_a_browser_recording_saved_in_the_admin_plays_on_the_family_page(
    staff_client, client, section, media
):
    # What Chromium's MediaRecorder writes (unsized segment and clusters), as the recorder
    # hands it to the form.
    recording = browser_recording()
    assert post(staff_client, section, recording).status_code == 302
    audio = GuideSectionAudio.objects.get(section=section, language="ht")
    assert audio.file.name.endswith(".opus")  # made light for families' data plans
    page = client.get(f"/ht{section.guide.get_absolute_url()[3:]}").content.decode()
    # A plain <audio> element with the file: listening needs no script on the family page.
    assert re.search(rf'<audio controls[^>]* src="{re.escape(audio.file.url)}"', page)
    served = client.get(audio.file.url)
    assert served.status_code == 200 and served["Content-Type"] == "audio/ogg"
    assert recording_kind(io.BytesIO(b"".join(served.streaming_content))) == "opus"


def test_a_new_recording_replaces_the_old_one(staff_client, client, section, media):
    assert post(staff_client, section, wav_tone(), name="first.wav").status_code == 302
    audio = GuideSectionAudio.objects.get()
    first = audio.file.name
    response = post(
        staff_client,
        section,
        browser_recording(),
        **{"audio-INITIAL_FORMS": 1, "audio-0-id": audio.pk, "audio-0-section": section.pk},
    )
    assert response.status_code == 302
    audio.refresh_from_db()
    assert GuideSectionAudio.objects.count() == 1 and audio.file.name.endswith(".opus")
    assert audio.file.name != first
    # Staff hear the current recording on the section's page before replacing it again.
    page = staff_client.get(change_url(section)).content.decode()
    player = f'<audio class="recorder-current" controls preload="none" src="{audio.file.url}">'
    assert player in page


def test_a_recording_cut_short_is_refused_like_any_file(staff_client, section, media):
    # Half a recording (a tab closed mid-upload, a broken encoder) is no recording.
    recording = browser_recording()
    response = post(staff_client, section, recording[: len(recording) // 2])
    assert response.status_code == 200
    assert not GuideSectionAudio.objects.exists()
