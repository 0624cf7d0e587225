"""Peer matching: which cities to talk to, why, and about which projects.

Pure functions over numpy/scipy arrays: no Streamlit, no database. The
inputs are built once per data snapshot (:func:`inputs_from_network`) and
every answer is deterministic.

What a city offers and seeks
----------------------------
A city **offers** a theme when it runs, or is a partner in, a project tagged
with it; it **seeks** a theme it has declared it wants to learn about. For
city ``c`` and theme ``t``::

    o[c, t] = max over c's projects p tagged t of STATUS_WEIGHTS[p.status]
              (ongoing 1.0, planned 0.5, completed 0.25: AFUS is about
              ongoing work, a finished project is a past experience)
    s[c, t] = 1 if c has declared t, else 0

Theme weight (rarity times what the theme says)
-----------------------------------------------
::

    w[t] = FRAMEWORK_WEIGHTS[framework of t] * log(1 + N / df[t])

``N`` is the number of cities in the network and ``df[t]`` the number of
cities that offer or seek ``t``. This is a smoothed inverse document
frequency: a theme every city has weighs ``log 2 ≈ 0.69``, one held by a
single city among ten weighs ``log 11 ≈ 2.40``; it never reaches zero, so
a shared theme always counts for something.

Which themes count (``FRAMEWORK_WEIGHTS``):

* ``afus_theme`` 1.0 and ``city_track`` 1.0: the network's exchange themes
  and the tracks cities put forward are exactly what members learn about.
* ``alliance_recommendation`` 0.5 and ``resilience_capital`` 0.5: lenses on
  a project's approach; they say something about what to learn, less than a
  theme does.
* ``territory`` 0.25: urban / peri-urban / rural is context (two rural
  projects are easier to compare) rather than a subject to learn about.
* ``sdg`` 0.0: SDG 11 applies to every urban project and tells no city
  apart, so it never makes a match.

Parts of a match and the score
------------------------------
For two different cities ``a`` and ``b``::

    learns[a, b]   = Σ_t w[t] s[a, t] o[b, t]    a can learn t from b
    teaches[a, b]  = learns[b, a]                b can learn t from a
    together[a, b] = Σ_t w[t] s[a, t] s[b, t]    both seek t: learn together
    compare[a, b]  = Σ_t w[t] o[a, t] o[b, t]    both work on t: compare practice

    score[a, b] = F(a, b) * (1.0 learns + 1.0 teaches + 0.5 together + 0.5 compare)

with ``F = CROSS_COUNTRY_FACTOR = 1.5`` for a French–Swedish pair (the
network's purpose) and 1.0 otherwise (``KIND_WEIGHTS`` holds the 1.0 / 0.5).
``together`` and ``compare`` are symmetric, ``learns`` and ``teaches`` are
each other's transpose, so the score is symmetric; a city never matches
itself. Every score is the sum of its reasons: one :class:`Reason` per
(theme, kind) with a non-zero term, carrying the projects behind it on each
side. Only cities with a positive score are peers.

Ties
----
Cities are held in order of their folded name (then id). Peers with equal
scores are ranked by name; reasons with equal weights follow the kind order
above, then the theme order (framework, position). Seminar pairings are
solved over cities in name order, and a leftover city's second partner is
the best-scoring one, the first by name on a tie.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linear_sum_assignment

from afus.i18n import format_number, localized, t
from afus.spreadsheet import table_csv
from afus.text import fold

if TYPE_CHECKING:  # only the type: matching never reads the store
    from afus.network import Network

STATUS_WEIGHTS: dict[str, float] = {"ongoing": 1.0, "planned": 0.5, "completed": 0.25}
FRAMEWORK_WEIGHTS: dict[str, float] = {
    "afus_theme": 1.0,
    "city_track": 1.0,
    "alliance_recommendation": 0.5,
    "resilience_capital": 0.5,
    "territory": 0.25,
    "sdg": 0.0,
}
CROSS_COUNTRY_FACTOR = 1.5
# A score is shown with one decimal wherever it appears (cards, tables, slides, CSV).
SCORE_DECIMALS = 1

# Kinds of reason, in the order they are listed on a tie.
A_LEARNS_FROM_B = "a_learns_from_b"
B_LEARNS_FROM_A = "b_learns_from_a"
LEARN_TOGETHER = "learn_together"
COMPARE_PRACTICE = "compare_practice"
KINDS: tuple[str, ...] = (A_LEARNS_FROM_B, B_LEARNS_FROM_A, LEARN_TOGETHER, COMPARE_PRACTICE)
KIND_WEIGHTS: dict[str, float] = {
    A_LEARNS_FROM_B: 1.0,
    B_LEARNS_FROM_A: 1.0,
    LEARN_TOGETHER: 0.5,
    COMPARE_PRACTICE: 0.5,
}
PAIRING_COUNTRIES: tuple[str, str] = ("FR", "SE")
T = TypeVar("T")
_ROUND = 9  # decimals used when comparing scores, so float noise never reorders ties


class UnknownCity(KeyError):
    """A city id that is not in the matching inputs."""


@dataclass(frozen=True)
class Reason:
    """One theme behind a match, in one direction.

    ``city_id`` is the city the match is computed for (A), ``peer_id`` the
    peer (B). ``projects_a`` / ``projects_b`` are the project ids on each side
    (ongoing first), empty on the side that only seeks the theme.
    """

    city_id: int
    peer_id: int
    theme_id: int
    kind: str
    weight: float
    projects_a: tuple[int, ...] = ()
    projects_b: tuple[int, ...] = ()


@dataclass(frozen=True)
class PeerMatch:
    """How well ``city_id`` (the peer) matches the city it was computed for, and why."""

    city_id: int
    slug: str
    name: str
    country: str
    score: float
    learns_from: float  # what the asking city can learn from this peer (unweighted by country)
    teaches: float  # what this peer can learn from the asking city
    learn_together: float
    compare_practice: float
    country_factor: float
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class Pairing:
    """A French–Swedish seminar pair; ``second_partner`` marks a leftover city's extra pair."""

    french_id: int
    swedish_id: int
    score: float
    reasons: tuple[Reason, ...]
    second_partner: bool = False


