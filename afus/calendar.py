"""The network's calendar: events with host, participants and themes, a timeline, and an .ics file.

Pure functions over a :class:`~afus.network.Network`. An event's address is
``/seminar?view=calendar&event=<slug>`` (the seminar page shows it), so each
``.ics`` entry links back to it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from icalendar import Calendar
from icalendar import Event as IcsEvent

from afus.i18n import format_date, t
from afus.network import Network
from afus.slides import as_date, content_line
from afus.stat_charts import FONT_FAMILY, EChart, base_option, inert, tooltip_text

PRODID = "-//AFUS//Alliance pour le developpement urbain durable//EN"
KIND_COLOURS = {
    "seminar": "#0072B2",
    "webinar": "#009E73",
    "bilateral": "#D55E00",
    "partnership": "#CC79A7",
    "other": "#555555",
}


@dataclass(frozen=True)
class EventView:
    """One event as the calendar shows it, text already in the asked language."""

    slug: str
    kind: str
    title: str
    start: dt.date | None
    end: dt.date | None
    host: str
    participants: tuple[str, ...]
    themes: tuple[str, ...]
    location: str
    description: str
    programme: str
    outcomes: str
    untranslated_from: str | None  # source language when the title is shown untranslated
    changed_at: dt.datetime | None

    def is_upcoming(self, today: dt.date) -> bool:
        """Starts today or later, or is still running (undated events are not upcoming)."""
        last = self.end or self.start
        return last is not None and last >= today


def event_views(network: Network, lang: str) -> list[EventView]:
    """Every event, dated ones by start date, undated ones last."""
    cities = dict(zip(network.cities["id"].astype(int), network.cities["name"], strict=True))
    theme_names = {int(r["id"]): content_line(r, "name", lang).text for _, r in network.themes.iterrows()}
    views = []
    for _, event in network.events.iterrows():
        event_id = int(event["id"])
        host_id = event["host_city_id"]
        participant_ids = network.event_cities[network.event_cities["event_id"] == event_id]["city_id"]
        theme_ids = network.event_themes[network.event_themes["event_id"] == event_id]["theme_id"]
        title = content_line(event, "title", lang)
        changed = event["updated_at"]
        views.append(
            EventView(
                slug=str(event["slug"]),
                kind=str(event["kind"]),
                title=title.text,
                start=as_date(event["start_date"]),
                end=as_date(event["end_date"]),
                host=cities.get(int(host_id), "") if host_id == host_id and host_id is not None else "",
                participants=tuple(sorted(cities[int(c)] for c in participant_ids if int(c) in cities)),
                themes=tuple(theme_names[int(x)] for x in theme_ids if int(x) in theme_names),
                location=str(event["location"] or ""),
                description=content_line(event, "description", lang).text,
                programme=content_line(event, "programme", lang).text,
                outcomes=content_line(event, "outcomes", lang).text,
                untranslated_from=title.source_lang,
                changed_at=changed.to_pydatetime() if hasattr(changed, "to_pydatetime") else changed,
            )
        )
    return sorted(views, key=lambda v: (v.start is None, v.start or dt.date.max, v.slug))


def upcoming(views: list[EventView], today: dt.date) -> list[EventView]:
    """Events still to come (or running) on ``today``, soonest first."""
    return [v for v in views if v.is_upcoming(today)]


def past(views: list[EventView], today: dt.date) -> list[EventView]:
    """Dated events that are over, most recent first."""
    return sorted(
        [v for v in views if v.start is not None and not v.is_upcoming(today)],
        key=lambda v: v.start,
        reverse=True,
    )


def event_path(slug: str, lang: str | None = None) -> str:
    """The app-relative address of an event: ``/seminar?view=calendar&event=<slug>``."""
    params = {"view": "calendar", "event": slug}
    if lang:
        params["lang"] = lang
    return "/seminar?" + urlencode(params)


def event_url(base_url: str, slug: str, lang: str | None = None) -> str:
    """The absolute address of an event on the app served at ``base_url``."""
    return base_url.rstrip("/") + event_path(slug, lang)


def _describe(view: EventView, lang: str) -> str:
    parts = []
    if view.description:
        parts.append(view.description)
    if view.host:
        parts.append(t("calendar.host", lang, city=view.host))
    if view.participants:
        parts.append(t("calendar.participants", lang, cities=", ".join(view.participants)))
    if view.themes:
        parts.append(t("calendar.themes", lang, themes=" · ".join(view.themes)))
    if view.programme:
        parts.append(f"{t('calendar.programme', lang)}: {view.programme}")
    return "\n\n".join(parts)


def events_ics(network: Network, base_url: str, today: dt.date, lang: str) -> bytes:
    """An iCalendar file of the upcoming events; each entry's URL leads back to the event.

    All-day entries (``DTEND`` is the day after the last day, as RFC 5545
    says); the UID is stable (``<slug>@afus``) so a calendar that imports
    the file twice updates the entry instead of duplicating it.
    """
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", t("calendar.title", lang))
    for view in upcoming(event_views(network, lang), today):
        entry = IcsEvent()
        entry.add("uid", f"{view.slug}@afus")
        stamp = view.changed_at or dt.datetime.combine(today, dt.time())
        entry.add("dtstamp", stamp.replace(tzinfo=dt.timezone.utc))
        entry.add("dtstart", view.start)
        entry.add("dtend", (view.end or view.start) + dt.timedelta(days=1))
        entry.add("summary", view.title)
        if view.location:
            entry.add("location", view.location)
        entry.add("description", _describe(view, lang))
        entry.add("url", event_url(base_url, view.slug, lang))
        entry.add("categories", [t(f"event.{view.kind}", lang)])
        cal.add_component(entry)
    return cal.to_ical()


def timeline_figure(views: list[EventView], lang: str, today: dt.date, *, height: int = 320) -> EChart:
    """Dated events on a time axis, one row per kind, with host, participants and themes on hover; a dotted line at today."""
    dated = [v for v in views if v.start is not None]
    # A name is written towards the middle of the axis (right of an early event, left of a late
    # one): centred on an event at the axis' end, its first or last letters were cut off.
    ends = [v.start for v in dated] + [today]
    first, last = min(ends), max(ends)
    middle = first + (last - first) / 2
    margin = dt.timedelta(days=max(30, (last - first).days // 20))
    kinds = [kind for kind in KIND_COLOURS if any(v.kind == kind for v in dated)]
    labels = [t(f"event.{kind}", lang) for kind in kinds]
    series = []
    for row, kind in enumerate(kinds):
        data = []
        for v in (v for v in dated if v.kind == kind):
            details = [format_date(v.start, lang)]
            if v.host:
                details.append(t("calendar.host", lang, city=v.host))
            if v.participants:
                details.append(t("calendar.participants", lang, cities=", ".join(v.participants)))
            if v.themes:
                details.append(t("calendar.themes", lang, themes=" · ".join(v.themes)))
            data.append(
                {
                    "value": [v.start.isoformat(), row],
                    "name": inert(v.title),
                    "label": {"formatter": inert(_short(v.title)), "position": "right" if v.start < middle else "left"},
                    "tooltip": {"formatter": tooltip_text(*(inert(x) for x in [v.title, *details]))},
                }
            )
        series.append(
            {
                "type": "scatter",
                "name": labels[row],
                "symbol": "diamond",
                "symbolSize": 18,
                "itemStyle": {"color": KIND_COLOURS[kind], "borderColor": "#FFFFFF", "borderWidth": 1},
                "label": {"show": True, "fontSize": 16, "fontFamily": FONT_FAMILY, "distance": 8},
                "data": data,
            }
        )
    if series:  # today, as a dotted line across the rows
        series[0]["markLine"] = {
            "symbol": "none",
            "silent": True,
            "label": {"show": False},
            "lineStyle": {"type": "dotted", "color": "#444444", "width": 1.5},
            "data": [{"xAxis": today.isoformat()}],
        }
    option = {
        **base_option(16),
        "grid": {"left": 8, "right": 24, "top": 24, "bottom": 30, "containLabel": True},
        "xAxis": {
            "type": "time",
            "min": (first - margin).isoformat(),
            "max": (last + margin).isoformat(),
            # Years only: ECharts would name months and days in English.
            "axisLabel": {"formatter": "{yyyy}", "fontSize": 16, "fontFamily": FONT_FAMILY},
            "minInterval": 365 * 24 * 3600 * 1000,
            "splitLine": {"show": False},
        },
        "yAxis": {
            "type": "category",
            "data": labels,
            "axisLabel": {"fontSize": 16, "fontFamily": FONT_FAMILY},
            "axisTick": {"show": False},
        },
        "series": series,
    }
    return EChart(option, height=height)


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
