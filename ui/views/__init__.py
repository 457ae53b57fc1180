"""The sidebar's views, in order: (name used by --view, title, "module:Class")."""

from __future__ import annotations

import importlib

from ui.views.base import View

VIEWS: list[tuple[str, str, str]] = [
    ("overview", "Overview", "ui.views.overview:OverviewView"),
    ("model", "Model", "ui.views.model:ModelView"),
    ("bidders", "Bidders", "ui.views.bidders:BiddersView"),
    ("panel", "Panel", "ui.views.panel:PanelView"),
    ("scoring", "Scoring", "ui.views.scoring:ScoringView"),
    ("moderation", "Moderation", "ui.views.moderation:ModerationView"),
    ("results", "Results", "ui.views.results:ResultsView"),
    ("export", "Export", "ui.views.export:ExportView"),
    ("monitoring", "Monitoring", "ui.views.monitoring:MonitoringView"),
    ("audit", "Audit", "ui.views.audit:AuditView"),
]

VIEW_NAMES = [name for name, _title, _where in VIEWS]


def view_class(where: str) -> type[View]:
    module, name = where.split(":")
    cls: type[View] = getattr(importlib.import_module(module), name)
    return cls
