"""One entry for scoring: a seeds-style gold file (extraction and relations) or a passages corpus."""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from claims.errors import InvalidInput

if TYPE_CHECKING:
    from pathlib import Path

    from claims.settings import Settings


def run(gold: Path, texts: Path | None, verbose: bool, settings: Settings, *, as_json: bool = False) -> int:
    """Score extraction (and relations, where the gold has them) against one gold file; print the report."""
    from claims.text.nlp import get_nlp
    from tools.eval import gold as ev
    from tools.eval.relations import evaluate_relations, format_relations

    if _is_passages_corpus(gold):
        from tools.eval.dev import evaluate_dev, format_dev_report

        report = evaluate_dev(gold, settings)
        print(msgspec.json.encode(report).decode() if as_json else format_dev_report(report, verbose=verbose))
        return 0
    if as_json:
        raise InvalidInput("--json is for a passages corpus (such as relations.dev.json)")
    gold_doc, raw_texts, manifest = ev.load_inputs(gold, texts)
    nlp = get_nlp(settings.spacy_model)
    if gold_doc.get("relations"):
        print(format_relations(evaluate_relations(gold_doc, raw_texts, manifest, nlp=nlp)), end="\n\n")
    print(ev.format_report(ev.evaluate(gold_doc, raw_texts, manifest, nlp=nlp), verbose=verbose))
    return 0


def _is_passages_corpus(gold: Path) -> bool:
    """A corpus of `passages` (tools.eval.dev) rather than the seeds' `articles` gold."""
    from tools.eval.dev import is_dev_corpus

    try:
        doc = msgspec.json.decode(gold.read_bytes())
    except msgspec.DecodeError as exc:
        raise InvalidInput(f"{gold}: {exc}") from None
    return isinstance(doc, dict) and is_dev_corpus(doc)