@dataclass(frozen=True)
class Suggestion:
    """An active city worth a look for a city with no matches yet."""

    city_id: int
    activity: float
    theme_ids: tuple[int, ...]


@dataclass(frozen=True)
class CityThemes:
    """What one city offers (theme id -> project ids) and seeks, in theme order."""

    offers: tuple[tuple[int, tuple[int, ...]], ...]
    seeks: tuple[int, ...]


@dataclass(frozen=True)
class Names:
    """Display names used in sentences: city id -> name, theme id -> name."""

    cities: Mapping[int, str]
    themes: Mapping[int, str]


@dataclass(frozen=True, eq=False)
class MatchInputs:
    """Offer and seek matrices of one snapshot of the network, ready for matching.

    Rows are cities in name order, columns themes in (framework, position)
    order. ``offer_projects[(city_id, theme_id)]`` lists the projects behind
    an offer. Treat as read-only; derived results are memoised on it.
    """

    version: int
    city_ids: np.ndarray
    city_slugs: tuple[str, ...]
    city_names: tuple[str, ...]
    city_countries: tuple[str, ...]
    theme_ids: np.ndarray
    theme_frameworks: tuple[str, ...]
    offers: sparse.csr_matrix
    seeks: sparse.csr_matrix
    offer_projects: Mapping[tuple[int, int], tuple[int, ...]] = field(repr=False)
    _memo: dict = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def dense_offers(self) -> np.ndarray:
        """``o`` as a dense cities × themes array (themes stay few, so rows are cheap to read)."""
        dense = self.offers.toarray()
        dense.flags.writeable = False
        return dense

    @cached_property
    def dense_seeks(self) -> np.ndarray:
        dense = self.seeks.toarray()
        dense.flags.writeable = False
        return dense

    @cached_property
    def city_index(self) -> dict[int, int]:
        return {int(cid): i for i, cid in enumerate(self.city_ids)}

    @cached_property
    def slug_index(self) -> dict[str, int]:
        return {slug: i for i, slug in enumerate(self.city_slugs)}

    @cached_property
    def theme_index(self) -> dict[int, int]:
        return {int(tid): j for j, tid in enumerate(self.theme_ids)}

    @cached_property
    def theme_weights(self) -> np.ndarray:
        """``w[t]``: framework weight times the smoothed rarity ``log(1 + N/df)``."""
        n_cities = len(self.city_ids)
        active = ((self.offers > 0).astype(np.int8) + (self.seeks > 0).astype(np.int8)) > 0
        df = np.asarray(active.sum(axis=0)).ravel().astype(float)
        rarity = np.where(df > 0, np.log1p(n_cities / np.maximum(df, 1.0)), 0.0)
        framework = np.array([FRAMEWORK_WEIGHTS.get(f, 0.0) for f in self.theme_frameworks], dtype=float)
        weights = framework * rarity
        weights.flags.writeable = False
        return weights

    @cached_property
    def _countries(self) -> np.ndarray:
        """Country of each city as a small integer (comparing strings pairwise is slow)."""
        codes = {c: i for i, c in enumerate(sorted(set(self.city_countries)))}
        return np.array([codes[c] for c in self.city_countries], dtype=np.int16)

    def _country_code(self, country: str) -> int:
        return sorted(set(self.city_countries)).index(country) if country in self.city_countries else -1

    @cached_property
    def _full_matrix(self) -> np.ndarray:
        matrix = _matrix(self, self.theme_weights)
        matrix.flags.writeable = False
        return matrix

    @cached_property
    def _pairings(self) -> tuple[Pairing, ...]:
        return tuple(_solve_pairings(self, PAIRING_COUNTRIES))

    def city_id_for(self, slug: str) -> int | None:
        """The id of the city with ``slug``, or ``None``."""
        i = self.slug_index.get(slug)
        return None if i is None else int(self.city_ids[i])

    def name_of(self, city_id: int) -> str:
        return self.city_names[self._index(city_id)]

    def country_of(self, city_id: int) -> str:
        return self.city_countries[self._index(city_id)]

    def _index(self, city_id: int) -> int:
        try:
            return self.city_index[int(city_id)]
        except KeyError:
            raise UnknownCity(city_id) from None


