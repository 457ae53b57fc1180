"""Effective weights: a criterion's share of the tender's total points.

Each criterion's `weight` is its percentage among its weighted siblings. Its effective weight is
the product of the weights on the path from the root, and the points available to it are
W = total_points × Π(weight / 100). Gateways (pass/fail) carry no weight and no points.
"""

from __future__ import annotations

from decimal import Decimal

from workbench.domain import Criterion, Lot

HUNDRED = Decimal(100)


def points_available(lot: Lot, total_points: Decimal) -> dict[str, Decimal]:
    """W for every weighted criterion of the lot, exact (never rounded here)."""
    result: dict[str, Decimal] = {}

    def visit(nodes: list[Criterion], share: Decimal) -> None:
        for node in nodes:
            if node.kind == "pass_fail":
                continue
            points = share * (node.weight or Decimal(0)) / HUNDRED
            result[node.id] = points
            visit(node.children, points)

    visit(lot.criteria, total_points)
    return result


def threshold_points(group: Criterion, available: Decimal) -> Decimal:
    """The points a bid needs on a group with a quality threshold: its `minimum_percent` share
    of the group's available points W (fewer excludes the bid)."""
    assert group.minimum_percent is not None
    return available * group.minimum_percent / HUNDRED


def effective_percent(lot: Lot) -> dict[str, Decimal]:
    """Effective weight of every weighted criterion as a percentage of the whole (0–100)."""
    return points_available(lot, HUNDRED)


def sibling_sum(nodes: list[Criterion]) -> Decimal:
    """Sum of the weights of the weighted criteria among `nodes` (should be 100)."""
    return sum((n.weight or Decimal(0) for n in nodes if n.kind != "pass_fail"), Decimal(0))


def social_value_percent(lot: Lot, *, quality_only: bool = False) -> Decimal:
    """Share of the lot's total (percent) carried by criteria tagged with a social value theme.

    A tagged group counts whole; its descendants are not counted again. `quality_only` gives
    the share of the quality score instead (every criterion but price), as PPN 002 asks when a
    lot is awarded on price per quality point.
    """
    effective = effective_percent(lot)
    total = Decimal(0)
    if quality_only:
        price = sum((share for c in lot.all_criteria() if c.kind == "price"
                     and (share := effective.get(c.id)) is not None), Decimal(0))
        if price < HUNDRED:
            scale = HUNDRED / (HUNDRED - price)
            effective = {k: v * scale for k, v in effective.items()}

    def visit(nodes: list[Criterion]) -> None:
        nonlocal total
        for node in nodes:
            if node.theme and node.id in effective:
                total += effective[node.id]
            else:
                visit(node.children)

    visit(lot.criteria)
    return total
