"""Reading a folder of tenders for the portfolio: each `.tender` opened read-only, reduced to
the facts the portfolio counts, and closed. A file that cannot be read is named with the
reason and skipped; it never stops the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from workbench.domain import Bidder, Lot, TenderData
from workbench.errors import WorkbenchError
from workbench.monitoring import LotMonitoring, ledger, monitor_lot
from workbench.scoring.cells import Cells
from workbench.scoring.results import LotResult, compute_lot
from workbench.scoring.weights import social_value_percent
from workbench.stage import packs_issued, stage
from workbench.storage import TenderFile
from workbench.storage.schema import SCHEMA_VERSION

#: Organisation types the portfolio counts, in the order it shows them.
TYPES = ("SME", "VCSE", "large", "public body")
#: Why a bidder left the competition, as the portfolio groups it. A withdrawal is the
#: bidder's own choice, not the procedure's, and is counted apart.
CAUSES = ("gateway", "minimum score", "threshold", "ceiling", "abnormally low")
#: An exclusion's cause, from the kind of criterion it names, or from its own name for the
#: lot-wide rules (the price ceiling, the abnormally low tender review).
_CAUSE_OF_KIND = {"pass_fail": "gateway", "scored": "minimum score", "group": "threshold"}
_CAUSE_OF_RULE = {"price_ceiling": "ceiling", "abnormally_low": "abnormally low"}

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Bid:
    """One bid on a lot: the bidder's organisation types, whether it won, its price, and the
    causes that excluded it (empty when it stayed in)."""

    name: str
    types: tuple[str, ...]
    won: bool
    price: Decimal | None
    causes: tuple[str, ...]
    withdrawn: bool


@dataclass(frozen=True)
class LotFacts:
    id: str
    title: str
    social_value_weight: Decimal
    provisional: bool
    bids: list[Bid]
    monitoring: LotMonitoring


@dataclass(frozen=True)
class TenderFacts:
    """What the portfolio counts of one tender file."""

    file: str
    title: str
    reference: str
    authority: str
    year: int
    status: str
    policy_minimum: Decimal
    currency: str
    lots: list[LotFacts] = field(default_factory=list)


@dataclass(frozen=True)
class Skipped:
    file: str
    reason: str


def read_folder(folder: str | Path, progress: Progress | None = None
                ) -> tuple[list[TenderFacts], list[Skipped]]:
    """Every `.tender` file in `folder` (not its subfolders), in name order."""
    root = Path(folder)
    if not root.is_dir():
        raise WorkbenchError(f"{root} is not a folder")
    paths = sorted(p for p in root.iterdir() if p.suffix == ".tender" and p.is_file())
    read: list[TenderFacts] = []
    skipped: list[Skipped] = []
    for done, path in enumerate(paths):
        if progress is not None:
            progress(done, len(paths))
        try:
            read.append(read_tender(path))
        except WorkbenchError as exc:
            skipped.append(Skipped(path.name, str(exc)))
    if progress is not None:
        progress(len(paths), len(paths))
    return read, skipped


def read_tender(path: Path) -> TenderFacts:
    """One tender's facts, read-only; WorkbenchError (naming the file) when it cannot be."""
    with TenderFile.open(path, read_only=True) as tf:
        if tf.integrity_problem:
            raise WorkbenchError(f"{path.name}: its audit trail is broken "
                                 f"({tf.integrity_problem}); its figures are not evidence")
        version = tf.db.execute("PRAGMA user_version").fetchone()[0]
        if version < SCHEMA_VERSION:
            raise WorkbenchError(f"{path.name} is in an older file format; open it once in "
                                 "the workbench to upgrade it")
        data = tf.load()
        book = ledger(tf, data)
        row = tf.rows("tender")[0]
        when = row.get("sealed_at") or tf.db.execute(
            "SELECT at FROM audit ORDER BY seq LIMIT 1").fetchone()[0]
        issued = packs_issued(tf)
    t = data.tender
    results = [compute_lot(data, lot) for lot in data.lots]
    return TenderFacts(path.name, t.title, t.reference, t.authority.strip(), int(str(when)[:4]),
                       stage(data, results, issued).key, t.social_value_minimum_weight,
                       t.currency,
                       [_lot(data, lot, result, monitor_lot(book, lot.id))
                        for lot, result in zip(data.lots, results, strict=True)])


def types_of(bidder: Bidder) -> tuple[str, ...]:
    """A bidder's organisation types: a supplier can be both an SME and a VCSE."""
    listed = getattr(bidder, "organisation_types", None)  # a list where the domain has one
    found = tuple(listed) if listed else (bidder.organisation_type,)
    for kind in found:
        if kind not in TYPES:
            raise WorkbenchError(f"bidder {bidder.id}: unknown organisation type '{kind}'")
    return found


def _lot(data: TenderData, lot: Lot, result: LotResult, watched: LotMonitoring) -> LotFacts:
    kinds = {c.id: c.kind for c in lot.all_criteria()}
    winners = {w.id for w in result.winners} if len(result.winners) == 1 else set()
    exclusions = Cells(data, lot).exclusions
    bids = []
    for b in result.bidders:
        causes = []
        for e in exclusions[b.id]:
            if e.criterion == "withdrawn" or not e.final:
                continue  # the bidder's own choice, or resting on a provisional mean
            cause = _CAUSE_OF_RULE.get(e.criterion) or _CAUSE_OF_KIND.get(
                kinds.get(e.criterion, ""))
            if cause is None:
                raise WorkbenchError(f"lot {lot.id}: bidder {b.id} is excluded by "
                                     f"'{e.criterion}', which the portfolio cannot place")
            causes.append(cause)
        bids.append(Bid(b.name, types_of(b.bidder), b.id in winners and not result.provisional,
                        b.bidder.price, tuple(causes), b.bidder.withdrawn))
    return LotFacts(lot.id, lot.title, social_value_percent(lot), result.provisional, bids,
                    watched)
