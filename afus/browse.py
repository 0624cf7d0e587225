"""What the browsing pages (overview, cities, themes) show, shaped from a :class:`Network`.

Pure functions: they take the network snapshot (and the interface language
where names are shown) and return small frames or dataclasses. They never
modify the network's frames, which are shared between reruns and users.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from afus.i18n import LANGS, Localized, format_date, localized, t
from afus.models import COUNTRIES, FRAMEWORKS, STATUSES
from afus.network import Network
from afus.text import fold, tokens

# The frameworks a city "works on" (exchange themes and its own tracks), as
# opposed to the lenses a project can also be tagged with.
EXCHANGE_FRAMEWORKS: tuple[str, ...] = ("afus_theme", "city_track")
LENS_FRAMEWORKS: tuple[str, ...] = tuple(f for f in FRAMEWORKS if f not in EXCHANGE_FRAMEWORKS)
CAPITALS = "resilience_capital"
RECOMMENDATIONS = "alliance_recommendation"


# --- names in the interface language -------------------------------------------


def localized_field(row: pd.Series | dict, field: str, lang: str) -> Localized:
    """Content ``field`` of a row in ``lang`` (source wording, translation or fallback)."""
    return localized(row[field], row["lang"], row.get("translations"), field, lang)


def theme_names(network: Network, lang: str) -> dict[int, str]:
    """Theme id -> its name in ``lang`` (or the source wording when untranslated)."""
    return {int(row["id"]): localized_field(row, "name", lang).text for _, row in network.themes.iterrows()}


def project_titles(projects: pd.DataFrame, lang: str) -> list[str]:
    """Titles of ``projects`` in ``lang``, in frame order."""
    return [localized_field(row, "title", lang).text for _, row in projects.iterrows()]


# --- counts for the overview ------------------------------------------------------


def counts_by_country(network: Network) -> pd.DataFrame:
    """One row per member country: ``country``, ``cities``, ``projects`` (all statuses)."""
    cities = network.cities["country"].value_counts()
    projects = network.projects["country"].value_counts()
    countries = list(COUNTRIES) + sorted(set(cities.index) - set(COUNTRIES))
    return pd.DataFrame(
        {
            "country": countries,
            "cities": [int(cities.get(c, 0)) for c in countries],
            "projects": [int(projects.get(c, 0)) for c in countries],
        }
    )


def counts_by_status(network: Network) -> pd.DataFrame:
    """Projects per status, every status listed (zero included): ``status``, ``projects``."""
    counts = network.projects["status"].value_counts()
    return pd.DataFrame({"status": list(STATUSES), "projects": [int(counts.get(s, 0)) for s in STATUSES]})


def projects_per_theme(network: Network, lang: str, frameworks: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Themes of ``frameworks`` (all when ``None``) in catalogue order, with their project and city counts.

    Columns: ``theme_id``, ``slug``, ``framework``, ``name``, ``projects``, ``cities``.
    Themes without any project are kept, with zero counts: gaps are information.
    """
    themes = network.themes
    if frameworks is not None:
        themes = themes[themes["framework"].isin(frameworks)]
    themes = _catalogue_order(themes)
    tagged = network.project_themes.merge(
        network.projects[["id", "city_id"]], left_on="project_id", right_on="id"
    )
    per_theme = tagged.groupby("theme_id").agg(projects=("project_id", "nunique"), cities=("city_id", "nunique"))
    names = theme_names(network, lang)
    return pd.DataFrame(
        {
            "theme_id": themes["id"].astype(int).tolist(),
            "slug": themes["slug"].tolist(),
            "framework": themes["framework"].tolist(),
            "name": [names[int(i)] for i in themes["id"]],
            "projects": _count_for(themes["id"], per_theme["projects"]),
            "cities": _count_for(themes["id"], per_theme["cities"]),
        }
    )


def _count_for(ids: pd.Series, counts: pd.Series) -> list[int]:
    """``counts`` looked up for each of ``ids`` (0 where absent), vectorised."""
    return ids.map(counts).fillna(0).astype(int).tolist()


def _catalogue_order(themes: pd.DataFrame) -> pd.DataFrame:
    """Themes sorted by framework (in :data:`FRAMEWORKS` order) then position."""
    rank = {f: i for i, f in enumerate(FRAMEWORKS)}
    order = themes.assign(_rank=themes["framework"].map(lambda f: rank.get(f, len(rank))))
    return order.sort_values(["_rank", "position", "id"]).drop(columns="_rank")


