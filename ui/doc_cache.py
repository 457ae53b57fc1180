"""The open tender in memory, lot by lot, with each lot's results: read and computed once, and
again only for what a change touched.

A large tender holds hundreds of thousands of scores; reading all of it after every edit made
each keystroke-sized change cost a second. Here the tender's head (details, scales, panel) and
each lot are read separately and only when first asked for, and a change forgets just the lots
and tables it touched. Unchanged lots stay the same objects, so whatever a view keyed on a lot
(its results, say) stays valid.
"""

from __future__ import annotations

from dataclasses import replace

from workbench.domain import Lot, TenderData
from workbench.scoring.results import LotResult, compute_lot
from workbench.storage import TenderFile, records, tenderfile
from workbench.storage.changes import ChangeSet
from workbench.storage.records import patched_lot

#: Tables of the tender as a whole: a change to any of them is read again, and since totals
#: depend on the tender's points and rounding and on the scales, every lot's results go too.
HEAD_TABLES = frozenset(tenderfile.HEAD_TABLES)
#: Tables whose rows belong to one lot (by `lot_id`) and are part of its domain object.
LOT_TABLES = frozenset(records.LOT_TABLES) | {"scores", "moderated"}


class DocCache:
    """What `TenderDocument` serves its views from. Nothing here writes."""

    def __init__(self, tf: TenderFile) -> None:
        self._tf = tf
        self._head: TenderData | None = None
        self._titles: list[tuple[str, str]] | None = None
        self._lots: dict[str, Lot] = {}
        self._results: dict[str, LotResult] = {}
        self._data: TenderData | None = None
        self._models: TenderData | None = None

    # -- reading ---------------------------------------------------------------------------

    @property
    def head(self) -> TenderData:
        """The tender's details, scales and panel; `lots` is empty (see `lot()`)."""
        if self._head is None:
            self._head = self._tf.load([])
        return self._head

    def lot_titles(self) -> list[tuple[str, str]]:
        """(id, title) of every lot, in the tender's order, without reading any lot."""
        if self._titles is None:
            self._titles = [(str(r["id"]), str(r["title"]))
                            for r in sorted(self._tf.rows("lots"), key=lambda r: r["position"])]
        return self._titles

    def lot(self, lot_id: str) -> Lot | None:
        if lot_id not in self._lots:
            if lot_id not in dict(self.lot_titles()):
                return None
            loaded = self._tf.load([lot_id]).lots
            if not loaded:
                return None
            self._lots[lot_id] = loaded[0]
        return self._lots[lot_id]

    @property
    def data(self) -> TenderData:
        """The whole tender; the same object until a change, and built from the cached lots."""
        if self._data is None:
            head = self.head
            lots = [self.lot(lot_id) for lot_id, _title in self.lot_titles()]
            self._data = replace(head, lots=[lot for lot in lots if lot is not None])
        return self._data

    @property
    def models(self) -> TenderData:
        """Every lot without its individual and agreed scores (the Model view's tender: on
        the largest tender, 0.04 s to read instead of 3 s)."""
        if self._models is None:
            self._models = self._data if self._data is not None else self._tf.load(
                scores=False)
        return self._models

    def result(self, lot_id: str) -> LotResult | None:
        """The lot's results (the one engine's), computed once per state of the lot."""
        if lot_id not in self._results:
            lot = self.lot(lot_id)
            if lot is None:
                return None
            self._results[lot_id] = compute_lot(self.head, lot)
        return self._results[lot_id]

    # -- forgetting ------------------------------------------------------------------------

    def forget(self, changes: ChangeSet | None = None) -> None:
        """Drop what `changes` touched (None: anything may have changed)."""
        if changes is None:
            self._head, self._titles, self._data, self._models = None, None, None, None
            self._lots.clear()
            self._results.clear()
            return
        tables = changes.tables
        lots = set(changes.lots)
        if tables & HEAD_TABLES:
            self._head = None
            self._results.clear()
        if "lots" in tables:  # a lot added, removed or retitled
            self._titles = None
            lots |= {str(c.row["id"]) for c in changes.changes if c.table == "lots"}
        for lot_id in lots if tables & (LOT_TABLES | {"lots"}) else ():
            self._results.pop(lot_id, None)
            cached = self._lots.pop(lot_id, None)
            if cached is not None and "lots" not in tables:
                # A score or an agreed score (an edit in Scoring or Moderation) is applied to
                # the lot in memory: reading the lot's tens of thousands of scores again for
                # one of them would take longer than the person takes to type the next.
                patched = patched_lot(cached, [(c.table, c.before, c.after)
                                               for c in changes.changes
                                               if c.row.get("lot_id") == lot_id])
                if patched is not None:
                    self._lots[lot_id] = patched
        if tables & (HEAD_TABLES | LOT_TABLES | {"lots"}):
            self._data = self._models = None
