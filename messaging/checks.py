"""Production sends texts and calls through the provider: the development backends write
numbers and login codes in clear to a file or the console (or keep them in memory). The
translation backend must exist and have its settings, and reach its provider over https. Replies
by email need the key that proves Mailgun posted them."""

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


# Hosts a text may reach over plain http: the machine itself (a LibreTranslate beside the
# portal, or the tests' fake providers).
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


@register("messaging")
def check_translation_backend(app_configs, **kwargs):
    """A misspelt backend or a missing key would only show when the first message fails."""
    from messaging.translation import BACKENDS, backend_name
    from messaging.translation_backends import REQUIRED_SETTINGS

    name = backend_name()
    if name == "none":
        return []
    if name not in BACKENDS:
        return [
            Error(
                f"TRANSLATION_BACKEND={name!r} is not a translation backend.",
                hint=f"Use one of: none, {', '.join(sorted(BACKENDS))}.",
                id="messaging.E002",
            )
        ]
    return [
        Error(
            f"TRANSLATION_BACKEND={name!r} needs {setting}.",
            hint="Set it in the environment (docs/operations.md), or TRANSLATION_BACKEND=none.",
            id="messaging.E003",
        )
        for setting in REQUIRED_SETTINGS.get(name, [])
        if not getattr(settings, setting, "")
    ]


@register("messaging", deploy=True)
def check_translation_over_https(app_configs, **kwargs):
    """What families and staff write must not cross the network in clear (RELIABILITY F9)."""
    from urllib.parse import urlsplit

    from messaging.translation import backend_name
    from messaging.translation_backends import SERVER_SETTINGS

    setting = SERVER_SETTINGS.get(backend_name())
    url = getattr(settings, setting, "") if setting else ""
    if not url:
        return []
    parts = urlsplit(url)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOCAL_HOSTS):
        return []
    return [
        Error(
            f"{setting}={url!r} would send the messages' text unencrypted.",
            hint="Use an https:// address (plain http only to this machine).",
            id="messaging.E004",
        )
    ]


@register("messaging")
def check_inbound_email(app_configs, **kwargs):
    """Replies by email are on (every email carries the reply address) but the webhook could
    not check Mailgun's signature: every reply would be refused, lost without a word."""
    if not settings.INBOUND_EMAIL_DOMAIN or settings.MAILGUN_WEBHOOK_SIGNING_KEY:
        return []
    return [
        Error(
            "INBOUND_EMAIL_DOMAIN is set but MAILGUN_WEBHOOK_SIGNING_KEY is not: replies to "
            "the school's emails could not be verified, and would all be lost.",
            hint="Set MAILGUN_WEBHOOK_SIGNING_KEY (Mailgun's HTTP webhook signing key), or "
            "leave INBOUND_EMAIL_DOMAIN empty (docs/operations.md).",
            id="messaging.E005",
        )
    ]
