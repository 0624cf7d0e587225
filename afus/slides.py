"""The seminar's slides, built from a :class:`~afus.network.Network` (pure: no Streamlit, no store).

One ordered list of :class:`Slide` feeds the ``/seminar`` page, the PPTX deck
and the tests. A slide holds text already in the asked language (interface
strings from the catalogue, content through :func:`afus.i18n.localized`) and
says which chart goes with it; the renderers only lay it out.

Slide keys are stable and readable (``title``, ``glance``, ``themes``,
``city:malmo``, ``project:<slug>``, ``pairings``, ``pair:<fr>:<se>``,
``projects:more``, ``new``), so a hand-picked order is just a list of keys.

A large network has thousands of ongoing projects: only the
:data:`MAX_PROJECT_SLIDES` most recently updated (after the country/theme
filters) get a slide of their own, the others are summarised on one slide.
:func:`outline` gives the slide list (keys, kinds, titles) without building
the slides; :func:`build_slide` builds one slide by its key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import pandas as pd

from afus import matching
from afus.i18n import format_date, format_number, localized, t
from afus.network import Network

# Frameworks shown on the "themes and who works on them" slide: the network's
# own exchange themes and the tracks cities put forward. The other lenses
# (recommendations, resilience capitals, territory, SDG) stay on city and
# project slides.
MAIN_FRAMEWORKS = ("afus_theme", "city_track")
FRAMEWORK_ORDER = (
    "afus_theme",
    "city_track",
    "alliance_recommendation",
    "resilience_capital",
    "territory",
    "sdg",
)
# Cities or projects named on one line before "and N more": keeps a slide
# readable from the back of a room without scrolling.
MAX_NAMES_PER_LINE = 6
MAX_LINES_PER_SECTION = 8
SUMMARY_CHARS = 420
# Project slides in one deck: a seminar talk holds a few dozen; beyond that the
# most recently updated ones keep a slide and the rest are summarised.
MAX_PROJECT_SLIDES = 30
MORE_PROJECTS_KEY = "projects:more"


@dataclass(frozen=True)
class Line:
    """One line of slide text; ``source_lang`` is set when content is shown untranslated."""

    text: str
    source_lang: str | None = None


def line_text(line: Line) -> str:
    """A line as the take-home files write it: an untranslated one ends with its language ("… [FR]")."""
    return f"{line.text} [{line.source_lang.upper()}]" if line.source_lang else line.text


@dataclass(frozen=True)
class Section:
    heading: str
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Stat:
    label: str
    value: str


@dataclass(frozen=True)
class Slide:
    """One slide: stable ``key``, text in the asked language, and which chart goes with it.

    ``chart`` is ``None``, ``"map"`` (member cities; ``city_ids`` highlighted)
    or ``"themes"`` (cities offering/seeking each main theme, from ``theme_rows``).
    ``notes`` are the speaker notes (the reasons behind a pairing).
    ``title_lang`` is set when the title is shown untranslated (its language).
    """

    key: str
    kind: str
    title: str
    subtitle: str = ""
    title_lang: str | None = None
    stats: tuple[Stat, ...] = ()
    sections: tuple[Section, ...] = ()
    chart: str | None = None
    city_ids: tuple[int, ...] = ()
    theme_rows: tuple[ThemeRow, ...] = ()
    notes: str = ""


@dataclass(frozen=True)
class ThemeRow:
    """A main theme with the cities that offer it (ongoing project) and seek it."""

    slug: str
    name: str
    offered_by: tuple[str, ...]
    sought_by: tuple[str, ...]


@dataclass(frozen=True)
class SlideOptions:
    """What the presenter chose: title-slide facts, the "new since" date, filters and order."""

    year: int
    host_slug: str | None = None
    since: dt.date | None = None
    country: str | None = None  # "FR" or "SE": only that country's city and project slides
    theme_slug: str | None = None  # only cities and projects working on (or seeking) that theme
    picked: tuple[str, ...] = ()  # hand-picked slide keys, in order; empty = every slide


@dataclass(frozen=True)
class SlideRef:
    """A slide's place in the deck without its content: what the slide list and the counter need."""

    key: str
    kind: str
    title: str


@dataclass(frozen=True)
class Outline:
    """Every slide's key, kind and title in presentation order (before the hand-picked order).

    ``projects_total`` ongoing projects pass the filters; ``projects_shown`` of
    them have a slide of their own (the rest are on the ``projects:more`` slide).
    """

    refs: tuple[SlideRef, ...]
    projects_total: int
    projects_shown: int

    @property
    def capped(self) -> bool:
        return self.projects_shown < self.projects_total


