"""Synthetic corpora for the benchmarks, generated deterministically from the seeds.

The seeds are cut into pools (article paragraphs, section headings, titles, reference entries,
English and Mongolian ticker items, page boilerplate). Each generated file recombines them:

- an article: a title, a byline/date line in one of several site layouts, 5–35 body
  paragraphs drawn from ALL seeds and shuffled (half of them seed paragraphs, half new
  paragraphs of 2–7 sentences drawn from all seeds), section headings in between, sometimes
  a reference list and page boilerplate before and after;
- often a headline ticker in front (as in the first seed), sometimes a ticker alone: English
  items re-ranked 1..k and Mongolian items, drawn from the seeds' items, re-dated;
- per file, country and person names are swapped (a random pairing from a list that mixes
  actors the gazetteer knows with ones it does not), years are shifted and figures
  (thousands, decimals, amounts) scaled, so no two documents are the same text.

Everything is driven by ``random.Random(seed)``, so the same arguments give byte-identical
files. Usage::

    python bench/corpus_gen.py --megabytes 10 --seed 10 --out bench/out/corpus/10mb
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parents[1] / "seeds"
GENERATOR_VERSION = "3"

#: Country names as written in prose; a file swaps a few of them pairwise.
COUNTRIES = (
    "Mongolia",
    "North Korea",
    "South Korea",
    "Japan",
    "China",
    "Russia",
    "the United States",
    "Kazakhstan",
    "Vietnam",
    "Germany",
    "Canada",
    "India",
    "Turkey",
    "Singapore",
    "Switzerland",
    "Sweden",
    "Finland",
    "Indonesia",
    "Australia",
    "France",
    "Oman",
    "Iran",
    "Kyrgyzstan",
    "Thailand",
    "Norway",
    "Austria",
    "Poland",
    "Uzbekistan",
)
#: Person names; seed names are swapped with these (some known to the gazetteer, some not).
PEOPLE = (
    "Tsakhiagiin Elbegdorj",
    "Kim Jong-un",
    "Moon Jae-in",
    "Fumio Kishida",
    "Park Geun-hye",
    "Xi Jinping",
    "Juni Kim",
    "Joseph Nye",
    "James Baker",
    "Wang Hongguang",
    "Shinae Hong",
    "Alex Vega",
    "Khaltmaagiin Battulga",
    "Ukhnaagiin Khurelsukh",
    "Shinzo Abe",
    "Yoon Suk-yeol",
    "Lee Jae-myung",
    "Vladimir Putin",
    "Joe Biden",
    "Donald Trump",
    "Luvsannamsrai Oyun-Erdene",
    "Li Qiang",
    "Shigeru Ishiba",
    "Sergey Lavrov",
    "Antony Blinken",
    "Nambaryn Enkhbayar",
    "Batbold Sukhbaatar",
    "Damdin Tsogtbaatar",
    "Battsetseg Batmunkh",
    "Kim Yo-jong",
    "Ri Son-gwon",
    "Chung Eui-yong",
    "Taro Kono",
    "Wang Yi",
    "Mike Pompeo",
    "Maria Schmidt",
    "Erdenebat Jargaltulga",
    "Alicia Campi",
)
AUTHORS = (
    "Juni Kim",
    "Alex Vega",
    "Shinae Hong",
    "Anthony V. Rinna",
    "Alicia Campi",
    "Mendee",
    "Julian Dierkes",
    "Bolor Lkhaajav",
    "Sumiya Chuluunbaatar",
    "Jargalsaikhan Mendee",
    "Sarah Park",
    "Tom Baxter",
    "Enkhjin Batbayar",
    "Laura Chen",
    "David Morgan",
)
#: Mongolian names in ticker style (initial + surname, Latin and Cyrillic capitals).
MN_LATIN = ("L. OYUN-ERDENE", "U. KHURELSUKH", "KH. BATTULGA", "TS. ELBEGDORJ", "G. ZANDANSHATAR")
MN_CYRILLIC = ("Л.ОЮУН-ЭРДЭНЭ", "У.ХҮРЭЛСҮХ", "Х.БАТТУЛГА", "Ц.ЭЛБЭГДОРЖ", "Г.ЗАНДАНШАТАР")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
REFERENCE_HEADINGS = ("References", "Works Cited", "Notes", "Bibliography", "Endnotes")

RE_TICKER_SPLIT = re.compile(r"\s{3,}")
RE_TICKER_EN = re.compile(r"^(\d{1,3}) (.+?) (\S+\.[A-Za-z]{2,6})\s*PUBLISHED:\s*[\d/]{10}$")
RE_TICKER_MN = re.compile(r"^(.+?) (\S+\.[A-Za-z]{2,6})\s*НИЙТЭЛСЭН:\s*[\d/]{10}$")
EN_SEPARATOR, MN_SEPARATOR = "\u00a0 \u00a0 \u00a0 ", " \u00a0\u00a0\u00a0 "
RE_REFERENCE_HEADING = re.compile(r"^(references|works cited|notes|bibliography)\s*:?$", re.I)
RE_NOTE = re.compile(r"^\[\d{1,3}\]\s*\S|^\d{1,3} [A-Z][\w.]* .*“")
RE_NOTE_NUMBER = re.compile(r"^\[\d{1,3}\]\s*|^\d{1,3} (?=[A-Z])")
RE_SENTENCE_BREAK = re.compile(r"(?<=[a-z)”’][.!?])\s+(?=[A-Z“])")
RE_YEAR = re.compile(r"(?<![\d./-])(19[5-9]\d|20[0-2]\d)(?![\d/])")
RE_FIGURE = re.compile(r"(?<![\w.\[/-])(\d{1,3}(?:,\d{3})+|\d+\.\d+|\d{2,3})(?![\w/\]-])")


@dataclass(frozen=True)
class Pools:
    """Text material cut from the seeds."""

    body: tuple[str, ...]
    sentences: tuple[str, ...]
    headings: tuple[str, ...]
    titles: tuple[str, ...]
    references: tuple[str, ...]
    head_boilerplate: tuple[str, ...]
    tail_boilerplate: tuple[str, ...]
    ticker_en: tuple[tuple[str, str], ...]  # (title, site)
    ticker_mn: tuple[tuple[str, str], ...]


def read_pools(seeds_dir: Path = SEEDS_DIR) -> Pools:
    """Cut the seed files into pools (order is the files' order: deterministic)."""
    body, headings, titles, refs, head, tail = [], [], [], [], [], []
    ticker_en, ticker_mn = [], []
    for path in sorted(seeds_dir.glob("*.txt")):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        lines = [line for line in lines if line]
        long_idx = [i for i, line in enumerate(lines) if _is_body(line)]
        first, last = (long_idx[0], long_idx[-1]) if long_idx else (0, len(lines) - 1)
        in_refs = False
        for i, line in enumerate(lines):
            if "PUBLISHED:" in line or "НИЙТЭЛСЭН:" in line:
                for chunk in RE_TICKER_SPLIT.split(line):
                    if found := RE_TICKER_EN.match(chunk):
                        ticker_en.append((found[2], found[3]))
                    elif found := RE_TICKER_MN.match(chunk):
                        ticker_mn.append((found[1], found[2]))
                continue
            if RE_REFERENCE_HEADING.match(line):
                in_refs = True
                continue
            if in_refs or RE_NOTE.match(line) or ("“" in line and "http" in line):
                if len(line) > 25 and ("“" in line or RE_YEAR.search(line)):
                    refs.append(RE_NOTE_NUMBER.sub("", line))
                continue
            if _is_body(line):
                body.append(line)
            elif i < first:
                (titles if _is_heading(line) and len(line) > 25 else head).append(line)
            elif i > last:
                tail.append(line)
            elif _is_heading(line):
                headings.append(line)
    return Pools(
        body=tuple(body),
        sentences=tuple(s for b in body for s in RE_SENTENCE_BREAK.split(b) if len(s) > 30),
        headings=tuple(headings),
        titles=tuple(titles + [h for h in headings if len(h) > 30]),
        references=tuple(refs),
        head_boilerplate=tuple(h for h in head if len(h) < 60),
        tail_boilerplate=tuple(tail),
        ticker_en=tuple(ticker_en),
        ticker_mn=tuple(ticker_mn),
    )


def _is_body(line: str) -> bool:
    return len(line) > 200 and not RE_NOTE.match(line)


def _is_heading(line: str) -> bool:
    return (
        3 <= len(line) <= 100
        and 2 <= len(line.split()) <= 14
        and not line.endswith((".", "!"))
        and "|" not in line
        and not line.lower().startswith(("by ", "by:"))
    )


# -- perturbation ------------------------------------------------------------------------------


def _alternation(names: tuple[str, ...] | list[str]) -> re.Pattern[str]:
    ordered = sorted(set(names), key=lambda n: (-len(n), n))
    return re.compile(r"\b(?:" + "|".join(re.escape(n) for n in ordered) + r")\b")


RE_COUNTRY = _alternation(COUNTRIES)
RE_COUNTRY_CAPS = _alternation([c.upper() for c in COUNTRIES])
RE_PERSON = _alternation(PEOPLE)
RE_MN_LATIN = _alternation(MN_LATIN)
RE_MN_CYRILLIC = re.compile("|".join(re.escape(n) for n in MN_CYRILLIC))


@dataclass(frozen=True)
class Perturbation:
    """One file's changes: name mappings, a year shift, a figure scale."""

    countries: dict[str, str]
    people: dict[str, str]
    mn_names: dict[int, int]
    year_shift: int
    figure_scale: float

    @classmethod
    def draw(cls, rng: random.Random) -> Perturbation:
        countries: dict[str, str] = {}
        for _ in range(rng.randint(1, 4)):
            a, b = rng.sample(COUNTRIES, 2)
            if a not in countries and b not in countries:
                countries[a], countries[b] = b, a
        people: dict[str, str] = {}
        for _ in range(rng.randint(1, 5)):
            a, b = rng.sample(PEOPLE, 2)
            if a not in people and b not in people:
                people[a], people[b] = b, a
        order = list(range(len(MN_LATIN)))
        rng.shuffle(order)
        return cls(
            countries=countries,
            people=people,
            mn_names=dict(enumerate(order)),
            year_shift=rng.randint(-6, 1),
            figure_scale=rng.uniform(0.4, 2.5),
        )

    def apply(self, text: str, rng: random.Random) -> str:
        text = RE_COUNTRY.sub(lambda m: self.countries.get(m[0], m[0]), text)
        caps = {a.upper(): b.upper() for a, b in self.countries.items()}
        text = RE_COUNTRY_CAPS.sub(lambda m: caps.get(m[0], m[0]), text)
        text = RE_PERSON.sub(lambda m: self.people.get(m[0], m[0]), text)
        text = RE_MN_LATIN.sub(lambda m: MN_LATIN[self.mn_names[MN_LATIN.index(m[0])]], text)
        text = RE_MN_CYRILLIC.sub(
            lambda m: MN_CYRILLIC[self.mn_names[MN_CYRILLIC.index(m[0])]], text
        )
        text = RE_YEAR.sub(lambda m: str(min(2025, int(m[0]) + self.year_shift)), text)
        scale = self.figure_scale
        return RE_FIGURE.sub(lambda m: _scale(m[0], scale * rng.uniform(0.8, 1.25)), text)


def _scale(number: str, factor: float) -> str:
    if "," in number:
        return f"{max(1000, round(int(number.replace(',', '')) * factor)):,}"
    if "." in number:
        decimals = len(number.split(".")[1])
        return f"{float(number) * factor:.{decimals}f}"
    value = int(number)
    if 1900 <= value <= 2030 or value < 10:  # a year or a small count: leave it
        return number
    return str(max(10, round(value * factor)))


# -- documents -------------------------------------------------------------------------------


def _date(rng: random.Random) -> tuple[int, int, int]:
    return rng.randint(2008, 2025), rng.randint(1, 12), rng.randint(1, 28)


def make_ticker(pools: Pools, rng: random.Random) -> str:
    """A ticker line: English items ranked 1..k, then Mongolian items, re-dated."""
    year, month, day = _date(rng)
    n_en = rng.randint(4, min(10, len(pools.ticker_en))) if pools.ticker_en else 0
    n_mn = rng.randint(0, min(10, len(pools.ticker_mn))) if pools.ticker_mn else 0
    items = []
    for rank, (title, site) in enumerate(rng.sample(pools.ticker_en, n_en), 1):
        d = max(1, day - rng.randint(0, 1))
        items.append(f"{rank} {title} {site}\u00a0PUBLISHED:{year}/{month:02d}/{d:02d}")
    en = EN_SEPARATOR.join(items)
    mn = MN_SEPARATOR.join(
        f"{title} {site}\u00a0НИЙТЭЛСЭН:{year}/{month:02d}/{max(1, day - rng.randint(0, 1)):02d}"
        for title, site in rng.sample(pools.ticker_mn, n_mn)
    )
    return en + (EN_SEPARATOR + mn if mn else "") + MN_SEPARATOR


def make_article(pools: Pools, rng: random.Random) -> str:
    """One article in a randomly chosen site layout."""
    lines: list[str] = []
    if rng.random() < 0.4 and pools.head_boilerplate:
        lines += rng.sample(pools.head_boilerplate, min(3, len(pools.head_boilerplate)))
    lines.append(rng.choice(pools.titles))
    year, month, day = _date(rng)
    author = rng.choice(AUTHORS)
    layout = rng.randrange(4)
    if layout == 0:
        lines += [f"Published {MONTHS[month - 1]} {day}, {year}", f"Author: {author}"]
    elif layout == 1:
        lines.append(f"By {author} | {MONTHS[month - 1]} {day}, {year} | No Comments")
    elif layout == 2:
        lines.append(f"By {author}")
    n_body = rng.randint(5, 35)
    body = [
        rng.choice(pools.body)
        if rng.random() < 0.5
        else " ".join(rng.sample(pools.sentences, rng.randint(2, 7)))
        for _ in range(n_body)
    ]
    every = rng.randint(3, 7)
    for i, paragraph in enumerate(body):
        if i and i % every == 0 and pools.headings:
            lines.append(rng.choice(pools.headings))
        lines.append(paragraph)
    if layout == 3:
        lines += [f"BY: {author.upper()}", f"Published Date:{year}-{month:02d}-{day:02d}"]
    if rng.random() < 0.5 and pools.references:
        lines.append(rng.choice(REFERENCE_HEADINGS))
        refs = rng.sample(pools.references, min(rng.randint(2, 12), len(pools.references)))
        numbered = rng.random() < 0.5
        lines += [f"[{i}] {ref}" if numbered else ref for i, ref in enumerate(refs, 1)]
    if rng.random() < 0.4 and pools.tail_boilerplate:
        lines += rng.sample(pools.tail_boilerplate, min(4, len(pools.tail_boilerplate)))
    return "\n\n".join(lines) + "\n"


def make_file(pools: Pools, rng: random.Random) -> str:
    """One file: an article, a ticker and an article, or a ticker alone."""
    kind = rng.random()
    if kind < 0.05:
        text = make_ticker(pools, rng) + "\n"
    elif kind < 0.30:
        text = make_ticker(pools, rng) + "\n\n" + make_article(pools, rng)
    else:
        text = make_article(pools, rng)
    return Perturbation.draw(rng).apply(text, rng)


def generate(out: Path, *, megabytes: float, seed: int, seeds_dir: Path = SEEDS_DIR) -> dict:
    """Write files into ``out`` until they hold ``megabytes`` MB (10**6 bytes) of UTF-8.

    Regenerates only when the recorded arguments or the generator version changed; returns
    the manifest (files, bytes, seed, sha256 over all file names) and whether it was reused.
    """
    manifest_path = out.parent / f"{out.name}.manifest.json"
    wanted = {"megabytes": megabytes, "seed": seed, "version": GENERATOR_VERSION}
    if manifest_path.exists() and out.is_dir():
        manifest = json.loads(manifest_path.read_text())
        if all(manifest.get(k) == v for k, v in wanted.items()):
            return {**manifest, "reused": True}
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    pools = read_pools(seeds_dir)
    rng = random.Random(seed)
    target = int(megabytes * 1_000_000)
    total, n, digest = 0, 0, hashlib.sha256()
    while total < target:
        data = make_file(pools, rng).encode("utf-8")
        name = f"{n:05d}_{hashlib.sha256(data).hexdigest()[:16]}.txt"
        (out / name).write_bytes(data)
        digest.update(name.encode())
        total, n = total + len(data), n + 1
    manifest = {**wanted, "files": n, "bytes": total, "sha256": digest.hexdigest()}
    manifest_path.write_text(json.dumps(manifest, indent=2))
    return {**manifest, "reused": False}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    manifest = generate(args.out, megabytes=args.megabytes, seed=args.seed)
    json.dump(manifest, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
