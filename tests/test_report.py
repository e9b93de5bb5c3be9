"""Tests of the brief's sections on a small corpus written here (tables conformed to the schema)."""

from __future__ import annotations

import re
from datetime import date
from itertools import combinations
from types import SimpleNamespace

import pandas as pd
import pytest

from mongolia_analysis import report
from mongolia_analysis.corpus import Corpus
from mongolia_analysis.schema import conform, empty
from mongolia_analysis.sections.relationships import format_figure
from mongolia_analysis.sections.sources import link

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
NAMES = {
    "MNG": "Mongolia",
    "PRK": "North Korea",
    "KOR": "South Korea",
    "JPN": "Japan",
    "CHN": "China",
    "RUS": "Russia",
}
SURFACES = {
    "MNG": ["Mongolia", "МОНГОЛ"],
    "PRK": ["North Korea", "Pyongyang"],
    "KOR": ["South Korea"],
    "JPN": ["Japan", "ЯПОН", "JAPAN"],
    "CHN": ["China"],
    "RUS": ["Russia"],
}

# (doc_id, title, publisher, url, published, year, kind, language)
DOCUMENTS = [
    (
        "a-1",
        f"Mediation {SCRIPT}",
        f"Think {IMG}",
        "https://example.org/a",
        "2015-03-01",
        2015,
        "article",
        "en",
    ),
    (
        "b-1",
        "Mongolia and the Koreas",
        "Review",
        "javascript:alert(1)",
        "2021-07-15",
        2021,
        "article",
        "en",
    ),
    ("t-1", "News headlines", None, None, "2024-12-20", 2024, "headlines", "mul"),
]
# doc_id -> paragraphs -> sentences
TEXTS = {
    "a-1": [
        [
            f"Mongolia hosted talks between Japan and North Korea in Ulaanbaatar in 2014 {SCRIPT}.",
            "Mongolia's neutrality and its nuclear-weapon-free status make it a trusted broker.",
        ],
        ["Mongolia is a small state with an annual GDP of just $13.84 billion."],
        [
            "Mongolia hosted the 2014 Ulaanbaatar Dialogue with North Korea and South Korea.",
            "China and Russia could dominate any dialogue that Mongolia leads in the region.",
        ],
    ],
    "b-1": [
        [
            "In 2014 Mongolia hosted talks between Japan and North Korea on the abduction issue.",
            f"Neutrality remains the main asset of Mongolia with North Korea {IMG}.",
        ],
        [
            "Pyongyang's inconsistent participation limits what the dialogue can achieve.",
            "Mongolia depends on China, since 89 percent of its trade in 2013 was with China.",
        ],
        ["Mongolia sent its president to South Korea in 2019 to discuss trade and investment."],
    ],
    "t-1": [["JAPAN AND MONGOLIA FORGE DEFENSE PACT"], ["МОНГОЛ УЛС ЯПОНТОЙ ГЭРЭЭ БАЙГУУЛАВ"]],
}
# (doc_id, sent_id, code, matched)
CODINGS = [
    ("a-1", 1, "neutrality", "neutrality"),
    ("a-1", 1, "nwfz", "nuclear-weapon-free"),
    ("a-1", 4, "big_power", "China and Russia"),
    ("b-1", 1, "neutrality", "neutrality"),
    ("b-1", 2, "dprk_participation", "inconsistent participation"),
    ("b-1", 3, "big_power", "depends on China"),
    ("t-1", 0, "third_neighbour", "defense pact"),
]
CODEBOOK = SimpleNamespace(
    codes={
        "neutrality": SimpleNamespace(
            label="Neutrality",
            definition="Equidistance between powers.",
            kind="asset",
            nye_source="foreign_policy",
        ),
        "nwfz": SimpleNamespace(
            label="Nuclear-weapon-free status",
            definition="NWFZ status.",
            kind="asset",
            nye_source="political_values",
        ),
        "third_neighbour": SimpleNamespace(
            label="Third neighbour",
            definition="Partners beyond.",
            kind="asset",
            nye_source="foreign_policy",
        ),
        "big_power": SimpleNamespace(
            label="Big-power rivalry",
            definition="China, Russia, US.",
            kind="constraint",
            nye_source="",
        ),
        "dprk_participation": SimpleNamespace(
            label="DPRK participation", definition="Uncertain.", kind="constraint", nye_source=""
        ),
    }
)
# (doc_id, sent_id, year, event_type, actors, host, mediation, negated)
EVENTS = [
    ("a-1", 0, 2014, "meet", ("MNG", "JPN", "PRK"), "MNG", True, False),
    ("a-1", 3, 2014, "host", ("MNG", "PRK", "KOR"), "MNG", False, False),
    ("b-1", 0, 2014, "meet", ("MNG", "JPN", "PRK"), "MNG", True, False),
    ("b-1", 4, 2019, "visit", ("MNG", "KOR"), None, False, False),
    ("b-1", 2, 2016, "meet", ("MNG", "PRK"), "MNG", False, True),  # negated: never shown
]
# (cluster_id, year, event_type, actors, doc_ids, text-of (doc, sent))
CLUSTERS = [
    (1, 2014, "meet", ("MNG", "JPN", "PRK"), ("a-1", "b-1"), ("a-1", 0)),
    (2, 2014, "host", ("MNG", "PRK", "KOR"), ("a-1",), ("a-1", 3)),
    (3, 2019, "visit", ("MNG", "KOR"), ("b-1",), ("b-1", 4)),
]
# (doc_id, sent_id, value, unit, quantity, currency, counted, year, surface)
FIGURES = [
    ("a-1", 2, 13.84e9, "USD", "money", "USD", "annual GDP", None, "$13.84 billion"),
    ("b-1", 3, 89.0, "percent", "percent", None, "share of trade with China", 2013, "89 percent"),
]


