"""How the texts fit, per language: every kind of text, with a 120-character event title in
the language's own script, scheduled and sent by the worker's deliver() as in
tests/messaging/test_sms_fit.py.

    .venv/bin/python bench/sms_fit.py [--texts LANGUAGE ...]

Runs on a throwaway SQLite database with the locmem SMS backend (no server needed). Prints
one row per language: the most segments any text took, the title characters the event texts
kept (fewest-most, of 120), the encodings used, how many of the 6 event texts left the place
out (only when 25 title characters would not fit otherwise) and the number of texts. Exit
status 1 if a text took more than 2 segments or an event text kept fewer than 25 title
characters.
"""

import os
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = Path(tempfile.mkdtemp(prefix="bench-sms-fit-"))


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", nargs="*", default=[], help="also print these languages' texts")
    show = parser.parse_args().texts
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
            "DATABASE_URL": f"sqlite:///{WORK / 'sms_fit.sqlite3'}",
            "REDIS_URL": "",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    import logging

    logging.getLogger("portal.messaging").setLevel(logging.WARNING)
    from django.conf import settings
    from django.utils import timezone, translation

    from events import notices as event_notices
    from messaging.segments import encoding, segments
    from portal.languages import LANGUAGE_CODES
    from schools.models import District
    from tests.conftest import make_school, make_staff
    from tests.events.conftest import make_event
    from tests.families.conftest import make_family
    from tests.messaging.long_titles import LONG_TITLES
    from tests.messaging.test_sms_fit import kept_title, send_all

    settings.MESSAGING_DAILY_LIMIT = 1000
    district = District.objects.create(slug="d", name="District", name_en="District")
    school = make_school(district, "school", "Lincoln Elementary School")
    staff = make_staff("bench@example.org", school=school)
    event = make_event(
        school, title=LONG_TITLES["en"], starts_at=timezone.now() + timedelta(days=9)
    )
    for language, title in LONG_TITLES.items():
        setattr(event, f"title_{language.replace('-', '_')}", title)
    event.place = event.place_en = "Library, room 104"
    event.save()

    rows, failed = [], False
    for index, language in enumerate(LANGUAGE_CODES):
        family = make_family(
            f"Family {language}", school, phone=f"+1212555{index:04d}", language=language
        )
        translation.activate("en")
        texts = send_all(family, event, staff)
        for label, text in texts.items() if language in show else ():
            print(f"[{language} {label} {segments(text)} {encoding(text)}] {text}")  # noqa: T201
        kept = [kept_title(LONG_TITLES[language], texts[k]) for k in event_notices.KINDS]
        worst = max(segments(text) for text in texts.values())
        encodings = sorted({encoding(text) for text in texts.values()})
        no_place = sum("Library" not in texts[k] for k in event_notices.KINDS)
        failed |= worst > 2 or min(kept) < 25
        kept_range = f"{min(kept)}-{max(kept)}"
        rows.append((language, worst, kept_range, "/".join(encodings), no_place, len(texts)))

    print(  # noqa: T201
        f"{'language':<9} {'max segments':>12} {'title kept':>10}  {'encoding':<12} "
        f"{'no place':>8} texts"
    )
    for language, worst, kept_range, encodings, no_place, count in rows:
        print(  # noqa: T201
            f"{language:<9} {worst:>12} {kept_range:>10}  {encodings:<12} {no_place:>8} {count}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
