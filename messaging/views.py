import logging
import re
import unicodedata

from anymail.exceptions import AnymailConfigurationError
from anymail.webhooks.mailgun import MailgunInboundWebhookView
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator

from messaging import optout, registry
from messaging.models import InboundSms
from messaging.phones import to_e164

log = logging.getLogger("portal.messaging")


def signed_by_provider(request) -> bool:
    validator = RequestValidator(settings.TWILIO_AUTH_TOKEN)
    signature = request.headers.get("X-Twilio-Signature", "")
    # Without a token nothing can be verified, so nothing is believed: anyone could post
    # "STOP" for a family's number and silence the school's texts to it.
    return bool(settings.TWILIO_AUTH_TOKEN) and validator.validate(
        request.build_absolute_uri(), request.POST.dict(), signature
    )


# What the provider's fields can hold. A signed request can still carry junk (a bug of the
# provider's, a phone sending raw bytes): a NUL cannot be stored at all (PostgreSQL refuses
# it, the webhook answered 500 and the provider retried), other control characters and huge
# values are nothing a family wrote. Each field is cleaned or refused here, before anything
# reaches the database or the apps above.
SID = re.compile(r"[A-Za-z0-9]{1,64}")
KEYS = re.compile(r"[0-9*#]{1,8}")
# A phone number as the provider writes it (E.164), or a short code; the spaces, dashes,
# dots and brackets a number written another way carries are read too (see phone_field).
PHONE = re.compile(r"\+?[0-9][0-9 ().\-]{2,24}")
# A text is 1600 characters at most at the provider (ten segments); more is not a text.
BODY_MAX = 1600
# Kept in a text: its line breaks and tabs; every other control character goes.
KEPT_CONTROLS = {"\n", "\r", "\t"}


def field(request, name: str, shape: re.Pattern) -> str:
    """The field when it has the shape the provider gives it, else "" (as if absent)."""
    value = request.POST.get(name, "").strip()
    return value if shape.fullmatch(value) else ""


def phone_field(request, name: str) -> str:
    """A number in E.164 when it is one ("+1 (212) 555-0123" is "+12125550123"), so every
    handler, STOP and the once-a-day answer to an unknown number see one number one way;
    a short code as given; else ""."""
    value = field(request, name, PHONE)
    return (to_e164(value) or value) if value else ""


def text_field(request, name: str) -> str:
    """A text as the family wrote it, without control characters (NUL among them), cut to
    what the provider can deliver."""
    value = request.POST.get(name, "")[: BODY_MAX * 2]
    value = "".join(
        c for c in value if c in KEPT_CONTROLS or unicodedata.category(c) not in ("Cc", "Cs")
    )
    return value[:BODY_MAX]


@csrf_exempt  # called by the SMS provider, which signs every request instead
@require_POST
def inbound_sms(request):
    """STOP-style replies turn text messages off for that number; any other text goes to the
    handlers the apps above registered (messaging.registry.inbound)."""
    if not signed_by_provider(request):
        return HttpResponseForbidden("bad signature")
    sid = field(request, "MessageSid", SID)
    phone = phone_field(request, "From")
    if not phone:
        # No number we could answer or match to a family: nothing to act on.
        return HttpResponse("<Response/>", content_type="text/xml")
    with transaction.atomic():
        # The provider delivers again when our answer was slow or lost: act once per message.
        if not sid or InboundSms.first_delivery(sid):
            # Control characters (a NUL among them) are dropped, not the message: the rest
            # of it still reaches the school.
            body = text_field(request, "Body")
            if not optout.handle_reply(phone, body):
                registry.hand_on_inbound(registry.InboundText(phone=phone, body=body, sid=sid))
    # An empty TwiML answer: nothing is sent back, since a reply of ours would be one more
    # paid text to a number that may just have asked for none.
    return HttpResponse("<Response/>", content_type="text/xml")


@csrf_exempt  # called by the voice provider, signed like inbound_sms
@require_POST
def voice_gather(request):
    """The key a family pressed at the end of a call (Twilio <Gather>, messaging.
    twilio_backends): handed to the apps above (messaging.registry.keypresses) once per call
    and key, whatever the provider retries. The call then ends: the confirmation comes as a
    message of its own, through the outbox."""
    if not signed_by_provider(request):
        return HttpResponseForbidden("bad signature")
    # Keys a phone cannot press, or more than our <Gather> asks for, are not a family's
    # answer: nothing is recorded, and the call ends as for no key at all.
    call, digits = field(request, "CallSid", SID), field(request, "Digits", KEYS)
    # Our call went to the family: the provider's "To" is the family's number.
    phone = phone_field(request, "To")
    if call and digits and phone:
        sid = f"{call[:50]}:{digits}"
        with transaction.atomic():
            if InboundSms.first_delivery(sid):
                registry.hand_on_keypress(registry.InboundText(phone=phone, body=digits, sid=sid))
    return HttpResponse("<Response><Hangup/></Response>", content_type="text/xml")


class UnreadableEmail(Exception):
    pass


class InboundEmailView(MailgunInboundWebhookView):
    """anymail's view; a signed post it cannot parse is told apart from our own errors (which
    stay 500s, so the provider tries again once the database is back)."""

    def parse_events(self, request):
        try:
            return super().parse_events(request)
        except (KeyError, ValueError, TypeError) as error:
            raise UnreadableEmail(type(error).__name__) from error


@csrf_exempt  # called by the email provider, which signs every post instead
@require_POST
def inbound_email(request):
    """A reply to one of our emails, posted by Mailgun's inbound route (RELIABILITY E13).
    django-anymail checks Mailgun's signature (a forged or unsigned post is a 400, nothing
    read) and parses the post; messaging.email_replies.receive takes it from anymail's
    `inbound` signal. Off (404) until INBOUND_EMAIL_DOMAIN and the signing key are set."""
    key = settings.MAILGUN_WEBHOOK_SIGNING_KEY
    if not settings.INBOUND_EMAIL_DOMAIN or not key:
        raise Http404
    try:
        request.POST  # noqa: B018 (read here, so that a body too large is answered below)
    except RequestDataTooBig:
        # 406 tells Mailgun not to try again: the same email will always be too large.
        return HttpResponse("too large", status=406)
    view = InboundEmailView.as_view(webhook_signing_key=key)
    try:
        return view(request)
    except (AnymailConfigurationError, UnreadableEmail) as error:
        # Signed by the provider but not an inbound email we can read (a tracking webhook
        # or a "store" route pointed here, a field missing): said in the log, not retried.
        log.warning("inbound email unreadable", extra={"error": type(error).__name__})
        return HttpResponse("not an inbound email", status=406)