class Gazetteer:
    def name(self, entity_id: str) -> str:
        return NAMES[entity_id]  # KeyError for unknown ids, like the real one


def build_corpus(*, with_ticker: bool = True, empty_tables: bool = False) -> Corpus:
    """A Corpus whose extraction tables are filled in here instead of by the extractors."""
    docs = [d for d in DOCUMENTS if with_ticker or d[6] != "headlines"]
    texts, sentences, paragraphs = {}, [], []
    for doc_id, *_ in docs:
        position, parts = 0, []
        sent_id = 0
        for para_id, para in enumerate(TEXTS[doc_id]):
            para_start = position
            for k, text in enumerate(para):
                role = "headline" if doc_id.startswith("t") else "body"
                sentences.append(
                    {
                        "doc_id": doc_id,
                        "para_id": para_id,
                        "sent_id": sent_id,
                        "role": role,
                        "text": text,
                        "start": position,
                        "end": position + len(text),
                    }
                )
                parts.append(text + (" " if k < len(para) - 1 else ""))
                position += len(text) + (1 if k < len(para) - 1 else 0)
                sent_id += 1
            paragraphs.append(
                {
                    "doc_id": doc_id,
                    "para_id": para_id,
                    "heading": None,
                    "role": "body",
                    "text": "".join(parts[-len(para) :]).strip(),
                    "start": para_start,
                    "end": position,
                }
            )
            parts.append("\n\n")
            position += 2
        texts[doc_id] = "".join(parts)
    sentences = conform(sentences, "sentences")
    documents = conform(
        [
            {
                "doc_id": d,
                "source_file": f"{d}.txt",
                "part": 1,
                "title": t,
                "author": "A. Writer",
                "publisher": p,
                "url": u,
                "published": pub,
                "date_precision": "day",
                "year": y,
                "kind": k,
                "language": lang,
                "n_words": 100,
                "n_chars": 600,
                "sha256": "0",
            }
            for d, t, p, u, pub, y, k, lang in docs
        ],
        "documents",
    )
    headlines = conform(
        [
            {
                "doc_id": "t-1",
                "sent_id": 0,
                "rank": 1,
                "title": TEXTS["t-1"][0][0],
                "title_latin": None,
                "source": "montsame.mn",
                "published": "2024-12-20",
                "language": "en",
                "start": 0,
                "end": len(TEXTS["t-1"][0][0]),
            },
            {
                "doc_id": "t-1",
                "sent_id": 1,
                "rank": None,
                "title": TEXTS["t-1"][1][0],
                "title_latin": "MONGOL ULS YAPONTOI GEREE BAIGUULAV",
                "source": "news.mn",
                "published": "2024-12-19",
                "language": "mn",
                "start": 0,
                "end": 10,
            },
        ]
        if with_ticker
        else [],
        "headlines",
    )
    corpus = Corpus(
        documents=documents,
        paragraphs=conform(paragraphs, "paragraphs"),
        sentences=sentences,
        headlines=headlines,
        skipped=empty("skipped"),
        texts=texts,
        raw_texts=texts,
    )
    text_of = {(r.doc_id, r.sent_id): (r.text, r.start) for r in sentences.itertuples()}
    mentions = []
    for (doc_id, sent_id), (text, start) in text_of.items():
        for entity_id, surfaces in SURFACES.items():
            for surface in surfaces:
                i = text.find(surface)
                if i >= 0:
                    mentions.append(
                        {
                            "doc_id": doc_id,
                            "sent_id": sent_id,
                            "start": start + i,
                            "end": start + i + len(surface),
                            "surface": surface,
                            "entity_id": entity_id,
                            "entity_type": "country",
                            "name": NAMES[entity_id],
                            "method": "alias",
                        }
                    )
                    break
    mentions = conform(mentions, "mentions")
    pairs: dict[tuple[str, str], set] = {}
    for key, group in mentions.groupby(["doc_id", "sent_id"]):
        for a, b in combinations(sorted(set(group["entity_id"])), 2):
            pairs.setdefault((a, b), set()).add(key)
    tables = {
        "mentions": mentions,
        "cooccurrence": conform(
            [
                {
                    "source": a,
                    "target": b,
                    "n_sentences": len(s),
                    "n_documents": len({d for d, _ in s}),
                }
                for (a, b), s in pairs.items()
            ],
            "cooccurrence",
        ),
        "codings": conform(
            [
                {
                    "doc_id": d,
                    "sent_id": s,
                    "start": text_of[(d, s)][1],
                    "end": text_of[(d, s)][1] + len(text_of[(d, s)][0]),
                    "code": c,
                    "matched": m,
                    "text": text_of[(d, s)][0],
                }
                for d, s, c, m in CODINGS
                if (d, s) in text_of
            ],
            "codings",
        ),
        "events": conform(
            [
                {
                    "doc_id": d,
                    "sent_id": s,
                    "start": text_of[(d, s)][1],
                    "end": text_of[(d, s)][1] + len(text_of[(d, s)][0]),
                    "year": y,
                    "date": str(y),
                    "date_precision": "year",
                    "event_type": t,
                    "cameo": "04",
                    "plover": "CONSULT",
                    "actors": a,
                    "host": h,
                    "mediation": m,
                    "negated": n,
                    "hypothetical": False,
                    "trigger": "hosted",
                    "text": text_of[(d, s)][0],
                }
                for d, s, y, t, a, h, m, n in EVENTS
            ],
            "events",
        ),
        "event_clusters": conform(
            [
                {
                    "cluster_id": c,
                    "year": y,
                    "event_type": t,
                    "actors": a,
                    "n_sources": len(ds),
                    "doc_ids": ds,
                    "n_events": len(ds),
                    "text": text_of[ref][0],
                }
                for c, y, t, a, ds, ref in CLUSTERS
            ],
            "event_clusters",
        ),
        "figures": conform(
            [
                {
                    "doc_id": d,
                    "sent_id": s,
                    "start": text_of[(d, s)][1] + text_of[(d, s)][0].find(f),
                    "end": text_of[(d, s)][1] + text_of[(d, s)][0].find(f) + len(f),
                    "value": v,
                    "unit": u,
                    "quantity": q,
                    "currency": c,
                    "hedge": None,
                    "counted": what,
                    "year": y,
                    "surface": f,
                }
                for d, s, v, u, q, c, what, y, f in FIGURES
            ],
            "figures",
        ),
        "citations": conform(
            [
                {
                    "doc_id": "a-1",
                    "sent_id": None,
                    "start": 0,
                    "end": 5,
                    "marker": "1",
                    "authors": "Campi, Alicia",
                    "year": 2013,
                    "title": f"Study {SCRIPT}",
                    "container": "Journal",
                    "url": "javascript:alert(1)",
                    "doi": None,
                    "raw": "raw",
                }
            ],
            "citations",
        ),
        "gazetteer": Gazetteer(),
        "codebook": CODEBOOK,
    }
    if empty_tables:
        tables.update(
            {
                name: empty(name)
                for name in (
                    "mentions",
                    "cooccurrence",
                    "codings",
                    "events",
                    "event_clusters",
                    "figures",
                    "citations",
                )
            }
        )
    for name, value in tables.items():
        corpus.__dict__[name] = value  # what the cached properties would hold
    return corpus


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return build_corpus()


