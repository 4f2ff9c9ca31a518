"""Compare a run with an earlier one (``assistant eval --compare RUN_DIR``): the items whose pass/fail changed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.evaluation.items import EarlierResult

if TYPE_CHECKING:
    from assistant.evaluation.runner import ItemResult


@dataclass
class Change:
    """One (item, system) whose verdict differs between the earlier run and this one."""

    item_id: str
    system: str
    question: str
    passed_before: bool
    passed_now: bool
    text_before: str | None
    text_now: str | None
    reasons_before: list[str]
    reasons_now: list[str]


@dataclass
class Comparison:
    """Verdict changes against an earlier run, with how many (item, system) pairs could be compared."""

    earlier: str  # the earlier run's results file
    compared: int = 0
    only_now: int = 0  # pairs this run has and the earlier one does not
    only_before: int = 0
    changes: list[Change] = field(default_factory=list)

    @property
    def now_passing(self) -> list[Change]:
        """Changes from fail to pass."""
        return [c for c in self.changes if c.passed_now]

    @property
    def now_failing(self) -> list[Change]:
        """Changes from pass to fail."""
        return [c for c in self.changes if not c.passed_now]

    def summary(self) -> str:
        """One sentence: how many compared, how many changed which way, what could not be compared."""
        parts = [
            f"{self.compared} (item, system) pairs compared with {self.earlier}: "
            f"{len(self.now_passing)} now pass, {len(self.now_failing)} now fail"
        ]
        if self.only_now:
            parts.append(f"{self.only_now} not in the earlier run")
        if self.only_before:
            parts.append(f"{self.only_before} of the earlier run not in this one")
        return "; ".join(parts) + "."


def compare_runs(
    results: Sequence[ItemResult], earlier: Mapping[tuple[str, str], EarlierResult], source: str
) -> Comparison:
    """The changes of verdict between ``earlier`` (by item id and system) and this run's ``results``."""
    comparison = Comparison(earlier=source)
    seen: set[tuple[str, str]] = set()
    for result in results:
        key = (result.item.id, result.system)
        seen.add(key)
        before = earlier.get(key)
        if before is None:
            comparison.only_now += 1
            continue
        comparison.compared += 1
        passed_now = not result.reasons
        if before.passed != passed_now:
            comparison.changes.append(
                Change(
                    item_id=result.item.id,
                    system=result.system,
                    question=result.item.question,
                    passed_before=before.passed,
                    passed_now=passed_now,
                    text_before=before.text,
                    text_now=result.output.text,
                    reasons_before=before.reasons,
                    reasons_now=result.reasons,
                )
            )
    comparison.only_before = sum(key not in seen for key in earlier)
    return comparison
