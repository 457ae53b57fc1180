"""Printed reports (reportlab): the evaluation pack and the bidders' assessment summaries."""
