"""Words families understand: a browser's language finds ours, a phone number dials, the
Filipino login page is in Filipino, and Spanish speaks to a family as usted everywhere."""

import importlib.util
import re
import sys
from pathlib import Path

import polib
import pytest
from django.utils import translation

from portal.languages import LANGUAGE_CODES
from tests.conftest import make_school

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "header, prefix",
    [
        ("fil", "/tl/"),
        ("fil-PH", "/tl/"),
        ("fil-PH,fil;q=0.9,en-US;q=0.8,en;q=0.7", "/tl/"),
        ("tl-PH", "/tl/"),
        ("zh-TW", "/zh-hant/"),
        ("zh-HK", "/zh-hant/"),
        ("zh-Hant-TW", "/zh-hant/"),
        ("zh-CN", "/zh-hans/"),
        ("zh-SG", "/zh-hans/"),
        ("zh", "/zh-hans/"),
        ("zh-Hans-CN,zh;q=0.9", "/zh-hans/"),
        ("es-MX,es;q=0.9", "/es/"),
        ("xx-YY", "/en/"),
    ],
)
def test_a_browsers_language_opens_the_portal_in_it(client, db, header, prefix):
    response = client.get("/", headers={"accept-language": header})
    assert response.status_code == 302
    assert response["Location"] == prefix
    lang = prefix.strip("/")
    assert f'<html lang="{lang}"' in client.get(prefix).content.decode()


TEL_HREF = re.compile(r'href="(tel:[^"]*)"')


@pytest.mark.parametrize("phone", ["+1 555 0100 101", "(212) 555-0123", "+52 55 1234 5678"])
def test_every_tel_link_is_e164_without_spaces(client, district_a, phone):
    school = make_school(district_a, "tel-school", "Tel School", phone=phone)
    # The school page, and an event page whose description falls back to English (the note
    # offers the school's number to ask for an interpreter).
    pages = [f"/en/schools/{school.slug}/", f"/es/schools/{school.slug}/"]
    hrefs = []
    for url in pages:
        html = client.get(url).content.decode()
        assert phone in html  # shown as the school wrote it
        hrefs += TEL_HREF.findall(html)
    assert hrefs
    for href in hrefs:
        assert re.fullmatch(r"tel:\+\d+", href), href
    digits = re.sub(r"\D", "", phone)
    assert all(href.endswith(digits) for href in hrefs)


def test_a_phone_that_cannot_be_dialled_is_shown_without_a_link(client, district_a):
    school = make_school(district_a, "tel-school", "Tel School", phone="ask at the desk")
    html = client.get(f"/en/schools/{school.slug}/").content.decode()
    assert "ask at the desk" in html
    assert "tel:" not in html


@pytest.mark.parametrize("code", LANGUAGE_CODES[1:])
def test_the_login_pages_labels_are_in_the_language(client, db, code):
    """allauth's field labels ("Login", "Password", "Email address") showed in English on the
    Filipino login page: locale_django/tl translates them."""
    labels = []
    for url in (f"/{code}/accounts/login/", f"/{code}/accounts/signup/"):
        html = client.get(url).content.decode()
        labels += [
            re.sub(r"<[^>]+>|:", "", label).strip()
            for label in re.findall(r"<label[^>]*>(.*?)</label>", html, re.S)
        ]
    assert labels
    # ("Email" alone is the Filipino and the Albanian word too.)
    english = {"Login", "Password", "Email address", "Username", "Remember Me", "Phone"}
    assert not english & set(labels), labels


# Spanish speaks to families as usted. These forms are tú (verbs in -as/-es of the second
# person, tú-imperatives with an enclitic te, te/tu/tus). A usted imperative (escriba, elija) or
# a third person (escribe) is fine, so ambiguous forms are not listed.
SPANISH_TU = [
    r"\bhas\b",
    r"\bte\b",
    r"\btu\b",
    r"\btus\b",
    r"\btú\b",
    r"\bcontigo\b",
    r"\bpuedes\b",
    r"\bquieres\b",
    r"\bnecesitas\b",
    r"\btienes\b",
    r"\beres\b",
    r"\bestás\b",
    r"\binténtalo\b",
    r"\bhaz\b",
    r"\bten paciencia\b",
    r"\bintrodúcelo\b",
    r"\bves\b",
    r"\bintroduce (el|la|un|una|su)\b",
    r"\bvete\b",
    r"\bregítrate\b",
    r"\b(regístrate|inscríbete|apúntate|conéctate|identifícate|asegúrate|acuérdate)\b",
    r"\b(tuyo|tuya|tuyos|tuyas)\b",
]