MEMO_MAX_ENTRIES = 64
RECENT_MAX = 256  # answers kept per group by memoised_recent


def memoised(inputs: MatchInputs, key: Hashable, build: Callable[[], T]) -> T:
    """``build()`` computed once per ``inputs`` and ``key`` (the oldest of 64 entries is dropped).

    For results derived only from one snapshot (score tables, figures in a
    language), so that a rerun on unchanged data costs nothing.
    """
    memo = inputs._memo
    if key in memo:
        return memo[key]
    value = build()
    if len(memo) >= MEMO_MAX_ENTRIES:
        memo.pop(next(iter(memo)))
    memo[key] = value
    return value


def memoised_recent(inputs: MatchInputs, group: Hashable, key: Hashable, build: Callable[[], T], keep: int = RECENT_MAX) -> T:
    """``build()`` for ``key``, kept among the latest ``keep`` keys of ``group`` on this snapshot.

    For results asked with many arguments (one city's ranking): the answers
    are shared by every reader of the snapshot, the oldest dropped first.
    """
    answers: dict = memoised(inputs, group, dict)
    if key in answers:
        return answers[key]
    value = build()
    answers[key] = value
    if len(answers) > keep:
        answers.pop(next(iter(answers)), None)
    return value


# --- building the inputs ----------------------------------------------------------


def build_inputs(
    cities: pd.DataFrame,
    themes: pd.DataFrame,
    projects: pd.DataFrame,
    project_themes: pd.DataFrame,
    project_partners: pd.DataFrame,
    seeks: pd.DataFrame,
    version: int = 0,
) -> MatchInputs:
    """Matching inputs from frames shaped like :class:`afus.network.Network`'s.

    Needs ``cities[id, slug, name, country]``, ``themes[id, framework]`` (in
    display order), ``projects[id, city_id, status]``,
    ``project_themes[project_id, theme_id]``,
    ``project_partners[project_id, city_id]`` and ``seeks[city_id, theme_id]``.
    """
    order = sorted(range(len(cities)), key=lambda i: (fold(str(cities["name"].iloc[i])), int(cities["id"].iloc[i])))
    cities = cities.iloc[order]
    city_ids = cities["id"].to_numpy(dtype=np.int64)
    theme_ids = themes["id"].to_numpy(dtype=np.int64)
    city_pos = pd.Series(np.arange(len(city_ids)), index=city_ids)
    theme_pos = pd.Series(np.arange(len(theme_ids)), index=theme_ids)
    shape = (len(city_ids), len(theme_ids))

    owners = projects[["id", "city_id"]].rename(columns={"id": "project_id"})
    holders = pd.concat([owners, project_partners[["project_id", "city_id"]]], ignore_index=True).drop_duplicates()
    status = projects.set_index("id")["status"].map(STATUS_WEIGHTS).fillna(0.0)
    held = holders.merge(project_themes[["project_id", "theme_id"]], on="project_id")
    held = held[held["city_id"].isin(city_pos.index) & held["theme_id"].isin(theme_pos.index)]
    held = held.assign(strength=held["project_id"].map(status).to_numpy(dtype=float))
    held = held[held["strength"] > 0]

    if held.empty:
        offers = sparse.csr_matrix(shape, dtype=float)
        offer_projects: dict[tuple[int, int], tuple[int, ...]] = {}
    else:
        best = held.groupby(["city_id", "theme_id"], sort=False)["strength"].max()
        rows = city_pos.loc[best.index.get_level_values(0)].to_numpy()
        cols = theme_pos.loc[best.index.get_level_values(1)].to_numpy()
        offers = sparse.csr_matrix((best.to_numpy(), (rows, cols)), shape=shape)
        offer_projects = _projects_behind(held)

    seeks = seeks[seeks["city_id"].isin(city_pos.index) & seeks["theme_id"].isin(theme_pos.index)]
    seek_pairs = seeks[["city_id", "theme_id"]].drop_duplicates()
    seek_matrix = sparse.csr_matrix(
        (
            np.ones(len(seek_pairs)),
            (city_pos.loc[seek_pairs["city_id"]].to_numpy(), theme_pos.loc[seek_pairs["theme_id"]].to_numpy()),
        ),
        shape=shape,
    )
    return MatchInputs(
        version=version,
        city_ids=city_ids,
        city_slugs=tuple(str(s) for s in cities["slug"]),
        city_names=tuple(str(s) for s in cities["name"]),
        city_countries=tuple(str(s) for s in cities["country"]),
        theme_ids=theme_ids,
        theme_frameworks=tuple(str(f) for f in themes["framework"]),
        offers=offers,
        seeks=seek_matrix,
        offer_projects=offer_projects,
    )


