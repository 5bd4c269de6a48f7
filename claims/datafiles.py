"""The JSON files of `claims/data/`, each read once per process.

Package data read through `importlib.resources`, so it works from a wheel as from a checkout. The
values are shared: callers build their own structures from them and never change them.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any


@functools.cache
def read(name: str) -> Any:
    """The parsed contents of `claims/data/<name>` (a missing file is a packaging error: it raises)."""
    return json.loads(resources.files("claims").joinpath("data", name).read_text(encoding="utf-8"))
