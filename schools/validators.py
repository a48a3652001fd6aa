from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from portal.languages import LANGUAGE_CODES
from schools.audio import Unplayable, prepared_for, recording_kind

NOT_AUDIO = _("This file is not a sound recording. Upload an MP3, M4A, OGG, WAV or WEBM file.")

UNPLAYABLE = {
    "damaged": _(
        "This recording is damaged and cannot be played. Record it again, or upload another file."
    ),
    "silent": _(
        "This recording is silent: nothing can be heard. Check the microphone and record again."
    ),
}


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
    if isinstance(upload, FieldFile) and upload._committed:
        return  # the recording already stored (the form saved again without a new file)
    # Made into Opus here, so a recording ffmpeg cannot read is refused with the form.
    try:
        prepared_for(upload)
    except Unplayable as problem:
        raise ValidationError(UNPLAYABLE[problem.reason], code=problem.reason) from None


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
