"""Matching: find stored claims about the same measured thing as a new claim, then compare them.

- `keys`: block keys (retrieval by who a claim is about), `features`: per-claim features and
  embeddings (cached), `retrieval`: `match_claims`, the candidate loop;
- `judge`: the frame judge (same measured thing? vetoes, score, verdict);
- `cues`, `cues_judge`, `cues_shortlist`: the event-cue judge (dated political events);
- `embed`: the small embedding model.
"""

from claims.matching.features import CLAIM_CACHE_SIZE, clear_cache
from claims.matching.judge import LINK_THRESHOLD, SUGGEST_THRESHOLD
from claims.matching.keys import BLOCK_WINDOW, block_key, block_keys
from claims.matching.retrieval import MAX_CANDIDATES, MAX_PAIRS_IN_ARTICLE, match_claims

__all__ = [
    "BLOCK_WINDOW",
    "CLAIM_CACHE_SIZE",
    "LINK_THRESHOLD",
    "MAX_CANDIDATES",
    "MAX_PAIRS_IN_ARTICLE",
    "SUGGEST_THRESHOLD",
    "block_key",
    "block_keys",
    "clear_cache",
    "match_claims",
]
