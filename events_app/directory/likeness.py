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

Speed: candidates are found through an index, not by scoring every name in
Python. Each record keeps the skeletons of all its names in `name_skeletons`
("|word word|word|"), refreshed with `name_keys` by `refresh_name_keys()`, and
the first letters of each skeleton word are indexed in the `name_word` table
(kept by events_app/directory/name_words.py on every flush); a lookup reads
the index entries of the typed words' beginnings, and rapidfuzz scores only
the few hundred records sharing most (bench/name_benchmark.py measures it).
"""

from dataclasses import dataclass
from functools import lru_cache
from itertools import count, permutations, product

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extract
from sqlalchemy import Select, func, literal, select, union

from events_app.directory.names import name_key, split_other_names
from events_app.directory.skeletons import (
    PREFIX_LENGTH,
    skeleton_words,
    unpacked,
)
from events_app.extensions import db
from events_app.models.directory import NameWord

# From this score on, two names are likely the same (a suggestion, never a link).
LIKELY = 0.86

# A word that is unpaired in the longer name counts this much of its length.
UNPAIRED_WEIGHT = 0.25

# Candidates scored per query, at most, those sharing most word beginnings first.
MAXIMUM_CANDIDATES = 300

# rapidfuzz token-set ratio (0..100) from which two names in a block are scored.
WORTH_SCORING = 75

# Records sharing one word that the duplicate scan compares, at most.
MAXIMUM_BLOCK = 200

# Word pairs whose similarity is remembered (a few MB at most).
PAIR_CACHE_SIZE = 50_000


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


def words_likeness(
    first: list[str], second: list[str], typing: bool = False, floor: float = 0.0
) -> float:
    """The score of two names given as word skeletons (see the module docstring).

    The mean of the length-weighted similarity of the paired words and of the
    weakest pair: an equal first name does not drown a different surname
    (Anna Ivanova / Anna Ivanenko). With `typing`, `first` is text being typed:
    its last word may be the beginning of a word ("Kupr"), and words of
    `second` that nothing typed yet pairs with cost nothing. With `floor`, a
    score that cannot reach it may be answered as 0.0 (a lookup wants only
    scores from `LIKELY` on, and most candidates are far below it).
    """
    if not first or not second:
        return 0.0
    if first == second:
        return 1.0
    last = len(first) - 1
    pairs = [
        [_scored_pair(word, other, typing and index == last) for other in second]
        for index, word in enumerate(first)
    ]
    if len(first) > len(second):
        pairs = [list(column) for column in zip(*pairs, strict=True)]
        longer, penalised = first, True
    else:
        longer, penalised = second, not typing
    # The score is at most (1 + weakest pair) / 2, and the weakest pair at most
    # the best similarity of the word that pairs worst: most candidates of a
    # lookup stop here, before trying every pairing (measured in
    # bench/name_benchmark.py: a third of a lookup's time was pairings).
    reachable = min(max(score for score, _ in row) for row in pairs)
    if (1.0 + reachable) / 2 < floor:
        return 0.0
    best = 0.0
    if len(pairs) == 1 and len(longer) <= 4:
        # One word to pair (a surname, a beginning being typed): each pairing
        # is one column, scored without building sets (half of all lookups).
        lengths = sum(len(word) for word in longer)
        for column, (similarity, weight) in enumerate(pairs[0]):
            total = weight
            if penalised:
                total += UNPAIRED_WEIGHT * (lengths - len(longer[column]))
            best = max(best, (weight * similarity / total + similarity) / 2)
        return best
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


@lru_cache(maxsize=PAIR_CACHE_SIZE)
def _scored_pair(word: str, other: str, being_typed: bool) -> tuple[float, int]:
    """Similarity and weight of `word` paired with `other`.

    `being_typed`: `word` is the last word of text being typed, so it may be
    the beginning of `other`. Kept in a cache: the words of a directory repeat
    (first names above all), and a lookup compares the typed words with those
    of hundreds of names.
    """
    if being_typed and len(other) > len(word) > 1:
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


def _best_score(words: list[str], names: list[list[str]], typing: bool) -> float:
    """The score of `words` against the closest of `names` (word skeletons).

    Below `LIKELY` the score may be answered as 0.0 (see `words_likeness`).
    """
    return max(
        (words_likeness(words, name, typing, floor=LIKELY) for name in names),
        default=0.0,
    )


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


def _after(prefix: str) -> str:
    """The first string after every string that begins with `prefix`."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _candidate_rows(model, words: list[str], among: Select | None):
    """(id, name_skeletons) of records sharing the most word beginnings with `words`.

    The `name_word` index finds the records with a word that begins like a word
    of `words` (ranges on an index, so only those entries are read); a record
    counts one for each such beginning, and Python scores the few hundred that
    share most. Only records `among` (the ones the user may see) are ranked: a
    hidden record takes no place. An initial selects nothing by itself: it would
    match much of the directory.

    The visibility rule is checked on the best-ranked index entries only, a
    page of them at a time, until enough visible records are found: checked on
    every person instead (one join), it made PostgreSQL scan the whole table,
    three quarters of a suggestion's time (bench/name_benchmark.py).
    """
    prefixes = sorted({word[:PREFIX_LENGTH] for word in words if len(word) > 1})
    if not prefixes:
        return []
    # One indexed range per beginning, each tagged with its number; UNION keeps
    # a (record, beginning) pair once. Written as one OR, SQLite read the index
    # by record type alone (every entry) and PostgreSQL spent most of the
    # query on count(DISTINCT CASE ...).
    matching = union(
        *(
            select(NameWord.record_id, literal(number).label("prefix")).where(
                NameWord.record_type == model.__tablename__,
                NameWord.beginning >= prefix,
                NameWord.beginning < _after(prefix),
            )
            for number, prefix in enumerate(prefixes)
        )
    ).subquery()
    shared = func.count().label("shared")
    ranked = (
        select(matching.c.record_id, shared)
        .group_by(matching.c.record_id)
        .order_by(shared.desc(), matching.c.record_id)
    )
    records = select(model) if among is None else among
    rows: list = []
    for page_number in count():
        page = (
            ranked.limit(MAXIMUM_CANDIDATES)
            .offset(page_number * MAXIMUM_CANDIDATES)
            .subquery()
        )
        skeletons_if_visible = (
            records.with_only_columns(model.name_skeletons)
            .where(model.id == page.c.record_id)
            .scalar_subquery()
        )
        found = db.session.execute(
            select(page.c.record_id, skeletons_if_visible).order_by(
                page.c.shared.desc(), page.c.record_id
            )
        ).all()
        rows += [
            (record_id, packed) for record_id, packed in found if packed is not None
        ]
        if len(rows) >= MAXIMUM_CANDIDATES or len(found) < MAXIMUM_CANDIDATES:
            return rows[:MAXIMUM_CANDIDATES]


