"""Find the messages of Django and django-allauth that families meet (form errors, dates,
login and code pages) that those projects' own catalogs leave untranslated for our
languages, and add them, empty, to locale_django/.

Run after upgrading Django or allauth, then translate the new entries;
tests/portal/test_i18n.py fails while any of them is missing.
"""

import sys
from pathlib import Path

import allauth
import django
import polib

ROOT = Path(__file__).resolve().parent.parent
DJANGO_LOCALE = Path(django.__file__).parent / "conf" / "locale"
ALLAUTH_LOCALE = Path(allauth.__file__).parent / "locale"
AUTH_LOCALE = Path(django.__file__).parent / "contrib" / "auth" / "locale"
# The password rules a family meets when it chooses a password at sign-up.
AUTH_FAMILY_FACING = ("contrib/auth/password_validation.py",)
# allauth's account pages, forms and messages (the ones our own templates do not replace
# still show on phone/email change, re-authentication and password pages).
ALLAUTH_FAMILY_FACING = (
    "account/forms.py",
    "account/adapter.py",
    "account/fields.py",
    "account/views.py",
    "templates/account/",
    "core/",
)
FAMILY_FACING = (
    "forms/",
    "core/validators.py",
    "core/paginator.py",
    "utils/dates.py",
    "utils/dateformat.py",
    "utils/timesince.py",
    "utils/text.py",
    "template/defaultfilters.py",
    "db/models/base.py",
    "db/models/fields/",
)
# Descriptions of field types are for developers (shown in admindocs), not for families.
DEVELOPER_ONLY_SUFFIXES = ("relationship", "relationships")


def family_facing_entries() -> list[polib.POEntry]:
    return django_entries() + allauth_entries() + auth_entries()


def auth_entries() -> list[polib.POEntry]:
    source = polib.pofile(str(AUTH_LOCALE / "en" / "LC_MESSAGES" / "django.po"))
    return [
        e for e in source if any(path.startswith(AUTH_FAMILY_FACING) for path, _ in e.occurrences)
    ]


def allauth_entries() -> list[polib.POEntry]:
    source = polib.pofile(str(ALLAUTH_LOCALE / "en" / "LC_MESSAGES" / "django.po"))
    return [
        e
        for e in source
        if any(path.startswith(ALLAUTH_FAMILY_FACING) for path, _ in e.occurrences)
    ]


def shipped_catalogs(locale: str) -> list[Path]:
    return [
        path
        for path in (
            DJANGO_LOCALE / locale / "LC_MESSAGES" / "django.po",
            ALLAUTH_LOCALE / locale / "LC_MESSAGES" / "django.po",
            AUTH_LOCALE / locale / "LC_MESSAGES" / "django.po",
        )
        if path.exists()
    ]


def django_entries() -> list[polib.POEntry]:
    source = polib.pofile(str(DJANGO_LOCALE / "en" / "LC_MESSAGES" / "django.po"))
    entries = []
    for entry in source:
        files = [path for path, _line in entry.occurrences]
        if not any(path.startswith(FAMILY_FACING) for path in files):
            continue
        if (
            all(path.startswith("db/models/fields/") for path in files)
            and ("%(" not in entry.msgid and "“" not in entry.msgid)
            # The empty choice of every select (BLANK_CHOICE_LABEL) is read by families.
            and entry.msgid != "- Select an option -"
        ):
            continue
        if entry.msgid.endswith(DEVELOPER_ONLY_SUFFIXES):
            continue
        entries.append(entry)
    return entries


def key(entry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


def main() -> int:
    from portal.languages import LANGUAGE_CODES

    wanted = family_facing_entries()
    for code in LANGUAGE_CODES:
        if code == "en":
            continue
        locale = code.replace("-hans", "_Hans").replace("-hant", "_Hant")
        have = set()
        plurals = "nplurals=2; plural=(n != 1);"
        for index, path in enumerate(shipped_catalogs(locale)):
            shipped = polib.pofile(str(path))
            have |= {key(e) for e in shipped if e.translated() and not e.fuzzy}
            if index == 0:
                plurals = shipped.metadata.get("Plural-Forms", plurals)
        seen = set()
        gaps = []
        for entry in wanted:
            if key(entry) not in have and key(entry) not in seen:
                seen.add(key(entry))
                gaps.append(entry)
        path = ROOT / "locale_django" / locale / "LC_MESSAGES" / "django.po"
        if not gaps:
            continue
        po = polib.pofile(str(path), wrapwidth=0) if path.exists() else polib.POFile(wrapwidth=0)
        po.header = (
            "Messages of Django and django-allauth that families meet (form errors, dates,\n"
            "login pages), where their own catalogs leave them untranslated\n"
            "(scripts/django_gaps.py)."
        )
        po.metadata = {
            "Project-Id-Version": "portal",
            "Language": locale,
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
            "Plural-Forms": plurals,
        }
        present = {key(e) for e in po}
        nplurals = int(plurals.split("nplurals=")[1].split(";")[0])
        for entry in gaps:
            if key(entry) in present:
                continue
            new = polib.POEntry(
                msgid=entry.msgid,
                msgid_plural=entry.msgid_plural,
                msgctxt=entry.msgctxt,
                occurrences=entry.occurrences,
                flags=[f for f in entry.flags if f != "fuzzy"],
                comment=entry.comment,
            )
            if entry.msgid_plural:
                new.msgstr_plural = dict.fromkeys(range(nplurals), "")
            po.append(new)
        path.parent.mkdir(parents=True, exist_ok=True)
        po.save(str(path))
        print(f"{locale}: {len(gaps)} family-facing Django/allauth messages need our translation")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
