"""Qt models of the Monitoring view: the supplier's commitments, and one commitment's deliveries.

Thin adapters over `CommitmentStatus` and `Delivery`: every figure and status is a text the core
made (`amount_text`, `delivered_text`, `working`); nothing is added up here. Commitment
cells are edited in place; `setData` hands the typed text to `on_edit(commitment_id, field,
text)`, which pushes an undoable command, and the core checks the input.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from workbench.monitoring import COLOURS, RULES, CommitmentStatus, Delivery, amount_text
from workbench.reports.wording import day

from ui.views.table_base import LEFT, RIGHT, Index, RowsModel

Edit = Callable[[str, str, str], bool]
COMMITMENT_ROLE = Qt.ItemDataRole.UserRole + 1
STATUS_ROLE = Qt.ItemDataRole.UserRole + 2
_GREY = QColor("#616e7c")


class CommitmentsModel(RowsModel):
    """One row per commitment (KPI) of the lot's supplier."""

    (COL_MEASURE, COL_TARGET, COL_UNIT, COL_BASIS, COL_PERIODS, COL_PROXY, COL_DELIVERED,
     COL_DUE, COL_STATUS) = range(9)
    HEADERS = ("Commitment", "Target", "Unit", "Basis", "Periods", "Proxy £\nper unit",
               "Delivered\nto date", "Target\nto date", "Status")
    TIPS = (
        "What the supplier committed to, in words (type to change it); its code names the "
        "social value criterion it came from",
        "The figure promised (type to change it); empty until agreed",
        "What the figure counts: apprentices, hours, FTE, %…",
        "Contract total or per period: reports add up. Level or percentage to hold: each "
        "period's own figure counts",
        "How many reporting periods the commitment covers (12 for three years of quarters)",
        "Optional: your own value per unit, for a value-based rating (no values are shipped)",
        "Reported so far (the latest period, for a level or percentage to hold)",
        "What should have been delivered by now; see Status for how it is worked out",
        "\n".join(RULES),
    )
    #: Column -> the field `on_edit` receives, for the editable columns.
    FIELDS: ClassVar[dict[int, str]] = {
        COL_MEASURE: "measure", COL_TARGET: "target", COL_UNIT: "unit", COL_BASIS: "basis",
        COL_PERIODS: "periods", COL_PROXY: "proxy_value"}

    def __init__(self, on_edit: Edit, parent: Any = None) -> None:
        super().__init__(parent)
        self._on_edit = on_edit
        self._rows: list[CommitmentStatus] = []
        self._editable = False

    def set_rows(self, rows: list[CommitmentStatus], editable: bool) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._editable = editable
        self.endResetModel()

    def commitment_at(self, row: int) -> CommitmentStatus:
        return self._rows[row]

    def row_of(self, commitment_id: str) -> int | None:
        return next((i for i, s in enumerate(self._rows) if s.commitment.id == commitment_id),
                    None)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._editable and index.column() in self.FIELDS:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        s, col = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(s, col)
        if role == Qt.ItemDataRole.EditRole:
            return self._edit_text(s, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(s, col)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if col in (self.COL_TARGET, self.COL_PERIODS, self.COL_PROXY,
                                     self.COL_DELIVERED, self.COL_DUE) else LEFT
        if role == COMMITMENT_ROLE:
            return s.commitment.id
        if role == STATUS_ROLE:
            return s.status
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not (
                self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        s, col = self._rows[index.row()], index.column()
        text = "" if value is None else str(value)
        if text.strip() == self._edit_text(s, col):
            return False  # nothing changed: no command, no audit entry
        if not self._on_edit(s.commitment.id, self.FIELDS[col], text):
            return False
        row = index.row()
        if row < len(self._rows):  # the edit may already have reloaded the rows
            changed = self.index(row, col)
            self.dataChanged.emit(changed, changed)
        return True

    def _display(self, s: CommitmentStatus, col: int) -> str:
        c = s.commitment
        if col == self.COL_MEASURE:
            return f"{c.id} {c.measure}"
        if col == self.COL_STATUS:
            return s.status.capitalize()
        if col == self.COL_TARGET:
            return "To be agreed" if c.target is None else amount_text(c.target)
        if col == self.COL_PROXY:
            return "" if c.proxy_value is None else amount_text(c.proxy_value, "£")
        if col == self.COL_DELIVERED:
            return s.delivered_text
        if col == self.COL_DUE:
            return amount_text(s.target, c.unit)
        return self._edit_text(s, col)

    def _edit_text(self, s: CommitmentStatus, col: int) -> str:
        c = s.commitment
        number = {self.COL_TARGET: c.target, self.COL_PROXY: c.proxy_value}
        if col in number:
            value = number[col]
            return "" if value is None else format(value, "f")
        return {self.COL_MEASURE: c.measure, self.COL_UNIT: c.unit, self.COL_BASIS: c.basis,
                self.COL_PERIODS: str(c.periods or "")}.get(col, "")

    def _tooltip(self, s: CommitmentStatus, col: int) -> str | None:
        c = s.commitment
        if col == self.COL_MEASURE:
            text = f"{c.id} {c.measure}\nFrom {s.criterion.id} {s.criterion.title} ({s.theme})"
            return text + (f"\n\nFrom the bid: {c.source}" if c.source else "")
        if col == self.COL_STATUS:
            return s.working
        return None


class DeliveriesModel(RowsModel):
    """One row per period reported on a measure, in period order."""

    COL_PERIOD, COL_DELIVERED, COL_NARRATIVE, COL_EVIDENCE, COL_RECORDED = range(5)
    HEADERS = ("Period", "Delivered", "Supplier's account", "Evidence seen", "Recorded on")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Delivery] = []
        self._unit = ""

    def set_rows(self, rows: list[Delivery], unit: str) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._unit = unit
        self.endResetModel()

    def delivery_at(self, row: int) -> Delivery:
        return self._rows[row]

    def row_of(self, period: str) -> int | None:
        return next((i for i, d in enumerate(self._rows) if d.period == period), None)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        d, col = self._rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (d.period, amount_text(d.delivered, self._unit), d.narrative, d.evidence,
                    day(d.recorded_on))[col]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if col == self.COL_DELIVERED else LEFT
        return None


class StatusChipDelegate(QStyledItemDelegate):
    """The Status cell as a coloured chip carrying its words ("Behind"), so the status
    reads without colour too."""

    #: Room around the words inside the cell: chip margin plus the chip's own padding.
    PAD_X, PAD_Y = 22, 12

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(hint.width() + self.PAD_X, hint.height() + self.PAD_Y)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text, opt.text = opt.text, ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:  # selection and focus, without the text
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        status = str(index.data(STATUS_ROLE) or "not rated")
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        # The chip hugs its words, centred in a row made taller by a long note or title.
        cell = QRectF(opt.rect).adjusted(4, 4, -4, -4)
        flags = int(LEFT | Qt.TextFlag.TextWordWrap)
        words = QRectF(opt.fontMetrics.boundingRect(
            cell.adjusted(8, 0, -6, 0).toRect(), flags, text))
        height = min(cell.height(), words.height() + self.PAD_Y - 4)
        chip = QRectF(cell.left(), cell.center().y() - height / 2, cell.width(), height)
        painter.setPen(QPen(QColor(COLOURS[status]).darker(125), 1))
        painter.setBrush(QColor(COLOURS[status]))
        painter.drawRoundedRect(chip, 6, 6)
        painter.setPen(QColor("#1f2933"))
        painter.drawText(chip.adjusted(8, 0, -6, 0), flags, text)
        painter.restore()
