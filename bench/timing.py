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


def measure_interleaved(
    funcs: dict[str, Callable[[], object]], *, runs: int = 50, warmup: int = 5
) -> dict[str, Timing]:
    """Like ``measure`` for several functions, taking turns run by run, so that a change in
    the machine's load during the measurement weighs on all of them alike."""
    for _ in range(warmup):
        for func in funcs.values():
            func()
    samples: dict[str, list[float]] = {label: [] for label in funcs}
    for _ in range(runs):
        for label, func in funcs.items():
            started = time.perf_counter()
            func()
            samples[label].append(time.perf_counter() - started)
    return {label: Timing(label, values) for label, values in samples.items()}


def print_table(headers: list[str], rows: list[list[object]]) -> None:
    cells = [[str(c) for c in row] for row in [headers, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        line = "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        )
        print(f"  {line}")
        if n == 0:
            print("  " + "  ".join("-" * w for w in widths))


def ms(value: float) -> str:
    return f"{value:.2f} ms"
