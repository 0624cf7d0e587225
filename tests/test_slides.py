"""The seminar's slide list: order, content of each kind, filters, hand-picked order, "new since", addressing."""

from __future__ import annotations

import datetime as dt

import pytest

from afus.network import load_network
from afus.slides import (
    SettingProblem,
    SlideOptions,
    build_slides,
    default_since,
    headline,
    options_from_params,
    parse_picked,
    slide_index,
)
from tests import seminar_data

TODAY = dt.date(2026, 11, 21)
FRENCH = ["grenoble", "la-rochelle", "paris", "saint-brieuc", "strasbourg"]
SWEDISH = ["boras", "gothenburg", "linkoping", "malmo", "umea"]


def _options(**kw) -> SlideOptions:  # noqa: ANN003
    return SlideOptions(**{"year": 2026, "since": dt.date(2025, 1, 1), **kw})


def _by_key(slides) -> dict:  # noqa: ANN001
    return {s.key: s for s in slides}


def _texts(slide) -> list[str]:  # noqa: ANN001
    return [line.text for section in slide.sections for line in section.lines]


def test_seeded_network_gives_the_slides_in_presentation_order(engine):
    slides = build_slides(load_network(engine), _options(), "en")
    keys = [s.key for s in slides]
    assert keys[:3] == ["title", "glance", "themes"]
    # one per member city, France then Sweden, by name
    assert keys[3:13] == [f"city:{c}" for c in FRENCH + SWEDISH]
    # one per ongoing project (the seed's seven), then the pairings, then what is new
    assert [k for k in keys if k.startswith("project:")] == keys[13:20]
    assert len(keys[13:20]) == 7
    assert keys[20] == "pairings"
    assert keys[-1] == "new"
    assert len(slides) == 23


def test_title_slide_names_the_network_year_and_host_city(engine):
    network = load_network(engine)
    title = build_slides(network, _options(year=2027, host_slug="malmo"), "fr")[0]
    assert title.title == "Alliance pour le développement urbain durable"
    assert title.subtitle == "Séminaire annuel 2027 · Malmö, Suède"
    without_host = build_slides(network, _options(year=2027), "sv")[0]
    assert without_host.subtitle == "Årligt seminarium 2027"


def test_glance_slide_counts_members_by_country_and_ongoing_projects(engine):
    glance = _by_key(build_slides(load_network(engine), _options(), "en"))["glance"]
    stats = {s.label: s.value for s in glance.stats}
    assert stats["Member cities"] == "10"
    assert stats["France"] == "5" and stats["Sweden"] == "5"
    assert stats["Ongoing projects"] == "7"
    assert glance.chart == "map" and len(glance.city_ids) == 10
    assert "Borås, Gothenburg, Linköping, Malmö, Umeå" in _texts(glance)


def test_themes_slide_says_who_works_on_each_theme_and_who_wants_to_learn(engine):
    themes = _by_key(build_slides(load_network(engine), _options(), "en"))["themes"]
    rows = {r.slug: r for r in themes.theme_rows}
    assert rows["public-spaces"].offered_by == ("Gothenburg", "Saint-Brieuc", "Umeå")
    assert rows["public-spaces"].sought_by == ("Saint-Brieuc",)
    assert rows["innovation"].offered_by == ()
    line = next(x for x in _texts(themes) if x.startswith("Redesign of public spaces"))
    assert "ongoing work: Gothenburg, Saint-Brieuc, Umeå" in line
    assert "wants to learn: Saint-Brieuc" in line


