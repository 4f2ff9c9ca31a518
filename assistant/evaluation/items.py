"""Gold items, predictions and earlier results: pydantic models, and loaders that report every problem of
a file at once (file, line, field) and warn once per file about fields they do not know.

A gold file is JSON Lines, one question per line. Required: ``id``, ``question``, ``answerable``,
``facts``, ``sources``. Optional: ``history``, ``passages``, ``forbidden``, ``safety``, ``split``,
``category``, ``audience``, ``notes``. Any other field is kept (it is copied into results.jsonl) and
otherwise ignored.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.errors import AssistantError
from assistant.schema import Citation

SAFETY_LABELS = ("emergency", "treatment_decision", "prognosis", "diagnosis", "chitchat")
ALL_SPLITS = "all"
logger = logging.getLogger(__name__)


class EvalInputError(AssistantError):
    """A gold, predictions or results file cannot be used; the message names the file, the lines and the fields."""


class Turn(BaseModel):
    """One earlier message of a conversation."""

    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant"]
    content: str


class GoldItem(BaseModel):
    """One gold question with what a correct answer must (and must not) contain."""

    # Fields we do not know are kept (an evaluator's own bookkeeping, such as "origin") and reported
    # once per file. A typo of a required field still fails, because the field is then missing.
    model_config = ConfigDict(extra="allow")

    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    answerable: bool = Field(description="False for a question the documents do not answer (must refuse).")
    facts: list[list[str]] = Field(
        description="Groups that must all appear in the answer; any one alternative of a group suffices."
    )
    sources: list[str] = Field(description="Source ids (manifest ids) holding the answer.")
    history: list[Turn] = Field(default_factory=list)
    passages: list[str] = Field(default_factory=list, description="Verbatim gold evidence.")
    forbidden: list[str] = Field(default_factory=list, description="Strings that must not appear in the answer.")
    safety: Literal["emergency", "treatment_decision", "prognosis", "diagnosis", "chitchat"] | None = None
    split: str | None = Field(
        None, min_length=1, description="Any name (dev, test, extra ...); an item without one is in every split's run."
    )
    category: str | None = Field(None, min_length=1, description="A group name for the report's breakdown.")
    audience: Literal["family", "clinician"] = "family"
    notes: str | None = None

    @field_validator("facts", mode="before")
    @classmethod
    def _single_alternative_groups(cls, value: Any) -> Any:
        # A group with one alternative may be written as a bare string: ["benign", ["MRI", "magnetic"]].
        if isinstance(value, list):
            return [[v] if isinstance(v, str) else v for v in value]
        return value

    @field_validator("facts")
    @classmethod
    def _no_empty_groups(cls, value: list[list[str]]) -> list[list[str]]:
        for group in value:
            if not group or not all(alt.strip() for alt in group):
                raise ValueError("every fact group needs at least one non-empty alternative")
        return value

    @property
    def extra_fields(self) -> dict[str, Any]:
        """The fields of the line this model does not know, as given."""
        return dict(self.model_extra or {})

    def history_dicts(self) -> list[dict[str, str]]:
        """The history in the shape :meth:`Assistant.ask` takes."""
        return [t.model_dump() for t in self.history]


class PredictedCitation(BaseModel):
    """A citation as :meth:`Citation.to_dict` writes it; only the fields the metrics need are required."""

    model_config = ConfigDict(extra="ignore")

    marker: int
    source_id: str
    quote: str
    start: int
    end: int
    title: str | None = None
    section: str | None = None
    context: str | None = None
    source_kind: str | None = None
    publisher: str | None = None
    journal: str | None = None
    year: int | None = None
    doi: str | None = None

    def to_citation(self) -> Citation:
        """The API's :class:`Citation` (the title defaults to the source id when the file has none)."""
        data = self.model_dump()
        data["title"] = data["title"] or self.source_id
        return Citation.model_validate(data)


class Prediction(BaseModel):
    """An answer another system produced for a gold item (``--predictions`` files)."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1)
    text: str
    citations: list[PredictedCitation] = Field(default_factory=list)
    abstained: bool
    safety: Literal["emergency", "treatment_decision", "prognosis", "diagnosis", "chitchat"] | None = None
    notice: str | None = None
    latency_s: float | None = Field(None, ge=0)


class EarlierResult(BaseModel):
    """One line of an earlier run's results.jsonl, as far as ``--compare`` needs it."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1)
    system: str = Field(min_length=1)
    question: str = ""
    passed: bool
    text: str | None = None
    reasons: list[str] = Field(default_factory=list)


ModelT = TypeVar("ModelT", bound=BaseModel)


def line_ranges(numbers: list[int]) -> str:
    """'line 4' or 'lines 1-3, 7': the lines a problem occurs on, compactly."""
    numbers = sorted(set(numbers))
    spans: list[str] = []
    start = previous = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == previous + 1:
            previous = n
            continue
        spans.append(str(start) if start == previous else f"{start}-{previous}")
        if n is not None:
            start = previous = n
    return ("line " if len(numbers) == 1 else "lines ") + ", ".join(spans)


@dataclass
class FileProblems:
    """Problems found in one file, grouped so that one problem on many lines is reported once."""

    path: Path
    grouped: dict[tuple[str, str], list[int]] = field(default_factory=dict)

    def add(self, line: int, where: str, message: str) -> None:
        """Record a problem; ``where`` is "field 'x'" or '' (the whole line)."""
        self.grouped.setdefault((where, message), []).append(line)

    def raise_if_any(self) -> None:
        """Raise one :class:`EvalInputError` listing every problem (one per line of the message)."""
        if not self.grouped:
            return
        problems = sorted(self.grouped.items(), key=lambda entry: min(entry[1]))
        lines = [
            f"{self.path}, {line_ranges(numbers)}{', ' + where if where else ''}: {message}"
            for (where, message), numbers in problems
        ]
        if len(lines) == 1:
            raise EvalInputError(lines[0])
        raise EvalInputError(f"{self.path}: {len(lines)} problems\n" + "\n".join(lines))


