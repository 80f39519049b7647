"""Bar charts drawn on the server as inline SVG geometry: no chart library, no script."""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Sequence, Tuple

WIDTH = 640
BAR_AREA = 160


@dataclass
class Bar:
    label: str
    value: int
    x: float
    width: float
    height: float
    show_label: bool


@dataclass
class Chart:
    bars: List[Bar]
    width: int
    height: int
    top: int


def bars(values: Sequence[Tuple[str, int]], label_every: int = 1) -> Chart:
    """Bar positions and heights for the template's <svg> (labels under, value on top)."""
    top = max([value for _, value in values] or [0])
    slot = WIDTH / max(len(values), 1)
    return Chart(
        bars=[Bar(label, value, index * slot + slot * 0.1, slot * 0.8,
                  (value / top * BAR_AREA) if top else 0, index % label_every == 0)
              for index, (label, value) in enumerate(values)],
        width=WIDTH, height=BAR_AREA, top=top)
