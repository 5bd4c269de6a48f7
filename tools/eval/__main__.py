"""`python -m tools.eval [GOLD] [--texts DIR] [-v] [--json] [--peer] [--write-docs [FILE]]`.

With no GOLD, the seeds' gold and the peer suites (what docs/EVAL.md shows). `claims eval GOLD` is
the same as `python -m tools.eval GOLD`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from claims.errors import ClaimsError
from claims.settings import PROJECT_ROOT, Settings
from tools.eval.gold import DEFAULT_GOLD, evaluate, format_report, load_inputs, write_block
from tools.eval.run import run

if TYPE_CHECKING:
    from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the arguments, score, print; exit 2 with a message on bad input."""
    ap = argparse.ArgumentParser(prog="python -m tools.eval", description=(__doc__ or "").splitlines()[0])
    ap.add_argument("gold", nargs="?", type=Path, default=None, help="a gold file (default: the seeds' gold)")
    ap.add_argument("--texts", type=Path, default=None, help="folder of raw texts + manifest.json (default: seeds/)")
    ap.add_argument("--peer", action="store_true", help="also run the Recognizers-Text peer cases")
    ap.add_argument("--verbose", "-v", action="store_true", help="list misses, false positives, failures")
    ap.add_argument("--json", action="store_true", help="machine-readable report (passages corpora)")
    ap.add_argument(
        "--write-docs",
        nargs="?",
        type=Path,
        const=PROJECT_ROOT / "docs" / "EVAL.md",
        default=None,
        help="update the generated blocks of docs/EVAL.md",
    )
    args = ap.parse_args(argv)
    settings = Settings.from_env()
    try:
        if args.gold is None and args.peer and not args.write_docs:
            return _peer(settings, args.verbose, None)
        if args.gold is not None and not args.write_docs:
            code = run(args.gold, args.texts, args.verbose, settings, as_json=args.json)
            return code if not args.peer else code or _peer(settings, args.verbose, None)
        return _docs(settings, args.gold or DEFAULT_GOLD, args.texts, args.verbose, args.write_docs)
    except ClaimsError as exc:
        print(f"python -m tools.eval: {exc}", file=sys.stderr)
        return 2


def _docs(settings: Settings, gold: Path, texts: Path | None, verbose: bool, doc: Path | None) -> int:
    """The seeds' extraction report and the peer suites, written into docs/EVAL.md when asked."""
    from claims.text.nlp import get_nlp

    gold_doc, raw, manifest = load_inputs(gold, texts)
    report = evaluate(gold_doc, raw, manifest, nlp=get_nlp(settings.spacy_model))
    print(format_report(report, verbose=verbose))
    if doc is not None:
        write_block(doc, "gold", "```\n" + format_report(report) + "\n```")
    return _peer(settings, verbose, doc)


def _peer(settings: Settings, verbose: bool, doc: Path | None) -> int:
    from claims.text.nlp import get_nlp
    from tools.eval.peer import format_peer_report, peer_report, skip_reason_table

    preport = peer_report(get_nlp(settings.spacy_model))
    print(format_peer_report(preport, verbose=verbose))
    if doc is not None:
        write_block(doc, "peer", format_peer_report(preport) + "\n\n" + skip_reason_table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
