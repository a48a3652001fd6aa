"""The machine-translation providers behind messaging.translation.translate().

Each backend sends the text, the two language codes and the portal's key, nothing else: no
name, number or author goes with it. It waits at most TRANSLATION_TIMEOUT_SECONDS, tries once
(the caller retries later, see messaging/translation.py) and turns every failure into
TranslationError, whose message names the provider and the status, never the text.
"""

import logging

import requests
from django.conf import settings

from messaging.translation import BACKENDS, TranslationError

# Our language codes (portal/languages.py) in each provider's words. A language missing from
# a provider's table is refused before anything is sent.
LIBRETRANSLATE_CODES = {
    "en": "en",
    "sq": "sq",
    "ar": "ar",
    "bn": "bn",
    "zh-hans": "zh-Hans",
    "zh-hant": "zh-Hant",
    "tl": "tl",
    "fr": "fr",
    "ht": "ht",
    "ko": "ko",
    "ru": "ru",
    "es": "es",
    "uk": "uk",
    "ur": "ur",
    "uz": "uz",
}
# DeepL names the source language without its variant and the target with it.
DEEPL_SOURCE_CODES = {
    "en": "EN",
    "sq": "SQ",
    "ar": "AR",
    "bn": "BN",
    "zh-hans": "ZH",
    "zh-hant": "ZH",
    "tl": "TL",
    "fr": "FR",
    "ht": "HT",
    "ko": "KO",
    "ru": "RU",
    "es": "ES",
    "uk": "UK",
    "ur": "UR",
    "uz": "UZ",
}
DEEPL_TARGET_CODES = {
    **DEEPL_SOURCE_CODES,
    "en": "EN-US",
    "zh-hans": "ZH-HANS",
    "zh-hant": "ZH-HANT",
}
# Translated by DeepL only when asked for its beta languages (DEEPL_BETA_LANGUAGES).
DEEPL_BETA = {"sq", "bn", "tl", "ht", "ur", "uz"}
GOOGLE_CODES = {
    "en": "en",
    "sq": "sq",
    "ar": "ar",
    "bn": "bn",
    "zh-hans": "zh-CN",
    "zh-hant": "zh-TW",
    "tl": "tl",
    "fr": "fr",
    "ht": "ht",
    "ko": "ko",
    "ru": "ru",
    "es": "es",
    "uk": "uk",
    "ur": "ur",
    "uz": "uz",
}

# The SDK logs each request's body (the text) at DEBUG, and its address at INFO for every
# message: neither is worth a line in the logs.
logging.getLogger("deepl").setLevel(logging.WARNING)


def _codes(table: dict[str, str], source: str, target: str, provider: str, targets=None):
    try:
        return table[source], (targets or table)[target]
    except KeyError:
        raise TranslationError(f"{provider} has no code for {source}->{target}") from None


def _timeout() -> float:
    return float(getattr(settings, "TRANSLATION_TIMEOUT_SECONDS", 5))


# One HTTP session per process and configuration, so a batch reuses one connection.
_clients: dict[tuple, object] = {}


def _cached(key: tuple, make):
    if key not in _clients:
        _clients.clear()
        _clients[key] = make()
    return _clients[key]


# --- LibreTranslate -----------------------------------------------------------------------


def libretranslate(text: str, source: str, target: str) -> str:
    source_code, target_code = _codes(LIBRETRANSLATE_CODES, source, target, "libretranslate")
    url = settings.LIBRETRANSLATE_URL.rstrip("/") + "/translate"
    payload = {"q": text, "source": source_code, "target": target_code, "format": "text"}
    if settings.LIBRETRANSLATE_API_KEY:
        payload["api_key"] = settings.LIBRETRANSLATE_API_KEY
    session = _cached(("libretranslate",), requests.Session)
    try:
        response = session.post(url, json=payload, timeout=_timeout())
    except requests.RequestException as error:
        raise TranslationError(f"libretranslate: {type(error).__name__}") from None
    if response.status_code != 200:
        raise TranslationError(f"libretranslate: HTTP {response.status_code}")
    try:
        translated = response.json()["translatedText"]
    except (ValueError, KeyError, TypeError):
        raise TranslationError("libretranslate: unexpected answer") from None
    if not isinstance(translated, str):
        raise TranslationError("libretranslate: unexpected answer")
    return translated


