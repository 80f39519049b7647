"""The machine a benchmark ran on, and how busy it already was: figures mean little without it."""
from __future__ import annotations

import os
import platform
import sys
from pathlib import Path
from typing import Dict


def _first(path: str, key: str) -> str:
    for line in Path(path).read_text().splitlines():
        name, _, value = line.partition(":")
        if name.strip() == key:
            return value.strip()
    return "unknown"


def load_average() -> Dict[str, float]:
    one, five, fifteen = os.getloadavg()
    return {"1min": round(one, 2), "5min": round(five, 2), "15min": round(fifteen, 2)}


def describe() -> dict:
    import rasa
    import rasa_sdk
    import sklearn
    import spacy

    cores = os.cpu_count() or 1
    load = load_average()
    return {
        "cpu": _first("/proc/cpuinfo", "model name"),
        "cores": cores,
        "memory_gb": round(int(_first("/proc/meminfo", "MemTotal").split()[0]) / 1024 ** 2, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "versions": {"rasa": rasa.__version__, "rasa_sdk": rasa_sdk.__version__,
                     "spacy": spacy.__version__, "scikit-learn": sklearn.__version__},
        "interpreter": sys.executable,
        "load_average_at_start": load,
        # Over a fifth of a core already busy: latency figures are disturbed by other work.
        "other_load_present": load["1min"] > 0.2 * cores,
    }
