"""Pure operations on a lot's criteria tree: find, detach, insert, move targets, codes, shares.

Nothing here touches the file; `workbench.model.edit` loads a tree, changes it with these
functions and writes back only the rows that changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import ROUND_DOWN, Decimal

from workbench.domain import Criterion
from workbench.errors import ValidationError
from workbench.names import excerpt

HUNDRED = Decimal(100)
#: Codes are short identifiers shown everywhere a criterion is named ("Q1", "SV.2", "P").
#: A code people type (criterion, lot, scale), matched whole (`fullmatch`: a `$` would let a
#: trailing line break through).
CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,19}")
STEPS = ("up", "down", "indent", "outdent")


def walk(roots: Iterable[Criterion]) -> Iterable[Criterion]:
    """Every criterion of the tree, depth first."""
    for root in roots:
        yield from root.walk()


def locate(roots: list[Criterion], criterion_id: str) -> tuple[Criterion | None, int]:
    """The parent (None at the top level) and the index among its siblings."""
    for i, node in enumerate(roots):
        if node.id == criterion_id:
            return None, i
    for node in walk(roots):
        for i, child in enumerate(node.children):
            if child.id == criterion_id:
                return node, i
    raise ValidationError(f"there is no criterion {criterion_id}")


def find(roots: list[Criterion], criterion_id: str) -> Criterion:
    """The criterion with this code (ValidationError if there is none)."""
    parent, index = locate(roots, criterion_id)
    return (parent.children if parent else roots)[index]


def children_of(roots: list[Criterion], parent_id: str | None) -> list[Criterion]:
    """The list holding a group's criteria (the top level when parent_id is None)."""
    return roots if parent_id is None else find(roots, parent_id).children


def detach(roots: list[Criterion], criterion_id: str) -> Criterion:
    """Take a criterion (and everything under it) out of the tree."""
    parent, index = locate(roots, criterion_id)
    return (parent.children if parent else roots).pop(index)


def insert(roots: list[Criterion], parent_id: str | None, position: int | None,
           node: Criterion) -> None:
    """Put `node` among the children of `parent_id` (the end when position is None)."""
    siblings = children_of(roots, parent_id)
    if parent_id is not None:
        parent = find(roots, parent_id)
        if parent.kind != "group":
            raise ValidationError(
                f"{parent.id} is a {kind_text(parent.kind)} criterion; only a group can "
                "contain other criteria (change its kind to group first)")
    if position is None or position > len(siblings):
        position = len(siblings)
    siblings.insert(max(position, 0), node)


def move(roots: list[Criterion], criterion_id: str, parent_id: str | None,
         position: int | None) -> None:
    """Move a criterion (with everything under it) to `position` among `parent_id`'s children.

    The position counts siblings after the criterion has left its old place, so moving back
    to the old parent and old index undoes a move.
    """
    if parent_id is not None:
        moving = find(roots, criterion_id)
        if any(node.id == parent_id for node in moving.walk()):
            raise ValidationError(f"{criterion_id} cannot go inside itself or one of its own "
                                  "criteria")
    node = detach(roots, criterion_id)
    insert(roots, parent_id, position, node)


def step_target(roots: list[Criterion], criterion_id: str,
                step: str) -> tuple[str | None, int] | None:
    """Where up/down/indent/outdent would move a criterion, or None when it cannot go there.

    Indent puts it last inside the sibling above (which must be a group); outdent puts it just
    after its parent.
    """
    parent, index = locate(roots, criterion_id)
    siblings = parent.children if parent else roots
    parent_id = parent.id if parent else None
    if step == "up":
        return (parent_id, index - 1) if index > 0 else None
    if step == "down":
        return (parent_id, index + 1) if index < len(siblings) - 1 else None
    if step == "indent":
        if index == 0 or siblings[index - 1].kind != "group":
            return None
        above = siblings[index - 1]
        return above.id, len(above.children)
    if step == "outdent":
        if parent is None:
            return None
        grand, parent_index = locate(roots, parent.id)
        return (grand.id if grand else None), parent_index + 1
    raise ValueError(f"unknown step {step!r}")


def suggest_code(roots: list[Criterion], parent_id: str | None, prefix: str = "") -> str:
    """A free code for a new criterion: the parent's code and the next number ("Q5"), or "C1"."""
    used = {node.id for node in walk(roots)}
    base = prefix or (parent_id if parent_id else "C")
    number = len(children_of(roots, parent_id)) + 1 if not prefix else 1
    while f"{base}{number}" in used:
        number += 1
    return f"{base}{number}"


def free_code(used: set[str], wanted: str) -> str:
    """`wanted`, or `wanted` with a suffix ("SV_2") when that code is already taken."""
    if wanted not in used:
        return wanted
    n = 2
    while f"{wanted}_{n}" in used:
        n += 1
    return f"{wanted}_{n}"


def check_code(code: str, what: str = "criterion") -> str:
    """The code, trimmed, if it can be one; ValidationError saying what a code may hold."""
    code = code.strip()
    if not CODE_PATTERN.fullmatch(code):
        raise ValidationError(
            f"'{excerpt(code)}' cannot be a {what} code: use up to 20 letters, digits, dots, "
            "dashes or underscores, starting with a letter or digit")
    return code


def to_hundred(raw: Mapping[str, Decimal], decimals: int = 2) -> dict[str, Decimal]:
    """Rescale shares so they add up to exactly 100, each to `decimals` places.

    Largest remainder: every share is rounded down, then the units left over go to the shares
    that lost most, so the sum is 100 to the last digit and no share moves more than one unit.
    An all-zero input is shared equally.
    """
    if not raw:
        return {}
    total = sum(raw.values(), Decimal(0))
    if total <= 0:
        raw = dict.fromkeys(raw, Decimal(1))
        total = Decimal(len(raw))
    unit = Decimal(1).scaleb(-decimals)
    exact = {k: v * HUNDRED / total for k, v in raw.items()}
    floors = {k: v.quantize(unit, rounding=ROUND_DOWN) for k, v in exact.items()}
    left = int((HUNDRED - sum(floors.values(), Decimal(0))) / unit)
    for key in sorted(exact, key=lambda k: exact[k] - floors[k], reverse=True)[:left]:
        floors[key] += unit
    return floors


def kind_text(kind: str) -> str:
    """How a kind is written for people ("pass/fail", "quantitative")."""
    return {"pass_fail": "pass/fail"}.get(kind, kind)
