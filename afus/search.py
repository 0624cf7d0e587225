"""Free-text search over the network: case-, accent- and alias-insensitive (pure functions).

How a query matches (the same rules for projects and cities):

* Text is folded with :func:`afus.text.fold` (``Umeå`` -> ``umea``,
  ``cœur`` -> ``coeur``) and cut into words at anything that is not a letter
  or a digit, so ``a-b``, ``a b`` and ``a–b`` are the same query.
* French elisions in the query are dropped (``l'énergie`` searches
  ``energie``); the haystack keeps them, so nothing is lost.
* Every query word must match (AND), each as the *start* of a word of the
  haystack: ``circul`` finds ``circulaire``, ``ren`` does not find ``urban``.
* An empty query matches everything.

The haystack of a project holds its title and summary in every language it
has, its city's name and aliases (``Göteborg``, ``Goteborg`` for
Gothenburg) and the names of its themes in every language. It is built once
per network snapshot (:func:`project_index`), so a search is a handful of
vectorised substring tests, fast at tens of thousands of projects.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import pandas as pd

from afus.network import Network
from afus.text import fold, tokens

T = TypeVar("T")

# French elided articles and pronouns before an apostrophe (straight or curly).
_ELISION = re.compile(r"\b(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu)['’ʼ`´]", re.IGNORECASE)


def query_terms(query: str | None) -> list[str]:
    """The folded words a query is made of, without French elisions: ``"L'Énergie"`` -> ``["energie"]``."""
    if not query:
        return []
    return tokens(_ELISION.sub(" ", fold(query)))


def haystack_text(values: Iterable[object]) -> str:
    """One searchable string from several texts: folded words, each preceded by a space."""
    words: list[str] = []
    for value in values:
        if value is None or (isinstance(value, float) and value != value):
            continue
        words.extend(tokens(str(value)))
    return " " + " ".join(words) + " " if words else " "


def matches(haystacks: pd.Series, query: str | None) -> pd.Series:
    """Boolean mask: which haystacks contain every word of ``query`` as a word start."""
    terms = query_terms(query)
    if not terms:
        return pd.Series(True, index=haystacks.index)
    positions = np.arange(len(haystacks))
    candidates = haystacks.reset_index(drop=True)
    # Longest words first (usually the rarest); each next word is only
    # looked for in the rows still in the running.
    for term in sorted(set(terms), key=len, reverse=True):
        hit = candidates.str.contains(" " + term, regex=False).to_numpy(dtype=bool)
        candidates, positions = candidates[hit], positions[hit]
        if not len(positions):
            break
    mask = np.zeros(len(haystacks), dtype=bool)
    mask[positions] = True
    return pd.Series(mask, index=haystacks.index)


def _translated_values(translations: object, fields: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    if isinstance(translations, dict):
        for per_lang in translations.values():
            if isinstance(per_lang, dict):
                out.extend(str(per_lang[f]) for f in fields if per_lang.get(f))
    return out


def _aliases(value: object) -> list[str]:
    return [a for a in str(value or "").split("|") if a.strip()]


def city_haystacks(cities: pd.DataFrame) -> pd.Series:
    """Searchable text per city id: name, aliases, country code, profile and its translations."""
    texts = [
        haystack_text(
            [row["name"], *_aliases(row["aliases"]), row.get("profile", ""),
             *_translated_values(row.get("translations"), ("name", "profile"))]
        )
        for _, row in cities.iterrows()
    ]
    return pd.Series(texts, index=cities["id"].to_numpy(), dtype="str")


def theme_names(themes: pd.DataFrame) -> dict[int, list[str]]:
    """Every name of every theme, in all languages, by theme id."""
    return {
        int(row["id"]): [row["name"], *_translated_values(row["translations"], ("name",))]
        for _, row in themes.iterrows()
    }


def project_haystacks(network: Network) -> pd.Series:
    """Searchable text per project id (see the module docstring for what it holds)."""
    projects = network.projects
    # Cities and themes are shared by many projects: fold their words once.
    city_text = {
        int(row["id"]): haystack_text([row["name"], *_aliases(row["aliases"])]).strip()
        for _, row in network.cities.iterrows()
    }
    theme_text = {theme_id: haystack_text(names).strip() for theme_id, names in theme_names(network.themes).items()}
    themes_by_project: dict[int, list[str]] = {}
    for project_id, theme_id in network.project_themes[["project_id", "theme_id"]].itertuples(index=False):
        themes_by_project.setdefault(int(project_id), []).append(theme_text.get(int(theme_id), ""))
    own_texts = [
        "\n".join([title or "", summary or "", *_translated_values(translations, ("title", "summary"))])
        for title, summary, translations in zip(projects["title"], projects["summary"], projects["translations"], strict=True)
    ]
    texts = []
    for pid, own, city_id in zip(projects["id"], fold_each(own_texts), projects["city_id"], strict=True):
        words = _NON_WORD.sub(" ", own).strip()
        texts.append(" ".join([" " + words if words else "", city_text.get(int(city_id), ""), *themes_by_project.get(int(pid), [])]) + " ")
    return pd.Series(texts, index=projects["id"].to_numpy(), dtype="str")


_SEPARATOR = "\x00"
_NON_WORD = re.compile(r"[^0-9a-z]+")  # between words of folded text, as in afus.text.tokens


def fold_each(texts: list[str]) -> list[str]:
    """:func:`afus.text.fold` of every text, in one pass over their concatenation (much faster than one call each)."""
    folded = fold(_SEPARATOR.join(text.replace(_SEPARATOR, " ") for text in texts)).split(_SEPARATOR)
    if len(folded) != len(texts):  # a text folded into the separator: one call each after all
        return [fold(text) for text in texts]
    return folded


RECENT_QUERIES = 128  # answers kept per snapshot


@dataclass(frozen=True)
class ProjectIndex:
    """The search haystacks of one network snapshot, and the answers to its latest queries."""

    version: int
    haystacks: pd.Series  # folded text, indexed by project id
    # Searches shared by everyone reading this snapshot (a seminar room types the same
    # words): on a large network a search reads every haystack (20 ms for 20,000 projects).
    _recent: dict[tuple[str, ...], pd.Index] = field(default_factory=dict, compare=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    def matching_ids(self, query: str | None) -> pd.Index:
        """Project ids whose haystack matches ``query`` (all of them for an empty query)."""
        terms = tuple(sorted(set(query_terms(query))))
        with self._lock:
            found = self._recent.get(terms)
        if found is None:
            found = self.haystacks.index[matches(self.haystacks, query).to_numpy()]
            with self._lock:
                self._recent[terms] = found
                if len(self._recent) > RECENT_QUERIES:
                    del self._recent[next(iter(self._recent))]  # the oldest answer
        return found


_MEMO: list[tuple[Network, dict[object, object]]] = []
_MEMO_LOCK = threading.Lock()
_MEMO_SIZE = 4


def per_snapshot(network: Network, key: object, build: Callable[[], T]) -> T:
    """``build()`` computed once per network snapshot and ``key``, then reused.

    Snapshots are cached per data version by the caller, so the identity of
    the :class:`Network` object is the key; the memo holds a reference to
    it, so an identity cannot be reused while it is remembered. The last
    few snapshots are kept.
    """
    with _MEMO_LOCK:
        values = next((v for known, v in _MEMO if known is network), None)
        if values is not None and key in values:
            return values[key]  # type: ignore[return-value]
    value = build()
    with _MEMO_LOCK:
        values = next((v for known, v in _MEMO if known is network), None)
        if values is None:
            values = {}
            _MEMO.insert(0, (network, values))
            del _MEMO[_MEMO_SIZE:]
        values.setdefault(key, value)
        return values[key]  # type: ignore[return-value]


def project_index(network: Network) -> ProjectIndex:
    """The search index of ``network``, built once per snapshot and then reused."""
    return per_snapshot(network, "project_index", lambda: ProjectIndex(network.version, project_haystacks(network)))


def search_projects(network: Network, query: str | None) -> pd.DataFrame:
    """The projects of ``network`` matching ``query``, in the snapshot's order."""
    ids = project_index(network).matching_ids(query)
    return network.projects[network.projects["id"].isin(ids)]


def search_cities(cities: pd.DataFrame, query: str | None) -> pd.DataFrame:
    """The cities matching ``query`` by name, alias (``Goteborg``), or profile."""
    if not query_terms(query):
        return cities
    mask = matches(city_haystacks(cities), query)
    return cities[mask.to_numpy()]
