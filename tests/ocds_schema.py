"""Validate OCDS release packages as the OCDS tools do, against the real schemas.

The reference copies live in `shared/reference/ocds/` beside the clone (CI has it; see its
README and licences), or wherever `WORKBENCH_OCDS_REFERENCE` points. The release schema is
OCDS 1.1.5's with each declared extension's `release-schema.json` applied as a JSON Merge Patch
(RFC 7386), in declaration order; codelists are the core ones with each extension's `+x.csv`
added and `-x.csv` removed, a plain `x.csv` being a new list. Three checks, each a list of
messages naming the place:

- schema errors (JSON Schema draft 4, the package and every release);
- undeclared fields: any key the merged schema does not define (OCDS allows them, but a
  field nobody declared is one no consumer understands);
- open codelists: a value of a field with an open codelist that is not in the list.
"""

from __future__ import annotations

import copy
import csv
import json
import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

ENV = "WORKBENCH_OCDS_REFERENCE"
#: The declared extension URL's repository and version, to its folder in the reference copy.
_LOCAL = {
    ("ocds_lots_extension", "v1.1.5"): "ocds_lots_extension-v1.1.5",
    ("ocds_bid_extension", "v1.1.5"): "ocds_bid_extension-v1.1.5",
    ("ocds_awardCriteriaBreakdown_extension", "master"): "ocds_awardCriteriaBreakdown_extension",
    ("ocds_partyDetails_scale_extension", "master"): "ocds_partyDetails_scale_extension",
    ("ocds_uk_extension", "main"): "ocds_uk_extension",
}


def reference(repo: Path | None = None) -> Path | None:
    """The reference folder: `$WORKBENCH_OCDS_REFERENCE`, else `../shared/reference/ocds`
    beside the repository; None when neither exists."""
    repo = repo or Path(__file__).resolve().parent.parent
    for candidate in (os.environ.get(ENV), repo.parent / "shared" / "reference" / "ocds"):
        if candidate and (Path(candidate) / "standard-1.1.5").is_dir():
            return Path(candidate)
    return None


MISSING = (f"the OCDS reference schemas are not here: set {ENV} or put shared/reference/ocds "
           "beside the clone")


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON Merge Patch."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(out.get(key), value)
    return out


def _folder(root: Path, url: str) -> Path:
    match = re.search(r"/([^/]+)/([^/]+)/extension\.json$", url)
    assert match, url
    key = (match.group(1), match.group(2))
    assert key in _LOCAL, f"no reference copy of the extension {url}"
    return root / _LOCAL[key]


@cache
def _schema(root: Path, extensions: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, set[str]]]:
    schema = json.loads((root / "standard-1.1.5" / "release-schema.json").read_text())
    codelists = {p.name: _codes(p) for p in (root / "standard-1.1.5" / "codelists").glob("*.csv")}
    for url in extensions:
        folder = _folder(root, url)
        schema = merge_patch(schema, json.loads((folder / "release-schema.json").read_text()))
        for path in sorted((folder / "codelists").glob("*.csv")) if (
                folder / "codelists").is_dir() else []:
            if path.name.startswith("+"):
                codelists.setdefault(path.name[1:], set()).update(_codes(path))
            elif path.name.startswith("-"):
                codelists.get(path.name[1:], set()).difference_update(_codes(path))
            else:
                codelists[path.name] = _codes(path)
    return schema, codelists


def _codes(path: Path) -> set[str]:
    with path.open(encoding="utf-8") as handle:
        return {row["Code"] for row in csv.DictReader(handle)}


def problems(package: dict[str, Any], root: Path) -> list[str]:
    """Every schema error, undeclared field and unknown open-codelist value in `package`."""
    found = []
    package_schema = json.loads((root / "standard-1.1.5" /
                                 "release-package-schema.json").read_text())
    shell = {**package, "releases": []}
    package_schema["properties"]["releases"] = {"type": "array"}
    found += [f"package: {e.message}" for e in
              jsonschema.Draft4Validator(package_schema).iter_errors(shell)]
    schema, codelists = _schema(root, tuple(package.get("extensions", ())))
    validator = jsonschema.Draft4Validator(schema,
                                           format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    for i, release in enumerate(package["releases"]):
        for error in validator.iter_errors(release):
            where = "/".join(str(p) for p in error.absolute_path)
            found.append(f"releases[{i}]/{where}: {error.message}")
        found += [f"releases[{i}]{m}" for m in _walk(release, schema, schema, "", codelists)]
    return found


def _resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/definitions/"), ref
        node = root["definitions"][ref.split("/")[-1]]
    return node


def _walk(value: Any, node: dict[str, Any], root: dict[str, Any], path: str,
          codelists: dict[str, set[str]]) -> Iterator[str]:
    node = _resolve(node, root)
    if isinstance(value, dict):
        properties = node.get("properties", {})
        patterns = node.get("patternProperties", {})
        for key, item in value.items():
            if key in properties:
                yield from _walk(item, properties[key], root, f"{path}/{key}", codelists)
            elif not any(re.search(p, key) for p in patterns):
                yield f"{path}/{key}: undeclared field"
    elif isinstance(value, list) and isinstance(node.get("items"), dict):
        for i, item in enumerate(value):
            yield from _walk(item, node["items"], root, f"{path}[{i}]", codelists)
    if node.get("codelist") and node.get("openCodelist"):
        codes = codelists.get(node["codelist"])
        assert codes is not None, f"{path}: codelist {node['codelist']} not found"
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and item not in codes:
                yield f"{path}: '{item}' is not in the open codelist {node['codelist']}"
