"""The project list and project detail: filters, URL state, sorting, the table shown and its CSV (pure).

URL convention (``/projects``), shared links rely on it:

* ``q=<text>`` free-text search (see :mod:`afus.search`).
* ``country``, ``city``, ``theme``, ``lens``, ``status``, ``territory``:
  one value or several, comma-separated (``city=malmo,umea``); repeated keys
  (``city=malmo&city=umea``) are read the same way. Values are slugs
  (cities, themes), country codes (``FR``, ``SE``) or statuses
  (``planned``, ``ongoing``, ``completed``).
* ``theme``, ``lens`` and ``territory`` all take theme slugs; a slug goes to
  the filter of its framework whichever of the three names carries it, so
  ``/projects?theme=capital-social`` (a link from ``/themes``) works.
* ``sort=updated|title|city|start``; ``project=<slug>`` opens one project.

Several values of one filter widen it (any of them); different filters
narrow each other (all of them). A city filter matches the project's city
and its partner cities.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from afus.i18n import Localized, localized, t
from afus.models import COUNTRIES, STATUSES
from afus.network import Network
from afus.search import per_snapshot, project_index, query_terms
from afus.text import fold, tokens

THEME_FRAMEWORKS: tuple[str, ...] = ("afus_theme", "city_track")
LENS_FRAMEWORKS: tuple[str, ...] = ("alliance_recommendation", "resilience_capital", "sdg")
TERRITORY_FRAMEWORKS: tuple[str, ...] = ("territory",)
SORTS: tuple[str, ...] = ("updated", "title", "city", "start")
DEFAULT_SORT = "updated"
MAX_QUERY_LENGTH = 200

# URL parameter -> ProjectFilters field, in the order they are shown.
FILTER_PARAMS: dict[str, str] = {
    "country": "countries",
    "city": "cities",
    "theme": "themes",
    "lens": "lenses",
    "status": "statuses",
    "territory": "territories",
}
URL_PARAMS: tuple[str, ...] = ("q", *FILTER_PARAMS, "sort")

# Cells a spreadsheet would run as a formula (OWASP "CSV injection").


@dataclass(frozen=True)
class ProjectFilters:
    """What the project list is narrowed to and how it is sorted."""

    query: str = ""
    countries: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    lenses: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    territories: tuple[str, ...] = ()
    sort: str = DEFAULT_SORT

    def active(self) -> list[str]:
        """Names of the URL parameters that narrow the list (``q`` and filters; not ``sort``)."""
        names = ["q"] if self.query else []
        return names + [param for param, attr in FILTER_PARAMS.items() if getattr(self, attr)]

    def without(self, param: str) -> ProjectFilters:
        """The same filters with one of them (``"q"`` or a filter parameter) cleared."""
        if param == "q":
            return replace(self, query="")
        return replace(self, **{FILTER_PARAMS[param]: ()})

    def cleared(self) -> ProjectFilters:
        """No search and no filter, same sort."""
        return ProjectFilters(sort=self.sort)


@dataclass(frozen=True)
class ParsedFilters:
    """Filters read from a URL, with the values that were not understood."""

    filters: ProjectFilters
    ignored: list[tuple[str, str]] = field(default_factory=list)  # (parameter, value)


def _split(values: Iterable[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        for part in str(value).split(","):
            part = part.strip()
            if part and part not in out:
                out.append(part)
    return out


def parse_filters(params: Mapping[str, Sequence[str]], network: Network) -> ParsedFilters:
    """Filters from URL parameters (each a list of raw values), checked against the network.

    Unknown values are dropped and reported, never raised: a stale shared
    link still opens, with a note about what was ignored.
    """
    ignored: list[tuple[str, str]] = []
    query = " ".join(str(v) for v in params.get("q", []) if v).strip()[:MAX_QUERY_LENGTH]

    countries: list[str] = []
    for value in _split(params.get("country", [])):
        code = value.upper()
        (countries.append(code) if code in COUNTRIES else ignored.append(("country", value)))

    known_cities = set(network.cities["slug"])
    cities: list[str] = []
    for value in _split(params.get("city", [])):
        slug = value.lower()
        (cities.append(slug) if slug in known_cities else ignored.append(("city", value)))

    statuses: list[str] = []
    for value in _split(params.get("status", [])):
        status = value.lower()
        (statuses.append(status) if status in STATUSES else ignored.append(("status", value)))

    framework_of = dict(zip(network.themes["slug"], network.themes["framework"], strict=True))
    themes: list[str] = []
    lenses: list[str] = []
    territories: list[str] = []
    for param in ("theme", "lens", "territory"):
        for value in _split(params.get(param, [])):
            slug = value.lower()
            framework = framework_of.get(slug)
            if framework in THEME_FRAMEWORKS:
                target = themes
            elif framework in LENS_FRAMEWORKS:
                target = lenses
            elif framework in TERRITORY_FRAMEWORKS:
                target = territories
            else:
                ignored.append((param, value))
                continue
            if slug not in target:
                target.append(slug)

    sort_values = _split(params.get("sort", []))
    sort = DEFAULT_SORT
    if sort_values:
        if sort_values[0].lower() in SORTS:
            sort = sort_values[0].lower()
        else:
            ignored.append(("sort", sort_values[0]))

    filters = ProjectFilters(
        query=query,
        countries=tuple(countries),
        cities=tuple(cities),
        themes=tuple(themes),
        lenses=tuple(lenses),
        statuses=tuple(statuses),
        territories=tuple(territories),
        sort=sort,
    )
    return ParsedFilters(filters, ignored)


def filters_to_params(filters: ProjectFilters) -> dict[str, str]:
    """The canonical URL parameters of ``filters`` (empty ones and the default sort left out)."""
    params: dict[str, str] = {}
    if filters.query:
        params["q"] = filters.query
    for param, attr in FILTER_PARAMS.items():
        values = getattr(filters, attr)
        if values:
            params[param] = ",".join(values)
    if filters.sort != DEFAULT_SORT:
        params["sort"] = filters.sort
    return params


# --- filtering and sorting ----------------------------------------------------------


def _with_any_theme(network: Network, slugs: Iterable[str]) -> set[int]:
    theme_ids = set(network.themes.loc[network.themes["slug"].isin(list(slugs)), "id"])
    pt = network.project_themes
    return set(pt.loc[pt["theme_id"].isin(theme_ids), "project_id"])


def filter_projects(network: Network, filters: ProjectFilters, lang: str) -> pd.DataFrame:
    """The projects matching ``filters``, sorted as they ask (a new frame; the network is untouched)."""
    projects = network.projects
    mask = pd.Series(True, index=projects.index)
    if query_terms(filters.query):  # the search index is built on the first search, not on the first visit
        mask &= projects["id"].isin(project_index(network).matching_ids(filters.query))
    if filters.countries:
        mask &= projects["country"].isin(filters.countries)
    if filters.cities:
        city_ids = set(network.cities.loc[network.cities["slug"].isin(filters.cities), "id"])
        pp = network.project_partners
        with_partner = set(pp.loc[pp["city_id"].isin(city_ids), "project_id"])
        mask &= projects["city_id"].isin(city_ids) | projects["id"].isin(with_partner)
    for slugs in (filters.themes, filters.lenses, filters.territories):
        if slugs:
            mask &= projects["id"].isin(_with_any_theme(network, slugs))
    if filters.statuses:
        mask &= projects["status"].isin(filters.statuses)
    return sort_projects(network, projects[mask.to_numpy()], filters.sort, lang)


def count_without_each(network: Network, filters: ProjectFilters, lang: str) -> dict[str, int]:
    """For each active filter, how many projects would show if only that one were cleared.

    Used to say how to widen an empty result ("without the status filter: 3").
    """
    return {param: len(filter_projects(network, filters.without(param), lang)) for param in filters.active()}


def _title_keys(network: Network, lang: str) -> pd.Series:
    """Sort key of every project's title in ``lang``, by project id (once per snapshot and language)."""

    def build() -> pd.Series:
        # Words only, so quotes and guillemets do not decide the order.
        keys = [" ".join(tokens(title)) for title in localized_titles(network.projects, lang)]
        return pd.Series(keys, index=network.projects["id"].to_numpy(), dtype="str")

    return per_snapshot(network, ("title_keys", lang), build)