# --- small helpers ----------------------------------------------------------------

# Derived tables of one network snapshot, shared by every slide built from it.
# Keyed on the identity of the frames they come from (frames are read-only),
# and checked against them, so a new snapshot never gets a stale table.
_MEMO: dict[tuple, tuple[tuple[object, ...], object]] = {}
_MEMO_MAX = 64


def _memo(kind: str, frames: tuple[object, ...], extra: object, compute):  # noqa: ANN001, ANN202
    key = (kind, tuple(id(f) for f in frames), extra)
    hit = _MEMO.get(key)
    if hit is not None and all(a is b for a, b in zip(hit[0], frames, strict=True)):
        return hit[1]
    value = compute()
    if len(_MEMO) >= _MEMO_MAX:
        _MEMO.clear()
    _MEMO[key] = (frames, value)
    return value


def content_line(row: pd.Series | dict, field_name: str, lang: str) -> Line:
    """Content ``field_name`` of a row in ``lang`` (translation or source), as a slide line."""
    loc = localized(row[field_name], row["lang"], row.get("translations"), field_name, lang)
    return Line(loc.text, loc.lang if loc.fallback else None)


def _names(names: Sequence[str], lang: str) -> str:
    names = list(names)
    if not names:
        return t("common.none_inline", lang)
    if len(names) > MAX_NAMES_PER_LINE:
        rest = len(names) - MAX_NAMES_PER_LINE
        return ", ".join(names[:MAX_NAMES_PER_LINE]) + " " + t("seminar.and_more", lang, n=rest)
    return ", ".join(names)


def clip(text: str, limit: int = SUMMARY_CHARS) -> str:
    """``text`` on one line, cut on a word boundary to ``limit`` characters with an ellipsis."""
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _cap(lines: list[Line], lang: str, limit: int = MAX_LINES_PER_SECTION) -> tuple[Line, ...]:
    if len(lines) <= limit:
        return tuple(lines)
    return tuple(lines[: limit - 1]) + (Line(t("seminar.and_more", lang, n=len(lines) - limit + 1)),)


def ongoing_projects(network: Network) -> pd.DataFrame:
    """Projects with status ``ongoing`` (the network is about ongoing work), by city then title."""
    def compute() -> pd.DataFrame:
        frame = network.projects[network.projects["status"] == "ongoing"]
        return frame.sort_values(["city_name", "title"], kind="stable")

    return _memo("ongoing", (network.projects,), None, compute)


def offers_by_city(network: Network) -> dict[int, set[int]]:
    """City id -> ids of the themes it offers (tagged on one of its ongoing projects)."""
    def compute() -> dict[int, set[int]]:
        ongoing = ongoing_projects(network)[["id", "city_id"]]
        tagged = ongoing.merge(network.project_themes, left_on="id", right_on="project_id")
        result: dict[int, set[int]] = {int(c): set() for c in network.cities["id"]}
        for city_id, theme_id in zip(tagged["city_id"], tagged["theme_id"], strict=True):
            result.setdefault(int(city_id), set()).add(int(theme_id))
        return result

    return _memo("offers", (network.projects, network.project_themes, network.cities), None, compute)


def seeks_by_city(network: Network) -> dict[int, set[int]]:
    """City id -> ids of the themes it has declared it wants to learn about."""
    def compute() -> dict[int, set[int]]:
        result: dict[int, set[int]] = {int(c): set() for c in network.cities["id"]}
        for city_id, theme_id in zip(network.seeks["city_id"], network.seeks["theme_id"], strict=True):
            result.setdefault(int(city_id), set()).add(int(theme_id))
        return result

    return _memo("seeks", (network.seeks, network.cities), None, compute)


def _theme_names(network: Network, theme_ids: Iterable[int], lang: str) -> dict[str, list[Line]]:
    """Framework -> localized theme names, in the catalogue's framework and position order."""
    ids = set(int(i) for i in theme_ids)
    grouped: dict[str, list[Line]] = {}
    for entry in _theme_table(network, lang):
        if entry.id in ids:
            grouped.setdefault(entry.framework, []).append(entry.name)
    return grouped


@dataclass(frozen=True)
class _ThemeEntry:
    id: int
    framework: str
    position: int
    name: Line


