"""Name matching: one notion of "the same name" for people, organizations and topics.

Two spellings are the same name when they differ only in case, accents, spacing
or punctuation ("Kupreichyk" = "kupreičyk" = "KUPREICHYK"). Transliterations that
differ in letters ("Kupreychyk") are matched through a record's other names.
"""

import unicodedata

SEPARATOR = "|"

# The longest name or other name a record may have.
NAME_MAX_LENGTH = 200

# Other names a record may have, at most.
OTHER_NAMES_MAX_COUNT = 50


def name_key(name: str) -> str:
    """Return the comparison key of a name: no case, accents, spaces or punctuation."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    kept = [
        character
        for character in decomposed
        if not unicodedata.combining(character) and character.isalnum()
    ]
    return "".join(kept).casefold()


def split_other_names(text: str | None) -> list[str]:
    """Names from a list split by newlines or semicolons, without blanks or repeats."""
    names: list[str] = []
    seen: set[str] = set()
    for line in (text or "").replace(";", "\n").splitlines():
        name = " ".join(line.split())
        if name and name_key(name) and name_key(name) not in seen:
            seen.add(name_key(name))
            names.append(name)
    return names


def keys_column_value(*names: str | None) -> str:
    """Pack the keys of every name of a record into one searchable column value."""
    keys = sorted({name_key(name) for name in names if name and name_key(name)})
    return SEPARATOR + SEPARATOR.join(keys) + SEPARATOR if keys else ""


def key_pattern(name: str) -> str:
    """LIKE pattern that finds a key inside a column written by keys_column_value."""
    return f"%{SEPARATOR}{name_key(name)}{SEPARATOR}%"
