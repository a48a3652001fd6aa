"""What the apps above `families` keep about a family, for its download and its erasure.

`families` sits below `committees` and `events` and cannot import them; each of those
registers, in its AppConfig.ready(), what it keeps about a family:

    personal_data.register(
        "events",                # the section's name in the family's download
        export=export_answers,   # family -> JSON-ready value
        named_rows=named_rows,   # family -> {Model: [pk, ...]}, named in admin history
        erase=erase_answers,     # family -> None; runs inside erase_family's transaction
    )

Erasure calls each `erase` in registration order (apps' ready() order, i.e. INSTALLED_APPS),
after `named_rows` has been collected from all of them and before the family row is
blanked. A test scans every text column after erasure, so a section that forgets a row
fails it.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    name: str
    export: Callable
    named_rows: Callable
    erase: Callable


SECTIONS: dict[str, Section] = {}


def register(name: str, *, export: Callable, named_rows: Callable, erase: Callable) -> None:
    SECTIONS[name] = Section(name, export, named_rows, erase)


def exported(family) -> dict:
    return {s.name: s.export(family) for s in SECTIONS.values()}


def named_rows(family) -> dict:
    rows: dict = {}
    for section in SECTIONS.values():
        for model, pks in section.named_rows(family).items():
            rows.setdefault(model, []).extend(pks)
    return rows


def erase(family) -> None:
    for section in SECTIONS.values():
        section.erase(family)
