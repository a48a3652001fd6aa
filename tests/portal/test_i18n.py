"""Every language, every time: complete catalogs, nothing left unextracted, right-to-left
pages for Arabic and Urdu, and the language picker."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf.locale import LANG_INFO
from django.utils import translation
from django.utils.translation import to_locale

from portal.languages import ENDONYMS, LANGUAGE_CODES

ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIRS = [
    "accounts",
    "schools",
    "families",
    "events",
    "messaging",
    "reports",
    "portal",
    "templates",
]
CATALOGS = sorted(ROOT.glob("locale/*/LC_MESSAGES/django.po")) + sorted(
    ROOT.glob("locale_django/*/LC_MESSAGES/django.po")
)


def entry_key(entry):
    return (entry.msgctxt or "", entry.msgid)


def test_there_is_a_catalog_for_every_language_but_english():
    found = {path.parent.parent.name for path in ROOT.glob("locale/*/LC_MESSAGES/django.po")}
    assert found == {to_locale(code) for code in LANGUAGE_CODES if code != "en"}


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalog_is_complete_and_not_fuzzy(path):
    po = polib.pofile(str(path))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} untranslated: {untranslated[:5]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy: {fuzzy[:5]}"
    assert not po.metadata_is_fuzzy


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalog_compiles_and_keeps_placeholders(path):
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_every_marked_string_is_in_the_catalogs(tmp_path):
    """A string marked in code or a template but never extracted would show in English."""
    for name in SOURCE_DIRS:
        shutil.copytree(
            ROOT / name,
            tmp_path / name,
            ignore=shutil.ignore_patterns("locale", "__pycache__", "migrations"),
        )
    (tmp_path / "locale").mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "xx", "--no-location", "-v0"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": ""},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    extracted = {
        entry_key(e) for e in polib.pofile(str(tmp_path / "locale/xx/LC_MESSAGES/django.po"))
    }
    assert len(extracted) > 100
    for path in ROOT.glob("locale/*/LC_MESSAGES/django.po"):
        present = {entry_key(e) for e in polib.pofile(str(path)) if not e.obsolete}
        missing = extracted - present
        assert not missing, f"{path.parent.parent.name} lacks {sorted(missing)[:5]}"


def test_filipino_is_known_to_django_and_carries_djangos_form_messages():
    assert LANG_INFO["tl"]["name_local"] == "Filipino"
    with translation.override("tl"):
        assert translation.gettext("This field is required.") != "This field is required."
        assert translation.gettext("January") != "January"
        assert translation.gettext("How our school works") != "How our school works"


@pytest.mark.parametrize("code", [c for c in LANGUAGE_CODES if c != "en"])
def test_djangos_form_messages_are_translated_in_every_language(code):
    """Django and allauth ship no catalog for some of our languages (Filipino, Haitian
    Creole; allauth: Albanian, Bangla, Urdu) and gaps in others: locale_django/ fills them,
    so a form error or a login message never appears in English."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from django_gaps import family_facing_entries, key, shipped_catalogs

    locale = to_locale(code)
    translated = set()
    ours = ROOT / "locale_django" / locale / "LC_MESSAGES/django.po"
    for path in [*shipped_catalogs(locale), ours]:
        if path.exists():
            translated |= {
                key(e) for e in polib.pofile(str(path)) if e.translated() and not e.fuzzy
            }
    missing = [e.msgid for e in family_facing_entries() if key(e) not in translated]
    assert not missing, f"{len(missing)} Django messages in English for {code}: {missing[:3]}"


@pytest.mark.parametrize("code", [c for c in LANGUAGE_CODES if c != "en"])
def test_each_language_translates_the_interface(code):
    with translation.override(code):
        assert translation.gettext("Choose your language") != "Choose your language"
        assert translation.gettext("This field is required.") != "This field is required."


@pytest.mark.parametrize("code", LANGUAGE_CODES)
def test_pages_have_lang_and_direction(client, db, code):
    html = client.get(f"/{code}/").content.decode()
    direction = "rtl" if code in ("ar", "ur") else "ltr"
    assert f'<html lang="{code}" dir="{direction}">' in html
    # The picker shows every language in its own script.
    for endonym in ENDONYMS.values():
        assert endonym in html


def test_picker_switches_the_same_page_to_another_language_and_remembers_it(client, school_a):
    response = client.post("/en/language/", {"language": "ar", "next": school_a.get_absolute_url()})
    assert response.status_code == 302
    assert response["Location"] == f"/ar/schools/{school_a.slug}/"
    assert response.cookies["django_language"].value == "ar"
    # The next visit to the bare address opens in Arabic.
    response = client.get("/")
    assert response["Location"] == "/ar/"


def test_picker_works_from_a_page_whose_cookie_says_another_language(client):
    client.cookies["django_language"] = "ko"
    response = client.post("/uk/language/", {"language": "es", "next": "/uk/language/"})
    assert response["Location"] == "/es/language/"


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "", "\x00"]
)
def test_picker_never_redirects_to_another_site(client, next_url):
    response = client.post("/en/language/", {"language": "fr", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/fr/"


def test_picker_falls_back_to_english_for_an_unknown_language(client):
    response = client.post("/en/language/", {"language": "xx-evil", "next": "/en/"})
    assert response["Location"] == "/en/"


def test_picker_page_offers_every_language_without_script(client, db):
    # db: the picker counts once an hour which languages families use most (its order).
    html = client.get("/en/language/?next=/en/schools/x/").content.decode()
    assert html.count('name="language"') == len(LANGUAGE_CODES)
    assert 'name="next" value="/en/schools/x/"' in html
    assert "<script" not in html


def test_reading_a_page_in_a_language_remembers_it_for_the_staff_pages(client, staff_a):
    client.get("/ar/")
    assert client.cookies["django_language"].value == "ar"
    client.force_login(staff_a)
    html = client.get("/admin/").content.decode()
    assert '<html lang="ar" dir="rtl"' in html
