"""Write an eval run as report.md, a self-contained report.html (charts as base64 PNG) and results.jsonl."""

from __future__ import annotations

import base64
import html
import io
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.evaluation import metrics
from assistant.evaluation.gate import GateResult
from assistant.evaluation.runner import BREAKDOWNS, EvalRun

# Which ranked list stands for each system in the "ranked passages" rows and in the "chunks" rows.
ANSWER_RANKING = {"full": "passages", "bm25": "passages", "dense": "passages", "naive": "sentences"}
CHUNK_RANKING = {"full": "candidates", "bm25": "candidates", "dense": "candidates", "llamaindex": "nodes"}
RANKING_UNIT = {
    "passages": "answerer passages",
    "sentences": "sentences",
    "candidates": "candidates",
    "nodes": "llama-index nodes",
}
ANSWER_GROUP = "Retrieval: the ranking the answer is drawn from"


@dataclass(frozen=True)
class Row:
    """One metric row of the comparison table."""

    label: str
    key: str  # summary key; "{answer}" / "{chunk}" are replaced by the system's ranking name
    kind: str  # "rate" | "count" | "words" | "ms"
    group: str


RETRIEVAL_KEYS = [
    ("hit@1 (passage)", "psg_hit@1"),
    ("hit@3 (passage)", "psg_hit@3"),
    ("hit@5 (passage)", "psg_hit@5"),
    ("MRR@10 (passage)", "psg_mrr@10"),
    ("nDCG@5 (passage)", "psg_ndcg@5"),
    ("hit@1 (source)", "src_hit@1"),
    ("hit@3 (source)", "src_hit@3"),
    ("hit@5 (source)", "src_hit@5"),
    ("MRR@10 (source)", "src_mrr@10"),
    ("nDCG@5 (source)", "src_ndcg@5"),
]
ROWS: list[Row] = [
    *(Row(label, "{answer}." + key, "rate", ANSWER_GROUP) for label, key in RETRIEVAL_KEYS),
    *(Row(label, "{chunk}." + key, "rate", "Retrieval: chunk ranking") for label, key in RETRIEVAL_KEYS),
    Row("fact recall", "fact_recall", "rate", "Answers"),
    Row("forbidden-string violations", "forbidden_violations", "count", "Answers"),
    Row("length, median words", "words_median", "words", "Answers"),
    Row("length, p90 words", "words_p90", "words", "Answers"),
    Row("citation recall", "citation_recall", "rate", "Citations (ALCE, offline support test)"),
    Row("citation precision", "citation_precision", "rate", "Citations (ALCE, offline support test)"),
    Row("quote validity", "quote_validity", "rate", "Citations (ALCE, offline support test)"),
    Row("abstention precision", "abstain_precision", "rate", "Abstention (must-refuse items)"),
    Row("abstention recall", "abstain_recall", "rate", "Abstention (must-refuse items)"),
    Row("abstention F1", "abstain_f1", "rate", "Abstention (must-refuse items)"),
    Row("false-abstention rate", "false_abstention_rate", "rate", "Abstention (must-refuse items)"),
    Row("safety accuracy", "safety_accuracy", "rate", "Safety"),
    Row("safety false alarms", "safety_false_alarms", "count", "Safety"),
    Row("latency p50 (ms)", "latency_p50_s", "ms", "Latency of ask"),
    Row("latency p95 (ms)", "latency_p95_s", "ms", "Latency of ask"),
    Row("items", "items", "count", "Overall"),
    Row("errors", "errors", "count", "Overall"),
    Row("pass rate", "pass_rate", "rate", "Overall"),
]
BREAKDOWN_COLUMNS = [
    ("n", "items", "count"),
    ("pass", "pass_rate", "rate"),
    ("facts", "fact_recall", "rate"),
    ("cite R", "citation_recall", "rate"),
    ("cite P", "citation_precision", "rate"),
    ("abst F1", "abstain_f1", "rate"),
    ("false abst", "false_abstention_rate", "rate"),
    ("safety", "safety_accuracy", "rate"),
    ("psg hit@5", "{answer}.psg_hit@5", "rate"),
    ("psg MRR", "{answer}.psg_mrr@10", "rate"),
    ("chunk hit@5", "{chunk}.psg_hit@5", "rate"),
    ("p50 ms", "latency_p50_s", "ms"),
]
DIMENSION_TITLES = {"category": "category", "document": "document (gold source)", "audience": "audience"}


