from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.harness import main


def test_each_benchmark_prints_one_json_object_and_writes_its_result(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bench_sample.py").write_text("def run():\n    return {'ops': 3}\n")
    assert main([], tmp_path) == 0
    printed = json.loads(capsys.readouterr().out.strip())
    written = json.loads((tmp_path / "results" / "sample.json").read_text())
    assert printed == written
    assert written["benchmark"] == "sample"
    assert written["ops"] == 3


def test_one_benchmark_runs_by_name_and_an_unknown_name_is_refused(tmp_path: Path) -> None:
    (tmp_path / "bench_a.py").write_text("def run():\n    return {'n': 1}\n")
    (tmp_path / "bench_b.py").write_text("def run():\n    return {'n': 2}\n")
    assert main(["b"], tmp_path) == 0
    assert [p.name for p in (tmp_path / "results").iterdir()] == ["b.json"]
    assert main(["c"], tmp_path) == 2