def make_context(corpus: Corpus, **options) -> report.BriefContext:
    options.setdefault("params", {"min_passages": 2})
    return report.context(corpus, build_date=date(2025, 1, 2), evaluation=pd.DataFrame(), **options)


@pytest.fixture(scope="module")
def ctx(corpus: Corpus) -> report.BriefContext:
    return make_context(corpus)


def whole_brief(ctx: report.BriefContext) -> str:
    return "".join(section._repr_html_() for section in report.sections(ctx))


SECTIONS = [*report.SECTION_ORDER, "passages"]


@pytest.mark.parametrize("name", SECTIONS)
def test_each_section_has_its_heading(ctx, name):
    section = getattr(report, name)(ctx)
    markup = section._repr_html_()
    assert markup.startswith(f'<section id="{section.id}" class="brief-section"><h2>')
    assert section.title and f"<h2>{section.title}" in markup.replace("&amp;", "&")


def test_section_ids_are_unique(ctx):
    ids = [section.id for section in report.sections(ctx)]
    assert len(ids) == len(set(ids)) == len(SECTIONS)


def test_section_repr_is_exact():
    section = report.Section("x", "A", "<p>b</p>")
    assert (
        section._repr_html_()
        == '<section id="x" class="brief-section"><h2>A</h2><p>b</p></section>'
    )


