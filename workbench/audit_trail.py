"""The audit trail as people read it: who did what, when, to which record, field by field.

The chain itself (hashes, verification) lives in `workbench.storage.audit`; this module turns
its rows into `AuditEntry` objects ("score: 3 → 4") for the Audit view, the command line and
exports to CSV and Excel, where any text a spreadsheet would run as a formula stays text.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from workbench.atomic import atomic_path
from workbench.domain import TenderData
from workbench.errors import ValidationError
from workbench.names import excerpt, visible
from workbench.safe_xlsx import RISKY_START
from workbench.storage import TenderFile, audit
from workbench.storage.schema import PROTECTED

#: What each table's rows are called, singular.
ENTITY_NAMES = {
    "tender": "Tender details", "scales": "Scale", "scale_levels": "Scale level",
    "evaluators": "Evaluator", "lots": "Lot", "criteria": "Criterion", "bidders": "Bidder",
    "bidder_values": "Bidder value", "assignments": "Assignment", "scores": "Score",
    "moderated": "Moderated score", "gateways": "Gateway result",
    "lot_conflicts": "Conflict declaration", "packs": "Scoring pack",
    "meetings": "Moderation meeting", "parked": "Parked question", audit.FILE_ENTITY: "File",
}
#: Columns not listed when a whole row is added or removed (screen order, internal ids).
_QUIET = {"position", "uid"}
#: Longest value shown in a one-line summary; exports and the detail pane show everything.
SHORT = 60
_CODE = re.compile(r"[a-z]+(_[a-z]+)+")
HEADERS = ("Entry", "When (UTC)", "Who", "Action", "Record", "Which", "Change", "Reason",
           "Hash")


@dataclass(frozen=True)
class FieldChange:
    """One column of one row: its value before and after (None when absent)."""

    field: str
    before: Any
    after: Any

    def text(self, limit: int | None = SHORT) -> str:
        name = self.field.replace("_", " ")
        return f"{name}: {show(self.before, limit)} → {show(self.after, limit)}"


@dataclass(frozen=True)
class AuditEntry:
    """One audit row made readable. `kind` is "added", "changed", "removed" or "file"."""

    seq: int
    action_id: int
    at: str
    user: str
    action: str
    entity: str
    which: str
    kind: str
    changes: tuple[FieldChange, ...]
    reason: str
    hash: str

    @property
    def record(self) -> str:
        return ENTITY_NAMES.get(self.entity, self.entity)

    def change_text(self, limit: int | None = SHORT) -> str:
        """'score: 3 → 4; rationale: “ok” → “clear plan”', or 'added: …' / 'removed: …'."""
        if self.kind in ("added", "removed"):
            side = "after" if self.kind == "added" else "before"
            values = "; ".join(f"{c.field.replace('_', ' ')} {show(getattr(c, side), limit)}"
                               for c in self.changes)
            return f"{self.kind}: {values}" if values else self.kind
        return "; ".join(c.text(limit) for c in self.changes) or "no visible change"

    def local_time(self) -> str:
        """When, in this computer's time zone: '25 Nov 2026 10:14'."""
        try:
            return datetime.fromisoformat(self.at).astimezone().strftime("%d %b %Y %H:%M")
        except ValueError:
            return self.at


def problems(tf: TenderFile) -> list[audit.AuditProblem]:
    """Everything found wrong with the file's trail and content (empty when it verifies)."""
    return audit.problems(tf.db)


def fingerprint(tf: TenderFile) -> tuple[int, str]:
    """(entry number, hash) of the newest audit entry: the trail's fingerprint to note down."""
    return audit.last_hash(tf.db)


def show(value: Any, limit: int | None = SHORT) -> str:
    """A stored value as a person reads it: '—' for nothing, quotes around text with spaces."""
    if value is None or value == "":
        return "—"
    text = str(value)
    if _CODE.fullmatch(text):  # a stored code such as "award_recommended" or "half_up"
        return text.replace("_", " ")
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return f"“{text}”" if " " in text else text


def entries(tf: TenderFile) -> list[AuditEntry]:
    """The whole trail, oldest first, with evaluators and bidders named as they are now."""
    with audit.one_snapshot(tf.db):
        names, order = _names(tf.load(scores=False)), _orders(tf)
        return [entry_of(row, names, order) for row in audit.entries(tf.db)]


@dataclass(frozen=True)
class TrailFilter:
    """Which entries to show: those holding every word (in any field, or in the name of the
    evaluator or bidder they concern), of one table ("" for any) by one person ("" for any)."""

    words: tuple[str, ...] = ()
    entity: str = ""
    user: str = ""