def localized_titles(projects: pd.DataFrame, lang: str) -> list[str]:
    """Titles of ``projects`` in ``lang`` (or the source wording), in frame order."""
    return [
        localized(title, source_lang, translations, "title", lang).text
        for title, source_lang, translations in zip(
            projects["title"], projects["lang"], projects["translations"], strict=True
        )
    ]


def sort_projects(network: Network, projects: pd.DataFrame, sort: str, lang: str) -> pd.DataFrame:
    """``projects`` (rows of ``network``) in the order ``sort`` names; ties broken by title, then slug.

    ``updated``: most recently updated first; ``title`` and ``city``:
    alphabetical ignoring case and accents, titles in ``lang``; ``start``:
    latest start first, projects without a start date last.
    """
    frame = projects.assign(_title=_title_keys(network, lang).reindex(projects["id"].to_numpy()).to_numpy())
    if sort == "title":
        keys, ascending = ["_title", "slug"], [True, True]
    elif sort == "city":
        city_key = {cid: fold(name) for cid, name in zip(network.cities["id"], network.cities["name"], strict=True)}
        frame = frame.assign(_city=[city_key.get(cid, "") for cid in frame["city_id"]])
        keys, ascending = ["_city", "_title", "slug"], [True, True, True]
    elif sort == "start":
        frame = frame.assign(
            _has_start=frame["start_date"].notna(),
            _start=pd.to_datetime(frame["start_date"], errors="coerce"),
        )
        keys, ascending = ["_has_start", "_start", "_title", "slug"], [False, False, True, True]
    else:
        keys, ascending = ["updated_at", "_title", "slug"], [False, True, True]
    frame = frame.sort_values(keys, ascending=ascending, kind="stable", na_position="last")
    return frame.drop(columns=[c for c in frame.columns if c.startswith("_")])