def _projects_behind(held: pd.DataFrame) -> dict[tuple[int, int], tuple[int, ...]]:
    # Sort once (ongoing first, then id) and cut at group boundaries: much
    # faster than a Python-level groupby at 20,000 projects.
    ordered = held.sort_values(["city_id", "theme_id", "strength", "project_id"], ascending=[True, True, False, True])
    cids = ordered["city_id"].to_numpy()
    tids = ordered["theme_id"].to_numpy()
    pids = ordered["project_id"].to_numpy().tolist()
    starts = np.flatnonzero(np.r_[True, (cids[1:] != cids[:-1]) | (tids[1:] != tids[:-1])])
    ends = np.r_[starts[1:], len(cids)]
    return {
        (int(cids[s]), int(tids[s])): tuple(pids[s:e])
        for s, e in zip(starts.tolist(), ends.tolist())
    }


def inputs_from_network(network: Network) -> MatchInputs:
    """Matching inputs for a loaded :class:`afus.network.Network` snapshot."""
    return build_inputs(
        network.cities,
        network.themes,
        network.projects,
        network.project_themes,
        network.project_partners,
        network.seeks,
        version=network.version,
    )


def inputs_from_records(
    cities: Sequence[tuple[int, str, str, str]],
    themes: Sequence[tuple[int, str]],
    projects: Sequence[tuple[int, int, str, Sequence[int]] | tuple[int, int, str, Sequence[int], Sequence[int]]] = (),
    seeks: Iterable[tuple[int, int]] = (),
) -> MatchInputs:
    """Matching inputs from plain tuples (small hand-made networks, tests, benchmarks).

    ``cities``: (id, slug, name, country); ``themes``: (id, framework);
    ``projects``: (id, city_id, status, theme_ids[, partner_city_ids]);
    ``seeks``: (city_id, theme_id).
    """
    project_rows = [(p[0], p[1], p[2]) for p in projects]
    pt = [(p[0], tid) for p in projects for tid in p[3]]
    pp = [(p[0], cid) for p in projects if len(p) > 4 for cid in p[4]]
    return build_inputs(
        pd.DataFrame(list(cities), columns=["id", "slug", "name", "country"]),
        pd.DataFrame(list(themes), columns=["id", "framework"]),
        pd.DataFrame(project_rows, columns=["id", "city_id", "status"]),
        pd.DataFrame(pt, columns=["project_id", "theme_id"]),
        pd.DataFrame(pp, columns=["project_id", "city_id"]),
        pd.DataFrame(list(seeks), columns=["city_id", "theme_id"]),
    )


# --- scores -----------------------------------------------------------------------


def _weights(inputs: MatchInputs, theme_ids: Iterable[int] | None) -> np.ndarray:
    if theme_ids is None:
        return inputs.theme_weights
    keep = np.zeros(len(inputs.theme_ids), dtype=bool)
    for tid in theme_ids:
        j = inputs.theme_index.get(int(tid))
        if j is not None:
            keep[j] = True
    return np.where(keep, inputs.theme_weights, 0.0)


