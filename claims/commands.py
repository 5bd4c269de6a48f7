"""What each `claims` command does (the parsing lives in `claims.cli`).

Every command works without HTTP in the process, except `serve`/`demo`, which start the API server
by import string. Errors are raised as `ClaimsError`; `claims.cli.main` turns them into one line.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import itertools
import logging
import os
import sys
import textwrap
from typing import TYPE_CHECKING, Any

import msgspec
import psycopg

from claims.errors import InvalidInput
from claims.inputs import SEEDS_DIR, article_of, find_articles

if TYPE_CHECKING:
    import argparse
    from collections.abc import AsyncGenerator, Iterator, Sequence
    from pathlib import Path

    from claims.settings import Settings


log = logging.getLogger("claims")


def _dsn(settings: Settings) -> str:
    from claims import db, migrate

    dsn = db.resolve_dsn(settings)
    migrate.migrate(dsn)
    return dsn


async def ingest_paths(settings: Settings, paths: Sequence[Path], source: str | None, jobs: int) -> int:
    """Ingest files: extraction in `jobs` worker processes (or one nlp.pipe pass in this one when
    `jobs` is 1), storage and matching here, each article in its own transaction, in input order."""
    import psycopg
    from tqdm import tqdm

    from claims import ingest
    from claims.text.nlp import get_nlp

    entries = find_articles(paths, source)
    dsn = _dsn(settings)
    nlp = get_nlp(settings.spacy_model)
    failed = 0
    bar: Any = None  # the progress bar, once the extraction workers have started

    def prepared() -> Iterator[ingest.Prepared]:
        """Each file read and cleaned as the ingest reaches it; a bad one is reported and skipped."""
        nonlocal failed
        for path, src, entry in entries:
            try:
                yield ingest.prepare(article_of(path, src, entry), max_chars=settings.max_text_chars)
            except InvalidInput as exc:
                failed += 1
                reason = str(exc).removeprefix(f"{path}: ")  # reading errors name the file already
                if bar is None:
                    print(f"skipped {path}: {reason}", file=sys.stderr)
                else:
                    bar.write(f"skipped {path}: {reason}", file=sys.stderr)
                    bar.update()

    created = duplicates = conflicts = claims = 0
    pairs: AsyncGenerator[tuple[ingest.Prepared, Any], None]
    if jobs > 1 and len(entries) > _CHUNK:
        # Worker processes extract ahead while this one stores and matches (one article per
        # transaction, in input order, so the result is the one-by-one ingest's). They start
        # before the connection and the progress bar, while this process has no other thread.
        pairs = ingest.analyse_parallel(settings.spacy_model, prepared(), jobs=jobs, chunk=_CHUNK)
    else:
        pairs = _in_process(nlp, prepared())
    async with contextlib.aclosing(pairs):  # stops the workers on an error too
        first = asyncio.ensure_future(anext(pairs, None))
        await asyncio.sleep(0)
        try:
            async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
                bar = tqdm(total=len(entries), initial=failed, unit="article", file=sys.stderr)
                pair = await first
                while pair is not None:
                    prep, extraction = pair
                    result = await ingest.store_article(conn, prep, extraction)
                    duplicates += result.duplicate
                    created += not result.duplicate
                    claims += 0 if result.duplicate else result.claims
                    conflicts += result.conflicts
                    bar.update()
                    pair = await anext(pairs, None)
                bar.close()
        finally:
            if not first.done():  # failed before the first article: stop the extraction cleanly
                first.cancel()
                with contextlib.suppress(BaseException):
                    await first
    print(
        f"ingested {created} new, {duplicates} duplicate, {failed} failed; "
        f"{claims} claims, {conflicts} conflicts opened"
    )
    return 1 if failed else 0


_CHUNK = 16  # articles per extraction task in a worker process


async def _in_process(nlp: Any, prepared: Iterator[Any]) -> AsyncGenerator[tuple[Any, Any], None]:
    """`ingest.analyse` in this process (one `nlp.pipe` pass), each article with its extraction."""
    from claims import ingest

    feed, keep = itertools.tee(prepared)  # tee holds only what nlp.pipe has read ahead
    for pair in zip(keep, ingest.analyse(nlp, feed), strict=True):
        yield pair


async def print_conflicts(settings: Settings, *, status: str | None, limit: int) -> int:
    """`claims conflicts`: the open (or given) conflicts with both sentences, as an editor reads them."""
    import psycopg

    from claims import store

    dsn = _dsn(settings)
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
        page = await store.list_conflicts(conn, store.ConflictFilters(status=status), limit=limit)
        claims = await store.claims_of(conn, page.items)
    print(format_conflicts(page.items, claims))
    return 0


def format_conflicts(rows: Sequence[Any], claims: dict[int, Any]) -> str:
    """A table a person can read: reason, then each side's source, date, value and sentence."""
    if not rows:
        return "No conflicts."
    width = 100
    out = [f"{len(rows)} conflict(s)", "=" * width]
    for r in rows:
        out.append(f"#{r.id}  [{r.status}]  severity {r.severity:.2f}  {r.kind}  subject: {r.subject or '-'}")
        out.append(textwrap.fill(f"reason: {r.reason}", width, subsequent_indent="        "))
        for side, cid in (("A", r.claim_a), ("B", r.claim_b)):
            c = claims.get(cid)
            if c is None:
                continue
            value = c.date if c.kind == "date" else _value(c)
            out.append(f"  {side}. {c.source} (published {c.published or '?'}), article {c.article_id}: {value}")
            out.append(textwrap.fill(f'"{c.sentence}"', width, initial_indent="     ", subsequent_indent="      "))
        out.append("-" * width)
    return "\n".join(out)


