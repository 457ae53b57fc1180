"""The file's structure, verified: indexes agree with their tables, and the schema is ours.

The audit chain proves the rows; this proves what the rows live in. A changed byte in an index
can hide a row from every query that uses it (a failed gateway vanishing), and a trigger
planted in the schema can rewrite every later score before it is audited. So the schema of a
file (every table, index, trigger and view) must be exactly what this version builds, found by
building a fresh file in memory with the same migrations (a new migration is covered by itself),
and the `meta` rows that decide how the file is treated must agree with its audit trail.
"""

from __future__ import annotations

import sqlite3
from functools import cache

from sqlite_utils import Database, Migrations

from workbench.storage.schema import META_KIND, migrations

#: The first action in every scoring pack's trail (see `workbench.panel.packs`); a file whose
#: `meta` says "pack" must have been made as one, so the kind cannot be switched afterwards.
PACK_CREATED = "Create scoring pack for "
#: Kept by sqlite-utils' migrations: present, but its own SQL is that library's, not ours.
_MIGRATIONS_TABLE = "_sqlite_migrations"

SchemaItem = tuple[str, str]  # (type, name)


@cache
def expected_schema(version: int, built_by: Migrations = migrations
                    ) -> dict[SchemaItem, tuple[str, str | None]]:
    """(type, name) -> (table, sql) of a fresh file built with the first `version` migrations."""
    db = Database(memory=True)
    names = [migration.name for migration in built_by.pending(db)]
    built_by.apply(db, stop_before=names[version] if version < len(names) else None)
    found = schema_of(db)
    db.close()
    return found


def schema_of(db: Database) -> dict[SchemaItem, tuple[str, str | None]]:
    return {(kind, name): (table, sql) for kind, name, table, sql in db.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master")}


def schema_problems(db: Database, version: int, built_by: Migrations = migrations
                    ) -> list[str]:
    """Each object that differs from what this version builds, named (empty when identical)."""
    expected, actual = expected_schema(version, built_by), schema_of(db)
    found = []
    for item in sorted(actual.keys() - expected.keys()):
        article = "an" if item[0] == "index" else "a"
        found.append(f"{article} {item[0]} '{item[1]}' was added to the file outside the "
                     "workbench")
    for item in sorted(expected.keys() - actual.keys()):
        found.append(f"the {item[0]} '{item[1]}' was removed from the file outside the workbench")
    for item in sorted(expected.keys() & actual.keys()):
        table = expected[item][0]
        if actual[item][0] != table or (table != _MIGRATIONS_TABLE
                                        and actual[item][1] != expected[item][1]):
            found.append(f"the {item[0]} '{item[1]}' was changed outside the workbench")
    return found


def meta_problems(db: Database) -> list[str]:
    """The `meta` rows that decide how the file is opened, checked against its trail."""
    kinds = [row[0] for row in db.execute("SELECT value FROM meta WHERE key = ?", [META_KIND])]
    first = db.execute("SELECT action FROM audit ORDER BY seq LIMIT 1").fetchone()
    made_as_pack = first is not None and str(first[0]).startswith(PACK_CREATED)
    if not kinds:
        return ["table 'meta': the record of the file's kind was removed"]
    if kinds[0] not in ("tender", "pack"):
        return [f"table 'meta': the file's kind was changed to an unknown one "
                f"('{str(kinds[0])[:20]}')"]
    # Only this way round: a tender shown as a pack would open in evaluator mode, hiding the
    # lead's views. (A pack is itself a tender until its identity is written, just after.)
    if kinds[0] == "pack" and not made_as_pack:
        return ["table 'meta': the file's kind was changed to 'pack'; its audit trail shows "
                "it was made as a tender"]
    return []


def index_problems(db: Database) -> list[str]:
    """Every index compared with its table, and every page checked (`PRAGMA integrity_check`).

    Measured at about a third of a second on a 70 MB file, so the full check is affordable.
    """
    try:
        rows = [str(row[0]) for row in db.execute("PRAGMA integrity_check(5)").fetchall()]
    except sqlite3.DatabaseError as exc:
        return [f"the file is damaged ({exc})"]
    if rows == ["ok"]:
        return []
    return [f"the file's indexes or pages do not match its tables ({_short(rows[0])})"]


def problems(db: Database, version: int, built_by: Migrations = migrations, *,
             indexes: bool = True) -> list[str]:
    """Everything wrong with the file's structure, against what `built_by` (this version's
    migrations) builds; `indexes=False` skips the slowest part."""
    found = schema_problems(db, version, built_by)
    if not found:  # meta and indexes are read through the schema: only trust it first
        found = meta_problems(db) + (index_problems(db) if indexes else [])
    return found


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 90 else text[:89] + "…"
