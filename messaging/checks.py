"""Production sends texts and calls through the provider: the development backends write
numbers and login codes in clear to a file or the console (or keep them in memory)."""

from django.conf import settings
from django.core.checks import Error, register

DEVELOPMENT_BACKENDS = {
    "SMS_BACKEND": {
        "messaging.sms.ConsoleBackend",
        "messaging.sms.FileBackend",
        "messaging.sms.LocmemBackend",
    },
    "VOICE_BACKEND": {
        "messaging.sms.ConsoleVoiceBackend",
        "messaging.sms.FileVoiceBackend",
        "messaging.sms.LocmemVoiceBackend",
    },
}


@register("messaging", deploy=True)
def check_production_sms_backends(app_configs, **kwargs):
    if settings.DEBUG:
        return []
    return [
        Error(
            f"{name} is a development-only backend ({getattr(settings, name)}): it writes "
            "phone numbers and login codes in clear.",
            hint="Use messaging.twilio_backends.TwilioSmsBackend and TwilioVoiceBackend.",
            id="messaging.E001",
        )
        for name, backends in DEVELOPMENT_BACKENDS.items()
        if getattr(settings, name, "") in backends
    ]
