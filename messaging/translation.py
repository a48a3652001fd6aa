"""Machine translation of what families and staff write to each other.

`TRANSLATION_BACKEND` picks the provider: "none" (the default: no text leaves the portal;
readers see the original and can ask for an interpreter), or one of the backends in
BACKENDS. Only the text itself is sent, never a name, a number or who wrote it.

    translate(text, source="ht", target="en") -> str | None
        The text in `target`; None when no machine translation is configured. Raises
        TranslationError when the provider failed or refused: the caller keeps and shows
        the original, says so, and tries again later. Never called for equal languages.
"""

from collections.abc import Callable

from django.conf import settings


class TranslationError(Exception):
    """The provider did not translate (down, refused, over quota, unknown language)."""


# name -> translate(text, source, target) -> str (raises TranslationError)
BACKENDS: dict[str, Callable[[str, str, str], str]] = {}


def backend_name() -> str:
    return getattr(settings, "TRANSLATION_BACKEND", "none") or "none"


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