class Trail:
    """The trail as the Audit view reads it: counted and filtered by SQLite and read a page
    at a time, newest first, so the largest trail (300,000 entries) shows at once instead
    of being made readable whole."""

    def __init__(self, tf: TenderFile, wanted: TrailFilter = TrailFilter()) -> None:
        self.tf = tf
        self.names = _names(tf.load(scores=False))
        self.order = _orders(tf)
        self.where, self.params = _where(wanted, self.names)

    def count(self) -> int:
        return int(self.tf.db.execute(f"SELECT count(*) FROM audit WHERE {self.where}",
                                      self.params).fetchone()[0])

    def page(self, offset: int, limit: int) -> list[AuditEntry]:
        """`limit` entries, newest first, from the `offset`-th."""
        rows = self.tf.db.query(
            f"SELECT {_COLUMNS} FROM audit WHERE {self.where} ORDER BY seq DESC "
            "LIMIT ? OFFSET ?", [*self.params, limit, offset])
        return [entry_of(row, self.names, self.order) for row in rows]

    def oldest_first(self) -> Iterator[AuditEntry]:
        """Every entry shown, oldest first (for exporting what the view shows)."""
        rows = self.tf.db.query(f"SELECT {_COLUMNS} FROM audit WHERE {self.where} "
                                "ORDER BY seq", self.params)
        return (entry_of(row, self.names, self.order) for row in rows)


def trail_choices(tf: TenderFile) -> tuple[list[tuple[str, str]], list[str]]:
    """What the Audit view's filters offer: the kinds of record in the trail, as (label,
    table), and the people in it, each sorted."""
    tables = [row[0] for row in tf.db.execute("SELECT DISTINCT entity FROM audit")]
    users = [row[0] for row in tf.db.execute("SELECT DISTINCT user FROM audit")]
    return (sorted((ENTITY_NAMES.get(t, t), t) for t in tables), sorted(users))


_COLUMNS = "seq, action_id, at, user, action, entity, entity_key, before, after, reason, hash"


#: A search is at most this many words of at most this many characters: SQLite refuses far
#: longer LIKE patterns, and a pasted page of text is not a search.
MAX_WORDS, MAX_WORD = 10, 100
#: SQLite allows 32,766 parameters in a statement; a word found in hundreds of bidders' names
#: adds two each.
_MAX_PARAMS = 30_000


def _where(wanted: TrailFilter, names: Mapping[str, str]) -> tuple[str, list[Any]]:
    """SQL for `wanted`: each word must be in one of the entry's stored fields (LIKE, case
    blind for unaccented letters), or name its kind of record, or name an evaluator or
    bidder whose id is in its key. ValidationError for a search too long or too broad."""
    if len(wanted.words) > MAX_WORDS:
        raise ValidationError(f"search for at most {MAX_WORDS} words at a time, not "
                              f"{len(wanted.words):,}")
    long = next((w for w in wanted.words if len(w) > MAX_WORD), None)
    if long is not None:
        raise ValidationError(f"a search word is at most {MAX_WORD} characters, not "
                              f"{excerpt(long)}")
    clauses: list[str] = ["1"]
    params: list[Any] = []
    if wanted.entity:
        clauses.append("entity = ?")
        params.append(wanted.entity)
    if wanted.user:
        clauses.append("user = ?")
        params.append(wanted.user)
    for word in wanted.words:
        like = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        either = [f"{column} LIKE ? ESCAPE '\\'" for column in _SEARCHED]
        params += [like] * len(_SEARCHED)
        folded = word.casefold()
        tables = [t for t, label in ENTITY_NAMES.items() if folded in label.casefold()]
        if tables:
            either.append(f"entity IN ({', '.join('?' * len(tables))})")
            params += tables
        for lookup, name in names.items():
            if folded in name.casefold():  # 'bidder_id=L1/B2': the key holds "L1" and "B2"
                ids = lookup.split("=", 1)[1].split("/")
                either.append(f"({' AND '.join(['entity_key LIKE ?'] * len(ids))})")
                params += [f'%"{part}"%' for part in ids]
        if word.isascii() and word.isdigit() and len(word) < 16:  # an entry's number
            either.append("seq = ?")
            params.append(int(word))
        clauses.append(f"({' OR '.join(either)})")
    if len(params) > _MAX_PARAMS:
        raise ValidationError("that search matches the names of too many bidders and "
                              "evaluators: add a longer word")
    return " AND ".join(clauses), params


_SEARCHED = ("action", "user", "reason", "at", "entity_key", "before", "after")


def _orders(tf: TenderFile) -> dict[str, list[str]]:
    """Each protected table's columns in schema order (fields read in a natural order)."""
    return {table: [column.name for column in tf.db[table].columns] for table in PROTECTED}


