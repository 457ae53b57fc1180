"""Editing the evaluation model: every function is one audited action on the tender file.

The editor may leave weights transiently wrong (a group not adding up to 100 is shown and
blocks sealing, see `model_rules`), but everything else is checked here: a value that makes no
sense is refused with a message naming the criterion, and nothing is written. While the plan
is sealed every function refuses with `ReadOnlyError`. When the lots share one model, an edit
of one lot is made to every lot in the same action.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from workbench.domain import (
    CRITERION_KINDS,
    Criterion,
    Lot,
    TenderData,
    UnknownName,
)
from workbench.errors import ValidationError
from workbench.model import tree
from workbench.model.store import (
    describe_counts,
    is_shared,
    linked_counts,
    linked_rows,
    model_lots,
    require_unsealed,
    write_tree,
)
from workbench.names import check_name, check_text, excerpt
from workbench.numbers import dec_str, to_decimal, typed_amount
from workbench.scoring.formulas import (
    AWARD_METHODS,
    DIRECTIONS,
    NORMALISATIONS,
    PRICE_FORMULAS,
    Registry,
)
from workbench.storage import TenderFile
from workbench.storage.schema import PROTECTED

#: Fields of a criterion a user edits (the code is changed with `rename_criterion`).
FIELDS = ("title", "kind", "weight", "scale", "minimum", "normalise", "formula", "direction",
          "theme", "unit", "question", "guidance", "good_answer", "minimum_percent",
          "min_value", "max_value")
NUMBER_FIELDS = ("weight", "minimum", "minimum_percent", "min_value", "max_value")
TEXT_FIELDS = ("unit", "question", "guidance", "good_answer")
#: Text fields on one line (names.check_name); the others are free text (names.check_text).
ONE_LINE_FIELDS = ("title", "theme", "unit")

Change = Callable[[list[Criterion], Lot, TenderData], Mapping[str, str] | None]


def _edit(tf: TenderFile, lot_id: str, description: str, change: Change) -> None:
    """Apply `change` to the tree of the lot (of every lot when shared) in one action."""
    require_unsealed(tf)
    targets = model_lots(tf, lot_id)
    data = tf.load(targets)
    with tf.action(description):
        for target in targets:
            lot = data.lot(target)
            assert lot is not None
            renamed = change(lot.criteria, lot, data)
            write_tree(tf, target, lot.criteria, renamed)


# -- structure ------------------------------------------------------------------------------


def add_criterion(tf: TenderFile, lot_id: str, criterion: Criterion,
                  parent_id: str | None = None, position: int | None = None) -> None:
    """Add a criterion (with any children it carries) under `parent_id` at `position`."""
    code = tree.check_code(criterion.id)
    _check_new(criterion)

    def change(roots: list[Criterion], lot: Lot, data: TenderData) -> None:
        if any(node.id in {c.id for c in tree.walk(roots)} for node in criterion.walk()):
            raise ValidationError(f"lot {lot.id} already has a criterion {code}")
        for node in criterion.walk():
            _check_scale_exists(data, node)
        tree.insert(roots, parent_id, position, copy.deepcopy(criterion))

    _edit(tf, lot_id, f"Add criterion {code}", change)


def delete_criterion(tf: TenderFile, lot_id: str, criterion_id: str) -> None:
    """Delete a criterion, everything under it and every record linked to them.

    The UI asks first (see `linked`); the deleted rows are in the audit trail and undo puts
    them back from a snapshot.
    """
    counts = linked(tf, lot_id, criterion_id)
    extra = f" with {describe_counts(counts)}" if counts else ""

    def change(roots: list[Criterion], lot: Lot, data: TenderData) -> None:
        tree.detach(roots, criterion_id)

    _edit(tf, lot_id, f"Delete criterion {criterion_id}{extra}", change)


def linked(tf: TenderFile, lot_id: str, criterion_id: str) -> dict[str, int]:
    """How many records (scores, assignments...) would go with this criterion and its
    children, in every lot the edit reaches."""
    targets = model_lots(tf, lot_id)
    data = tf.load(targets, scores=False)
    rows = []
    for target in targets:
        lot = data.lot(target)
        assert lot is not None
        node = tree.find(lot.criteria, criterion_id)
        rows.extend(linked_rows(tf, target, [c.id for c in node.walk()]))
    return linked_counts(rows)


def move_criterion(tf: TenderFile, lot_id: str, criterion_id: str, parent_id: str | None,
                   position: int | None) -> None:
    """The one move: up, down, indent, outdent and drag and drop all come here."""
    def change(roots: list[Criterion], lot: Lot, data: TenderData) -> None:
        tree.move(roots, criterion_id, parent_id, position)

    _edit(tf, lot_id, f"Move criterion {criterion_id}", change)


def rename_criterion(tf: TenderFile, lot_id: str, old: str, new: str) -> None:
    """Change a criterion's code; its linked records follow it."""
    new = tree.check_code(new)
    if new == old:
        return

    def change(roots: list[Criterion], lot: Lot, data: TenderData) -> Mapping[str, str]:
        if any(c.id == new for c in tree.walk(roots)):
            raise ValidationError(f"lot {lot.id} already has a criterion {new}")
        node = tree.find(roots, old)
        node.id = new
        return {old: new}

    _edit(tf, lot_id, f"Rename criterion {old} to {new}", change)


