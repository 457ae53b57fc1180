"""Views still being built: each says plainly what it will do, so nothing pretends to work."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ui.document import TenderDocument
from ui.views.base import View, heading, note, page_layout


class _Coming(View):
    title = ""
    coming = ""

    def __init__(self, doc: TenderDocument, parent: QWidget | None = None) -> None:
        super().__init__(doc, parent)
        layout = page_layout(self)
        layout.addWidget(heading(self.title))
        layout.addWidget(note(f"Not built yet. {self.coming}"))
        layout.addStretch(1)


class ModelPlaceholder(_Coming):
    title = "Evaluation model"
    coming = "The weighting matrix editor: criteria tree, weights, scales, templates and sealing."


class BiddersPlaceholder(_Coming):
    title = "Bidders"
    coming = "Bidders per lot: prices, social value figures and gateway results."


class PanelPlaceholder(_Coming):
    title = "Evaluation panel"
    coming = "Evaluators, conflict declarations, assignments and scoring packs."


class ScoringPlaceholder(_Coming):
    title = "Scoring"
    coming = "Score question by question, bidder by bidder, with a rationale for every score."


class ModerationPlaceholder(_Coming):
    title = "Moderation"
    coming = "The shared-screen moderation meeting: scores side by side, consensus and reasons."


class ResultsPlaceholder(_Coming):
    title = "Results"
    coming = "Ranking, points by criterion, exclusions and the close-call report."


class ExportPlaceholder(_Coming):
    title = "Export"
    coming = "The evaluation pack PDF, assessment summaries, Excel and OCDS exports."


class AuditPlaceholder(_Coming):
    title = "Audit trail"
    coming = "Every change, who made it and when, with the chain verification."
