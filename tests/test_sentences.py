"""Sentence splitting: abbreviations, initials, footnote markers, quotes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mongolia_analysis.sentences import split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mongolia hosted talks. Japan attended.", ["Mongolia hosted talks.", "Japan attended."]),
        ("The U.S. envoy arrived. He left.", ["The U.S. envoy arrived.", "He left."]),
        ("Dr. Batbayar spoke. No. 5 was next.", ["Dr. Batbayar spoke.", "No. 5 was next."]),
        ("It met in Jan. 2015 in Seoul. Done.", ["It met in Jan. 2015 in Seoul.", "Done."]),
        ("L. Oyun-Erdene met O. Mashbat. Then?", ["L. Oyun-Erdene met O. Mashbat.", "Then?"]),
        ("Ts. Elbegdorj visited. It rained.", ["Ts. Elbegdorj visited.", "It rained."]),
        ("Trade fell.4 Exports rose.", ["Trade fell.4", "Exports rose."]),
        ("Trade fell.[1] Exports rose.", ["Trade fell.[1]", "Exports rose."]),
        ("It said “no.”[2][TS1] [TS2] Both came.", ["It said “no.”[2][TS1] [TS2]", "Both came."]),
        ("He asked “why?” Nobody knew.", ["He asked “why?”", "Nobody knew."]),
        ("GDP grew 11.7 percent. Good.", ["GDP grew 11.7 percent.", "Good."]),
        ("Talks (in 2014.) Then more.", ["Talks (in 2014.)", "Then more."]),
        ("Л.ОЮУН-ЭРДЭНЭ ХЭЛЭВ. ДАРАА НЬ.", ["Л.ОЮУН-ЭРДЭНЭ ХЭЛЭВ.", "ДАРАА НЬ."]),
        ("Нийтэлсэн: 2024.06.04 10:25", ["Нийтэлсэн: 2024.06.04 10:25"]),  # a dotted date
        ("e.g. this stays whole.", ["e.g. this stays whole."]),
        ("", []),
    ],
)
def test_split_sentences(text, expected):
    assert [span.text for span in split_sentences(text)] == expected


@given(st.text(max_size=400))
def test_spans_slice_back_and_do_not_overlap(text):
    spans = split_sentences(text)
    previous_end = 0
    for span in spans:
        assert text[span.start : span.end] == span.text
        assert span.start >= previous_end and span.text.strip() == span.text
        previous_end = span.end
