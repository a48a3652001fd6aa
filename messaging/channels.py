"""Sending one rendered message by one channel, through pluggable backends."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers

from messaging.email_replies import reply_address
from messaging.optout import is_opted_out
from messaging.outbox import Recipient, Rendered
from messaging.phones import can_text
from messaging.sms import backend, send_sms


class TransientError(Exception):
    """Worth another try later (provider down, timeout before the request was sent)."""


class PermanentError(Exception):
    """Will not work by retrying (invalid number, opted out)."""


def send(channel: str, recipient: Recipient, rendered: Rendered, *, mail_connection=None) -> str:
    """Hand one message to its provider; its id. mail_connection: one SMTP connection for a
    whole batch of emails (Batch), else one per email."""
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
        return backend(settings.VOICE_BACKEND).call(
            recipient.phone, rendered.voice, recipient.language, question=rendered.voice_question
        )
    if channel == "email":
        if not recipient.email:
            raise PermanentError("no email address")
        # A reply goes to an address that names the family and the school, signed, so it
        # joins their conversation (RELIABILITY E13); none when replies by email are off.
        reply_to = reply_address(recipient.key, rendered.school_id)
        mail = EmailMultiAlternatives(
            rendered.email_subject,
            rendered.email_body,
            settings.DEFAULT_FROM_EMAIL,
            [recipient.email],
            connection=mail_connection,
            reply_to=[reply_to] if reply_to else None,
        )
        if rendered.email_html:
            mail.attach_alternative(rendered.email_html, "text/html")
        mail.send()
        # SMTP hands back no id of its own: a Message-ID set on the mail stands in for the
        # provider's id, else just "email".
        return mail.extra_headers.get("Message-ID", "email")
    raise PermanentError(f"unknown channel {channel}")


class Batch:
    """A batch's messages share their connections: the SMS and voice backends are kept per
    process (messaging.sms.backend), the email connection is opened once for the batch."""

    def __init__(self):
        self._mail = None

    def send(self, channel: str, recipient: Recipient, rendered: Rendered) -> str:
        if channel == "email" and self._mail is None:
            self._mail = mailers.default
            self._mail.open()
        return send(channel, recipient, rendered, mail_connection=self._mail)

    def close(self) -> None:
        if self._mail is not None:
            self._mail.close()
            self._mail = None
