"""What matching derives from one claim alone (entities of its story, words, embedding), cached."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from claims.matching.embed import embed
from claims.matching.keys import block_keys

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy as np

    from claims.models import Claim


CLAIM_CACHE_SIZE = 50_000
"""Distinct claims whose derived features `_features` keeps (least recently used first out)."""


class _Features:
    """What matching derives from one claim alone, computed once per distinct claim."""

    __slots__ = ("keys", "story", "text", "vector", "words")

    def __init__(self, claim: Claim) -> None:
        frame = claim.frame
        self.keys = frozenset(block_keys(claim))
        self.story = frozenset((*frame.topic, *frame.entities)) if frame else frozenset()
        self.words = " ".join(sorted(set(frame.words))) if frame else ""
        self.text = " ".join(filter(None, (claim.about, " ".join(frame.words) if frame else "")))
        self.vector: np.ndarray | None = None


@functools.lru_cache(maxsize=CLAIM_CACHE_SIZE)
def _features(claim: Claim) -> _Features:
    return _Features(claim)


def clear_cache() -> None:
    """Forget every claim's cached features (tests)."""
    _features.cache_clear()


def _vectors(feats: Sequence[_Features]) -> None:
    todo = [f for f in feats if f.vector is None]
    if todo:
        for f, v in zip(todo, embed([f.text for f in todo]), strict=True):
            f.vector = v