def test_city_slide_shows_offers_seeks_and_ongoing_projects_in_the_asked_language(engine):
    slide = _by_key(build_slides(load_network(engine), _options(), "fr"))["city:saint-brieuc"]
    offers, seeks, projects = slide.sections
    assert offers.heading == "Propose (projets en cours)"
    offered = [line.text for line in offers.lines]
    assert "Le réaménagement des espaces publics" in offered  # headline of the track
    assert any(x.startswith("Angles : ") and "Alliance des territoires, reco. 1" in x for x in offered)
    assert [line.text for line in seeks.lines] == [
        "Le réaménagement des espaces publics",
        "Un nouveau modèle de développement rural",
        "La priorité à la rénovation des centres",
    ]
    assert sorted(line.text for line in projects.lines) == sorted(
        [
            "Expérimentation place de la Grille",
            "Un projet de territoire 2018 de « rupture »",
            "Une alliance ville campagne par l'agriculture de proximité et le paysage",
        ]
    )
    assert slide.subtitle == "France · 52\u202f774 habitants"  # French thousands separator


def test_city_without_activity_says_none_yet(engine):
    slide = _by_key(build_slides(load_network(engine), _options(), "en"))["city:paris"]
    assert [[line.text for line in s.lines] for s in slide.sections] == [["None yet."]] * 3


def test_project_slide_is_translated_or_marked_as_shown_in_its_original_language(engine):
    slides = _by_key(build_slides(load_network(engine), _options(), "sv"))
    grille = slides["project:saint-brieuc-place-de-la-grille"]
    assert grille.title == "Experiment på place de la Grille"
    assert grille.subtitle == "Saint-Brieuc · Pågående"
    assert grille.title_lang is None
    untranslated = slides["project:saint-brieuc-territorial-project-2018"]
    assert untranslated.title == "Un projet de territoire 2018 de « rupture »"
    assert untranslated.title_lang == "fr"  # the slide's title says so, not only the speaker notes
    assert "(FR)" in untranslated.notes


def test_pairings_come_from_the_peer_finder_with_reasons_in_plain_words(engine):
    slides = _by_key(build_slides(load_network(engine), _options(), "en"))
    overview = slides["pairings"]
    lines = _texts(overview)
    assert len(lines) == 5  # five French–Swedish pairs
    assert lines[0].startswith("Saint-Brieuc and Malmö — Saint-Brieuc wants to learn about")
    assert any("No shared theme yet" in x for x in lines[1:])
    pair = slides["pair:saint-brieuc:malmo"]
    assert pair.title == "Saint-Brieuc and Malmö"
    reasons, projects = pair.sections
    assert any("circular economy" in line.text and "Malmö" in line.text for line in reasons.lines)
    assert "A strong circular-economy ambition (Malmö)" in [line.text for line in projects.lines]
    # speaker notes: every reason, as sentences, never a catalogue key
    assert pair.notes.startswith("Why Saint-Brieuc and Malmö:")
    assert pair.notes.count("\n- ") == len(reasons.lines)
    assert "peers.reason" not in overview.notes + pair.notes
    # pairs with no shared theme get no slide of their own
    assert not [k for k in slides if k.startswith("pair:") and k != "pair:saint-brieuc:malmo"]


def test_country_filter_keeps_only_that_countrys_cities_and_projects(engine):
    keys = [s.key for s in build_slides(load_network(engine), _options(country="SE"), "en")]
    assert [k for k in keys if k.startswith("city:")] == [f"city:{c}" for c in SWEDISH]
    projects = [k for k in keys if k.startswith("project:")]
    assert projects and all(not k.startswith("project:saint-brieuc") for k in projects)
    assert {"title", "glance", "themes", "pairings", "new"} <= set(keys)


def test_theme_filter_keeps_cities_offering_or_seeking_it_and_its_projects(engine):
    slides = build_slides(load_network(engine), _options(theme_slug="public-spaces"), "en")
    keys = [s.key for s in slides]
    assert [k for k in keys if k.startswith("city:")] == ["city:saint-brieuc", "city:gothenburg", "city:umea"]
    assert sorted(k for k in keys if k.startswith("project:")) == [
        "project:gothenburg-temporary-installation",
        "project:saint-brieuc-place-de-la-grille",
        "project:umea-gender-approach",
    ]
    assert [r.slug for r in _by_key(slides)["themes"].theme_rows] == ["public-spaces"]