def _country_factors(inputs: MatchInputs, a: int) -> np.ndarray:
    return np.where(inputs._countries != inputs._countries[a], CROSS_COUNTRY_FACTOR, 1.0)


def _matrix(inputs: MatchInputs, weights: np.ndarray) -> np.ndarray:
    # Dense products: themes are few (tens), so cities × themes arrays are
    # small and BLAS beats sparse products for the dense city × city result.
    S, O = inputs.dense_seeks, inputs.dense_offers
    learns = (S * weights) @ O.T
    together = (S * weights) @ S.T
    compare = (O * weights) @ O.T
    raw = (
        KIND_WEIGHTS[A_LEARNS_FROM_B] * learns
        + KIND_WEIGHTS[B_LEARNS_FROM_A] * learns.T
        + KIND_WEIGHTS[LEARN_TOGETHER] * together
        + KIND_WEIGHTS[COMPARE_PRACTICE] * compare
    )
    countries = inputs._countries
    factor = np.where(countries[:, None] != countries[None, :], CROSS_COUNTRY_FACTOR, 1.0)
    matrix = factor * raw
    np.fill_diagonal(matrix, 0.0)
    return matrix


def score_matrix(inputs: MatchInputs, *, theme_ids: Iterable[int] | None = None) -> np.ndarray:
    """The symmetric city × city score matrix (rows and columns in ``inputs.city_ids`` order, zero diagonal).

    The unfiltered matrix is computed once per inputs and returned read-only.
    """
    if theme_ids is None:
        return inputs._full_matrix
    return _matrix(inputs, _weights(inputs, theme_ids))


@dataclass(frozen=True)
class _Row:
    """The four parts of every match of one city, and what is needed to explain them."""

    a: int
    weights: np.ndarray
    factor: np.ndarray
    learns: np.ndarray
    teaches: np.ndarray
    together: np.ndarray
    compare: np.ndarray
    score: np.ndarray


def _row(inputs: MatchInputs, a: int, weights: np.ndarray) -> _Row:
    seeks_a = inputs.dense_seeks[a] * weights
    offers_a = inputs.dense_offers[a] * weights
    learns = inputs.dense_offers @ seeks_a
    teaches = inputs.dense_seeks @ offers_a
    together = inputs.dense_seeks @ seeks_a
    compare = inputs.dense_offers @ offers_a
    factor = _country_factors(inputs, a)
    score = factor * (
        KIND_WEIGHTS[A_LEARNS_FROM_B] * learns
        + KIND_WEIGHTS[B_LEARNS_FROM_A] * teaches
        + KIND_WEIGHTS[LEARN_TOGETHER] * together
        + KIND_WEIGHTS[COMPARE_PRACTICE] * compare
    )
    score[a] = 0.0
    return _Row(a, weights, factor, learns, teaches, together, compare, score)


def _reasons(inputs: MatchInputs, a: int, b: int, weights: np.ndarray, factor: float) -> tuple[Reason, ...]:
    s_a, o_a = inputs.dense_seeks[a], inputs.dense_offers[a]
    s_b, o_b = inputs.dense_seeks[b], inputs.dense_offers[b]
    terms = {
        A_LEARNS_FROM_B: s_a * o_b,
        B_LEARNS_FROM_A: o_a * s_b,
        LEARN_TOGETHER: s_a * s_b,
        COMPARE_PRACTICE: o_a * o_b,
    }
    a_id, b_id = int(inputs.city_ids[a]), int(inputs.city_ids[b])
    found: list[tuple[float, int, int, Reason]] = []
    for k, kind in enumerate(KINDS):
        contrib = factor * KIND_WEIGHTS[kind] * weights * terms[kind]
        for j in np.flatnonzero(contrib > 0):
            tid = int(inputs.theme_ids[j])
            offered_a = kind in (B_LEARNS_FROM_A, COMPARE_PRACTICE)
            offered_b = kind in (A_LEARNS_FROM_B, COMPARE_PRACTICE)
            reason = Reason(
                city_id=a_id,
                peer_id=b_id,
                theme_id=tid,
                kind=kind,
                weight=float(contrib[j]),
                projects_a=inputs.offer_projects.get((a_id, tid), ()) if offered_a else (),
                projects_b=inputs.offer_projects.get((b_id, tid), ()) if offered_b else (),
            )
            found.append((-round(reason.weight, _ROUND), k, int(j), reason))
    found.sort(key=lambda item: item[:3])
    return tuple(item[3] for item in found)


