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
SCHEMA_VERSION = 6

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
    "commitments": ("lot_id", "bidder_id", "id"),
    "deliveries": ("lot_id", "bidder_id", "commitment_id", "period"),
    "low_bid_reviews": ("lot_id", "bidder_id"),
    "award_record": ("id",),
    "monitoring_rules": ("id",),
    "monitoring_returns": ("id",),
}
#: Contract monitoring after the award (see `workbench.monitoring`) and the award record (when
#: summaries went out and the award notice was published): still written once the tender is
#: locked, because delivery is reported for the life of the contract and the award is made
#: known after the decision is locked.
AFTER_AWARD = ("commitments", "deliveries", "monitoring_rules", "monitoring_returns",
               "award_record")

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
def m003_scoring_methods(db: Database) -> None:
    """Award methods, price ceilings, quality thresholds, bounds on measured figures and the
    review of abnormally low tenders. Existing rows gain the new columns with values that keep
    their meaning (opening the file re-audits them, see `TenderFile._migrate`)."""
    for statement in _SCORING_METHODS.split(";\n"):
        if statement.strip():
            db.execute(statement)


_SCORING_METHODS = """
ALTER TABLE tender ADD COLUMN abnormally_low_percent TEXT NOT NULL DEFAULT '20';
ALTER TABLE lots ADD COLUMN award_method TEXT NOT NULL DEFAULT 'weighted_points';
ALTER TABLE lots ADD COLUMN price_ceiling TEXT;
ALTER TABLE criteria ADD COLUMN minimum_percent TEXT;
ALTER TABLE criteria ADD COLUMN min_value TEXT;
ALTER TABLE criteria ADD COLUMN max_value TEXT;
CREATE TABLE low_bid_reviews (
    lot_id TEXT NOT NULL,
    bidder_id TEXT NOT NULL,
    price TEXT NOT NULL,
    question TEXT NOT NULL,
    response TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('accept', 'exclude')),
    reason TEXT NOT NULL,
    decided_at TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (lot_id, bidder_id),
    FOREIGN KEY (lot_id, bidder_id) REFERENCES bidders(lot_id, id)
)
"""


@migrations()
def m004_bidder_outputs(db: Database) -> None:
    """Bidder feedback beside each moderated rationale, bidder contact details and received
    date, where the criteria were published and the CPV code, and the award record."""
    for table, column in (("moderated", "feedback"), ("bidders", "address"),
                          ("bidders", "email"), ("bidders", "identifier"),
                          ("bidders", "received_on"), ("tender", "criteria_published"),
                          ("tender", "cpv")):
        db.execute(f"ALTER TABLE [{table}] ADD COLUMN [{column}] TEXT NOT NULL DEFAULT ''")
    db.execute("CREATE TABLE award_record (id TEXT PRIMARY KEY, "
               "summaries_sent_on TEXT NOT NULL DEFAULT '', "
               "award_notice_on TEXT NOT NULL DEFAULT '')")


