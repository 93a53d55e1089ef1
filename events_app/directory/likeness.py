"""How likely two spellings name the same person or organization: a score 0..1.

Exact matching (events_app/directory/names.py) links silently; this module only
ranks *suggestions* that a person confirms. The same name is written many ways:
Kupreichyk / Kupreychyk / Kupreichik / Kupreičyk / Купрэйчык, Lukashenka /
Lukashenko / Лукашэнка / Лукашенко, "Kupreichyk, Matvei" / "M. Kupreichyk". To
make them meet, each name becomes a *skeleton*:

1. Latin letters whose diacritic carries a sound (Łacinka, ISO 9: č š ž ŝ) are
   spelled out (ch sh zh shch); then anyascii transliterates the rest (Cyrillic
   included) to plain ASCII, and only letters and digits are kept, word by word.
2. Romanisation variants fold to one letter: every spelling of х, ч, ш, щ and
   г (kh, ch, h, sh, sch, tsch, g, cz, sz) to "h", because "ch" alone is ч in
   English, х in Łacinka and German and ш in French; zh to z; ts, tz and c to
   t (ц, and the Belarusian ць of Russian ть); w to v and v before a consonant
   to u (Ivanou / Ivanov, ў); x to ks; y and j to i, and an i before a vowel is
   dropped (ya / ia / ja / â; yu / iu / ju); e and o to a (Belarusian akanne
   and the trailing a/o of Lukashenka / Lukashenko; э / е); ou to u; doubled
   letters once.

Two names are then compared word by word, in any order (so commas and "surname
first" do not matter): each word of the shorter name is paired with a distinct
word of the longer (the pairing with the best total), a one-letter word (an
initial) pairs with any word starting with that letter, and rapidfuzz's ratio
scores each pair. The score is the mean of the pairs' similarity, weighed by
length (a surname counts more than an initial), and of the weakest pair's, so
one different word is not drowned by equal ones; words of the longer name left
unpaired lower it (a surname alone still meets the full name).

Public API (used by the forms, the suggestions, search and the duplicates):

- `name_likeness(a, b) -> float`: the score of two spellings, 1.0 when their
  skeletons are equal.
- `LIKELY`: the threshold from which two names are "likely the same"
  (tests/test_name_likeness.py measures recall and false matches at it).
- `likely_matches(model, name, among=None, limit=10) -> list[LikelyMatch]`:
  records of `model` (Person, Organization, Topic) with a name likely the same
  as `name`, best first; exact matches are included with score 1.0. `among` is
  a select of the records the user may see (events_app/visibility.py).
- `likely_pairs(model, among=None, limit=200) -> list[LikelyPair]`: pairs of
  records likely to be one, best first, for the duplicates page.

Speed: candidates are found in the database, not by scoring every name in
Python. Each record keeps the skeletons of all its names in `name_skeletons`
("|word word|word|"), refreshed with `name_keys` by `refresh_name_keys()`;
a LIKE on a word's first letters narrows the rows before rapidfuzz scores them
(bench/name_benchmark.py measures it).
"""

import re
from dataclasses import dataclass
from itertools import permutations, product

from anyascii import anyascii
from rapidfuzz.distance import Levenshtein
from sqlalchemy import Select, case, or_, select

from events_app.directory.names import name_key, split_other_names
from events_app.extensions import db

# From this score on, two names are likely the same (a suggestion, never a link).
LIKELY = 0.86

# Separates the names of a record in `name_skeletons`; words are joined by spaces.
SEPARATOR = "|"

# Letters of a query word that select candidates by LIKE (see _candidate_rows).
PREFIX_LENGTH = 3

# Words of a name that are compared; the rest of a very long name is ignored.
MAXIMUM_WORDS = 6

# A word that is unpaired in the longer name counts this much of its length.
UNPAIRED_WEIGHT = 0.25

# Candidates scored per query, at most, those sharing most word beginnings first.
MAXIMUM_CANDIDATES = 300

# Records sharing one word beginning that the duplicate scan compares, at most.
MAXIMUM_BLOCK = 400