def _theme_table(network: Network, lang: str) -> tuple[_ThemeEntry, ...]:
    """Every theme with its name in ``lang``, in framework then position order (computed once per snapshot)."""

    def compute() -> tuple[_ThemeEntry, ...]:
        order = {f: i for i, f in enumerate(FRAMEWORK_ORDER)}
        entries = [
            _ThemeEntry(int(r["id"]), str(r["framework"]), int(r["position"]), content_line(r, "name", lang))
            for _, r in network.themes.iterrows()
        ]
        return tuple(sorted(entries, key=lambda e: (order.get(e.framework, len(order)), e.position, e.id)))

    return _memo("themes", (network.themes,), lang, compute)


def theme_lines(network: Network, theme_ids: Iterable[int], lang: str) -> list[Line]:
    """One line per framework: ``"Framework: A · B · C"`` (readable and compact).

    The framework is named by its headline ("The Alliance of Territories",
    not "…: 8 recommendations"), so a line has one colon.
    """
    lines = []
    for framework, names in _theme_names(network, theme_ids, lang).items():
        label = headline(t(f"framework.{framework}", lang))
        untranslated = next((n.source_lang for n in names if n.source_lang), None)
        lines.append(Line(t("common.labelled", lang, label=label, value=" · ".join(n.text for n in names)), untranslated))
    return lines


def headline(name: str) -> str:
    """A theme name's headline: the part before its first colon (``"Redesign of public spaces: uses…"``)."""
    for separator in (" : ", ": "):
        if separator in name:
            return name.split(separator, 1)[0].strip()
    return name


def compact_theme_lines(network: Network, theme_ids: Iterable[int], lang: str) -> list[Line]:
    """Slide-sized theme lines: one per main theme (its headline), then one line of lenses.

    Lenses (recommendations, resilience capitals, territory, SDG) are short
    words on a single line, so a city with many tags still fits on a slide.
    """
    ids = set(int(i) for i in theme_ids)
    chosen = [entry for entry in _theme_table(network, lang) if entry.id in ids]
    lines = [
        Line(headline(e.name.text), e.name.source_lang) for e in chosen if e.framework in MAIN_FRAMEWORKS
    ]
    lenses = []
    for entry in chosen:
        if entry.framework == "alliance_recommendation":
            lenses.append(t("seminar.lens.recommendation", lang, n=entry.position))
        elif entry.framework not in MAIN_FRAMEWORKS:
            lenses.append(headline(entry.name.text))
    if lenses:
        lines.append(Line(t("common.labelled", lang, label=t("seminar.lenses", lang), value=" · ".join(lenses))))
    return lines


def _city_name(network: Network, city_id: int) -> str:
    rows = network.cities[network.cities["id"] == city_id]
    return "" if rows.empty else str(rows.iloc[0]["name"])


