"""Extraction time per KB as the input grows, for hostile repeated-token forms and for news text.

    .venv/bin/python benchmarks/extract_scaling.py [--max-kb 1024] [--forms numbers,money,...]

Each form is built to 1, 4, 16, 64, ... KB (up to --max-kb) and extracted once, the whole
`claims.extract` path (cleaning, the spaCy pipeline, the claim rules); the per-KB time should stay
flat as the size grows (linear work). A form's line stops growing once one size takes longer than
--stop-s seconds (so a quadratic form does not run for hours). The last line is
`worst_growth=<largest per-KB time at 4 KB or more / per-KB time at 1 KB, over all forms>`. It measures and
prints; it is not a test (`tests/test_robust_scaling.py` is the test).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _repeat(piece: Callable[[int], str], size: int, sep: str = "") -> str:
    out: list[str] = []
    total, i = 0, 0
    while total < size:
        s = piece(i) + sep
        out.append(s)
        total += len(s)
        i += 1
    return "".join(out)


def _news(size: int) -> str:
    """The seeds' texts one after another, as many times as needed."""
    manifest = json.loads((ROOT / "seeds" / "manifest.json").read_text(encoding="utf-8"))
    texts = [(ROOT / "seeds" / a["file"]).read_text(encoding="utf-8") for a in manifest["articles"]]
    return _repeat(lambda i: texts[i % len(texts)], size, "\n\n")


#: name -> (builder of a text of about `size` characters, whether the text is HTML)
FORMS: dict[str, tuple[Callable[[int], str], bool]] = {
    "numbers": (lambda n: _repeat(str, n, " "), False),
    "money": (lambda n: "Costs were " + _repeat(lambda i: f"${i + 1} million", n, ", "), False),
    "refugees": (lambda n: _repeat(lambda i: f"There were {i} refugees.", n, " "), False),
    "last-monday": (lambda n: _repeat(lambda i: "last Monday", n, " "), False),
    "percent-dates": (lambda n: _repeat(lambda i: f"{i % 90 + 1}% in March {1990 + i % 30}", n, ", "), False),
    "lt": (lambda n: "<" * n, False),
    "punct": (lambda n: _repeat(lambda i: "-(", n), False),
    "div-unclosed": (lambda n: _repeat(lambda i: "<div>", n) + "<p>About 3,000 people fled.</p>", True),
    "news": (_news, False),
}


def main() -> None:
    """Print, per form, the per-KB time at each size and its growth over the smallest size."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--max-kb", type=int, default=256)
    parser.add_argument("--forms", default=",".join(FORMS))
    parser.add_argument("--stop-s", type=float, default=60.0)
    args = parser.parse_args()

    from claims.extraction import extract
    from claims.settings import Settings
    from claims.text.nlp import get_nlp

    nlp = get_nlp(Settings.from_env().spacy_model)
    extract("Warm-up: 5 people.", nlp=nlp)
    sizes = [kb for kb in (1, 4, 16, 64, 256, 1024) if kb <= args.max_kb]
    worst = 1.0
    print(f"{'form':<14}" + "".join(f"{str(kb) + ' KB':>12}" for kb in sizes) + "   ms per KB; growth")
    for name in args.forms.split(","):
        build, is_html = FORMS[name]
        per_kb: list[float] = []
        for kb in sizes:
            text = build(kb * 1024)
            t0 = time.perf_counter()
            if is_html:
                extract(html=text, published="2024-05-01", nlp=nlp)
            else:
                extract(text, published="2024-05-01", nlp=nlp)
            took = time.perf_counter() - t0
            per_kb.append(took * 1000 / (len(text) / 1024))
            if took > args.stop_s:
                break
        growth = max(per_kb[1:] or per_kb) / per_kb[0]  # larger sizes against the smallest
        worst = max(worst, growth)
        cells = "".join(f"{v:>12.1f}" for v in per_kb) + " " * 12 * (len(sizes) - len(per_kb))
        print(f"{name:<14}{cells}   x{growth:.1f}", flush=True)
    print(f"worst_growth={worst:.1f}")


if __name__ == "__main__":
    main()