def _value(c: Any) -> str:
    unit = f" {c.unit}" if c.unit else ""
    if c.value is not None:
        return f"{c.qualifier} {c.value:,.6g}{unit} [{_num(c.low)}, {_num(c.high)}]"
    return f"{c.qualifier} [{_num(c.low)}, {_num(c.high)}]{unit}"


def _num(x: float | None) -> str:
    return "-" if x is None else f"{x:,.6g}"


async def rematch(settings: Settings) -> int:
    """`claims rematch`: recompute every key and match after the matching rules changed."""
    import psycopg

    from claims.rematch import rematch as run

    dsn = _dsn(settings)
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
        stats = await run(conn)
    print(
        f"rematched: {stats.matches} matches; {stats.conflicts_opened} conflicts opened, "
        f"{stats.conflicts_withdrawn} unreviewed ones withdrawn, {stats.reviewed_kept} reviewed ones kept"
    )
    return 0


async def reextract(settings: Settings, batch: int) -> int:
    """`claims reextract`: extract stored articles again with this extractor, rematch, keep reviews."""
    import psycopg
    from tqdm import tqdm

    from claims.extraction import EXTRACTOR_VERSION
    from claims.reextract import reextract as run
    from claims.store.audit import Actor
    from claims.store.reextract import count_stale
    from claims.text.nlp import get_nlp

    actor = Actor(account_id=None, name="cli", role="admin")
    async with await psycopg.AsyncConnection.connect(_dsn(settings), autocommit=True) as conn:
        total = await count_stale(conn, EXTRACTOR_VERSION)
        if not total:
            print(f"every article is already extracted with {EXTRACTOR_VERSION}")
            return 0
        nlp = get_nlp(settings.spacy_model)
        with tqdm(total=total, unit="article", file=sys.stderr) as bar:
            stats = await run(conn, nlp, actor, batch=batch, progress=bar.update)
    print(
        f"re-extracted {stats.articles} articles with {EXTRACTOR_VERSION}: {stats.claims_before} claims -> "
        f"{stats.claims_after}; {stats.closed} open conflicts closed, {stats.opened} opened; reviewed "
        f"conflicts: {stats.carried} carried over, {stats.archived} archived with a note"
    )
    return 0


async def users(settings: Settings, args: argparse.Namespace) -> int:
    """`claims users add|key|revoke|list`: accounts and their keys, recorded in the audit log as `cli`."""
    from claims.store import accounts
    from claims.store.audit import Actor

    actor = Actor(account_id=None, name="cli", role="admin")
    async with await psycopg.AsyncConnection.connect(_dsn(settings), autocommit=True) as conn:
        if args.users_command == "add":
            row = await accounts.create_account(conn, args.name, args.role, actor=actor)
            print(f"account {row.id}: {row.name} ({row.role})")
        elif args.users_command == "key":
            account = await accounts.account_by_name(conn, args.name)
            key_row, key = await accounts.issue_key(conn, account.id, actor=actor)
            print(key)
            note = f"key {key_row.id} (prefix {key_row.prefix}) for {account.name}; shown once, store it now"
            print(note, file=sys.stderr)
        elif args.users_command == "revoke":
            key_row = await accounts.revoke_key(conn, prefix=args.prefix, actor=actor)
            print(f"revoked key {key_row.id} (prefix {key_row.prefix})")
        else:
            for a in await accounts.list_accounts(conn):
                print(f"{a.id}\t{a.name}\t{a.role}")
    return 0


def serve(settings: Settings, host: str, port: int, workers: int = 1) -> int:
    """Serve the API on the production server (`Settings.server`), `workers` processes sharing the port.

    Workers import the app by name and read their settings from the environment, so the embedded
    database is started (and migrated) here first and handed to them as DATABASE_URL: one server,
    one migration run, whatever the number of workers; it stops when this process exits.
    """
    from claims import server

    if not _is_loopback(host) and not settings.api_keys:
        raise InvalidInput(f"refusing to listen on {host} without API keys: set CLAIMS_API_KEYS or use 127.0.0.1")
    if workers < 1:
        raise InvalidInput("--workers must be at least 1")
    settings = msgspec.structs.replace(settings, host=host, port=port)  # the bind host is an allowed Host
    os.environ["DATABASE_URL"] = _dsn(settings)
    os.environ["CLAIMS_HOST"] = host
    os.environ["CLAIMS_PORT"] = str(port)
    print(f"serving on {server.stack(settings.server).describe()}, {workers} worker(s)", file=sys.stderr)
    return server.run(settings, workers)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def demo(settings: Settings, *, serve_api: bool = True) -> int:
    """The Quick start's main job: ingest the seeds, print the conflicts, then serve the API."""
    asyncio.run(ingest_paths(settings, [SEEDS_DIR], None, 1))
    asyncio.run(print_conflicts(settings, status=None, limit=500))
    if not serve_api:
        return 0
    print(f"\nAPI on http://{settings.host}:{settings.port}  (docs: /schema, try /v1/conflicts)")
    return serve(settings, settings.host, settings.port)


def evaluate(gold: Path, texts: Path, verbose: bool, settings: Settings, *, as_json: bool = False) -> int:
    """`claims eval`: a thin wrapper over `python -m tools.eval`, which lives in a checkout only."""
    from claims.settings import PROJECT_ROOT

    if not (PROJECT_ROOT / "tools" / "eval" / "run.py").is_file():
        raise InvalidInput(
            "claims eval scores against the gold files of a checkout: run it in a clone of the project "
            "(tools/eval is not part of the installed package)"
        )
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    from tools.eval.run import run

    return run(gold, texts, verbose, settings, as_json=as_json)
