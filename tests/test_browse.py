"""What the overview, cities and themes pages show, computed from the seeded store.

Expected values are counted by hand from data/seed/*.yaml: 10 cities (5 FR,
5 SE), 7 ongoing projects (Saint-Brieuc 3; Gothenburg, Umeå, Borås, Malmö 1
each), Saint-Brieuc's 3 declared tracks, one event (17 November 2017, hosted
by Gothenburg).
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from afus import browse, db
from afus.models import City
from afus.network import load_network


@pytest.fixture(scope="module")
def network(seeded_network):
    return seeded_network


def test_counts_by_country(network):
    counts = browse.counts_by_country(network).set_index("country")
    assert counts.loc["FR"].tolist() == [5, 3]
    assert counts.loc["SE"].tolist() == [5, 4]


def test_counts_by_status_lists_every_status(network):
    counts = browse.counts_by_status(network)
    assert counts.to_dict("records") == [
        {"status": "planned", "projects": 0},
        {"status": "ongoing", "projects": 7},
        {"status": "completed", "projects": 0},
    ]


def test_projects_per_exchange_theme_keeps_themes_without_projects(network):
    counts = browse.projects_per_theme(network, "en", browse.EXCHANGE_FRAMEWORKS)
    assert list(zip(counts["slug"], counts["projects"], counts["cities"])) == [
        ("renovation-energy-efficiency", 0, 0),
        ("innovation", 0, 0),
        ("climate-equity", 0, 0),
        ("citizen-participation", 1, 1),
        ("sdg-indicators", 0, 0),
        ("public-spaces", 3, 3),
        ("rural-development", 2, 2),
        ("centre-renovation", 2, 2),
    ]
    assert counts["name"].iloc[0] == "Renovation and energy efficiency"


def test_theme_names_follow_the_language_with_source_fallback(network):
    by_slug = dict(zip(network.themes["id"].map(int), network.themes["slug"]))
    for lang, expected in (("fr", "Economique"), ("en", "Economic"), ("sv", "Ekonomiskt")):
        names = {by_slug[i]: n for i, n in browse.theme_names(network, lang).items()}
        assert names["capital-economic"] == expected
    # The recommendations have no Swedish translation: the French source is shown.
    sv = {by_slug[i]: n for i, n in browse.theme_names(network, "sv").items()}
    assert sv["rec-7-mobility"].startswith("Améliorer la mobilité urbaine")


def test_latest_ongoing_projects_newest_first(network):
    latest = browse.latest_ongoing_projects(network, limit=5)
    assert latest["slug"].tolist() == [
        "malmo-circular-economy",
        "boras-frugal-rural-lifestyles",
        "saint-brieuc-territorial-project-2018",
        "saint-brieuc-town-countryside-alliance",
        "umea-gender-approach",
    ]


def test_latest_ongoing_projects_leaves_out_completed_ones(engine):
    from afus.models import Project

    with db.write_session(engine) as session:
        session.execute(update(Project).where(Project.slug == "malmo-circular-economy").values(status="completed"))
    latest = browse.latest_ongoing_projects(load_network(engine), limit=10)
    assert "malmo-circular-economy" not in latest["slug"].tolist()
    assert len(latest) == 6


def test_event_agenda_has_no_upcoming_event_after_2017(network):
    agenda = browse.event_agenda(network, dt.date(2026, 1, 1))
    assert agenda.upcoming.empty
    assert agenda.past["slug"].tolist() == ["partnership-2017-gothenburg"]


def test_event_agenda_counts_the_day_itself_as_upcoming(network):
    agenda = browse.event_agenda(network, dt.date(2017, 11, 17))
    assert agenda.upcoming["slug"].tolist() == ["partnership-2017-gothenburg"]
    assert agenda.past.empty


def test_event_label_in_each_language(network):
    event = network.events.iloc[0]
    assert browse.event_label(event, "fr") == (
        "17 novembre 2017 — Partenariat : Signature du Partenariat stratégique franco-suédois "
        "pour l'innovation et les solutions vertes"
    )
    assert browse.event_label(event, "en").startswith("17 November 2017 — Partnership: Signing of the French–Swedish")
    assert browse.event_label(event, "sv").startswith("17 november 2017 — Partnerskap: Undertecknande")
    # A title that already says its kind does not get it twice; an undated event keeps the kind.
    webinar = {"kind": "webinar", "title": "Webbinarium: jämställd stadsplanering", "lang": "sv", "translations": {}, "start_date": dt.date(2026, 12, 3)}
    assert browse.event_label(webinar, "sv") == "3 december 2026 — Webbinarium: jämställd stadsplanering"
    undated = {"kind": "webinar", "title": "Mobilité douce", "lang": "fr", "translations": {}, "start_date": None}
    assert browse.event_label(undated, "fr") == "Webinaire : Mobilité douce"


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("Goteborg", "gothenburg"),
        ("göteborg", "gothenburg"),
        ("Umea", "umea"),
        ("UMEÅ", "umea"),
        ("st brieuc", "saint-brieuc"),
        ("St-Brieuc", "saint-brieuc"),
        ("saint brieuc", "saint-brieuc"),
        ("malmo", "malmo"),
        ("rochelle", "la-rochelle"),
        ("larochelle", "la-rochelle"),
        ("linkop", "linkoping"),
    ],
)
def test_city_search_ignores_case_accents_and_uses_aliases(network, query, slug):
    assert browse.city_directory(network, query)["slug"].tolist() == [slug]


def test_city_search_words_must_all_match(network):
    # "st" alone would also find Strasbourg; "st brieuc" must not.
    assert set(browse.city_directory(network, "st")["slug"]) == {"saint-brieuc", "strasbourg"}
    assert browse.city_directory(network, "xyz").empty
    assert len(browse.city_directory(network, "   ")) == 10
    # A country's name in any language finds its members.
    swedish = ["boras", "gothenburg", "linkoping", "malmo", "umea"]
    for country in ("Suède", "sverige", "SWEDEN"):
        assert browse.city_directory(network, country)["slug"].tolist() == swedish, country


def test_city_directory_by_country_sorted_by_name(network):
    assert browse.city_directory(network, country="FR")["slug"].tolist() == [
        "grenoble", "la-rochelle", "paris", "saint-brieuc", "strasbourg",
    ]  # fmt: skip
    every = browse.city_directory(network)
    assert every["slug"].tolist() == [
        "boras", "gothenburg", "grenoble", "la-rochelle", "linkoping",
        "malmo", "paris", "saint-brieuc", "strasbourg", "umea",
    ]  # fmt: skip
    assert dict(zip(every["slug"], every["ongoing"]))["saint-brieuc"] == 3
    assert browse.city_directory(network, "umea", country="FR").empty


def test_archived_city_leaves_the_directory(engine):
    with db.write_session(engine) as session:
        session.execute(update(City).where(City.slug == "paris").values(archived=True))
    network = load_network(engine)
    assert "paris" not in browse.city_directory(network)["slug"].tolist()
    assert browse.city_profile(network, "paris") is None


def test_saint_brieuc_profile(network):
    profile = browse.city_profile(network, "saint-brieuc")
    assert profile is not None
    offered = [(g.theme["slug"], g.projects["slug"].tolist()) for g in profile.offers]
    assert offered == [
        ("citizen-participation", ["saint-brieuc-town-countryside-alliance"]),
        ("public-spaces", ["saint-brieuc-place-de-la-grille"]),
        ("rural-development", ["saint-brieuc-town-countryside-alliance"]),
        ("centre-renovation", ["saint-brieuc-territorial-project-2018"]),
    ]
    assert profile.unthemed_ongoing.empty
    assert profile.seeks["slug"].tolist() == ["public-spaces", "rural-development", "centre-renovation"]
    grille = network.projects.set_index("slug").at["saint-brieuc-place-de-la-grille", "id"]
    assert [t["slug"] for t in profile.lenses_by_project[int(grille)]] == ["capital-social", "territory-urban"]
    assert profile.partners.empty
    assert profile.events_hosted.empty
    assert not profile.is_empty


def test_gothenburg_hosted_the_2017_partnership(network):
    profile = browse.city_profile(network, "gothenburg")
    assert profile.events_hosted["slug"].tolist() == ["partnership-2017-gothenburg"]
    assert [g.theme["slug"] for g in profile.offers] == ["public-spaces"]


def test_city_without_content_is_reported_empty(network):
    profile = browse.city_profile(network, "paris")
    assert profile.is_empty
    assert profile.offers == []


def test_unknown_city_has_no_profile(network):
    assert browse.city_profile(network, "atlantis") is None


def test_partners_are_seen_from_both_sides(engine):
    from afus.models import Project

    with db.write_session(engine) as session:
        grille = session.query(Project).filter_by(slug="saint-brieuc-place-de-la-grille").one()
        grille.partners.append(session.query(City).filter_by(slug="umea").one())
    network = load_network(engine)
    assert browse.city_profile(network, "saint-brieuc").partners["slug"].tolist() == ["umea"]
    assert browse.city_profile(network, "umea").partners["slug"].tolist() == ["saint-brieuc"]


def test_catalogue_grouped_by_framework(network):
    groups = browse.themes_by_framework(network, "fr")
    assert [(f, len(themes)) for f, themes in groups] == [
        ("afus_theme", 5),
        ("city_track", 3),
        ("alliance_recommendation", 8),
        ("resilience_capital", 5),
        ("territory", 3),
        ("sdg", 1),
    ]
    afus = groups[0][1]
    assert afus.iloc[0]["period"] == "2015–2016"
    assert afus.iloc[0]["name"] == "La rénovation et l'efficacité énergétique"


def test_theme_detail_public_spaces(network):
    detail = browse.theme_detail(network, "public-spaces")
    assert set(detail.projects["slug"]) == {
        "saint-brieuc-place-de-la-grille", "gothenburg-temporary-installation", "umea-gender-approach",
    }  # fmt: skip
    assert set(detail.cities["slug"]) == {"saint-brieuc", "gothenburg", "umea"}
    assert detail.cities["projects"].tolist() == [1, 1, 1]
    assert detail.seeking["slug"].tolist() == ["saint-brieuc"]


def test_theme_detail_events_and_unknown(network):
    assert browse.theme_detail(network, "innovation").events["slug"].tolist() == ["partnership-2017-gothenburg"]
    assert browse.theme_detail(network, "capital-human").projects.empty
    assert browse.theme_detail(network, "no-such-theme") is None


def test_city_theme_matrix_counts_projects(network):
    matrix = browse.city_theme_matrix(network, "en")
    assert matrix.shape == (10, 8)
    assert matrix.index.tolist()[:2] == ["Borås", "Gothenburg"]
    assert matrix.loc["Saint-Brieuc"].tolist() == [0, 0, 0, 1, 0, 1, 1, 1]
    assert matrix.loc["Malmö"].tolist() == [0, 0, 0, 0, 0, 0, 0, 1]
    assert matrix.loc["Paris"].sum() == 0
    assert int(matrix.to_numpy().sum()) == 8
    capitals = browse.city_theme_matrix(network, "sv", (browse.CAPITALS,))
    assert capitals.columns.tolist() == ["Mänskligt", "Socialt", "Ekonomiskt", "Kulturellt", "Miljömässigt"]
    assert capitals.loc["Umeå"].tolist() == [0, 1, 0, 0, 0]


def test_capital_balance_of_the_network(network):
    balance = browse.framework_balance(network, browse.CAPITALS, "en")
    assert list(zip(balance.counts["name"], balance.counts["projects"])) == [
        ("Human", 0), ("Social", 2), ("Economic", 0), ("Cultural", 0), ("Environmental", 2),
    ]  # fmt: skip
    assert (balance.total_projects, balance.untagged) == (7, 3)


def test_recommendation_balance_of_the_network(network):
    balance = browse.framework_balance(network, browse.RECOMMENDATIONS, "en")
    assert balance.counts["projects"].tolist() == [1, 1, 0, 0, 0, 1, 1, 0]
    assert (balance.total_projects, balance.untagged) == (7, 3)


def test_balance_of_one_city(network):
    capitals = browse.framework_balance(network, browse.CAPITALS, "fr", "saint-brieuc")
    assert capitals.counts["projects"].tolist() == [0, 1, 0, 0, 1]
    assert (capitals.total_projects, capitals.untagged) == (3, 1)
    recommendations = browse.framework_balance(network, browse.RECOMMENDATIONS, "fr", "saint-brieuc")
    assert recommendations.counts["projects"].tolist() == [1, 1, 0, 0, 0, 0, 0, 0]
    assert recommendations.untagged == 1
    paris = browse.framework_balance(network, browse.CAPITALS, "fr", "paris")
    assert (paris.total_projects, paris.untagged, paris.counts["projects"].sum()) == (0, 0, 0)


def test_browse_functions_leave_the_shared_frames_untouched(network):
    before = {name: getattr(network, name).copy() for name in ("cities", "themes", "projects", "events", "seeks")}
    browse.city_directory(network, "umea", "SE")
    browse.city_profile(network, "saint-brieuc")
    browse.theme_detail(network, "public-spaces")
    browse.city_theme_matrix(network, "fr")
    browse.framework_balance(network, browse.CAPITALS, "sv", "malmo")
    browse.event_agenda(network, dt.date(2026, 1, 1))
    browse.themes_by_framework(network, "en")
    for name, frame in before.items():
        assert getattr(network, name).equals(frame), name


def test_busiest_rows_keeps_the_order_of_the_matrix(network):
    matrix = browse.city_theme_matrix(network, "en")
    top = browse.busiest_rows(matrix, 3)
    # Saint-Brieuc has 4 tags on exchange themes; then Borås, Gothenburg (1 each, first by name).
    assert top.index.tolist() == ["Borås", "Gothenburg", "Saint-Brieuc"]
    assert browse.busiest_rows(matrix, 50) is matrix
