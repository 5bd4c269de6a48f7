"""claims: extract, normalise, match and compare quantitative claims in news articles."""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING, Any

__all__ = ["extract"]

if TYPE_CHECKING:
    from claims.models import Extraction


def extract(text: str | None = None, **kwargs: Any) -> Extraction:
    """`extract(text, published="2022-11-27")` or `extract(html=..., published=...)`; no database."""
    from claims.extract import extract as _extract

    return _extract(text, **kwargs)


class _Package(types.ModuleType):
    """Keeps `claims.extract` the function once the `claims.extract` submodule is imported.

    Importing a submodule sets it as an attribute of its package, so after any
    `from claims.extract import ...` the documented `from claims import extract` returned the module
    and calling it raised TypeError. (`from claims.extract import X` still reads sys.modules.)
    """

    def __setattr__(self, name: str, value: object) -> None:
        if name == "extract" and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