# -- fields ---------------------------------------------------------------------------------


def update_criterion(tf: TenderFile, lot_id: str, criterion_id: str, **changes: Any) -> None:
    """Change fields of one criterion (see FIELDS); all are checked before anything is written."""
    unknown = [f for f in changes if f not in FIELDS]
    if unknown:
        raise ValidationError(f"{criterion_id}: unknown field '{unknown[0]}'")

    def change(roots: list[Criterion], lot: Lot, data: TenderData) -> None:
        node = tree.find(roots, criterion_id)
        if "kind" in changes:
            _set_kind(node, changes["kind"], lot, data)
        for name, value in changes.items():
            if name != "kind":
                _set_field(node, name, value, data)
        _check_consistent(node, data)

    _edit(tf, lot_id, _update_text(criterion_id, changes), change)


def set_weights(tf: TenderFile, lot_id: str, weights: Mapping[str, Decimal | None],
                description: str = "Set weights") -> None:
    """Set several weights in one action (pairwise weighting, undo of normalise)."""
    def change(roots: list[Criterion], lot: Lot, data: TenderData) -> None:
        for criterion_id, weight in weights.items():
            node = tree.find(roots, criterion_id)
            _set_field(node, "weight", weight, data)
            _check_consistent(node, data)

    _edit(tf, lot_id, description, change)


def normalise(tf: TenderFile, lot_id: str, parent_id: str | None) -> None:
    """Rescale a group's weighted criteria (the top level when parent_id is None) to 100."""
    def change(roots: list[Criterion], lot: Lot, data: TenderData) -> None:
        weighted = [c for c in tree.children_of(roots, parent_id) if c.kind != "pass_fail"]
        if not weighted:
            raise ValidationError(f"{parent_id or 'the top level'} has no weighted criteria")
        shares = tree.to_hundred({c.id: c.weight or Decimal(0) for c in weighted})
        for node in weighted:
            node.weight = shares[node.id]

    _edit(tf, lot_id, f"Normalise weights in {parent_id or 'the top level'} to 100%", change)


def _update_text(criterion_id: str, changes: Mapping[str, Any]) -> str:
    if set(changes) == {"weight"}:
        weight = _number(criterion_id, "weight", changes["weight"])
        shown = "none" if weight is None else f"{dec_str(weight)}%"
        return f"Set weight of {criterion_id} to {shown}"
    return f"Edit criterion {criterion_id} ({', '.join(f.replace('_', ' ') for f in changes)})"


