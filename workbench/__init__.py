"""Tender Evaluation Workbench: the pure-Python core (never imports Qt)."""

__version__ = "0.1.0"
