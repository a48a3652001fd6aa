"""SMS and voice through Twilio's official SDK. TWILIO_API_BASE_URL points the SDK at another
server (the tests run a local one that speaks Twilio's REST API)."""

from xml.sax.saxutils import escape

from django.conf import settings
from django.urls import reverse
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client

from messaging.channels import PermanentError, TransientError

# Twilio <Say> voices for our languages; the others fall back to a text message.
VOICES = {
    "en": "en-US",
    "es": "es-US",
    "fr": "fr-FR",
    "ru": "ru-RU",
    "uk": "uk-UA",
    "ko": "ko-KR",
    "ar": "ar-XA",
    "zh-hans": "cmn-CN",
    "zh-hant": "cmn-TW",
    "bn": "bn-IN",
    "tl": "fil-PH",
}


def _client() -> Client:
    # One client per process and account: the SDK's HTTP session keeps its connection to
    # Twilio open, so a batch of texts is sent over one connection, not one per text.
    key = (settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, settings.TWILIO_API_BASE_URL)
    if key not in _clients:
        client = Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN)
        if settings.TWILIO_API_BASE_URL:
            client.api.base_url = settings.TWILIO_API_BASE_URL
        _clients.clear()
        _clients[key] = client
    return _clients[key]


_clients: dict[tuple, Client] = {}


def _call(create):
    try:
        return create().sid
    except TwilioRestException as error:
        # Twilio's own trouble or its rate limit: the same request may work later. Any other
        # 4xx is about this message (a bad number, an opted-out one) and never will.
        if error.status >= 500 or error.status == 429:
            raise TransientError(f"provider {error.status}") from error
        raise PermanentError(f"{error.code or error.status} {error.msg}"[:300]) from error
    except TwilioException as error:
        # No answer from the API at all: nothing says the text went, so it is tried again.
        raise TransientError(str(error)[:300]) from error
    except OSError as error:  # the connection failed before Twilio took the message
        raise TransientError(str(error)[:300]) from error


class TwilioSmsBackend:
    def send(self, to: str, text: str) -> str:
        client = _client()
        return _call(
            lambda: client.messages.create(to=to, from_=settings.TWILIO_FROM_NUMBER, body=text)
        )


class TwilioVoiceBackend:
    def call(self, to: str, text: str, language: str, question: str = "") -> str:
        voice = VOICES.get(language)
        if voice is None:
            raise PermanentError(f"no text-to-speech voice for {language}")
        # The text is escaped: an event title with "<" or "&" must be read aloud, not parsed
        # as TwiML instructions.
        twiml = f'<Say language="{voice}">{escape(text)}</Say>'
        if question:
            # The question is read inside <Gather>: a key pressed while it is read (or 8
            # seconds after) is posted, signed, to messaging.views.voice_gather.
            action = settings.PORTAL_BASE_URL.rstrip("/") + reverse("voice_gather")
            twiml += (
                f'<Gather numDigits="1" timeout="8" method="POST" action="{escape(action)}">'
                f'<Say language="{voice}">{escape(question)}</Say></Gather>'
            )
        twiml = f"<Response>{twiml}</Response>"
        client = _client()
        return _call(
            lambda: client.calls.create(to=to, from_=settings.TWILIO_FROM_NUMBER, twiml=twiml)
        )
