"""Getting tenders in and out: interchange JSON, workbooks, scoring packs, OCDS."""