SPELLED_OUT = str.maketrans(
    {
        "č": "ch",
        "Č": "Ch",
        "š": "sh",
        "Š": "Sh",
        "ž": "zh",
        "Ž": "Zh",
        "ż": "zh",
        "Ż": "Zh",
        "ŝ": "shch",
        "Ŝ": "Shch",
    }
)

# Longest spellings first: the alternation takes the first that matches.
FOLDS = {
    "shch": "h",
    "szcz": "h",
    "tsch": "h",
    "sch": "h",
    "tch": "h",
    "sh": "h",
    "ch": "h",
    "kh": "h",
    "gh": "h",
    "cz": "h",
    "sz": "h",
    "zh": "z",
    "rz": "z",
    "ph": "f",
    "th": "t",
    "dz": "d",
    "ts": "t",
    "tz": "t",
    "ou": "u",
    "g": "h",
    "c": "t",
    "x": "ks",
    "q": "k",
    "y": "i",
    "j": "i",
    "e": "a",
    "o": "a",
}
FOLD_PATTERN = re.compile("|".join(sorted(FOLDS, key=len, reverse=True)))
V_BEFORE_CONSONANT = re.compile(r"v(?=[^aeiouy]|$)")
I_BEFORE_VOWEL = re.compile(r"i+(?=[aiu])")
DOUBLED = re.compile(r"(.)\1+")
WORD = re.compile(r"[a-z0-9]+")


def word_skeleton(word: str) -> str:
    """The skeleton of one lower-case ASCII word ("kupreychyk" -> "kupraihik")."""
    word = V_BEFORE_CONSONANT.sub("u", word.replace("w", "v"))
    word = FOLD_PATTERN.sub(lambda match: FOLDS[match.group()], word)
    word = I_BEFORE_VOWEL.sub("", word)
    return DOUBLED.sub(r"\1", word)


def skeleton_words(name: str, typing: bool = False) -> list[str]:
    """The skeletons of the words of a name, in order ("Купрэйчык, М." -> [...]).

    With `typing`, the last word is the beginning of a longer one: its end is
    folded as inside a word ("Iv" -> "iv", as "Ivanova" begins, not "u" as the
    whole word "Iv" would be).
    """
    ascii_text = anyascii((name or "").translate(SPELLED_OUT)).lower()
    words = WORD.findall(ascii_text)
    skeletons = [word_skeleton(word) for word in words]
    if typing and words:
        skeletons[-1] = word_skeleton(words[-1] + "a")[:-1] or skeletons[-1]
    return [word for word in skeletons if word][:MAXIMUM_WORDS]


def skeleton(name: str) -> str:
    """The skeleton of a name: its word skeletons joined by spaces."""
    return " ".join(skeleton_words(name))


def skeletons_column_value(*names: str | None) -> str:
    """Pack the skeletons of every name of a record into `name_skeletons`."""
    kept: list[str] = []
    for name in names:
        value = skeleton(name or "")
        if value and value not in kept:
            kept.append(value)
    return SEPARATOR + SEPARATOR.join(kept) + SEPARATOR if kept else ""


def _word_similarity(first: str, second: str) -> float:
    """Similarity of two word skeletons; an initial meets a word it begins."""
    if len(first) == 1 or len(second) == 1:
        return 1.0 if first[0] == second[0] else 0.0
    return Levenshtein.normalized_similarity(first, second)


def _pair_weight(first: str, second: str) -> int:
    """How much a pair of words counts: an initial little, a long word much."""
    return 1 if min(len(first), len(second)) == 1 else max(len(first), len(second))


def _pairings(scores: list[list[float]]):
    """Ways to pair each row with a distinct column (rows <= columns), as index lists.

    Every way for names of up to four words (24 at most); for longer ones, such
    as organizations' names, only the greedy one (most similar words first).
    """
    rows, columns = len(scores), len(scores[0])
    if columns <= 4:
        yield from permutations(range(columns), rows)
        return
    ranked = sorted(
        (-scores[row][column], row, column)
        for row in range(rows)
        for column in range(columns)
    )
    chosen: dict[int, int] = {}
    for _, row, column in ranked:
        if row not in chosen and column not in chosen.values():
            chosen[row] = column
    yield tuple(chosen[row] for row in range(rows))


