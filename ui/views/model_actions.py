"""The Model view's edits as undoable commands: each builds one CoreCommand that calls one core
function (undo reverts what it changed). Nothing here touches widgets beyond asking the user a
question."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

from PySide6.QtWidgets import QWidget

from workbench.domain import Criterion, TenderData
from workbench.model import edit, templates, tree
from workbench.model.store import describe_counts, is_shared
from workbench.storage import TenderFile

from ui import errors
from ui.document import CoreCommand, TenderDocument


class ModelCommands:
    """Pushes the Model view's edits onto the document's undo stack."""

    def __init__(self, doc: TenderDocument, parent: QWidget) -> None:
        self.doc = doc
        self.parent = parent

    @property
    def data(self) -> TenderData:
        return self.doc.data

    def _push(self, text: str, do: Callable[[TenderFile], object]) -> bool:
        return self.doc.push(CoreCommand(text, do))

    # -- structure -------------------------------------------------------------------------

    def add(self, lot_id: str, selected: str | None, inside: bool) -> str | None:
        """Add a new scored criterion after `selected` (or inside it); returns its code."""
        lot = self.data.lot(lot_id)
        if lot is None:
            return None
        roots = lot.criteria
        if selected is None:
            parent_id, position = None, None
        elif inside:
            parent_id, position = selected, None
        else:
            parent, index = tree.locate(roots, selected)
            parent_id, position = (parent.id if parent else None), index + 1
        code = tree.suggest_code(roots, parent_id)
        new = Criterion(code, "New criterion", "scored", Decimal(0),
                        scale=edit.default_scale(self.data))
        ok = self._push(f"Add criterion {code}",
                        lambda tf: edit.add_criterion(tf, lot_id, new, parent_id, position))
        return code if ok else None

    def delete(self, lot_id: str, criterion_id: str) -> bool:
        """Delete after asking, when scores or other records would go with it."""
        lot = self.data.lot(lot_id)
        node = tree.find(lot.criteria, criterion_id) if lot else None
        if node is None:
            return False
        counts = edit.linked(self.doc.tf, lot_id, criterion_id)
        inside = sum(1 for _ in node.walk()) - 1
        under = f" and the {inside} criteria inside it" if inside else ""
        if counts and not errors.ask(
                self.parent, f"Deleting {criterion_id}{under} also deletes "
                f"{describe_counts(counts)} recorded against it. Undo brings them back, and "
                "the audit trail keeps them. Delete?", "Delete criterion"):
            return False
        return self._push(f"Delete criterion {criterion_id}",
                          lambda tf: edit.delete_criterion(tf, lot_id, criterion_id))

    def move(self, lot_id: str, criterion_id: str, parent_id: str | None,
             position: int | None) -> bool:
        """The one move (buttons, keys and drag and drop); undo moves it back."""
        return self._push(
            f"Move criterion {criterion_id}",
            lambda tf: edit.move_criterion(tf, lot_id, criterion_id, parent_id, position))

    def step(self, lot_id: str, criterion_id: str, step: str) -> bool:
        lot = self.data.lot(lot_id)
        target = tree.step_target(lot.criteria, criterion_id, step) if lot else None
        if target is None:
            return False
        return self.move(lot_id, criterion_id, *target)

    # -- fields ----------------------------------------------------------------------------

    def commit(self, lot_id: str, criterion_id: str, field: str, value: object) -> bool:
        """One field of one criterion (a tree cell, a details field or a matrix cell)."""
        lot = self.data.lot(lot_id)
        node = tree.find(lot.criteria, criterion_id) if lot else None
        if node is None:
            return False
        if field == "id":
            new = str(value).strip()
            return self._push(f"Rename criterion {criterion_id} to {new}",
                              lambda tf: edit.rename_criterion(tf, lot_id, criterion_id, new))
        changes = {field: value}
        what = "weight" if field == "weight" else field.replace("_", " ")
        return self._push(f"Change {what} of {criterion_id}",
                          lambda tf: edit.update_criterion(tf, lot_id, criterion_id, **changes))

    def normalise(self, lot_id: str, parent_id: str | None) -> bool:
        where = parent_id or "the top level"
        return self._push(f"Normalise weights in {where}",
                          lambda tf: edit.normalise(tf, lot_id, parent_id))

    def set_weights(self, lot_id: str, weights: Mapping[str, Decimal], text: str) -> bool:
        return self._push(text, lambda tf: edit.set_weights(tf, lot_id, weights, text))

    # -- templates and lots ----------------------------------------------------------------

    def starter(self, lot_id: str) -> bool:
        return self._push(f"Starter model for lot {lot_id}",
                          lambda tf: templates.apply_starter(tf, lot_id))

    def social_value_block(self, lot_id: str, outcomes: Sequence[int],
                           parent_id: str | None) -> bool:
        return self._push(
            "Add social value block",
            lambda tf: templates.add_social_value_block(tf, lot_id, outcomes, parent_id))

    def copy_to(self, source: str, target: str) -> bool:
        return self._push(f"Copy the model of lot {source} to lot {target}",
                          lambda tf: edit.copy_model(tf, source, target))

    def share(self, source: str, on: bool) -> bool:
        if not on:
            return self._push("Stop sharing one model across lots", edit.stop_sharing)
        return self._push(f"Share the model of lot {source} across all lots",
                          lambda tf: edit.share_model(tf, source))

    def add_lot(self, title: str) -> str | None:
        """A new empty lot with the next free code (L1, L2...); returns the code."""
        used = {lot.id for lot in self.data.lots}
        code = next(f"L{n}" for n in range(1, len(used) + 2) if f"L{n}" not in used)
        ok = self._push(f"Add lot {code}", lambda tf: edit.add_lot(tf, code, title))
        return code if ok else None

    def rename_lot(self, lot_id: str, title: str) -> bool:
        return self._push(f"Rename lot {lot_id}", lambda tf: edit.rename_lot(tf, lot_id, title))

    def remove_lot(self, lot_id: str) -> bool:
        return self._push(f"Remove lot {lot_id}", lambda tf: edit.remove_lot(tf, lot_id))

    def shared(self) -> bool:
        return is_shared(self.doc.tf)