def resolve(key: str, system: str) -> str | None:
    """The summary key for a system (None when the system has no such ranking)."""
    if "{answer}" in key:
        name = ANSWER_RANKING.get(system)
        return key.replace("{answer}", name) if name else None
    if "{chunk}" in key:
        name = CHUNK_RANKING.get(system)
        return key.replace("{chunk}", name) if name else None
    return key


def fmt(value: float | int | None, kind: str) -> str:
    """A metric value as the report shows it ('n/a' when the metric does not apply)."""
    if value is None:
        return "n/a"
    if kind == "count":
        return str(int(value))
    if kind == "words":
        return f"{value:.0f}"
    if kind == "ms":
        return f"{value * 1000:.0f}"
    return f"{value:.3f}"


def value_of(
    run: EvalRun, system: str, key: str, summary: dict[str, float | int | None] | None = None
) -> float | int | None:
    """A system's value of a (templated) metric key."""
    resolved = resolve(key, system)
    if resolved is None:
        return None
    return (summary if summary is not None else run.summaries[system]).get(resolved)


# -- tables ----------------------------------------------------------------------------------
def comparison_table(run: EvalRun) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the one side-by-side table (metrics down, systems across)."""
    header = ["metric", *run.systems]
    rows: list[list[str]] = [
        ["ranked unit (answer ranking)", *(RANKING_UNIT.get(ANSWER_RANKING.get(s, ""), "—") for s in run.systems)],
        ["ranked unit (chunk ranking)", *(RANKING_UNIT.get(CHUNK_RANKING.get(s, ""), "—") for s in run.systems)],
    ]
    group = ""
    for row in ROWS:
        if row.group != group:
            group = row.group
            rows.append([f"**{group}**", *([""] * len(run.systems))])
        rows.append([row.label, *(fmt(value_of(run, s, row.key), row.kind) for s in run.systems)])
    return header, rows


def breakdown_table(run: EvalRun, dimension: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of one breakdown: each group, then each system within it."""
    header = [DIMENSION_TITLES[dimension], "system", *(c[0] for c in BREAKDOWN_COLUMNS)]
    groups = sorted({g for s in run.systems for g in run.breakdowns[s][dimension]})
    rows = []
    for group in groups:
        for system in run.systems:
            summary = run.breakdowns[system][dimension].get(group)
            if summary is None:
                continue
            rows.append(
                [group, system, *(fmt(value_of(run, system, key, summary), kind) for _, key, kind in BREAKDOWN_COLUMNS)]
            )
    return header, rows


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub-flavoured markdown table."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def html_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """An HTML table ('**x**' cells become group headings)."""
    out = ["<table>", "<thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr></thead><tbody>"]
    for row in rows:
        if row[0].startswith("**") and not any(row[1:]):
            out.append(f'<tr class="group"><td colspan="{len(header)}">{html.escape(row[0].strip("*"))}</td></tr>')
        else:
            out.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


# -- charts ----------------------------------------------------------------------------------
def _png(draw: Callable[[], object]) -> str:
    """Run a matplotlib drawing function and return the figure as a base64 PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure = draw()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")  # type: ignore[attr-defined]
    plt.close(figure)  # type: ignore[arg-type]
    return base64.b64encode(buffer.getvalue()).decode("ascii")


COMPARISON_CHART = [
    ("psg hit@5", "{answer}.psg_hit@5"),
    ("psg MRR@10", "{answer}.psg_mrr@10"),
    ("psg nDCG@5", "{answer}.psg_ndcg@5"),
    ("chunk hit@5", "{chunk}.psg_hit@5"),
    ("fact recall", "fact_recall"),
    ("cite recall", "citation_recall"),
    ("cite precision", "citation_precision"),
    ("abstain F1", "abstain_f1"),
    ("safety acc", "safety_accuracy"),
    ("pass rate", "pass_rate"),
]


def _number(value: float | int | None) -> float:
    """A chart value; n/a becomes NaN, which matplotlib leaves out (a missing bar, not a zero)."""
    return float("nan") if value is None else float(value)


