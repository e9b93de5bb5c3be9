"""The result cache: what loading and extraction find again, and what makes them work again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import mongolia_analysis.corpus as corpus_module
import mongolia_analysis.loading as loading_module
from mongolia_analysis import InputError, load_corpus
from mongolia_analysis.cache import ResultCache, digest_of

DEV_CORPUS = Path(__file__).parent / "dev_corpus"
#: Every table the cache feeds, directly or through the tables built from them.
TABLES = (
    "documents",
    "sentences",
    "headlines",
    "mentions",
    "events",
    "figures",
    "codings",
    "citations",
    "cooccurrence",
    "event_clusters",
    "code_matrix",
)

ARTICLE = (
    "Mongolia and the Koreas\n\nUlaanbaatar hosted talks between Japan and North Korea in "
    "2014. Mongolia offered its good offices again in 2018, and trade rose by 12 percent. "
    "Last year, Ulaanbaatar hosted a security forum with South Korea.\n"
)
OTHER = "A second piece\n\nSeoul and Ulaanbaatar signed a strategic partnership in 2021.\n"


def assert_same_tables(got, expected, names=TABLES) -> None:
    for name in names:
        pd.testing.assert_frame_equal(getattr(got, name), getattr(expected, name), obj=name)
        assert getattr(got, name).attrs == getattr(expected, name).attrs, name


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    target.mkdir()
    (target / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (target / "b.txt").write_text(OTHER, encoding="utf-8")
    return target


@pytest.fixture()
def calls(monkeypatch) -> dict[str, list]:
    """The files parsed and the extraction runs made (task, documents), as they happen."""
    seen: dict[str, list] = {"parsed": [], "extracted": []}
    parse, extract = loading_module.parse_file, corpus_module._extract

    def counting_parse(text):
        seen["parsed"].append(text[:20])
        return parse(text)

    def counting_extract(task, tables, **tools):
        seen["extracted"].append((task, sorted(set(tables["sentences"]["doc_id"]))))
        return extract(task, tables, **tools)

    monkeypatch.setattr(loading_module, "parse_file", counting_parse)
    monkeypatch.setattr(corpus_module, "_extract", counting_extract)
    return seen


# -- the store ------------------------------------------------------------------------------
def test_a_stored_result_is_found_under_its_key_only(tmp_path):
    store = ResultCache(tmp_path / "cache", producer="p1")
    key = store.key("mentions", "content")
    store.put("mentions", key, {"rows": [1, 2]})
    assert store.get("mentions", key) == {"rows": [1, 2]}
    assert store.get("events", key) is None  # another kind
    assert store.get("mentions", store.key("mentions", "other content")) is None
    assert ResultCache(tmp_path / "cache", producer="p2").key("mentions", "content") != key
    assert not list((tmp_path / "cache").rglob("*.part"))  # no temporary file left


def test_a_damaged_entry_is_a_miss_and_a_refreshing_cache_reads_nothing(tmp_path):
    store = ResultCache(tmp_path, producer="p")
    store.put("parsed", "ab12", [1])
    entry = next(tmp_path.rglob("ab12.pickle"))
    entry.write_bytes(b"not a pickle")
    assert store.get("parsed", "ab12") is None
    refreshing = ResultCache(tmp_path, producer="p", refresh=True)
    refreshing.put("parsed", "ab12", [2])
    assert refreshing.get("parsed", "ab12") is None
    assert store.get("parsed", "ab12") == [2]  # written all the same


def test_a_cache_that_cannot_be_written_costs_time_not_an_error(tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    store = ResultCache(blocked, producer="p")
    store.put("parsed", "cd34", [1])  # no error
    assert store.get("parsed", "cd34") is None


def test_digest_ignores_key_order_but_not_values():
    assert digest_of({"a": 1, "b": [None]}) == digest_of({"b": [None], "a": 1})
    assert digest_of({"a": 1}) != digest_of({"a": 2})


# -- loading and extraction with a cache ----------------------------------------------------
@pytest.mark.parametrize("workers", [1, 2])
def test_tables_with_a_cache_are_the_tables_without_one(tmp_path, workers):
    expected = load_corpus(DEV_CORPUS, workers=1)
    cold = load_corpus(DEV_CORPUS, workers=workers, cache=tmp_path / "cache")
    assert_same_tables(cold, expected)
    warm = load_corpus(DEV_CORPUS, workers=workers, cache=tmp_path / "cache")
    assert_same_tables(warm, expected)


def test_an_unchanged_corpus_is_neither_parsed_nor_extracted_again(folder, tmp_path, calls):
    first = load_corpus(folder, cache=tmp_path / "cache")
    first.tables()
    assert len(calls["parsed"]) == 2
    assert {task for task, _ in calls["extracted"]} == {"mentions", "events", "figures", "codings"}
    calls["parsed"].clear()
    calls["extracted"].clear()
    again = load_corpus(folder, cache=tmp_path / "cache")
    assert_same_tables(again, first)
    assert calls == {"parsed": [], "extracted": []}


def test_only_a_changed_file_is_parsed_and_extracted_again(folder, tmp_path, calls):
    load_corpus(folder, cache=tmp_path / "cache").tables()
    (folder / "b.txt").write_text(OTHER.replace("2021", "2022"), encoding="utf-8")
    calls["parsed"].clear()
    calls["extracted"].clear()
    changed = load_corpus(folder, cache=tmp_path / "cache")
    changed.tables()
    assert calls["parsed"] == [OTHER[:20]]
    assert {tuple(docs) for _, docs in calls["extracted"]} == {("b-1",)}
    assert_same_tables(changed, load_corpus(folder))
    assert "2022" in changed.events["date"].dropna().tolist()


def test_a_new_gazetteer_or_catalog_is_not_answered_from_the_cache(folder, tmp_path):
    cache = tmp_path / "cache"
    load_corpus(folder, cache=cache).tables()
    gazetteer = tmp_path / "extra.yaml"
    gazetteer.write_text(
        "entities:\n  - {id: F_GOOD, type: forum, name: Good offices, aliases: [good offices]}\n",
        encoding="utf-8",
    )
    mentions = load_corpus(folder, cache=cache, gazetteer=gazetteer).mentions
    assert "F_GOOD" in set(mentions["entity_id"])
    (folder / "catalog.csv").write_text("source_file,published\na.txt,2019-05-02\n")
    events = load_corpus(folder, cache=cache).events
    pd.testing.assert_frame_equal(events, load_corpus(folder).events)
    # "Last year" is dated from the catalog's publication date, which the text lacks
    assert ("a-1", 2018, "forum") in set(
        zip(events["doc_id"], events["year"], events["event_type"], strict=True)
    )


# -- raw texts, read again from the files ---------------------------------------------------
def test_raw_text_is_read_again_and_a_changed_file_is_reported(folder):
    loaded = load_corpus(folder)
    assert loaded.raw_text("a-1") == ARTICLE.strip()
    (folder / "a.txt").write_text(ARTICLE.replace("2014", "2015"), encoding="utf-8")
    assert loaded.raw_text("b-1") == OTHER.strip()  # the other file is as it was
    with pytest.raises(InputError, match=r"a\.txt: the file has changed since the corpus"):
        loaded.raw_text("a-1")
    shutil.rmtree(folder)
    with pytest.raises(InputError, match=r"b\.txt: cannot read the file again"):
        loaded.raw_text("b-1")
