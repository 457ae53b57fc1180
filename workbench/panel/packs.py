"""Scoring packs: one evaluator's view of the tender, issued as a `.tender` file or a workbook.

A pack holds the model and scales, the lots and questions assigned to one evaluator, the
bidders (as anonymous codes under blind scoring), and that evaluator's own earlier scores and
conflict declarations; nothing of any other evaluator and no moderated scores. Its identity
(tender, pack, evaluator) and a checksum over the rows it asks to be scored are recorded in the
lead's `packs` table when it is issued, so a returned pack can be checked before it is merged
(`workbench.panel.merge`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import astuple, dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from workbench.domain import Assignment, Bidder, Criterion, Lot, ModerationRules, TenderData
from workbench.errors import InterchangeError, ReadOnlyError, StorageError, ValidationError
from workbench.storage import TenderFile
from workbench.storage.records import bidder_row
from workbench.storage.schema import META_KIND
from workbench.storage.tenderfile import now

PACK_FORMATS = ("tender", "xlsx")
_SUFFIX = {"tender": ".tender", "xlsx": ".xlsx"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class PackIdentity:
    """Who and what a pack is for; checked against the lead's `packs` table on return."""

    tender_uid: str
    pack_id: str
    evaluator_id: str
    blind: bool


@dataclass(frozen=True)
class PackItem:
    """One score a pack asks for: a bidder on a question. Bidder id and label are as the pack
    shows them (the anonymous code under blind scoring)."""

    lot_id: str
    lot_title: str
    criterion_id: str
    criterion_title: str
    bidder_id: str
    bidder_label: str

    def describe(self) -> str:
        """How a problem names this score in a `.tender` pack: lot, question and bidder."""
        return f"{self.lot_id} {self.criterion_id} ({self.criterion_title}), {self.bidder_label}"


@dataclass
class PackContent:
    """A pack about to be written: the evaluator's view of the tender and its identity."""

    identity: PackIdentity
    data: TenderData
    items: list[PackItem]
    rationale_min_length: int
    issued_at: str
    conflicts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def checksum(self) -> str:
        return pack_checksum(self.identity, self.items)


@dataclass
class PackEntry:
    """One score row read back from a pack; `score` is None where nothing was entered.
    `score_at` / `rationale_at` name where it is ("Scores!E7", or the lot, question, bidder)."""

    lot_id: str
    criterion_id: str
    bidder_id: str
    score: Decimal | None
    rationale: str
    score_at: str
    rationale_at: str


@dataclass
class PackReturn:
    """A returned pack as read from disk, before it is checked against the lead's file.

    `problems` are what reading alone found (damaged structure, edited protected cells, text in
    a score cell...); `checksum` is recomputed from what the pack holds now.
    """

    path: Path
    format: str
    identity: PackIdentity
    submitted: bool
    items: list[PackItem]
    entries: list[PackEntry]
    checksum: str
    problems: list[str] = field(default_factory=list)
    #: The evaluator's conflict declarations made in a `.tender` pack (`lot_conflicts` rows).
    conflicts: list[dict[str, Any]] = field(default_factory=list)


