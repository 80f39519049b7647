"""Turns one benchmark's results (JSON) into the Markdown summary and the PNG plots."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, List, Optional, Tuple

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402

# (label, how to read the figure from the results, comparison, target) for the targets table.
Target = Tuple[str, Callable[[dict], Optional[float]], str, float]


def _level(results: dict, stack: str, concurrency: int, route: str = "webhook") -> dict:
    for level in results.get("latency", {}).get(stack, {}).get(route, []):
        if level["concurrency"] == concurrency:
            return level
    return {}


def _get(read: Callable[[dict], Optional[float]], results: dict) -> Optional[float]:
    try:
        return read(results)
    except (KeyError, TypeError, ZeroDivisionError):
        return None


def _throughput_ratio(results: dict) -> float:
    return (_level(results, "ours", 10)["messages_per_second"]
            / _level(results, "starter", 10)["messages_per_second"])


TARGETS: List[Target] = [
    ("held-out macro-F1", lambda r: r["quality"]["ours"]["scores"]["macro_f1"], ">=", 0.92),
    ("crisis recall (with safety net)", lambda r: r["quality"]["ours"]["scores"]["crisis_recall"],
     ">=", 1.0),
    ("false-alarm rate", lambda r: r["quality"]["ours"]["scores"]["false_alarm_rate"], "<=", 0.02),
    ("p50 at 10 conversations (ms)", lambda r: _level(r, "ours", 10)["p50_ms"], "<=", 25),
    ("p95 at 10 conversations (ms)", lambda r: _level(r, "ours", 10)["p95_ms"], "<=", 80),
    ("throughput at 10 / starter bot's", _throughput_ratio, ">=", 3.0),
    ("training time (s)", lambda r: r["training"]["ours"]["seconds"], "<=", 180),
    ("Rasa server peak RSS (MB)",
     lambda r: r["latency"]["ours"]["memory_after_load"]["rasa-server"]["peak_rss_mb"], "<=", 1200),
]


def _fmt(value: Optional[float]) -> str:
    if value is None:
        return "not measured"
    if isinstance(value, int):
        return str(value)
    return f"{value:.3f}" if value < 10 else f"{value:.0f}"


def targets_table(results: dict) -> List[str]:
    lines = ["| figure | measured | target | met |", "| --- | --- | --- | --- |"]
    for label, read, comparison, target in TARGETS:
        value = _get(read, results)
        met = "-" if value is None else (
            "yes" if (value >= target if comparison == ">=" else value <= target) else "**no**")
        lines.append(f"| {label} | {_fmt(value)} | {comparison} {target} | {met} |")
    return lines


def quality_table(quality: dict) -> List[str]:
    names = [n for n in ("ours", "rasa_default", "tfidf_logreg") if n in quality]
    rows = [("accuracy", "accuracy"), ("macro-F1", "macro_f1"), ("crisis recall", "crisis_recall"),
            ("crisis disclosures missed", "crisis_missed"), ("false-alarm rate", "false_alarm_rate"),
            ("false alarms", "false_alarms")]
    lines = ["| | " + " | ".join(names) + (" | ours without safety net |" if "ours" in quality else " |"),
             "| --- " * (len(names) + 1 + ("ours" in quality)) + "|"]
    for label, key in rows:
        cells = [_fmt(quality[n]["scores"][key]) for n in names]
        if "ours" in quality:
            cells.append(_fmt(quality["ours"]["without_safety_net"][key]))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += ["", "Per-intent F1:", "", "| intent | " + " | ".join(names) + " |",
              "| --- " * (len(names) + 1) + "|"]
    for intent in quality[names[0]]["scores"]["per_intent_f1"]:
        cells = [_fmt(quality[n]["scores"]["per_intent_f1"].get(intent)) for n in names]
        lines.append(f"| {intent} | " + " | ".join(cells) + " |")
    return lines


# (stack, route, label) of every latency series, in the tables' and plots' order.
SERIES = (("ours", "webhook", "ours, webhook"),
          ("ours", "model_parse", "ours, /model/parse (floor)"),
          ("starter", "webhook", "starter bot, webhook"),
          ("ours_workers", "webhook", "ours, 2 Rasa workers + Redis locks, webhook"))


def latency_table(latency: dict) -> List[str]:
    lines = ["| target | conversations | messages | errors | p50 ms | p95 ms | p99 ms | msg/s |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for stack, route, label in SERIES:
        for level in latency.get(stack, {}).get(route, []):
            lines.append(f"| {label} | {level['concurrency']} | {level['messages']} | "
                         f"{level['errors']} | {level['p50_ms']} | {level['p95_ms']} | "
                         f"{level['p99_ms']} | {level['messages_per_second']} |")
    return lines


def resources_table(results: dict) -> List[str]:
    columns = ("ours", "starter", "rasa_default", "ours_workers")
    lines = ["| | ours | starter bot | rasa default (NLU only) | ours, 2 workers |",
             "| --- | --- | --- | --- | --- |"]
    training = results.get("training", {})
    latency = results.get("latency", {})

    rows = [
        ("training seconds", lambda n: training[n]["seconds"]),
        ("training CPU seconds (user + system)", lambda n: training[n]["cpu_seconds"]),
        ("waited for the training lock (s)", lambda n: training[n]["waited_for_lock_seconds"]),
        ("model size (MB)", lambda n: training[n]["model_megabytes"]),
        ("start-up to first answer (s)", lambda n: latency[n]["startup_seconds"]),
        ("Rasa server RSS after load (MB)",
         lambda n: latency[n]["memory_after_load"]["rasa-server"]["rss_mb"]),
        ("Rasa server peak RSS (MB)",
         lambda n: latency[n]["memory_after_load"]["rasa-server"]["peak_rss_mb"]),
        ("Rasa server, all its processes: PSS after load (MB)",
         lambda n: latency[n]["memory_after_load"]["rasa-server"]["processes_pss_mb"]),
        ("action server peak RSS (MB)",
         lambda n: latency[n]["memory_after_load"]["action-server"]["peak_rss_mb"]),
    ]
    for label, read in rows:
        values = []
        for name in columns:
            try:
                values.append(_fmt(read(name)))
            except (KeyError, TypeError):  # not measured in this run
                values.append("-")
        lines.append(f"| {label} | " + " | ".join(values) + " |")
    return lines


def plot_confusion(quality: dict, path: Path) -> None:
    confusion = quality["ours"]["confusion"]
    labels, matrix = confusion["labels"], confusion["matrix"]
    figure, axes = plt.subplots(figsize=(11, 10))
    axes.imshow(matrix, cmap="Blues")
    axes.set_xticks(range(len(labels)), labels, rotation=90, fontsize=7)
    axes.set_yticks(range(len(labels)), labels, fontsize=7)
    axes.set_xlabel("predicted")
    axes.set_ylabel("true (held-out)")
    for row, counts in enumerate(matrix):
        for column, count in enumerate(counts):
            if count:
                axes.text(column, row, count, ha="center", va="center", fontsize=6,
                          color="white" if row == column else "black")
    axes.set_title("Our pipeline on the held-out set")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def plot_latency(latency: dict, path: Path) -> None:
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
    for stack, route, label in SERIES:
        levels = latency.get(stack, {}).get(route, [])
        if not levels:
            continue
        x = [level["concurrency"] for level in levels]
        left.plot(x, [level["p50_ms"] for level in levels], marker="o", label=f"{label} p50")
        left.plot(x, [level["p95_ms"] for level in levels], marker="x", linestyle="--",
                  label=f"{label} p95")
        right.plot(x, [level["messages_per_second"] for level in levels], marker="o", label=label)
    for axes, title in ((left, "latency (ms)"), (right, "messages per second")):
        axes.set_xscale("log")
        axes.set_xlabel("concurrent conversations")
        axes.set_title(title)
        axes.legend(fontsize=7)
        axes.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def plot(results: dict, stem: Path) -> None:
    """Writes STEM-confusion.png and STEM-latency.png for the sections the results have."""
    if "quality" in results:
        plot_confusion(results["quality"], stem.with_name(stem.name + "-confusion.png"))
    if "latency" in results:
        plot_latency(results["latency"], stem.with_name(stem.name + "-latency.png"))


def markdown(results: dict, images: str) -> str:
    """The summary; IMAGES is the plots' path prefix as seen from where the file is written."""
    machine = results["machine"]
    lines = [f"# Benchmark {results['timestamp']}", "",
             f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gb']} GB RAM, "
             f"{machine['os']}; Python {machine['python']}, "
             + ", ".join(f"{k} {v}" for k, v in machine["versions"].items()) + ".",
             f"Load average at start: {machine['load_average_at_start']['1min']} (1 min), "
             f"{machine['load_average_at_start']['5min']} (5 min)"
             + (" - **other work was running: latency figures are disturbed.**"
                if machine["other_load_present"] else " - the machine was quiet."),
             f"Steps run: {', '.join(results['steps'])} (other sections come from "
             f"{results.get('previous') or 'nothing'}).", "",
             "## Targets", "", *targets_table(results), ""]
    if "quality" in results:
        quality = results["quality"]
        lines += ["## NLU quality (held-out set)", "",
                  f"{quality['held_out_examples']} held-out messages, "
                  f"{quality['training_examples']} training examples.", "",
                  *quality_table(quality), "",
                  f"![confusion matrix]({images}-confusion.png)", ""]
    if "latency" in results:
        plan = results["latency"]["plan"]
        lines += ["## Turn latency and throughput", "",
                  f"Each level: up to {plan['messages_per_level']} messages or "
                  f"{plan['seconds_per_level']} s, after {plan['warmup']} warm-up messages; each "
                  f"conversation sends {plan.get('conversation_length', 'all its')} messages, "
                  "then a new one starts.", "",
                  *latency_table(results["latency"]), "",
                  f"![latency]({images}-latency.png)", ""]
    lines += ["## Resources", "", *resources_table(results), ""]
    return "\n".join(lines)
