from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from portal.languages import LANGUAGE_CODES
from schools.audio import recording_kind

NOT_AUDIO = _("This file is not a sound recording. Upload an MP3, M4A, OGG, WAV or WEBM file.")


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
    # The whole file must parse as a recording; a script or page whose first bytes mimic
    # one (a "player.js" starting with RIFF…WAVE) does not.
    if recording_kind(upload) is None:
        raise ValidationError(NOT_AUDIO, code="not_audio")


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
