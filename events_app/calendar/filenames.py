"""ASCII-safe download file names for calendar files."""

import re
import unicodedata

# Russian, Belarusian and Ukrainian letters; other scripts fall back to the
# Unicode decomposition (which keeps the base letter of "é", "ł"-less Latin).
CYRILLIC_TO_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e",
    "ё": "yo", "є": "ye", "ж": "zh", "з": "z", "и": "i", "і": "i", "ї": "yi",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ў": "w", "ф": "f", "х": "kh",
    "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "yu", "я": "ya", "'": "", "’": "", "ł": "l", "ß": "ss",
    "æ": "ae", "ø": "o", "đ": "d",
}  # fmt: skip

MAX_SLUG_LENGTH = 80


def ascii_slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens, e.g. "Встреча в ЕС" -> "vstrecha-v-es".

    Characters with no ASCII spelling are dropped; the result may be empty.
    """
    spelled = "".join(CYRILLIC_TO_LATIN.get(char, char) for char in text.lower())
    decomposed = unicodedata.normalize("NFKD", spelled)
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return slug[:MAX_SLUG_LENGTH].rstrip("-")


def ics_filename(title: str, fallback: str) -> str:
    """`<slug of title>.ics`, or `<fallback>.ics` if the title has no ASCII spelling."""
    return f"{ascii_slug(title) or fallback}.ics"
