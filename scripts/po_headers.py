"""Give every catalog a clean header: its language, Django's plural rule, no fuzzy flag.

Run after `manage.py makemessages`; makemessages writes a template header on new catalogs.
"""

import sys
from pathlib import Path

import django
import polib

ROOT = Path(__file__).resolve().parent.parent
DJANGO_LOCALE = Path(django.__file__).parent / "conf" / "locale"
DEFAULT_PLURALS = "nplurals=2; plural=(n != 1);"


def main() -> int:
    for path in sorted((ROOT / "locale").glob("*/LC_MESSAGES/django.po")):
        code = path.parent.parent.name
        po = polib.pofile(str(path), wrapwidth=0)
        django_po = DJANGO_LOCALE / code / "LC_MESSAGES" / "django.po"
        plurals = (
            polib.pofile(str(django_po)).metadata.get("Plural-Forms", DEFAULT_PLURALS)
            if django_po.exists()
            else DEFAULT_PLURALS
        )
        po.metadata.update(
            {
                "Project-Id-Version": "portal",
                "Language": code,
                "Language-Team": code,
                "Last-Translator": "portal team",
                "Plural-Forms": plurals,
            }
        )
        po.metadata.pop("Report-Msgid-Bugs-To", None)
        po.header = "Family–school portal: interface text."
        po.metadata_is_fuzzy = False
        po.save()
    return 0


if __name__ == "__main__":
    sys.exit(main())
