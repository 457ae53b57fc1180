"""The Bidders table: one row per bidder of a lot, edited in place through undoable commands.

Columns follow the lot's model: name, organisation type, anonymous code, price, one column per
quantitative criterion, one per pass/fail gateway (recorded in the gateway panel, with a
rationale), when the bid was received and the contact details its assessment summary is sent
to, and where the bidder stands now (from `compute_lot`). `setData` hands the typed
text to `on_edit(bidder_id, field, text)`, which pushes a command; the core checks the input.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from workbench.domain import Bidder, GatewayResult, Lot, LowBidReview
from workbench.numbers import dec_str, fmt_money
from workbench.scoring.results import BidderResult, LotResult
from workbench.scoring.working import number

from ui.views.results_models import GATEWAY_TEXT, TIE_TIP, rank_text
from ui.views.table_base import LEFT, RIGHT, ROOT, Index, RowsModel

Edit = Callable[[str, str, str], bool]
#: What the Type column offers: each type, and the overlap many suppliers have.
TYPE_CHOICES = ("SME", "VCSE", "SME, VCSE", "large", "public body")
BIDDER_ID_ROLE = Qt.ItemDataRole.UserRole + 1
_GREY = QColor("#616e7c")
_FAIL = QColor("#b42318")
_WARN = QColor("#9a5b00")


@dataclass(frozen=True)
class Column:
    """A column: `field` is what `on_edit` receives ("price", "value:SV2", "gateway:G1"…)."""

    field: str
    title: str
    tip: str
    editable: bool = False
    unit: str = ""


def columns_of(lot: Lot, flagged: bool = False) -> list[Column]:
    """The lot's columns, in order (a low-bid column when any bid is abnormally low)."""
    cols = [
        Column("id", "Code", "The bidder's code in this lot (used in files and reports)"),
        Column("name", "Name", "The bidder's name as it appears in the tender return", True),
        Column("organisation_type", "Type", "SME, VCSE (voluntary, community or social "
               "enterprise), large, or public body: the pack shows how each type fared", True),
        Column("anonymous_code", "Anonymous\ncode", "The name evaluators see under blind "
               "scoring, such as 'Bidder A'", True),
        Column("price", "Price", "The bid price; type a number such as 684000 or £684,000",
               True),
    ]
    if flagged:
        cols.append(Column("low_bid", "Abnormally\nlow", "£0, or more than the tender's "
                           "percentage below the mean of the other bids: ask the supplier, "
                           "then record the decision (Abnormally low…)"))
    for c in lot.all_criteria():
        if c.kind == "quantitative":
            unit = f" ({c.unit})" if c.unit else ""
            cols.append(Column(f"value:{c.id}", _two_lines(c.title + unit),
                               f"{c.id} {c.title}{unit}: this bidder's committed figure "
                               "(higher is better)" if c.direction == "higher_is_better" else
                               f"{c.id} {c.title}{unit}: this bidder's figure (lower is "
                               "better)", True, c.unit))
    for c in lot.all_criteria():
        if c.kind == "pass_fail":
            cols.append(Column(f"gateway:{c.id}", _two_lines(c.title),
                               f"Gateway {c.id} {c.title}: pass or fail, recorded with a "
                               "reason in the panel below the table"))
    cols += [
        Column("received_on", "Received", "When the bid was received, as recorded: "
               "2026-10-30 or 2026-10-30T11:45 (published in the award notice)", True),
        Column("address", "Postal address", "Where the assessment summary is sent; printed "
               "on it", True),
        Column("email", "Email", "The bidder's email for the assessment summary", True),
        Column("identifier", "Identifier", "Companies House or charity number, or the "
               "Central Digital Platform identifier (e.g. GB-COH 01234567)", True),
    ]
    cols.append(Column("standing", "Standing now", "Where the bidder stands in the results "
                       "as they are now"))
    return cols


