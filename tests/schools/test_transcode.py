"""Recordings light enough for prepaid data (issue 18, point 9).

Every upload and browser recording is made into Opus, mono, 32–48 kbit/s by Debian's ffmpeg
(`make test` installs it); a file ffmpeg cannot read, or one with nothing to hear, is refused
with the form in the staff member's language; one that takes longer than staff should wait
is stored as uploaded and made light by schools.tasks.prepare_recordings, which deletes the
original only once the Opus is stored. The guide page says how long and how heavy it is.
"""

import io
import math
import random
import shutil
import struct
import wave

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from mutagen.oggopus import OggOpus

from schools.audio import recording_kind
from schools.models import GuideSectionAudio
from schools.tasks import prepare_one, prepare_recordings
from tests.conftest import IN_CI, make_guide
from tests.schools.conftest import section_form
from tests.schools.samples import RECORDINGS

pytestmark = [
    pytest.mark.urls("tests.portal.media_urls"),
    pytest.mark.skipif(
        not shutil.which("ffmpeg") and not IN_CI, reason="no ffmpeg (make test installs it)"
    ),
]


@pytest.fixture
def section(school_a):
    return make_guide(school_a, sections=1).sections.get()


def speech_like(seconds: float, rate=44100, channels=2, loud=True) -> bytes:
    """A phone's WAV: 16-bit stereo at 44.1 kHz, a voice-like warble (or silence)."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        frames = bytearray()
        for n in range(int(seconds * rate)):
            t = n / rate
            value = 0
            if loud:
                pitch = 180 + 60 * math.sin(2 * math.pi * 3 * t)
                wave_at = math.sin(2 * math.pi * pitch * t) * (0.6 + 0.4 * math.sin(t * 9))
                value = int(6000 * wave_at)
            frames += struct.pack("<h", value) * channels
        out.writeframes(bytes(frames))
    return buffer.getvalue()


def post(client, section, content, language="es", name="reading.wav"):
    return client.post(
        f"/admin/schools/guidesection/{section.pk}/change/",
        section_form(section, **{"audio-0-file": SimpleUploadedFile(name, content)}),
        headers={"accept-language": language},
    )


def stored_files(media):
    return sorted(path.name for path in media.iterdir()) if media.exists() else []


def guide_page(client, section, language="es"):
    return client.get(f"/{language}{section.guide.get_absolute_url()[3:]}").content.decode()


def test_a_phones_wav_becomes_mono_opus_at_most_48_kbits_a_fraction_of_its_size(
    staff_client, client, section, media
):
    original = speech_like(75)
    assert post(staff_client, section, original).status_code == 302
    audio = GuideSectionAudio.objects.get()
    served = b"".join(client.get(audio.file.url).streaming_content)
    opus = OggOpus(io.BytesIO(served))
    kbits = len(served) * 8 / opus.info.length / 1000
    assert opus.info.channels == 1 and 74 < opus.info.length < 76
    assert 32 <= kbits <= 48, kbits
    assert len(served) * 20 < len(original)  # 13 MB of WAV → about 400 KB
    # "Listen · 1 min · 370 KB", in the reader's language, with the real figures.
    page = guide_page(client, section)
    kilobytes = math.floor(len(served) / 1024 + 0.5)
    assert f"Escuchar · <bdi>1 min</bdi> · <bdi>{kilobytes} KB</bdi>" in page


def test_a_file_that_lies_about_its_type_is_judged_by_its_content(
    staff_client, client, section, media
):
    # An MP3 named as a WAV and sent as a page: made Opus all the same.
    mp3 = (RECORDINGS / "tone.mp3").read_bytes()
    assert post(staff_client, section, mp3, name="reading.wav.html").status_code == 302
    assert GuideSectionAudio.objects.get().file.name.endswith(".opus")


def test_a_damaged_recording_is_refused_in_the_staff_language_and_nothing_is_stored(
    staff_client, section, media
):
    # A real Ogg file whose sound is scrambled inside pages that still look right.
    damaged = bytearray((RECORDINGS / "tone.ogg").read_bytes())
    noise = random.Random(1)
    middle = len(damaged) // 2
    for index in range(middle - len(damaged) // 4, middle + len(damaged) // 4):
        damaged[index] = noise.randrange(256)
    assert recording_kind(io.BytesIO(bytes(damaged))) == "ogg"  # the container check passes
    response = post(staff_client, section, bytes(damaged))
    assert response.status_code == 200
    assert "Esta grabación está dañada" in response.content.decode()
    assert (GuideSectionAudio.objects.count(), stored_files(media)) == (0, [])


def test_a_silent_recording_is_refused_with_what_to_check(staff_client, section, media):
    response = post(staff_client, section, speech_like(3, loud=False), language="ar")
    assert response.status_code == 200
    assert "هذا التسجيل صامت" in response.content.decode()
    assert (GuideSectionAudio.objects.count(), stored_files(media)) == (0, [])


def test_a_file_over_the_limit_is_refused_before_ffmpeg_sees_it(
    staff_client, section, media, settings
):
    settings.MAX_AUDIO_BYTES = 1024 * 1024
    response = post(staff_client, section, speech_like(12))  # 2 MB
    assert response.status_code == 200
    assert "Los archivos de audio pueden pesar como máximo" in response.content.decode()
    assert (GuideSectionAudio.objects.count(), stored_files(media)) == (0, [])


def test_a_long_recording_is_kept_as_uploaded_then_made_light_by_the_worker(
    staff_client, client, section, media, settings
):
    # Longer than staff should wait: stored as it is, and it plays meanwhile.
    settings.AUDIO_TRANSCODE_SECONDS = 0.001
    original = speech_like(20)
    assert post(staff_client, section, original).status_code == 302
    audio = GuideSectionAudio.objects.get()
    assert (audio.prepared, audio.file.name.endswith(".wav")) == (False, True)
    waiting = audio.file.name
    assert f'src="{audio.file.url}"' in guide_page(client, section)
    assert "Escuchar · <bdi>3,4 MB</bdi>" in guide_page(client, section)
    # The worker (beat, every few minutes) makes it Opus, then deletes the original.
    assert prepare_recordings() == 1
    audio.refresh_from_db()
    assert audio.prepared and audio.file.name.endswith(".opus")
    assert stored_files(media) == [audio.file.name.rsplit("/", 1)[1]]
    assert waiting.rsplit("/", 1)[1] not in stored_files(media)
    # The cached guide page (shared cache) names the new file, not the deleted one.
    page = guide_page(client, section)
    assert f'src="{audio.file.url}"' in page and "Escuchar · <bdi>20 s</bdi>" in page
    assert prepare_recordings() == 0  # nothing left to do


def test_the_worker_leaves_a_recording_staff_replaced_meanwhile(
    staff_client, section, media, settings
):
    settings.AUDIO_TRANSCODE_SECONDS = 0.001
    assert post(staff_client, section, speech_like(2)).status_code == 302
    held = GuideSectionAudio.objects.get()  # what a worker read before staff saved again
    first = held.file.name
    # Staff upload a new recording (also waiting) while the worker makes the first one Opus.
    assert post_again(staff_client, section, held, speech_like(3)).status_code == 302
    replaced = GuideSectionAudio.objects.get().file.name
    assert replaced != first
    assert prepare_one(held) is False
    # The new recording stays; the Opus made of the old one is not kept.
    assert GuideSectionAudio.objects.get().file.name == replaced
    assert stored_files(media) == sorted(name.rsplit("/", 1)[1] for name in (first, replaced))


def post_again(client, section, audio, content):
    again = {
        "audio-INITIAL_FORMS": 1,
        "audio-0-id": audio.pk,
        "audio-0-section": section.pk,
        "audio-0-file": SimpleUploadedFile("again.wav", content),
    }
    return client.post(
        f"/admin/schools/guidesection/{section.pk}/change/", section_form(section, **again)
    )


@pytest.mark.parametrize(
    ("language", "seconds", "size", "expected"),
    [
        ("en", 245, 2_200_000, ("4 min", "2.1 MB")),
        ("es", 245, 2_200_000, ("4 min", "2,1 MB")),
        ("fr", 44.6, 350_000, ("45 s", "342 Ko")),
        ("ru", 3600, 18_000_000, ("60 мин", "17 МБ")),
        ("ar", 90, 500_000, ("دقيقتان", "488 كيلوبايت")),
    ],
)
def test_the_length_and_size_are_said_in_the_readers_language(language, seconds, size, expected):
    audio = GuideSectionAudio(seconds=seconds, file_size=size)
    with translation.override(language):
        assert (audio.length_label(), audio.size_label()) == expected
