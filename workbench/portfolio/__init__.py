"""The portfolio: figures across every tender in a folder, per year and per authority.

- `reading`: each `.tender` read-only into the facts counted; unreadable files named, skipped
- `figures`: the counting, in one place
- `output`: the documented JSON (docs/portfolio.md) and the workbook
"""
