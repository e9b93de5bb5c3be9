"""Floors on the held-out development corpus: tests/dev_corpus, gold in tests/dev_gold.

The seeds say little about unseen documents (the extractors were tuned on them), so 14
documents were written for the project in layouts and wordings the seeds do not have: a
Reuters and a Yonhap wire item, a think-tank commentary with footnotes and "Notes", a blog with
share widgets and a comment thread, two Montsame/ikon-style Mongolian news items and a gogo.mn
item with comments, a Markdown analysis and a Markdown op-ed, an HTML page with navigation,
scripts and footer, an APA-style paper, and three tickers (one line of items; one item per
line; mixed English/Mongolian across a year boundary). The gold files were written by reading
the documents (annotation rules in their headers), never from the code's output.

Measured on 2026-11-24 (``python -m mongolia_analysis.evaluate --corpus tests/dev_corpus
--gold tests/dev_gold``), precision / recall:

============  ===============  ===============
extractor     before (HEAD)    after
============  ===============  ===============
countries     0.99 / 1.00      1.00 / 1.00
people        0.93 / 0.81      1.00 / 0.88
events        0.95 / 0.63      0.97 / 0.94
event_flags   0.90 / 0.60      1.00 / 1.00
figures       1.00 / 0.88      1.00 / 0.99
headlines     1.00 / 1.00      1.00 / 1.00
documents     0.93 / 0.79      0.99 / 0.99
============  ===============  ===============

The four documents of the second batch (yonhap_*, ikon_*, opinion_*, ticker_feb2025) were
written after the first round of fixes and scored once before any further change: events
1.00 / 0.61, figures 1.00 / 0.94, documents 0.95 / 0.90, countries and headlines 1.00. The
floors below are the project's targets, which the corpus clears with a margin.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from mongolia_analysis.evaluate import evaluate, gold_spans, read_gold, same_year, score_spans
from mongolia_analysis.events import extract_events

HERE = Path(__file__).parent
DEV_CORPUS = HERE / "dev_corpus"
DEV_GOLD = HERE / "dev_gold"

FLOORS = {
    # extractor: (minimum precision, minimum recall, minimum f1)
    "countries": (0.0, 0.0, 0.90),
    "events": (0.75, 0.75, 0.0),
    "event_flags": (0.80, 0.80, 0.0),
    "figures": (0.85, 0.85, 0.0),
    "headlines": (1.0, 1.0, 1.0),
    "documents": (0.0, 0.90, 0.0),  # recall: the share of gold metadata fields that are right
}


@pytest.fixture(scope="module")
def dev_corpus():
    from mongolia_analysis import load_corpus

    return load_corpus(DEV_CORPUS)


@pytest.fixture(scope="module")
def dev_scores(dev_corpus) -> pd.DataFrame:
    return evaluate(dev_corpus, DEV_GOLD).set_index("extractor")


@pytest.mark.parametrize("extractor", sorted(FLOORS))
def test_dev_floors(extractor: str, dev_scores: pd.DataFrame) -> None:
    precision, recall, f1 = FLOORS[extractor]
    row = dev_scores.loc[extractor]
    assert row["precision"] >= precision, row.to_dict()
    assert row["recall"] >= recall, row.to_dict()
    assert row["f1"] >= f1, row.to_dict()


def test_every_dev_document_is_annotated(dev_corpus) -> None:
    doc_ids = set(dev_corpus.documents["doc_id"])
    assert len(doc_ids) == len(list(DEV_CORPUS.iterdir()))  # one document per file
    assert set(read_gold(DEV_GOLD / "documents.yaml")["documents"]) == doc_ids
    assert set(read_gold(DEV_GOLD / "countries.yaml")) == doc_ids
    for name in ("events.yaml", "figures.yaml"):
        assert set(read_gold(DEV_GOLD / name)["documents"]) == doc_ids


def test_ticker_events_with_their_own_dates_match_the_gold(dev_corpus) -> None:
    # corpus.events does not pass the headlines table yet; given it, every event of the ticker
    # whose items straddle a year boundary is found with its right year (with the ticker's
    # date, 2025-01-02, three of its 2024 items get 2025)
    events = extract_events(
        dev_corpus.analysed_sentences,
        dev_corpus.mentions,
        dev_corpus.documents,
        headlines=dev_corpus.headlines,
    )
    texts = {d: dev_corpus.text(d) for d in dev_corpus.documents["doc_id"]}
    gold = gold_spans(
        texts, read_gold(DEV_GOLD / "events.yaml")["events"], quote_key="quote", source="gold"
    )
    ticker = ["ticker_newyear-1"]
    score = score_spans(events, gold[gold["doc_id"].isin(ticker)], same=same_year, documents=ticker)
    assert (score.precision, score.recall) == (1.0, 1.0), score