def _check_new(criterion: Criterion) -> None:
    for node in criterion.walk():
        tree.check_code(node.id)
        if not node.title.strip():
            raise ValidationError(f"{node.id}: a criterion needs a title")
        for name in ("title", "theme", *TEXT_FIELDS):
            _check_words(node.id, name, getattr(node, name) or "")
        if node.kind not in CRITERION_KINDS:
            raise ValidationError(f"{node.id}: unknown kind '{node.kind}'")
        _check_consistent(node, None)
    codes = [node.id for node in criterion.walk()]
    if len(set(codes)) != len(codes):
        raise ValidationError(f"{criterion.id}: two of its criteria have the same code")


def _set_kind(node: Criterion, kind: str, lot: Lot, data: TenderData) -> None:
    if kind not in CRITERION_KINDS:
        raise ValidationError(f"{node.id}: kind must be one of {', '.join(CRITERION_KINDS)}")
    if kind == node.kind:
        return
    if node.children and kind != "group":
        raise ValidationError(f"{node.id} contains other criteria; move or delete them before "
                              f"making it {tree.kind_text(kind)}")
    held = {
        "scored": [s for s in lot.scores if s.criterion == node.id]
        + [m for m in lot.moderated if m.criterion == node.id],
        "pass_fail": [g for g in lot.gateways if g.criterion == node.id],
        "quantitative": [b for b in lot.bidders if node.id in b.values],
    }.get(node.kind, [])
    if held:
        raise ValidationError(f"{node.id} already has results recorded against it in lot "
                              f"{lot.id}; it must stay {tree.kind_text(node.kind)}")
    node.kind = kind
    if kind == "pass_fail":
        node.weight = None
    elif node.weight is None:
        node.weight = Decimal(0)
    if kind != "scored":
        node.scale = node.minimum = None
    if kind != "group":
        node.minimum_percent = None
    if kind != "quantitative":
        node.min_value = node.max_value = None
    elif node.scale is None and data.scales:
        node.scale = default_scale(data)


def default_scale(data: TenderData) -> str | None:
    """The scale a new scored criterion starts with: the standard 0–5 if present, else the
    first."""
    ids = [s.id for s in data.scales]
    return "0-5" if "0-5" in ids else (ids[0] if ids else None)


def _check_words(where: str, name: str, value: str) -> None:
    """The words of a criterion as every door checks them (names.py)."""
    what = f"{where}: the {name.replace('_', ' ')}"
    if name in ONE_LINE_FIELDS:
        check_name(value.strip(), what)
    else:
        check_text(value, what)


def _set_field(node: Criterion, name: str, value: Any, data: TenderData) -> None:
    where = node.id
    if name == "title":
        if not isinstance(value, str) or not value.strip():
            raise ValidationError(f"{where}: a criterion needs a title")
        _check_words(where, name, value)
        node.title = value.strip()
    elif name in NUMBER_FIELDS:
        setattr(node, name, _number(where, name, value))
    elif name == "scale":
        node.scale = value or None
        _check_scale_exists(data, node)
    elif name in ("normalise", "formula", "direction"):
        registries: dict[str, Registry[Any]] = {
            "normalise": NORMALISATIONS, "formula": PRICE_FORMULAS, "direction": DIRECTIONS}
        registry = registries[name]
        try:
            setattr(node, name, registry.check(value))
        except UnknownName as exc:
            raise ValidationError(f"{where}: {exc}") from None
    elif name == "theme":
        if value is not None and not isinstance(value, str):
            raise ValidationError(f"{where}: the social value theme must be text")
        _check_words(where, name, value or "")
        node.theme = value.strip() if value and value.strip() else None
    else:
        assert name in TEXT_FIELDS
        if not isinstance(value, str):
            raise ValidationError(f"{where}: {name.replace('_', ' ')} must be text")
        _check_words(where, name, value)
        setattr(node, name, value)


def _number(where: str, name: str, value: Any) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = to_decimal(value, name)
    except ValueError:
        raise ValidationError(f"{where}: the {name} must be a number, not "
                              f"'{excerpt(value)}'") from None
    if name == "weight" and not 0 <= number <= 100:
        raise ValidationError(f"{where}: a weight is a percentage from 0 to 100, not "
                              f"{dec_str(number)}")
    if name == "minimum_percent" and not 0 < number <= 100:
        raise ValidationError(f"{where}: a quality threshold is a percentage above 0 and at "
                              f"most 100, not {dec_str(number)}")
    return number


