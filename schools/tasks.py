"""Recordings stored as uploaded (making the Opus took longer than staff should wait, or
ffmpeg was missing) are made light here, from beat. The original is deleted only once the
Opus is stored and the recording points to it."""

import logging

from celery import shared_task
from django.core.files.base import ContentFile

from portal import page_cache
from schools.audio import Unplayable, to_opus
from schools.models import GuideSectionAudio, audio_upload_path

log = logging.getLogger("schools.tasks")

# A worker may take its time: nobody waits for it (20 MB of speech at 32 kbit/s, 87 minutes,
# takes about 90 s on one core).
TRANSCODE_SECONDS = 15 * 60


@shared_task(ignore_result=True, time_limit=TRANSCODE_SECONDS + 120, soft_time_limit=None)
def prepare_recordings() -> int:
    """Make every waiting recording Opus; how many were made."""
    made = 0
    for audio in GuideSectionAudio.objects.filter(prepared=False).exclude(file=""):
        made += prepare_one(audio)
    return made


def prepare_one(audio: GuideSectionAudio) -> bool:
    original = audio.file.name
    storage = audio.file.storage
    try:
        with storage.open(original, "rb") as source:
            prepared = to_opus(source, timeout=TRANSCODE_SECONDS)
    except FileNotFoundError:
        log.warning("recording.missing id=%s", audio.pk)
        return False
    except Unplayable as problem:
        # It passed the upload check and plays as it is: keep it, and say so once.
        log.warning("recording.unplayable id=%s reason=%s", audio.pk, problem.reason)
        GuideSectionAudio.objects.filter(pk=audio.pk, file=original).update(prepared=True)
        return False
    if prepared is None:
        return False
    stored = storage.save(audio_upload_path(audio, "recording.opus"), ContentFile(prepared.data))
    # Only if staff did not replace the recording meanwhile (a second worker, a new upload).
    changed = GuideSectionAudio.objects.filter(pk=audio.pk, file=original).update(
        file=stored, prepared=True, seconds=prepared.seconds, file_size=len(prepared.data)
    )
    if not changed:
        storage.delete(stored)
        return False
    storage.delete(original)
    page_cache.content_changed()  # cached guide pages name the old file
    return True
