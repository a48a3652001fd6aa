from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from portal.languages import LANGUAGE_CODES

AUDIO_EXTENSIONS = ("mp3", "m4a", "ogg", "oga", "opus", "wav", "webm")


def _looks_like_audio(head: bytes) -> bool:
    # The first bytes of the containers phones and recorders produce. A renamed PDF or
    # picture fails here even if its name ends in .mp3.
    return (
        head.startswith(b"ID3")  # MP3 with tags
        or (len(head) > 1 and head[0] == 0xFF and (head[1] & 0xE0) == 0xE0)  # MP3 frame
        or head.startswith(b"OggS")  # Ogg Vorbis/Opus
        or (head.startswith(b"RIFF") and head[8:12] == b"WAVE")
        or head[4:8] == b"ftyp"  # MP4/M4A
        or head.startswith(b"\x1a\x45\xdf\xa3")  # WebM/Matroska
    )


def validate_audio_file(upload):
    if upload.size > settings.MAX_AUDIO_BYTES:
        raise ValidationError(
            _("This file is %(size)s. Audio files can be at most %(max)s."),
            code="too_big",
            params={
                "size": filesizeformat(upload.size),
                "max": filesizeformat(settings.MAX_AUDIO_BYTES),
            },
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(16)
    upload.seek(position)
    if not _looks_like_audio(head):
        raise ValidationError(
            _("This file is not a sound recording. Upload an MP3, M4A, OGG, WAV or WEBM file."),
            code="not_audio",
        )


def validate_language_codes(value):
    if not value:
        raise ValidationError(
            _("Choose at least one language the school publishes in."), code="no_language"
        )
    unknown = [code for code in value if code not in LANGUAGE_CODES]
    if unknown:
        raise ValidationError(
            _("Unknown language code: %(codes)s."),
            code="unknown_language",
            params={"codes": ", ".join(map(str, unknown))},
        )