def _match(inputs: MatchInputs, row: _Row, b: int) -> PeerMatch:
    return PeerMatch(
        city_id=int(inputs.city_ids[b]),
        slug=inputs.city_slugs[b],
        name=inputs.city_names[b],
        country=inputs.city_countries[b],
        score=0.0 if b == row.a else float(row.score[b]),
        learns_from=0.0 if b == row.a else float(row.learns[b]),
        teaches=0.0 if b == row.a else float(row.teaches[b]),
        learn_together=0.0 if b == row.a else float(row.together[b]),
        compare_practice=0.0 if b == row.a else float(row.compare[b]),
        country_factor=float(row.factor[b]),
        reasons=() if b == row.a else _reasons(inputs, row.a, b, row.weights, float(row.factor[b])),
    )


def peer_scores(
    inputs: MatchInputs,
    city_id: int,
    *,
    other_country_only: bool = False,
    theme_ids: Iterable[int] | None = None,
    limit: int | None = None,
) -> list[PeerMatch]:
    """The peers of ``city_id``, best first (ties by name), each with its reasons.

    Only cities with a positive score are returned; ``theme_ids`` restricts
    the match to those themes; ``limit`` keeps the first ``limit`` peers.
    Raises :class:`UnknownCity` for an id not in ``inputs``.
    """
    a = inputs._index(city_id)
    row = _row(inputs, a, _weights(inputs, theme_ids))
    idx = _ranked(inputs, row, other_country_only)
    if limit is not None:
        idx = idx[:limit]
    return [_match(inputs, row, int(b)) for b in idx]


def count_peers(
    inputs: MatchInputs,
    city_id: int,
    *,
    other_country_only: bool = False,
    theme_ids: Iterable[int] | None = None,
) -> int:
    """How many peers :func:`peer_scores` would return without a limit (no reasons built)."""
    a = inputs._index(city_id)
    return len(_ranked(inputs, _row(inputs, a, _weights(inputs, theme_ids)), other_country_only))


def _ranked(inputs: MatchInputs, row: _Row, other_country_only: bool) -> np.ndarray:
    rounded = np.round(row.score, _ROUND)
    candidates = rounded > 0
    if other_country_only:
        candidates &= inputs._countries != inputs._countries[row.a]
    idx = np.flatnonzero(candidates)
    # Rows are in name order, so a stable sort on the score keeps ties by name.
    return idx[np.argsort(-rounded[idx], kind="stable")]


def pair_match(
    inputs: MatchInputs, city_id: int, peer_id: int, *, theme_ids: Iterable[int] | None = None
) -> PeerMatch:
    """The match of ``peer_id`` as seen from ``city_id``, even when its score is zero."""
    a = inputs._index(city_id)
    b = inputs._index(peer_id)
    weights = _weights(inputs, theme_ids)
    if a == b:
        return _match(inputs, _row(inputs, a, weights), b)
    s_a, o_a = inputs.dense_seeks[a] * weights, inputs.dense_offers[a] * weights
    s_b, o_b = inputs.dense_seeks[b], inputs.dense_offers[b]
    learns, teaches = float(s_a @ o_b), float(o_a @ s_b)
    together, compare = float(s_a @ s_b), float(o_a @ o_b)
    factor = CROSS_COUNTRY_FACTOR if inputs.city_countries[a] != inputs.city_countries[b] else 1.0
    score = factor * (
        KIND_WEIGHTS[A_LEARNS_FROM_B] * learns
        + KIND_WEIGHTS[B_LEARNS_FROM_A] * teaches
        + KIND_WEIGHTS[LEARN_TOGETHER] * together
        + KIND_WEIGHTS[COMPARE_PRACTICE] * compare
    )
    return PeerMatch(
        city_id=int(inputs.city_ids[b]),
        slug=inputs.city_slugs[b],
        name=inputs.city_names[b],
        country=inputs.city_countries[b],
        score=score,
        learns_from=learns,
        teaches=teaches,
        learn_together=together,
        compare_practice=compare,
        country_factor=factor,
        reasons=_reasons(inputs, a, b, weights, factor),
    )


