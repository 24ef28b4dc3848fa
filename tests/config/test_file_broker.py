"""The development broker (kombu's file transport) keeps all its files under var/."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEND_A_TASK = "from config.celery import app; app.send_task('tenancy.tasks.clear_expired_sessions')"


def test_file_broker_writes_nothing_to_the_working_directory(tmp_path: Path) -> None:
    working_dir, var_dir = tmp_path / "cwd", tmp_path / "var"
    working_dir.mkdir()
    # No DATABASE_URL or REDIS_URL: the development profile, as `make run` uses it.
    unset = {"DATABASE_URL", "REDIS_URL", "PYTHONPATH"}
    env = {name: value for name, value in os.environ.items() if name not in unset}
    env |= {
        "PATCHBAY_ENV": "development",
        "PATCHBAY_VAR_DIR": str(var_dir),
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }

    subprocess.run(
        [sys.executable, "-c", SEND_A_TASK], cwd=working_dir, env=env, check=True, timeout=60
    )

    assert list(working_dir.iterdir()) == []  # kombu's default control/ would be here
    assert (var_dir / "broker" / "control" / "celery.exchange").is_file()
    assert len(list((var_dir / "broker" / "queue").iterdir())) == 1
