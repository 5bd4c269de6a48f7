"""Physical units as news text writes them, converted with `pint` to one canonical unit per dimension.

The surface forms (`km²`, `sq mi`, `70mph`, `512GB`, `46.1C`, `300 bhp`) are ours: news copy
abbreviates in ways no unit library parses. What each form *means* (`mile ** 2`) and every
conversion factor comes from pint's registry, so no conversion table is kept here.

A quantity claim is stored in its dimension's canonical unit (`CANONICAL`): `unit` is the canonical
name ("kilometre"), and value/low/high are converted, so `4,160 miles` and `6,695 km` compare
directly. The interval keeps the text's precision: a measured figure stands for half a unit of its
last written digit either side (`4,160 miles` is [4,159.5, 4,160.5] miles), converted endpoint by
endpoint (temperatures are affine: each end is converted, not the width). Earthquake magnitudes
have no physical unit: unit "magnitude", never converted.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import pint

#: dimension -> (pint unit expression, the name stored as the claim's unit)
CANONICAL: dict[str, tuple[str, str]] = {
    "area": ("kilometer ** 2", "square kilometre"),
    "length": ("kilometer", "kilometre"),
    "mass": ("metric_ton", "tonne"),
    "volume": ("meter ** 3", "cubic metre"),
    "speed": ("kilometer / hour", "kilometre per hour"),
    "power": ("kilowatt", "kilowatt"),
    "energy": ("kilowatt_hour", "kilowatt hour"),
    "data": ("gigabyte", "gigabyte"),
    "temperature": ("degree_Celsius", "degree Celsius"),
    "magnitude": ("", "magnitude"),
}
#: canonical unit name -> dimension (for matching: block quantities on it)
DIMENSION_OF_UNIT: dict[str, str] = {name: dim for dim, (_, name) in CANONICAL.items()}

# surface form -> (pint expression, dimension). Symbols are case-sensitive (`MB` megabyte, `Mb`
# megabit, `MW` megawatt); words are matched in any case.
_SYMBOLS: dict[str, tuple[str, str]] = {
    "km²": ("km**2", "area"),
    "km2": ("km**2", "area"),
    "sq km": ("km**2", "area"),
    "sq. km": ("km**2", "area"),
    "sqkm": ("km**2", "area"),
    "m²": ("m**2", "area"),
    "m2": ("m**2", "area"),
    "sq m": ("m**2", "area"),
    "sq mi": ("mile**2", "area"),
    "sq. mi": ("mile**2", "area"),
    "sq miles": ("mile**2", "area"),
    "mi²": ("mile**2", "area"),
    "mi2": ("mile**2", "area"),
    "sq ft": ("foot**2", "area"),
    "ft²": ("foot**2", "area"),
    "ha": ("hectare", "area"),
    "km": ("km", "length"),
    "mm": ("mm", "length"),
    "cm": ("cm", "length"),
    "ft": ("foot", "length"),
    "yd": ("yard", "length"),
    "nmi": ("nautical_mile", "length"),
    "dm": ("dm", "length"),
    "kg": ("kg", "mass"),
    "mg": ("mg", "mass"),
    "μg": ("microgram", "mass"),
    "mcg": ("microgram", "mass"),
    "lb": ("lb", "mass"),
    "lbs": ("lb", "mass"),
    "oz": ("oz", "mass"),
    "kt": ("kilotonne", "mass"),
    "ml": ("ml", "volume"),
    "mL": ("ml", "volume"),
    "bcm": ("1e9 * m**3", "volume"),
    "tcf": ("1e12 * foot**3", "volume"),
    "bbl": ("barrel", "volume"),
    "mph": ("mile/hour", "speed"),
    "kph": ("km/hour", "speed"),
    "kmph": ("km/hour", "speed"),
    "km/h": ("km/hour", "speed"),
    "kmh": ("km/hour", "speed"),
    "km/hr": ("km/hour", "speed"),
    "m/s": ("m/s", "speed"),
    "kW": ("kW", "power"),
    "MW": ("MW", "power"),
    "GW": ("GW", "power"),
    "TW": ("TW", "power"),
    "hp": ("hp", "power"),
    "bhp": ("hp", "power"),
    "kWh": ("kWh", "energy"),
    "MWh": ("MWh", "energy"),
    "GWh": ("GWh", "energy"),
    "TWh": ("TWh", "energy"),
    "kB": ("kilobyte", "data"),
    "KB": ("kilobyte", "data"),
    "MB": ("megabyte", "data"),
    "GB": ("gigabyte", "data"),
    "TB": ("terabyte", "data"),
    "PB": ("petabyte", "data"),
    "Mb": ("megabit", "data"),
    "mb": ("megabit", "data"),
    "Gb": ("gigabit", "data"),
    "Tb": ("terabit", "data"),
    "°C": ("degC", "temperature"),
    "ºC": ("degC", "temperature"),
    "° C": ("degC", "temperature"),
    "°F": ("degF", "temperature"),
    "ºF": ("degF", "temperature"),
    "° F": ("degF", "temperature"),
}
_WORDS: dict[str, tuple[str, str]] = {}


def _words(forms: str, expr: str, dim: str) -> None:
    for form in forms.split("|"):
        _WORDS[form] = (expr, dim)


_words("square kilometres|square kilometers|square kilometre|square kilometer|square km", "km**2", "area")
_words("square miles|square mile", "mile**2", "area")
_words("square metres|square meters|square metre|square meter", "m**2", "area")
_words("square feet|square foot", "foot**2", "area")
_words("hectares|hectare|acres|acre", "", "area")
_words("kilometres|kilometers|kilometre|kilometer", "km", "length")
_words("metres|meters|metre|meter", "m", "length")
_words("centimetres|centimeters|centimetre|centimeter", "cm", "length")
_words("millimetres|millimeters|millimetre|millimeter", "mm", "length")
_words("nautical miles|nautical mile", "nautical_mile", "length")
_words("miles|mile", "mile", "length")
_words("feet|foot", "foot", "length")
_words("inches|inch", "inch", "length")
_words("yards|yard", "yard", "length")
_words("metric tonnes|metric tons|metric ton|tonnes|tonne|tons|ton", "metric_ton", "mass")
_words("kilograms|kilogrammes|kilogram|kilogramme", "kg", "mass")
_words("grams|grammes|gram|gramme", "g", "mass")
_words("milligrams|milligram", "mg", "mass")
_words("micrograms|microgrammes|microgram|microgramme", "microgram", "mass")
_words("ounces|ounce", "oz", "mass")
_words("litres|liters|litre|liter", "liter", "volume")
_words("millilitres|milliliters|millilitre|milliliter", "ml", "volume")
_words("gallons|gallon", "gallon", "volume")
_words("barrels|barrel", "barrel", "volume")
_words("cubic metres|cubic meters|cubic metre|cubic meter", "m**3", "volume")
_words("cubic feet|cubic foot", "foot**3", "volume")
_words("miles per hour|miles an hour|mile per hour|mile an hour", "mile/hour", "speed")
_words(
    "kilometres per hour|kilometers per hour|kilometres an hour|kilometers an hour|km per hour|km an hour",
    "km/hour",
    "speed",
)
_words("knots", "knot", "speed")
_words("kilowatts|kilowatt", "kW", "power")
_words("megawatts|megawatt", "MW", "power")
_words("gigawatts|gigawatt", "GW", "power")
_words("horsepower|brake horsepower", "hp", "power")
_words("kilowatt hours|kilowatt-hours|kilowatt hour|kilowatt-hour", "kWh", "energy")
_words("megawatt hours|megawatt-hours|megawatt hour|megawatt-hour", "MWh", "energy")
_words("gigawatt hours|gigawatt-hours|gigawatt hour|gigawatt-hour", "GWh", "energy")
_words("terawatt hours|terawatt-hours|terawatt hour|terawatt-hour", "TWh", "energy")
_words("kilobytes|kilobyte", "kilobyte", "data")
_words("megabytes|megabyte", "megabyte", "data")
_words("gigabytes|gigabyte", "gigabyte", "data")
_words("terabytes|terabyte", "terabyte", "data")
_words("petabytes|petabyte", "petabyte", "data")
_words("megabits|megabit", "megabit", "data")
_words("gigabits|gigabit", "gigabit", "data")
_words(
    "degrees celsius|degree celsius|degrees centigrade|degrees c|celsius",
    "degC",
    "temperature",
)
_words("degrees fahrenheit|degree fahrenheit|degrees f|fahrenheit", "degF", "temperature")
_words("magnitude", "", "magnitude")

#: Forms glued to the number only (`46.1C`, `100F`): a spaced `5 C` is too often something else.
GLUED_ONLY: dict[str, tuple[str, str]] = {"C": ("degC", "temperature"), "F": ("degF", "temperature")}


def _alternation(forms: list[str]) -> str:
    return "|".join(re.escape(f).replace(r"\ ", r"\s") for f in sorted(forms, key=len, reverse=True))


#: The unit right after a number: case-sensitive symbols, then words in any case.
UNIT_PATTERN = (
    r"(?:(?P<usym>" + _alternation(list(_SYMBOLS)) + r")"
    r"|(?P<uword>(?i:" + _alternation(list(_WORDS)) + r")))"
)
GLUED_PATTERN = r"(?P<uglued>[CF])"


class Unit(NamedTuple):
    expr: str  # pint expression ("" for hectare/acre: the form is the name; magnitude: none)
    dimension: str
    form: str


def unit_of(form: str) -> Unit | None:
    """The unit a written form stands for (`km²`, `Square Kilometres`, `mph`), or None."""
    f = " ".join(form.split())
    hit = _SYMBOLS.get(f) or GLUED_ONLY.get(f)
    if hit is None:
        hit = _WORDS.get(f.lower())
        if hit is not None and not hit[0] and hit[1] != "magnitude":
            return Unit(singular_unit(f.lower()), hit[1], f)
    if hit is None:
        return None
    return Unit(hit[0], hit[1], f)


def singular_unit(word: str) -> str:
    """`kilometres` -> `kilometre`: unit words are looked up in the singular."""
    return word[:-1] if word.endswith("s") else word


@functools.cache
def registry() -> pint.UnitRegistry:
    """pint's registry, built once: it parses its whole definition file."""
    import pint

    return pint.UnitRegistry()