def pack_checksum(identity: PackIdentity, items: list[PackItem]) -> str:
    """SHA-256 over the identity and every row the pack asks for, in order."""
    rows = [(i.lot_id, i.lot_title, i.criterion_id, i.criterion_title, i.bidder_id,
             i.bidder_label) for i in items]
    payload = json.dumps([astuple(identity), rows], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# -- what a pack holds ----------------------------------------------------------------------


def assigned(lot: Lot, evaluator_id: str) -> list[str]:
    """The criteria of `lot` assigned to an evaluator, in model order."""
    return next((a.criteria for a in lot.assignments if a.evaluator == evaluator_id), [])


def pack_items(data: TenderData, evaluator_id: str, *,
               honour_conflicts: bool = True) -> list[PackItem]:
    """Every score an evaluator owes: each assigned scored question × each bidder still in the
    lot that they have no declared conflict with, lot by lot, question by question, bidder by
    bidder.

    `honour_conflicts=False` gives what a pack was issued with, whatever the evaluator declared
    in it since (the lead's earlier declarations left those bidders out of the pack itself):
    the pack's checksum is over that.
    """
    items: list[PackItem] = []
    for lot in data.lots:
        mine = set(assigned(lot, evaluator_id))
        bidders = [b for b in lot.bidders if not b.withdrawn
                   and not (honour_conflicts and lot.recused(evaluator_id, b.id))]
        labels = _labels(bidders)
        for criterion in lot.all_criteria():
            if criterion.id in mine and criterion.kind == "scored" and data.scale(criterion.scale):
                items.extend(PackItem(lot.id, printable(lot.title), criterion.id,
                                      printable(criterion.title), b.id, labels[b.id])
                             for b in bidders)
    return items


def _labels(bidders: list[Bidder]) -> dict[str, str]:
    """Bidder names as a pack shows them; a name two bidders share gets the id added, because
    the workbook matches its rows by what is shown."""
    names = [printable(b.name) for b in bidders]
    return {b.id: name if names.count(name) == 1 else f"{name} ({b.id})"
            for b, name in zip(bidders, names, strict=True)}


def printable(text: str) -> str:
    """Text without the control characters a workbook cannot hold (tab and newline stay)."""
    return _CONTROL.sub("", text)


def anonymous_codes(lot: Lot) -> dict[str, str]:
    """Each bidder's anonymous code: its own, or the next free "Bidder A", "Bidder B"...

    Refuses two bidders sharing a code: returned scores could not be told apart.
    """
    taken = [b.anonymous_code for b in lot.bidders if b.anonymous_code]
    for code in taken:
        if taken.count(code) > 1:
            raise ValidationError(f"{lot.title}: two bidders have the anonymous code '{code}'; "
                                  "give each bidder its own code before issuing packs")
    free = (f"Bidder {letters}" for letters in _letters() if f"Bidder {letters}" not in taken)
    return {b.id: b.anonymous_code or next(free) for b in lot.bidders}


def _letters() -> Iterator[str]:
    """A, B, ..., Z, AA, AB, ... (more bidders than letters happens on framework lots)."""
    width = 1
    while True:
        for n in range(26 ** width):
            text = ""
            for _ in range(width):
                n, digit = divmod(n, 26)
                text = chr(ord("A") + digit) + text
            yield text
        width += 1


def pack_data(data: TenderData, evaluator_id: str, *, blind: bool) -> TenderData:
    """One evaluator's view of the tender: their lots, questions (with ancestors, so the tree
    and weights read as in the lead's file), bidders, and their own scores; nothing else.

    Under blind scoring each bidder's id and name are its anonymous code (set them first with
    `anonymous_codes`). Prices and quantitative values are kept only for criteria the
    evaluator is assigned.
    """
    evaluator = data.evaluator(evaluator_id)
    if evaluator is None:
        raise ValidationError(f"no evaluator '{evaluator_id}' in this tender")
    lots = []
    for lot in data.lots:
        mine = assigned(lot, evaluator_id)
        if not mine:
            continue
        kinds = {c.kind for c in lot.all_criteria() if c.id in mine}
        shown = {b.id: b.anonymous_code if blind else b.id for b in lot.bidders
                 if not b.withdrawn and not lot.recused(evaluator_id, b.id)}
        bidders = [
            Bidder(shown[b.id], b.anonymous_code if blind else b.name,
                   b.organisation_type, b.price if "price" in kinds else None,
                   {cid: v for cid, v in b.values.items() if cid in mine},
                   b.anonymous_code)
            for b in lot.bidders if b.id in shown
        ]
        scored = {c.id for c in lot.all_criteria() if c.id in mine and c.kind == "scored"}
        scores = [replace(s, bidder=shown[s.bidder]) for s in lot.scores
                  if s.evaluator == evaluator_id and s.criterion in scored and s.bidder in shown]
        lots.append(Lot(lot.id, lot.title, _prune(lot.criteria, set(mine)), bidders,
                        [Assignment(evaluator_id, list(mine))], scores))
    used = {c.scale for lot in lots for c in lot.all_criteria() if c.scale}
    # The pack is not the plan (its model is pruned), so it carries no seal, shared model or
    # moderation rule of the lead's file: only the panel rules the evaluator scores under.
    tender = replace(data.tender, seal=None, shared_model=False, moderation=ModerationRules())
    return TenderData(tender, [s for s in data.scales if s.id in used],
                      [replace(evaluator)], lots)


def _prune(nodes: list[Criterion], keep: set[str]) -> list[Criterion]:
    """The criteria in `keep` and their ancestors, in model order."""
    kept = []
    for node in nodes:
        children = _prune(node.children, keep)
        if node.id in keep or children:
            kept.append(replace(node, children=children))
    return kept


# -- issuing --------------------------------------------------------------------------------


def pack_file_name(tender: str, evaluator: str, suffix: str) -> str:
    """`NBC-2026-0147 - Gareth Llewellyn - scoring pack.tender`, safe on every file system."""
    return f"{_safe(tender)} - {_safe(evaluator)} - scoring pack{suffix}"


_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
             *(f"LPT{i}" for i in range(1, 10))}