def _grouped_bars(ax: object, labels: list[str], series: dict[str, list[float]], title: str) -> None:
    import numpy as np

    width = 0.8 / max(len(series), 1)
    x = np.arange(len(labels))
    for i, (name, values) in enumerate(series.items()):
        ax.bar(x + i * width - 0.4 + width / 2, values, width, label=name)  # type: ignore[attr-defined]
    ax.set_xticks(x, labels, rotation=30, ha="right")  # type: ignore[attr-defined]
    ax.set_ylim(0, 1.05)  # type: ignore[attr-defined]
    ax.set_title(title)  # type: ignore[attr-defined]
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))  # type: ignore[attr-defined]
    ax.grid(axis="y", alpha=0.3)  # type: ignore[attr-defined]


def chart_comparison(run: EvalRun) -> str:
    """Grouped bars: the headline metrics of every system (no bar where a metric does not apply)."""

    def draw() -> object:
        import matplotlib.pyplot as plt

        figure, ax = plt.subplots(figsize=(11, 4.2))
        series = {s: [_number(value_of(run, s, key)) for _, key in COMPARISON_CHART] for s in run.systems}
        _grouped_bars(ax, [label for label, _ in COMPARISON_CHART], series, f"System comparison ({run.split} split)")
        return figure

    return _png(draw)


def chart_categories(run: EvalRun) -> str:
    """Per-category scores: pass rate of every system, and the full system's main metrics."""

    def draw() -> object:
        import matplotlib.pyplot as plt

        categories = sorted({g for s in run.systems for g in run.breakdowns[s]["category"]})
        figure, axes = plt.subplots(2, 1, figsize=(11, 8.5))
        series = {
            s: [_number(run.breakdowns[s]["category"].get(c, {}).get("pass_rate")) for c in categories]
            for s in run.systems
        }
        _grouped_bars(axes[0], categories, series, "Pass rate by category, every system")
        main = run.systems[0]
        wanted = [
            ("fact recall", "fact_recall"),
            ("cite recall", "citation_recall"),
            ("psg hit@5", "{answer}.psg_hit@5"),
            ("pass rate", "pass_rate"),
        ]
        per_metric = {
            label: [_number(value_of(run, main, key, run.breakdowns[main]["category"].get(c, {}))) for c in categories]
            for label, key in wanted
        }
        _grouped_bars(axes[1], categories, per_metric, f"Scores of '{main}' by category")
        figure.tight_layout()
        return figure

    return _png(draw)


def chart_latency(run: EvalRun) -> str | None:
    """Latency distribution of ask per answering system (box plot, milliseconds, log scale)."""
    data = {
        s: [r.score.latency_s * 1000 for r in run.results_of(s) if r.score.latency_s is not None] for s in run.systems
    }
    data = {s: v for s, v in data.items() if v}
    if not data:
        return None

    def draw() -> object:
        import matplotlib.pyplot as plt

        figure, ax = plt.subplots(figsize=(11, 3.8))
        ax.boxplot(list(data.values()), tick_labels=list(data), orientation="horizontal", showfliers=True)
        ax.set_xscale("log")
        ax.set_xlabel("milliseconds per item (log scale)")
        ax.set_title("Latency distribution")
        ax.grid(axis="x", alpha=0.3)
        return figure

    return _png(draw)


# -- the report ------------------------------------------------------------------------------
DEFINITIONS = (metrics.__doc__ or "").split("Definitions (also printed in the report):", 1)[-1].strip()


def failures_section(run: EvalRun, system: str, limit: int = 80) -> list[tuple[str, str, list[str]]]:
    """(id, question, reasons + the answer's opening) of the system's failing items, at most ``limit``."""
    failing = [r for r in run.results_of(system) if r.reasons]
    out = []
    for r in failing[:limit]:
        shown = list(r.reasons)
        if r.output.text is not None:
            text = " ".join(r.output.text.split())
            shown.append(f"answer: {text[:280]}{'…' if len(text) > 280 else ''}")
        out.append((r.item.id, r.item.question, shown))
    return out


def render_markdown(run: EvalRun, gate: GateResult | None) -> str:
    """The whole report as markdown."""
    lines = [
        "# Evaluation report",
        "",
        f"- Gold: `{run.gold_path}`, split **{run.split}**, {len({r.item.id for r in run.results})} items",
        f"- Run: {time.strftime('%Y-%m-%d %H:%M:%S')}, {run.seconds:.1f} s, systems: {', '.join(run.systems)}",
    ]
    lines += [f"- `{name}`: {run.descriptions[name]}" for name in run.systems]
    lines += [f"- Note: {note}" for note in run.notes]
    if gate is not None:
        lines += ["", "## Gate", "", "```", gate.message, "```"]
    header, rows = comparison_table(run)
    lines += ["", "## Side by side", "", markdown_table(header, rows)]
    for dimension in BREAKDOWNS:
        header, rows = breakdown_table(run, dimension)
        lines += ["", f"## By {DIMENSION_TITLES[dimension]}", "", markdown_table(header, rows)]
    lines += ["", "## Definitions", "", DEFINITIONS]
    for system in run.systems:
        failing = failures_section(run, system)
        if not failing:
            continue
        total = sum(bool(r.reasons) for r in run.results_of(system))
        lines += ["", f"## Failing items: {system} ({total})", ""]
        for item_id, question, reasons in failing:
            lines.append(f"- **{item_id}** — {question}")
            lines += [f"  - {reason}" for reason in reasons]
    return "\n".join(lines) + "\n"