def latest_ongoing_projects(network: Network, limit: int = 5) -> pd.DataFrame:
    """The most recently updated ongoing projects, newest first (ties: the later added first)."""
    ongoing = network.projects[network.projects["status"] == "ongoing"]
    return ongoing.sort_values(["updated_at", "id"], ascending=[False, False]).head(limit)


@dataclass(frozen=True)
class EventAgenda:
    """Events around a day: the coming ones (soonest first) and the latest past ones (latest first)."""

    upcoming: pd.DataFrame
    past: pd.DataFrame


def event_agenda(network: Network, today: dt.date, limit: int = 5) -> EventAgenda:
    """Upcoming events from ``today`` on and the latest past ones; undated events are in neither."""
    events = network.events[network.events["start_date"].notna()]
    dated = events.assign(_d=events["start_date"].map(_as_date))
    upcoming = dated[dated["_d"] >= today].sort_values(["_d", "id"]).drop(columns="_d")
    past = dated[dated["_d"] < today].sort_values(["_d", "id"], ascending=False).drop(columns="_d")
    return EventAgenda(upcoming.head(limit), past.head(limit))


def event_label(event: pd.Series | dict, lang: str) -> str:
    """One line for an event: date, kind and title in ``lang`` (plain text, to be escaped when shown)."""
    start = event.get("start_date")
    date = format_date(_as_date(start), lang) if start is not None and start == start else ""
    kind = t(f"event.{event['kind']}", lang)
    title = localized_field(event, "title", lang).text
    if fold(title).startswith(fold(kind)):  # "Webinar: …" is not said twice
        return t("browse.event_line_titled", lang, date=date, title=title) if date else title
    return t("browse.event_line", lang, date=date, kind=kind, title=title) if date else t("browse.event_line_undated", lang, kind=kind, title=title)


def _as_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return pd.Timestamp(value).date()


# --- cities directory -----------------------------------------------------------


def name_key(text: str) -> str:
    """A name as the look-ups compare it: folded words, punctuation as spaces (``"St. Brieuc"`` -> ``"st brieuc"``)."""
    return " ".join(tokens(text))


def city_search_names(city: pd.Series | dict) -> list[str]:
    """Every name a city is found by: its name, slug and aliases, folded (``"st brieuc"``)."""
    aliases = [a for a in str(city.get("aliases") or "").split("|") if a.strip()]
    return [name_key(name) for name in [city["name"], city["slug"], *aliases]]


def city_slug_lookup(cities: pd.DataFrame) -> dict[str, str]:
    """Every name a city is written with (name, slug, aliases; folded) and the city's slug."""
    lookup: dict[str, str] = {}
    for _, city in cities.iterrows():
        for name in city_search_names(city):
            lookup.setdefault(name, str(city["slug"]))
    return lookup


def canonical_city_values(values: list[str], lookup: dict[str, str]) -> list[str]:
    """``?city=`` values with each city written as people write it (``Malmö``, ``Goteborg``) turned into its slug."""
    return [",".join(lookup.get(name_key(part), part) for part in value.split(",")) for value in values]


def city_matches(city: pd.Series | dict, query: str) -> bool:
    """Whether ``query`` finds ``city``, ignoring case, accents and punctuation.

    Every word of the query must start a word of one of the city's names
    (``"Goteborg"``, ``"umea"``, ``"st brieuc"``, ``"roch"`` all work), or
    the query names the city's country in any language (``"Suède"``, ``"sverige"``).
    """
    words = tokens(query)
    if not words:
        return True
    country = str(city.get("country") or "")
    if country and " ".join(words) in {" ".join(tokens(t(f"country.{country}", lang))) for lang in LANGS if country in COUNTRIES}:
        return True
    for name in city_search_names(city):
        name_words = name.split()
        if all(any(w.startswith(q) for w in name_words) for q in words):
            return True
    # Also accept a query typed without spaces or hyphens ("saintbrieuc", "larochelle").
    joined = "".join(words)
    return any(joined in name.replace(" ", "") for name in city_search_names(city)) if len(joined) >= 3 else False


def city_directory(network: Network, query: str = "", country: str | None = None) -> pd.DataFrame:
    """Member cities matching ``query`` and ``country``, by name, with their project counts.

    Columns: those of ``network.cities`` plus ``projects`` and ``ongoing``.
    """
    cities = network.cities
    if country:
        cities = cities[cities["country"] == country]
    if query.strip():
        cities = cities[[city_matches(row, query) for _, row in cities.iterrows()]]
    per_city = network.projects.groupby("city_id")["id"].count()
    ongoing = network.projects[network.projects["status"] == "ongoing"].groupby("city_id")["id"].count()
    out = cities.assign(
        projects=_count_for(cities["id"], per_city),
        ongoing=_count_for(cities["id"], ongoing),
        _key=[fold(n) for n in cities["name"]],
    )
    return out.sort_values("_key").drop(columns="_key").reset_index(drop=True)


