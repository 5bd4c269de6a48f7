"""spaCy components of the claims pipeline (factories registered on import).

Each component adds candidate spans to `doc.spans[SPAN_KEY]` and annotates them with `claims_*`
extensions. Extension values are plain primitives (str, float, dict) so docs can cross process
boundaries in `nlp.pipe(n_process>1)`.
"""

from __future__ import annotations

from claims.text.components.common import SPAN_KEY, ensure_extensions
from claims.text.components.dates import DateFinder
from claims.text.components.quantities import QuantityFinder

__all__ = ["SPAN_KEY", "DateFinder", "QuantityFinder", "ensure_extensions"]
