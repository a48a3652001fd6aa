"""The home page promises that guides can be listened to; in the demo, espeak-ng (which
`make run` installs) reads every section aloud in each language it speaks (issue 13, point 7).
Skipped where espeak-ng is missing."""

import io
import shutil

import pytest

from portal.languages import LANGUAGE_CODES
from portal.management.commands.seed_demo import VOICES, Command
from schools.audio import recording_kind
from schools.models import GuideSectionAudio
from tests.conftest import make_guide

pytestmark = pytest.mark.skipif(not shutil.which("espeak-ng"), reason="no espeak-ng")


def test_the_demo_reads_each_section_aloud_and_every_reader_can_listen(
    client, school_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    section = make_guide(school_a, sections=1).sections.get()
    for code in LANGUAGE_CODES:
        setattr(section, f"body_{code.replace('-', '_')}", "Lekòl la kòmanse a 8:00. 8:00")
    section.save()
    Command(stdout=io.StringIO()).seed_audio([school_a])
    made = dict(GuideSectionAudio.objects.values_list("language", "file"))
    assert set(made) == set(VOICES)
    for name in made.values():
        with open(f"{settings.MEDIA_ROOT}/{name}", "rb") as recording:
            assert recording_kind(recording) == "opus"  # light for families' data plans
    # Every reader, in all 15 languages, gets a player on the guide page, in their own
    # language (espeak-ng has no Filipino voice: Filipino readers get the English one, said so).
    path = section.guide.get_absolute_url().removeprefix("/en")
    for code in LANGUAGE_CODES:
        page = client.get(f"/{code}{path}").content.decode()
        assert "<audio controls" in page, code
        expected = made["en"] if code == "tl" else made[code]
        assert f"{settings.MEDIA_URL}{expected}" in page, code
