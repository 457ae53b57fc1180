"""A quiet, recoverable run: the app log rotates, crash.log stays bounded, a run that ended
unexpectedly is noticed at the next start, and a screenshot run leaves the settings alone."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from ui import session

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=os.environ.copy(),
                          capture_output=True, text=True, timeout=60, check=False)


def test_a_run_killed_before_closing_is_noticed_once_at_the_next_start() -> None:
    # A process that puts down its marker and dies without a clean exit, as a crash does.
    died = _run("import os; from ui import session; session.mark_running(); os._exit(3)")
    assert died.returncode == 3, died.stderr
    assert list(session.data_dir().glob("running-*.lock"))
    try:
        assert session.mark_running() is True
        assert session.mark_running() is False  # noticed once; our own marker is not a crash
    finally:
        session.mark_stopped()
    assert not list(session.data_dir().glob("running-*.lock"))


def test_a_cleanly_closed_run_is_not_a_crash() -> None:
    done = _run("from ui import session; session.mark_running(); session.mark_stopped()")
    assert done.returncode == 0, done.stderr
    try:
        assert session.mark_running() is False
    finally:
        session.mark_stopped()


def test_a_running_second_app_is_not_mistaken_for_a_crash() -> None:
    other = subprocess.Popen([sys.executable, "-c", "import sys, time; from ui import session; "
                              "session.mark_running(); print('ready', flush=True); "
                              "sys.stdin.read(); session.mark_stopped()"],
                             cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "ready"
        assert session.mark_running() is False
    finally:
        session.mark_stopped()
        other.communicate("", timeout=30)


def test_crash_log_is_rotated_past_a_megabyte() -> None:
    crash = session.crash_log_path()
    crash.write_bytes(b"x" * (session.CRASH_LOG_BYTES + 1))
    session.rotate_crash_log()
    assert not crash.exists()
    assert crash.with_name("crash.log.1").stat().st_size == session.CRASH_LOG_BYTES + 1


def test_app_log_rotates() -> None:
    path = session.start_log()
    root = logging.getLogger()
    handler = next(h for h in root.handlers if getattr(h, "baseFilename", "") == str(path))
    try:
        for i in range(12_000):
            session.log.info("entry %05d %s", i, "." * 80)
        handler.flush()
        assert path.exists() and path.stat().st_size <= session.LOG_BYTES
        assert path.with_name(f"{path.name}.1").exists()
    finally:
        root.removeHandler(handler)
        handler.close()


def test_screenshot_run_leaves_the_settings_and_recent_files_alone(small_tender: Path,
                                                                   tmp_path: Path) -> None:
    settings_file = Path(os.environ["WORKBENCH_SETTINGS_FILE"])
    env = {**os.environ, "HOME": str(tmp_path / "home"), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    done = subprocess.run([sys.executable, "-m", "ui", str(small_tender), "--screenshot",
                           str(tmp_path / "shot.png")], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "shot.png").exists()
    assert not settings_file.exists()
    assert not (tmp_path / "cfg").exists()
