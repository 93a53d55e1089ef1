"""Where the shapes of a chart go: plain geometry, drawn as SVG by a template.

templates/charts/_chart.html writes the `Drawing` out as an <svg> with a
title and description; colours come from app.css classes (`series-N`), so
the page's Content-Security-Policy needs no inline style. A few rectangles and
labels per row keep a chart of two years a few kilobytes.
"""

import math
from dataclasses import dataclass, field

from flask_babel import gettext as _

from events_app.charts.figures import Figure
from events_app.charts.shown import amount, month_label, row_label
from events_app.language.formatting import format_number

WIDTH = 640
BAR_HEIGHT = 18
BAR_GAP = 6
LABEL_WIDTH = 190  # room for the names left of horizontal bars
LABEL_CHARACTERS = 28
PLOT_HEIGHT = 200
AXIS_LEFT = 36
AXIS_BOTTOM = 24
MONTH_LABELS = 8  # at most this many month labels under the columns


@dataclass(frozen=True)
class Shape:
    """A rectangle, with what it shows (its tooltip) and its colour's class."""

    x: float
    y: float
    width: float
    height: float
    css_class: str
    tooltip: str


@dataclass(frozen=True)
class Label:
    """A text at (x, y), anchored "start", "middle" or "end"."""

    x: float
    y: float
    text: str
    anchor: str = "start"


@dataclass
class Drawing:
    """What an <svg> holds: its size, its rectangles, labels and grid lines."""

    width: int
    height: int
    shapes: list[Shape] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    lines: list[tuple[float, float, float, float]] = field(default_factory=list)


def nice_step(largest: float, ticks: int = 4) -> int:
    """A round step (1, 2 or 5 times a power of ten) cutting 0..largest in a few."""
    if largest <= ticks:
        return 1
    rough = largest / ticks
    power = 10 ** math.floor(math.log10(rough))
    for multiple in (1, 2, 5, 10):
        if multiple * power >= rough:
            return int(multiple * power)
    return int(10 * power)


def shortened(text: str, limit: int = LABEL_CHARACTERS) -> str:
    """The text cut to `limit` characters, with an ellipsis if it was longer."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def stacked_columns(figure: Figure) -> Drawing:
    """One column per row (month), stacked from the figure's series columns."""
    columns = figure.series_columns
    heights = [sum(row[index] for index in columns) for row in figure.rows]
    step = nice_step(max(heights, default=0))
    top = max(step * math.ceil(max(heights, default=0) / step), step)
    drawing = Drawing(WIDTH, PLOT_HEIGHT + AXIS_BOTTOM + 10)
    plot_width = WIDTH - AXIS_LEFT - 4
    slot = plot_width / max(len(figure.rows), 1)
    scale = PLOT_HEIGHT / top
    for tick in range(0, top + 1, step):
        y = 5 + PLOT_HEIGHT - tick * scale
        drawing.lines.append((AXIS_LEFT, y, WIDTH - 4, y))
        drawing.labels.append(Label(AXIS_LEFT - 4, y + 4, format_number(tick), "end"))
    every = math.ceil(len(figure.rows) / MONTH_LABELS) or 1
    for position, row in enumerate(figure.rows):
        label = row_label(figure, row[0]).text
        x = AXIS_LEFT + position * slot + slot * 0.15
        base = 5 + PLOT_HEIGHT
        for series, index in enumerate(columns):
            value = row[index]
            if not value:
                continue
            height = value * scale
            base -= height
            drawing.shapes.append(
                Shape(
                    round(x, 1),
                    round(base, 1),
                    round(slot * 0.7, 1),
                    round(height, 1),
                    f"series-{series}",
                    _(
                        "%(row)s, %(series)s: %(count)s",
                        row=label,
                        series=figure.columns[index],
                        count=format_number(value),
                    ),
                )
            )
        if position % every == 0:
            short = month_label(row[0], "abbreviated") if figure.month_rows else label
            drawing.labels.append(
                Label(round(x + slot * 0.35, 1), base_line(drawing), short, "middle")
            )
    return drawing


def base_line(drawing: Drawing) -> float:
    """Where the month labels sit: under the plot."""
    return 5 + PLOT_HEIGHT + 16


def horizontal_bars(figure: Figure) -> Drawing:
    """One bar per row, its length the row's value, its label on the left."""
    values = [row[figure.value_column] for row in figure.rows]
    largest = max(values, default=0) or 1
    bar_room = WIDTH - LABEL_WIDTH - 70
    drawing = Drawing(WIDTH, len(figure.rows) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP)
    for position, (row, value) in enumerate(zip(figure.rows, values, strict=True)):
        y = BAR_GAP + position * (BAR_HEIGHT + BAR_GAP)
        width = max(value / largest * bar_room, 1)
        drawing.labels.append(
            Label(LABEL_WIDTH - 6, y + BAR_HEIGHT - 5, shortened(str(row[0])), "end")
        )
        drawing.shapes.append(
            Shape(
                LABEL_WIDTH,
                y,
                round(width, 1),
                BAR_HEIGHT,
                "series-0",
                _("%(name)s: %(amount)s", name=row[0], amount=amount(figure, value)),
            )
        )
        shown = amount(figure, value) if figure.unit == "days" else format_number(value)
        drawing.labels.append(
            Label(round(LABEL_WIDTH + width + 6, 1), y + BAR_HEIGHT - 5, shown)
        )
    return drawing


def drawing_for(figure: Figure) -> Drawing:
    """The drawing of a figure, as its `drawing` asks."""
    if figure.drawing == "stacked":
        return stacked_columns(figure)
    return horizontal_bars(figure)
