"""Bad files are refused (or opened read-only) with one line, unchanged, never a traceback.

Extends tests/core/test_storage.py (empty, random, other SQLite, newer format, a few cuts)
with cuts at every page boundary, random damage inside a real file, files that look like
tender files but are not, read-only files and stray journal files, through the core and
through `workbench-cli check`.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.details import update_details
from workbench.errors import ReadOnlyError, StorageError
from workbench.storage import TenderFile
from workbench.storage.schema import APPLICATION_ID


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def unchanged_but_counters(now: bytes, before: bytes) -> bool:
    """Equal but for the header's change counters, which opening a file for writing moves
    (its journal mode is WAL while open, a rollback journal at rest)."""
    a, b = bytearray(now), bytearray(before)
    a[24:28] = a[92:96] = b[24:28] = b[92:96] = bytes(4)
    return a == b


def cli_check(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["check", str(path)])
    err = capsys.readouterr().err
    assert "Traceback" not in err and "unexpected error" not in err, err
    return code, err


def open_outcome(path: Path) -> str:
    """'refused: …', 'read-only: …' or 'clean'; anything else escapes as the bug it is."""
    try:
        with TenderFile.open(path) as tf:
            if tf.integrity_problem:
                with pytest.raises(ReadOnlyError):
                    update_details(tf, title="x")
                try:
                    tf.load()
                except StorageError as exc:
                    return f"refused: {exc}"
                return f"read-only: {tf.integrity_problem}"
            tf.load()
            return "clean"
    except StorageError as exc:
        assert "\n" not in str(exc)
        return f"refused: {exc}"


@pytest.fixture(scope="module")
def demo_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    from workbench.exchange import interchange
    from workbench.resources import read_text
    path = tmp_path_factory.mktemp("demo") / "demo.tender"
    TenderFile.create(path, interchange.loads(read_text("demo", "demo.json"))).close()
    return path.read_bytes()


def test_cut_at_every_page_boundary_is_refused_unchanged(demo_bytes: bytes,
                                                         tmp_path: Path) -> None:
    page = 4096
    cuts = sorted({1, 50, 99, 100, 101}
                  | {n + d for n in range(page, len(demo_bytes), page) for d in (-1, 0, 1)})
    path = tmp_path / "cut.tender"
    for cut in cuts:
        path.write_bytes(demo_bytes[:cut])
        outcome = open_outcome(path)
        assert outcome.startswith("refused: cut.tender"), (cut, outcome)
        assert path.read_bytes() == demo_bytes[:cut], cut
        for side in (Path(f"{path}-wal"), Path(f"{path}-shm")):
            side.unlink(missing_ok=True)


@pytest.mark.parametrize("cut", [0.05, 0.5, 0.95])
def test_cut_file_fails_check_in_one_line(demo_bytes: bytes, tmp_path: Path, cut: float,
                                          capsys) -> None:
    path = tmp_path / "cut.tender"
    path.write_bytes(demo_bytes[: int(len(demo_bytes) * cut)])
    code, err = cli_check(path, capsys)
    assert code == 1 and err.count("\n") == 1


@pytest.mark.parametrize("seed", range(8))
def test_random_bytes_are_refused_unchanged(tmp_path: Path, seed: int, capsys) -> None:
    rng = random.Random(seed)
    path = tmp_path / "noise.tender"
    path.write_bytes(rng.randbytes(rng.choice((7, 100, 4096, 65536))))
    before = digest(path)
    assert open_outcome(path).startswith("refused: noise.tender")
    assert cli_check(path, capsys)[0] == 1
    assert digest(path) == before


def test_random_pages_behind_a_tender_header_are_refused(demo_bytes: bytes,
                                                         tmp_path: Path) -> None:
    path = tmp_path / "fake.tender"
    path.write_bytes(demo_bytes[:100] + random.Random(1).randbytes(len(demo_bytes) - 100))
    before = digest(path)
    assert open_outcome(path).startswith("refused: fake.tender")
    assert digest(path) == before


def test_random_damage_inside_a_real_file_never_goes_unnoticed(demo_bytes: bytes,
                                                              tmp_path: Path) -> None:
    """Bytes overwritten at random: refused, or opened read-only naming the damage, or (when
    only unused space was hit) clean — and the file is never written to."""
    path = tmp_path / "hit.tender"
    seen = set()
    for seed in range(120):
        rng = random.Random(seed)
        damaged = bytearray(demo_bytes)
        for _ in range(rng.choice((1, 4, 32))):
            damaged[rng.randrange(100, len(damaged))] = rng.randrange(256)
        path.write_bytes(bytes(damaged))
        outcome = open_outcome(path)
        seen.add(outcome.split(":")[0])
        if outcome == "clean":  # opened for writing: only its journal mode came and went
            assert unchanged_but_counters(path.read_bytes(), damaged), seed
        else:
            assert path.read_bytes() == bytes(damaged), seed
        if outcome == "clean":  # then the data really is what was saved
            with TenderFile.open(path, read_only=True) as tf:
                assert tf.integrity_problem == ""
        for side in (Path(f"{path}-wal"), Path(f"{path}-shm")):
            side.unlink(missing_ok=True)
    assert {"refused", "read-only"} <= seen


def test_sqlite_file_marked_as_tender_but_empty_is_refused(tmp_path: Path, capsys) -> None:
    path = tmp_path / "hollow.tender"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()
    before = digest(path)
    assert open_outcome(path) == "refused: hollow.tender is not a complete tender file"
    code, err = cli_check(path, capsys)
    assert code == 1 and "not a complete tender file" in err
    assert digest(path) == before


def test_newer_format_fails_check_in_one_line(demo_bytes: bytes, tmp_path: Path,
                                              capsys) -> None:
    path = tmp_path / "future.tender"
    path.write_bytes(demo_bytes)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    code, err = cli_check(path, capsys)
    assert code == 1 and err.count("\n") == 1 and "newer version" in err


def test_a_folder_is_refused(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "folder.tender"
    folder.mkdir()
    assert open_outcome(folder) == "refused: folder.tender is a folder, not a tender file"


def test_read_only_on_disk_opens_read_only_unchanged(demo_tender: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run as root, which ignores permissions, so the OS answer is simulated."""
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if mode == os.W_OK
                        else real_access(p, mode, **kw))
    before = digest(demo_tender)
    with TenderFile.open(demo_tender) as tf:
        assert tf.read_only and "read-only on disk" in tf.read_only_reason
        assert tf.load().lots
        with pytest.raises(ReadOnlyError, match="read-only on disk"):
            update_details(tf, title="x")
    assert digest(demo_tender) == before


