"""`workbench-cli`: the tender file from the command line (exit 0 ok, 1 user error, 2 usage).

Each command is a function `cmd_<name>(args) -> int` registered in `_parser()`. Expected
failures are `WorkbenchError`s and print one line; anything else is a bug, logged with its
traceback to the crash log and reported in one line too, so a user never sees a traceback.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import traceback
from collections.abc import Callable, Sequence
from json.encoder import encode_basestring
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, cast

from workbench import __version__, atomic, gc_pause
from workbench.crashlog import crash_log_path
from workbench.domain import TenderData
from workbench.errors import StorageError, WorkbenchError
from workbench.model_rules import problems
from workbench.names import excerpt, terminal_safe
from workbench.storage import TenderFile

Command = Callable[[argparse.Namespace], int]
#: Longest message printed: messages quote short excerpts, this is the last safeguard.
MESSAGE_LIMIT = 1_000
if TYPE_CHECKING:
    from workbench.reports.facts import Facts


def _load(path: str) -> TenderData:
    with TenderFile.open(path, read_only=True) as tf:
        _warn_if_changed(tf)
        return tf.load()


def _warn_if_changed(tf: TenderFile) -> None:
    """What a file changed outside the workbench shows is not what the panel recorded."""
    if tf.integrity_problem:
        print(f"workbench-cli: warning: {tf.path.name} was changed outside the workbench "
              f"({_plain(tf.integrity_problem)}); `check` says more", file=sys.stderr)


# The commands import what only they need: every command pays for the imports at the top,
# and `results` is run on large tenders from scripts.


def cmd_demo(args: argparse.Namespace) -> int:
    from workbench.demo import create_all, create_demo

    if args.all:
        for path in create_all(args.out):
            print(f"wrote {path}")
        return 0
    create_demo(args.out).close()
    print(f"wrote the demo tender to {args.out}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from workbench.exchange import interchange

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
    from workbench.exchange import interchange

    text = interchange.dumps(_load(args.tender))
    if args.output:
        atomic.write_text(args.output, text)
    else:
        sys.stdout.write(text)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from workbench.storage import audit

    anchor = None
    if args.anchor:
        seq, _, digest = args.anchor.partition(":")
        if not seq.isdigit() or not digest:
            raise WorkbenchError(f"--anchor takes ENTRY:HASH as shown by check, not "
                                 f"'{_plain(args.anchor)[:40]}'")
        anchor = int(seq), digest
    with TenderFile.open(args.tender, read_only=True, verify="full") as tf:
        broken = list(tf.problems)
        after: list[audit.Author] = []
        if anchor is not None:
            wrong = audit.verify_anchor(tf.db, *anchor)
            broken += [wrong] if wrong else []
            after = [] if wrong else audit.authors_after(tf.db, anchor[0])
        seq, digest = audit.last_hash(tf.db)
        data = None if broken else tf.load()  # a tampered file's data proves nothing
    for failure in broken:
        print(f"{args.tender}: FAILED: {failure.message}", file=sys.stderr)
    if data is None:
        return 1
    if anchor is not None:
        print(_anchor_report(anchor[0], after))
    found = problems(data)
    for problem in found:
        print(f"{problem.severity}: {problem}")
    errors = sum(p.severity == "error" for p in found)
    warnings = len(found) - errors
    print(f"{args.tender}: file intact (structure, indexes and schema as this version writes "
          f"them), audit trail verified ({seq} entries, fingerprint {seq}:{digest[:16]}); "
          f"{errors} model error(s), {warnings} warning(s)")
    return 0


def _anchor_report(seq: int, after: Sequence[Any]) -> str:
    """What followed a noted fingerprint: the trail up to it is proven, what came after is
    only as trustworthy as the people who made it, so they are named."""
    total = sum(author.entries for author in after)
    if not total:
        return f"anchor {seq}: proven; no entries follow it"
    who = "; ".join(f"{author.entries} by {_plain(author.user)} ({author.first_at} to "
                    f"{author.last_at})" for author in after)
    return (f"anchor {seq}: proven; {total} entr{'y follows' if total == 1 else 'ies follow'} "
            f"it, made by: {who}")


def _plain(text: str) -> str:
    """Names from a file printed safely: control characters (terminal escapes) shown as '?'."""
    return "".join(ch if ch.isprintable() else "?" for ch in text)


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
    # One pass that builds a whole tender's objects and exits: collecting cycles meanwhile
    # would only walk them again and again (see gc_pause). They are all freed when `_results`
    # returns, before the collector resumes, so it has nothing left to walk then either.
    with gc_pause.paused():
        return _results(args)


def _results(args: argparse.Namespace) -> int:
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
        print(indented_json(to_json(results)))
    else:
        sys.stdout.write(results_text(data, results))
    return 0


_LITERALS = {None: "null", True: "true", False: "false"}


def indented_json(value: Any, pad: str = "\n") -> str:
    """Exactly `json.dumps(value, indent=2, ensure_ascii=False)`, in a third of the time: with
    an indent the standard library encodes in pure Python, a generator per level, and a
    results document has hundreds of thousands of values."""
    if isinstance(value, str):
        return encode_basestring(value)
    inner = pad + "  "
    if isinstance(value, dict):
        items = [f"{inner}{encode_basestring(k)}: {indented_json(v, inner)}"
                 for k, v in value.items()]
        return "{" + ",".join(items) + pad + "}" if items else "{}"
    if isinstance(value, list):
        items = [inner + indented_json(v, inner) for v in value]
        return "[" + ",".join(items) + pad + "]" if items else "[]"
    if value is None or isinstance(value, bool):
        return _LITERALS[value]
    return json.dumps(value)  # a number


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
        _warn_if_changed(tf)
        return from_file(tf)


def cmd_pack(args: argparse.Namespace) -> int:
    from workbench.reports.pack import write_pack

    pages = write_pack(_facts(args.tender), args.output)
    print(f"wrote the evaluation pack to {args.output} ({pages} pages)")
    return 0


def cmd_summaries(args: argparse.Namespace) -> int:
    from workbench.reports.summaries import write_summaries

    written = write_summaries(_facts(args.tender), args.output, drafts=args.drafts)
    kind = "draft assessment summaries and notices" if args.drafts else \
        "assessment summaries and notices"
    print(f"wrote {len(written)} {kind} to {args.output}")
    return 0


def cmd_summaries_sent(args: argparse.Namespace) -> int:
    from workbench.award_record import mark_summaries_sent, not_ready
    from workbench.reports.facts import from_file

    with TenderFile.open(args.tender) as tf:
        mark_summaries_sent(tf, args.on, not_ready(from_file(tf)))
        _print_award_record(tf)
    return 0


def cmd_award_notice(args: argparse.Namespace) -> int:
    from workbench.award_record import set_award_notice

    with TenderFile.open(args.tender) as tf:
        set_award_notice(tf, "" if args.clear else args.on)
        _print_award_record(tf)
    return 0


def _print_award_record(tf: TenderFile) -> None:
    """The award record as now stored, as the pack's sign-off page words it."""
    from workbench.award_record import dates

    for what, when in dates(tf.load().award):
        print(f"{what}: {when}")