def as_date(value: object) -> dt.date | None:
    """A date from a frame cell (date, datetime, Timestamp), ``None`` for empty cells."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


# --- the "new since" default and slide addressing -------------------------------------------


def default_since(network: Network, today: dt.date) -> dt.date:
    """The start of the last seminar before ``today``; a year before ``today`` when there was none."""
    events = network.events
    past = [
        d for d, kind in zip(events["start_date"].map(as_date), events["kind"], strict=True)
        if kind == "seminar" and d is not None and d < today
    ]
    return max(past) if past else today - dt.timedelta(days=365)


def slide_index(raw: str | None, count: int) -> tuple[int, bool]:
    """0-based index for a 1-based ``?slide=`` value, and whether the value was valid.

    Missing means the first slide (valid); anything that is not a whole number
    between 1 and ``count`` gives the first slide and ``False``.
    """
    if raw is None or str(raw).strip() == "":
        return 0, True
    try:
        number = int(str(raw).strip())
    except ValueError:
        return 0, False
    if 1 <= number <= count:
        return number - 1, True
    return 0, False


# --- the slides ---------------------------------------------------------------------------


def title_slide(network: Network, options: SlideOptions, lang: str) -> Slide:
    host = network.city_by_slug(options.host_slug) if options.host_slug else None
    if host is not None:
        country = t(f"country.{host['country']}", lang)
        subtitle = t("seminar.title.subtitle_host", lang, year=options.year, host=host["name"], country=country)
    else:
        subtitle = t("seminar.title.subtitle", lang, year=options.year)
    return Slide(
        key="title",
        kind="title",
        title=_title_text(lang),
        subtitle=subtitle,
        sections=(Section("", (Line(t("seminar.title.tagline", lang)),)),),
        chart=None,
        city_ids=(int(host["id"]),) if host is not None else (),
    )


def glance_slide(network: Network, lang: str) -> Slide:
    cities = network.cities
    ongoing = ongoing_projects(network)
    offering = {c for c, themes in offers_by_city(network).items() if themes}
    stats = (
        Stat(t("seminar.glance.cities", lang), format_number(len(cities), lang)),
        Stat(t("country.FR", lang), format_number(int((cities["country"] == "FR").sum()), lang)),
        Stat(t("country.SE", lang), format_number(int((cities["country"] == "SE").sum()), lang)),
        Stat(t("seminar.glance.ongoing", lang), format_number(len(ongoing), lang)),
        Stat(t("seminar.glance.offering", lang), format_number(len(offering), lang)),
        Stat(
            t("seminar.glance.themes", lang),
            format_number(int(network.themes["framework"].isin(MAIN_FRAMEWORKS).sum()), lang),
        ),
    )
    sections = []
    for country in ("FR", "SE"):
        names = cities[cities["country"] == country]["name"].tolist()
        sections.append(Section(t(f"country.{country}", lang), (Line(", ".join(names) or t("common.none", lang)),)))
    return Slide(
        key="glance",
        kind="glance",
        title=t("seminar.glance.title", lang),
        stats=stats,
        sections=tuple(sections),
        chart="map",
        city_ids=tuple(int(c) for c in cities["id"]),
    )


def theme_rows(network: Network, lang: str, theme_slug: str | None = None) -> tuple[ThemeRow, ...]:
    """The main themes (or only ``theme_slug``) with the cities offering and seeking each."""
    offers = offers_by_city(network)
    seeks = seeks_by_city(network)
    names = dict(zip(network.cities["id"].astype(int), network.cities["name"], strict=True))
    themes = network.themes
    if theme_slug:
        themes = themes[themes["slug"] == theme_slug]
    else:
        themes = themes[themes["framework"].isin(MAIN_FRAMEWORKS)]
    rows = []
    for _, theme in themes.iterrows():
        theme_id = int(theme["id"])
        rows.append(
            ThemeRow(
                slug=str(theme["slug"]),
                name=content_line(theme, "name", lang).text,
                offered_by=tuple(sorted(names[c] for c, ids in offers.items() if theme_id in ids and c in names)),
                sought_by=tuple(sorted(names[c] for c, ids in seeks.items() if theme_id in ids and c in names)),
            )
        )
    return tuple(rows)


def themes_slide(network: Network, lang: str, theme_slug: str | None = None) -> Slide:
    rows = theme_rows(network, lang, theme_slug)
    lines = []
    for row in rows:
        parts = [t("seminar.themes.offered_by", lang, cities=_names(row.offered_by, lang))]
        if row.sought_by:
            parts.append(t("seminar.themes.sought_by", lang, cities=_names(row.sought_by, lang)))
        lines.append(Line(f"{headline(row.name)} — " + " · ".join(parts)))
    return Slide(
        key="themes",
        kind="themes",
        title=t("seminar.themes.title", lang),
        sections=(Section("", _cap(lines, lang, limit=10)),),
        chart="themes",
        theme_rows=rows,
    )


def city_slide(network: Network, city: pd.Series, lang: str) -> Slide:
    city_id = int(city["id"])
    ongoing = ongoing_projects(network)
    projects = ongoing[ongoing["city_id"] == city_id]
    offer_lines = compact_theme_lines(network, offers_by_city(network).get(city_id, set()), lang)
    seek_lines = compact_theme_lines(network, seeks_by_city(network).get(city_id, set()), lang)
    project_lines = [content_line(p, "title", lang) for _, p in projects.iterrows()]
    none = [Line(t("common.none", lang))]
    subtitle = t(f"country.{city['country']}", lang)
    if city["population"] == city["population"] and city["population"] is not None:
        subtitle += " · " + t("seminar.city.population", lang, n=format_number(int(city["population"]), lang))
    return Slide(
        key=f"city:{city['slug']}",
        kind="city",
        title=str(city["name"]),
        subtitle=subtitle,
        sections=(
            Section(t("seminar.city.offers", lang), _cap(offer_lines or none, lang)),
            Section(t("seminar.city.seeks", lang), _cap(seek_lines or none, lang)),
            Section(t("seminar.city.projects", lang), _cap(project_lines or none, lang)),
        ),
        chart="map",
        city_ids=(city_id,),
    )


def project_slide(network: Network, project: pd.Series, lang: str) -> Slide:
    project_id = int(project["id"])
    theme_ids = network.project_themes[network.project_themes["project_id"] == project_id]["theme_id"]
    partner_ids = network.project_partners[network.project_partners["project_id"] == project_id]["city_id"]
    partners = [_city_name(network, int(c)) for c in partner_ids]
    title = content_line(project, "title", lang)
    summary = content_line(project, "summary", lang)
    sections = [Section("", (Line(clip(summary.text), summary.source_lang),))]
    sections.append(Section(t("seminar.project.themes", lang), _cap(compact_theme_lines(network, theme_ids, lang), lang)))
    facts = []
    if partners:
        facts.append(Line(t("seminar.project.partners", lang, cities=", ".join(partners))))
    start = as_date(project.get("start_date"))
    if start:
        facts.append(Line(t("seminar.project.since", lang, date=format_date(start, lang))))
    if project.get("contact_name"):
        facts.append(Line(t("seminar.project.contact", lang, name=project["contact_name"])))
    if facts:
        sections.append(Section(t("seminar.project.facts", lang), tuple(facts)))
    subtitle = f"{project['city_name']} · {t('status.' + str(project['status']), lang)}"
    return Slide(
        key=f"project:{project['slug']}",
        kind="project",
        title=title.text,
        title_lang=title.source_lang,
        subtitle=subtitle,
        sections=tuple(sections),
        chart="map",
        city_ids=(int(project["city_id"]), *(int(c) for c in partner_ids)),
        notes=t("seminar.notes.untranslated", lang, lang_code=title.source_lang.upper()) if title.source_lang else "",
    )


def new_since_slide(network: Network, since: dt.date, lang: str) -> Slide:
    """Projects, cities and events created or changed on or after ``since``."""
    start = pd.Timestamp(since)

    def split(frame: pd.DataFrame, label_of) -> tuple[list[Line], list[Line]]:  # noqa: ANN001
        created = frame[frame["created_at"] >= start]
        changed = frame[(frame["created_at"] < start) & (frame["updated_at"] >= start)]
        return [label_of(r) for _, r in created.iterrows()], [label_of(r) for _, r in changed.iterrows()]

    def project_label(row: pd.Series) -> Line:
        title = content_line(row, "title", lang)
        return Line(f"{title.text} ({row['city_name']})", title.source_lang)

    sections = []
    for heading_key, frame, label in (
        ("seminar.new.projects", network.projects, project_label),
        ("seminar.new.cities", network.cities, lambda r: Line(str(r["name"]))),
        ("seminar.new.events", network.events, lambda r: content_line(r, "title", lang)),
    ):
        created, changed = split(frame, label)
        lines = [Line(t("seminar.new.added", lang, what=line.text), line.source_lang) for line in created]
        lines += [Line(t("seminar.new.changed", lang, what=line.text), line.source_lang) for line in changed]
        sections.append(Section(t(heading_key, lang), _cap(lines or [Line(t("seminar.new.nothing", lang))], lang)))
    return Slide(
        key="new",
        kind="new",
        title=_new_title(since, lang),
        sections=tuple(sections),
    )


def cities_shown(network: Network, options: SlideOptions) -> pd.DataFrame:
    """Member cities with a slide (France then Sweden, by name), after the country/theme filters."""
    cities = network.cities.sort_values(["country", "name"])
    if options.country:
        cities = cities[cities["country"] == options.country]
    if options.theme_slug:
        theme = network.theme_by_slug(options.theme_slug)
        if theme is None:
            return cities.iloc[0:0]
        theme_id = int(theme["id"])
        offers, seeks = offers_by_city(network), seeks_by_city(network)
        working = [
            theme_id in offers.get(int(c), set()) or theme_id in seeks.get(int(c), set()) for c in cities["id"]
        ]
        cities = cities[working]
    return cities


def projects_passing(network: Network, options: SlideOptions) -> pd.DataFrame:
    """Ongoing projects (by city then title) in the chosen country and tagged with the chosen theme."""
    projects = ongoing_projects(network)
    if options.country:
        projects = projects[projects["country"] == options.country]
    if options.theme_slug:
        theme = network.theme_by_slug(options.theme_slug)
        if theme is None:
            return projects.iloc[0:0]
        tagged = network.project_themes[network.project_themes["theme_id"] == int(theme["id"])]["project_id"]
        projects = projects[projects["id"].isin(tagged)]
    return projects


def projects_shown(network: Network, options: SlideOptions) -> pd.DataFrame:
    """The projects with a slide of their own: all that pass the filters, or the
    :data:`MAX_PROJECT_SLIDES` most recently updated of them (kept in city then title order)."""

    def compute() -> pd.DataFrame:
        passing = projects_passing(network, options)
        if len(passing) <= MAX_PROJECT_SLIDES:
            return passing
        recent = passing.sort_values("updated_at", ascending=False, kind="stable", na_position="last")
        return passing[passing.index.isin(recent.index[:MAX_PROJECT_SLIDES])]

    extra = (options.country, options.theme_slug)
    return _memo("projects_shown", (network.projects, network.project_themes, network.themes), extra, compute)


def more_projects_slide(network: Network, options: SlideOptions, lang: str) -> Slide:
    """The ongoing projects without a slide of their own, summarised by country and by city."""
    passing = projects_passing(network, options)
    shown = projects_shown(network, options)
    rest = passing[~passing.index.isin(shown.index)]
    by_country = [
        Line(t("common.labelled", lang, label=t(f"country.{c}", lang), value=format_number(int(n), lang)))
        for c, n in rest["country"].value_counts().sort_index().items()
    ]
    counts = rest.groupby("city_name").size().sort_values(ascending=False, kind="stable")
    by_city = [
        Line(t("common.labelled", lang, label=str(name), value=format_number(int(n), lang)))
        for name, n in counts.head(MAX_LINES_PER_SECTION - 1).items()
    ]
    if len(counts) > MAX_LINES_PER_SECTION - 1:
        by_city.append(Line(t("seminar.and_more", lang, n=len(counts) - MAX_LINES_PER_SECTION + 1)))
    return Slide(
        key=MORE_PROJECTS_KEY,
        kind="more",
        title=_more_title(len(rest), lang),
        subtitle=t("seminar.more.subtitle", lang, n=format_number(len(shown), lang)),
        sections=(
            Section(t("seminar.more.by_country", lang), tuple(by_country) or (Line(t("common.none", lang)),)),
            Section(t("seminar.more.by_city", lang), tuple(by_city) or (Line(t("common.none", lang)),)),
        ),
    )


def _more_title(count: int, lang: str) -> str:
    return t("seminar.more.title", lang, n=format_number(count, lang))


def _title_text(lang: str) -> str:
    return t("app.network", lang)


def _new_title(since: dt.date, lang: str) -> str:
    return t("seminar.new.title", lang, date=format_date(since, lang))


def _since(network: Network, options: SlideOptions) -> dt.date:
    return options.since or default_since(network, dt.date.today())


def _pair_name(names: matching.Names, pairing: matching.Pairing, lang: str) -> str:
    return t(
        "seminar.pair.title",
        lang,
        a=names.cities.get(pairing.french_id, "?"),
        b=names.cities.get(pairing.swedish_id, "?"),
    )


def pairing_notes(pairing: matching.Pairing, names: matching.Names, lang: str) -> str:
    """Speaker notes for a pairing: every reason behind it, one per line, in plain words."""
    head = t(
        "seminar.pair.notes",
        lang,
        a=names.cities.get(pairing.french_id, "?"),
        b=names.cities.get(pairing.swedish_id, "?"),
    )
    reasons = [f"- {matching.describe_reason(r, names, lang)}" for r in pairing.reasons]
    return "\n".join([head, *(reasons or [f"- {t('seminar.pair.no_reason', lang)}"])])


def _pair_key(network: Network, pairing: matching.Pairing) -> str:
    slugs = _city_slugs(network)
    return f"pair:{slugs[pairing.french_id]}:{slugs[pairing.swedish_id]}"


def _city_slugs(network: Network) -> dict[int, str]:
    return _memo(
        "slugs",
        (network.cities,),
        None,
        lambda: dict(zip(network.cities["id"].astype(int), network.cities["slug"].astype(str), strict=True)),
    )


def pairings_overview_slide(
    network: Network, lang: str, pairings: Sequence[matching.Pairing], names: matching.Names
) -> Slide:
    """Every proposed pair on one slide (first reason each), every reason in the speaker notes."""
    overview_lines = []
    for pairing in pairings:
        first = (
            matching.describe_reason(pairing.reasons[0], names, lang)
            if pairing.reasons
            else t("seminar.pair.no_reason", lang)
        )
        overview_lines.append(Line(f"{_pair_name(names, pairing, lang)} — {first}"))
    return Slide(
        key="pairings",
        kind="pairings",
        title=t("seminar.pairings.title", lang),
        sections=(Section("", _cap(overview_lines or [Line(t("seminar.pairings.none", lang))], lang, limit=10)),),
        notes="\n\n".join(pairing_notes(p, names, lang) for p in pairings),
    )


def pair_slide(network: Network, pairing: matching.Pairing, names: matching.Names, lang: str) -> Slide:
    """One proposed pair: its score, every reason and the projects behind them."""
    reasons = [Line(matching.describe_reason(r, names, lang)) for r in pairing.reasons]
    project_ids: list[int] = []
    for reason in pairing.reasons:
        for pid in (*reason.projects_a, *reason.projects_b):
            if pid not in project_ids:
                project_ids.append(pid)
    rows = network.projects[network.projects["id"].isin(project_ids)]
    by_id = {int(r["id"]): r for _, r in rows.iterrows()}
    projects = []
    for pid in project_ids:
        if pid in by_id:
            title = content_line(by_id[pid], "title", lang)
            projects.append(Line(f"{title.text} ({by_id[pid]['city_name']})", title.source_lang))
    return Slide(
        key=_pair_key(network, pairing),
        kind="pair",
        title=_pair_name(names, pairing, lang),
        subtitle=t("seminar.pair.score", lang, score=matching.format_score(pairing.score, lang)),
        sections=(
            Section(t("seminar.pair.reasons", lang), _cap(reasons, lang)),
            Section(t("seminar.pair.projects", lang), _cap(projects or [Line(t("common.none", lang))], lang)),
        ),
        chart="map",
        city_ids=(pairing.french_id, pairing.swedish_id),
        notes=pairing_notes(pairing, names, lang),
    )


def pairing_slides(network: Network, lang: str, inputs: matching.MatchInputs | None = None) -> list[Slide]:
    """The proposed French–Swedish pairings (one overview slide) and one slide per pair with a match.

    Pairs and reasons come from :func:`afus.matching.seminar_pairings`; the
    speaker notes carry every reason in plain words.
    """
    inputs = inputs if inputs is not None else matching.inputs_from_network(network)
    pairings = matching.seminar_pairings(inputs)
    names = matching.names_from_network(network, lang)
    slides = [pairings_overview_slide(network, lang, pairings, names)]
    slides.extend(pair_slide(network, p, names, lang) for p in pairings if p.score > 0)
    return slides


def outline(
    network: Network,
    options: SlideOptions,
    lang: str,
    inputs: matching.MatchInputs | None = None,
) -> Outline:
    """Every slide's key, kind and title in presentation order, without building the slides.

    Order: title, the network at a glance, themes, one per city (France then
    Sweden), one per ongoing project (at most :data:`MAX_PROJECT_SLIDES`, the
    others on one summary slide), the pairings, what is new since. The
    hand-picked order is not applied (see :func:`pick`).
    """
    refs = [
        SlideRef("title", "title", _title_text(lang)),
        SlideRef("glance", "glance", t("seminar.glance.title", lang)),
        SlideRef("themes", "themes", t("seminar.themes.title", lang)),
    ]
    cities = cities_shown(network, options)
    refs += [SlideRef(f"city:{slug}", "city", str(name)) for slug, name in zip(cities["slug"], cities["name"], strict=True)]
    total = len(projects_passing(network, options))
    shown = projects_shown(network, options)
    refs += [
        SlideRef(f"project:{p['slug']}", "project", content_line(p, "title", lang).text) for _, p in shown.iterrows()
    ]
    if len(shown) < total:
        refs.append(SlideRef(MORE_PROJECTS_KEY, "more", _more_title(total - len(shown), lang)))
    if not network.cities.empty:
        inputs = inputs if inputs is not None else matching.inputs_from_network(network)
        pairings = matching.seminar_pairings(inputs)
        names = matching.names_from_network(network, lang)
        refs.append(SlideRef("pairings", "pairings", t("seminar.pairings.title", lang)))
        refs += [
            SlideRef(_pair_key(network, p), "pair", _pair_name(names, p, lang)) for p in pairings if p.score > 0
        ]
    refs.append(SlideRef("new", "new", _new_title(_since(network, options), lang)))
    return Outline(tuple(refs), projects_total=total, projects_shown=len(shown))


def build_slide(
    network: Network,
    key: str,
    options: SlideOptions,
    lang: str,
    inputs: matching.MatchInputs | None = None,
) -> Slide | None:
    """The slide with ``key`` (a key of :func:`outline`), built on its own; ``None`` for an unknown key."""
    if key == "title":
        return title_slide(network, options, lang)
    if key == "glance":
        return glance_slide(network, lang)
    if key == "themes":
        return themes_slide(network, lang, options.theme_slug)
    if key == "new":
        return new_since_slide(network, _since(network, options), lang)
    if key == MORE_PROJECTS_KEY:
        return more_projects_slide(network, options, lang)
    kind, _, rest = key.partition(":")
    if kind == "city":
        rows = network.cities[network.cities["slug"] == rest]
        return city_slide(network, rows.iloc[0], lang) if not rows.empty else None
    if kind == "project":
        rows = ongoing_projects(network)
        rows = rows[rows["slug"] == rest]
        return project_slide(network, rows.iloc[0], lang) if not rows.empty else None
    if kind in ("pairings", "pair") and not network.cities.empty:
        inputs = inputs if inputs is not None else matching.inputs_from_network(network)
        pairings = matching.seminar_pairings(inputs)
        names = matching.names_from_network(network, lang)
        if kind == "pairings":
            return pairings_overview_slide(network, lang, pairings, names)
        for pairing in pairings:
            if pairing.score > 0 and _pair_key(network, pairing) == key:
                return pair_slide(network, pairing, names, lang)
    return None


def build_slides(
    network: Network,
    options: SlideOptions,
    lang: str,
    inputs: matching.MatchInputs | None = None,
) -> list[Slide]:
    """Every slide of :func:`outline`, built, after the hand-picked order (for the deck and the tests).

    ``inputs`` are the matching inputs of the same snapshot (built when not given).
    """
    if not network.cities.empty and inputs is None:
        inputs = matching.inputs_from_network(network)
    refs = pick(outline(network, options, lang, inputs).refs, options.picked)
    built = (build_slide(network, ref.key, options, lang, inputs) for ref in refs)
    return [slide for slide in built if slide is not None]


_Keyed = TypeVar("_Keyed", Slide, SlideRef)


def pick(slides: Sequence[_Keyed], picked: Sequence[str]) -> list[_Keyed]:
    """The slides named in ``picked``, in that order (unknown keys skipped); all of them when empty."""
    if not picked:
        return list(slides)
    by_key = {s.key: s for s in slides}
    seen: set[str] = set()
    chosen = []
    for key in picked:
        if key in by_key and key not in seen:
            chosen.append(by_key[key])
            seen.add(key)
    return chosen or list(slides)


def parse_picked(raw: str | None) -> tuple[str, ...]:
    """A ``?order=`` value (comma-separated slide keys) as a tuple of keys."""
    if not raw:
        return ()
    return tuple(k.strip() for k in raw.split(",") if k.strip())


# --- settings from the page address --------------------------------------------------

SETTING_PARAMS = ("year", "host", "since", "country", "theme", "order")
YEAR_RANGE = (2000, 2100)


@dataclass(frozen=True)
class SettingProblem:
    """A query parameter whose value was not understood (and was ignored)."""

    param: str
    value: str


def options_from_params(
    params: Mapping[str, str | None], network: Network, today: dt.date
) -> tuple[SlideOptions, list[SettingProblem]]:
    """Slide options from ``?year=&host=&since=&country=&theme=&order=``; bad values are reported and ignored."""
    problems: list[SettingProblem] = []

    def value(name: str) -> str | None:
        raw = params.get(name)
        raw = raw.strip() if isinstance(raw, str) else None
        return raw or None

    year = today.year
    if (raw := value("year")) is not None:
        if raw.isdigit() and YEAR_RANGE[0] <= int(raw) <= YEAR_RANGE[1]:
            year = int(raw)
        else:
            problems.append(SettingProblem("year", raw))
    host = value("host")
    if host is not None and network.city_by_slug(host) is None:
        problems.append(SettingProblem("host", host))
        host = None
    since = None
    if (raw := value("since")) is not None:
        try:
            since = dt.date.fromisoformat(raw)
        except ValueError:
            problems.append(SettingProblem("since", raw))
    country = value("country")
    if country is not None and country.upper() not in ("FR", "SE"):
        problems.append(SettingProblem("country", country))
        country = None
    theme = value("theme")
    if theme is not None and network.theme_by_slug(theme) is None:
        problems.append(SettingProblem("theme", theme))
        theme = None
    options = SlideOptions(
        year=year,
        host_slug=host,
        since=since or default_since(network, today),
        country=country.upper() if country else None,
        theme_slug=theme,
        picked=parse_picked(value("order")),
    )
    return options, problems