def test_document_text_is_escaped_everywhere(ctx):
    markup = whole_brief(ctx)
    assert "<script" not in markup.lower()
    assert "<img src=x" not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    assert "&lt;img src=x onerror=alert(1)&gt;" in markup


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("javascript:alert(1)", "javascript:alert(1)"),
        (
            "https://a.org/?q=<b>",
            '<a href="https://a.org/?q=&lt;b&gt;">https://a.org/?q=&lt;b&gt;</a>',
        ),
        (None, ""),
    ],
)
def test_only_http_urls_become_links(url, expected):
    assert link(url) == expected


def test_every_passage_link_has_its_target(ctx):
    markup = whole_brief(ctx)
    targets = set(re.findall(r'href="#(src-[^"]+)"', markup))
    anchors = set(re.findall(r'id="(src-[^"]+)"', markup))
    assert targets, "the brief cites no passage"
    assert targets <= anchors
    assert anchors <= targets  # the appendix lists only passages that are cited


def test_key_judgments_cite_existing_passages(ctx):
    from mongolia_analysis.sections.overview import judgments

    stated = judgments(ctx)
    assert len(stated) >= 4
    known = set(zip(ctx.corpus.sentences["doc_id"], ctx.corpus.sentences["sent_id"], strict=True))
    for judgment in stated:
        assert judgment.refs and set(judgment.refs) <= known
    assert "passages in 2 of 3 documents" in report.key_judgments(ctx).html


