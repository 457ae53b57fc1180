"""`workbench-cli`: the tender file from the command line (exit 0 ok, 1 user error, 2 usage).

Each command is a function `cmd_<name>(args) -> int` registered in `_parser()`. Expected
failures are `WorkbenchError`s and print one line; anything else is a bug, logged with its
traceback to the crash log and reported in one line too, so a user never sees a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from workbench import __version__
from workbench.crashlog import crash_log_path
from workbench.demo import create_demo
from workbench.domain import TenderData
from workbench.errors import StorageError, WorkbenchError
from workbench.exchange import interchange
from workbench.model_rules import problems
from workbench.storage import TenderFile

Command = Callable[[argparse.Namespace], int]
if TYPE_CHECKING:
    from workbench.reports.facts import Facts


def _load(path: str) -> TenderData:
    with TenderFile.open(path, read_only=True) as tf:
        return tf.load()


def _write_text(path: str, text: str) -> None:
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise StorageError(f"cannot write {path}: {exc.strerror}") from None


def cmd_demo(args: argparse.Namespace) -> int:
    create_demo(args.out).close()
    print(f"wrote the demo tender to {args.out}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    try:
        text = Path(args.json).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise StorageError(f"cannot read {args.json}: {exc}") from None
    try:
        data = interchange.loads(text)
    except WorkbenchError as exc:
        raise type(exc)(f"{args.json}: {exc}") from None
    TenderFile.create(args.out, data, action=f"Import {Path(args.json).name}").close()
    print(f"imported {args.json} into {args.out}")
    return 0


def cmd_export_json(args: argparse.Namespace) -> int:
    text = interchange.dumps(_load(args.tender))
    if args.output:
        _write_text(args.output, text)
    else:
        sys.stdout.write(text)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from workbench.storage import audit

    with TenderFile.open(args.tender, read_only=True) as tf:
        broken = audit.problems(tf.db)
        if args.anchor:
            seq, _, digest = args.anchor.partition(":")
            if not seq.isdigit() or not digest:
                raise WorkbenchError(f"--anchor takes ENTRY:HASH as shown by check, not "
                                     f"'{args.anchor}'")
            broken += [p for p in [audit.verify_anchor(tf.db, int(seq), digest)] if p]
        seq, digest = audit.last_hash(tf.db)
        data = None if broken else tf.load()  # a tampered file's data proves nothing
    for failure in broken:
        print(f"{args.tender}: FAILED: {failure.message}", file=sys.stderr)
    if data is None:
        return 1
    found = problems(data)
    for problem in found:
        print(f"{problem.severity}: {problem}")
    errors = sum(p.severity == "error" for p in found)
    warnings = len(found) - errors
    print(f"{args.tender}: file intact, audit trail verified ({seq} entries, fingerprint "
          f"{seq}:{digest[:16]}); {errors} model error(s), {warnings} warning(s)")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from workbench.audit_trail import entries, export_csv, export_xlsx

    with TenderFile.open(args.tender, read_only=True) as tf:
        found = entries(tf)
        title = tf.load().tender.title
    out = Path(args.output)
    if out.suffix.lower() == ".xlsx":
        export_xlsx(found, out, title)
    elif out.suffix.lower() == ".csv":
        export_csv(found, out)
    else:
        raise WorkbenchError(f"{out.name}: the audit trail exports to .csv or .xlsx")
    print(f"wrote {len(found)} audit entries to {out}")
    return 0


def cmd_results(args: argparse.Namespace) -> int:
    from workbench.scoring.results import compute_lot, to_json
    from workbench.scoring.text import results_text

    data = _load(args.tender)
    lots = data.lots
    if args.lot is not None:
        lots = [lot for lot in data.lots if lot.id == args.lot]
        if not lots:
            known = ", ".join(lot.id for lot in data.lots) or "none"
            raise WorkbenchError(f"{args.tender} has no lot '{args.lot}' (lots: {known})")
    results = [compute_lot(data, lot) for lot in lots]
    if args.json:
        print(json.dumps(to_json(results), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(results_text(data, results))
    return 0


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from workbench.scoring.sensitivity import sensitivity_all, to_json
    from workbench.scoring.text import sensitivity_text

    calls = sensitivity_all(_load(args.tender))
    if args.json:
        print(json.dumps(to_json(calls), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(sensitivity_text(calls))
    return 0


def cmd_seal(args: argparse.Namespace) -> int:
    from workbench.model.seal import seal

    with TenderFile.open(args.tender) as tf:
        fingerprint = seal(tf)
    print(f"sealed the evaluation plan of {args.tender}: fingerprint {fingerprint}")
    return 0


def cmd_packs(args: argparse.Namespace) -> int:
    from workbench.panel.packs import create_packs

    with TenderFile.open(args.tender) as tf:
        paths = create_packs(tf, Path(args.output), args.format)
    for path in paths:
        print(f"wrote {path}")
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    from workbench.panel.merge import merge_packs

    with TenderFile.open(args.tender) as tf:
        report = merge_packs(tf, [Path(p) for p in args.packs],
                             after_moderation=args.after_moderation)
    for result in report.results:
        print(result.summary())
    for result in report.refused:
        for line in result.problem_lines():
            print(line + (" (use --after-moderation)" if result.needs_confirmation else ""),
                  file=sys.stderr)
    return 1 if report.refused else 0


def cmd_model_xlsx(args: argparse.Namespace) -> int:
    from workbench.model.model_xlsx import export_model

    export_model(_load(args.tender), args.output)
    print(f"wrote the evaluation model to {args.output}")
    return 0


def cmd_import_model_xlsx(args: argparse.Namespace) -> int:
    from workbench.model.model_xlsx import import_model

    with TenderFile.open(args.tender) as tf:
        book = import_model(tf, args.workbook)
    print(f"imported {len(book.lots)} lot model(s) and {len(book.scales)} scale(s) from "
          f"{args.workbook}")
    return 0


def _facts(path: str) -> Facts:
    from workbench.reports.facts import from_file

    with TenderFile.open(path, read_only=True) as tf:
        return from_file(tf)


def cmd_pack(args: argparse.Namespace) -> int:
    from workbench.reports.pack import write_pack

    pages = write_pack(_facts(args.tender), args.output)
    print(f"wrote the evaluation pack to {args.output} ({pages} pages)")
    return 0


def cmd_summaries(args: argparse.Namespace) -> int:
    from workbench.reports.summaries import write_summaries

    written = write_summaries(_facts(args.tender), args.output)
    print(f"wrote {len(written)} assessment summaries to {args.output}")
    return 0


def cmd_export_xlsx(args: argparse.Namespace) -> int:
    from workbench.exchange.results_xlsx import write_results_xlsx

    write_results_xlsx(_facts(args.tender), args.output)
    print(f"wrote the results workbook to {args.output}")
    return 0


def cmd_export_ocds(args: argparse.Namespace) -> int:
    from workbench.exchange.ocds import write_ocds

    write_ocds(_facts(args.tender), args.output, args.prefix)
    print(f"wrote the OCDS release package to {args.output}")
    return 0


def cmd_monitoring(args: argparse.Namespace) -> int:
    from workbench.monitoring import ledger
    from workbench.reports.monitoring_report import write_monitoring_report

    with TenderFile.open(args.tender, read_only=True) as tf:
        book = ledger(tf)
    pages = write_monitoring_report(book, args.output)
    print(f"wrote the monitoring report to {args.output} ({pages} pages)")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbench-cli", description="Tender Evaluation Workbench on the command line.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, func: Command, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        return p

    command("demo", cmd_demo, "write the bundled demo tender").add_argument("out")
    p = command("import", cmd_import, "create a tender file from interchange JSON")
    p.add_argument("json")
    p.add_argument("out")
    p = command("export-json", cmd_export_json, "write a tender file as interchange JSON")
    p.add_argument("tender")
    p.add_argument("-o", "--output", help="file to write (default: standard output)")
    p = command("check", cmd_check, "verify the file, its audit trail and its model")
    p.add_argument("tender")
    p.add_argument("--anchor", metavar="ENTRY:HASH",
                   help="also prove the trail still holds this fingerprint, noted earlier")
    p = command("model-xlsx", cmd_model_xlsx, "write the evaluation model to an Excel workbook")
    p.add_argument("tender")
    p.add_argument("-o", "--output", required=True, help="OUT.xlsx")
    p = command("import-model-xlsx", cmd_import_model_xlsx,
                "replace lot models and scales with those of an Excel workbook (all or nothing)")
    p.add_argument("tender")
    p.add_argument("workbook")
    p = command("audit", cmd_audit, "export the audit trail to CSV or Excel")
    p.add_argument("tender")
    p.add_argument("-o", "--output", required=True, help="OUT.csv or OUT.xlsx")
    p = command("results", cmd_results, "ranking, totals, points per criterion, exclusions")
    p.add_argument("tender")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument("--lot", metavar="ID", help="only this lot")
    p = command("sensitivity", cmd_sensitivity, "close-call report: how near a different winner")
    p.add_argument("tender")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p = command("seal", cmd_seal, "seal the evaluation plan (refused, naming why, while the "
                "model is incomplete)")
    p.add_argument("tender")
    p = command("packs", cmd_packs, "write one scoring pack per evaluator")
    p.add_argument("tender")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="folder for the packs")
    p.add_argument("--format", choices=("tender", "xlsx"), default="tender",
                   help="tender: for the app (default); xlsx: an Excel workbook")
    p = command("merge", cmd_merge, "merge returned scoring packs into the tender file")
    p.add_argument("tender")
    p.add_argument("packs", nargs="+", metavar="PACK")
    p.add_argument("--after-moderation", action="store_true",
                   help="merge even though moderation has started")
    p = command("pack", cmd_pack, "write the evaluation pack (PDF)")
    p.add_argument("tender")
    p.add_argument("-o", "--output", required=True, metavar="OUT.pdf")
    p = command("summaries", cmd_summaries, "write one assessment summary PDF per bidder")
    p.add_argument("tender")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="folder for the PDFs")
    p = command("export-xlsx", cmd_export_xlsx, "write the results to an Excel workbook")
    p.add_argument("tender")
    p.add_argument("-o", "--output", required=True, metavar="OUT.xlsx")
    p = command("export-ocds", cmd_export_ocds, "write an OCDS 1.1 release package (JSON)")
    p.add_argument("tender")
    p.add_argument("-o", "--output", required=True, metavar="OUT.json")
    p.add_argument("--prefix", default="ocds-local",
                   help="the OCID prefix registered by the publisher (default: ocds-local)")
    p = command("monitoring", cmd_monitoring,
                "write the social value monitoring report (PDF): commitments and delivery")
    p.add_argument("tender")
    p.add_argument("-o", "--output", required=True, metavar="OUT.pdf")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.func(args))
    except WorkbenchError as exc:
        print(f"workbench-cli: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("workbench-cli: interrupted", file=sys.stderr)
        return 1
    except Exception as exc:  # a bug: keep the details, show one line
        log = crash_log_path()
        try:
            with open(log, "a", encoding="utf-8") as handle:
                traceback.print_exc(file=handle)
        except OSError:
            pass
        print(f"workbench-cli: unexpected error ({type(exc).__name__}: {exc}); "
              f"details in {log}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
