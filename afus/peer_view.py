"""What the peer finder page shows, shaped from the matches and the network snapshot.

Pure functions (no Streamlit, no database): they turn :mod:`afus.matching`
results into small dataclasses with names, sentences and project titles in
the interface language. Text in them is user content: render it safely.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from afus.i18n import localized
from afus.network import Network
from afus.matching import (
    MatchInputs,
    Names,
    PeerMatch,
    Suggestion,
    city_themes,
    describe_reason,
    memoised,
    score_matrix,
)

HEATMAP_CITIES_MAX = 25
NETWORK_LINKS_MAX = 150


@dataclass(frozen=True)
class ProjectRef:
    """A project to look at: its slug (for ``/projects?project=``), title and where it runs."""

    slug: str
    title: str
    city_name: str
    status: str
    contact_name: str
    contact_email: str


@dataclass(frozen=True)
class Contact:
    """Whom to call: a name and an e-mail address, either possibly empty."""

    name: str
    email: str

    @property
    def is_empty(self) -> bool:
        return not (self.name or self.email)


@dataclass(frozen=True)
class PeerCard:
    """One ranked peer as shown: score, reasons in words, projects and contact."""

    slug: str
    name: str
    country: str
    score: float
    country_factor: float
    sentences: tuple[str, ...]  # the strongest reasons, in words
    more_reasons: int  # how many weaker reasons are left out
    projects: tuple[ProjectRef, ...]
    contact: Contact


@dataclass(frozen=True)
class CitySide:
    """One column of the side-by-side comparison."""

    slug: str
    name: str
    country: str
    offers: tuple[tuple[str, tuple[ProjectRef, ...], int], ...]  # theme name, first projects, how many in all
    seeks: tuple[str, ...]
    contact: Contact


@dataclass(frozen=True)
class SuggestionCard:
    slug: str
    name: str
    country: str
    themes: tuple[str, ...]


def _project_rows(network: Network, inputs: MatchInputs) -> dict[int, tuple]:
    """Project id -> the fields a card shows, built once per snapshot (memoised on ``inputs``)."""

    def build() -> dict[int, tuple]:
        frame = network.projects
        columns = ["slug", "title", "lang", "translations", "city_name", "status", "contact_name", "contact_email"]
        return dict(zip(frame["id"].astype(int).tolist(), frame[columns].itertuples(index=False, name=None)))

    return memoised(inputs, "peer_view.project_rows", build)


def _projects_by_id(network: Network, inputs: MatchInputs, ids: Sequence[int], lang: str) -> list[ProjectRef]:
    rows = _project_rows(network, inputs)
    out = []
    for pid in ids:
        row = rows.get(int(pid))
        if row is None:
            continue
        slug, title, source_lang, translations, city_name, status, contact_name, contact_email = row
        out.append(
            ProjectRef(
                slug=str(slug),
                title=localized(title, source_lang, translations, "title", lang).text,
                city_name=str(city_name),
                status=str(status),
                contact_name=str(contact_name or ""),
                contact_email=str(contact_email or ""),
            )
        )
    return out


def _contact(network: Network, inputs: MatchInputs, city_id: int) -> Contact:
    def build() -> dict[int, Contact]:
        frame = network.cities
        return {
            int(cid): Contact(str(name or ""), str(email or ""))
            for cid, name, email in zip(frame["id"], frame["contact_name"], frame["contact_email"])
        }

    return memoised(inputs, "peer_view.contacts", build).get(int(city_id), Contact("", ""))


def peer_cards(
    network: Network,
    inputs: MatchInputs,
    matches: Sequence[PeerMatch],
    names: Names,
    lang: str,
    *,
    max_reasons: int = 5,
    max_projects: int = 4,
) -> list[PeerCard]:
    """Cards for ranked matches: the ``max_reasons`` strongest reasons, and projects behind them (the peer's first, then the asking city's).

    On a large network two cities can share thirty themes: a card says how
    many more there are, and the side-by-side comparison lists them all.
    """
    cards = []
    for match in matches:
        peer_projects: list[int] = []
        own_projects: list[int] = []
        for reason in match.reasons:
            peer_projects += [p for p in reason.projects_b if p not in peer_projects]
            own_projects += [p for p in reason.projects_a if p not in own_projects]
        ids = (peer_projects + [p for p in own_projects if p not in peer_projects])[:max_projects]
        cards.append(
            PeerCard(
                slug=match.slug,
                name=match.name,
                country=match.country,
                score=match.score,
                country_factor=match.country_factor,
                sentences=tuple(describe_reason(r, names, lang) for r in match.reasons[:max_reasons]),
                more_reasons=max(0, len(match.reasons) - max_reasons),
                projects=tuple(_projects_by_id(network, inputs, ids, lang)),
                contact=_contact(network, inputs, match.city_id),
            )
        )
    return cards


def city_side(
    network: Network,
    inputs: MatchInputs,
    city_id: int,
    names: Names,
    lang: str,
    *,
    max_projects: int = 3,
) -> CitySide:
    """What one city offers (with up to ``max_projects`` projects per theme, ongoing first) and seeks."""
    themes = city_themes(inputs, city_id)
    i = inputs.city_index[int(city_id)]
    return CitySide(
        slug=inputs.city_slugs[i],
        name=inputs.city_names[i],
        country=inputs.city_countries[i],
        offers=tuple(
            (names.themes.get(tid, "?"), tuple(_projects_by_id(network, inputs, pids[:max_projects], lang)), len(pids))
            for tid, pids in themes.offers
        ),
        seeks=tuple(names.themes.get(tid, "?") for tid in themes.seeks),
        contact=_contact(network, inputs, city_id),
    )


def suggestion_cards(inputs: MatchInputs, found: Sequence[Suggestion], names: Names) -> list[SuggestionCard]:
    """Suggested cities with the names of their strongest themes."""
    out = []
    for s in found:
        i = inputs.city_index[s.city_id]
        out.append(
            SuggestionCard(
                slug=inputs.city_slugs[i],
                name=inputs.city_names[i],
                country=inputs.city_countries[i],
                themes=tuple(names.themes.get(t, "?") for t in s.theme_ids),
            )
        )
    return out


def matchable_themes(network: Network, inputs: MatchInputs, names: Names) -> list[tuple[str, str]]:
    """(slug, name) of the themes that can make a match (non-zero weight), in catalogue order."""
    weights = dict(zip(inputs.theme_ids.tolist(), inputs.theme_weights.tolist()))
    return [
        (str(row.slug), names.themes.get(int(row.id), str(row.slug)))
        for row in network.themes.itertuples()
        if weights.get(int(row.id), 0.0) > 0
    ]


def theme_ids_by_slug(network: Network, inputs: MatchInputs, options: Sequence[tuple[str, str]]) -> dict[str, int]:
    """Slug -> id of the themes offered as filters."""
    wanted = {slug for slug, _ in options}
    return {str(slug): int(tid) for slug, tid in zip(network.themes["slug"], network.themes["id"]) if slug in wanted}


def heatmap_frame(inputs: MatchInputs, *, limit: int = HEATMAP_CITIES_MAX) -> tuple[pd.DataFrame, int]:
    """The score matrix of the ``limit`` most connected cities, and how many cities have a score at all.

    Cities with no score at all are left out; order is by name.
    """
    matrix = score_matrix(inputs)
    totals = matrix.sum(axis=1)
    active = np.flatnonzero(totals > 0)
    chosen = active[np.argsort(-np.round(totals[active], 9), kind="stable")][:limit]
    chosen = np.sort(chosen)  # rows are in name order
    labels = [inputs.city_names[i] for i in chosen]
    frame = pd.DataFrame(matrix[np.ix_(chosen, chosen)], index=labels, columns=labels)
    return frame, len(active)