def test_judgment_with_too_little_evidence_is_not_stated(corpus):
    strict = make_context(corpus, params={"min_passages": 50, "min_documents": 3})
    assert '<p class="no-data">' in report.key_judgments(strict).html
    assert "<ol" not in report.key_judgments(strict).html


@pytest.mark.parametrize(
    ("focus", "expected"),
    [
        ("PRK", "North Korea is a party to 2 of the 2 events"),
        ("KOR", "South Korea is a party to 1 of the 2 events"),
        ("JPN", "Japan is a party to 1 of the 2 events"),
    ],
)
def test_focus_recentres_the_judgments(corpus, focus, expected):
    html = report.key_judgments(make_context(corpus, focus=focus)).html
    assert expected in html


def test_focus_changes_the_timeline_highlight(corpus):
    from mongolia_analysis.sections.track_record import happenings

    by_focus = {
        f: happenings(make_context(corpus, focus=f))["highlight"].tolist() for f in ("PRK", "KOR")
    }
    assert by_focus["PRK"] == [True, True, False]
    assert by_focus["KOR"] == [False, True, True]


def test_negated_events_stay_out_of_the_track_record(ctx):
    html = report.mediation_track_record(ctx).html
    assert "2016" not in html
    assert ">Sources</th>" in html and ">2 documents</td>" in html


def test_window_keeps_documents_and_events_of_its_years(corpus):
    windowed = make_context(corpus, start_year=2016, end_year=2022)
    assert windowed.window_doc_ids == {"b-1"}
    assert sorted(windowed.events["year"]) == [2016, 2019]  # the 2016 one is negated
    assert windowed.event_clusters["cluster_id"].tolist() == [3]
    assert "<strong>Window:</strong> 2016–2022" in report.title_block(windowed).html


def test_window_before_any_publication_still_dates_events(corpus):
    early = make_context(corpus, start_year=2012, end_year=2014)
    assert early.window_doc_ids == frozenset()
    judgments = report.key_judgments(early).html
    assert "North Korea is a party to 2 of the 2 events" in judgments
    assert "in 2 of 3 documents" in judgments and "of 0 documents" not in judgments
    assert report.soft_power_assets(early).html.startswith('<p class="no-data">')
    assert "Source: 2 documents published 2015–2021" in report.mediation_track_record(early).html


def test_title_block_lists_changed_parameters(corpus):
    html = report.title_block(make_context(corpus, focus="JPN", params={"top_nodes": 5})).html
    assert "<code>focus</code> = JPN" in html and "<code>top_nodes</code> = 5" in html
    assert "3 documents (2 articles and 1 headline ticker)" in html


