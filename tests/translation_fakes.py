"""Local HTTP servers that speak the translation providers' APIs (LibreTranslate, DeepL,
Google Cloud Translation v2), for the backends in messaging/translation_backends.py. The
provider is replaced, our code is not.

Fixtures (tests/conftest.py imports them, so every test can use them):

    libretranslate, deepl_api, google_translate
        Start the fake, point the settings at it and set TRANSLATION_BACKEND to it. The fake
        "translates" by writing the target code the provider received before the text:
        "Bonjou" to English through DeepL is "[EN-US] Bonjou". It yields the fake, with
          .received   every request, as Request(path, query, headers, body, raw)
          .sent()     everything that left the portal, as one string, to assert that a name
                      or a number was not in it
          .texts()    the texts it was asked to translate
          .answers    (status, payload) to give next, in order, before translating again;
                      status "hang" waits `payload` seconds first (a timeout)
          .fail(status)  answer `status` to every request from now on
    no_translation
        TRANSLATION_BACKEND=none and a fake of each provider that records whatever reaches it.
"""

import json
import threading
import time
from dataclasses import dataclass
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest


@dataclass
class Request:
    path: str
    query: dict
    headers: dict
    body: dict
    raw: str


class FakeProvider(BaseHTTPRequestHandler):
    """One subclass per provider and per test: state never leaks between tests."""

    received: list
    answers: list
    failing: int | None = None

    # What the provider answers when it has nothing else to say: overridden per provider.
    def translate(self, body) -> tuple[int, dict]:
        raise NotImplementedError

    def error(self, status) -> dict:
        return {"error": f"fake error {status}"}

    def do_POST(self):  # noqa: N802 (http.server's name)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8")
        if "json" in self.headers.get("Content-Type", ""):
            body = json.loads(raw or "{}")
        else:
            body = {k: v if len(v) > 1 else v[0] for k, v in parse_qs(raw).items()}
        parts = urlsplit(self.path)
        cls = type(self)
        cls.received.append(
            Request(
                parts.path,
                {k: v[0] for k, v in parse_qs(parts.query).items()},
                dict(self.headers.items()),
                body,
                raw,
            )
        )
        if cls.answers:
            status, payload = cls.answers.pop(0)
            if status == "hang":
                time.sleep(payload)
                status, payload = self.translate(body)
        elif cls.failing:
            status, payload = cls.failing, self.error(cls.failing)
        else:
            status, payload = self.translate(body)
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the client gave up waiting (a timeout test)
            pass

    def log_message(self, *args):
        pass


class FakeLibreTranslate(FakeProvider):
    api_key: str | None = None  # when set, a request without it is refused (403)
    languages: set | None = None  # when set, other codes are refused (400)

    def translate(self, body):
        if self.api_key and body.get("api_key") != self.api_key:
            return 403, {"error": "Invalid API key"}
        for code in (body.get("source"), body.get("target")):
            if self.languages is not None and code not in self.languages:
                return 400, {"error": f"{code} is not supported"}
        return 200, {"translatedText": f"[{body['target']}] {body['q']}"}


class FakeDeepL(FakeProvider):
    # DeepL's beta languages among ours: refused unless the request enables them.
    beta = {"SQ", "BN", "TL", "HT", "UR", "UZ"}

    def error(self, status):
        return {"message": f"fake error {status}"}

    def translate(self, body):
        if not self.headers.get("Authorization", "").startswith("DeepL-Auth-Key "):
            return 403, {"message": "Authorization failure, check auth_key"}
        source, target = body.get("source_lang"), body["target_lang"]
        codes = {target.split("-")[0], (source or "").split("-")[0]} - {""}
        if codes & self.beta and not body.get("enable_beta_languages"):
            return 400, {"message": "Value for 'target_lang' not supported."}
        return 200, {
            "translations": [
                {
                    "detected_source_language": source or "EN",
                    "text": f"[{target}] {text}",
                    "billed_characters": len(text),
                }
                for text in body["text"]
            ]
        }


class FakeGoogle(FakeProvider):
    def error(self, status):
        return {"error": {"code": status, "message": f"fake error {status}", "errors": []}}

    def translate(self, body):
        if not self.headers.get("x-goog-api-key"):
            return 403, self.error(403)
        texts = body["q"] if isinstance(body["q"], list) else [body["q"]]
        # Like Google: without format=text the answer is HTML (' comes back as &#x27;).
        html = body.get("format") != "text"
        return 200, {
            "data": {
                "translations": [
                    {"translatedText": f"[{body['target']}] {escape(t) if html else t}"}
                    for t in texts
                ]
            }
        }


class Fake:
    def __init__(self, handler):
        self.handler = handler
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def received(self) -> list[Request]:
        return self.handler.received

    @property
    def answers(self) -> list:
        return self.handler.answers

    @answers.setter
    def answers(self, value):
        self.handler.answers = value

    def fail(self, status):
        self.handler.failing = status

    def sent(self) -> str:
        return "\n".join(
            f"{r.path} {json.dumps(r.query)} {json.dumps(r.headers)} {r.raw}" for r in self.received
        )

    def texts(self) -> list[str]:
        out = []
        for r in self.received:
            value = r.body.get("q", r.body.get("text"))
            out += value if isinstance(value, list) else [value]
        return out

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def _fake(base):
    return Fake(type(base.__name__, (base,), {"received": [], "answers": [], "failing": None}))


@pytest.fixture
def libretranslate(settings):
    fake = _fake(FakeLibreTranslate)
    settings.TRANSLATION_BACKEND = "libretranslate"
    settings.LIBRETRANSLATE_URL = fake.url
    settings.LIBRETRANSLATE_API_KEY = ""
    yield fake
    fake.stop()


@pytest.fixture
def deepl_api(settings):
    fake = _fake(FakeDeepL)
    settings.TRANSLATION_BACKEND = "deepl"
    settings.DEEPL_AUTH_KEY = "fake-deepl-key:fx"
    settings.DEEPL_SERVER_URL = fake.url
    settings.DEEPL_BETA_LANGUAGES = True
    yield fake
    fake.stop()


@pytest.fixture
def google_translate(settings):
    fake = _fake(FakeGoogle)
    settings.TRANSLATION_BACKEND = "google"
    settings.GOOGLE_TRANSLATE_API_KEY = "fake-google-key"
    settings.GOOGLE_TRANSLATE_API_ENDPOINT = fake.url
    yield fake
    fake.stop()


@pytest.fixture
def no_translation(settings):
    """TRANSLATION_BACKEND=none, with every provider configured and listening: a test can
    assert that none of them heard anything."""
    fakes = [_fake(FakeLibreTranslate), _fake(FakeDeepL), _fake(FakeGoogle)]
    settings.LIBRETRANSLATE_URL = fakes[0].url
    settings.DEEPL_AUTH_KEY, settings.DEEPL_SERVER_URL = "fake-deepl-key:fx", fakes[1].url
    settings.GOOGLE_TRANSLATE_API_KEY = "fake-google-key"
    settings.GOOGLE_TRANSLATE_API_ENDPOINT = fakes[2].url
    settings.TRANSLATION_BACKEND = "none"
    yield fakes
    for fake in fakes:
        fake.stop()
