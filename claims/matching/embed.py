"""A small sentence-embedding model, loaded once, for "same measured thing" similarity.

wordllama (MIT) ships its 256-dimension `l2_supercat` weights and tokenizer inside the wheel, so
it runs offline from PyPI alone; about 50 µs a phrase on one core. Its `load()` looks for the
tokenizer in a cache folder and would try to download it, so it is pointed at the installed
package's own folder with downloads disabled. Vectors are L2-normalised: a dot product is a cosine.
"""

from __future__ import annotations

import functools
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Sequence

DIMENSIONS = 256
_LOCK = threading.Lock()


@functools.cache
def model() -> Any:
    """The wordllama model (loaded on first use, then shared)."""
    import wordllama
    from wordllama import WordLlama

    with _LOCK:
        return WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit vectors, one row per text (an empty text gives a zero row)."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    vectors = np.asarray(model().embed(list(texts)), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: np.ndarray = vectors / norms
    for i, text in enumerate(texts):
        if not text.strip():
            out[i] = 0.0
    return out
