"""Timing helpers shared by the benchmark modules. Figures are printed, never asserted."""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Timing:
    label: str
    samples: list[float]  # seconds

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples) * 1000

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.samples)
        # nearest rank: the smallest sample with at least 95 % of the samples at or below it
        rank = max(1, -(-95 * len(ordered) // 100))
        return ordered[rank - 1] * 1000


def measure(label: str, func: Callable[[], object], *, runs: int = 50, warmup: int = 5) -> Timing:
    """Call ``func`` ``warmup`` times untimed, then ``runs`` times timed with perf_counter."""
    for _ in range(warmup):
        func()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        samples.append(time.perf_counter() - started)
    return Timing(label, samples)


def print_table(headers: list[str], rows: list[list[object]]) -> None:
    cells = [[str(c) for c in row] for row in [headers, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        line = "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))
        )
        print(f"  {line}")
        if n == 0:
            print("  " + "  ".join("-" * w for w in widths))


def ms(value: float) -> str:
    return f"{value:.2f} ms"