def city_themes(inputs: MatchInputs, city_id: int) -> CityThemes:
    """What ``city_id`` offers (with the projects behind each theme) and seeks, in theme order."""
    i = inputs._index(city_id)
    offered, sought = inputs.dense_offers[i], inputs.dense_seeks[i]
    offers = tuple(
        (int(inputs.theme_ids[j]), inputs.offer_projects.get((int(city_id), int(inputs.theme_ids[j])), ()))
        for j in np.flatnonzero(offered > 0)
    )
    return CityThemes(offers=offers, seeks=tuple(int(inputs.theme_ids[j]) for j in np.flatnonzero(sought > 0)))


def has_activity(inputs: MatchInputs, city_id: int) -> bool:
    """Whether the city offers or seeks any theme."""
    i = inputs._index(city_id)
    return bool(inputs.dense_offers[i].any() or inputs.dense_seeks[i].any())


def suggestions(inputs: MatchInputs, city_id: int, *, limit: int = 5) -> list[Suggestion]:
    """The most active cities on the network's themes, for a city with no match yet.

    Activity is ``Σ_t w[t] o[c, t]`` (what there is to learn from a city),
    times the French–Swedish factor relative to ``city_id``; ties by name.
    Each suggestion names the city's three strongest themes.
    """
    a = inputs._index(city_id)
    weighted = inputs.dense_offers * inputs.theme_weights[None, :]
    activity = weighted.sum(axis=1) * _country_factors(inputs, a)
    activity[a] = 0.0
    rounded = np.round(activity, _ROUND)
    idx = np.flatnonzero(rounded > 0)
    idx = idx[np.argsort(-rounded[idx], kind="stable")][:limit]
    out = []
    for c in idx:
        row = weighted[int(c)]
        top = [j for j in np.argsort(-np.round(row, _ROUND), kind="stable")[:3] if row[j] > 0]
        out.append(Suggestion(int(inputs.city_ids[c]), float(activity[c]), tuple(int(inputs.theme_ids[j]) for j in top)))
    return out


def strongest_links(inputs: MatchInputs, *, limit: int = 150) -> list[tuple[int, int, float]]:
    """The ``limit`` highest-scoring city pairs as (city id, city id, score), best first.

    Every city keeps at least its best link when the budget allows, so a
    large network's picture still shows each active city connected.
    Memoised per inputs and ``limit``.
    """
    return memoised(inputs, ("strongest_links", limit), lambda: _strongest_links(inputs, limit))


def _strongest_links(inputs: MatchInputs, limit: int) -> list[tuple[int, int, float]]:
    matrix = score_matrix(inputs)
    n = matrix.shape[0]
    upper_i, upper_j = np.triu_indices(n, k=1)
    values = matrix[upper_i, upper_j]
    keep = values > 0
    upper_i, upper_j, values = upper_i[keep], upper_j[keep], values[keep]
    order = np.lexsort((upper_j, upper_i, -np.round(values, _ROUND)))
    chosen = list(order[:limit])
    if len(order) > limit:
        # add each city's best link when it was cut off, within twice the budget
        best = matrix.argmax(axis=1)
        present = {(int(upper_i[k]), int(upper_j[k])) for k in chosen}
        for i, j in enumerate(best.tolist()):
            if matrix[i, j] > 0 and len(present) < 2 * limit:
                present.add((min(i, j), max(i, j)))
        pairs = sorted(present, key=lambda p: (-round(float(matrix[p]), _ROUND), p))
    else:
        pairs = [(int(upper_i[k]), int(upper_j[k])) for k in chosen]
    ids = inputs.city_ids
    return [(int(ids[i]), int(ids[j]), float(matrix[i, j])) for i, j in pairs]


# --- seminar pairings ---------------------------------------------------------------


def seminar_pairings(inputs: MatchInputs) -> list[Pairing]:
    """One-to-one French–Swedish pairs maximising the total score, then the leftovers' second partners.

    Solved with :func:`scipy.optimize.linear_sum_assignment`. When one country
    has more cities, each city left over is paired with its best partner in
    the other country (``second_partner=True``). One-to-one pairs come first,
    best first, ties by French city name.
    """
    return list(inputs._pairings)