@migrations()
def m005_commitment_kpis(db: Database) -> None:
    """Every commitment is a KPI of its own: several per social value criterion (scored ones
    too), each with its measure in words, target, basis, periods, an optional proxy value
    and the bid text it came from; deliveries gain a narrative. The tender's rating method
    and supplier returns get their tables.

    Old commitments keep their figure and unit and take their criterion's code as their own;
    "each period" becomes "level to hold" and "per year" (whose deliveries added up) becomes
    a contract total over its planned periods.
    """
    from workbench.storage import audit  # audit reads this module's tables

    old_c = list(db.query("SELECT * FROM commitments"))
    old_d = list(db.query("SELECT * FROM deliveries"))
    titles = {(r["lot_id"], r["id"]): r["title"]
              for r in db.query("SELECT lot_id, id, title FROM criteria")}
    db.execute("DROP TABLE deliveries")
    db.execute("DROP TABLE commitments")
    for statement in _KPIS.split(";\n"):
        if statement.strip():
            db.execute(statement)
    bases = {"contract total": "contract total", "per year": "contract total",
             "each period": "level to hold"}
    for r in old_c:
        db.execute(
            "INSERT INTO commitments (lot_id, bidder_id, id, criterion_id, measure, unit, "
            "target, basis, periods, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [r["lot_id"], r["bidder_id"], r["criterion_id"], r["criterion_id"],
             titles.get((r["lot_id"], r["criterion_id"]), r["criterion_id"]), r["unit"],
             r["committed"], bases.get(r["period"], "contract total"), r["periods_planned"],
             r["note"]])
    for r in old_d:
        db.execute(
            "INSERT INTO deliveries (lot_id, bidder_id, commitment_id, period, delivered, "
            "evidence, recorded_on) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [r["lot_id"], r["bidder_id"], r["criterion_id"], r["period"], r["delivered"],
             r["evidence"], r["recorded_on"]])
    if old_c or old_d:
        # Opening re-audits the rows under their new keys; the old keys are closed here, so
        # the trail does not expect rows that no longer exist.
        at = db.execute("SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 'now')").fetchone()[0]
        gone = [{"entity": table, "before": audit.content(r), "after": None,
                 "entity_key": audit.canonical([r[c] for c in keys])}
                for table, rows, keys in (
                    ("commitments", old_c, ("lot_id", "bidder_id", "criterion_id")),
                    ("deliveries", old_d, ("lot_id", "bidder_id", "criterion_id", "period")))
                for r in rows]
        audit.append(db, gone, action_id=audit.last_hash(db)[0] + 1, at=at, user="workbench",
                     action=f"{audit.UPGRADE_ACTION}: commitments become KPIs",
                     reason="")


_KPIS = """
CREATE TABLE commitments (
    lot_id TEXT NOT NULL,
    bidder_id TEXT NOT NULL,
    id TEXT NOT NULL,
    criterion_id TEXT NOT NULL,
    measure TEXT NOT NULL,
    unit TEXT NOT NULL DEFAULT '',
    target TEXT,
    basis TEXT NOT NULL DEFAULT 'contract total',
    periods INTEGER,
    proxy_value TEXT,
    source TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (lot_id, bidder_id, id),
    FOREIGN KEY (lot_id, bidder_id) REFERENCES bidders(lot_id, id),
    FOREIGN KEY (lot_id, criterion_id) REFERENCES criteria(lot_id, id)
);
CREATE TABLE deliveries (
    lot_id TEXT NOT NULL,
    bidder_id TEXT NOT NULL,
    commitment_id TEXT NOT NULL,
    period TEXT NOT NULL,
    delivered TEXT NOT NULL,
    narrative TEXT NOT NULL DEFAULT '',
    evidence TEXT NOT NULL,
    recorded_on TEXT NOT NULL,
    PRIMARY KEY (lot_id, bidder_id, commitment_id, period),
    FOREIGN KEY (lot_id, bidder_id, commitment_id) REFERENCES commitments(lot_id, bidder_id, id)
);
CREATE TABLE monitoring_rules (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    method TEXT NOT NULL DEFAULT 'target',
    good_at TEXT NOT NULL DEFAULT '90',
    approaching_at TEXT NOT NULL DEFAULT '75',
    improvement_at TEXT NOT NULL DEFAULT '50'
);
CREATE TABLE monitoring_returns (
    id TEXT PRIMARY KEY,
    lot_id TEXT NOT NULL,
    bidder_id TEXT NOT NULL,
    period TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    merged_at TEXT,
    FOREIGN KEY (lot_id, bidder_id) REFERENCES bidders(lot_id, id)
)
"""


@migrations()
def m006_score_overrides(db: Database) -> None:
    """A submitted score the lead changed records why: an override, shown as such wherever the
    score is."""
    db.execute("ALTER TABLE scores ADD COLUMN override_reason TEXT NOT NULL DEFAULT ''")
