"""The quality gate: minimum (and maximum) scores the full system must reach on the test split.

``eval/thresholds.toml`` has a ``[min]`` table (a metric must be at least this) and a ``[max]``
table (at most this: error counts, false abstentions, latency); metric names are the keys of
:func:`assistant.evaluation.metrics.summarise`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from assistant.evaluation.items import EvalInputError

GATED_SYSTEM = "full"
GATED_SPLIT = "test"


@dataclass
class Thresholds:
    """Lower and upper bounds by metric name."""

    minimum: dict[str, float] = field(default_factory=dict)
    maximum: dict[str, float] = field(default_factory=dict)

    @property
    def metrics(self) -> list[str]:
        """Every gated metric, in file order."""
        return list(dict.fromkeys([*self.minimum, *self.maximum]))


def load_thresholds(path: Path) -> Thresholds:
    """Read a thresholds file; a malformed one raises :class:`EvalInputError` naming the file and key."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise EvalInputError(f"{path}: file not found") from exc
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise EvalInputError(f"{path}: cannot be read ({exc})") from exc
    unknown = sorted(set(data) - {"min", "max"})
    if unknown:
        raise EvalInputError(f"{path}: unknown table(s) {unknown}; expected [min] and [max]")
    bounds: dict[str, dict[str, float]] = {}
    for table in ("min", "max"):
        values = data.get(table, {})
        if not isinstance(values, dict):
            raise EvalInputError(f"{path}: [{table}] must be a table")
        for key, value in values.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise EvalInputError(f"{path}, [{table}] {key}: expected a number, got {value!r}")
        bounds[table] = {k: float(v) for k, v in values.items()}
    return Thresholds(bounds["min"], bounds["max"])


def check(summary: dict[str, float | int | None], thresholds: Thresholds) -> list[str]:
    """One message per metric outside its bound (empty: the gate passes). A missing metric fails too."""
    failures = []
    for name, bound in thresholds.minimum.items():
        value = summary.get(name)
        if value is None:
            failures.append(f"{name} is not available (the threshold is ≥ {bound:g})")
        elif value < bound:
            failures.append(f"{name} = {value:.3f} is below the minimum {bound:g}")
    for name, bound in thresholds.maximum.items():
        value = summary.get(name)
        if value is None:
            failures.append(f"{name} is not available (the threshold is ≤ {bound:g})")
        elif value > bound:
            failures.append(f"{name} = {value:.3f} is above the maximum {bound:g}")
    return failures


@dataclass
class GateResult:
    """Whether the gated system met every bound, with the current value of each gated metric."""

    applied: bool
    passed: bool
    failures: list[str]
    values: dict[str, float | int | None]
    message: str


def gate(summaries: dict[str, dict[str, float | int | None]], split: str, thresholds: Thresholds) -> GateResult:
    """Check the full system's summary on the test split; other runs are reported, not gated."""
    if split != GATED_SPLIT or GATED_SYSTEM not in summaries:
        why = f"the gate applies to the '{GATED_SYSTEM}' system on the '{GATED_SPLIT}' split"
        return GateResult(False, True, [], {}, f"Gate not applied: {why}.")
    summary = summaries[GATED_SYSTEM]
    failures = check(summary, thresholds)
    values = {name: summary.get(name) for name in thresholds.metrics}
    lines = ["Current values of the gated metrics (full system, test split) against their thresholds:"]
    for name in thresholds.metrics:
        value = values[name]
        shown = "n/a" if value is None else f"{value:.4f}"
        bounds = []
        if name in thresholds.minimum:
            bounds.append(f"min {thresholds.minimum[name]:g}")
        if name in thresholds.maximum:
            bounds.append(f"max {thresholds.maximum[name]:g}")
        lines.append(f"  {name:<32} {shown:>8}   ({', '.join(bounds)})")
    if failures:
        lines.append("GATE FAILED:")
        lines += [f"  - {f}" for f in failures]
    else:
        lines.append("Gate passed.")
    return GateResult(True, not failures, failures, values, "\n".join(lines))
