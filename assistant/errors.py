"""Exception types the API raises; the CLI and UI turn them into clear messages."""


class AssistantError(Exception):
    """Base class for every error the assistant reports to a person."""


class InvalidQuestionError(AssistantError, ValueError):
    """The question is empty, too long, or not text."""


class CorpusError(AssistantError):
    """A document or manifest entry cannot be used; the message names the file."""


class StaleIndexError(AssistantError):
    """The stored index was built from another corpus or other settings (and rebuilding is off)."""


class IndexCorruptError(AssistantError):
    """A stored index file is missing, truncated or corrupt; `assistant index --rebuild` mends it."""
