"""/seminar through Streamlit's AppTest: slides by ?slide=N, Previous/Next, bad values, settings, calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import seminar_data
from tests.apptest import all_text, as_read, map_charts, run_page, stat_charts

PAGE = "pages/seminar.py"
TOTAL = 23  # slides of the seeded network


def _titles(at) -> list[str]:  # noqa: ANN001
    return [as_read(t.value) for t in at.title]


def _text(at) -> str:  # noqa: ANN001
    return as_read(all_text(at))


def _no_traceback(at) -> None:  # noqa: ANN001
    assert not at.exception, [e.value for e in at.exception]


def test_opens_on_the_title_slide(engine):
    at = run_page(PAGE)
    _no_traceback(at)
    assert _titles(at) == ["French–Swedish Alliance for sustainable urban development"]
    text = _text(at)
    assert f"Slide 1 of {TOTAL}" in text
    assert f"Annual seminar {dt.date.today().year}" in text


def test_slide_parameter_opens_that_slide(engine):
    at = run_page(PAGE, slide="7")
    _no_traceback(at)
    assert _titles(at) == ["Saint-Brieuc"]
    text = _text(at)
    assert f"Slide 7 of {TOTAL}" in text
    assert "Offers (ongoing work)" in text and "Experimentation on place de la Grille" in text


@pytest.mark.parametrize("bad", ["0", "-1", "999", "abc", "1.5", "%3Cscript%3E"])
def test_bad_slide_values_give_a_friendly_message_and_the_first_slide(engine, bad):
    at = run_page(PAGE, slide=bad)
    _no_traceback(at)
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 1
    assert warnings[0].startswith("There is no slide")
    assert f"this presentation has {TOTAL}" in warnings[0]
    assert _titles(at) == ["French–Swedish Alliance for sustainable urban development"]


def test_bad_slide_message_in_french(engine):
    at = run_page(PAGE, slide="999", lang="fr")
    assert [w.value for w in at.warning] == [
        "Il n'y a pas de diapositive « 999 » (cette présentation en compte 23). Voici la première."
    ]
    assert f"Diapositive 1 sur {TOTAL}" in _text(at)


def test_next_and_previous_move_through_the_slides_and_keep_the_address(engine):
    at = run_page(PAGE)
    assert at.button(key="seminar_prev").disabled
    at.button(key="seminar_next").click().run()
    _no_traceback(at)
    assert at.query_params["slide"] == "2"
    assert _titles(at) == ["The network at a glance"]
    at.button(key="seminar_next").click().run()
    assert _titles(at) == ["Themes and who works on them"]
    at.button(key="seminar_prev").click().run()
    assert at.query_params["slide"] == "2"
    assert _titles(at) == ["The network at a glance"]


def test_next_is_disabled_on_the_last_slide(engine):
    at = run_page(PAGE, slide=str(TOTAL))
    assert at.button(key="seminar_next").disabled
    assert _titles(at)[0].startswith("New since")


def test_pairing_slide_shows_the_reasons(engine):
    at = run_page(PAGE, slide="22", lang="sv")
    _no_traceback(at)
    assert _titles(at) == ["Saint-Brieuc och Malmö"]
    text = _text(at)
    assert "Varför detta par" in text and "Projekt att titta på" in text
    assert "Saint-Brieuc vill lära sig om" in text


def test_settings_in_the_address_set_host_filters_and_order(engine):
    at = run_page(PAGE, host="umea", year="2027")
    assert "Annual seminar 2027 · Umeå, Sweden" in _text(at)
    filtered = run_page(PAGE, country="SE", slide="4")
    assert _titles(filtered) == ["Borås"]  # first Swedish city comes right after the themes
    picked = run_page(PAGE, order="city:malmo,title")
    assert _titles(picked) == ["Malmö"]
    assert "Slide 1 of 2" in _text(picked)
    # Emptied, the slide order's box asks in the interface language (Streamlit's own words are English only).
    french = run_page(PAGE, lang="fr")
    assert french.multiselect(key="seminar_order").proto.placeholder == "Choisir un ou plusieurs"


def test_bad_settings_are_named_and_ignored(engine):
    at = run_page(PAGE, year="twenty", host="atlantis", since="2025-13-45", country="DE", theme="nope")
    _no_traceback(at)
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 5
    assert "“atlantis” is not a valid host city; it is ignored." in warnings
    assert "“2025-13-45” is not a valid date (use YYYY-MM-DD); it is ignored." in warnings
    assert _titles(at) == ["French–Swedish Alliance for sustainable urban development"]


def test_changing_the_country_setting_writes_the_address_and_restarts_at_slide_one(engine):
    at = run_page(PAGE, slide="5")
    at.selectbox(key="seminar_country").select("FR").run()
    _no_traceback(at)
    assert at.query_params["country"] == "FR"
    assert "slide" not in at.query_params
    assert f"Slide 1 of {TOTAL - 5 - 4}" in _text(at)  # Swedish cities and their 4 projects left out


def test_user_text_on_a_slide_is_shown_as_text(engine):
    seminar_data.add_project(engine, "umea-markup", "umea", "[Cliquez](http://evil.example) <b>gras</b>")
    at = run_page(PAGE, order="project:umea-markup")
    _no_traceback(at)
    (title,) = [t.value for t in at.title]
    # The title is inert, and tagged with its language: the page is in English, the title in French.
    assert title == "\\[Cliquez\\]\\(http\u2060\\://evil\\.example\\) \\<b\\>gras\\</b\\> :gray[(FR)]"
    assert _titles(at) == ["[Cliquez](http://evil.example) <b>gras</b> :gray[(FR)]"]


def test_calendar_view_lists_events_with_host_participants_and_outcomes(engine):
    seminar_data.add_event(
        engine,
        "seminar-2025-umea",
        title="Séminaire annuel 2025",
        start=dt.date(2025, 10, 2),
        host="umea",
        participants=("grenoble", "boras"),
        programme="Visite du campus.",
        outcomes="Trois binômes formés.",
    )
    at = run_page(PAGE, view="calendar", lang="fr")
    _no_traceback(at)
    text = _text(at)
    assert "Le calendrier du réseau" in text
    assert "Hôte : Umeå" in text
    assert "Participants : Borås, Grenoble" in text
    assert "Trois binômes formés." in text
    assert "Signature du Partenariat stratégique franco-suédois" in text
    assert len(stat_charts(at)) == 1 and not map_charts(at)  # the timeline, no map


def test_calendar_event_address_shows_that_event_and_unknown_ones_are_reported(engine):
    at = run_page(PAGE, view="calendar", event="partnership-2017-gothenburg")
    _no_traceback(at)
    assert "Event" in [h.value for h in at.header]
    missing = run_page(PAGE, view="calendar", event="no-such-event")
    _no_traceback(missing)
    assert [w.value for w in missing.warning] == ["There is no event “no-such-event” in the calendar."]


def test_an_empty_store_shows_a_short_presentation_and_a_hint(empty_engine):
    at = run_page(PAGE)
    _no_traceback(at)
    assert "The network has no member city yet" in _text(at)
    assert "Slide 1 of 4" in _text(at)
    calendar = run_page(PAGE, view="calendar")
    _no_traceback(calendar)
    assert "No event recorded yet." in _text(calendar)


def test_the_calendar_download_says_when_it_would_be_empty(engine):
    """The seeded network's only event is from 2017: the take-home calendar file holds no upcoming event, and says so."""
    at = run_page(PAGE)
    _no_traceback(at)
    assert "No upcoming event yet: the download holds an empty calendar." in [c.value for c in at.caption]


def test_take_home_files_offer_the_slides_as_powerpoint_and_pdf(engine):
    at = run_page(PAGE, lang="fr")
    _no_traceback(at)
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels[:3] == ["Diaporama (PowerPoint)", "Diaporama (PDF)", "Fiche du réseau (PDF)"], labels