def _check_scale_exists(data: TenderData, node: Criterion) -> None:
    if node.scale is not None and data.scale(node.scale) is None:
        raise ValidationError(f"{node.id}: there is no scale '{node.scale}'")


def _check_consistent(node: Criterion, data: TenderData | None) -> None:
    """The rules that hold after every edit (the weights adding up is checked on sealing)."""
    if node.kind == "pass_fail" and node.weight is not None:
        raise ValidationError(f"{node.id}: a pass/fail gateway carries no weight")
    if node.minimum is not None:
        if node.kind != "scored":
            raise ValidationError(f"{node.id}: only a scored criterion has a minimum score")
        scale = data.scale(node.scale) if data else None
        if scale is not None and not scale.lowest <= node.minimum <= scale.highest:
            raise ValidationError(
                f"{node.id}: the minimum {dec_str(node.minimum)} is outside its scale "
                f"({dec_str(scale.lowest)}–{dec_str(scale.highest)})")
    if node.scale is not None and node.kind != "scored":
        raise ValidationError(f"{node.id}: only a scored criterion uses a scale")
    if node.minimum_percent is not None and node.kind != "group":
        raise ValidationError(f"{node.id}: only a group has a quality threshold")
    if (node.min_value is not None or node.max_value is not None) and \
            node.kind != "quantitative":
        raise ValidationError(f"{node.id}: only a quantitative criterion has a lowest or "
                              "highest figure")
    low, high = node.value_bounds()
    if low is not None and high is not None and low >= high:
        raise ValidationError(f"{node.id}: the lowest figure {dec_str(low)} must be below the "
                              f"highest {dec_str(high)}")


# -- lots -----------------------------------------------------------------------------------


def copy_model(tf: TenderFile, source_id: str, target_id: str) -> None:
    """Replace the target lot's model with a copy of the source lot's."""
    require_unsealed(tf)
    data = tf.load()
    source, target = _lot(data, source_id), _lot(data, target_id)
    if source_id == target_id:
        raise ValidationError("choose a different lot to copy the model to")
    if is_shared(tf):
        raise ValidationError("the lots share one model already; there is nothing to copy")
    with tf.action(f"Copy the evaluation model of lot {source_id} to lot {target_id}"):
        replace_model(tf, source, target)


def share_model(tf: TenderFile, source_id: str) -> None:
    """Copy one lot's model to every other lot and keep them the same from now on."""
    require_unsealed(tf)
    data = tf.load()
    source = _lot(data, source_id)
    with tf.action(f"Share the evaluation model of lot {source_id} across all lots"):
        for lot in data.lots:
            if lot.id != source_id:
                replace_model(tf, source, lot)
        tf.put_tender(replace(tf.tender(), shared_model=True))


def stop_sharing(tf: TenderFile) -> None:
    """Let each lot's model be edited on its own again (the models stay as they are)."""
    require_unsealed(tf)
    with tf.action("Stop sharing one evaluation model across lots"):
        tf.put_tender(replace(tf.tender(), shared_model=False))


def add_lot(tf: TenderFile, lot_id: str, title: str) -> None:
    """Add an empty lot (its model is then built here, copied, or imported)."""
    require_unsealed(tf, "the lots")
    code = tree.check_code(lot_id, "lot")
    if not title.strip():
        raise ValidationError("give the lot a title")
    check_name(title.strip(), f"lot {code}: the title")
    ids = [row["id"] for row in tf.rows("lots")]
    if code in ids:
        raise ValidationError(f"there is already a lot {code}")
    with tf.action(f"Add lot {code}"):
        tf.put("lots", {"id": code, "title": title.strip(), "position": len(ids)})


