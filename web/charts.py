"""Geometry for the inline SVG pictures (drawn by templates, so all text is escaped)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from kb.browse.detail import ChainLink


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    count: int


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[tuple[float, str]]
    maximum: int


def month_bars(months: Sequence[tuple[str, int]], width: int = 720, height: int = 180) -> BarChart:
    """Claims per month, every month between the first and last shown (gaps as empty months)."""
    if not months:
        return BarChart(width, height, [], [], 0)
    counts = dict(months)
    y0, m0 = map(int, months[0][0].split("-"))
    y1, m1 = map(int, months[-1][0].split("-"))
    keys = []
    y, m = y0, m0
    while (y, m) <= (y1, m1) and len(keys) < 600:
        keys.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    top = max(counts.values())
    plot_h = height - 24
    step = width / len(keys)
    bars = []
    for i, key in enumerate(keys):
        n = counts.get(key, 0)
        h = 0 if not top else max(1.0 if n else 0.0, plot_h * n / top)
        bars.append(Bar(round(i * step + step * 0.1, 2), round(plot_h - h, 2), round(step * 0.8, 2), round(h, 2), key, n))
    every = max(1, len(keys) // 8)
    ticks = [(round(i * step + step / 2, 2), k) for i, k in enumerate(keys) if i % every == 0]
    return BarChart(width, height, bars, ticks, top)


@dataclass(frozen=True)
class ChainBox:
    x: int
    width: int
    link: ChainLink


def chain_boxes(chain: Sequence[ChainLink], box: int = 170, gap: int = 44) -> tuple[int, list[ChainBox]]:
    boxes = [ChainBox(i * (box + gap), box, link) for i, link in enumerate(chain)]
    width = len(chain) * box + max(0, len(chain) - 1) * gap
    return width, boxes
