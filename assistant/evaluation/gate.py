"""The quality gate: named configurations, each a corpus, a gold file and a split with the minimum (and
maximum) scores the full system must reach on it.

``eval/thresholds.toml`` holds one table per configuration::

    [seed]
    description = "the seed corpus, test split"
    corpus = ["corpus"]            # one or more corpus folders (combined when several)
    gold = "eval/gold.jsonl"
    split = "test"
    [seed.min]                     # a metric must be at least this
    fact_recall = 0.79
    [seed.max]                     # at most this: error counts, false abstentions, latency
    errors = 0

Relative paths are relative to the repository root. Metric names are the keys of
:func:`assistant.evaluation.metrics.summarise`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, ValidationError

from assistant.evaluation.items import EvalInputError
from assistant.settings import REPO_ROOT

GATED_SYSTEM = "full"


@dataclass
class Thresholds:
    """Lower and upper bounds by metric name."""

    minimum: dict[str, float] = field(default_factory=dict)
    maximum: dict[str, float] = field(default_factory=dict)

    @property
    def metrics(self) -> list[str]:
        """Every gated metric, in file order."""
        return list(dict.fromkeys([*self.minimum, *self.maximum]))


class _ConfigTable(BaseModel):
    """One configuration table as written in the file."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    description: str = ""
    corpus: list[str] = Field(min_length=1)
    gold: str = Field(min_length=1)
    split: str = Field("all", min_length=1)
    minimum: dict[str, StrictInt | StrictFloat] = Field(default_factory=dict, alias="min")
    maximum: dict[str, StrictInt | StrictFloat] = Field(default_factory=dict, alias="max")


@dataclass
class GateConfig:
    """A named configuration: what the eval runs on, and the bounds the full system must meet there."""

    name: str
    corpus: list[Path]
    gold: Path
    split: str
    thresholds: Thresholds
    description: str = ""

    def matches(self, corpus: Sequence[Path], gold: Path, split: str) -> bool:
        """True when a run over these corpus folders, gold file and split is this configuration's."""
        return (
            [p.resolve() for p in corpus] == [p.resolve() for p in self.corpus]
            and gold.resolve() == self.gold.resolve()
            and split == self.split
        )

    def label(self) -> str:
        """'seed (corpus: corpus; gold: eval/gold.jsonl; split: test)'."""
        corpus = ", ".join(_shown(p) for p in self.corpus)
        return f"{self.name} (corpus: {corpus}; gold: {_shown(self.gold)}; split: {self.split})"


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def _resolve(value: str, root: Path) -> Path:
    path = Path(value)
    return path if path.is_absolute() else root / path


def load_configs(path: Path, root: Path = REPO_ROOT) -> dict[str, GateConfig]:
    """Read a thresholds file; a malformed one raises :class:`EvalInputError` naming the file, table and key."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise EvalInputError(f"{path}: file not found") from exc
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise EvalInputError(f"{path}: cannot be read ({exc})") from exc
    if not data:
        raise EvalInputError(f"{path}: no configuration tables")
    problems: list[str] = []
    configs: dict[str, GateConfig] = {}
    for name, table in data.items():
        if not isinstance(table, dict):
            problems.append(f"{path}, {name}: expected a table [{name}] (a configuration), got {table!r}")
            continue
        try:
            parsed = _ConfigTable.model_validate(table)
        except ValidationError as exc:
            for error in exc.errors():
                where = ".".join(str(p) for p in error["loc"])
                problems.append(f"{path}, [{name}] {where}: {error['msg']}")
            continue
        configs[name] = GateConfig(
            name=name,
            corpus=[_resolve(c, root) for c in parsed.corpus],
            gold=_resolve(parsed.gold, root),
            split=parsed.split,
            thresholds=Thresholds(
                {k: float(v) for k, v in parsed.minimum.items()}, {k: float(v) for k, v in parsed.maximum.items()}
            ),
            description=parsed.description,
        )
    if problems:
        raise EvalInputError("\n".join(problems))
    return configs


def find_config(configs: dict[str, GateConfig], corpus: Sequence[Path], gold: Path, split: str) -> GateConfig | None:
    """The configuration a run over these corpus folders, gold file and split belongs to, if any."""
    return next((c for c in configs.values() if c.matches(corpus, gold, split)), None)


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


def not_applied(why: str) -> GateResult:
    """A gate that was not applied, and why (it does not fail the run)."""
    return GateResult(False, True, [], {}, f"Gate not applied: {why}.")


def gate(summaries: dict[str, dict[str, float | int | None]], config: GateConfig) -> GateResult:
    """Check the full system's summary against one configuration's bounds."""
    if GATED_SYSTEM not in summaries:
        return not_applied(f"the gate applies to the '{GATED_SYSTEM}' system, which did not run")
    thresholds = config.thresholds
    summary = summaries[GATED_SYSTEM]
    failures = check(summary, thresholds)
    values = {name: summary.get(name) for name in thresholds.metrics}
    lines = [f"Gated metrics of the full system, configuration {config.label()}, against their thresholds:"]
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
