from django.conf import settings
from django.db import transaction
from django.http import HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator

from messaging import optout, registry
from messaging.models import InboundSms


@csrf_exempt  # called by the SMS provider, which signs every request instead
@require_POST
def inbound_sms(request):
    """STOP-style replies turn text messages off for that number; any other text goes to the
    handlers the apps above registered (messaging.registry.inbound)."""
    validator = RequestValidator(settings.TWILIO_AUTH_TOKEN)
    signature = request.headers.get("X-Twilio-Signature", "")
    # Without a token nothing can be verified, so nothing is believed: anyone could post
    # "STOP" for a family's number and silence the school's texts to it.
    if not settings.TWILIO_AUTH_TOKEN or not validator.validate(
        request.build_absolute_uri(), request.POST.dict(), signature
    ):
        return HttpResponseForbidden("bad signature")
    sid = request.POST.get("MessageSid", "")
    with transaction.atomic():
        # The provider delivers again when our answer was slow or lost: act once per message.
        if not sid or InboundSms.first_delivery(sid):
            phone, body = request.POST.get("From", ""), request.POST.get("Body", "")
            if not optout.handle_reply(phone, body):
                registry.hand_on_inbound(registry.InboundText(phone=phone, body=body, sid=sid))
    # An empty TwiML answer: nothing is sent back, since a reply of ours would be one more
    # paid text to a number that may just have asked for none.
    return HttpResponse("<Response/>", content_type="text/xml")
