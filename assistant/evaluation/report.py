"""Write an eval run as report.md, a self-contained report.html (charts as base64 PNG) and results.jsonl."""

from __future__ import annotations

import base64
import html
import io
import json
import math
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
# A row or column whose every value is n/a (a gold file without passages has no passage rankings to
# score, a predictions file no latency) is left out: it would only say that nothing was measured.
RANKED_UNIT_ROWS = {ANSWER_GROUP: ("answer", ANSWER_RANKING), "Retrieval: chunk ranking": ("chunk", CHUNK_RANKING)}


def comparison_table(run: EvalRun) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the one side-by-side table (metrics down, systems across), rows with data only."""
    header = ["metric", *run.systems]
    rows: list[list[str]] = []
    groups = list(dict.fromkeys(row.group for row in ROWS))
    for group in groups:
        values = [(row, [value_of(run, s, row.key) for s in run.systems]) for row in ROWS if row.group == group]
        shown = [[row.label, *(fmt(v, row.kind) for v in vs)] for row, vs in values if any(v is not None for v in vs)]
        if not shown:
            continue
        rows.append([f"**{group}**", *([""] * len(run.systems))])
        if group in RANKED_UNIT_ROWS:
            what, ranking = RANKED_UNIT_ROWS[group]
            rows.append(
                [f"ranked unit ({what} ranking)", *(RANKING_UNIT.get(ranking.get(s, ""), "—") for s in run.systems)]
            )
        rows += shown
    return header, rows


def breakdown_groups(run: EvalRun, dimension: str) -> list[str]:
    """The groups of one breakdown, sorted."""
    return sorted({g for s in run.systems for g in run.breakdowns[s][dimension]})


def breakdown_table(run: EvalRun, dimension: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of one breakdown: each group, then each system within it (columns with data only)."""
    entries = []
    for group in breakdown_groups(run, dimension):
        for system in run.systems:
            summary = run.breakdowns[system][dimension].get(group)
            if summary is not None:
                entries.append(
                    (group, system, [value_of(run, system, key, summary) for _, key, _ in BREAKDOWN_COLUMNS])
                )
    kept = [i for i in range(len(BREAKDOWN_COLUMNS)) if any(values[i] is not None for _, _, values in entries)]
    header = [DIMENSION_TITLES[dimension], "system", *(BREAKDOWN_COLUMNS[i][0] for i in kept)]
    rows = [
        [group, system, *(fmt(values[i], BREAKDOWN_COLUMNS[i][2]) for i in kept)] for group, system, values in entries
    ]
    return header, rows


def shown_breakdowns(run: EvalRun) -> list[str]:
    """The breakdowns worth a table: those with at least two groups (one group only repeats the overall row)."""
    return [d for d in BREAKDOWNS if len(breakdown_groups(run, d)) >= 2]


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub-flavoured markdown table."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def html_table(header: Sequence[str], rows: Sequence[Sequence[str]], css: str = "") -> str:
    """An HTML table ('**x**' cells become group headings)."""
    out = [
        f"<table class='{css}'>" if css else "<table>",
        "<thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr></thead><tbody>",
    ]
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


def chart_comparison(run: EvalRun) -> str | None:
    """Grouped bars: the headline metrics of every system (metrics no system has are left out)."""
    metrics_shown = [
        (label, key) for label, key in COMPARISON_CHART if any(value_of(run, s, key) is not None for s in run.systems)
    ]
    if not metrics_shown:
        return None

    def draw() -> object:
        import matplotlib.pyplot as plt

        figure, ax = plt.subplots(figsize=(11, 4.2))
        series = {s: [_number(value_of(run, s, key)) for _, key in metrics_shown] for s in run.systems}
        _grouped_bars(ax, [label for label, _ in metrics_shown], series, f"System comparison ({run.split} split)")
        return figure

    return _png(draw)


def chart_categories(run: EvalRun) -> str | None:
    """Per-category scores: pass rate of every system, and the first system's main metrics (None when
    the items have fewer than two categories)."""
    if "category" not in shown_breakdowns(run):
        return None
    categories = breakdown_groups(run, "category")
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
    per_metric = {label: values for label, values in per_metric.items() if not all(math.isnan(v) for v in values)}

    def draw() -> object:
        import matplotlib.pyplot as plt

        figure, axes = plt.subplots(2, 1, figsize=(11, 8.5))
        series = {
            s: [_number(run.breakdowns[s]["category"].get(c, {}).get("pass_rate")) for c in categories]
            for s in run.systems
        }
        _grouped_bars(axes[0], categories, series, "Pass rate by category, every system")
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