def cmd_export_xlsx(args: argparse.Namespace) -> int:
    from workbench.exchange.results_xlsx import write_results_xlsx

    write_results_xlsx(_facts(args.tender), args.output)
    print(f"wrote the results workbook to {args.output}")
    return 0


def cmd_export_ocds(args: argparse.Namespace) -> int:
    from workbench.exchange.ocds import write_ocds

    write_ocds(_facts(args.tender), args.output, args.prefix,
               include_all_bids=args.include_all_bids)
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


def cmd_return(args: argparse.Namespace) -> int:
    from workbench.monitoring.returns import create_return

    with TenderFile.open(args.tender) as tf:
        create_return(tf, args.lot, args.period, args.output)
    print(f"wrote the monitoring return for {args.period} to {args.output}")
    return 0


def cmd_merge_return(args: argparse.Namespace) -> int:
    from workbench.monitoring.returns import merge_return

    with TenderFile.open(args.tender) as tf:
        for path in args.returns:
            changed = merge_return(tf, path)
            print(f"{Path(path).name}: {changed} deliveries recorded" if changed
                  else f"{Path(path).name}: nothing new (already merged)")
    return 0


def cmd_portfolio(args: argparse.Namespace) -> int:
    from workbench.portfolio.output import portfolio, to_json, write_xlsx
    from workbench.portfolio.reading import read_folder
    from workbench.portfolio.text import summary
    from workbench.reports.portfolio_report import write_portfolio_report

    tenders, skipped = read_folder(args.folder)
    found = portfolio(str(args.folder), tenders, skipped)
    out = args.output
    if out and out.lower().endswith(".xlsx"):
        write_xlsx(found, out)
        print(f"wrote the portfolio workbook to {out}")
    elif out and out.lower().endswith(".pdf"):
        pages = write_portfolio_report(found, out)
        print(f"wrote the portfolio report to {out} ({pages} pages)")
    elif out:
        raise WorkbenchError(f"{out}: the portfolio is written as .pdf or .xlsx")
    if args.json:
        print(json.dumps(to_json(found), indent=2, ensure_ascii=False))
    elif not out:
        print(summary(found))
    for s in skipped:
        print(f"skipped {s.file}: {s.reason}", file=sys.stderr)
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

    p = command("demo", cmd_demo, "write the bundled demo tender (--all: every bundled example "
                "into a folder)")
    p.add_argument("out", help="the .tender file to write, or with --all the folder")
    p.add_argument("--all", action="store_true",
                   help="write every bundled example tender into the folder OUT")
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
    p.add_argument("--drafts", action="store_true",
                   help="write them even if feedback or final results are missing (each "
                        "unready one says DRAFT on every page)")
    p = command("summaries-sent", cmd_summaries_sent,
                "record the day the assessment summaries were sent (refused while any is not "
                "ready to send)")
    p.add_argument("tender")
    p.add_argument("--on", required=True, metavar="YYYY-MM-DD", help="the day they were sent")
    p = command("award-notice", cmd_award_notice, "record the day the contract award notice "
                "is published; prints the end of the standstill period")
    p.add_argument("tender")
    day = p.add_mutually_exclusive_group(required=True)
    day.add_argument("--on", metavar="YYYY-MM-DD", help="the day the notice is published")
    day.add_argument("--clear", action="store_true", help="remove the recorded date")
    p = command("export-xlsx", cmd_export_xlsx, "write the results to an Excel workbook")
    p.add_argument("tender")
    p.add_argument("-o", "--output", required=True, metavar="OUT.xlsx")
    p = command("export-ocds", cmd_export_ocds, "write an OCDS 1.1 release package (JSON)")
    p.add_argument("tender")
    p.add_argument("-o", "--output", required=True, metavar="OUT.json")
    p.add_argument("--prefix", default="ocds-local",
                   help="the OCID prefix registered by the publisher (default: ocds-local)")
    p.add_argument("--include-all-bids", action="store_true",
                   help="publish every bid's price, not only the awarded one's (losing "
                        "bidders' prices are commercially sensitive: off by default)")
    p = command("monitoring", cmd_monitoring,
                "write the social value monitoring report (PDF): commitments and delivery")
    p.add_argument("tender")
    p.add_argument("-o", "--output", required=True, metavar="OUT.pdf")
    p = command("return", cmd_return,
                "write a supplier's monitoring return workbook for one period")
    p.add_argument("tender")
    p.add_argument("--lot", required=True, metavar="ID")
    p.add_argument("--period", required=True, help="e.g. 2027-Q4")
    p.add_argument("-o", "--output", required=True, metavar="OUT.xlsx")
    p = command("merge-return", cmd_merge_return,
                "merge returned monitoring returns (each whole or not at all)")
    p.add_argument("tender")
    p.add_argument("returns", nargs="+", metavar="RETURN.xlsx")
    p = command("portfolio", cmd_portfolio,
                "figures across every .tender in a folder, per year and authority")
    p.add_argument("folder")
    p.add_argument("--json", action="store_true",
                   help="print the figures as JSON (see docs/portfolio.md)")
    p.add_argument("-o", "--output", metavar="OUT.pdf|OUT.xlsx",
                   help="also write the portfolio report (.pdf) or workbook (.xlsx)")
    return parser


class _Escaped(io.TextIOBase):
    """An output stream that writes control characters as escapes (names.terminal_safe):
    a bidder called "\x1b]0;pwned\x07" or "\x1b[2J" is printed, never obeyed."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(terminal_safe(text))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; everything it prints goes through `_Escaped`."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = (cast(TextIO, _Escaped(out)), cast(TextIO, _Escaped(err)))
    try:
        return _main(argv)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        sys.stdout, sys.stderr = out, err


def _main(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.func(args))
    except WorkbenchError as exc:
        print(f"workbench-cli: {excerpt(str(exc), MESSAGE_LIMIT)}", file=sys.stderr)
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
        print(f"workbench-cli: unexpected error ({type(exc).__name__}: "
              f"{excerpt(str(exc), MESSAGE_LIMIT)}); "
              f"details in {log}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