def _read_jsonl(path: Path, problems: FileProblems) -> list[tuple[int, Any]]:
    """(line number, parsed JSON) for each non-blank line; a line that is not JSON is a problem."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise EvalInputError(f"{path}: file not found") from exc
    except IsADirectoryError as exc:
        raise EvalInputError(f"{path}: is a folder, not a JSON Lines file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalInputError(f"{path}: cannot be read as UTF-8 text ({exc})") from exc
    out = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            out.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            problems.add(number, "", f"not valid JSON ({exc.msg} at column {exc.colno})")
    return out


def read_models(
    path: Path,
    model: type[ModelT],
    key_fields: tuple[str, ...] = ("id",),
    check: Callable[[ModelT], str | None] | None = None,
) -> tuple[list[tuple[int, ModelT]], dict[str, list[int]]]:
    """(line number, validated model) for every line, and the unknown fields with their lines.

    Every problem of the file (bad JSON, a field missing or of the wrong type, a repeated key, a
    ``check`` that returns a message) is collected and raised together as one :class:`EvalInputError`.
    The key (``key_fields`` of the line) is checked before validation, so a repeated id is reported
    even on a line with other problems.
    """
    problems = FileProblems(path)
    out: list[tuple[int, ModelT]] = []
    seen: dict[tuple[str, ...], int] = {}
    unknown: dict[str, list[int]] = {}
    for number, data in _read_jsonl(path, problems):
        if not isinstance(data, dict):
            problems.add(number, "", f"expected a JSON object, got {type(data).__name__}")
            continue
        parts = [data.get(name) for name in key_fields]
        identity = tuple(part for part in parts if isinstance(part, str))
        if len(identity) == len(key_fields):
            if identity in seen:
                shown = " / ".join(identity)
                problems.add(number, f"field '{key_fields[0]}'", f"{shown!r} already used on line {seen[identity]}")
            seen.setdefault(identity, number)
        try:
            item = model.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                where = ".".join(str(part) for part in error["loc"])
                problems.add(number, f"field '{where}'" if where else "", error["msg"])
            continue
        for name in item.model_extra or {}:
            unknown.setdefault(name, []).append(number)
        message = check(item) if check is not None else None
        if message:
            problems.add(number, "field 'id'", message)
            continue
        out.append((number, item))
    problems.raise_if_any()
    return out, unknown


def unknown_fields_warning(path: Path, unknown: dict[str, list[int]]) -> str | None:
    """The one warning line for a file's unknown fields (None when there are none)."""
    if not unknown:
        return None
    listed = "; ".join(f"{name!r} ({line_ranges(lines)})" for name, lines in unknown.items())
    return f"{path}: unknown field(s) kept in results.jsonl and otherwise ignored: {listed}"


@dataclass
class GoldSet:
    """A validated gold file: its items in file order and the warning about unknown fields, if any."""

    path: Path
    items: list[GoldItem]
    warnings: list[str] = field(default_factory=list)

    @property
    def splits(self) -> list[str]:
        """The split names the file uses, in order of first use."""
        return list(dict.fromkeys(i.split for i in self.items if i.split is not None))

    def select(self, split: str) -> list[GoldItem]:
        """The items of ``split`` plus the items without a split; 'all' is every item.

        A split name the file does not use is refused (unless no item has a split at all), so that a
        typo does not silently run only the items without a split.
        """
        if not split.strip():
            raise EvalInputError("the split name is empty")
        if split == ALL_SPLITS:
            return list(self.items)
        if self.splits and split not in self.splits:
            raise EvalInputError(
                f"{self.path}: no item has split {split!r}; its splits are {', '.join(self.splits)} "
                f"('{ALL_SPLITS}' runs every item)"
            )
        return [i for i in self.items if i.split in (None, split)]


def read_gold(path: Path) -> GoldSet:
    """Validate every line of a gold file; any problem raises :class:`EvalInputError` listing them all."""
    rows, unknown = read_models(path, GoldItem)
    if not rows:
        raise EvalInputError(f"{path}: no gold items")
    warning = unknown_fields_warning(path, unknown)
    return GoldSet(path, [item for _, item in rows], [warning] if warning else [])


def load_gold(path: Path, split: str = ALL_SPLITS) -> list[GoldItem]:
    """Gold items of ``split`` (see :meth:`GoldSet.select`); the unknown-fields warning is logged.

    Every line is validated (whatever the split) so that a broken test line is caught by a dev run too.
    """
    gold = read_gold(path)
    for warning in gold.warnings:
        logger.warning(warning)
    return gold.select(split)


def load_predictions(path: Path, gold_ids: set[str] | None = None) -> dict[str, Prediction]:
    """Predictions by item id; malformed lines, repeated ids and ids not in the gold set are all reported."""

    def known(prediction: Prediction) -> str | None:
        if gold_ids is not None and prediction.id not in gold_ids:
            return f"{prediction.id!r} is not a gold item id"
        return None

    rows, _ = read_models(path, Prediction, check=known)
    return {prediction.id: prediction for _, prediction in rows}


def load_results(path: Path) -> dict[tuple[str, str], EarlierResult]:
    """An earlier run's results.jsonl by (item id, system); ``path`` may be the run's folder."""
    if path.is_dir():
        path = path / "results.jsonl"
    rows, _ = read_models(path, EarlierResult, key_fields=("id", "system"))
    return {(r.id, r.system): r for _, r in rows}
