"""The 15 languages of the portal."""

from django.conf.locale import LANG_INFO
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
    return [(code, ENDONYMS[code], "rtl" if is_rtl(code) else "ltr") for code in LANGUAGE_CODES]