def set_lot_scoring(tf: TenderFile, lot_id: str, **changes: Any) -> None:
    """Change how a lot is awarded: `award_method` (a name of `AWARD_METHODS`) and/or
    `price_ceiling` (an amount as typed, or blank for none). One action on this lot only (lots
    sharing one model may still differ in budget and method); refused while sealed."""
    require_unsealed(tf)
    if tf.get("lots", {"id": lot_id}) is None:
        raise ValidationError(f"there is no lot {lot_id}")
    values: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "award_method":
            try:
                values[name] = AWARD_METHODS.check(value)
            except UnknownName as exc:
                raise ValidationError(f"lot {lot_id}: {exc}") from None
        elif name == "price_ceiling":
            ceiling = typed_amount(value, f"lot {lot_id}: the price ceiling")
            if ceiling is not None and ceiling <= 0:
                raise ValidationError(f"lot {lot_id}: the price ceiling must be more than 0")
            values[name] = None if ceiling is None else dec_str(ceiling)
        else:
            raise ValidationError(f"lot {lot_id}: unknown setting '{name}'")
    what = ", ".join(n.replace("_", " ") for n in values)
    with tf.action(f"Set {what} of lot {lot_id}"):
        tf.update("lots", {"id": lot_id}, **values)


def rename_lot(tf: TenderFile, lot_id: str, title: str) -> None:
    """Give a lot a new title (allowed while sealed: the seal covers a lot's code and model,
    not the words it goes by)."""
    found = tf.get("lots", {"id": lot_id})
    if found is None:
        raise ValidationError(f"there is no lot {lot_id}")
    title = check_name(" ".join(title.split()), f"lot {lot_id}: the title")
    if not title:
        raise ValidationError("give the lot a title")
    if title == found["title"]:
        return
    with tf.action(f"Rename lot {lot_id} to {title}"):
        tf.update("lots", {"id": lot_id}, title=title)


#: Tables whose rows belong to a lot, deleted with it: those that name other rows first
#: (the schema lists tables parents first, so reversed it lists them children first).
_LOT_ROWS = (*(t for t in reversed(PROTECTED) if "lot_id" in PROTECTED[t]
                and t not in ("criteria", "bidders")), "criteria", "bidders")


def remove_lot(tf: TenderFile, lot_id: str) -> None:
    """Remove a lot with its model, bidders and panel records, in one action. Refused once
    anything was scored or agreed on it, or packs were issued for it: those records stay."""
    require_unsealed(tf, "the lots")
    found = tf.get("lots", {"id": lot_id})
    if found is None:
        raise ValidationError(f"there is no lot {lot_id}")
    scored = len(tf.rows("scores", "lot_id = ?", [lot_id]))
    agreed = len(tf.rows("moderated", "lot_id = ?", [lot_id]))
    if scored or agreed:
        raise ValidationError(f"{found['title']} has {scored} score(s) and {agreed} agreed "
                              "score(s) on file; a lot that has been scored stays on the record")
    with tf.action(f"Remove lot {lot_id} ({found['title']})"):
        for table in _LOT_ROWS:
            for row in tf.rows(table, "lot_id = ?", [lot_id]):
                tf.delete(table, row)
        tf.delete("lots", {"id": lot_id})


def _lot(data: TenderData, lot_id: str) -> Lot:
    lot = data.lot(lot_id)
    if lot is None:
        raise ValidationError(f"there is no lot {lot_id}")
    return lot


def replace_model(tf: TenderFile, source: Lot, target: Lot) -> None:
    """Give `target` a copy of `source`'s criteria, inside an action; refused if that would
    drop, or change the kind of, a criterion with records linked to it in the target lot."""
    incoming = {c.id: c for c in source.all_criteria()}
    for node in target.all_criteria():
        rows = linked_rows(tf, target.id, [node.id])
        kept = incoming.get(node.id)
        if rows and (kept is None or kept.kind != node.kind):
            raise ValidationError(
                f"lot {target.id} has {describe_counts(linked_counts(rows))} on {node.id}, "
                "which the copied model would " + ("drop" if kept is None else "change"))
    write_tree(tf, target.id, copy.deepcopy(source.criteria))
