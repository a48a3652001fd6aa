"""The glossary: locale/glossary.csv says which word each language uses for each key term,
and every catalog must follow it.

    python scripts/glossary.py          # print the table of docs/translating.md
    python scripts/glossary.py --write  # put it into docs/translating.md between the markers
    python scripts/glossary.py --check  # list the catalog entries that do not follow it

locale/glossary.csv, one row per term:
- term: the English term, as the doc's table shows it;
- msgid: a msgid of the catalogs that is the term itself; its translation must be the
  language's word exactly (empty when no string is the bare term);
- english: a regular expression (case-insensitive) that finds the term in a msgid;
- one column per language: the word, then "|" and the other forms it takes in a sentence
  (plural, case, with an article, a stem such as "школ" for школа/школы/школу). Every msgstr
  whose msgid contains the term must contain one of them (case-insensitive).

tests/portal/test_language_access.py fails on an entry that does not follow the glossary, and
tests/portal/test_docs.py when the doc's table is not what this script makes from the CSV,
so a changed key term shows up in review instead of drifting silently.
"""

import csv
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.languages import ENDONYMS, LANGUAGE_CODES  # noqa: E402  (after the path)

CSV = ROOT / "locale" / "glossary.csv"
DOC = ROOT / "docs" / "translating.md"
START = "<!-- glossary:start (made by scripts/glossary.py --write; do not edit by hand) -->"
END = "<!-- glossary:end -->"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


@dataclass
class Term:
    term: str
    msgid: str
    english: re.Pattern
    forms: dict[str, list[str]]  # language code -> [the word, other accepted forms...]

    def word(self, code: str) -> str:
        return self.forms[code][0]

    def followed_in(self, code: str, text: str) -> bool:
        text = text.casefold()
        return any(form.casefold() in text for form in self.forms[code])


def terms() -> list[Term]:
    with CSV.open(encoding="utf-8", newline="") as file:
        return [
            Term(
                term=row["term"],
                msgid=row["msgid"],
                english=re.compile(row["english"], re.IGNORECASE),
                forms={code: row[code].split("|") for code in LANGUAGE_CODES},
            )
            for row in csv.DictReader(file)
        ]


def locale_dir(code: str) -> str:
    language, _, script = code.partition("-")
    return f"{language}_{script.capitalize()}" if script else language


def catalog(code: str, folder: str = "locale") -> Path:
    return ROOT / folder / locale_dir(code) / "LC_MESSAGES" / "django.po"


def entries(code: str, folder: str = "locale") -> list[polib.POEntry]:
    path = catalog(code, folder)
    if not path.exists():  # locale_django/ has no catalog where Django's is complete
        return []
    return [e for e in polib.pofile(str(path)) if e.msgid and not e.obsolete]


def problems(code: str) -> list[str]:
    """The entries of a language's catalogs (ours and locale_django/'s) that do not use its
    glossary word."""
    ours = entries(code)
    found = []
    for term in terms():
        if term.msgid:
            exact = [e.msgstr for e in ours if e.msgid == term.msgid and not e.msgctxt]
            if exact != [term.word(code)]:
                found.append(f"{term.msgid!r} is {exact} in the catalog, {term.word(code)!r} here")
        for entry in ours + entries(code, "locale_django"):
            # A placeholder (%(school)s) is a name filled in later, not the term.
            if not term.english.search(PLACEHOLDER.sub("", entry.msgid)):
                continue
            for text in [entry.msgstr, *entry.msgstr_plural.values()]:
                if text and not term.followed_in(code, text):
                    found.append(
                        f"{term.term} ({'|'.join(term.forms[code])}) not in "
                        f"{entry.msgid!r} -> {text!r}"
                    )
                    break
    return found


def markdown() -> str:
    """One row per term, one column per language, in the order of portal/languages.py."""
    rows = ["| " + " | ".join(f"{ENDONYMS[code]} (`{code}`)" for code in LANGUAGE_CODES) + " |"]
    rows.append("|" + " --- |" * len(LANGUAGE_CODES))
    for term in terms():
        cells = [term.word(code).replace("|", "\\|") for code in LANGUAGE_CODES]
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
    elif sys.argv[1:] == ["--check"]:
        found = {code: problems(code) for code in LANGUAGE_CODES[1:]}
        for code, lines in found.items():
            for line in lines:
                print(f"{code}: {line}")
        sys.exit(1 if any(found.values()) else 0)
    else:
        print(markdown())