def test_numbers_table_values_appear_in_their_sentences(ctx):
    html = report.by_the_numbers(ctx).html
    rows = re.findall(r"<tr><td[^>]*>(.*?)</td>.*?<q>(.*?)</q>", html)
    assert [value for value, _ in rows] == ["$13.84 billion", "89%"]
    for value, sentence in rows:
        digits = re.sub(r"[^0-9.]", "", value)
        assert digits in re.sub(r"[^0-9. ]", "", sentence)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((13.84e9, "USD", "money", "USD"), "$13.84 billion"),
        ((266e6, "USD", "money", "USD"), "$266 million"),
        ((48185.0, "people", "count", None), "48,185 people"),
        ((11.7, "percent", "percent", None), "11.7%"),
        ((100 / 3, "%", "percent", None), "33.3%"),
        ((26.0, "rank", "rank", None), "26th"),
        ((350000.0, "MNT", "money", "MNT"), "₮350,000"),
    ],
)
def test_format_figure(args, expected):
    value, unit, quantity, currency = args
    assert format_figure(value, unit=unit, quantity=quantity, currency=currency) == expected


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("key_judgments", "No judgment meets the evidence threshold"),
        ("mediation_track_record", "No dated events involving Mongolia"),
        ("soft_power_assets", "No passage of the corpus is coded with an asset theme"),
        ("relationship_map", "No two actors are named in the same sentence"),
        ("by_the_numbers", "The corpus states no figures"),
        ("constraints_and_risks", "No passage of the corpus is coded with a constraint theme"),
        ("news_pulse", "The corpus has no headline ticker."),
    ],
)
def test_sections_without_data_say_so_in_one_line(name, message):
    bare = make_context(build_corpus(with_ticker=False, empty_tables=True))
    html = getattr(report, name)(bare).html
    assert html == f'<p class="no-data">{message}' + html.split(message, 1)[1]
    assert html.count("<p") == 1 and "<img" not in html


def test_news_pulse_shows_transliteration_and_flags(ctx):
    html = report.news_pulse(ctx).html
    assert "MONGOL ULS YAPONTOI GEREE BAIGUULAV" in html
    assert "third neighbour" in html and "region" in html
    assert "Third neighbour" in html  # topic from the headline coding


def test_news_pulse_flags_follow_the_focus(corpus):
    html = report.news_pulse(make_context(corpus, focus="JPN")).html
    assert "focus (Japan)" in html


def test_accuracy_not_available_without_evaluation(ctx):
    assert "Extraction accuracy: not available" in report.sources_and_method(ctx).html


def test_accuracy_table_from_evaluation(corpus):
    scores = pd.DataFrame({"table": ["mentions"], "precision": [0.9], "recall": [0.8]})
    html = report.sources_and_method(report.context(corpus, evaluation=scores)).html
    assert ">mentions</td>" in html and ">0.90</td>" in html


def test_how_sources_differ_computes_framing(ctx):
    html = report.how_sources_differ(ctx).html
    # a-1 (2015): 1 asset, 1 constraint passage; b-1 (2021): 1 asset, 2 constraints; the
    # ticker t-1 (2024, 1 asset passage) does not count: only articles frame an argument.
    assert "Constraints make up 50%" in html and "67% in those published 2021" in html
    assert "the later documents dwell more on constraints" in html


def test_how_sources_differ_shows_the_most_coded_documents_when_there_are_many(corpus):
    # coded passages: b-1 (D2) 3, a-1 (D1) 2, t-1 (D3) 1 (see the comment above)
    html = report.how_sources_differ(make_context(corpus, params={"max_profile_documents": 1})).html
    table = re.search(r'<table class="[^"]*profiles.*?</table>', html, re.S).group(0)
    assert re.findall(r"<tr><td[^>]*>(D\d)</td>", table) == ["D2"]
    assert "show the 1 of the 3 documents with the most coded passages." in html
    everyone = report.how_sources_differ(make_context(corpus)).html
    assert "documents with the most coded passages" not in everyone


def with_citations(rows: list[tuple[str, str | None, str | None, str | None]]) -> Corpus:
    """The test corpus citing ``rows`` of (doc_id, doi, url, title)."""
    corpus = build_corpus()
    corpus.__dict__["citations"] = conform(
        [
            {
                "doc_id": doc_id,
                "sent_id": None,
                "start": 0,
                "end": 5,
                "marker": None,
                "authors": None,
                "year": None,
                "title": title,
                "container": None,
                "url": url,
                "doi": doi,
                "raw": title or "raw",
            }
            for doc_id, doi, url, title in rows
        ],
        "citations",
    )
    return corpus


