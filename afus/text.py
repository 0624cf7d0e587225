"""Text normalisation shared by search, slugs and validation (pure functions)."""

from __future__ import annotations

import re
import unicodedata

# Letters NFKD does not decompose into a base letter plus accents.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ø": "o", "Ø": "o", "đ": "d", "ł": "l"})
_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(value: str) -> str:
    """Lower-case, accent-free form used for matching: ``"Cœur Umeå"`` -> ``"coeur umea"``."""
    value = unicodedata.normalize("NFKD", value.translate(_LIGATURES))
    value = "".join(ch for ch in value if not unicodedata.combining(ch))
    return value.casefold()


def tokens(value: str) -> list[str]:
    """Folded words of ``value``; punctuation and apostrophes separate words."""
    return [t for t in _NON_WORD.split(fold(value)) if t]


def slugify(value: str, max_length: int = 80) -> str:
    """ASCII slug: ``"Saint-Brieuc"`` -> ``"saint-brieuc"``, ``"Umeå"`` -> ``"umea"``."""
    slug = "-".join(tokens(value))[:max_length].strip("-")
    return slug or "item"
