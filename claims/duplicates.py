"""Near-duplicate articles: wire copy republished with a word changed is one report, not two.

MinHash (datasketch) over word 5-shingles of the cleaned text estimates the Jaccard similarity of
two articles; locality-sensitive banding (16 bands of 4 rows) turns the signature into 16 keys
stored in an indexed table, so finding an article's likely originals is 16 index lookups however
large the archive. A pair is a near-duplicate at an estimated similarity of NEAR_DUPLICATE or
more; the copy's claims are then kept but not matched, so a copy never counts as corroboration
and the conflicts the original has are not opened twice.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from datasketch import MinHash

NUM_PERM = 64
BANDS, ROWS = 16, 4  # P(candidate) at Jaccard 0.8: 1 - (1 - 0.8**4)**16 ~ 0.9999
NEAR_DUPLICATE = 0.8
"""Estimated Jaccard similarity of 5-word shingles from which two articles are one report (a
copy with a sentence changed in twenty scores about 0.85; two outlets' own stories of one event
score below 0.2)."""
SHINGLE = 5
_SEED = 20260101
_WORD = re.compile(r"\w+", re.UNICODE)


def signature(text: str) -> list[int]:
    """The MinHash of the text's word shingles, as signed 64-bit integers (a PostgreSQL bigint[])."""
    words = _WORD.findall(unicodedata.normalize("NFKC", text).casefold())
    shingles = {" ".join(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))}
    m = MinHash(num_perm=NUM_PERM, seed=_SEED)
    m.update_batch([s.encode() for s in shingles])
    return [_signed(int(v)) for v in m.hashvalues]


def bands(sig: list[int]) -> list[int]:
    """One key per band of the signature (band number mixed in, so bands never collide)."""
    out = []
    for b in range(BANDS):
        rows = sig[b * ROWS : (b + 1) * ROWS]
        digest = hashlib.blake2b(repr((b, rows)).encode(), digest_size=8).digest()
        out.append(int.from_bytes(digest, "big", signed=True))
    return out


def similarity(a: list[int], b: list[int]) -> float:
    """Estimated Jaccard similarity of two signatures (share of equal positions)."""
    if not a or len(a) != len(b):
        return 0.0
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def _signed(v: int) -> int:
    return v - (1 << 64) if v >= 1 << 63 else v