CITED = [  # a-1 is D1, b-1 is D2
    ("a-1", None, None, "Third neighbour policy"),
    ("a-1", "10.1/ABC", None, "Mongolia and the DPRK"),
    ("a-1", None, "https://kei.org/ulaanbaatar-dialogue", "The Ulaanbaatar Dialogue"),
    ("b-1", "10.1/abc", None, "Mongolia & the D.P.R.K."),  # the second work again, by its DOI
    ("b-1", None, "http://www.kei.org/ulaanbaatar-dialogue/", "UB Dialogue"),  # the third
]


def test_passages_are_labelled_by_document_paragraph_and_sentence():
    from mongolia_analysis.sections.context import label_passages

    sentences = pd.DataFrame(
        {  # out of order on purpose; b's second row has no paragraph
            "doc_id": ["b", "a", "a", "b", "a", "a"],
            "para_id": pd.array([4, 7, 2, pd.NA, 2, 9], dtype="Int64"),
            "sent_id": pd.array([0, 3, 1, 1, 0, 5], dtype="Int64"),
        }
    )
    assert label_passages(sentences, {"a": "D1", "b": "D2"}) == {
        ("a", 0): "D1 ¶1.1",  # a's paragraphs 2, 7 and 9 are its first, second and third
        ("a", 1): "D1 ¶1.2",
        ("a", 3): "D1 ¶2",
        ("a", 5): "D1 ¶3",
        ("b", 0): "D2 ¶1",
    }


def test_works_cited_are_listed_by_document_up_to_the_limit():
    html = report.sources_and_method(make_context(with_citations(CITED))).html
    assert "D1 cites 3 works:" in html and "D2 cites 2 works:" in html
    assert "cited by the most documents" not in html


def test_beyond_the_limit_the_works_cited_by_the_most_documents_are_listed():
    params = {"min_passages": 2, "max_cited_works": 2}
    html = report.sources_and_method(make_context(with_citations(CITED), params=params)).html
    assert "The documents cite 5 works, 3 of them distinct. The 2 cited by the most" in html
    works = re.search(r"<ol class='works'>(.*?)</ol>", html, re.S).group(1)
    items = re.findall(r"<li>(.*?)</li>", works)
    assert len(items) == 2 and "cites 3 works" not in html
    # both works cited twice, in the order D1 first cites them; the first title as written
    assert "Mongolia and the DPRK" in items[0] and "Cited by D1, D2." in items[0]
    assert "The Ulaanbaatar Dialogue" in items[1] and "Cited by D1, D2." in items[1]


def test_asset_heatmap_shows_the_most_coded_documents_when_there_are_many(corpus):
    html = report.soft_power_assets(make_context(corpus, params={"max_heatmap_documents": 2})).html
    assert "3 passages in 3 documents are coded" in html  # the lead still counts them all
    assert "The figure shows the 2 of the 3 documents with the most coded passages." in html
    assert "across 2 documents" in html  # the figure's alt text


def test_news_pulse_lists_the_most_recent_items_and_counts_by_month_when_there_are_many(corpus):
    # the ticker t-1: an English item of 2024-12-20 and a Mongolian one of 2024-12-19, both
    # naming Japan (a third neighbour)
    html = report.news_pulse(make_context(corpus, params={"max_headline_rows": 1})).html
    assert "<h3>Headlines by month</h3>" in html and "<h3>Headlines by date</h3>" not in html
    flagged = html[html.index("<h3>Items naming") :]
    assert "<p>The 1 most recent of 2.</p>" in flagged
    assert "FORGE DEFENSE PACT" in flagged and "ЯПОНТОЙ" not in flagged
    everything = report.news_pulse(make_context(corpus)).html
    assert "<h3>Headlines by date</h3>" in everything and "most recent of" not in everything


