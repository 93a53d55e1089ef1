"""What a user types into the search box, as a query the full-text engines accept.

The box takes words, prefixes (`sanct*`) and "quoted phrases"; every other
character is a separator, never syntax. So `title:x`, `AND`, `NEAR(a b)`,
`-word`, parentheses and stray quotes are searched as the words they contain,
and no input can make SQLite FTS5 or PostgreSQL's `to_tsquery` fail:

    parse_search('"human rights" sanct* Vilnius')
      -> phrase (human, rights), prefix sanct, word vilnius

All terms must match (AND). Case and accents are left to the engines, which
fold both on the indexed text and on the query alike.
"""

import re
import unicodedata
from dataclasses import dataclass, field

# Letters and digits only: exactly the characters both engines keep in tokens.
_WORD = re.compile(r"[^\W_]+")
# A quoted phrase, or a run of anything else up to the next space or quote.
_PIECE = re.compile(r'"([^"]*)"?|([^\s"]+)')
# More terms than anyone types; keeps a pasted page from becoming a huge query.
MAXIMUM_TERMS = 12


@dataclass(frozen=True)
class Term:
    """Words that must appear one after another; the last one may be a prefix."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class SearchQuery:
    """A parsed search: every term must match."""

    terms: tuple[Term, ...] = field(default_factory=tuple)

    @property
    def is_empty(self) -> bool:
        return not self.terms

    def fts5_expression(self) -> str:
        """The query in SQLite FTS5 syntax: each term a quoted string, ANDed."""
        parts = []
        for term in self.terms:
            part = '"' + " ".join(term.words) + '"'
            parts.append(part + "*" if term.prefix else part)
        return " AND ".join(parts)

    def tsquery_expression(self) -> str:
        """The query in PostgreSQL `to_tsquery` syntax: quoted lexemes, <-> and &."""
        parts = []
        for term in self.terms:
            lexemes = [f"'{word}'" for word in term.words]
            if term.prefix:
                lexemes[-1] += ":*"
            parts.append(
                lexemes[0] if len(lexemes) == 1 else "(" + " <-> ".join(lexemes) + ")"
            )
        return " & ".join(parts)


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