def words_likeness(first: list[str], second: list[str], typing: bool = False) -> float:
    """The score of two names given as word skeletons (see the module docstring).

    The mean of the length-weighted similarity of the paired words and of the
    weakest pair: an equal first name does not drown a different surname
    (Anna Ivanova / Anna Ivanenko). With `typing`, `first` is text being typed:
    its last word may be the beginning of a word ("Kupr"), and words of
    `second` that nothing typed yet pairs with cost nothing.
    """
    if not first or not second:
        return 0.0
    pairs = [
        [_scored_pair(first, index, other, typing) for other in second]
        for index in range(len(first))
    ]
    if len(first) > len(second):
        pairs = [list(column) for column in zip(*pairs, strict=True)]
        longer, penalised = first, True
    else:
        longer, penalised = second, not typing
    best = 0.0
    for chosen in _pairings([[score for score, _ in row] for row in pairs]):
        weighted = total = 0.0
        weakest = 1.0
        for row, column in enumerate(chosen):
            similarity, weight = pairs[row][column]
            weighted += weight * similarity
            total += weight
            weakest = min(weakest, similarity)
        if penalised:
            unpaired = set(range(len(longer))) - set(chosen)
            total += UNPAIRED_WEIGHT * sum(len(longer[index]) for index in unpaired)
        best = max(best, (weighted / total + weakest) / 2)
    return best


def _scored_pair(
    first: list[str], index: int, other: str, typing: bool
) -> tuple[float, int]:
    """Similarity and weight of word `index` of `first` paired with `other`."""
    word = first[index]
    if typing and index == len(first) - 1 and len(other) > len(word) > 1:
        beginning = other[: len(word)]
        return max(
            _word_similarity(word, other), _word_similarity(word, beginning)
        ), len(word)
    return _word_similarity(word, other), _pair_weight(word, other)


def name_likeness(first: str, second: str, typing: bool = False) -> float:
    """How likely two spellings are the same name, 0..1 (1.0: same skeleton).

    With `typing`, `first` is text being typed (see `words_likeness`).
    """
    return words_likeness(skeleton_words(first), skeleton_words(second), typing)


@dataclass
class LikelyMatch:
    """A record whose name `matched` is likely the same as the name looked up."""

    record: object
    matched: str
    score: float


@dataclass
class LikelyPair:
    """Two records likely to be one, and the names of each that met."""

    first: object
    second: object
    first_name: str
    second_name: str
    score: float


def record_names(record) -> list[str]:
    """Every name of a record, its own first (the order of `name_skeletons`)."""
    names = [getattr(record, "display_name", None) or record.name]
    if getattr(record, "short_name", ""):
        names.append(record.short_name)
    names.extend(split_other_names(getattr(record, "other_names", "")))
    return names


def _unpacked(packed: str) -> list[list[str]]:
    """The word skeletons of each name in a `name_skeletons` value."""
    return [name.split() for name in packed.strip(SEPARATOR).split(SEPARATOR) if name]


def _best_score(words: list[str], names: list[list[str]], typing: bool) -> float:
    """The score of `words` against the closest of `names` (word skeletons)."""
    return max((words_likeness(words, name, typing) for name in names), default=0.0)


def _closest_names(first_names: list[str], second_names: list[str]) -> tuple[str, str]:
    """The name of each list that meets the other best (for "which names met")."""
    return max(
        product(first_names, second_names), key=lambda pair: name_likeness(*pair)
    )


def _closest_name(query: str, variants: list[list[str]], record, typing: bool) -> str:
    """The name of `record` that met `query` (given as skeleton `variants`).

    The same name (same key) first; then the best score, then the best score of
    whole words (so a typed "Kupreychyk" names that other name, not the full one).
    """

    def closeness(name: str) -> tuple:
        words = skeleton_words(name)
        return (
            name_key(name) == name_key(query),
            max(words_likeness(variant, words, typing) for variant in variants),
            max(words_likeness(variant, words) for variant in variants),
        )

    return max(record_names(record), key=closeness)