# The familiar "you" of the other languages; our catalogs and locale_django/ use the polite one
# (vous, Вы, আপনি, آپ, siz, ju, 您).
FAMILIAR = {
    "es": SPANISH_TU,
    "fr": [r"\btu\b", r"\bton\b", r"\bta\b", r"\btes\b", r"\btoi\b"],
    "ru": [r"\bты\b", r"\bтебя\b", r"\bтебе\b", r"\bтво(й|я|и|его|ё|ю|ей)\b"],
    "uk": [r"\bти\b", r"\bтебе\b", r"\bтобі\b", r"\bтв(ій|оя|ої|ого|ою|оє|оїй)\b"],
    "bn": ["তুমি", "তোমার", "তোমাকে"],
    "ur": [r"\bتم\b", "تمہارا", "تمہیں", "تمہاری", "تمہارے"],
    "uz": [r"\bsening\b", r"\bsenga\b", r"\bseni\b"],
    "sq": [r"\bti\b", r"\btënd(in|e)?\b"],
    "zh-hans": ["你"],
    "zh-hant": ["你"],
}


def as_shown(code, entries):
    """What a page in this language says for each entry: our catalog, locale_django's, or
    Django's and allauth's own, whichever wins (allauth's Spanish says tú, Django's Chinese
    你 in places: locale_django overrides them)."""
    with translation.override(code):
        for entry in entries:
            if entry.msgid_plural:
                for n in (1, 2, 5):
                    yield (
                        entry.msgid,
                        translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                        if entry.msgctxt
                        else translation.ngettext(entry.msgid, entry.msgid_plural, n),
                    )
            elif entry.msgctxt:
                yield entry.msgid, translation.pgettext(entry.msgctxt, entry.msgid)
            else:
                yield entry.msgid, translation.gettext(entry.msgid)


@pytest.mark.parametrize("code", sorted(FAMILIAR))
def test_one_polite_register_per_language(code):
    """Spanish speaks to a family as usted everywhere ("Has verificado" was tú), French as
    vous, Russian and Ukrainian as Вы: on our pages and on Django's and allauth's."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from django_gaps import family_facing_entries

    ours = [e for e in polib.pofile(str(glossary.catalog(code))) if e.msgid]
    found = {
        (marker, msgid, text)
        for msgid, text in as_shown(code, ours + family_facing_entries())
        for marker in FAMILIAR[code]
        if re.search(marker, text, re.I)
    }
    assert not found, f"{len(found)} familiar forms: {sorted(found)[:5]}"


def load_glossary():
    spec = importlib.util.spec_from_file_location("glossary", ROOT / "scripts" / "glossary.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


glossary = load_glossary()
KEY_TERMS = [
    "Interpreter",
    "Family pass",
    "Committee",
    "seat",
    "answer (RSVP)",
    "Reminder",
    "Join code",
    "On the waiting list",
]


def test_the_glossary_gives_every_key_term_in_every_language():
    terms = {term.term: term for term in glossary.terms()}
    for name in KEY_TERMS:
        assert all(terms[name].word(code) for code in LANGUAGE_CODES), name


@pytest.mark.parametrize("code", LANGUAGE_CODES[1:])
def test_every_catalog_uses_the_glossarys_words(code):
    """A family meets one word for one thing: every string whose English has a key term
    says it with the glossary's word (or a form of it listed in locale/glossary.csv)."""
    problems = glossary.problems(code)
    assert not problems, f"{len(problems)} entries off the glossary: {problems[:5]}"


# Words reviewers found weak or wrong; each was in a catalog once.
WEAK = {
    "ht": ["Pati fanmi", "pòtay"],
    "uz": ["emailingizni", "Bu Siz"],
    "bn": ["সাধারণ ঘোষণা"],
    "tl": ["[Ii]nterpreter", "adult"],
    "ur": ["اس کا شمولیت کا کوڈ"],
    "sq": ["^përgjigjur"],
}


@pytest.mark.parametrize("code", sorted(WEAK))
def test_weak_words_do_not_come_back(code):
    texts = [e.msgstr for e in glossary.entries(code)]
    found = [(w, t) for w in WEAK[code] for t in texts if re.search(w, t)]
    assert not found, found