# --- one city's profile ----------------------------------------------------------


@dataclass(frozen=True)
class OfferGroup:
    """One theme a city offers, with its ongoing projects on it."""

    theme: pd.Series
    projects: pd.DataFrame


@dataclass(frozen=True)
class CityProfile:
    """What a city's profile page shows."""

    city: pd.Series
    projects: pd.DataFrame  # all its projects, any status
    offers: list[OfferGroup]  # exchange themes (AFUS themes, city tracks) with ongoing projects
    unthemed_ongoing: pd.DataFrame  # ongoing projects on no exchange theme
    lenses_by_project: dict[int, list[pd.Series]]  # project id -> lens themes it is tagged with
    seeks: pd.DataFrame  # themes it wants to learn about, with ``note``
    partners: pd.DataFrame  # cities it works with on a project (either side)
    events_hosted: pd.DataFrame
    events_joined: pd.DataFrame  # events it took part in without hosting

    @property
    def is_empty(self) -> bool:
        """True when there is nothing to show beyond the city's own facts."""
        return (
            self.projects.empty
            and self.seeks.empty
            and self.partners.empty
            and self.events_hosted.empty
            and self.events_joined.empty
        )


def city_profile(network: Network, slug: str) -> CityProfile | None:
    """The profile of the city ``slug``, or ``None`` for an unknown (or archived) city."""
    city = network.city_by_slug(slug)
    if city is None:
        return None
    city_id = int(city["id"])
    projects = network.projects[network.projects["city_id"] == city_id]
    ongoing = projects[projects["status"] == "ongoing"]
    tags = network.project_themes[network.project_themes["project_id"].isin(ongoing["id"])]
    themes = _catalogue_order(network.themes)
    offers: list[OfferGroup] = []
    on_exchange: set[int] = set()
    for _, theme in themes[themes["framework"].isin(EXCHANGE_FRAMEWORKS)].iterrows():
        ids = set(tags.loc[tags["theme_id"] == theme["id"], "project_id"])
        if ids:
            offers.append(OfferGroup(theme, ongoing[ongoing["id"].isin(ids)]))
            on_exchange |= ids
    lens_rows = {int(row["id"]): row for _, row in themes[themes["framework"].isin(LENS_FRAMEWORKS)].iterrows()}
    lens_rank = {theme_id: rank for rank, theme_id in enumerate(lens_rows)}  # catalogue order
    lenses: dict[int, list[pd.Series]] = {int(pid): [] for pid in projects["id"]}
    all_tags = network.project_themes[
        network.project_themes["project_id"].isin(projects["id"]) & network.project_themes["theme_id"].isin(lens_rows)
    ]
    for pid, theme_id in sorted(zip(all_tags["project_id"], all_tags["theme_id"]), key=lambda pair: lens_rank[int(pair[1])]):
        lenses[int(pid)].append(lens_rows[int(theme_id)])
    seeks = network.seeks[network.seeks["city_id"] == city_id].merge(
        themes, left_on="theme_id", right_on="id"
    )
    return CityProfile(
        city=city,
        projects=projects,
        offers=offers,
        unthemed_ongoing=ongoing[~ongoing["id"].isin(on_exchange)],
        lenses_by_project=lenses,
        seeks=seeks,
        partners=_partner_cities(network, city_id),
        events_hosted=network.events[network.events["host_city_id"] == city_id],
        events_joined=network.events[
            network.events["id"].isin(network.event_cities.loc[network.event_cities["city_id"] == city_id, "event_id"])
            & (network.events["host_city_id"] != city_id)
        ],
    )


def _partner_cities(network: Network, city_id: int) -> pd.DataFrame:
    """Cities on a project with ``city_id``: partners of its projects and owners of projects it partners."""
    own = set(network.projects.loc[network.projects["city_id"] == city_id, "id"])
    pp = network.project_partners
    partners_of_own = set(pp.loc[pp["project_id"].isin(own), "city_id"])
    partnered = set(pp.loc[pp["city_id"] == city_id, "project_id"])
    owners = set(network.projects.loc[network.projects["id"].isin(partnered), "city_id"])
    ids = (partners_of_own | owners) - {city_id}
    return network.cities[network.cities["id"].isin(ids)]


# --- themes -----------------------------------------------------------------------


