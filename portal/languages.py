"""The 15 languages of the portal."""

import time
from collections.abc import Callable
from functools import cache

from django.conf.locale import LANG_INFO
from django.utils import translation
from django.utils.translation import gettext_lazy as _

# Order: English first, then the others by English name, so staff find them in the admin.
LANGUAGES = [
    ("en", _("English")),
    ("sq", _("Albanian")),
    ("ar", _("Arabic")),
    ("bn", _("Bangla")),
    ("zh-hans", _("Chinese (simplified)")),
    ("zh-hant", _("Chinese (traditional)")),
    ("tl", _("Filipino")),
    ("fr", _("French")),
    ("ht", _("Haitian Creole")),
    ("ko", _("Korean")),
    ("ru", _("Russian")),
    ("es", _("Spanish")),
    ("uk", _("Ukrainian")),
    ("ur", _("Urdu")),
    ("uz", _("Uzbek")),
]
LANGUAGE_CODES = [code for code, _name in LANGUAGES]

# Django ships no language info for Filipino; the endonym is what a parent looks for.
EXTRA_LANG_INFO = {
    "tl": {"bidi": False, "code": "tl", "name": "Filipino", "name_local": "Filipino"},
}
# Browsers name some of our languages by other codes: Filipino is "fil" (our catalogs, like
# most translation tools, say "tl"). Django's LocaleMiddleware follows a code's "fallback"
# only for the exact code, so the regional variant is listed too. (zh-TW, zh-HK and zh-MO
# already fall back to zh-hant and zh-CN and zh-SG to zh-hans in Django's own table.)
BROWSER_ALIASES = {
    "fil": {"fallback": ["tl"]},
    "fil-ph": {"fallback": ["tl"]},
}
# Django's own endonyms are lower-case for some languages; a picker reads better capitalised,
# and Uzbek families mostly write Latin script with the modern apostrophe.
ENDONYMS = {
    "en": "English",
    "sq": "Shqip",
    "ar": "العربية",
    "bn": "বাংলা",
    "zh-hans": "简体中文",
    "zh-hant": "繁體中文",
    "tl": "Filipino",
    "fr": "Français",
    "ht": "Kreyòl ayisyen",
    "ko": "한국어",
    "ru": "Русский",
    "es": "Español",
    "uk": "Українська",
    "ur": "اردو",
    "uz": "Oʻzbekcha",
}


def install_language_info() -> None:
    for code, info in {**EXTRA_LANG_INFO, **BROWSER_ALIASES}.items():
        LANG_INFO.setdefault(code, info)
    for code, endonym in ENDONYMS.items():
        LANG_INFO[code] = {**LANG_INFO[code], "name_local": endonym}


def is_rtl(code: str) -> bool:
    return bool(LANG_INFO.get(code, {}).get("bidi"))


def picker_choices() -> list[tuple[str, str, str]]:
    """(code, endonym, text direction) for each language, for the language picker."""
    return [(code, ENDONYMS[code], "rtl" if is_rtl(code) else "ltr") for code in language_order()]


# The picker and the language lists put first the languages most families use, so a parent
# finds theirs near the top. The order is counted at most once every LANGUAGE_ORDER_SECONDS
# (an hour) in each process: the shares of a district's languages move slowly and one new
# family changes nothing that matters, so a page never costs a query for it. A cached page
# keeps the order it was rendered with until the page cache retires it (PAGE_CACHE_SECONDS
# at most): no content change is needed for the order to move.
_count_families: Callable[[], dict[str, int]] | None = None
_order: tuple[float, list[str]] | None = None


def count_families_with(counter: Callable[[], dict[str, int]]) -> None:
    """families registers here how to count its families by language (this module imports
    no app)."""
    global _count_families
    _count_families = counter


def forget_order() -> None:
    """Count again at the next page (after the demo is seeded, between tests)."""
    global _order
    _order = None


def language_order() -> list[str]:
    """English first (every school publishes in it), then by how many families use each
    language; equal counts keep the list's order."""
    global _order
    from django.conf import settings  # not at import: the settings import this module

    now = time.monotonic()
    if _order is None or now - _order[0] >= settings.LANGUAGE_ORDER_SECONDS:
        counts = _count_families() if _count_families else {}
        others = sorted(LANGUAGE_CODES[1:], key=lambda code: -counts.get(code, 0))
        _order = (now, ["en", *others])
    return _order[1]