def _unprivileged() -> list[str] | None:
    """A command prefix running as a user the permissions apply to ([] if we are one)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"] if setpriv else None


def _modules_check_imports() -> list[Path]:
    """The source files of every module `workbench-cli check` imports."""
    probe = ("import sys, workbench.cli, workbench.storage.audit, workbench.model_rules;"
             "print('\\n'.join(m.__file__ for m in list(sys.modules.values())"
             " if getattr(m, '__file__', None)))")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True)
    return [Path(line) for line in run.stdout.splitlines()]


def _readable_copy(dest: Path) -> None:
    """Copy `workbench` and the third-party packages `check` needs into `dest`, readable by
    anyone: the clone (and its .venv) may sit in a private folder (`mktemp -d`, /root) that
    an unprivileged user cannot enter."""
    import workbench
    roots = {Path(workbench.__file__).parent}
    for source in _modules_check_imports():
        for parent in source.parents:
            if parent.name == "site-packages":
                top = parent / source.relative_to(parent).parts[0]
                roots.add(top if top.is_dir() else source)
                break
    for root in roots:
        if root.is_dir():
            shutil.copytree(root, dest / root.name,
                            ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(root, dest / root.name)
    for path in [dest, *dest.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def test_really_read_only_file_in_a_read_only_folder(demo_bytes: bytes) -> None:
    """Permissions for real: as root, `check` runs as "nobody" (root ignores permissions).
    A WAL-mode file whose folder is read-only cannot get its shared-memory side file.

    The unprivileged process runs the base interpreter on its own readable copy of the code,
    so the test passes wherever the clone lives (a `mktemp -d` folder is private)."""
    prefix = _unprivileged()
    if prefix is None:
        pytest.skip("running as root without setpriv to drop to an ordinary user")
    python = os.path.realpath(sys.executable)
    if prefix and subprocess.run([*prefix, python, "-c", "pass"], cwd="/",
                                 capture_output=True).returncode != 0:
        pytest.skip(f"an unprivileged user cannot run the Python interpreter {python} (it "
                    "lives in a private folder)")
    folder = Path(tempfile.mkdtemp(prefix="readonly-"))
    code = Path(tempfile.mkdtemp(prefix="readonly-code-"))
    path = folder / "locked-down.tender"
    try:
        _readable_copy(code)
        path.write_bytes(demo_bytes)
        path.chmod(0o444)
        folder.chmod(0o555)
        env = {**os.environ, "PYTHONPATH": str(code), "PYTHONDONTWRITEBYTECODE": "1",
               "HOME": str(folder), "WORKBENCH_DATA_DIR": str(folder / "data")}
        run = subprocess.run([*prefix, python, "-s", "-m", "workbench.cli", "check",
                              str(path)], capture_output=True, text=True, cwd=folder, env=env)
        assert run.returncode == 0, run.stderr
        assert "audit trail verified" in run.stdout
        assert path.read_bytes() == demo_bytes
        assert sorted(p.name for p in folder.iterdir()) == ["locked-down.tender"]
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)
        shutil.rmtree(code)


def test_garbage_journal_beside_a_good_file_is_ignored(demo_tender: Path, capsys) -> None:
    with TenderFile.open(demo_tender, read_only=True) as tf:
        data = tf.load()
    Path(f"{demo_tender}-wal").write_bytes(random.Random(2).randbytes(20_000))
    with TenderFile.open(demo_tender) as tf:
        assert tf.integrity_problem == ""
        assert tf.load() == data
    assert cli_check(demo_tender, capsys)[0] == 0
