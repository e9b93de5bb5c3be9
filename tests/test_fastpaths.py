"""The fast paths give what the plain ones give: same strings, same rows, same tables."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mongolia_analysis.corpus as corpus_module
import mongolia_analysis.loading as loading_module
import mongolia_analysis.metadata as metadata_module
import mongolia_analysis.sentences as sentences_module
import mongolia_analysis.text as text_module
from mongolia_analysis import load_corpus, schema
from mongolia_analysis.gazetteer import FOLD_PAIRS, FOLD_TABLE, fold_text
from mongolia_analysis.paths import SEEDS_DIR
from mongolia_analysis.themes import NORMALIZE_PAIRS, NORMALIZE_TABLE

SPECIAL = "".join(chr(c) for c in [*FOLD_TABLE, *NORMALIZE_TABLE])
TEXT = st.text(alphabet=st.sampled_from(SPECIAL + "aZ ’-Ж\u0130")) | st.text()


@pytest.mark.parametrize(
    ("pairs", "table"), [(FOLD_PAIRS, FOLD_TABLE), (NORMALIZE_PAIRS, NORMALIZE_TABLE)]
)
def test_replacement_pairs_replace_no_replacement(pairs, table) -> None:
    assert {chr(c) for c in table} == {old for old, _ in pairs}
    assert not {new for _, new in pairs} & {old for old, _ in pairs}


@given(TEXT)
def test_fold_text_is_the_translation(text: str) -> None:
    assert fold_text(text) == text.translate(FOLD_TABLE)


FRAME = pd.DataFrame(
    {
        "s": pd.array(["a", None, "a"], dtype="string"),
        "i": pd.array([1, None, 3], dtype="Int64"),
        "f": pd.array([1.5, None, 2.0], dtype="Float64"),
        "b": pd.array([True, None, False], dtype="boolean"),
        "o": pd.Series([("x",), None, ()], dtype=object),
        "n": [1.0, float("nan"), 2.0],
    }
)


def test_records_are_to_dict_records() -> None:
    # repr: NaN is not equal to itself
    assert repr(schema.records(FRAME)) == repr(FRAME.to_dict("records"))
    assert schema.records(FRAME, ["s", "i"]) == FRAME[["s", "i"]].to_dict("records")


@pytest.mark.parametrize("column", list(FRAME.columns))
def test_shared_values_are_the_values(column: str) -> None:
    plain = schema.values(FRAME, column)
    shared = schema.values(FRAME, column, shared=True)
    assert [type(v) for v in plain] == [type(v) for v in shared]
    assert [repr(v) for v in plain] == [repr(v) for v in shared]


def test_row_batches_give_one_table() -> None:
    rows = [("a.txt", "empty"), ("b.txt", None), ("c.txt", "x")]
    batches = schema.RowBatches("skipped", ("source_file", "reason"), size=2)
    batches.extend(rows[:1])
    batches.extend(rows[1:])
    expected = schema.conform([{"source_file": f, "reason": r} for f, r in rows], "skipped")
    pd.testing.assert_frame_equal(batches.frame(), expected)


def _tables(path, **options) -> dict[str, pd.DataFrame]:
    corpus = load_corpus(path, **options)
    tables = corpus.tables()
    tables["code_cooccurrence"] = corpus.code_cooccurrence
    tables["texts"] = pd.DataFrame({"text": [corpus.text(d) for d in corpus.documents["doc_id"]]})
    return tables


@pytest.mark.parametrize("workers", [2, 1], ids=["two processes", "one process"])
@pytest.mark.parametrize("folder", [SEEDS_DIR, SEEDS_DIR.parent / "tests" / "dev_corpus"])
def test_pieces_and_processes_change_no_table(folder, workers, monkeypatch) -> None:
    """Streamed loading in tiny batches, extraction a few documents at a time, in two
    processes or in one: the same tables as in one piece."""
    expected = _tables(folder, workers=1)
    monkeypatch.setattr(loading_module, "BATCH_CHARS", 50)
    monkeypatch.setattr(loading_module, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(corpus_module, "PARALLEL_MIN_CHARS", 1)
    monkeypatch.setattr(corpus_module, "PIECE_CHARS", 5_000)  # several documents a piece
    monkeypatch.setitem(schema.RowBatches.__init__.__kwdefaults__, "size", 3)
    found = _tables(folder, workers=workers)
    assert set(found) == set(expected)
    for name, frame in expected.items():
        pd.testing.assert_frame_equal(found[name], frame, check_exact=True, obj=name)


@given(TEXT)
def test_letter_counts_are_the_regex_counts(text: str) -> None:
    assert text_module.count_cyrillic(text) == len(re.findall("[\u0400-\u04ff]", text))
    assert text_module.count_latin(text) == len(re.findall("[A-Za-z]", text))


@given(TEXT | st.text(alphabet=st.sampled_from("the and Ө of x ")))
def test_language_and_word_count_are_the_two_functions(text: str) -> None:
    expected = (text_module.detect_language(text), text_module.count_words(text))
    assert text_module.language_and_word_count(text) == expected


#: Combining marks and Hangul jamo next to line breaks, spaces and invisible characters.
LINES = st.text(alphabet=st.sampled_from("e\u0301\u0308\u1100\u1161\u11a8\n \t\u00a0\u200b\x0bA"))


@given(TEXT | LINES)
def test_clean_lines_are_the_lines_cleaned(text: str) -> None:
    expected = [text_module.clean_line(line) for line in text.split("\n")]
    assert text_module.clean_lines(text) == expected


@given(TEXT | LINES | st.text(alphabet=st.sampled_from(" \t\u00a0\u2000\u200a\u3000x\n")))
def test_collapse_spaces_is_the_pattern(text: str) -> None:
    assert text_module.collapse_spaces(text) == text_module.RE_SPACES.sub(" ", text)


#: RE_BOUNDARY as it was written first, with its look-behind in front.
RE_BOUNDARY_PLAIN = re.compile(
    r"""(?<![.!?…])(?P<end>[.!?…]+)
        (?P<close>["”’')\]»]*)
        (?P<notes>(?:\[[^\]\s]{1,8}\]\s?|\d{1,3}\)?(?=\s))*)
        (?P<space>\s+)
        (?=[\"“‘'(\[«*]*[A-ZА-ЯЁӨҮ0-9])
    """,
    re.VERBOSE,
)


@given(st.text(alphabet=st.sampled_from('.!?…"”’)[]1 2aAЖ(«\n')))
def test_sentence_boundaries_are_the_plain_pattern(text: str) -> None:
    found = [(m.span(), m.groupdict()) for m in sentences_module.RE_BOUNDARY.finditer(text)]
    assert found == [(m.span(), m.groupdict()) for m in RE_BOUNDARY_PLAIN.finditer(text)]


@given(st.lists(st.sampled_from(["the", "The", "of", "Mongolia", "x", "ӨС"])), st.floats(0, 50))
def test_english_hits_reach_is_the_plain_count(words: list[str], needed: float) -> None:
    hits = sum(word.lower() in text_module.ENGLISH_MARKERS for word in words)
    assert text_module._english_hits_reach(words, needed) == bool(hits and hits >= needed)


DATE_PATTERNS = [
    metadata_module.RE_ISO_DATE,
    metadata_module.RE_MONTH_DAY_YEAR,
    metadata_module.RE_DAY_MONTH_YEAR,
    metadata_module.RE_MONGOLIAN_DATE,
    metadata_module.RE_MONTH_YEAR,
]


@given(TEXT | st.text(alphabet=st.sampled_from("2024 March-/.оны сарын 15\u0662")))
def test_a_date_needs_four_digits(text: str) -> None:
    if not metadata_module.RE_FOUR_DIGITS.search(text):
        assert not any(pattern.search(text) for pattern in DATE_PATTERNS)
