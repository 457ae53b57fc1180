"""The tender file's schema: tables, their keys, and the migrations that build them.

Decimals are stored as TEXT (exact); every domain table has a natural key so that each row
can be named in the audit trail. A migration may change protected tables freely (add a column,
fix data): opening the file re-audits every row the upgrade changed, in the same transaction,
as "Upgrade file format to vN" (`TenderFile._migrate`), so the upgraded file still verifies.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

#: "TEND": marks an SQLite file as a tender file (PRAGMA application_id).
APPLICATION_ID = 0x54454E44
#: Bumped with every migration; a file whose user_version is higher is from a newer version.
SCHEMA_VERSION = 3

#: Domain tables and their key columns. Every row of these is covered by the audit chain.
PROTECTED: dict[str, tuple[str, ...]] = {
    "tender": ("id",),
    "scales": ("id",),
    "scale_levels": ("scale_id", "value"),
    "evaluators": ("id",),
    "lots": ("id",),
    "criteria": ("lot_id", "id"),
    "bidders": ("lot_id", "id"),
    "bidder_values": ("lot_id", "bidder_id", "criterion_id"),
    "assignments": ("lot_id", "evaluator_id", "criterion_id"),
    "scores": ("lot_id", "evaluator_id", "bidder_id", "criterion_id"),
    "moderated": ("lot_id", "bidder_id", "criterion_id"),
    "gateways": ("lot_id", "bidder_id", "criterion_id"),
    "lot_conflicts": ("lot_id", "evaluator_id"),
    "packs": ("id",),
    "meetings": ("id",),
    "parked": ("lot_id", "bidder_id", "criterion_id"),
    "commitments": ("lot_id", "bidder_id", "criterion_id"),
    "deliveries": ("lot_id", "bidder_id", "criterion_id", "period"),
}
#: Contract monitoring after the award (see `workbench.monitoring`): still written once the
#: tender is locked, because delivery is reported for the life of the contract.
AFTER_AWARD = ("commitments", "deliveries")

#: Keys of the `meta` table (file bookkeeping, not audited): "kind" is "tender" for a lead's
#: file and "pack" for one evaluator's scoring pack; a pack also records "pack_id",
#: "pack_evaluator", "pack_tender_uid" and "pack_submitted" ("0"/"1").
META_KIND = "kind"

migrations = Migrations("workbench")


@migrations()
def m001_initial(db: Database) -> None:
    for statement in _INITIAL.split(";\n"):
        if statement.strip():
            db.execute(statement)


_INITIAL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE tender (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    uid TEXT NOT NULL,
    title TEXT NOT NULL,
    reference TEXT NOT NULL DEFAULT '',
    authority TEXT NOT NULL DEFAULT '',
    currency TEXT NOT NULL DEFAULT 'GBP',
    estimated_value TEXT,
    total_points TEXT NOT NULL DEFAULT '100',
    social_value_minimum_weight TEXT NOT NULL DEFAULT '10',
    rounding_decimals INTEGER NOT NULL DEFAULT 2,
    rounding_mode TEXT NOT NULL DEFAULT 'half_up',
    rounding_stage TEXT NOT NULL DEFAULT 'final',
    procedure TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'setup',
    sealed_at TEXT,
    seal_hash TEXT,
    blind_scoring INTEGER NOT NULL DEFAULT 0,
    min_evaluators INTEGER NOT NULL DEFAULT 2,
    rationale_min_length INTEGER NOT NULL DEFAULT 20,
    spread_threshold TEXT NOT NULL DEFAULT '2',
    spread_threshold_unit TEXT NOT NULL DEFAULT 'points',
    shared_model INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE scales (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    min TEXT, max TEXT, step TEXT
);
CREATE TABLE scale_levels (
    scale_id TEXT NOT NULL REFERENCES scales(id),
    value TEXT NOT NULL,
    label TEXT NOT NULL,
    descriptor TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL,
    PRIMARY KEY (scale_id, value)
);
CREATE TABLE evaluators (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT '',
    conflict_status TEXT NOT NULL DEFAULT 'none',
    conflict_declared_on TEXT,
    conflict_nature TEXT NOT NULL DEFAULT '',
    conflict_mitigation TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL
);
CREATE TABLE lots (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    position INTEGER NOT NULL
);
CREATE TABLE criteria (
    lot_id TEXT NOT NULL REFERENCES lots(id),
    id TEXT NOT NULL,
    parent_id TEXT,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    weight TEXT,
    scale_id TEXT REFERENCES scales(id),
    minimum TEXT,
    normalise TEXT NOT NULL DEFAULT 'max',
    formula TEXT NOT NULL DEFAULT 'lowest_over_bid',
    direction TEXT NOT NULL DEFAULT 'higher_is_better',
    theme TEXT,
    unit TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL DEFAULT '',
    guidance TEXT NOT NULL DEFAULT '',
    good_answer TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (lot_id, id)
);
CREATE TABLE bidders (
    lot_id TEXT NOT NULL REFERENCES lots(id),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    organisation_type TEXT NOT NULL DEFAULT 'SME',
    price TEXT,
    anonymous_code TEXT NOT NULL DEFAULT '',
    withdrawn INTEGER NOT NULL DEFAULT 0,
    withdrawn_reason TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL,
    PRIMARY KEY (lot_id, id)
);
CREATE TABLE bidder_values (
    lot_id TEXT NOT NULL,
    bidder_id TEXT NOT NULL,
    criterion_id TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (lot_id, bidder_id, criterion_id),
    FOREIGN KEY (lot_id, bidder_id) REFERENCES bidders(lot_id, id)
);
CREATE TABLE assignments (
    lot_id TEXT NOT NULL,
    evaluator_id TEXT NOT NULL REFERENCES evaluators(id),
    criterion_id TEXT NOT NULL,
    PRIMARY KEY (lot_id, evaluator_id, criterion_id),
    FOREIGN KEY (lot_id, criterion_id) REFERENCES criteria(lot_id, id)
);
CREATE TABLE scores (
    lot_id TEXT NOT NULL,
    evaluator_id TEXT NOT NULL REFERENCES evaluators(id),
    bidder_id TEXT NOT NULL,
    criterion_id TEXT NOT NULL,
    score TEXT NOT NULL,
    rationale TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'submitted',
    entered_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (lot_id, evaluator_id, bidder_id, criterion_id),
    FOREIGN KEY (lot_id, bidder_id) REFERENCES bidders(lot_id, id),
    FOREIGN KEY (lot_id, criterion_id) REFERENCES criteria(lot_id, id)
);
CREATE TABLE moderated (
    lot_id TEXT NOT NULL,
    bidder_id TEXT NOT NULL,
    criterion_id TEXT NOT NULL,
    score TEXT NOT NULL,
    rationale TEXT NOT NULL DEFAULT '',
    agreed_by TEXT NOT NULL DEFAULT '',
    agreed_at TEXT NOT NULL DEFAULT '',
    attendees TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (lot_id, bidder_id, criterion_id),
    FOREIGN KEY (lot_id, bidder_id) REFERENCES bidders(lot_id, id),
    FOREIGN KEY (lot_id, criterion_id) REFERENCES criteria(lot_id, id)
);
CREATE TABLE gateways (
    lot_id TEXT NOT NULL,
    bidder_id TEXT NOT NULL,
    criterion_id TEXT NOT NULL,
    result TEXT NOT NULL CHECK (result IN ('pass', 'fail')),
    rationale TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (lot_id, bidder_id, criterion_id),
    FOREIGN KEY (lot_id, bidder_id) REFERENCES bidders(lot_id, id),
    FOREIGN KEY (lot_id, criterion_id) REFERENCES criteria(lot_id, id)
);
CREATE TABLE lot_conflicts (
    lot_id TEXT NOT NULL REFERENCES lots(id),
    evaluator_id TEXT NOT NULL REFERENCES evaluators(id),
    status TEXT NOT NULL DEFAULT 'none' CHECK (status IN ('none', 'declared')),
    declared_on TEXT,
    nature TEXT NOT NULL DEFAULT '',
    mitigation TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (lot_id, evaluator_id)
);
CREATE TABLE packs (
    id TEXT PRIMARY KEY,
    evaluator_id TEXT NOT NULL REFERENCES evaluators(id),
    format TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    returned_at TEXT,
    submitted INTEGER NOT NULL DEFAULT 0,
    superseded_by TEXT,
    checksum TEXT NOT NULL DEFAULT ''
);
CREATE TABLE meetings (
    id TEXT PRIMARY KEY,
    lot_id TEXT NOT NULL REFERENCES lots(id),
    chair TEXT NOT NULL DEFAULT '',
    attendees TEXT NOT NULL DEFAULT '[]',
    started_at TEXT NOT NULL,
    ended_at TEXT
);
CREATE TABLE parked (
    lot_id TEXT NOT NULL,
    bidder_id TEXT NOT NULL,
    criterion_id TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    parked_at TEXT NOT NULL,
    PRIMARY KEY (lot_id, bidder_id, criterion_id),
    FOREIGN KEY (lot_id, bidder_id) REFERENCES bidders(lot_id, id),
    FOREIGN KEY (lot_id, criterion_id) REFERENCES criteria(lot_id, id)
);
CREATE TABLE commitments (
    lot_id TEXT NOT NULL,
    bidder_id TEXT NOT NULL,
    criterion_id TEXT NOT NULL,
    committed TEXT NOT NULL,
    unit TEXT NOT NULL DEFAULT '',
    period TEXT NOT NULL DEFAULT 'contract total',
    periods_planned INTEGER,
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (lot_id, bidder_id, criterion_id),
    FOREIGN KEY (lot_id, bidder_id) REFERENCES bidders(lot_id, id),
    FOREIGN KEY (lot_id, criterion_id) REFERENCES criteria(lot_id, id)
);
CREATE TABLE deliveries (
    lot_id TEXT NOT NULL,
    bidder_id TEXT NOT NULL,
    criterion_id TEXT NOT NULL,
    period TEXT NOT NULL,
    delivered TEXT NOT NULL,
    evidence TEXT NOT NULL,
    recorded_on TEXT NOT NULL,
    PRIMARY KEY (lot_id, bidder_id, criterion_id, period),
    FOREIGN KEY (lot_id, bidder_id) REFERENCES bidders(lot_id, id),
    FOREIGN KEY (lot_id, criterion_id) REFERENCES criteria(lot_id, id)
);
CREATE TABLE audit (
    seq INTEGER PRIMARY KEY,
    action_id INTEGER NOT NULL,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_key TEXT NOT NULL,
    before TEXT,
    after TEXT,
    reason TEXT NOT NULL DEFAULT '',
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit (entity, entity_key, seq);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END
"""


@migrations()
def m002_conflicts_name_bidders(db: Database) -> None:
    """A declared conflict names the bidders it concerns; an agreed score records who took no
    part in agreeing it because of one."""
    db.execute("ALTER TABLE lot_conflicts ADD COLUMN bidders TEXT NOT NULL DEFAULT '[]'")
    db.execute("ALTER TABLE moderated ADD COLUMN recused TEXT NOT NULL DEFAULT '[]'")


@migrations()
def m003_score_overrides(db: Database) -> None:
    """A submitted score the lead changed records why: an override, shown as such wherever the
    score is."""
    db.execute("ALTER TABLE scores ADD COLUMN override_reason TEXT NOT NULL DEFAULT ''")
