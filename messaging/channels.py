"""Sending one rendered message by one channel, through pluggable backends."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils.module_loading import import_string

from messaging.optout import is_opted_out
from messaging.outbox import Recipient, Rendered
from messaging.phones import can_text
from messaging.sms import send_sms


class TransientError(Exception):
    """Worth another try later (provider down, timeout before the request was sent)."""


class PermanentError(Exception):
    """Will not work by retrying (invalid number, opted out)."""


def send(channel: str, recipient: Recipient, rendered: Rendered) -> str:
    if channel in ("sms", "voice") and recipient.phone and not can_text(recipient.phone):
        # A number saved before SMS_ALLOWED_COUNTRIES, or typed in the admin (RELIABILITY B6).
        raise PermanentError("not a mobile number of an allowed country")
    if channel == "sms":
        if not recipient.phone:
            raise PermanentError("no phone number")
        # Checked again at sending time unless the resolver already did: a STOP reply may
        # have come in after the message was queued.
        if not recipient.texts_off_checked and is_opted_out(recipient.phone):
            raise PermanentError("the family replied STOP")
        return send_sms(recipient.phone, rendered.sms)
    if channel == "voice":
        if not recipient.phone:
            raise PermanentError("no phone number")
        backend = import_string(settings.VOICE_BACKEND)()
        return backend.call(recipient.phone, rendered.voice, recipient.language)
    if channel == "email":
        if not recipient.email:
            raise PermanentError("no email address")
        mail = EmailMultiAlternatives(
            rendered.email_subject,
            rendered.email_body,
            settings.DEFAULT_FROM_EMAIL,
            [recipient.email],
        )
        if rendered.email_html:
            mail.attach_alternative(rendered.email_html, "text/html")
        mail.send()
        # SMTP hands back no id of its own: a Message-ID set on the mail stands in for the
        # provider's id, else just "email".
        return mail.extra_headers.get("Message-ID", "email")
    raise PermanentError(f"unknown channel {channel}")
