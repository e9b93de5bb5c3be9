"""Small pure helpers on strings: spans, cleaning, script and language detection."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of a text: ``text == source[start:end]``."""

    start: int
    end: int
    text: str


#: Zero-width and bidirectional control characters: invisible, and able to reorder what a
#: reader sees; removed from the clean text.
RE_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
RE_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Spaces other than " " that cleaning makes one (a line break is no space here).
OTHER_SPACES = "\t\u00a0" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000"
#: Runs of spaces, and single spaces of other kinds (a lone " " needs no replacing).
RE_SPACES = re.compile(f"[ {OTHER_SPACES}]{{2,}}|[{OTHER_SPACES}]")
RE_SPACE_RUN = re.compile(" {2,}")
#: Bytes that are not an ASCII letter, and UTF-8 bytes that do not open a Cyrillic character
#: (U+0400-U+04FF are exactly the characters whose UTF-8 form starts with 0xD0-0xD3, a byte
#: that is never the continuation of another character): deleting them from a text's bytes
#: leaves one byte per letter to count, in C, without a match object per word.
NOT_LATIN_BYTES = bytes(b for b in range(256) if not (65 <= b <= 90 or 97 <= b <= 122))
NOT_CYRILLIC_LEAD_BYTES = bytes(b for b in range(256) if not 0xD0 <= b <= 0xD3)
#: Mongolian, not Russian: the letters ө/ү, long vowels Russian does not write (аа, ээ, уу),
#: or frequent Mongolian function words.
RE_MONGOLIAN_LETTERS = re.compile(
    r"[өүӨҮ]|аа|ээ|уу|\b(?:байна|болон|нь|юм|онд|оны|улсын)\b", re.IGNORECASE
)
RE_WORD = re.compile(r"\w+(?:[-’']\w+)*")
ENGLISH_MARKERS = frozenset(
    (
        "the",
        "and",
        "of",
        "to",
        "in",
        "is",
        "was",
        "for",
        "that",
        "with",
        "on",
        "as",
        "by",
        "are",
        "from",
        "has",
        "have",
        "not",
        "this",
        "it",
    )
)
#: English prose has a function word in every four or five words; other languages that share
#: one ("on" in French, "in" in German) have far fewer.
ENGLISH_SHARE = 0.08
#: Language is judged on the first characters of a text (enough, and cheap on a huge file).
LANGUAGE_SAMPLE = 100_000
#: Words looked up at a time when counting English function words.
WORDS_SLICE = 1024


def clean_line(line: str) -> str:
    """Normalise one line: NFC, no invisible or control characters, single spaces, stripped.

    >>> clean_line("  Ulaan\\u200bbaatar\\u00a0 Dialogue\\t")
    'Ulaanbaatar Dialogue'
    """
    if not line.isascii():  # ASCII is its own NFC form and holds no invisible character
        line = RE_INVISIBLE.sub("", unicodedata.normalize("NFC", line))
    return collapse_spaces(RE_CONTROL.sub(" ", line)).strip()


def collapse_spaces(text: str) -> str:
    """``RE_SPACES.sub(" ", text)``: every run of spaces of any kind becomes one " ". Found
    with string searches, which skip ahead where the pattern would try every character.

    >>> collapse_spaces("Ulaan\\u00a0 baatar  Dialogue\\t2014")
    'Ulaan baatar Dialogue 2014'
    """
    for char in "\t" if text.isascii() else OTHER_SPACES:
        if char in text:
            text = text.replace(char, " ")
    return RE_SPACE_RUN.sub(" ", text) if "  " in text else text


def clean_lines(text: str) -> list[str]:
    """``[clean_line(line) for line in text.split("\\n")]``, each pattern run once over the
    whole text: none of them matches a line break, and NFC never composes across one.

    >>> clean_lines(" Ulaan\\u200bbaatar \\n\\tDialogue\\u00a0 2014")
    ['Ulaanbaatar', 'Dialogue 2014']
    """
    if not text.isascii():
        text = RE_INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    text = collapse_spaces(RE_CONTROL.sub(" ", text))
    return [line.strip() for line in text.split("\n")]


def detect_language(text: str) -> str:
    """'mn' (Cyrillic with ө/ү), 'ru' (other Cyrillic), 'en', or 'und' when unsure.

    >>> detect_language("ХУРИМТЛАЛЫН САНГИЙН ОРЛОГО ӨСЛӨӨ"), detect_language("Президент России")
    ('mn', 'ru')
    >>> detect_language("Mongolia and the Koreas"), detect_language("12345")
    ('en', 'und')
    >>> detect_language("PROGRESSIVE EQUITY RESEARCH: 2025 ОН “PETRO MATAD” КОМПАНИД ЭЭЛТЭЙ БАЙНА")
    'mn'
    >>> detect_language("Le président de la Mongolie a reçu les délégués, on dit à Oulan-Bator.")
    'und'
    """
    return _language(text[:LANGUAGE_SAMPLE])


def language_and_word_count(text: str) -> tuple[str, int]:
    """``(detect_language(text), count_words(text))``, the words found once when the
    language is judged on the whole text.

    >>> language_and_word_count("Mongolia and the Koreas")
    ('en', 4)
    """
    words = RE_WORD.findall(text)
    if len(text) > LANGUAGE_SAMPLE:
        return detect_language(text), len(words)
    return _language(text, words), len(words)


def _language(text: str, words: list[str] | None = None) -> str:
    """The language of ``text`` (already cut to the sample); ``words``: its words, if found."""
    cyrillic = count_cyrillic(text)
    latin = count_latin(text)
    if cyrillic == 0 and latin == 0:
        return "und"
    if cyrillic >= 0.3 * (cyrillic + latin):  # Latin names inside Cyrillic text are common
        return "mn" if RE_MONGOLIAN_LETTERS.search(text) else "ru"
    if words is None:
        words = RE_WORD.findall(text)
    if not words:
        return "und"
    if _english_hits_reach(words, ENGLISH_SHARE * len(words)) or (
        len(words) <= 12 and text.isupper()
    ):
        return "en"
    return "und"


def _english_hits_reach(words: list[str], needed: float) -> bool:
    """Whether at least one and at least ``needed`` of ``words`` are English function words,
    counted a slice at a time until the answer is known (in English prose, early on)."""
    hits = 0
    for begin in range(0, len(words), WORDS_SLICE):
        hits += sum(
            map(ENGLISH_MARKERS.__contains__, map(str.lower, words[begin : begin + WORDS_SLICE]))
        )
        if hits and hits >= needed:
            return True
    return False


def count_cyrillic(text: str) -> int:
    """Number of characters in the Cyrillic block (U+0400-U+04FF).

    >>> count_cyrillic("Улаанбаатар (Ulaanbaatar), Ө")
    12
    """
    data = text.encode("utf-8", "surrogatepass")
    return len(data.translate(None, NOT_CYRILLIC_LEAD_BYTES))


def count_latin(text: str) -> int:
    """Number of ASCII letters (A-Z, a-z).

    >>> count_latin("Ulaanbaatar, Улаанбаатар, 2024")
    11
    """
    return len(text.encode("ascii", "ignore").translate(None, NOT_LATIN_BYTES))


def count_words(text: str) -> int:
    """Number of words.

    >>> count_words("Mongolia’s third-neighbor policy, since 1990.")
    5
    """
    return len(RE_WORD.findall(text))
