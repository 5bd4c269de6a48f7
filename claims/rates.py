"""Reference exchange rates, shipped as data, for comparing money claims across currencies.

DESIGN: money in different currencies is compared after conversion with a reference rate table,
and the reason names the rate and its date; never silently. One annual average is used for every
claim (the as-of dates of news figures are too coarse for daily rates), so comparisons widen the
converted interval by `FX_TOLERANCE` to absorb the year-to-year swing of the rate.
"""

from __future__ import annotations

import functools
import json
from importlib import resources

import msgspec

FX_TOLERANCE = 0.05  # EUR/USD moved between 1.05 (2022 average) and 1.08 (2023, 2024): about 3%


class RateTable(msgspec.Struct, frozen=True, kw_only=True):
    source: str
    url: str
    year: int
    base: str
    rates: dict[str, float]

    @property
    def label(self) -> str:
        """How a reason names the table: `ECB annual average 2024`."""
        return f"{self.source.split()[0]} annual average {self.year}"


class Conversion(msgspec.Struct, frozen=True, kw_only=True):
    """`amount` of `source_ccy` expressed in `target_ccy` at `rate` target units per source unit."""

    rate: float
    source_ccy: str
    target_ccy: str
    table: str


@functools.cache
def table() -> RateTable:
    raw = resources.files("claims").joinpath("data", "rates.json").read_text(encoding="utf-8")
    data = json.loads(raw)
    return msgspec.convert({k: v for k, v in data.items() if not k.startswith("_")}, RateTable)


def conversion(source_ccy: str, target_ccy: str) -> Conversion | None:
    """The reference rate from one currency to another, or None when the table lacks either."""
    t = table()
    src, dst = t.rates.get(source_ccy.upper()), t.rates.get(target_ccy.upper())
    if src is None or dst is None:
        return None
    return Conversion(rate=dst / src, source_ccy=source_ccy.upper(), target_ccy=target_ccy.upper(), table=t.label)


def describe(conv: Conversion) -> str:
    """`1.08 USD/EUR (ECB annual average 2024)`, quoting the rate the way markets do (> 1)."""
    if conv.rate >= 1:
        return f"{_fmt_rate(conv.rate)} {conv.target_ccy}/{conv.source_ccy} ({conv.table})"
    return f"{_fmt_rate(1 / conv.rate)} {conv.source_ccy}/{conv.target_ccy} ({conv.table})"


def _fmt_rate(rate: float) -> str:
    return f"{rate:.2f}" if rate < 100 else f"{rate:.1f}"