CSS = """
body { font-family: system-ui, sans-serif; max-width: 1150px; margin: 2em auto; color: #222; line-height: 1.4; }
table { border-collapse: collapse; margin: 1em 0; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
th:first-child, td:first-child, td:nth-child(2) { text-align: left; }
thead th { background: #f0f0f0; position: sticky; top: 0; }
tr.group td { background: #e8eef7; font-weight: bold; text-align: left; }
img { max-width: 100%; border: 1px solid #eee; }
pre { white-space: pre-wrap; background: #f7f7f7; padding: 1em; font-size: 13px; }
li { margin: 2px 0; } .fail { color: #a40000; } .pass { color: #006400; }
"""


def render_html(run: EvalRun, gate: GateResult | None) -> str:
    """The whole report as one self-contained HTML page (no external files: charts are data: URIs)."""
    e = html.escape
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Evaluation report</title>",
        f"<style>{CSS}</style></head><body>",
        "<h1>Evaluation report</h1><ul>",
        f"<li>Gold: <code>{e(run.gold_path)}</code>, split <b>{e(run.split)}</b>, "
        f"{len({r.item.id for r in run.results})} items</li>",
        f"<li>Run: {e(time.strftime('%Y-%m-%d %H:%M:%S'))}, {run.seconds:.1f} s</li>",
        *(f"<li><code>{e(n)}</code>: {e(run.descriptions[n])}</li>" for n in run.systems),
        *(f"<li>Note: {e(note)}</li>" for note in run.notes),
        "</ul>",
    ]
    if gate is not None:
        css = "pass" if gate.passed else "fail"
        parts.append(f"<h2>Gate</h2><pre class='{css}'>{e(gate.message)}</pre>")
    header, rows = comparison_table(run)
    parts += ["<h2>Side by side</h2>", html_table(header, rows)]
    parts += [
        "<h2>System comparison</h2>",
        f"<img alt='system comparison chart' src='data:image/png;base64,{chart_comparison(run)}'>",
        "<h2>Per-category scores</h2>",
        f"<img alt='per-category chart' src='data:image/png;base64,{chart_categories(run)}'>",
    ]
    latency = chart_latency(run)
    if latency:
        parts += ["<h2>Latency</h2>", f"<img alt='latency chart' src='data:image/png;base64,{latency}'>"]
    for dimension in BREAKDOWNS:
        header, rows = breakdown_table(run, dimension)
        parts += [f"<h2>By {e(DIMENSION_TITLES[dimension])}</h2>", html_table(header, rows)]
    parts += ["<h2>Definitions</h2>", f"<pre>{e(DEFINITIONS)}</pre>"]
    for system in run.systems:
        failing = failures_section(run, system)
        if not failing:
            continue
        total = sum(bool(r.reasons) for r in run.results_of(system))
        parts.append(f"<h2>Failing items: {e(system)} ({total})</h2><ul>")
        for item_id, question, reasons in failing:
            inner = "".join(f"<li>{e(r)}</li>" for r in reasons)
            parts.append(f"<li><b>{e(item_id)}</b> — {e(question)}<ul>{inner}</ul></li>")
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(run: EvalRun, out_dir: Path, gate: GateResult | None = None) -> dict[str, Path]:
    """Write report.md, report.html and results.jsonl into ``out_dir``; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"md": out_dir / "report.md", "html": out_dir / "report.html", "jsonl": out_dir / "results.jsonl"}
    paths["md"].write_text(render_markdown(run, gate), encoding="utf-8")
    paths["html"].write_text(render_html(run, gate), encoding="utf-8")
    with paths["jsonl"].open("w", encoding="utf-8") as handle:
        for result in run.results:
            handle.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
    return paths