def test_hand_picked_order_shows_exactly_those_slides_in_that_order(engine):
    picked = parse_picked("city:malmo, title,no-such-slide,city:malmo,pairings")
    assert picked == ("city:malmo", "title", "no-such-slide", "city:malmo", "pairings")
    slides = build_slides(load_network(engine), _options(picked=picked), "en")
    assert [s.key for s in slides] == ["city:malmo", "title", "pairings"]
    # nothing recognisable: every slide rather than an empty presentation
    assert len(build_slides(load_network(engine), _options(picked=("nope",)), "en")) == 23


def test_new_since_lists_what_was_added_or_changed_after_the_date(engine):
    seminar_data.backdate_everything(engine, dt.datetime(2020, 1, 1))
    seminar_data.touch_city(engine, "malmo", dt.datetime(2025, 6, 1), profile="Nouveau profil")
    seminar_data.add_project(
        engine,
        "umea-new-square",
        "umea",
        "Une nouvelle place",
        themes=("public-spaces",),
        created_at=dt.datetime(2025, 7, 1),
    )
    slides = build_slides(load_network(engine), _options(since=dt.date(2025, 1, 1)), "en")
    new = _by_key(slides)["new"]
    assert new.title == "New since 1 January 2025"
    sections = {s.heading: [line.text for line in s.lines] for s in new.sections}
    assert sections["Projects"] == ["New: Une nouvelle place (Umeå)"]
    assert sections["Cities"] == ["Updated: Malmö"]
    assert sections["Events"] == ["Nothing new."]


def test_default_since_is_the_last_seminar_before_today(engine):
    network = load_network(engine)
    assert default_since(network, TODAY) == TODAY - dt.timedelta(days=365)  # no seminar in the seed
    seminar_data.add_event(engine, "seminar-2025", start=dt.date(2025, 10, 2), host="umea")
    seminar_data.add_event(engine, "seminar-2027", start=dt.date(2027, 10, 2), host="paris")
    assert default_since(load_network(engine), TODAY) == dt.date(2025, 10, 2)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, (0, True)),
        ("", (0, True)),
        ("1", (0, True)),
        ("23", (22, True)),
        (" 5 ", (4, True)),
        ("0", (0, False)),
        ("-1", (0, False)),
        ("24", (0, False)),
        ("999", (0, False)),
        ("abc", (0, False)),
        ("2.5", (0, False)),
    ],
)
def test_slide_index_reads_a_one_based_number_and_rejects_anything_else(raw, expected):
    assert slide_index(raw, 23) == expected


def test_settings_from_the_address_report_bad_values_and_keep_defaults(engine):
    network = load_network(engine)
    options, problems = options_from_params(
        {"year": "20x6", "host": "atlantis", "since": "yesterday", "country": "de", "theme": "nope", "order": "title"},
        network,
        TODAY,
    )
    assert problems == [
        SettingProblem("year", "20x6"),
        SettingProblem("host", "atlantis"),
        SettingProblem("since", "yesterday"),
        SettingProblem("country", "de"),
        SettingProblem("theme", "nope"),
    ]
    assert options == SlideOptions(year=2026, since=TODAY - dt.timedelta(days=365), picked=("title",))
    good, none = options_from_params(
        {"year": "2027", "host": "malmo", "since": "2025-03-01", "country": "se", "theme": "public-spaces"}, network, TODAY
    )
    assert none == []
    assert good == SlideOptions(2027, "malmo", dt.date(2025, 3, 1), "SE", "public-spaces")


def test_an_empty_network_still_gives_a_short_presentation(empty_engine):
    slides = build_slides(load_network(empty_engine), _options(), "fr")
    assert [s.key for s in slides] == ["title", "glance", "themes", "new"]


def test_headline_keeps_the_part_before_the_colon():
    assert headline("Redesign of public spaces: uses for all and versatility") == "Redesign of public spaces"
    assert headline("Le réaménagement des espaces publics : permettre les usages") == "Le réaménagement des espaces publics"
    assert headline("Innovation in all its forms") == "Innovation in all its forms"
