"""Machine translation through each provider's API, against local servers that speak it
(tests/translation_fakes.py): the codes each provider gets, that only the text leaves, that
every failure is a TranslationError within the timeout, and the configuration checks."""

import time

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from messaging.translation import BACKENDS, TranslationError, translate
from messaging.translation_backends import (
    DEEPL_SOURCE_CODES,
    DEEPL_TARGET_CODES,
    GOOGLE_CODES,
    LIBRETRANSLATE_CODES,
)
from portal.languages import LANGUAGE_CODES

# What a parent might write: her own name and number inside the message are hers to send,
# but nothing the portal knows about her (stored name, phone, school) goes with it.
TEXT = "Bonjou, pitit mwen an malad jodi a. It's Rina's cough."


@pytest.fixture(params=["libretranslate", "deepl_api", "google_translate"])
def provider(request):
    return request.param, request.getfixturevalue(request.param)


def test_every_portal_language_has_a_code_at_every_provider():
    for table in (LIBRETRANSLATE_CODES, DEEPL_SOURCE_CODES, DEEPL_TARGET_CODES, GOOGLE_CODES):
        assert set(table) == set(LANGUAGE_CODES)
    assert {"libretranslate", "deepl", "google"} <= set(BACKENDS)


@pytest.mark.parametrize(
    ("fixture", "source", "target", "expected"),
    [
        ("libretranslate", "ht", "en", ("ht", "en")),
        ("libretranslate", "en", "zh-hant", ("en", "zh-Hant")),
        ("libretranslate", "zh-hans", "ar", ("zh-Hans", "ar")),
        ("deepl_api", "ht", "en", ("HT", "EN-US")),
        ("deepl_api", "zh-hant", "es", ("ZH", "ES")),
        ("deepl_api", "en", "zh-hans", ("EN", "ZH-HANS")),
        ("google_translate", "tl", "en", ("tl", "en")),
        ("google_translate", "en", "zh-hans", ("en", "zh-CN")),
        ("google_translate", "zh-hant", "ur", ("zh-TW", "ur")),
    ],
)
def test_a_round_trip_sends_the_provider_its_own_language_codes(
    request, fixture, source, target, expected
):
    fake = request.getfixturevalue(fixture)
    translated = translate(TEXT, source=source, target=target)
    assert translated == f"[{expected[1]}] {TEXT}"  # apostrophes intact: sent as plain text
    (sent,) = fake.received
    body = sent.body
    if fixture == "deepl_api":
        assert (body["source_lang"], body["target_lang"]) == expected
        assert sent.path == "/v2/translate"
    else:
        assert (body["source"], body["target"]) == expected
        assert body["format"] == "text"


# Every field each provider receives; a new one (a user id, a "context") must be looked at.
FIELDS = {
    "libretranslate": {"q", "source", "target", "format"},
    "deepl_api": {"text", "source_lang", "target_lang", "show_billed_characters"},
    "google_translate": {"q", "source", "target", "format", "cid", "model"},
}


def test_only_the_text_and_the_languages_leave_the_portal(provider):
    name, fake = provider
    translate(TEXT, source="es", target="en")
    (sent,) = fake.received
    assert set(sent.body) == FIELDS[name]
    assert fake.texts() == [TEXT]
    assert sent.query in ({}, {"prettyPrint": "false"})
    # The request says nothing else about who or where: no cookie, no referrer, no user.
    assert not {"Cookie", "Referer", "X-Forwarded-For", "From"} & set(sent.headers)


def test_the_key_goes_where_each_provider_expects_it(libretranslate, deepl_api, settings):
    settings.TRANSLATION_BACKEND = "deepl"
    translate("Hola", source="es", target="en")
    assert deepl_api.received[0].headers["Authorization"] == "DeepL-Auth-Key fake-deepl-key:fx"
    # A LibreTranslate that wants a key gets it in the body; without it, it refuses.
    settings.TRANSLATION_BACKEND = "libretranslate"
    libretranslate.handler.api_key = "district-key"
    with pytest.raises(TranslationError):
        translate("Hola", source="es", target="en")
    settings.LIBRETRANSLATE_API_KEY = "district-key"
    assert translate("Hola", source="es", target="en") == "[en] Hola"
    assert libretranslate.received[-1].body["api_key"] == "district-key"


def test_google_gets_the_key_in_its_header_and_no_other_credentials(google_translate):
    translate("Hola", source="es", target="en")
    (sent,) = google_translate.received
    assert sent.headers["x-goog-api-key"] == "fake-google-key"
    assert "Authorization" not in sent.headers
    assert sent.path == "/language/translate/v2"