def test_figures_carry_alt_text_and_source(ctx):
    for name in ("mediation_track_record", "soft_power_assets", "relationship_map"):
        html = getattr(report, name)(ctx).html
        assert re.search(r'<img src="data:image/png;base64,[^"]+" alt="[^"]{20,}">', html)
        assert '<figcaption class="source">Source: ' in html


def test_bad_window_is_refused(corpus):
    from mongolia_analysis.errors import ParameterError

    with pytest.raises(ParameterError):
        report.context(corpus, start_year=2020, end_year=2010)


# -- the settings file ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("limits: {top_nodes: -1}", "non-negative integers"),
        ("third_neighbours: {MNG: USA}", "'third_neighbours' must map a subject id"),
        ("judgments: {leading_assets: x}", "lacks template(s)"),
        ("[1, 2]", "expected a mapping"),
    ],
)
def test_bad_settings_name_the_file_and_entry(tmp_path, text, message):
    from mongolia_analysis.errors import DataFileError
    from mongolia_analysis.sections.context import load_settings

    path = tmp_path / "report.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError, match=re.escape(message)) as error:
        load_settings(path)
    assert str(path) in str(error.value)


def test_codebook_entries_are_read_from_a_tuple_of_codes():
    from mongolia_analysis.sections.context import code_infos

    book = SimpleNamespace(codes=(
        SimpleNamespace(id="NEUTRALITY", label="Neutrality", definition="Equidistance.",
                        kind="asset", nye_source="foreign_policy"),
        SimpleNamespace(id="SANCTIONS", label="Sanctions", definition="Sanctions regimes.",
                        kind="constraint", nye_source=None),
    ))  # fmt: skip
    infos = code_infos(book)
    assert infos["NEUTRALITY"].kind == "asset" and infos["SANCTIONS"].nye_source == ""


# -- the seed documents ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def seeds_ctx(seeds_corpus):
    return report.context(seeds_corpus, build_date=date(2025, 1, 2), evaluation=pd.DataFrame())


def test_seed_brief_has_every_section_and_resolves_every_link(seeds_ctx):
    markup = whole_brief(seeds_ctx)
    assert markup.count('class="brief-section"><h2>') == len(SECTIONS)
    targets = set(re.findall(r'href="#(src-[^"]+)"', markup))
    assert targets and targets <= set(re.findall(r'id="(src-[^"]+)"', markup))


@pytest.mark.parametrize(
    "figure",
    # read in the seeds: "$13.84 billion" (thediplomat), "$266 million" (trade with South
    # Korea, 2019), "11.7 percent" (GDP growth 2013, Brookings)
    ["$13.84 billion", "$266 million", "11.7%"],
)
def test_seed_numbers_are_shown_with_their_sentences(seeds_ctx, figure):
    html = report.by_the_numbers(seeds_ctx).html
    row = next(r for r in html.split("<tr>") if f">{figure}</td>" in r)
    marked = re.search(r"<mark>(.*?)</mark>", row).group(1)
    digits = re.sub(r"[^0-9.]", "", figure)
    assert digits in marked.replace(",", "")


def test_seed_timeline_marks_the_hosted_japan_dprk_talks(seeds_corpus):
    # 001 and 003: Mongolia hosted Japanese and North Korean officials in 2007 and 2012
    from mongolia_analysis.sections.track_record import happenings

    rows = happenings(report.context(seeds_corpus, focus="JPN", evaluation=pd.DataFrame()))
    talks = rows[rows["year"].isin([2007, 2012]) & rows["highlight"] & rows["hosted"]]
    assert set(talks["year"]) == {2007, 2012}


def test_a_limit_given_in_params_must_be_a_count(corpus):
    from mongolia_analysis.errors import ParameterError

    with pytest.raises(ParameterError, match="top_nodes"):
        report.relationship_map(make_context(corpus, params={"top_nodes": "ten"}))


def test_unknown_focus_falls_back_to_its_id(corpus):
    html = report.title_block(make_context(corpus, focus="XYZ")).html
    assert "centred on XYZ" in html