def _two_lines(title: str, width: int = 18) -> str:
    """Wrap a long header onto short lines, so a column is as narrow as its figures."""
    return textwrap.fill(title, width=max(width, len(title) // 3 + 1), break_long_words=False)


class BiddersModel(RowsModel):
    def __init__(self, on_edit: Edit, parent: Any = None) -> None:
        super().__init__(parent)
        self._on_edit = on_edit
        self._rows: list[Bidder] = []
        self._cols: list[Column] = []
        self._lot: Lot | None = None
        self._result: LotResult | None = None
        self._currency = "GBP"
        self._editable = False

    def set_rows(self, lot: Lot | None, result: LotResult | None, currency: str,
                 editable: bool) -> None:
        flagged = result is not None and any(b.abnormally_low for b in result.bidders)
        cols = columns_of(lot, flagged) if lot else []

        def alongside() -> None:
            self._lot, self._result, self._cols = lot, result, cols
            self._currency, self._editable = currency, editable

        if cols != self._cols:  # other columns: a new table whatever the rows
            self.beginResetModel()
            self._rows = []
            alongside()
            self.endResetModel()
        # The same bidders again (an edited price, name or figure): updated in place, so an
        # edit applied while its cell editor closes leaves the table as the person left it.
        self._replace_rows(list(lot.bidders) if lot else [], lambda b: b.id, alongside)

    def column(self, col: int) -> Column:
        return self._cols[col]

    def column_of(self, field: str) -> int:
        return next(i for i, c in enumerate(self._cols) if c.field == field)

    def bidder_at(self, row: int) -> Bidder:
        return self._rows[row]

    def row_of(self, bidder_id: str) -> int | None:
        return next((i for i, b in enumerate(self._rows) if b.id == bidder_id), None)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._cols)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._cols):
            return None
        col = self._cols[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return col.tip
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._editable and self._cols[index.column()].editable:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        b, col = self._rows[index.row()], self._cols[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(b, col)
        if role == Qt.ItemDataRole.EditRole:
            return self._edit_text(b, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(b, col)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if col.field == "price" or col.field.startswith("value:") else LEFT
        if role == Qt.ItemDataRole.ForegroundRole:
            if col.field.startswith("gateway:") and self._gateway(b, col) == "fail":
                return QBrush(_FAIL)
            if col.field == "low_bid" and self._low_bid(b).startswith("⚠"):
                return QBrush(_WARN)
            if b.withdrawn:
                return QBrush(_GREY)
        if role == BIDDER_ID_ROLE:
            return b.id
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not (
                self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        b, col = self._rows[index.row()], self._cols[index.column()]
        text = "" if value is None else str(value)
        if text.strip() == self._edit_text(b, col):
            return False  # nothing changed: no command, no audit entry
        if not self._on_edit(b.id, col.field, text):
            return False
        row, column = index.row(), index.column()
        if row < len(self._rows):  # the edit may already have reloaded the rows
            changed = self.index(row, column)
            self.dataChanged.emit(changed, changed)
        return True

    # -- cell texts ----------------------------------------------------------------------

    def _display(self, b: Bidder, col: Column) -> str:
        if col.field == "price":
            return fmt_money(b.price, self._currency) if b.price is not None else "—"
        if col.field.startswith("value:"):
            value = b.values.get(col.field[6:])
            return "—" if value is None else number(value) + (f" {col.unit}" if col.unit else "")
        if col.field.startswith("gateway:"):
            return GATEWAY_TEXT.get(self._gateway(b, col), "")
        if col.field == "standing":
            return self._standing(b)
        if col.field == "low_bid":
            return self._low_bid(b)
        return str(getattr(b, col.field))

    def _edit_text(self, b: Bidder, col: Column) -> str:
        if col.field == "price":
            return "" if b.price is None else dec_str(b.price)
        if col.field.startswith("value:"):
            value = b.values.get(col.field[6:])
            return "" if value is None else dec_str(value)
        return self._display(b, col)

    def _tooltip(self, b: Bidder, col: Column) -> str | None:
        if col.field.startswith("gateway:"):
            found = self._gateway_row(b, col)
            return f"{GATEWAY_TEXT[found.result]}: {found.rationale}" if found and \
                found.rationale else col.tip
        if col.field == "low_bid":
            review = self._review(b)
            return (f"Asked: {review.question}\nResponse: {review.response}\n"
                    f"Decision: {review.decision}, {review.reason}") if review else col.tip
        if col.field == "standing":
            result = self._bidder_result(b)
            if result is not None and result.excluded:
                return "Excluded:\n" + "\n".join(result.reasons)
            if result is not None and result.tied:
                return TIE_TIP
        if col.editable and self._editable:
            return f"{col.tip}. Double-click or start typing to change it."
        return col.tip

    def _gateway_row(self, b: Bidder, col: Column) -> GatewayResult | None:
        criterion = col.field.split(":", 1)[1]
        lot = self._lot
        return next((g for g in lot.gateways if g.bidder == b.id and g.criterion == criterion),
                    None) if lot else None

    def _gateway(self, b: Bidder, col: Column) -> str | None:
        found = self._gateway_row(b, col)
        return found.result if found else None

    def _bidder_result(self, b: Bidder) -> BidderResult | None:
        return self._result.bidder(b.id) if self._result else None

    def _review(self, b: Bidder) -> LowBidReview | None:
        lot = self._lot
        return next((r for r in lot.low_bid_reviews if r.bidder == b.id and r.price == b.price),
                    None) if lot else None

    def _low_bid(self, b: Bidder) -> str:
        result = self._bidder_result(b)
        if result is None or not result.abnormally_low:
            return ""
        review = self._review(b)
        if review is None:
            return "⚠ Yes: decision needed"
        return "Yes: accepted" if review.decision == "accept" else "Yes: excluded"

    def _standing(self, b: Bidder) -> str:
        result = self._bidder_result(b)
        if result is None:
            return ""
        if result.excluded:
            return "Excluded: " + "; ".join(result.reasons)
        provisional = " (provisional)" if self._result and self._result.provisional else ""
        if result.ratio_text is not None:
            ratio = fmt_money(Decimal(result.ratio_text), self._currency)
            return (f"Rank {rank_text(result)} · {ratio} per quality point "
                    f"({result.total_text} quality points){provisional}")
        return f"Rank {rank_text(result)} · {result.total_text} points{provisional}"

