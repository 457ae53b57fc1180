"""Merging returned scoring packs into the lead's tender file.

Each pack is checked completely before anything is written: that it is this tender's, issued
to this evaluator and not superseded, unaltered since issue, every score on its scale with a
rationale. Then it is written all or nothing in one action. Scores keep the pack's status
(submitted when the evaluator marked it final, else draft) and are recorded as entered by
the evaluator. Once moderation has started, merging needs the lead's confirmation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from workbench.domain import Lot, Scale, Score, TenderData
from workbench.errors import InterchangeError, ReadOnlyError, ValidationError, WorkbenchError
from workbench.numbers import dec_str
from workbench.panel.packs import PackReturn, read_tender_pack
from workbench.panel.roster import declare_conflict
from workbench.panel.workbook import read_workbook
from workbench.storage import TenderFile
from workbench.storage.backup import before_bulk_change
from workbench.storage.records import Row, conflict_of, score_row
from workbench.storage.tenderfile import SQLITE_MAGIC, now
from workbench.untrusted import read_head

__all__ = ["MergeReport", "PackResult", "PackReturn", "merge_packs", "read_pack"]

#: Problems listed one per line for a refused pack; the rest are counted.
MAX_LINES = 20


@dataclass
class PackResult:
    """What merging one pack did, or why it was refused (`problems`, nothing written)."""

    path: Path
    evaluator_id: str = ""
    evaluator: str = ""
    pack_id: str = ""
    submitted: bool = False
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    #: Rows of a draft pack with no score yet (nothing to merge for them).
    unscored: int = 0
    #: Conflict-of-interest declarations the evaluator made or changed in the pack.
    declarations: int = 0
    problems: list[str] = field(default_factory=list)
    #: Refused only because moderation has started: merge again with `after_moderation`.
    needs_confirmation: bool = False

    @property
    def merged(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """One line: 'Gareth Llewellyn (pack.xlsx): 12 added, 3 changed, 40 unchanged; final'."""
        who = f"{self.evaluator} ({self.path.name})" if self.evaluator else self.path.name
        if self.problems:
            return f"{who}: refused, {len(self.problems)} problem(s); nothing was merged"
        state = "final" if self.submitted else "draft"
        waiting = f", {self.unscored} not scored yet" if self.unscored else ""
        declared = f", {self.declarations} conflict declaration(s)" if self.declarations else ""
        return (f"{who}: {self.added} added, {self.changed} changed, {self.unchanged} "
                f"unchanged{waiting}{declared}; {state}")

    def problem_lines(self) -> list[str]:
        """Each problem on its own line, naming the file once; after MAX_LINES, one line
        counts the rest (a pack with 200,000 bad rows gives a screenful, not 200,000 lines)."""
        name = self.path.name
        lines = [p if p.startswith(name) else f"{name}: {p}"
                 for p in self.problems[:MAX_LINES]]
        if len(self.problems) > MAX_LINES:
            lines.append(f"{name}: … and {len(self.problems) - MAX_LINES:,} more problems")
        return lines


@dataclass
class MergeReport:
    results: list[PackResult] = field(default_factory=list)

    @property
    def refused(self) -> list[PackResult]:
        return [r for r in self.results if r.problems]

    @property
    def needs_confirmation(self) -> bool:
        """True when some pack was refused only because moderation has started."""
        return any(r.needs_confirmation for r in self.results)


def read_pack(path: Path) -> PackReturn:
    """Read a returned pack, `.tender` or `.xlsx` (told apart by content, not by name)."""
    path = Path(path)
    head = read_head(path)  # refuses a FIFO, a device or a huge file without waiting on it
    if head.startswith(SQLITE_MAGIC):
        return read_tender_pack(path)
    other = _other_spreadsheet(path, head)
    if other:
        raise InterchangeError(f"{path.name} was saved as {other}: open it, save it as an "
                               "Excel Workbook (.xlsx) and merge again")
    if head.startswith(b"PK\x03\x04"):
        return read_workbook(path)
    raise InterchangeError(f"{path.name} is not a scoring pack (neither a .tender pack nor an "
                           "Excel workbook)")


#: Spreadsheet formats people save a returned pack in by mistake, by their first bytes.
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97-2003)
_OTHER_EXTENSIONS = {".xls": "an Excel 97-2003 workbook (.xls)",
                     ".ods": "an OpenDocument spreadsheet (.ods)",
                     ".csv": "a CSV file (.csv)"}


def _other_spreadsheet(path: Path, head: bytes) -> str:
    """Which other spreadsheet format `path` holds ("" if none): by its first bytes, whatever
    its name says (an .xls renamed .xlsx), and by its name for formats with no signature."""
    if head.startswith(_OLE2_MAGIC):
        return _OTHER_EXTENSIONS[".xls"]
    if head.startswith(b"PK\x03\x04"):
        # An OpenDocument file's first zip entry is `mimetype`, stored uncompressed.
        with open(path, "rb") as handle:
            start = handle.read(100)
        if b"mimetype" in start and b"opendocument.spreadsheet" in start:
            return _OTHER_EXTENSIONS[".ods"]
        return ""
    return _OTHER_EXTENSIONS.get(path.suffix.lower(), "")


def merge_packs(tf: TenderFile, paths: list[Path], *,
                after_moderation: bool = False) -> MergeReport:
    """Merge returned packs into the lead's file, each all or nothing in its own action."""
    if tf.read_only:
        raise ReadOnlyError(f"{tf.path.name} is read-only: {tf.read_only_reason}")
    # The model, bidders, panel and assignments; the evaluator's own scores are read per pack
    # (reading every lot's scores would dominate merging into a large tender).
    data = tf.load(scores=False)
    report = MergeReport()
    backed_up = False

    def back_up_once() -> None:
        """One snapshot per merge, taken only once a pack is about to change the file."""
        nonlocal backed_up
        if not backed_up:
            before_bulk_change(tf, "before-merge")
            backed_up = True

    for path in paths:
        try:
            returned = read_pack(Path(path))
        except WorkbenchError as exc:
            report.results.append(PackResult(Path(path), problems=[str(exc)]))
            continue
        report.results.append(_merge(tf, data, returned, after_moderation, back_up_once))
    return report


