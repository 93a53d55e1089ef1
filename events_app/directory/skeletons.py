"""Name skeletons: the spelling-free form of a name that likely matches compare.

See events_app/directory/likeness.py for what they are for and how they are
built; this module holds only the pure functions, so the models can use them.
"""

import re
from functools import lru_cache

from anyascii import anyascii

# Separates the names of a record in `name_skeletons`; words are joined by spaces.
SEPARATOR = "|"

# Letters of a skeleton word kept in the `name_word` index (see likeness.py).
PREFIX_LENGTH = 3

# Words of a name that are compared; the rest of a very long name is ignored.
MAXIMUM_WORDS = 6

# Word skeletons remembered (a few MB at most).
WORDS_REMEMBERED = 65_536

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


@lru_cache(maxsize=WORDS_REMEMBERED)
def word_skeleton(word: str) -> str:
    """The skeleton of one lower-case ASCII word ("kupreychyk" -> "kupraihik").

    Remembered: a search index rebuild folds the same words over and over.
    """
    word = V_BEFORE_CONSONANT.sub("u", word.replace("w", "v"))
    word = FOLD_PATTERN.sub(lambda match: FOLDS[match.group()], word)
    word = I_BEFORE_VOWEL.sub("", word)
    return DOUBLED.sub(r"\1", word)


def _ascii_words(text: str) -> list[str]:
    """The words of any text in plain lower-case ASCII (step 1 of likeness.py)."""
    return WORD.findall(anyascii((text or "").translate(SPELLED_OUT)).lower())


def beginning_skeleton(word: str) -> str:
    """The skeleton of a word's beginning, its end folded as inside a longer word
    ("iv" -> "iv", as "ivanova" begins, not "u" as the whole word "iv" would be)."""
    return word_skeleton(word + "a")[:-1] or word_skeleton(word)


def skeleton_words(name: str, typing: bool = False) -> list[str]:
    """The skeletons of the words of a name, in order ("Купрэйчык, М." -> [...]).

    With `typing`, the last word is the beginning of a longer one
    (`beginning_skeleton`).
    """
    words = _ascii_words(name)
    skeletons = [word_skeleton(word) for word in words]
    if typing and words:
        skeletons[-1] = beginning_skeleton(words[-1])
    return [word for word in skeletons if word][:MAXIMUM_WORDS]


def text_skeleton(text: str) -> str:
    """The skeletons of every word of a text, in order, joined by spaces (for
    search: events_app/search/index.py); a word the fold empties is left out."""
    return " ".join(filter(None, map(word_skeleton, _ascii_words(text))))


def word_skeletons(word: str, beginning: bool = False) -> list[str]:
    """The skeletons of one typed word (a few if transliteration splits it); with
    `beginning`, the last is the skeleton of a beginning (`beginning_skeleton`)."""
    words = _ascii_words(word)
    skeletons = [word_skeleton(each) for each in words]
    if beginning and words:
        skeletons[-1] = beginning_skeleton(words[-1])
    return [each for each in skeletons if each]


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


def unpacked(packed: str) -> list[list[str]]:
    """The word skeletons of each name in a `name_skeletons` value."""
    return [name.split() for name in packed.strip(SEPARATOR).split(SEPARATOR) if name]


def name_beginnings(packed: str) -> list[str]:
    """The word beginnings of a `name_skeletons` value, as the `name_word` index keeps.

    Initials are left out: a lookup never selects by one letter.
    """
    return sorted(
        {
            word[:PREFIX_LENGTH]
            for name in unpacked(packed)
            for word in name
            if len(word) > 1
        }
    )
