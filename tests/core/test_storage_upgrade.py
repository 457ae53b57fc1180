"""Format upgrades keep every user's file writable, with a trail that verifies.

`tests/fixtures/format-v1.tender` was written by format 1 (the small interchange fixture,
imported); it is never changed in place: each test opens a copy, as a user's old file.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database, Migrations

from workbench.errors import StorageError
from workbench.storage import TenderFile, audit, schema, tenderfile

FIXTURE = Path(__file__).parent.parent / "fixtures" / "format-v1.tender"


@pytest.fixture
def old_file(tmp_path: Path) -> Path:
    copy = tmp_path / "homecare.tender"
    shutil.copyfile(FIXTURE, copy)
    return copy


def test_the_format_1_fixture_opens_writable_with_a_verified_trail(old_file: Path) -> None:
    with TenderFile.open(old_file, user="lead") as tf:
        assert not tf.read_only and tf.integrity_problem == ""
        with tf.action("Rename the tender"):
            tf.update("tender", {"id": 1}, title="Homecare framework 2027")
        assert audit.verify(tf.db) is None
        version = tf.db.execute("PRAGMA user_version").fetchone()[0]
    assert version == schema.SCHEMA_VERSION
    if schema.SCHEMA_VERSION > 1:  # a real upgrade happened: the old file was backed up first
        assert any((old_file.parent / "backups").iterdir())


def _with_a_new_column(monkeypatch: pytest.MonkeyPatch) -> int:
    """This version's migrations plus one more that adds a column to a protected table: the
    ordinary way the schema grows."""
    grown = Migrations("workbench")
    for migration in schema.migrations._migrations:
        grown(name=migration.name)(migration.fn)

    @grown()
    def m999_bidder_notes(db: Database) -> None:
        db.execute("ALTER TABLE bidders ADD COLUMN notes TEXT NOT NULL DEFAULT ''")

    version = len(grown._migrations)
    monkeypatch.setattr(tenderfile, "migrations", grown)
    monkeypatch.setattr(tenderfile, "SCHEMA_VERSION", version)
    return version


def test_a_migration_that_adds_a_column_re_audits_in_the_same_step(
        old_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    version = _with_a_new_column(monkeypatch)
    with TenderFile.open(old_file, user="lead") as tf:
        assert not tf.read_only and tf.integrity_problem == ""
        bidders = tf.rows("bidders")
        upgrade = list(tf.db.query("SELECT entity, before, after FROM audit WHERE action = ?",
                                   [f"Upgrade file format to v{version}"]))
        with tf.action("Note on a bidder"):
            tf.update("bidders", {"lot_id": bidders[0]["lot_id"], "id": bidders[0]["id"]},
                      notes="Asked for clarification of the mobilisation plan")
        assert audit.problems(tf.db) == []
    assert {row["entity"] for row in upgrade} == {"bidders"}
    assert len(upgrade) == len(bidders)
    assert all('"notes":""' in row["after"] and "notes" not in row["before"] for row in upgrade)


def test_a_tampered_old_file_is_refused_not_upgraded(old_file: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    conn = sqlite3.connect(old_file)
    conn.execute("UPDATE bidders SET name = 'Someone Else Ltd' WHERE rowid = 1")
    conn.commit()
    conn.close()
    before = old_file.read_bytes()
    _with_a_new_column(monkeypatch)
    with pytest.raises(StorageError, match=r"cannot be upgraded to this version's file format: "
                       r"its audit trail is broken .*table 'bidders'"):
        TenderFile.open(old_file, user="lead")
    assert old_file.read_bytes() == before
