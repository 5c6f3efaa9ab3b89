"""The digest chart: reports per week by category, as a PNG that reads well on a phone.

matplotlib's object API with the Agg canvas (no pyplot, no display, no global state), so charts can
be drawn in worker threads. Colours are the Okabe-Ito palette, which colour-blind readers can tell
apart; the most frequent categories get their own colour, the rest is one grey "overig" band.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442")
OTHER_COLOUR = "#999999"
MAX_BANDS = len(OKABE_ITO)


@dataclass(frozen=True)
class ChartData:
    title: str
    week_labels: tuple[str, ...]  # e.g. "12-10", oldest first
    series: tuple[tuple[str, tuple[int, ...]], ...]  # (label, count per week), largest first
    y_label: str
    other_label: str
    x_label: str = ""


def bands(series: Sequence[tuple[str, Sequence[int]]], other_label: str) -> list[tuple[str, list[int], str]]:
    """At most MAX_BANDS coloured categories; the rest summed into one grey band."""
    ordered = sorted(series, key=lambda item: -sum(item[1]))
    shown = [(label, list(counts), OKABE_ITO[i]) for i, (label, counts) in enumerate(ordered[:MAX_BANDS])]
    rest = ordered[MAX_BANDS:]
    if rest:
        summed = [sum(values) for values in zip(*(counts for _, counts in rest), strict=True)]
        shown.append((other_label, summed, OTHER_COLOUR))
    return shown


def render_chart(data: ChartData, path: Path) -> Path:
    """Draw stacked bars per week and write a PNG (960 × 720 px: sharp on a phone, quick to draw)."""
    figure = Figure(figsize=(8, 6), dpi=120)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(data.week_labels)))
    bottom = [0] * len(positions)
    for label, counts, colour in bands(data.series, data.other_label):
        axes.bar(
            positions, counts, bottom=bottom, color=colour, label=label, edgecolor="white", linewidth=0.6
        )
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    axes.set_title(data.title, fontsize=17, loc="left")
    axes.set_xticks(positions, data.week_labels, fontsize=12, rotation=45)
    axes.set_ylabel(data.y_label, fontsize=13)
    axes.set_xlabel(data.x_label, fontsize=12)
    axes.tick_params(axis="y", labelsize=12)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.spines[["top", "right"]].set_visible(False)
    if data.series:  # legend top-down in the order of the stack, top band first
        handles, labels = axes.get_legend_handles_labels()
        axes.legend(
            handles[::-1],
            labels[::-1],
            fontsize=12,
            frameon=False,
            loc="upper left",
            bbox_to_anchor=(1.0, 1.0),
        )
    figure.subplots_adjust(left=0.09, right=0.7, bottom=0.17, top=0.9)  # fixed: tight_layout draws twice
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png", pil_kwargs={"compress_level": 3})
    return path