def language_label(code: str) -> str:
    """The language's own name, then its name in the page's language when that differs:
    "العربية (árabe)". The own name is isolated so a right-to-left name keeps its place in a
    left-to-right list and the other way round."""
    endonym = ENDONYMS[code]
    name = str(dict(LANGUAGES)[code])
    if code == translation.get_language() or name.casefold() == endonym.casefold():
        return endonym
    if "(" in name or "（" in name:  # "chino (tradicional)": no brackets inside brackets
        return f"\u2068{endonym}\u2069 – {name}"
    return f"\u2068{endonym}\u2069 ({name})"


def language_choices(blank: str | None = None) -> Callable[[], list[tuple[str, str]]]:
    """Choices for a form's language list, built when the form is shown (in the page's
    language, in the current order); `blank` is the label of an empty first choice."""

    def choices():
        first = [("", str(blank))] if blank is not None else []
        return first + [(code, language_label(code)) for code in language_order()]

    return choices


def in_reader_language(queryset, *related: str):
    """The queryset without the translated columns of the languages the page will not show.

    modeltranslation reads every language's column of every translated field (an event's
    four fields are 64 columns, a guide section's body 15 texts): a page needs only the
    reader's language and English, its fallback. `related` names the select_related paths
    ("school", "event__school") whose columns are thinned too. Only for pages that read
    the active language: reading another language's field on these rows costs a query."""
    from django.db.models import QuerySet
    from django.utils import translation

    columns = _other_language_columns(queryset.model, related, translation.get_language() or "en")
    # Django's own defer: modeltranslation's rewrites each name (every one a column already),
    # which costs more than the columns it saves.
    return QuerySet.defer(queryset.all(), *columns)


@cache
def _other_language_columns(model, related: tuple[str, ...], language: str) -> tuple[str, ...]:
    from django.conf import settings
    from modeltranslation.translator import NotRegistered, translator
    from modeltranslation.utils import build_localized_fieldname

    keep = {language, settings.MODELTRANSLATION_DEFAULT_LANGUAGE}
    keep.update(settings.MODELTRANSLATION_FALLBACK_LANGUAGES)
    columns = []
    for path in ("", *related):
        target = model
        for part in filter(None, path.split("__")):
            target = target._meta.get_field(part).related_model
        try:
            fields = translator.get_options_for_model(target).all_fields
        except NotRegistered:
            continue
        prefix = f"{path}__" if path else ""
        columns += [
            prefix + build_localized_fieldname(name, code)
            for name in fields
            for code in LANGUAGE_CODES
            if code not in keep
        ]
    return tuple(columns)


def only_in_reader_language(queryset, *names: str):
    """Only the named fields (paths like "event__school__time_zone"), a translated one by
    its column in the reader's language and English's. For lists that show a few fields
    of many columns: building and reading fewer columns is cheaper than deferring the
    others (My page's answers and schools: about 1.5 ms of CPU, bench/signed_cpu.py).
    Reading a field not named costs a query per row: the query-count tests guard it."""
    from django.db.models import QuerySet
    from django.utils import translation

    columns = _reader_columns(queryset.model, names, translation.get_language() or "en")
    return QuerySet.only(queryset.all(), *columns)


@cache
def _reader_columns(model, names: tuple[str, ...], language: str) -> tuple[str, ...]:
    from django.conf import settings
    from modeltranslation.translator import NotRegistered, translator
    from modeltranslation.utils import build_localized_fieldname

    keep = {language, settings.MODELTRANSLATION_DEFAULT_LANGUAGE}
    keep.update(settings.MODELTRANSLATION_FALLBACK_LANGUAGES)
    columns = []
    for name in names:
        *path, field = name.split("__")
        target = model
        for part in path:
            target = target._meta.get_field(part).related_model
        try:
            translated = translator.get_options_for_model(target).all_fields
        except NotRegistered:
            translated = ()
        prefix = "".join(f"{part}__" for part in path)
        if field in translated:
            columns += [
                prefix + build_localized_fieldname(field, code)
                for code in LANGUAGE_CODES
                if code in keep
            ]
        else:
            columns.append(name)
    return tuple(columns)
