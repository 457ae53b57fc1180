"""The file's structure is verified: indexes against tables, the schema against what this
version builds, the file's kind against its trail. Anything else is named, and the file opens
read-only under the red banner (and is never written to)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.details import update_details
from workbench.errors import ReadOnlyError
from workbench.storage import TenderFile, structure
from workbench.storage.schema import SCHEMA_VERSION


def tamper(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in statements:
        conn.execute(statement)
    conn.close()


def check(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["check", str(path)])
    err = capsys.readouterr().err
    assert "Traceback" not in err and "unexpected error" not in err, err
    return code, err


def opens_read_only_naming(path: Path, words: str) -> None:
    before = path.read_bytes()
    with TenderFile.open(path) as tf:
        assert tf.read_only and words in tf.integrity_problem, tf.integrity_problem
        assert "its structure was changed" in tf.read_only_reason
        with pytest.raises(ReadOnlyError):
            update_details(tf, title="x")
    assert path.read_bytes() == before  # not even its journal mode


def test_a_fresh_file_has_exactly_the_schema_the_migrations_build(demo_tender: Path,
                                                                   capsys) -> None:
    with TenderFile.open(demo_tender, read_only=True) as tf:
        assert structure.schema_of(tf.db) == structure.expected_schema(SCHEMA_VERSION)
        assert structure.problems(tf.db, SCHEMA_VERSION) == []
    assert check(demo_tender, capsys)[0] == 0


def test_a_planted_trigger_is_named_and_never_fires(demo_tender: Path, capsys) -> None:
    tamper(demo_tender, "CREATE TRIGGER always_five AFTER INSERT ON scores BEGIN "
                        "UPDATE scores SET score = '5' WHERE rowid = new.rowid; END")
    code, err = check(demo_tender, capsys)
    assert code == 1 and "a trigger 'always_five' was added" in err
    opens_read_only_naming(demo_tender, "trigger 'always_five'")


@pytest.mark.parametrize("trigger", ["audit_no_update", "audit_no_delete"])
def test_dropped_append_only_triggers_are_named(demo_tender: Path, trigger: str,
                                                capsys) -> None:
    tamper(demo_tender, f"DROP TRIGGER {trigger}")
    code, err = check(demo_tender, capsys)
    assert code == 1 and f"the trigger '{trigger}' was removed" in err
    opens_read_only_naming(demo_tender, trigger)


def test_a_tender_relabelled_as_a_pack_is_named(demo_tender: Path, capsys) -> None:
    tamper(demo_tender, "UPDATE meta SET value = 'pack' WHERE key = 'kind'")
    code, err = check(demo_tender, capsys)
    assert code == 1 and "kind was changed to 'pack'" in err
    opens_read_only_naming(demo_tender, "kind was changed to 'pack'")


def test_a_removed_kind_is_named(demo_tender: Path, capsys) -> None:
    tamper(demo_tender, "DELETE FROM meta WHERE key = 'kind'")
    assert "kind was removed" in check(demo_tender, capsys)[1]


@pytest.mark.parametrize(("statement", "words"), [
    ("CREATE VIEW ranking AS SELECT * FROM scores", "a view 'ranking' was added"),
    ("CREATE INDEX by_score ON scores (score)", "an index 'by_score' was added"),
    ("CREATE TABLE notes (x)", "a table 'notes' was added"),
    ("ALTER TABLE scores ADD COLUMN hidden TEXT", "the table 'scores' was changed"),
    ("DROP INDEX audit_entity", "the index 'audit_entity' was removed"),
])
def test_other_schema_changes_are_named(demo_tender: Path, statement: str, words: str,
                                        capsys) -> None:
    tamper(demo_tender, statement)
    code, err = check(demo_tender, capsys)
    assert code == 1 and words in err


def _index_page(path: Path, index: str) -> tuple[int, int]:
    with sqlite3.connect(path) as conn:
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?",
                            [index]).fetchone()[0]
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    return (root - 1) * size, size


def test_one_changed_byte_in_the_gateways_index_is_found(demo_tender: Path, capsys) -> None:
    """The index says a failed gateway belongs to another question: queries through it would
    miss the failure and rank the excluded bidder."""
    with sqlite3.connect(demo_tender) as conn:
        failed = conn.execute("SELECT criterion_id FROM gateways WHERE result = 'fail'"
                              ).fetchone()[0]
    start, size = _index_page(demo_tender, "sqlite_autoindex_gateways_1")
    raw = bytearray(demo_tender.read_bytes())
    at = raw.index(failed.encode(), start, start + size)
    raw[at + len(failed) - 1] ^= 0x01  # one bit of one byte
    demo_tender.write_bytes(bytes(raw))
    code, err = check(demo_tender, capsys)
    assert code == 1 and "indexes or pages do not match its tables" in err
    assert "sqlite_autoindex_gateways_1" in err
    opens_read_only_naming(demo_tender, "do not match its tables")
