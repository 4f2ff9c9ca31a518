"""Gold items and predictions: pydantic models, and loaders that name the file, line and field of a bad line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.errors import AssistantError
from assistant.schema import Citation

SAFETY_LABELS = ("emergency", "treatment_decision", "chitchat")


class EvalInputError(AssistantError):
    """A gold or predictions file cannot be used; the message names the file, the line and the field."""


class Turn(BaseModel):
    """One earlier message of a conversation."""

    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant"]
    content: str


class GoldItem(BaseModel):
    """One gold question with what a correct answer must (and must not) contain."""

    # Unknown keys are refused: a typo such as "fact" for "facts" would otherwise silently make an
    # item trivially pass. Free-text remarks go in "notes".
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    split: Literal["dev", "test"]
    question: str = Field(min_length=1)
    history: list[Turn] = Field(default_factory=list)
    answerable: bool
    facts: list[list[str]] = Field(
        default_factory=list, description="Groups that must all appear; any one alternative of a group suffices."
    )
    sources: list[str] = Field(default_factory=list, description="Source ids holding the answer.")
    passages: list[str] = Field(default_factory=list, description="Verbatim gold evidence.")
    forbidden: list[str] = Field(default_factory=list, description="Strings that must not appear in the answer.")
    safety: Literal["emergency", "treatment_decision", "chitchat"] | None = None
    category: str = Field(min_length=1)
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
    safety: Literal["emergency", "treatment_decision", "chitchat"] | None = None
    notice: str | None = None
    latency_s: float | None = Field(None, ge=0)


ModelT = TypeVar("ModelT", bound=BaseModel)


def _read_jsonl(path: Path) -> list[tuple[int, Any]]:
    """(line number, parsed JSON) for each non-blank line; bad JSON names the line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise EvalInputError(f"{path}: file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalInputError(f"{path}: cannot be read as UTF-8 text ({exc})") from exc
    out = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            out.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise EvalInputError(f"{path}, line {number}: not valid JSON ({exc.msg} at column {exc.colno})") from exc
    return out


def _read_models(path: Path, model: type[ModelT]) -> list[tuple[int, ModelT]]:
    """(line number, validated model) for each line, with the first id repeated on two lines refused."""
    out: list[tuple[int, ModelT]] = []
    seen: dict[str, int] = {}
    for number, data in _read_jsonl(path):
        if not isinstance(data, dict):
            raise EvalInputError(f"{path}, line {number}: expected a JSON object, got {type(data).__name__}")
        try:
            item = model.model_validate(data)
        except ValidationError as exc:
            raise EvalInputError(_validation_message(path, number, exc)) from exc
        item_id = str(getattr(item, "id", ""))
        if item_id in seen:
            raise EvalInputError(f"{path}, line {number}, field 'id': {item_id!r} already used on line {seen[item_id]}")
        seen[item_id] = number
        out.append((number, item))
    return out


def _validation_message(path: Path, number: int, exc: ValidationError) -> str:
    first = exc.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or "(the line)"
    more = f" (and {exc.error_count() - 1} more problem(s))" if exc.error_count() > 1 else ""
    return f"{path}, line {number}, field '{field}': {first['msg']}{more}"


def load_gold(path: Path, split: str = "all") -> list[GoldItem]:
    """Gold items of ``split`` ('dev', 'test' or 'all'); any malformed line raises :class:`EvalInputError`.

    Every line is validated (whatever the split) so that a broken test line is caught by a dev run too.
    """
    if split not in ("dev", "test", "all"):
        raise EvalInputError(f"split must be dev, test or all, not {split!r}")
    items = [item for _, item in _read_models(path, GoldItem)]
    if not items:
        raise EvalInputError(f"{path}: no gold items")
    return [i for i in items if split == "all" or i.split == split]


def load_predictions(path: Path, gold_ids: set[str] | None = None) -> dict[str, Prediction]:
    """Predictions by item id; a malformed line, a repeated id or an id not in the gold set raises."""
    predictions: dict[str, Prediction] = {}
    for number, prediction in _read_models(path, Prediction):
        if gold_ids is not None and prediction.id not in gold_ids:
            raise EvalInputError(f"{path}, line {number}, field 'id': {prediction.id!r} is not a gold item id")
        predictions[prediction.id] = prediction
    return predictions
