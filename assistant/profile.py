"""The corpus profile: how the chat presents one corpus (title, greeting, examples, what it covers).

Whatever is specific to a corpus lives in its own folder, never in code: ``<corpus_dir>/profile.toml``
holds the words a person sees first. Every field is optional; a missing one is derived from the
manifest (the documents' topics), so a new corpus works before anyone writes a profile for it.

```toml
ui_title = "Rare tumour documents assistant"
ui_description = "Answers from four documents ..."
greeting = "Hello! ..."
coverage = "glomangioma and chondroid lipoma"
example_questions = ["What is ...?", "How is ... treated?"]
```
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from assistant.corpus import DocumentInfo, read_manifest
from assistant.errors import CorpusError

PROFILE_NAME = "profile.toml"
MAX_EXAMPLES = 8  # more than this would push the question box off a phone screen

Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Paragraph = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1200)]


class CorpusProfile(BaseModel):
    """The words the chat shows for one corpus; ``load_profile`` fills the ones a file leaves out."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ui_title: Line = Field("Documents assistant", description="Page title and heading.")
    ui_description: Paragraph | None = Field(
        None, description="One or two sentences under the title: what the assistant answers from."
    )
    greeting: Paragraph | None = Field(
        None, description="Shown in the empty chat, and the reply to 'hi' or 'what can you do?'."
    )
    coverage: Line | None = Field(
        None, description="A short phrase naming what the documents cover ('X and Y'), used in messages."
    )
    example_questions: list[Line] = Field(
        default_factory=list, max_length=MAX_EXAMPLES, description="Questions a person can pick to start."
    )

    @classmethod
    def derived(cls, infos: list[DocumentInfo], max_names: int = 4, **given: object) -> CorpusProfile:
        """A profile with every field ``given`` leaves out derived from the manifest's documents.

        The derived coverage names the conditions without their aliases, and at most ``max_names`` of
        them ("12 conditions, for example A, B, C and D"), so messages stay short as the corpus grows."""
        topics = list(dict.fromkeys(topic for info in infos for topic in info.topics))
        names = sorted({re.sub(r"\s*\([^)]*\)", "", t).strip() for t in topics} - {""})
        shown = _join(names[:max_names])
        if len(names) > max_names:
            shown = f"{len(names)} conditions, for example {shown}"
        coverage = given.get("coverage") or shown or "the documents in this collection"
        count = len(infos)
        documents = f"{count} document{'' if count == 1 else 's'}"
        defaults: dict[str, object] = {
            "coverage": coverage,
            "ui_description": f"Answers from {documents} about {coverage}, quoting them and citing every sentence.",
            "greeting": (
                f"Hello! I answer questions from {documents} about {coverage}, and I show where every "
                "sentence comes from. I give information, not medical advice."
            ),
            "example_questions": [q for topic in topics[:2] for q in (f"What is {topic}?", f"How is {topic} treated?")],
        }
        values = {**defaults, **{k: v for k, v in given.items() if v not in (None, [], "")}}
        return cls.model_validate(values)


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + (" and " + items[-1] if items else "")


def load_profile(corpus_dir: Path, max_names: int = 4) -> CorpusProfile:
    """The corpus's profile (``profile.toml``, if any) with missing fields derived from its manifest.

    A file that is not valid TOML, or a field of the wrong type, length or name, raises
    :class:`CorpusError` naming the file and the field.
    """
    corpus_dir = Path(corpus_dir)
    path = corpus_dir / PROFILE_NAME
    given: dict[str, object] = {}
    if path.is_file():
        try:
            given = tomllib.loads(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError as exc:
            raise CorpusError(f"{path}: not UTF-8 text (byte {exc.start} is invalid)") from exc
        except tomllib.TOMLDecodeError as exc:
            raise CorpusError(f"{path}: not valid TOML ({exc})") from exc
        try:  # check the file's own values first, so an error names what the file says
            CorpusProfile.model_validate(given)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "(top level)"
            raise CorpusError(f"{path}: field '{field}': {first['msg']}") from exc
    return CorpusProfile.derived(read_manifest(corpus_dir), max_names, **given)
