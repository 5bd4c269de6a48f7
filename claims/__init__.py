"""claims: extract, normalise, match and compare quantitative claims in news articles.

`claims.extract` and `claims.extract_many` are the documented entry points (no database); the
module that holds them is `claims.extraction`. They are imported on first call, so importing the
package does not load spaCy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["extract", "extract_many"]

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from spacy.language import Language

    from claims.models import Extraction


def extract(text: str | None = None, **kwargs: Any) -> Extraction:
    """`extract(text, published="2022-11-27")` or `extract(html=..., published=...)`; no database.

    Without `nlp` or `settings`, the pipeline is the one the environment names (CLAIMS_SPACY_MODEL):
    this entry point is the caller that reads it, not the extractor.
    """
    from claims.extraction import extract as _extract

    if "nlp" not in kwargs and "settings" not in kwargs:
        from claims.settings import Settings

        kwargs["settings"] = Settings.from_env()
    return _extract(text, **kwargs)


def extract_many(
    nlp: Language,
    items: Iterable[tuple[str, str | None] | tuple[str, str | None, str | None]],
    *,
    batch_size: int = 16,
    n_process: int = 1,
) -> Iterator[Extraction]:
    """Bulk extraction over already-cleaned texts with one `nlp.pipe` pass (see `claims.extraction`)."""
    from claims.extraction import extract_many as _extract_many

    return _extract_many(nlp, items, batch_size=batch_size, n_process=n_process)