def header_facts(run: EvalRun) -> list[str]:
    """The run's facts as plain sentences: gold file, split and items, corpus, settings overrides, notes."""
    items = len({r.item.id for r in run.results})
    split = f"split {run.split}" if run.split != "all" else "every split"
    facts = [f"Gold: {run.gold_path}, {split}, {items} items"]
    if run.unsplit and run.split != "all":
        facts[0] += f" ({run.unsplit} of them without a split, so in every split's run)"
    elif run.unsplit:
        facts[0] += f" ({run.unsplit} without a split)"
    if run.corpus:
        facts.append(f"Corpus: {' + '.join(run.corpus)}")
    if run.overrides:
        facts.append("Settings overridden for this run: " + ", ".join(f"{k}={v}" for k, v in run.overrides.items()))
    facts.append(f"Run: {time.strftime('%Y-%m-%d %H:%M:%S')}, {run.seconds:.1f} s, systems: {', '.join(run.systems)}")
    facts += [f"{name}: {run.descriptions[name]}" for name in run.systems]
    facts += [f"Note: {note}" for note in run.notes]
    return facts


def _one_line(text: str | None) -> str:
    return "(no answer)" if text is None else " ".join(text.split())


def changes_rows(run: EvalRun) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the changed-verdict table: both answers side by side, with the failing side's reasons."""
    header = ["item", "system", "earlier", "now", "earlier answer", "this answer"]
    rows = []
    assert run.comparison is not None
    for change in sorted(run.comparison.changes, key=lambda c: (c.passed_now, c.system, c.item_id)):
        before = "pass" if change.passed_before else "fail: " + "; ".join(change.reasons_before)
        now = "pass" if change.passed_now else "fail: " + "; ".join(change.reasons_now)
        rows.append(
            [f"{change.item_id}: {change.question}", change.system, before, now,
             _one_line(change.text_before), _one_line(change.text_now)]
        )  # fmt: skip
    return header, rows


def render_markdown(run: EvalRun, gate: GateResult | None) -> str:
    """The whole report as markdown."""
    lines = ["# Evaluation report", ""]
    lines += [f"- {fact}" for fact in header_facts(run)]
    if gate is not None:
        lines += ["", "## Gate", "", "```", gate.message, "```"]
    if run.comparison is not None:
        lines += ["", "## Changed since the earlier run", "", run.comparison.summary()]
        if run.comparison.changes:
            lines += ["", markdown_table(*changes_rows(run))]
    header, rows = comparison_table(run)
    lines += ["", "## Side by side", "", markdown_table(header, rows)]
    for dimension in shown_breakdowns(run):
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
table.changes td { text-align: left; vertical-align: top; max-width: 30em; }
"""


def render_html(run: EvalRun, gate: GateResult | None) -> str:
    """The whole report as one self-contained HTML page (no external files: charts are data: URIs)."""
    e = html.escape
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Evaluation report</title>",
        f"<style>{CSS}</style></head><body>",
        "<h1>Evaluation report</h1><ul>",
        *(f"<li>{e(fact)}</li>" for fact in header_facts(run)),
        "</ul>",
    ]
    if gate is not None:
        css = "pass" if gate.passed else "fail"
        parts.append(f"<h2>Gate</h2><pre class='{css}'>{e(gate.message)}</pre>")
    if run.comparison is not None:
        parts += ["<h2>Changed since the earlier run</h2>", f"<p>{e(run.comparison.summary())}</p>"]
        if run.comparison.changes:
            parts.append(html_table(*changes_rows(run), css="changes"))
    header, rows = comparison_table(run)
    parts += ["<h2>Side by side</h2>", html_table(header, rows)]
    charts = [
        ("System comparison", chart_comparison(run)),
        ("Per-category scores", chart_categories(run)),
        ("Latency", chart_latency(run)),
    ]
    for title, png in charts:
        if png:
            parts += [f"<h2>{e(title)}</h2>", f"<img alt='{e(title.lower())} chart' src='data:image/png;base64,{png}'>"]
    for dimension in shown_breakdowns(run):
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