def _candidate_rows(model, words: list[str], among: Select | None):
    """(id, name_skeletons) of records sharing the most word beginnings with `words`.

    A record counts one for each word of `words` that begins one of its words;
    the database ranks them, so Python scores a few hundred rows at most. An
    initial selects nothing by itself: it would match much of the directory.
    """
    prefixes = sorted({word[:PREFIX_LENGTH] for word in words if len(word) > 1})
    if not prefixes:
        return []
    column = model.name_skeletons
    hits = [
        case(
            (
                or_(
                    column.like(f"%{SEPARATOR}{prefix}%"),
                    column.like(f"% {prefix}%"),
                ),
                1,
            ),
            else_=0,
        )
        for prefix in prefixes
    ]
    shared = sum(hits[1:], hits[0]).label("shared")
    query = select(model.id, column, shared)
    if among is not None:
        query = query.where(model.id.in_(among.with_only_columns(model.id)))
    query = query.where(shared > 0).order_by(shared.desc(), model.id)
    return db.session.execute(query.limit(MAXIMUM_CANDIDATES)).all()


def likely_matches(
    model,
    name: str,
    among: Select | None = None,
    limit: int = 10,
    *,
    typing: bool = False,
) -> list[LikelyMatch]:
    """Records of `model` with a name likely the same as `name`, best first.

    Exact matches are included (score 1.0): callers decide what to do with them.
    `among` is a select of the records the user may see; others never appear.
    With the keyword `typing` (suggestions under a name field), `name` is being
    typed: its last word may be the beginning of a word ("Matvei Kupr").
    """
    variants = [skeleton_words(name)]
    if typing and skeleton_words(name, typing=True) != variants[0]:
        variants.append(skeleton_words(name, typing=True))
    beginnings = [word for words in variants for word in words]
    scored = []
    for record_id, packed, _ in _candidate_rows(model, beginnings, among):
        names = _unpacked(packed)
        score = max(_best_score(words, names, typing) for words in variants)
        if score >= LIKELY:
            scored.append((score, record_id))
    scored.sort(key=lambda item: (-item[0], item[1]))
    scored = scored[:limit]
    records = {
        record.id: record
        for record in db.session.scalars(
            select(model).where(model.id.in_([record_id for _, record_id in scored]))
        )
    }
    matches = []
    for score, record_id in scored:
        record = records[record_id]
        matched = _closest_name(name, variants, record, typing)
        matches.append(LikelyMatch(record, matched, round(score, 3)))
    return matches


def likely_pairs(
    model, among: Select | None = None, limit: int = 200
) -> list[LikelyPair]:
    """Pairs of records of `model` likely to be one, best first (older record first).

    Records are compared only within blocks that share a word beginning, and a
    block as large as a common first name's is skipped (its records also share
    their other words); so the scan grows with the records, not their square.
    """
    query = select(model.id, model.name_skeletons).where(model.name_skeletons != "")
    if among is not None:
        query = query.where(model.id.in_(among.with_only_columns(model.id)))
    names_by_id: dict[int, list[list[str]]] = {}
    blocks: dict[str, list[int]] = {}
    for record_id, packed in db.session.execute(query):
        names = _unpacked(packed)
        names_by_id[record_id] = names
        beginnings = {word[:PREFIX_LENGTH] for name in names for word in name}
        for beginning in beginnings:
            if len(beginning) > 1:
                blocks.setdefault(beginning, []).append(record_id)
    scores: dict[tuple[int, int], float] = {}
    for members in blocks.values():
        if len(members) > MAXIMUM_BLOCK:
            continue
        for position, first in enumerate(members):
            for second in members[position + 1 :]:
                key = (first, second) if first < second else (second, first)
                if key in scores:
                    continue
                scores[key] = max(
                    words_likeness(one, other)
                    for one in names_by_id[first]
                    for other in names_by_id[second]
                )
    best = sorted(
        ((score, key) for key, score in scores.items() if score >= LIKELY),
        key=lambda item: (-item[0], item[1]),
    )[:limit]
    wanted = {record_id for _, key in best for record_id in key}
    records = {
        record.id: record
        for record in db.session.scalars(select(model).where(model.id.in_(wanted)))
    }
    pairs = []
    for score, (first_id, second_id) in best:
        first, second = records[first_id], records[second_id]
        first_name, second_name = _closest_names(
            record_names(first), record_names(second)
        )
        pairs.append(
            LikelyPair(first, second, first_name, second_name, round(score, 3))
        )
    return pairs