def _safe(text: str) -> str:
    """A name part with nothing Windows, macOS or Linux refuse: no separators, wildcards,
    control characters, trailing dots or reserved device names; at most 60 characters."""
    cleaned = re.sub(r'[\x00-\x1f\x7f<>:"/\\|?*]+', " ", text)
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" .")[:60].strip(" .")
    if cleaned.upper().split(".")[0] in _RESERVED:
        cleaned = f"_{cleaned}"
    return cleaned or "unnamed"


def create_packs(tf: TenderFile, out_dir: Path, fmt: str = "tender",
                 evaluators: list[str] | None = None,
                 progress: Callable[[int, int], None] | None = None) -> list[Path]:
    """Write one scoring pack per evaluator with questions to score, into `out_dir`.

    All or nothing: the files are written first, then recorded in the lead's `packs` table in
    one action (an evaluator's older packs are marked superseded, anonymous codes given under
    blind scoring, a sealed tender moves to scoring); if anything fails, no file is left.
    `evaluators` limits the packs to those ids. Returns the paths written.
    """
    if fmt not in PACK_FORMATS:
        raise ValidationError(f"unknown pack format '{fmt}' (use {' or '.join(PACK_FORMATS)})")
    if tf.read_only:
        raise ReadOnlyError(f"{tf.path.name} is read-only: {tf.read_only_reason}")
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"cannot make folder {out_dir}: {exc.strerror}") from None
    data = tf.load()
    tender = data.tender
    if tender.seal is None:
        raise ValidationError("scoring packs go out once the evaluation plan is sealed, so "
                              "every evaluator scores against the same fixed model: seal it "
                              "first (Model ▸ Seal evaluation plan, or workbench-cli seal)")
    status = tender.status
    blind = tender.panel.blind_scoring
    coded = _with_codes(data) if blind else []
    chosen = _chosen(data, evaluators)
    if status == "sealed":
        tender.status = "scoring"
    paths = _targets(out_dir, tender.reference or tender.title, data, chosen, fmt)
    issued_at = now()
    written: list[tuple[Path, PackContent]] = []
    try:
        for done, evaluator_id in enumerate(chosen, start=1):
            view = pack_data(data, evaluator_id, blind=blind)
            identity = PackIdentity(tf.uid, str(uuid.uuid4()), evaluator_id, blind)
            content = PackContent(
                identity, view, pack_items(view, evaluator_id),
                tender.panel.rationale_min_length, issued_at,
                [row for row in tf.rows("lot_conflicts", "evaluator_id = ?", [evaluator_id])
                 if view.lot(row["lot_id"]) is not None])
            _write(paths[evaluator_id], content, fmt, tf.user)
            written.append((paths[evaluator_id], content))
            if progress is not None:
                progress(done, len(chosen))
        _record(tf, written, fmt, coded, status)
    except BaseException:
        for path, _ in written:
            path.unlink(missing_ok=True)
        raise
    return [path for path, _ in written]


def _with_codes(data: TenderData) -> list[tuple[str, Bidder, int]]:
    """Give every bidder its anonymous code in `data`; returns the bidders that had none."""
    changed = []
    for lot in data.lots:
        codes = anonymous_codes(lot)
        for position, bidder in enumerate(lot.bidders):
            if not bidder.anonymous_code:
                bidder.anonymous_code = codes[bidder.id]
                changed.append((lot.id, bidder, position))
    return changed


