"""Files to ingest from the command line: a folder's manifest, or files with a source named by the caller."""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from claims.errors import InvalidInput
from claims.manifest import ManifestEntry, has_manifest, read_manifest

if TYPE_CHECKING:
    from collections.abc import Sequence

    from claims.models import ArticleIn

log = logging.getLogger("claims")

SEEDS_DIR = Path(str(resources.files("claims") / "seeds"))
"""The sample articles: package data (`claims/seeds` links to the repository's `seeds/`)."""

Entry = tuple[Path, str, "ManifestEntry | None"]
"""A file to ingest, its source and its manifest entry (when a manifest lists it)."""


def find_articles(paths: Sequence[Path], source: str | None) -> list[Entry]:
    """Files to ingest with their metadata: a folder's manifest.json, else `--source` for all.

    Only names and metadata: the texts are read one by one as the ingest reaches them. A missing
    path, a bad manifest or a missing `--source` stops here, before anything is stored."""
    found: list[Entry] = []
    for path in paths:
        if path.is_dir() and has_manifest(path):
            manifest = read_manifest(path)
            found.extend((path / entry.file, entry.source, entry) for entry in manifest.articles)
        elif path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix.lower() in {".txt", ".html", ".htm"})
            found.extend((f, _need_source(source, f), None) for f in files)
        elif path.is_file():
            found.append((path, _need_source(source, path), None))
        else:
            raise InvalidInput(f"{path}: no such file or folder")
    return found


def collect_articles(paths: Sequence[Path], source: str | None) -> list[tuple[Path, ArticleIn]]:
    """`find_articles` with every text read (for tests and benchmarks that want them all)."""
    return [(path, article_of(path, src, entry)) for path, src, entry in find_articles(paths, source)]


def _need_source(source: str | None, path: Path) -> str:
    if not source:
        raise InvalidInput(f"{path}: no manifest.json beside it, so pass --source NAME")
    return source


def article_of(path: Path, source: str, entry: ManifestEntry | None) -> ArticleIn:
    """One file read as an `ArticleIn`, with the manifest entry's metadata when there is one."""
    from claims.models import ArticleIn

    try:
        body = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path}: cannot read as UTF-8 text ({exc})") from None
    is_html = path.suffix.lower() in {".html", ".htm"}
    return ArticleIn(
        source=source,
        text=None if is_html else body,
        html=body if is_html else None,
        title=entry.title if entry else None,
        author=entry.author if entry else None,
        published=entry.published if entry else None,
        url=entry.url if entry else None,
    )