def canonical_name(dimension: str) -> str:
    """The one unit a dimension's figures are stored in, so any two of them compare."""
    return CANONICAL[dimension][1]


def dimension_of_unit(unit: str | None) -> str | None:
    """The dimension of a stored canonical unit name ("kilometre per hour" -> "speed")."""
    return DIMENSION_OF_UNIT.get(unit or "")


def convert(values: tuple[float | None, ...], unit: Unit) -> tuple[float | None, ...]:
    """The values (in `unit`) expressed in the canonical unit of its dimension."""
    if unit.dimension == "magnitude":
        return values
    target = CANONICAL[unit.dimension][0]
    ureg = registry()
    out: list[float | None] = []
    for v in values:
        if v is None:
            out.append(None)
            continue
        q = ureg.Quantity(v, unit.expr) if unit.dimension == "temperature" else v * ureg(unit.expr)
        x = float(q.to(target).magnitude)
        out.append(float(f"{x:.12g}"))
    return tuple(out)


def written_step(number_text: str) -> float:
    """Half a unit of the last written digit (`4,160` -> 0.5, `8,848.86` -> 0.005)."""
    s = number_text.replace(",", "").replace(" ", "")
    if not any(c.isdigit() for c in s) or "/" in s or not s[-1].isdigit():
        return 0.0  # words and fractions (`3/4`, `2½`) are exact as written
    decimals = len(s.split(".", 1)[1]) if "." in s else 0
    return 0.5 * 10.0**-decimals


#: Unit codes that annotators and other tools write (`m`, `t`, `mi`) but that news text cannot use
#: bare (`3m` is three million): for reading gold files and peer specs, never for extraction.
_CODES = {
    "m": "metres",
    "t": "tonnes",
    "mi": "miles",
    "mi2": "sq mi",
    "acre": "acres",
    "in": "inches",
    "g": "grams",
    "l": "litres",
    "kmh": "km/h",
    "mwh": "MWh",
    "kwh": "kWh",
    "gwh": "GWh",
    "degC": "°C",
    "degF": "°F",
}


def to_canonical(values: tuple[float | None, ...], unit_code: str | None) -> tuple[float | None, ...] | None:
    """Values given in `unit_code` (a written form or an annotator's code) in the canonical unit;
    None when the code is no known unit."""
    if not unit_code:
        return None
    unit = unit_of(_CODES.get(unit_code, unit_code)) or unit_of(_CODES.get(unit_code.lower(), unit_code.lower()))
    return None if unit is None else convert(values, unit)
