"""The open file is the file on disk, and the file on disk is always whole.

Replaced, deleted or changed behind the app's back: writing stops, saying what happened and
how to keep the work, and nothing meant for one file reaches another. The .tender alone holds
every commit whenever the app is idle; nothing is left beside it after closing; Save a copy
and backups are whole or absent; network drives and synced folders get a rollback journal.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path, PureWindowsPath

import pytest

from workbench.cli import main
from workbench.details import update_details
from workbench.errors import ReadOnlyError, StorageError
from workbench.storage import TenderFile, backup, location


def title(path: Path) -> str:
    with TenderFile.open(path, read_only=True, verify="full") as tf:
        assert tf.integrity_problem == "", tf.integrity_problem
        return tf.load().tender.title


def side_files(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir()
                  if p.name.startswith(path.name) and p.name != path.name
                  and not p.name.endswith(".lock"))


# -- the file changes under the app -----------------------------------------------------------

def test_an_older_copy_moved_over_the_open_file_gets_none_of_its_writes(
        demo_tender: Path, tmp_path: Path) -> None:
    older = tmp_path / "older.tender"
    shutil.copy(demo_tender, older)
    with TenderFile.open(demo_tender) as tf:
        update_details(tf, title="Typed before the swap")
        older_bytes = older.read_bytes()
        os.replace(older, demo_tender)  # a sync client or a restore by hand
        with pytest.raises(ReadOnlyError, match=r"was replaced by another file while it was "
                                                r"open.*Save a copy"):
            update_details(tf, title="Typed after the swap")
        assert tf.read_only and "Save a copy" in tf.read_only_reason
        saved = tmp_path / "rescued.tender"
        backup.save_copy(tf, saved)  # the work as it was is still there
    assert demo_tender.read_bytes() == older_bytes  # the copy moved in got nothing
    assert title(saved) == "Typed before the swap"


def test_a_file_deleted_while_open_stops_taking_saves(demo_tender: Path,
                                                      tmp_path: Path) -> None:
    with TenderFile.open(demo_tender) as tf:
        update_details(tf, title="Kept")
        demo_tender.unlink()
        with pytest.raises(ReadOnlyError, match="was deleted or moved away while it was open"):
            update_details(tf, title="Lost if accepted")
        backup.save_copy(tf, tmp_path / "rescued.tender")
    assert not demo_tender.exists()
    assert title(tmp_path / "rescued.tender") == "Kept"


def test_a_file_copied_over_in_place_is_noticed(demo_tender: Path, tmp_path: Path) -> None:
    """`cp older.tender demo.tender` keeps the inode: its size or time gives it away."""
    older = tmp_path / "older.tender"
    shutil.copy(demo_tender, older)
    with TenderFile.open(demo_tender) as tf:
        update_details(tf, title="Mine")
        with open(demo_tender, "r+b") as handle:
            handle.write(older.read_bytes())
        with pytest.raises(ReadOnlyError, match="changed on disk by another program"):
            update_details(tf, title="Would corrupt it")


def test_deleting_the_lock_file_does_not_let_a_second_writer_in(demo_tender: Path) -> None:
    lock_file = demo_tender.with_name(demo_tender.name + ".lock")
    with TenderFile.open(demo_tender, user="first") as first:
        lock_file.unlink()
        with TenderFile.open(demo_tender, user="second") as second:
            assert second.read_only and "open for writing by another process" in \
                second.read_only_reason
        update_details(first, title="Still the one writer")
    assert title(demo_tender) == "Still the one writer"


def test_deleting_the_lock_file_does_not_let_another_process_in(demo_tender: Path) -> None:
    script = ("import sys; from workbench.storage import TenderFile; "
              "tf = TenderFile.open(sys.argv[1]); print(tf.read_only_reason); tf.close()")
    with TenderFile.open(demo_tender):
        demo_tender.with_name(demo_tender.name + ".lock").unlink()
        run = subprocess.run([sys.executable, "-c", script, str(demo_tender)],
                             capture_output=True, text=True, check=True)
    assert "open for writing by another process" in run.stdout


# -- always whole ------------------------------------------------------------------------------

def test_a_copy_of_the_tender_alone_taken_while_open_and_idle_has_all_the_work(
        demo_tender: Path, tmp_path: Path) -> None:
    with TenderFile.open(demo_tender) as tf:
        for n in range(3):
            update_details(tf, title=f"Edit {n}")
        assert Path(f"{demo_tender}-wal").exists()  # WAL while open...
        copy = tmp_path / "emailed.tender"
        shutil.copy(demo_tender, copy)  # ...but the .tender alone is whole
    assert title(copy) == "Edit 2"


def test_a_first_save_made_by_a_worker_leaves_the_file_writable(demo_tender: Path) -> None:
    """A merge (in a worker's connection) as the first write after opening, then the window
    reads and saves: the empty -wal its read leaves is the app's own, not another program's."""
    with TenderFile.open(demo_tender) as tf:
        worker = tf.for_worker_thread()
        update_details(worker, title="Merged in the background")
        worker.close()
        assert tf.tender().title == "Merged in the background"
        update_details(tf, title="Then edited in the window")
        assert not tf.read_only
    assert title(demo_tender) == "Then edited in the window"


def test_nothing_is_left_beside_the_file_after_the_app_or_the_cli(demo_tender: Path,
                                                                  capsys) -> None:
    with TenderFile.open(demo_tender) as tf:
        update_details(tf, title="Saved")
    assert side_files(demo_tender) == []
    assert main(["check", str(demo_tender)]) == 0
    assert main(["results", str(demo_tender)]) == 0
    capsys.readouterr()
    assert side_files(demo_tender) == []
    with sqlite3.connect(demo_tender) as conn:  # at rest: a rollback journal
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_a_file_that_is_only_read_is_not_written_to(demo_tender: Path) -> None:
    before = demo_tender.read_bytes()
    with TenderFile.open(demo_tender) as tf:
        tf.load()
    assert demo_tender.read_bytes() == before


def test_save_a_copy_is_whole_verified_and_leaves_no_temporary_file(demo_tender: Path,
                                                                   tmp_path: Path) -> None:
    target = tmp_path / "out" / "copy.tender"
    target.parent.mkdir()
    with TenderFile.open(demo_tender) as tf:
        update_details(tf, title="Copied while open")
        backup.save_copy(tf, target)
        with pytest.raises(StorageError, match="the open file itself"):
            backup.save_copy(tf, demo_tender)
    assert title(target) == "Copied while open"
    assert sorted(p.name for p in target.parent.iterdir()) == ["copy.tender"]


def test_a_backup_that_did_not_finish_is_never_listed(demo_tender: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    with TenderFile.open(demo_tender) as tf:
        backup.before_bulk_change(tf, "before-merge")
        monkeypatch.setattr(os, "replace", disk_full)  # the copy is written, never completed
        with pytest.raises(StorageError, match="could not back up"):
            backup.before_bulk_change(tf, "before-import")
    folder = backup.backup_dir(demo_tender)
    assert [info.label for info in backup.backups(demo_tender)] == ["before-merge"]
    assert not [p for p in folder.iterdir() if p.name.endswith(".part")]


def test_work_left_in_a_wal_on_a_read_only_folder_is_refused_with_the_reason(
        demo_tender: Path) -> None:
    """As an ordinary user (root ignores permissions); skipped where that user cannot run
    this checkout."""
    prefix = _unprivileged()
    if prefix is None or subprocess.run([*prefix, sys.executable, "-c", "import workbench"],
                                        capture_output=True, cwd="/").returncode != 0:
        pytest.skip("no ordinary user who can run this checkout")
    folder = Path(tempfile.mkdtemp(prefix="readonly-"))
    path = folder / "stick.tender"
    try:
        conn = sqlite3.connect(demo_tender)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        conn.execute("CREATE TABLE pending_work (x)")  # committed, still only in the -wal
        conn.commit()
        shutil.copy(demo_tender, path)
        shutil.copy(f"{demo_tender}-wal", f"{path}-wal")
        conn.close()
        for item in (path, Path(f"{path}-wal")):
            item.chmod(0o444)
        folder.chmod(0o555)
        run = subprocess.run([*prefix, sys.executable, "-m", "workbench.cli", "check",
                              str(path)], capture_output=True, text=True, cwd="/")
        assert run.returncode == 1
        assert "part of its saved work is still in stick.tender-wal" in run.stderr
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)


def _unprivileged() -> list[str] | None:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"] if setpriv else None


# -- network drives and synced folders --------------------------------------------------------

MOUNTS = """\
/dev/vda1 / ext4 rw,relatime 0 0
proc /proc proc rw 0 0
fileserver:/export/tenders /mnt/tenders nfs4 rw,vers=4.2 0 0
//council-fs/Procurement /mnt/Procurement\\040Team cifs rw 0 0
/dev/vdb1 /mnt/tenders/local ext4 rw 0 0
"""


@pytest.mark.parametrize(("path", "kind"), [
    ("/mnt/tenders/homecare.tender", "nfs4"),
    ("/mnt/Procurement Team/2026/homecare.tender", "cifs"),
    ("/mnt/tenders/local/homecare.tender", "ext4"),  # a local disk mounted inside a share
    ("/home/jo/homecare.tender", "ext4"),
    ("/mnt/tendersX/homecare.tender", "ext4"),  # a prefix of the name is not the mount
])
def test_the_mount_holding_a_file_is_found(path: str, kind: str) -> None:
    assert location.mount_type(Path(path), MOUNTS) == kind


def test_a_network_mount_is_a_shared_location(tmp_path: Path) -> None:
    mounts = f"{MOUNTS}server:/x {tmp_path.resolve()} nfs rw 0 0\n"
    assert location.shared_location(tmp_path / "a.tender", mounts=mounts) == \
        "on a network drive (nfs)"
    assert location.shared_location(tmp_path / "a.tender", mounts=MOUNTS) == ""


@pytest.mark.parametrize(("path", "service"), [
    (r"C:\Users\jo\OneDrive - Northshire Council\Tenders\homecare.tender", "OneDrive"),
    (r"C:\Users\jo\OneDrive\homecare.tender", "OneDrive"),
    (r"C:\Users\jo\Dropbox\Procurement\homecare.tender", "Dropbox"),
    (r"G:\My Drive\homecare.tender", "Google Drive"),
    (r"C:\Users\jo\Documents\homecare.tender", ""),
    (r"C:\Users\jo\OneDriveBackup\homecare.tender", ""),
])
def test_sync_folders_on_windows_paths(path: str, service: str) -> None:
    assert location.sync_folder(PureWindowsPath(path)) == service


@pytest.mark.parametrize(("path", "service"), [
    ("/Users/jo/Library/Mobile Documents/com~apple~CloudDocs/homecare.tender", "iCloud Drive"),
    ("/Users/jo/Library/CloudStorage/OneDrive-Northshire/homecare.tender", "OneDrive"),
    ("/Users/jo/Library/CloudStorage/GoogleDrive-jo@example.org/homecare.tender",
     "Google Drive"),
    ("/home/jo/Dropbox (Council)/homecare.tender", "Dropbox"),  # Dropbox for teams
    ("/home/jo/Dropboxes/homecare.tender", ""),
])
def test_sync_folders_on_other_systems(path: str, service: str) -> None:
    assert location.sync_folder(Path(path)) == service


@pytest.mark.parametrize(("path", "network"), [
    (r"\\council-fs\procurement\homecare.tender", True),
    (r"\\?\UNC\council-fs\procurement\homecare.tender", True),
    (r"\\?\C:\Users\jo\homecare.tender", False),
    (r"C:\Users\jo\homecare.tender", False),
])
def test_unc_paths_are_network_shares(path: str, network: bool) -> None:
    assert location.unc_share(PureWindowsPath(path)) is network


def test_a_tender_in_a_synced_folder_is_written_with_a_rollback_journal(
        demo_tender: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OneDrive", str(demo_tender.parent))  # as OneDrive sets it on Windows
    with TenderFile.open(demo_tender) as tf:
        assert tf.location == "in a OneDrive folder"
        update_details(tf, title="Synced")
        assert tf.db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert side_files(demo_tender) == []  # whole after every commit, nothing beside it
    assert title(demo_tender) == "Synced"


# -- an older format, only read ---------------------------------------------------------------

def test_a_file_in_an_older_format_is_read_as_it_is_without_changing_it(tmp_path: Path,
                                                                        capsys) -> None:
    """Read-only (a command, or held by someone else): verified as on disk, read through an
    upgraded copy in memory; the file itself is upgraded only when opened for writing."""
    path = tmp_path / "old.tender"
    shutil.copy(Path(__file__).parent.parent / "fixtures" / "format-v1.tender", path)
    before = path.read_bytes()
    assert main(["check", str(path)]) == 0
    assert main(["results", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "audit trail verified" in out and err == ""
    with TenderFile.open(path, read_only=True) as tf:
        assert tf.integrity_problem == "" and tf.load().lots
    assert path.read_bytes() == before
    # (Written by an earlier version, it is still in WAL mode at rest, so reading it leaves an
    # empty -wal and -shm beside it until this version first saves it.)