# --- what the filters offer ---------------------------------------------------------


@dataclass(frozen=True)
class FilterOptions:
    """Choices of each filter: value -> label in the interface language, in display order."""

    countries: dict[str, str]
    cities: dict[str, str]
    themes: dict[str, str]
    lenses: dict[str, str]
    statuses: dict[str, str]
    territories: dict[str, str]

    def for_param(self, param: str) -> dict[str, str]:
        """The choices of the filter behind URL parameter ``param``."""
        return getattr(self, FILTER_PARAMS[param])


def _theme_choices(network: Network, frameworks: tuple[str, ...], lang: str, prefix: bool) -> dict[str, str]:
    themes = network.themes[network.themes["framework"].isin(frameworks)].copy()
    themes["_order"] = themes["framework"].map({f: i for i, f in enumerate(frameworks)})
    themes = themes.sort_values(["_order", "position", "id"], kind="stable")
    choices: dict[str, str] = {}
    for _, row in themes.iterrows():
        name = localized(row["name"], row["lang"], row["translations"], "name", lang).text
        choices[row["slug"]] = f"{t('projects.lens.' + row['framework'], lang)}: {name}" if prefix else name
    return choices


def filter_options(network: Network, lang: str) -> FilterOptions:
    """Every value each filter offers, labelled in ``lang``."""
    cities = network.cities.sort_values("name", key=lambda s: s.map(fold))
    return FilterOptions(
        countries={code: t(f"country.{code}", lang) for code in COUNTRIES},
        cities=dict(zip(cities["slug"], cities["name"], strict=True)),
        themes=_theme_choices(network, THEME_FRAMEWORKS, lang, prefix=False),
        lenses=_theme_choices(network, LENS_FRAMEWORKS, lang, prefix=True),
        statuses={status: t(f"status.{status}", lang) for status in STATUSES},
        territories=_theme_choices(network, TERRITORY_FRAMEWORKS, lang, prefix=False),
    )