def _chosen(data: TenderData, evaluators: list[str] | None) -> list[str]:
    """Evaluator ids to issue packs to, in panel order; named ones must have questions."""
    owing = [e.id for e in data.evaluators if pack_items(data, e.id)]
    if evaluators is None:
        if not owing:
            raise ValidationError("no evaluator has questions to score; assign questions on the "
                                  "Panel first")
        return owing
    for evaluator_id in evaluators:
        evaluator = data.evaluator(evaluator_id)
        if evaluator is None:
            raise ValidationError(f"no evaluator '{evaluator_id}' in this tender")
        if evaluator_id not in owing:
            raise ValidationError(f"{evaluator.name} has no questions to score; assign "
                                  "questions on the Panel first")
    return [e for e in owing if e in evaluators]


def _targets(out_dir: Path, tender: str, data: TenderData, chosen: list[str],
             fmt: str) -> dict[str, Path]:
    """Where each pack goes; refuses to overwrite (an older pack may hold unreturned work)."""
    paths: dict[str, Path] = {}
    for evaluator_id in chosen:
        evaluator = data.evaluator(evaluator_id)
        assert evaluator is not None
        name = pack_file_name(tender, evaluator.name, _SUFFIX[fmt])
        if any(p.name.casefold() == name.casefold() for p in paths.values()):  # same name
            name = pack_file_name(tender, f"{evaluator.name} {evaluator_id}", _SUFFIX[fmt])
        path = out_dir / name
        if path.exists():
            raise StorageError(f"{name} already exists in {out_dir}; move it away or choose "
                               "another folder")
        paths[evaluator_id] = path
    return paths


def _write(path: Path, content: PackContent, fmt: str, user: str) -> None:
    if fmt == "xlsx":
        # Imported here: the workbook module builds on this module's pack types.
        from workbench.panel.workbook import write_workbook
        write_workbook(path, content)
    else:
        write_tender_pack(path, content, user)


def write_tender_pack(path: Path, content: PackContent, user: str) -> None:
    """Write a `.tender` pack: a real tender file of the evaluator's view, marked as a pack.

    Built in a private folder next to `path` and moved into place when complete, so a failure
    never leaves half a pack and the lock file of the new file does not clutter the folder.
    """
    evaluator = content.data.evaluators[0]
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".pack-") as scratch:
        building = Path(scratch) / path.name
        with TenderFile.create(building, content.data, user=user,
                               action=f"Create scoring pack for {evaluator.name}") as pack:
            # The panel rules came with the evaluator's view (`pack_data`).
            with pack.action("Record the pack's identity and conflict declarations"):
                for row in content.conflicts:
                    pack.put("lot_conflicts", row)
                pack.set_meta(META_KIND, "pack")
                pack.set_meta("pack_id", content.identity.pack_id)
                pack.set_meta("pack_evaluator", content.identity.evaluator_id)
                pack.set_meta("pack_tender_uid", content.identity.tender_uid)
                pack.set_meta("pack_submitted", "0")
        os.replace(building, path)


def _record(tf: TenderFile, written: list[tuple[Path, PackContent]], fmt: str,
            coded: list[tuple[str, Bidder, int]], status: str) -> None:
    """The lead's side of issuing, in one action: the packs, what they supersede, the codes."""
    names = ", ".join(c.data.evaluators[0].name for _, c in written)
    with tf.action(f"Issue scoring packs ({fmt}) to {names}"):
        for lot_id, bidder, position in coded:
            tf.put("bidders", bidder_row(lot_id, bidder, position))
        for _, content in written:
            identity = content.identity
            for older in tf.rows("packs", "evaluator_id = ? AND superseded_by IS NULL",
                                 [identity.evaluator_id]):
                tf.update("packs", {"id": older["id"]}, superseded_by=identity.pack_id)
            tf.put("packs", {
                "id": identity.pack_id, "evaluator_id": identity.evaluator_id, "format": fmt,
                "issued_at": content.issued_at, "returned_at": None, "submitted": 0,
                "superseded_by": None, "checksum": content.checksum,
            })
        if status == "sealed":
            tf.put_tender(replace(tf.tender(), status="scoring"))