def entry_of(row: Mapping[str, Any], names: Mapping[str, str] | None = None,
             order: Mapping[str, list[str]] | None = None) -> AuditEntry:
    """One raw audit row as an `AuditEntry`; `order` lists each table's columns as the
    schema has them (the stored JSON is sorted by name), so fields read in a natural order."""
    before = _parse(row["before"])
    after = _parse(row["after"])
    entity = row["entity"]
    if entity == audit.FILE_ENTITY:
        kind = "file"
        changes = tuple(FieldChange(k, before.get(k), after.get(k))
                        for k in sorted(set(before) | set(after)))
    else:
        kind = "added" if row["before"] is None else "removed" if row["after"] is None \
            else "changed"
        hidden = set(PROTECTED.get(entity, ())) | (_QUIET if kind != "changed" else set())
        columns = (order or {}).get(entity, [])
        fields = sorted((f for f in {**before, **after} if f not in hidden),
                        key=lambda f: columns.index(f) if f in columns else len(columns))
        changes = tuple(FieldChange(f, before.get(f), after.get(f)) for f in fields
                        if kind != "changed" or before.get(f) != after.get(f))
    return AuditEntry(
        seq=row["seq"], action_id=row["action_id"], at=row["at"], user=row["user"],
        action=row["action"], entity=entity, which=_which(entity, row["entity_key"], names or {}),
        kind=kind, changes=changes, reason=row["reason"], hash=row["hash"])


def _parse(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    value = json.loads(text)
    return value if isinstance(value, dict) else {"value": value}


def _names(data: TenderData) -> dict[str, str]:
    """'evaluator_id=E1' -> 'Eve Smith', 'bidder_id=L1/B1' -> 'Acme' (for naming keys)."""
    names = {f"evaluator_id={e.id}": e.name for e in data.evaluators}
    for lot in data.lots:
        names.update({f"bidder_id={lot.id}/{b.id}": b.name for b in lot.bidders})
    return names


def _which(entity: str, entity_key: str, names: Mapping[str, str]) -> str:
    """The row's key in words: 'L1 · Eve Smith (E1) · Acme (B1) · Q1'."""
    if entity == "tender":
        return "—"
    try:
        values = json.loads(entity_key)
    except ValueError:
        return entity_key
    columns = PROTECTED.get(entity)
    if not isinstance(values, list) or columns is None or len(columns) != len(values):
        return audit.key_label(entity_key)
    lot = values[columns.index("lot_id")] if "lot_id" in columns else ""
    parts = []
    for column, value in zip(columns, values, strict=True):
        lookup = f"{column}={lot}/{value}" if column == "bidder_id" else f"{column}={value}"
        name = names.get(lookup)
        parts.append(f"{name} ({value})" if name else str(value))
    return " · ".join(parts)


def _row(entry: AuditEntry) -> list[Any]:
    return [entry.seq, entry.at, entry.user, entry.action, entry.record, entry.which,
            entry.change_text(limit=None), entry.reason, entry.hash]


def csv_text(value: Any) -> Any:
    """A CSV field a spreadsheet shows as written: control characters visible, and text it
    would run as a formula (= + - @, tab, return) behind a leading '."""
    if not isinstance(value, str):
        return value
    text = visible(value)
    return "'" + text if text.startswith(RISKY_START) else text


def export_csv(items: Iterable[AuditEntry], path: Path) -> None:
    """Write entries to a UTF-8 CSV (with BOM, so Excel reads the accents right)."""
    with atomic_path(path) as part, open(part, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for entry in items:
            writer.writerow([csv_text(v) for v in _row(entry)])


def export_xlsx(items: Iterable[AuditEntry], path: Path, title: str = "") -> None:
    """Write entries to an Excel workbook; every text cell is stored as text, never a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from workbench.exchange.results_xlsx import for_printing
    from workbench.safe_xlsx import put_at, save_workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Audit trail"
    header_row = 1
    if title:
        put_at(sheet, 1, 1, f"Audit trail: {title}").font = Font(bold=True, size=13)
        header_row = 2
    for col, heading in enumerate(HEADERS, start=1):
        put_at(sheet, header_row, col, heading).font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for row, entry in enumerate(items, start=header_row + 1):
        for col, value in enumerate(_row(entry), start=1):
            cell = put_at(sheet, row, col, value)
            if isinstance(value, str):
                cell.alignment = wrap
    for letter, width in zip("ABCDEFGHI", (7, 26, 24, 34, 18, 30, 60, 40, 20), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    for_printing(sheet, header_row)
    save_workbook(book, path)
