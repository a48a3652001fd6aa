"""The glossary of docs/translating.md, made from the catalogs so it says what families read.

    python scripts/glossary.py          # print the table
    python scripts/glossary.py --write  # put it into docs/translating.md between the markers

tests/portal/test_docs.py fails when the table in the doc is not what this script makes, so
a changed translation of a key term shows up in review instead of drifting silently.
"""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.languages import ENDONYMS, LANGUAGE_CODES  # noqa: E402  (after the path)

DOC = ROOT / "docs" / "translating.md"
START = "<!-- glossary:start (made by scripts/glossary.py --write; do not edit by hand) -->"
END = "<!-- glossary:end -->"

# The words a family meets on every page and in every text message. Each must be a msgid
# of the catalogs exactly as the code marks it (the script fails on one that is not).
TERMS = [
    "School",
    "Guide",
    "Event",
    "Committee",
    "seat",
    "Family pass",
    "Join code",
    "Will you come?",
    "Going",
    "Not going",
    "On the waiting list",
    "Check-in",
    "Walk-in",
    "Interpreter",
    "Childcare",
    "Log in",
    "Two-step login",
    "Text message (SMS)",
    "Front desk",
    "Community partner",
    "District",
]


def locale_dir(code: str) -> str:
    language, _, script = code.partition("-")
    return f"{language}_{script.capitalize()}" if script else language


def translations() -> dict[str, dict[str, str]]:
    """term -> language code -> what the catalog says (English: the term itself)."""
    table = {term: {"en": term} for term in TERMS}
    for code in LANGUAGE_CODES[1:]:
        path = ROOT / "locale" / locale_dir(code) / "LC_MESSAGES" / "django.po"
        found = {e.msgid: e.msgstr for e in polib.pofile(str(path)) if not e.msgctxt}
        for term in TERMS:
            if term not in found:
                raise SystemExit(f"{term!r} is not a msgid of {path.relative_to(ROOT)}")
            table[term][code] = found[term]
    return table


def markdown() -> str:
    """One row per term, one column per language, in the order of portal/languages.py."""
    table = translations()
    rows = ["| " + " | ".join(f"{ENDONYMS[code]} (`{code}`)" for code in LANGUAGE_CODES) + " |"]
    rows.append("|" + " --- |" * len(LANGUAGE_CODES))
    for term in TERMS:
        cells = [table[term][code].replace("|", "\\|") for code in LANGUAGE_CODES]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def in_doc() -> str:
    """The table as the doc holds it now ("" when the markers are missing)."""
    text = DOC.read_text(encoding="utf-8")
    if START not in text or END not in text:
        return ""
    return text.split(START, 1)[1].split(END, 1)[0].strip()


def write() -> None:
    text = DOC.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _old, tail = rest.split(END, 1)
    DOC.write_text(f"{head}{START}\n{markdown()}\n{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        write()
    else:
        print(markdown())
