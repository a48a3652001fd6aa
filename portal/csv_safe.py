"""Text cells for CSV files staff open in a spreadsheet program.

A cell starting with = + - @ (or a tab or carriage return, which some programs skip before
reading a formula) is run as a formula: a family named "=HYPERLINK(…)" would become a live
link in the school's spreadsheet. A leading apostrophe makes such a cell plain text. Used by
the event answers' CSV and the reports' CSVs; imports no app.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse(text: str) -> str:
    if text[:1] in FORMULA_STARTS:
        return "'" + text
    return text