def _merge(tf: TenderFile, data: TenderData, pack: PackReturn, after_moderation: bool,
           back_up: Callable[[], None]) -> PackResult:
    identity = pack.identity
    evaluator = data.evaluator(identity.evaluator_id)
    result = PackResult(pack.path, identity.evaluator_id,
                        evaluator.name if evaluator else identity.evaluator_id,
                        identity.pack_id, pack.submitted)
    issued = _issued(tf, data, pack)  # first: whose pack this is explains everything else
    if isinstance(issued, str):
        result.problems = [issued]
        return result
    result.problems = list(pack.problems)
    rows = _checked_rows(tf, data, pack, result)  # adds its problems: the report lists all
    if result.problems:
        return result
    started = _moderation_started(tf) & {row["lot_id"] for row in rows}
    if started and not after_moderation:
        titles = ", ".join(lot.title for lot in data.lots if lot.id in started)
        result.problems = [f"moderation has started for {titles}: merging would change scores "
                           "the panel may already have discussed; confirm to merge anyway"]
        result.needs_confirmation = True
        return result
    declarations = _new_declarations(tf, data, pack)
    result.declarations = len(declarations)
    news = rows or declarations or int(issued["submitted"]) != int(pack.submitted)
    returned_at = now() if news or not issued["returned_at"] else issued["returned_at"]
    if news:
        back_up()
    try:
        with tf.action(f"Merge scoring pack from {result.evaluator}"):
            for row in rows:
                tf.put("scores", row)
            for c in declarations:  # through the register, so the evaluator's summary follows
                declare_conflict(tf, c["lot_id"], c["evaluator_id"], c["status"], c["nature"],
                                 c["mitigation"], c["declared_on"], c["bidders"])
            tf.update("packs", {"id": identity.pack_id}, returned_at=returned_at,
                      submitted=int(pack.submitted))
    except (ValidationError, ReadOnlyError) as exc:  # a declaration the register refuses
        return PackResult(pack.path, result.evaluator_id, result.evaluator, result.pack_id,
                          pack.submitted, problems=[str(exc)])
    return result


def _new_declarations(tf: TenderFile, data: TenderData, pack: PackReturn) -> list[Row]:
    """The pack's conflict declarations that differ from the lead's register, with the bidders
    they name as the lead's ids (a blind pack names them by code)."""
    fields = ("status", "declared_on", "nature", "mitigation", "bidders")
    known = {(r["lot_id"], r["evaluator_id"]): {**r, "bidders": conflict_of(r).bidders}
             for r in tf.rows("lot_conflicts")}
    found = []
    for c in pack.conflicts:
        lot = data.lot(c["lot_id"])
        if lot is None:
            continue
        ids = _bidder_ids(lot, pack.identity.blind)
        row = {**c, "bidders": tuple(ids.get(b, b) for b in conflict_of(c).bidders)}
        old = known.get((c["lot_id"], c["evaluator_id"]))
        if old is None or any(old[f] != row[f] for f in fields):
            found.append(row)
    return found


def _issued(tf: TenderFile, data: TenderData, pack: PackReturn) -> Row | str:
    """The lead's record of this pack, or why the pack is not one to merge."""
    identity = pack.identity
    if identity.tender_uid != tf.uid:
        reference = data.tender.reference or data.tender.title
        return f"this pack belongs to another tender, not {reference}"
    found = tf.rows("packs", "id = ?", [identity.pack_id])
    if not found:
        return "this pack was not issued from this tender file (was it issued from a copy?)"
    issued = found[0]
    if issued["evaluator_id"] != identity.evaluator_id:
        return (f"this pack was issued to {_name(data, issued['evaluator_id'])}, but it says "
                f"it is for {_name(data, identity.evaluator_id)}")
    if data.evaluator(identity.evaluator_id) is None:
        return f"evaluator {identity.evaluator_id} is no longer on the panel"
    if issued["superseded_by"]:
        newer = tf.rows("packs", "id = ?", [issued["superseded_by"]])
        when = newer[0]["issued_at"][:16].replace("T", " ") if newer else "later"
        return (f"this pack was replaced by a newer one issued to "
                f"{_name(data, identity.evaluator_id)} on {when}; merge that one instead")
    if issued["checksum"] != pack.checksum:
        return ("its questions or bidders are not those issued (the pack was altered); ask "
                "the evaluator to copy their scores into a new pack")
    return issued


