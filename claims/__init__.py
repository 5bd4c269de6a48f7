"""claims: extract, normalise, match and compare quantitative claims in news articles."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["extract"]

if TYPE_CHECKING:
    from claims.models import Extraction


def extract(text: str | None = None, **kwargs: Any) -> Extraction:
    """`extract(text, published="2022-11-27")` or `extract(html=..., published=...)`; no database."""
    from claims.extract import extract as _extract

    return _extract(text, **kwargs)