def themes_by_framework(network: Network, lang: str) -> list[tuple[str, pd.DataFrame]]:
    """The catalogue: ``(framework, themes)`` in :data:`FRAMEWORKS` order, with counts (see :func:`projects_per_theme`)."""
    counted = projects_per_theme(network, lang)
    full = counted.merge(network.themes[["id", "period", "lang", "translations", "description"]], left_on="theme_id", right_on="id")
    return [(f, full[full["framework"] == f].drop(columns="id").reset_index(drop=True)) for f in FRAMEWORKS if (full["framework"] == f).any()]


@dataclass(frozen=True)
class ThemeDetail:
    """A theme with the cities and projects on it."""

    theme: pd.Series
    projects: pd.DataFrame  # projects tagged with it, any status
    cities: pd.DataFrame  # cities with a project on it, with ``projects`` (count)
    seeking: pd.DataFrame  # cities that want to learn about it
    events: pd.DataFrame


def theme_detail(network: Network, slug: str) -> ThemeDetail | None:
    """The theme ``slug`` with its projects and cities, or ``None`` when unknown."""
    theme = network.theme_by_slug(slug)
    if theme is None:
        return None
    theme_id = int(theme["id"])
    project_ids = network.project_themes.loc[network.project_themes["theme_id"] == theme_id, "project_id"]
    projects = network.projects[network.projects["id"].isin(project_ids)]
    per_city = projects.groupby("city_id")["id"].count()
    cities = network.cities[network.cities["id"].isin(per_city.index)]
    cities = cities.assign(projects=_count_for(cities["id"], per_city)).sort_values(["projects", "name"], ascending=[False, True])
    seeking = network.cities[network.cities["id"].isin(network.seeks.loc[network.seeks["theme_id"] == theme_id, "city_id"])]
    events = network.events[network.events["id"].isin(network.event_themes.loc[network.event_themes["theme_id"] == theme_id, "event_id"])]
    return ThemeDetail(theme, projects, cities, seeking, events)


def city_theme_matrix(network: Network, lang: str, frameworks: tuple[str, ...] = EXCHANGE_FRAMEWORKS) -> pd.DataFrame:
    """Projects per city (rows, every member by name) and theme (columns, catalogue order, names in ``lang``)."""
    themes = _catalogue_order(network.themes[network.themes["framework"].isin(frameworks)])
    names = theme_names(network, lang)
    tagged = network.project_themes.merge(network.projects[["id", "city_id"]], left_on="project_id", right_on="id")
    counts = tagged.groupby(["city_id", "theme_id"])["project_id"].nunique().unstack(fill_value=0)
    cities = network.cities.assign(_key=[fold(n) for n in network.cities["name"]]).sort_values("_key")
    grid = counts.reindex(index=cities["id"], columns=themes["id"], fill_value=0).fillna(0).astype(int)
    return pd.DataFrame(
        grid.to_numpy(),
        index=pd.Index(cities["name"].tolist(), name="city"),
        columns=[names[int(i)] for i in themes["id"]],
    )


def busiest_rows(matrix: pd.DataFrame, limit: int) -> pd.DataFrame:
    """The ``limit`` rows of a count matrix with the largest totals, kept in their original order."""
    if len(matrix) <= limit:
        return matrix
    totals = matrix.sum(axis=1).reset_index(drop=True)
    keep = sorted(totals.sort_values(ascending=False, kind="stable").index[:limit])
    return matrix.iloc[keep]


@dataclass(frozen=True)
class Balance:
    """How projects spread over the themes of one framework (capitals, recommendations)."""

    framework: str
    counts: pd.DataFrame  # slug, name, projects: every theme of the framework, zero included
    total_projects: int  # projects considered
    untagged: int  # of which tagged with no theme of this framework


def framework_balance(network: Network, framework: str, lang: str, city_slug: str | None = None) -> Balance:
    """The spread of the network's (or one city's) projects over ``framework``.

    The seeds use the five capitals of resilience "as a structure to measure
    and steer the balance of concrete projects": the zero rows and the
    untagged count are what to steer on.
    """
    projects = network.projects
    if city_slug is not None:
        projects = projects[projects["city_slug"] == city_slug]
    themes = _catalogue_order(network.themes[network.themes["framework"] == framework])
    tags = network.project_themes[
        network.project_themes["project_id"].isin(projects["id"]) & network.project_themes["theme_id"].isin(themes["id"])
    ]
    per_theme = tags.groupby("theme_id")["project_id"].nunique()
    names = theme_names(network, lang)
    counts = pd.DataFrame(
        {
            "slug": themes["slug"].tolist(),
            "name": [names[int(i)] for i in themes["id"]],
            "projects": _count_for(themes["id"], per_theme),
        }
    )
    return Balance(framework, counts, len(projects), len(set(projects["id"]) - set(tags["project_id"])))