def _name(data: TenderData, evaluator_id: str) -> str:
    evaluator = data.evaluator(evaluator_id)
    return f"{evaluator.name} ({evaluator_id})" if evaluator else evaluator_id


def _checked_rows(tf: TenderFile, data: TenderData, pack: PackReturn,
                  result: PackResult) -> list[Row]:
    """The score rows the pack would write; problems (and counts) go to `result`."""
    evaluator_id = pack.identity.evaluator_id
    minimum = tf.tender().panel.rationale_min_length
    status = "submitted" if pack.submitted else "draft"
    existing = {(r["lot_id"], r["bidder_id"], r["criterion_id"]): r
                for r in tf.rows("scores", "evaluator_id = ?", [evaluator_id])}
    bidders = {lot.id: _bidder_ids(lot, pack.identity.blind) for lot in data.lots}
    questions = {(lot.id, c.id): (lot, c) for lot in data.lots for c in lot.all_criteria()}
    scored = set()
    rows = []
    for entry in pack.entries:
        if entry.score is None:
            continue
        scored.add((entry.lot_id, entry.criterion_id, entry.bidder_id))
        lot, criterion = questions.get((entry.lot_id, entry.criterion_id), (None, None))
        scale = data.scale(criterion.scale) if criterion else None
        bidder = bidders.get(entry.lot_id, {}).get(entry.bidder_id)
        if lot is None or criterion is None or scale is None or criterion.kind != "scored":
            result.problems.append(f"{entry.score_at}: question {entry.criterion_id} is no "
                                   "longer scored in this tender")
            continue
        if bidder is None:
            result.problems.append(f"{entry.score_at}: bidder {entry.bidder_id} is no longer "
                                   f"in {lot.title}")
            continue
        if not scale.allows(entry.score):
            result.problems.append(f"{entry.score_at}: score {dec_str(entry.score)} is not on "
                                   f"the {_scale_text(scale)}")
            continue
        rationale = entry.rationale.strip()
        if not rationale:
            result.problems.append(f"{entry.rationale_at}: no rationale; every score needs the "
                                   "evaluator's reasons")
            continue
        if pack.submitted and len(rationale) < minimum:
            result.problems.append(f"{entry.rationale_at}: the rationale has {len(rationale)} "
                                   f"characters; at least {minimum} are needed")
            continue
        before = existing.get((lot.id, bidder, criterion.id))
        if before is not None and Decimal(before["score"]) == entry.score \
                and before["rationale"] == entry.rationale \
                and (before["status"] == "submitted" or status == "draft"):
            # The same judgement: keep the row as it is (a draft return never un-submits it).
            result.unchanged += 1
            continue
        rows.append(score_row(lot.id, Score(evaluator_id, bidder, criterion.id, entry.score,
                                            entry.rationale, status, evaluator_id)))
        if before is None:
            result.added += 1
        else:
            result.changed += 1
    missing = [item for item in pack.items
               if (item.lot_id, item.criterion_id, item.bidder_id) not in scored]
    result.unscored = len(missing)
    if pack.submitted and missing:
        at = {(e.lot_id, e.criterion_id, e.bidder_id): e.score_at for e in pack.entries}
        named = {p.split(": ")[0] for p in result.problems}  # a bad cell is already reported
        for item in missing:
            where = at.get((item.lot_id, item.criterion_id, item.bidder_id), item.describe())
            if where not in named:
                result.problems.append(f"{where}: no score, but the pack is marked final")
    return rows


def _bidder_ids(lot: Lot, blind: bool) -> dict[str, str]:
    """The lead's bidder id for each bidder id a pack shows (its code under blind scoring)."""
    return {(b.anonymous_code if blind else b.id): b.id for b in lot.bidders
            if not blind or b.anonymous_code}


def _scale_text(scale: Scale) -> str:
    """'0–5 scale (choose 0, 1, 2, 3, 4 or 5)', or '0–60 scale (steps of 1)' for a range."""
    text = f"{dec_str(scale.lowest)}–{dec_str(scale.highest)} scale"
    values = [dec_str(level.value) for level in scale.levels]
    if len(values) > 1:
        return f"{text} (choose {', '.join(values[:-1])} or {values[-1]})"
    return f"{text} (steps of {dec_str(scale.step)})" if scale.step else text


def _moderation_started(tf: TenderFile) -> set[str]:
    """Lots with a moderated score or a moderation meeting."""
    return {row["lot_id"] for table in ("moderated", "meetings") for row in tf.rows(table)}