# --- DeepL --------------------------------------------------------------------------------


def deepl_backend(text: str, source: str, target: str) -> str:
    import deepl
    import deepl.http_client

    source_code, target_code = _codes(
        DEEPL_SOURCE_CODES, source, target, "deepl", targets=DEEPL_TARGET_CODES
    )
    beta = {source, target} & DEEPL_BETA
    if beta and not settings.DEEPL_BETA_LANGUAGES:
        raise TranslationError(f"deepl: {source}->{target} needs DEEPL_BETA_LANGUAGES")
    # The SDK keeps its retry count and timeout in module globals: one attempt, short wait.
    deepl.http_client.max_network_retries = 0
    deepl.http_client.min_connection_timeout = _timeout()
    key = (settings.DEEPL_AUTH_KEY, settings.DEEPL_SERVER_URL)
    translator = _cached(
        ("deepl", *key),
        lambda: deepl.Translator(
            settings.DEEPL_AUTH_KEY,
            server_url=settings.DEEPL_SERVER_URL or None,
            send_platform_info=False,
        ),
    )
    try:
        result = translator.translate_text(
            text,
            source_lang=source_code,
            target_lang=target_code,
            extra_body_parameters={"enable_beta_languages": True} if beta else None,
        )
    except deepl.DeepLException as error:
        status = getattr(error, "http_status_code", None)
        raise TranslationError(f"deepl: {type(error).__name__} {status or ''}".strip()) from None
    except Exception:  # an answer the SDK could not read (it fails in many ways)
        raise TranslationError("deepl: unexpected answer") from None
    return result.text


# --- Google Cloud Translation (v2, REST) --------------------------------------------------


class _GoogleSession(requests.Session):
    """The API key in its header and our timeout on every request (the client library waits
    60 s by default and has no setting for it)."""

    def __init__(self, api_key: str):
        super().__init__()
        self.headers["x-goog-api-key"] = api_key

    def request(self, method, url, *args, timeout=None, **kwargs):
        return super().request(method, url, *args, timeout=_timeout(), **kwargs)


def _google_client():
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import translate_v2

    options = {}
    if settings.GOOGLE_TRANSLATE_API_ENDPOINT:
        options["api_endpoint"] = settings.GOOGLE_TRANSLATE_API_ENDPOINT.rstrip("/")
    # The key travels in the session's header; no other Google credentials are looked up.
    return translate_v2.Client(
        credentials=AnonymousCredentials(),
        _http=_GoogleSession(settings.GOOGLE_TRANSLATE_API_KEY),
        client_options=options or None,
    )


def google(text: str, source: str, target: str) -> str:
    from google.api_core import exceptions as google_exceptions

    source_code, target_code = _codes(GOOGLE_CODES, source, target, "google")
    key = ("google", settings.GOOGLE_TRANSLATE_API_KEY, settings.GOOGLE_TRANSLATE_API_ENDPOINT)
    client = _cached(key, _google_client)
    try:
        # format_="text": Google's default is HTML, which would come back with &#39; for '.
        result = client.translate(
            text, target_language=target_code, source_language=source_code, format_="text"
        )
    except google_exceptions.GoogleAPICallError as error:
        raise TranslationError(f"google: HTTP {error.code}") from None
    except requests.RequestException as error:
        raise TranslationError(f"google: {type(error).__name__}") from None
    except Exception:  # an answer the library could not read (it fails in many ways)
        raise TranslationError("google: unexpected answer") from None
    translated = result.get("translatedText") if isinstance(result, dict) else None
    if not isinstance(translated, str):
        raise TranslationError("google: unexpected answer")
    return translated


BACKENDS.update({"libretranslate": libretranslate, "deepl": deepl_backend, "google": google})
# What each backend cannot work without (messaging/checks.py reports a missing one).
REQUIRED_SETTINGS = {
    "libretranslate": ["LIBRETRANSLATE_URL"],
    "deepl": ["DEEPL_AUTH_KEY"],
    "google": ["GOOGLE_TRANSLATE_API_KEY"],
}
# The address each backend sends texts to, for the deploy check on plain http.
SERVER_SETTINGS = {
    "libretranslate": "LIBRETRANSLATE_URL",
    "deepl": "DEEPL_SERVER_URL",
    "google": "GOOGLE_TRANSLATE_API_ENDPOINT",
}
