"""Generate a folder of realistic articles for the bulk-ingest benchmark (never committed).

    .venv/bin/python benchmarks/gen_articles.py OUT_DIR [--articles 2000] [--seed 7]

Articles are recombined from the seeds' cleaned paragraphs: a primary seed supplies most
paragraphs (in its order, so events keep their context), two or three others add a few; figures
are varied (amounts, counts and percentages scaled by 0.6 to 1.4, keeping their written form;
the lead country is moved to one of ten (name, capital and adjective alike);
years and days of months are left alone, so the same events recur with disagreeing figures, as
they do across outlets). Each article gets an outlet from a pool of 24 and a publication date in
2022-2025. About 1% are exact re-sends of an earlier article (the ingest must count them as
duplicates). Writes `OUT_DIR/NNNNN.txt` plus `OUT_DIR/manifest.json`, the layout `claims ingest`
reads. The last line printed is `articles=N chars=M duplicates=D`.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUTLETS = [
    "Kyodo Wire",
    "Nikkei Desk",
    "Asahi Daily",
    "Baltic Herald",
    "Kyiv Ledger",
    "Danube Post",
    "Pacific Observer",
    "Northern Review",
    "Atlantic Courier",
    "The Diplomat",
    "ANKASAM",
    "bne IntelliNews",
    "Japan Times Wire",
    "Euro Dispatch",
    "Continental Gazette",
    "Harbour Tribune",
    "Steppe Monitor",
    "Meridian News",
    "The Correspondent",
    "Evening Chronicle",
    "Policy Review",
    "Capital Report",
    "World Brief",
    "Signal Daily",
]
# A newsroom archive covers many countries: most articles move the seeds' lead country (Japan)
# to another one, consistently within the article (name, capital, adjective), so blocks (kind,
# unit, subject) spread the way a real archive's do instead of all piling onto Japan.
COUNTRIES = [
    ("Japan", "Tokyo", "Japanese"),
    ("South Korea", "Seoul", "South Korean"),
    ("Germany", "Berlin", "German"),
    ("France", "Paris", "French"),
    ("Canada", "Ottawa", "Canadian"),
    ("Australia", "Canberra", "Australian"),
    ("India", "New Delhi", "Indian"),
    ("United Kingdom", "London", "British"),
    ("Taiwan", "Taipei", "Taiwanese"),
    ("Pakistan", "Islamabad", "Pakistani"),
]
_LEAD = re.compile(r"\b(Japan|Tokyo|Japanese)\b")
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w]|\.\d)")
_NEAR_MONTH = re.compile(rf"(?:{_MONTHS})\s*$|^\s*(?:{_MONTHS})")


def seed_paragraphs() -> list[list[str]]:
    """Cleaned paragraphs of each seed (long enough to say something)."""
    from claims.text.clean import clean_text

    manifest = json.loads((ROOT / "seeds" / "manifest.json").read_text(encoding="utf-8"))
    out = []
    for art in manifest["articles"]:
        cleaned = clean_text((ROOT / "seeds" / art["file"]).read_text(encoding="utf-8"))
        out.append([p.strip() for p in cleaned.split("\n") if len(p.strip()) >= 80])
    return out


def vary_figures(text: str, rng: random.Random) -> str:
    def repl(m: re.Match[str]) -> str:
        raw = m.group(1)
        before, after = text[max(0, m.start() - 12) : m.start()], text[m.end() : m.end() + 12]
        plain = raw.replace(",", "")
        near_month = _NEAR_MONTH.search(before + "|" + after)
        if "." not in plain and (1900 <= int(plain) <= 2100 or (int(plain) <= 31 and near_month)):
            return raw  # a year, or a day of a month: same event, same date
        if rng.random() < 0.4:
            return raw
        value = float(plain) * rng.uniform(0.6, 1.4)
        if "." in plain:
            decimals = len(plain.split(".")[1])
            return f"{value:.{decimals}f}"
        n = max(1, round(value))
        return f"{n:,}" if "," in raw else str(n)

    return _NUMBER.sub(repl, text)


def make_article(rng: random.Random, pools: list[list[str]], *, vary_countries: bool = True) -> str:
    primary = rng.randrange(len(pools))
    own = pools[primary]
    k = min(len(own), rng.randint(4, 8))
    start = rng.randrange(0, max(1, len(own) - k + 1))
    paras = own[start : start + k]
    for other in rng.sample([i for i in range(len(pools)) if i != primary], rng.randint(1, 3)):
        paras.insert(rng.randrange(len(paras) + 1), rng.choice(pools[other]))
    title = vary_figures(paras[0].split(". ")[0][:90], rng)
    body = title + "\n\n" + "\n\n".join(vary_figures(p, rng) for p in paras) + "\n"
    if vary_countries:
        names = dict(zip(("Japan", "Tokyo", "Japanese"), rng.choice(COUNTRIES), strict=True))
        body = _LEAD.sub(lambda m: names[m.group(1)], body)
    return body


def generate(
    out: Path, n: int, seed: int = 7, duplicate_rate: float = 0.01, *, vary_countries: bool = True
) -> tuple[int, int, int]:
    """Write `n` articles and their manifest into `out`; returns (articles, chars, duplicates)."""
    rng = random.Random(seed)
    pools = seed_paragraphs()
    out.mkdir(parents=True, exist_ok=True)
    entries: list[dict[str, str]] = []
    texts: list[str] = []
    chars = dups = 0
    for i in range(n):
        if texts and rng.random() < duplicate_rate:
            body, dups = rng.choice(texts), dups + 1
        else:
            body = make_article(rng, pools, vary_countries=vary_countries)
        texts.append(body)
        chars += len(body)
        name = f"{i:05d}.txt"
        (out / name).write_text(body, encoding="utf-8")
        y, mo, d = rng.randint(2022, 2025), rng.randint(1, 12), rng.randint(1, 28)
        entries.append(
            {
                "file": name,
                "source": rng.choice(OUTLETS),
                "title": body.split("\n", 1)[0][:120],
                "published": f"{y}-{mo:02d}-{d:02d}",
            }
        )
    (out / "manifest.json").write_text(json.dumps({"articles": entries}, indent=1), encoding="utf-8")
    return n, chars, dups


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--same-country", action="store_true", help="keep every article about Japan (dense blocks)")
    args = ap.parse_args(argv)
    n, chars, dups = generate(args.out, args.articles, args.seed, vary_countries=not args.same_country)
    print(f"articles={n} chars={chars} duplicates={dups}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
