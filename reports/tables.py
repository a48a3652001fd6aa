"""Report tables: what a page shows and what its CSV holds come from the same object, so the
two cannot disagree. Counts arrive here already suppressed (reports.suppression)."""

import csv
import io
from dataclasses import dataclass, field

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from portal.csv_safe import defuse
from reports.suppression import Entry, percent, threshold


@dataclass
class Cell:
    text: str
    sort: float = 0  # hidden counts sort as -1, so the order gives nothing away
    number: bool = True
    hidden: bool = False
    link: str = ""

    def html(self, first: bool, *, links: bool = True) -> str:
        """The cell's markup: the row's label a <th>, a number right-aligned (and marked
        when hidden). Built here, not in reports/_table.html: a district's tables have
        thousands of cells, and the template's tags per cell were most of a page's time
        once its figures come from the snapshot (bench/reports.py)."""
        text = conditional_escape(self.text)
        if links and self.link:
            text = f'<a href="{conditional_escape(self.link)}">{text}</a>'
        if first:
            return f'<th scope="row">{text}</th>'
        if self.number:
            return f'<td class="num{" hidden-cell" if self.hidden else ""}">{text}</td>'
        return f"<td>{text}</td>"

    @classmethod
    def count(cls, entry: Entry | None) -> "Cell":
        if entry is None:
            return cls("", -1)
        if entry.hidden:
            return cls(f"<{threshold()}", -1, hidden=True)
        return cls(f"{entry.value}", entry.value)

    @classmethod
    def share(cls, part: Entry | None, whole: Entry | None) -> "Cell":
        text = percent(part, whole)
        if not text:
            return cls("", -1, hidden=part is not None and part.hidden)
        return cls(text, part.value / whole.value)

    @classmethod
    def label(cls, text, link: str = "") -> "Cell":
        return cls(str(text), 0, number=False, link=link)

    @classmethod
    def whole(cls, total: Entry | None) -> "Cell":
        """The share column of a Total row: 100% of itself, when it is shown and not 0."""
        return cls("100%" if total is not None and not total.hidden and total.value else "")

    @classmethod
    def plain(cls, value: int | str) -> "Cell":
        """A number that is not about people (events, seats, guides): never suppressed."""
        return cls(str(value), value if isinstance(value, int | float) else 0)


NO_TOTAL = object()  # Table.fill: a table with no Total row


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    foot: list[list[Cell]] = field(default_factory=list)
    note: str = ""
    sortable: bool = False
    headers: list[dict] | None = None  # column labels with sort links, for sortable tables
    csv_url: str = ""
    empty: str = ""  # said instead of "Nothing in this period." when there are no rows

    def fill(self, groups, cells, total=NO_TOTAL) -> None:
        """One row per (label, key) of groups, its cells cells(key), and a Total row of
        cells(total) unless total is left out: the rows and their total are built by the same
        function, so a column cannot add up one way in the body and another in the foot."""
        for label, key in groups:
            head = label if isinstance(label, Cell) else Cell.label(label)
            self.rows.append([head, *cells(key)])
        if total is not NO_TOTAL:
            self.foot = [[total_label(), *cells(total)]]

    def body_html(self) -> SafeString:
        """The rows of the table's body, each cell escaped (Cell.html)."""
        return _rows_html(self.rows, links=True)

    def foot_html(self) -> SafeString:
        """The Total row: no links."""
        return _rows_html(self.foot, links=False)

    def sort_by(self, column: int, descending: bool) -> None:
        if 0 <= column < len(self.columns):
            key = (lambda row: row[column].text.lower()) if column == 0 else None
            self.rows.sort(key=key or (lambda row: row[column].sort), reverse=descending)

    def to_csv(self) -> str:
        """UTF-8 with a byte-order mark, so spreadsheet programs read Arabic, Bangla or
        Chinese names correctly; hidden counts are "<10", hidden shares empty."""
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.writer(out)
        writer.writerow(self.columns)
        for row in [*self.rows, *self.foot]:
            # Names of schools and events come from staff: defused (numbers are ours).
            writer.writerow([cell.text if cell.number else defuse(cell.text) for cell in row])
        return out.getvalue()


def _rows_html(rows, *, links: bool) -> SafeString:
    # Every text and link goes through conditional_escape in Cell.html.
    return mark_safe(  # noqa: S308
        "".join(
            "<tr>"
            + "".join(cell.html(index == 0, links=links) for index, cell in enumerate(row))
            + "</tr>"
            for row in rows
        )
    )


def change(now: Entry, before: Entry) -> Cell:
    """The change from the previous period, or nothing when either figure is hidden."""
    if now.hidden or before.hidden:
        return Cell("", -1)
    diff = now.value - before.value
    text = f"{diff:+d}"
    if before.value:
        text += f" ({round(100 * diff / before.value):+d}%)"
    return Cell(text, diff)


def total_label() -> Cell:
    return Cell.label(_("Total"))