def _solve_pairings(inputs: MatchInputs, countries: tuple[str, str]) -> list[Pairing]:
    french = np.flatnonzero(inputs._countries == inputs._country_code(countries[0]))
    swedish = np.flatnonzero(inputs._countries == inputs._country_code(countries[1]))
    if len(french) == 0 or len(swedish) == 0:
        return []
    sub = score_matrix(inputs)[np.ix_(french, swedish)]
    rows, cols = linear_sum_assignment(np.round(sub, _ROUND), maximize=True)
    pairs = [(int(french[r]), int(swedish[c]), False) for r, c in zip(rows, cols)]
    pairs.sort(key=lambda p: (-round(float(score_matrix(inputs)[p[0], p[1]]), _ROUND), p[0]))
    if len(french) > len(swedish):
        left = sorted(set(range(len(french))) - set(rows.tolist()))
        pairs += [(int(french[r]), int(swedish[int(np.argmax(np.round(sub[r], _ROUND)))]), True) for r in left]
    elif len(swedish) > len(french):
        left = sorted(set(range(len(swedish))) - set(cols.tolist()))
        pairs += [(int(french[int(np.argmax(np.round(sub[:, c], _ROUND)))]), int(swedish[c]), True) for c in left]
    out = []
    for f, s, extra in pairs:
        match = pair_match(inputs, int(inputs.city_ids[f]), int(inputs.city_ids[s]))
        out.append(Pairing(int(inputs.city_ids[f]), int(inputs.city_ids[s]), match.score, match.reasons, extra))
    return out


# --- words --------------------------------------------------------------------------


# Frameworks whose item names are adjectives ("Urban", "Environmental"): named with their framework.
QUALIFIED_FRAMEWORKS = ("territory", "resilience_capital")


def theme_name_in_sentence(name: str, framework: str, lang: str) -> str:
    """A theme's name as a sentence can say it: "urban territory", "capital environnemental"; other themes as they are."""
    if framework not in QUALIFIED_FRAMEWORKS or not name:
        return name
    return t(f"theme.in_framework.{framework}", lang, name=name[0].lower() + name[1:])


def names_from_network(network: Network, lang: str) -> Names:
    """City names and theme names in ``lang`` (falling back to the source wording), as sentences say them."""
    cities = dict(zip(network.cities["id"].astype(int), network.cities["name"].astype(str)))
    themes = {
        int(row["id"]): theme_name_in_sentence(
            localized(row["name"], row["lang"], row["translations"], "name", lang).text, str(row["framework"]), lang
        )
        for _, row in network.themes.iterrows()
    }
    return Names(cities=cities, themes=themes)


def describe_reason(reason: Reason, names: Names, lang: str) -> str:
    """One plain-language sentence for a reason, e.g. "Saint-Brieuc can learn from Malmö about …".

    Plain text (names are user content): render it with ``afus.ui.text``.
    """
    a = names.cities.get(reason.city_id, "?")
    b = names.cities.get(reason.peer_id, "?")
    theme = names.themes.get(reason.theme_id, "?")
    if reason.kind == A_LEARNS_FROM_B:
        return t("peers.reason.learns", lang, learner=a, teacher=b, theme=theme)
    if reason.kind == B_LEARNS_FROM_A:
        return t("peers.reason.learns", lang, learner=b, teacher=a, theme=theme)
    if reason.kind == LEARN_TOGETHER:
        return t("peers.reason.together", lang, a=a, b=b, theme=theme)
    return t("peers.reason.compare", lang, a=a, b=b, theme=theme)


def pairings_table(pairings: Sequence[Pairing], names: Names, lang: str) -> pd.DataFrame:
    """The pairings as a table with headers and reasons in ``lang`` (for display and CSV)."""
    rows = []
    for p in pairings:
        rows.append(
            {
                t("peers.col.french", lang): names.cities.get(p.french_id, "?"),
                t("peers.col.swedish", lang): names.cities.get(p.swedish_id, "?"),
                t("peers.col.score", lang): shown_score(p.score),
                t("peers.col.second", lang): t("peers.yes", lang) if p.second_partner else "",
                t("peers.col.reasons", lang): " / ".join(describe_reason(r, names, lang) for r in p.reasons)
                or t("peers.pairing.none", lang),
            }
        )
    columns = [t(k, lang) for k in ("peers.col.french", "peers.col.swedish", "peers.col.score", "peers.col.second", "peers.col.reasons")]
    return pd.DataFrame(rows, columns=columns)


def pairings_csv(pairings: Sequence[Pairing], names: Names, lang: str) -> bytes:
    """The pairings table as a CSV file for ``lang``'s spreadsheets (see :mod:`afus.spreadsheet`)."""
    return table_csv(pairings_table(pairings, names, lang), lang)


def shown_score(score: float) -> float:
    """``score`` as tables and downloads show it (still a number)."""
    return round(score, SCORE_DECIMALS)


def format_score(score: float, lang: str) -> str:
    """``score`` as text in ``lang``, always with its decimal ("4,0")."""
    return format_number(score, lang, decimals=SCORE_DECIMALS)