@pytest.mark.parametrize("status", [500, 502, 429, 456, 403, 400])
def test_a_provider_error_is_a_translation_error(provider, status):
    _name, fake = provider
    fake.fail(status)
    with pytest.raises(TranslationError) as raised:
        translate(TEXT, source="es", target="en")
    assert TEXT not in str(raised.value) and "Rina" not in str(raised.value)
    # One attempt: the caller retries later, the request is not repeated now.
    assert len(fake.received) == 1


def test_an_answer_that_is_not_json_is_a_translation_error(provider):
    _name, fake = provider
    fake.answers = [(200, ["not", "what", "it", "sends"])]
    with pytest.raises(TranslationError):
        translate(TEXT, source="es", target="en")


def test_a_provider_that_hangs_fails_within_the_timeout(provider, settings):
    settings.TRANSLATION_TIMEOUT_SECONDS = 0.5
    _name, fake = provider
    fake.answers = [("hang", 5)]
    started = time.monotonic()
    with pytest.raises(TranslationError):
        translate(TEXT, source="es", target="en")
    assert time.monotonic() - started < 2


def test_a_provider_that_is_not_there_is_a_translation_error(provider, settings):
    name, fake = provider
    fake.stop()
    started = time.monotonic()
    with pytest.raises(TranslationError):
        translate(TEXT, source="es", target="en")
    assert time.monotonic() - started < 2


def test_deepl_beta_languages_are_asked_for_or_refused_before_sending(deepl_api, settings):
    assert translate("Bonjou", source="ht", target="en") == "[EN-US] Bonjou"
    assert deepl_api.received[-1].body["enable_beta_languages"] is True
    assert translate("Hola", source="es", target="en") == "[EN-US] Hola"
    assert "enable_beta_languages" not in deepl_api.received[-1].body
    settings.DEEPL_BETA_LANGUAGES = False
    with pytest.raises(TranslationError):
        translate("Salam", source="en", target="uz")
    assert len(deepl_api.received) == 2


def test_a_language_the_provider_does_not_have_is_a_translation_error(libretranslate):
    libretranslate.handler.languages = {"en", "es", "fr"}
    with pytest.raises(TranslationError):
        translate("Bonjou", source="ht", target="en")
    assert translate("Hola", source="es", target="en") == "[en] Hola"


def test_none_sends_nothing_anywhere(no_translation):
    assert translate(TEXT, source="ht", target="en") is None
    assert all(fake.received == [] for fake in no_translation)


def test_same_language_or_blank_text_is_not_sent(deepl_api):
    assert translate(TEXT, source="fr", target="fr") == TEXT
    assert translate("   ", source="ht", target="en") == "   "
    assert deepl_api.received == []


def check_ids(deploy=False):
    return {
        message.id
        for message in checks.run_checks(tags=["messaging"], include_deployment_checks=deploy)
    }


def test_a_backend_that_does_not_exist_fails_the_system_check(settings):
    settings.TRANSLATION_BACKEND = "deeplx"
    assert "messaging.E002" in check_ids()
    with pytest.raises(SystemCheckError, match="deeplx"):
        call_command("check")


@pytest.mark.parametrize(
    ("backend", "missing"),
    [
        ("libretranslate", "LIBRETRANSLATE_URL"),
        ("deepl", "DEEPL_AUTH_KEY"),
        ("google", "GOOGLE_TRANSLATE_API_KEY"),
    ],
)
def test_a_backend_without_its_key_or_address_fails_the_system_check(settings, backend, missing):
    settings.TRANSLATION_BACKEND = backend
    settings.LIBRETRANSLATE_URL = "https://translate.example.org"
    settings.DEEPL_AUTH_KEY = settings.GOOGLE_TRANSLATE_API_KEY = "key"
    assert not check_ids() & {"messaging.E002", "messaging.E003"}
    setattr(settings, missing, "")
    assert "messaging.E003" in check_ids()


@pytest.mark.parametrize(
    ("url", "refused"),
    [
        ("http://translate.district.example.org", True),
        ("ftp://translate.district.example.org", True),
        ("https://translate.district.example.org", False),
        ("http://127.0.0.1:5000", False),
        ("http://localhost:5000", False),
    ],
)
def test_deploy_check_refuses_text_over_plain_http_to_another_machine(settings, url, refused):
    settings.TRANSLATION_BACKEND = "libretranslate"
    settings.LIBRETRANSLATE_URL = url
    assert ("messaging.E004" in check_ids(deploy=True)) is refused
    assert "messaging.E004" not in check_ids(deploy=False)
