"""What a user types into the search box, as a query the full-text engines accept.

The box takes words, prefixes (`sanct*`) and "quoted phrases"; every other
character is a separator, never syntax. So `title:x`, `AND`, `NEAR(a b)`,
`-word`, parentheses and stray quotes are searched as the words they contain,
and no input can make SQLite FTS5 or PostgreSQL's `to_tsquery` fail:

    parse_search('"human rights" sanct* Vilnius')
      -> phrase (human, rights), prefix sanct, word vilnius

All terms must match (AND). Case and accents are left to the engines, which
fold both on the indexed text and on the query alike.

Across scripts: a term of words of `SKELETON_FROM_LETTERS` letters or more
also matches where its words' skeletons (events_app/directory/skeletons.py)
stand in the document's skeletons (search/index.py), so "Tsikhanouskaya",
"Tikhanovskaya" and "Ціханоўская" find each other, as "Lukashenka" and
"Лукашэнка" do. Shorter words match as typed only: their skeletons are too
alike ("on", "an" and "en" fold to one).
"""

import re
import unicodedata
from dataclasses import dataclass, field

from events_app.directory.skeletons import word_skeletons

# Letters and digits only: exactly the characters both engines keep in tokens.
_WORD = re.compile(r"[^\W_]+")
# A quoted phrase, or a run of anything else up to the next space or quote.
_PIECE = re.compile(r'"([^"]*)"?|([^\s"]+)')
# More terms than anyone types; keeps a pasted page from becoming a huge query.
MAXIMUM_TERMS = 12
# Words at least this long also match by skeleton.
SKELETON_FROM_LETTERS = 4
# The FTS5 columns of the text as written (the third holds its skeletons).
WRITTEN_COLUMNS = "{title body}"
# PostgreSQL weights of the text as written, and of the skeletons.
WRITTEN_WEIGHTS, SKELETON_WEIGHT = "AB", "D"


@dataclass(frozen=True)
class Term:
    """Words that must appear one after another; the last one may be a prefix."""

    words: tuple[str, ...]
    prefix: bool = False

    @property
    def skeletons(self) -> tuple[str, ...]:
        """The words' skeletons, in order; () when the term matches as typed only."""
        if min(len(word) for word in self.words) < SKELETON_FROM_LETTERS:
            return ()
        last = len(self.words) - 1
        return tuple(
            skeleton
            for position, word in enumerate(self.words)
            for skeleton in word_skeletons(word, self.prefix and position == last)
        )

    def tsquery_expression(self) -> str:
        """The term in PostgreSQL `to_tsquery` syntax, as written (weights A, B)
        or as skeletons (weight D): for the one tsvector of both."""
        written = _tsquery_phrase(self.words, self.prefix, WRITTEN_WEIGHTS)
        if not self.skeletons:
            return written
        skeletons = _tsquery_phrase(self.skeletons, self.prefix, SKELETON_WEIGHT)
        return f"({written} | {skeletons})"

    def tsquery_alternatives(self) -> tuple[str, str | None]:
        """The term in `to_tsquery` syntax as written, and as skeletons (None when
        it matches as typed only), without weights: for the tsvectors of either
        kind of words alone (search/index.py), which a query without weights
        needs no document read for (with weights, every candidate's is)."""
        written = _tsquery_phrase(self.words, self.prefix, "")
        if not self.skeletons:
            return written, None
        return written, _tsquery_phrase(self.skeletons, self.prefix, "")


@dataclass(frozen=True)
class SearchQuery:
    """A parsed search: every term must match."""

    terms: tuple[Term, ...] = field(default_factory=tuple)

    @property
    def is_empty(self) -> bool:
        return not self.terms

    def fts5_expression(self) -> str:
        """The query in SQLite FTS5 syntax: each term a quoted string in the
        written columns, or its skeletons in the skeletons column; ANDed."""
        parts = []
        for term in self.terms:
            written = f"{WRITTEN_COLUMNS} : {_fts5_phrase(term.words, term.prefix)}"
            if term.skeletons:
                skeletons = _fts5_phrase(term.skeletons, term.prefix)
                written = f"({written} OR skeletons : {skeletons})"
            parts.append(written)
        return " AND ".join(parts)

    def tsquery_expression(self) -> str:
        """The query in PostgreSQL `to_tsquery` syntax: quoted lexemes, <-> and &,
        each term as written (weights A, B) or as skeletons (weight D)."""
        return " & ".join(term.tsquery_expression() for term in self.terms)


def _fts5_phrase(words: tuple[str, ...], prefix: bool) -> str:
    phrase = '"' + " ".join(words) + '"'
    return phrase + "*" if prefix else phrase


def _tsquery_phrase(words: tuple[str, ...], prefix: bool, weights: str) -> str:
    """Quoted lexemes one after another, each of `weights` only ("": any); with
    `prefix` the last one is a prefix."""
    last = len(words) - 1

    def lexeme(position: int, word: str) -> str:
        labels = ("*" if prefix and position == last else "") + weights
        return f"'{word}':{labels}" if labels else f"'{word}'"

    lexemes = [lexeme(position, word) for position, word in enumerate(words)]
    return lexemes[0] if len(lexemes) == 1 else "(" + " <-> ".join(lexemes) + ")"


def _words(text: str) -> tuple[str, ...]:
    return tuple(word.lower() for word in _WORD.findall(text))


def parse_search(text: str) -> SearchQuery:
    """Parse the search box's text; what is not a word is dropped (see module doc)."""
    text = unicodedata.normalize("NFC", text or "")
    terms: list[Term] = []
    for match in _PIECE.finditer(text):
        phrase, bare = match.groups()
        if phrase is not None:
            words = _words(phrase)
            if words:
                terms.append(Term(words))
            continue
        words = _words(bare)
        if words:
            # "Jean-Luc" is one phrase of two words, as the engines index it.
            terms.append(Term(words, prefix=bare.endswith("*")))
    unique = tuple(dict.fromkeys(terms))
    return SearchQuery(unique[:MAXIMUM_TERMS])