def describe_filter(param: str, filters: ProjectFilters, options: FilterOptions, lang: str) -> str:
    """One active filter in words, e.g. ``"City: Malmö, Umeå"`` or ``"Search: “coeur”"``."""
    if param == "q":
        return t("projects.active.q", lang, query=filters.query)
    labels = options.for_param(param)
    values = ", ".join(labels.get(v, v) for v in getattr(filters, FILTER_PARAMS[param]))
    return f"{t('projects.filter.' + param, lang)}: {values}"


# --- the table shown and its CSV ------------------------------------------------------

TABLE_COLUMNS: tuple[str, ...] = (
    "title", "city", "country", "partners", "themes", "status", "start", "end", "updated"
)


def _iso(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)[:10]


def project_table(network: Network, projects: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The table the list shows (and the CSV holds): one row per project of ``projects``, in order.

    Headers and labels are in ``lang``; every cell is text (dates as ISO
    ``YYYY-MM-DD``), so the screen and the file agree exactly. The frame's
    index is the project slug. The names it looks up are gathered once per
    snapshot and language; only the rows asked for are shaped.
    """
    lookups = per_snapshot(network, ("table_lookups", lang), lambda: _table_lookups(network, lang))
    return _table_rows(lookups, projects, lang)


@dataclass(frozen=True)
class _TableLookups:
    theme_name: dict[int, str]
    theme_rank: dict[int, tuple[int, int]]
    themes_of: dict[int, list[int]]
    partners_of: dict[int, list[str]]


def _table_lookups(network: Network, lang: str) -> _TableLookups:
    order = THEME_FRAMEWORKS + LENS_FRAMEWORKS + TERRITORY_FRAMEWORKS
    theme_name: dict[int, str] = {}
    theme_rank: dict[int, tuple[int, int]] = {}
    for tid, name, source_lang, translations, framework in zip(
        network.themes["id"], network.themes["name"], network.themes["lang"], network.themes["translations"],
        network.themes["framework"], strict=True,
    ):
        theme_name[int(tid)] = localized(name, source_lang, translations, "name", lang).text
        theme_rank[int(tid)] = (order.index(framework) if framework in order else len(order), int(tid))
    themes_of: dict[int, list[int]] = {}
    for pid, tid in network.project_themes[["project_id", "theme_id"]].itertuples(index=False):
        if int(tid) in theme_name:
            themes_of.setdefault(int(pid), []).append(int(tid))
    city_name = dict(zip(network.cities["id"], network.cities["name"], strict=True))
    partners_of: dict[int, list[str]] = {}
    for pid, cid in network.project_partners[["project_id", "city_id"]].itertuples(index=False):
        if cid in city_name:
            partners_of.setdefault(int(pid), []).append(city_name[cid])
    return _TableLookups(theme_name, theme_rank, themes_of, partners_of)


def _table_rows(lookups: _TableLookups, projects: pd.DataFrame, lang: str) -> pd.DataFrame:
    theme_name, theme_rank, themes_of, partners_of = (
        lookups.theme_name, lookups.theme_rank, lookups.themes_of, lookups.partners_of
    )
    country_label = {code: t(f"country.{code}", lang) for code in set(projects["country"])}
    status_label = {status: t(f"status.{status}", lang) for status in set(projects["status"])}

    ids = [int(pid) for pid in projects["id"]]
    columns = [
        localized_titles(projects, lang),
        list(projects["city_name"]),
        [country_label[c] for c in projects["country"]],
        [", ".join(sorted(partners_of.get(pid, []), key=fold)) for pid in ids],
        ["; ".join(theme_name[i] for i in sorted(themes_of.get(pid, []), key=theme_rank.__getitem__)) for pid in ids],
        [status_label[s] for s in projects["status"]],
        [_iso(v) for v in projects["start_date"]],
        [_iso(v) for v in projects["end_date"]],
        [_iso(v) for v in projects["updated_at"]],
    ]
    headers = [t(f"projects.col.{c}", lang) for c in TABLE_COLUMNS]
    table = pd.DataFrame(dict(zip(headers, columns, strict=True)), dtype="object")
    table.index = pd.Index(list(projects["slug"]), name="slug")
    return table


def csv_file_name(filters: ProjectFilters, today: dt.date) -> str:
    """A download name saying what the file holds, e.g. ``afus-projects-2026-11-21.csv``."""
    suffix = "-filtered" if filters.active() else ""
    return f"afus-projects{suffix}-{today.isoformat()}.csv"


# --- one project -----------------------------------------------------------------------


@dataclass(frozen=True)
class NamedLink:
    """Something shown by name and linked by slug (a city, a theme)."""

    slug: str
    name: str


@dataclass(frozen=True)
class ThemeTag:
    """A theme a project is tagged with."""

    slug: str
    name: str
    framework: str


@dataclass(frozen=True)
class ProjectLink:
    """A link stored with a project; ``url`` is not checked here (see :func:`afus.ui.safe_link`)."""

    label: str
    url: str


@dataclass(frozen=True)
class ProjectDetail:
    """Everything the detail view shows about one project."""

    slug: str
    source_lang: str  # the language the project was written in
    title: Localized
    summary: Localized
    city: NamedLink
    country: str
    partners: list[NamedLink]
    themes: list[ThemeTag]
    status: str
    start_date: dt.date | None
    end_date: dt.date | None
    contact_name: str
    contact_email: str
    links: list[ProjectLink]
    source: str
    updated_at: dt.datetime | None


def project_links(raw: object) -> list[ProjectLink]:
    """Links as stored (a list of URLs, or of ``{"label", "url"}`` mappings), made uniform."""
    out: list[ProjectLink] = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, Mapping):
            url = str(item.get("url") or "").strip()
            label = str(item.get("label") or item.get("title") or url).strip()
        else:
            url = str(item or "").strip()
            label = url
        if url:
            out.append(ProjectLink(label, url))
    return out


def _date_or_none(value: object) -> dt.date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def project_detail(network: Network, slug: str | None, lang: str) -> ProjectDetail | None:
    """The project ``slug`` shaped for display in ``lang``; ``None`` when there is no such project."""
    rows = network.projects[network.projects["slug"] == (slug or "").strip().lower()]
    if rows.empty:
        return None
    row = rows.iloc[0]
    pid = int(row["id"])
    themes = network.themes.set_index("id")
    tagged = network.project_themes.loc[network.project_themes["project_id"] == pid, "theme_id"]
    order = THEME_FRAMEWORKS + LENS_FRAMEWORKS + TERRITORY_FRAMEWORKS
    tags = [
        ThemeTag(
            themes.at[tid, "slug"],
            localized(themes.at[tid, "name"], themes.at[tid, "lang"], themes.at[tid, "translations"], "name", lang).text,
            themes.at[tid, "framework"],
        )
        for tid in tagged
        if tid in themes.index
    ]
    tags.sort(key=lambda tag: (order.index(tag.framework) if tag.framework in order else 99, tag.slug))
    partner_ids = set(network.project_partners.loc[network.project_partners["project_id"] == pid, "city_id"])
    partners = network.cities[network.cities["id"].isin(partner_ids)]
    updated = row["updated_at"]
    return ProjectDetail(
        slug=row["slug"],
        source_lang=row["lang"],
        title=localized(row["title"], row["lang"], row["translations"], "title", lang),
        summary=localized(row["summary"], row["lang"], row["translations"], "summary", lang),
        city=NamedLink(row["city_slug"], row["city_name"]),
        country=row["country"],
        partners=[NamedLink(s, n) for s, n in zip(partners["slug"], partners["name"], strict=True)],
        themes=tags,
        status=row["status"],
        start_date=_date_or_none(row["start_date"]),
        end_date=_date_or_none(row["end_date"]),
        contact_name=row["contact_name"] or "",
        contact_email=row["contact_email"] or "",
        links=project_links(row["links"]),
        source=row["source"] or "",
        updated_at=None if pd.isna(updated) else pd.Timestamp(updated).to_pydatetime(),
    )
