"""The benchmark harness: each ``bench/bench_NAME.py`` defines ``run() -> dict``.

A benchmark measures; it never asserts a time. The harness prints one JSON object
per benchmark and writes it to ``bench/results/NAME.json``.
"""

from __future__ import annotations

import importlib.util
import json
import platform
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
PREFIX = "bench_"


def discover(directory: Path) -> dict[str, Path]:
    return {
        path.stem.removeprefix(PREFIX): path for path in sorted(directory.glob(f"{PREFIX}*.py"))
    }


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_module_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"Cannot load benchmark {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_one(name: str, path: Path, results_dir: Path) -> dict[str, Any]:
    benchmark: Callable[[], dict[str, Any]] = _load(path).run
    measured = benchmark()
    result = {
        "benchmark": name,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        **measured,
    }
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result), flush=True)
    return result


def main(argv: list[str], directory: Path = BENCH_DIR) -> int:
    available = discover(directory)
    wanted = argv[:1] or list(available)
    unknown = [name for name in wanted if name not in available]
    if unknown:
        names = ", ".join(available) or "none yet"
        print(f"No benchmark named {unknown[0]!r}. Available: {names}.", file=sys.stderr)
        return 2
    if not wanted:
        print("No benchmarks yet: add bench/bench_NAME.py with a run() -> dict.", file=sys.stderr)
        return 0
    for name in wanted:
        run_one(name, available[name], directory / "results")
    return 0
