"""Machine translation of what families and staff write to each other.

`TRANSLATION_BACKEND` picks the provider: "none" (the default: no text leaves the portal;
readers see the original and can ask for an interpreter), or one of the backends in
BACKENDS. Only the text itself is sent, never a name, a number or who wrote it.

    translate(text, source="ht", target="en") -> str | None
        The text in `target`; None when no machine translation is configured. Raises
        TranslationError when the provider failed or refused: the caller keeps and shows
        the original, says so, and tries again later. Never called for equal languages.

    provider_name() -> str | None
        Who sees the texts, for the privacy notice ("DeepL"); None with "none".

The backends are in messaging/translation_backends.py (LibreTranslate, DeepL, Google), each
tried once within TRANSLATION_TIMEOUT_SECONDS: call translate() from a task or right after
saving, never while holding a lock. Each text is translated once and kept with it:

    message = Message.objects.create(text=text, language="ht", translation="")
    try:
        translated = translate(text, source="ht", target=staff_language)
    except TranslationError:
        translated = ""  # shown as the original, with a note and the interpreter button
    if translated is not None:
        message.translation = translated
        message.save(update_fields=["translation"])

Retrying is the caller's: messaging knows none of the apps that store texts. An app whose
rows keep an empty translation after a failure retries them from its own beat task (rows
with an empty translation, a backend other than "none", a few minutes old, oldest first, a
bounded batch); a TranslationError there leaves the row as it was for the next round, unless
`error.permanent` (the language pair will never work with this provider): then mark the row
so it is not tried again, and readers keep the original with the interpreter button. The
provider is a third party: its failure never blocks delivering or showing the original.
"""

from collections.abc import Callable

from django.conf import settings


class TranslationError(Exception):
    """The provider did not translate (down, refused, over quota, unknown language).

    `permanent` is True when trying again cannot help with this configuration (a language
    the provider does not have, a request it refuses as such): the retry task skips it."""

    def __init__(self, message: str = "", *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


# name -> translate(text, source, target) -> str (raises TranslationError)
BACKENDS: dict[str, Callable[[str, str, str], str]] = {}
# name -> who receives the texts, as the privacy notice names it
PROVIDER_NAMES: dict[str, str] = {}


def backend_name() -> str:
    return getattr(settings, "TRANSLATION_BACKEND", "none") or "none"


def provider_name() -> str | None:
    name = backend_name()
    return None if name == "none" else PROVIDER_NAMES.get(name, name)


def translate(text: str, *, source: str, target: str) -> str | None:
    name = backend_name()
    if name == "none":
        return None
    if source == target or not text.strip():
        return text
    try:
        backend = BACKENDS[name]
    except KeyError:
        raise TranslationError(f"unknown TRANSLATION_BACKEND {name!r}") from None
    return backend(text, source, target)
