"""A figure's values as the reader sees them: months, days and numbers in
their language (events_app/language/formatting.py), each with its plain
value beside it for machines (<time datetime>, <data value>), as the CSV
gives it."""

from dataclasses import dataclass
from datetime import date

from flask_babel import ngettext

from events_app.charts.figures import Figure
from events_app.language.formatting import format_date, format_number, month_name


@dataclass(frozen=True)
class Cell:
    """A table cell: the text shown, and its plain value in a `tag` element."""

    text: str
    value: str = ""
    tag: str = ""  # "time", "data" or "" (plain text)


def month_label(month_key: str, width: str = "wide") -> str:
    """A "YYYY-MM" month in words: "March 2025", "сакавік 2025" ("Mar 2025")."""
    year, month = month_key.split("-")
    return month_name(date(int(year), int(month), 1), width)


def row_label(figure: Figure, value) -> Cell:
    """The label of a row: a month in words, or a name as it is."""
    if figure.month_rows:
        return Cell(month_label(value), value, "time")
    return Cell(str(value))


def value_cell(figure: Figure, column: int, value) -> Cell:
    """A value of a row: a day or a count in the reader's language."""
    if column in figure.date_columns:
        return Cell(format_date(date.fromisoformat(value)), value, "time")
    if isinstance(value, int):
        return Cell(format_number(value), str(value), "data")
    return Cell(str(value))


def table_cells(figure: Figure) -> list[list[Cell]]:
    """The figure's rows as the data table shows them (the label cell first)."""
    return [
        [
            row_label(figure, row[0]),
            *(
                value_cell(figure, column, value)
                for column, value in enumerate(row[1:], start=1)
            ),
        ]
        for row in figure.rows
    ]


def amount(figure: Figure, value: int) -> str:
    """A value with its unit, for tooltips: "3 meetings", "120 days"."""
    number = format_number(value)
    if figure.unit == "days":
        return ngettext("%(count)s day", "%(count)s days", value, count=number)
    if figure.unit == "follow-ups":
        return ngettext(
            "%(count)s follow-up", "%(count)s follow-ups", value, count=number
        )
    return ngettext("%(count)s meeting", "%(count)s meetings", value, count=number)
