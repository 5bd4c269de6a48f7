"""A folder's `manifest.json`: which files it holds, from which source, with which metadata.

The seeds ship one (`seeds/manifest.json`); `claims ingest FOLDER` reads one; the evaluation tools
and benchmarks read the seeds' through the same Struct, so the format has one definition.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from claims.errors import InvalidInput

if TYPE_CHECKING:
    from pathlib import Path

NAME = "manifest.json"


class ManifestEntry(msgspec.Struct, frozen=True, kw_only=True):
    file: str
    source: str
    title: str | None = None
    author: str | None = None
    published: str | None = None
    url: str | None = None


class Manifest(msgspec.Struct, frozen=True, kw_only=True):
    articles: list[ManifestEntry]


def has_manifest(folder: Path) -> bool:
    """Whether `folder` carries a manifest (else its files need a source named by the caller)."""
    return (folder / NAME).is_file()


def read_manifest(folder: Path) -> Manifest:
    """The manifest of `folder`; a malformed one is bad input, named with its path."""
    path = folder / NAME
    try:
        return msgspec.json.decode(path.read_bytes(), type=Manifest)
    except (OSError, msgspec.DecodeError) as exc:
        raise InvalidInput(f"{path}: {exc}") from None