# -- the evaluator's side: a `.tender` pack -------------------------------------------------


def pack_identity(tf: TenderFile) -> PackIdentity | None:
    """The identity of an open scoring pack, or None when the file is a lead's tender file."""
    if tf.meta(META_KIND) != "pack":
        return None
    return PackIdentity(tf.meta("pack_tender_uid"), tf.meta("pack_id"),
                        tf.meta("pack_evaluator"), tf.tender().panel.blind_scoring)


def submit_pack(tf: TenderFile) -> None:
    """Mark an open `.tender` pack final: every score it owes submitted, in one action.

    Refuses, naming the first, a score still missing or a rationale shorter than the tender's
    minimum.
    """
    identity = pack_identity(tf)
    if identity is None:
        raise ValidationError(f"{tf.path.name} is not a scoring pack")
    data = tf.load()
    minimum = tf.tender().panel.rationale_min_length
    scores = {(lot.id, s.criterion, s.bidder): s for lot in data.lots for s in lot.scores
              if s.evaluator == identity.evaluator_id}
    for item in pack_items(data, identity.evaluator_id):
        score = scores.get((item.lot_id, item.criterion_id, item.bidder_id))
        if score is None:
            raise ValidationError(f"{item.describe()}: no score yet; score every question "
                                  "before you submit")
        if len(score.rationale.strip()) < minimum:
            raise ValidationError(f"{item.describe()}: the rationale needs at least {minimum} "
                                  f"characters (it has {len(score.rationale.strip())})")
    with tf.action("Submit scoring pack"):
        for (lot_id, criterion_id, bidder_id), score in scores.items():
            if score.status != "submitted":
                tf.update("scores", {"lot_id": lot_id, "evaluator_id": identity.evaluator_id,
                                     "bidder_id": bidder_id, "criterion_id": criterion_id},
                          status="submitted")
        tf.set_meta("pack_submitted", "1")


def read_tender_pack(path: Path) -> PackReturn:
    """Read a returned `.tender` pack for merging.

    A copy is opened, so the evaluator's file is left exactly as it came (opening a tender
    file, even read-only, leaves journal files beside it).
    """
    with tempfile.TemporaryDirectory(prefix="workbench-pack-") as scratch:
        copy = Path(scratch) / path.name
        try:
            shutil.copyfile(path, copy)
            journal = Path(f"{path}-wal")
            if journal.exists():  # saved changes not yet folded into the file itself
                shutil.copyfile(journal, Path(f"{copy}-wal"))
            with TenderFile.open(copy, read_only=True) as pack:
                identity = pack_identity(pack)
                if identity is None:
                    raise InterchangeError(f"{path.name} is a tender file, not a scoring pack")
                data = pack.load()
                conflicts = pack.rows("lot_conflicts")
                broken = pack.integrity_problem
                submitted = pack.meta("pack_submitted") == "1"
        except OSError as exc:
            raise InterchangeError(f"{path.name} cannot be read: {exc.strerror}") from None
        except StorageError as exc:
            raise InterchangeError(str(exc)) from None
    items = pack_items(data, identity.evaluator_id)
    issued = pack_items(data, identity.evaluator_id, honour_conflicts=False)
    where = {(i.lot_id, i.criterion_id, i.bidder_id): i.describe() for i in items}
    problems = [f"{path.name} was changed outside the workbench ({broken})"] if broken else []
    entries = []
    for lot in data.lots:
        for s in lot.scores:
            at = where.get((lot.id, s.criterion, s.bidder))
            if s.evaluator != identity.evaluator_id or at is None:
                problems.append(f"{lot.id} {s.criterion}, {s.bidder}: a score this pack did "
                                "not ask for")
                continue
            entries.append(PackEntry(lot.id, s.criterion, s.bidder, s.score, s.rationale, at, at))
    for row in conflicts:
        if row["evaluator_id"] != identity.evaluator_id or data.lot(row["lot_id"]) is None:
            problems.append(f"{row['lot_id']}: a conflict declaration this pack did not ask for")
    return PackReturn(path, "tender", identity, submitted, items, entries,
                      pack_checksum(identity, issued), problems, conflicts)