def _may_reach_likely(query: list[str], candidates: list, typing: bool = False):
    """A test of a candidate name (word skeletons): may it score `LIKELY` with `query`?

    The cheap form of the bound in `words_likeness`: each word of the shorter
    name needs a partner at least 2 × LIKELY - 1 similar (with `typing`, the
    last typed word may instead be that similar to a word's beginning). The
    typed words are compared with every word of the candidates in one rapidfuzz
    call each (in C), so the hundreds of names that fail are never scored word
    by word (a save checking names spent most of its time there). A false
    "may" costs only the full score; the test never says "may not" where the
    score would reach LIKELY.
    """
    cutoff = 2 * LIKELY - 1 - 1e-9
    words = list({word for _, names in candidates for name in names for word in name})

    def close_to(typed: str, choices: list[str]) -> set[str]:
        found = extract(
            typed,
            choices,
            scorer=Levenshtein.normalized_similarity,
            score_cutoff=cutoff,
            limit=None,
        )
        return {choice for choice, _, _ in found}

    close = {typed: close_to(typed, words) for typed in set(query)}
    last = query[-1] if query else ""
    close_beginnings = (
        close_to(last, list({word[: len(last)] for word in words}))
        if typing and len(last) > 1
        else set()
    )

    def pair_well(index: int, word: str) -> bool:
        typed = query[index]
        if len(typed) == 1 or len(word) == 1:
            return typed[0] == word[0]
        if word in close[typed]:
            return True
        return (
            typing
            and index == len(query) - 1
            and len(word) > len(typed)
            and word[: len(typed)] in close_beginnings
        )

    def may_reach(name: list[str]) -> bool:
        typed = range(len(query))
        if len(query) > len(name):
            return all(any(pair_well(index, word) for index in typed) for word in name)
        return all(any(pair_well(index, word) for word in name) for index in typed)

    return may_reach


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
    candidates = [
        (record_id, unpacked(packed))
        for record_id, packed in _candidate_rows(model, beginnings, among)
    ]
    tests = [_may_reach_likely(words, candidates, typing) for words in variants]
    scored = []
    for record_id, names in candidates:
        score = max(
            _best_score(words, [name for name in names if may_reach(name)], typing)
            for words, may_reach in zip(variants, tests, strict=True)
        )
        if score >= LIKELY:
            scored.append((score, record_id))
    scored.sort(key=lambda item: (-item[0], item[1]))
    scored = scored[:limit]
    if not scored:
        # Most words searched for name no record: no query for none.
        return []
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


def _close_in_block(members: list[int], names_by_id: dict) -> set[tuple[int, int]]:
    """Pairs of records in a block with two names close enough to be worth scoring.

    rapidfuzz compares each name with all the others in one call (in C); its
    token-set ratio is high whenever the words of one name are among, or close
    to, those of the other, so it only drops pairs the score would reject.
    """
    owners = [record_id for record_id in members for _ in names_by_id[record_id]]
    texts = [" ".join(name) for record in members for name in names_by_id[record]]
    close = set()
    for one, text in enumerate(texts):
        for _, _, other in extract(
            text,
            texts,
            scorer=fuzz.token_set_ratio,
            score_cutoff=WORTH_SCORING,
            limit=None,
        ):
            if owners[one] < owners[other]:
                close.add((owners[one], owners[other]))
    return close


def likely_pairs(
    model, among: Select | None = None, limit: int = 200
) -> list[LikelyPair]:
    """Pairs of records of `model` likely to be one, best first (older record first).

    Records are compared only within blocks that share a word skeleton (the
    spellings of one word mostly share it), and a block as large as a common
    first name's is skipped (its records also share their other words); so the
    scan grows with the records, not their square. Pairs whose every word is
    spelled differently beyond the folds are left to the search.
    """
    query = select(model.id, model.name_skeletons).where(model.name_skeletons != "")
    if among is not None:
        query = query.where(model.id.in_(among.with_only_columns(model.id)))
    names_by_id: dict[int, list[list[str]]] = {}
    blocks: dict[str, list[int]] = {}
    for record_id, packed in db.session.execute(query):
        names = unpacked(packed)
        names_by_id[record_id] = names
        for word in {word for name in names for word in name if len(word) > 1}:
            blocks.setdefault(word, []).append(record_id)
    scores: dict[tuple[int, int], float] = {}
    for members in blocks.values():
        if len(members) > MAXIMUM_BLOCK:
            continue
        for first, second in _close_in_block(members, names_by_id):
            key = (first, second) if first < second else (second, first)
            if key not in scores:
                scores[key] = max(
                    words_likeness(one, other, floor=LIKELY)
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
