"""The network's calendar: events with host, participants and themes, the timeline, the .ics file."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar

from afus.calendar import event_path, event_views, events_ics, past, timeline_figure, upcoming
from afus.network import load_network
from tests import seminar_data

BASE = "http://127.0.0.1:8501"
PARTNERSHIP = "partnership-2017-gothenburg"


def _entries(data: bytes) -> list:
    return [c for c in Calendar.from_ical(data).walk() if c.name == "VEVENT"]


def _add_test_events(engine) -> None:  # noqa: ANN001
    seminar_data.add_event(
        engine,
        "seminar-2027-malmo",
        title="Séminaire annuel 2027",
        start=dt.date(2027, 5, 10),
        end=dt.date(2027, 5, 11),
        host="malmo",
        participants=("saint-brieuc", "umea"),
        themes=("public-spaces",),
        location="Malmö",
        programme="Jour 1 : visites de sites. Jour 2 : ateliers en binômes.",
        translations={"en": {"title": "Annual seminar 2027"}},
    )
    seminar_data.add_event(
        engine,
        "webinar-2027-circular",
        kind="webinar",
        title="Webinaire économie circulaire",
        start=dt.date(2027, 2, 3),
        host="grenoble",
    )
    seminar_data.add_event(
        engine,
        "seminar-2025-umea",
        title="Séminaire annuel 2025",
        start=dt.date(2025, 10, 2),
        end=dt.date(2025, 10, 3),
        host="umea",
        participants=("grenoble", "boras"),
        programme="Visite du campus.",
        outcomes="Trois binômes formés.",
    )


def test_the_seeded_partnership_is_in_the_calendar_with_host_and_theme(engine):
    views = event_views(load_network(engine), "en")
    assert [v.slug for v in views] == [PARTNERSHIP]
    event = views[0]
    assert event.start == dt.date(2017, 11, 17)
    assert event.host == "Gothenburg"
    assert event.themes == ("Innovation in all its forms",)
    assert event.title.startswith("Signing of the French–Swedish strategic partnership")


def test_the_seeded_partnership_gives_a_one_day_ics_entry_linking_back_to_it(engine):
    data = events_ics(load_network(engine), BASE, dt.date(2017, 11, 1), "en")
    (entry,) = _entries(data)
    assert entry.decoded("dtstart") == dt.date(2017, 11, 17)
    assert entry.decoded("dtend") == dt.date(2017, 11, 18)  # all-day: the end is exclusive
    assert str(entry["uid"]) == f"{PARTNERSHIP}@afus"
    assert str(entry["url"]) == f"{BASE}/seminar?view=calendar&event={PARTNERSHIP}&lang=en"
    assert str(entry["location"]) == "Göteborg"
    assert "Host: Gothenburg" in str(entry["description"])


def test_once_past_the_partnership_leaves_an_empty_but_valid_calendar(engine):
    data = events_ics(load_network(engine), BASE, dt.date(2026, 11, 21), "fr")
    cal = Calendar.from_ical(data)
    assert str(cal["version"]) == "2.0"
    assert str(cal["x-wr-calname"]) == "Le calendrier du réseau"
    assert _entries(data) == []


def test_ics_holds_only_upcoming_events_soonest_first(engine):
    _add_test_events(engine)
    data = events_ics(load_network(engine), BASE, dt.date(2026, 11, 21), "en")
    entries = _entries(data)
    assert [str(e["uid"]) for e in entries] == ["webinar-2027-circular@afus", "seminar-2027-malmo@afus"]
    seminar = entries[1]
    assert str(seminar["summary"]) == "Annual seminar 2027"
    assert seminar.decoded("dtstart") == dt.date(2027, 5, 10)
    assert seminar.decoded("dtend") == dt.date(2027, 5, 12)
    description = str(seminar["description"])
    assert "Host: Malmö" in description
    assert "Participants: Saint-Brieuc, Umeå" in description
    assert "Themes: Redesign of public spaces: uses for all and versatility" in description
    assert "Programme: Jour 1 : visites de sites." in description
    assert str(seminar["url"]).endswith("/seminar?view=calendar&event=seminar-2027-malmo&lang=en")
    assert [str(c) for c in seminar["categories"].cats] == ["Seminar"]


def test_an_event_running_today_is_still_upcoming(engine):
    _add_test_events(engine)
    views = event_views(load_network(engine), "en")
    on_second_day = dt.date(2027, 5, 11)
    assert "seminar-2027-malmo" in [v.slug for v in upcoming(views, on_second_day)]
    assert "seminar-2027-malmo" not in [v.slug for v in upcoming(views, dt.date(2027, 5, 12))]


def test_past_seminars_keep_their_programme_and_outcomes(engine):
    _add_test_events(engine)
    views = event_views(load_network(engine), "fr")
    earlier = past(views, dt.date(2026, 11, 21))
    assert [v.slug for v in earlier] == ["seminar-2025-umea", PARTNERSHIP]  # most recent first
    seminar = earlier[0]
    assert seminar.programme == "Visite du campus."
    assert seminar.outcomes == "Trois binômes formés."
    assert seminar.participants == ("Borås", "Grenoble")


def test_undated_events_are_listed_last_and_never_upcoming(engine):
    seminar_data.add_event(engine, "webinar-undated", kind="webinar", title="Webinaire à caler", start=None)
    views = event_views(load_network(engine), "fr")
    assert views[-1].slug == "webinar-undated"
    assert "webinar-undated" not in [v.slug for v in upcoming(views, dt.date(2000, 1, 1))]
    assert b"webinar-undated" not in events_ics(load_network(engine), BASE, dt.date(2000, 1, 1), "fr")


def test_timeline_puts_each_kind_on_its_own_row_with_details_on_hover(engine):
    _add_test_events(engine)
    views = event_views(load_network(engine), "en")
    option = timeline_figure(views, "en", dt.date(2026, 11, 21)).option
    rows = {series["name"]: series for series in option["series"]}
    assert set(rows) == {"Seminar", "Webinar", "Partnership"} and option["yAxis"]["data"] == list(rows)
    seminar = rows["Seminar"]
    assert sorted(point["value"][0] for point in seminar["data"]) == ["2025-10-02", "2027-05-10"]
    hover = " ".join(point["tooltip"]["formatter"] for point in seminar["data"]).replace("\n", " ")
    assert "Host: Malmö" in hover and "Participants: Saint-Brieuc, Umeå" in hover
    assert "Themes: Redesign of public spaces" in hover
    # Names run towards the middle, so the first and last events' names stay on the chart.
    places = {point["value"][0]: point["label"]["position"] for series in option["series"] for point in series["data"]}
    assert places["2017-11-17"] == "right" and places["2027-05-10"] == "left"
    # Today as a dotted line; years on the axis (ECharts would name months in English).
    assert option["series"][0]["markLine"]["data"] == [{"xAxis": "2026-11-21"}]
    assert option["xAxis"]["axisLabel"]["formatter"] == "{yyyy}"


def test_timeline_shows_user_text_as_text(engine):
    seminar_data.add_event(engine, "webinar-markup", kind="webinar", title="<b>Gras</b> & <script>x</script>", start=dt.date(2027, 1, 1))
    views = event_views(load_network(engine), "fr")
    option = timeline_figure(views, "fr", dt.date(2026, 11, 21)).option
    webinar = next(series for series in option["series"] if series["name"] == "Webinaire")
    # Drawn as SVG text and a text tooltip (no HTML anywhere): the title is shown as written.
    assert webinar["data"][0]["label"]["formatter"] == "<b>Gras</b> & <script>x</script>"
    assert webinar["data"][0]["tooltip"]["formatter"].startswith("<b>Gras</b> & <script>x</script>")
    assert option["tooltip"]["renderMode"] == "richText"


def test_event_path_is_the_seminar_calendar_address():
    assert event_path("seminar-2027-malmo") == "/seminar?view=calendar&event=seminar-2027-malmo"
    assert event_path("a b", "sv") == "/seminar?view=calendar&event=a+b&lang=sv"
