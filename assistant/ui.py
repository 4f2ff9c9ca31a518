"""Chat UI (Gradio): a thin adapter over :class:`assistant.Assistant`."""

from __future__ import annotations

import gradio as gr

from assistant import Assistant
from assistant.errors import InvalidQuestionError
from assistant.settings import Settings


def build_app(bot: Assistant) -> gr.Blocks:
    """The chat app for an already-loaded assistant."""

    def respond(message: str, history: list[dict[str, str]]) -> str:
        turns = [{"role": t["role"], "content": str(t["content"])} for t in history if isinstance(t, dict)]
        try:
            return bot.ask(message, history=turns).text
        except InvalidQuestionError as exc:
            return f"Sorry, I can't use that message: {exc}."

    return gr.ChatInterface(respond, title="Rare tumour documents assistant")


def serve(settings: Settings, host: str, port: int) -> None:
    """Load the assistant and serve the chat on host:port until interrupted."""
    bot = Assistant.load(settings, show_progress=True)
    build_app(bot).queue(default_concurrency_limit=4).launch(server_name=host, server_port=port)
