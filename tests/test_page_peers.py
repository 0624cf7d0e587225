"""The /peers page under AppTest: ranked peers with reasons, filters, comparison, pairings, bad input."""

from __future__ import annotations


import pandas as pd
import pytest
from sqlalchemy import select, update

from afus.db import write_session
from afus.models import City, CitySeek, Project, Theme
from tests.apptest import all_text, as_read, heatmap_rows, map_charts, open_chart_data, run_page, stat_charts, tables
from tests.peer_data import every_other_member_seeks

PAGE = "pages/peers.py"


def plain(at) -> str:  # noqa: ANN001
    """The page's text with markdown escapes removed (what a reader sees)."""
    return as_read(all_text(at))


def peer_names(at) -> list[str]:  # noqa: ANN001
    """Names on the peer cards (their headings), in page order."""
    return [el.value.split("\n")[0].removeprefix("### ").replace("\\", "") for el in at.markdown if el.value.startswith("### ")]


def links(at) -> list[tuple[str, str, str]]:  # noqa: ANN001
    """Every page link as (target page, query string, label)."""
    return [(el.proto.page, el.proto.query_string, as_read(el.proto.label)) for el in at.get("page_link")]


def card_scores(at) -> list[str]:  # noqa: ANN001
    """The score written on each peer card, in page order."""
    return [as_read(line.rsplit("**", 2)[-2]) for el in at.markdown if el.value.startswith("### ") for line in el.value.splitlines()[2:3]]


def test_ranked_peers_with_reasons_projects_and_scores(engine):
    at = run_page(PAGE, city="saint-brieuc")
    assert not at.exception
    assert peer_names(at) == ["Malmö", "Borås", "Umeå", "Gothenburg"]
    text = plain(at)
    assert "Best-matched cities for Saint-Brieuc" in text
    assert "Saint-Brieuc wants to learn about “Redesign of public spaces: uses for all and versatility”, which Gothenburg works on." in text
    # A capital or a territory is named as such ("Environmental" alone read as a theme).
    assert "Saint-Brieuc and Malmö both work on “environmental capital”: they can compare their practice." in text
    scores = card_scores(at)
    assert scores[0] == "Score 4.9" and len(scores) == 4
    assert scores == sorted(scores, key=lambda s: float(s.split()[-1]), reverse=True)
    assert "Sweden · French–Swedish pair (×1.5) · **Score 4.9**" in text  # the best card's line under its name
    project_links = [(q, label) for page, q, label in links(at) if page == "projects"]
    assert ("project=gothenburg-temporary-installation", "Temporary installation — Gothenburg (Ongoing)") in project_links
    assert ("peers", "city=saint-brieuc&with=umea") in [(p, q) for p, q, _ in links(at)]
    assert "No contact recorded yet" in text


def test_the_page_speaks_french_and_swedish(engine):
    fr = plain(run_page(PAGE, city="saint-brieuc", lang="fr"))
    assert "Villes les mieux assorties à Saint-Brieuc" in fr
    assert "Saint-Brieuc veut en savoir plus sur «\u00a0Le réaménagement des espaces publics" in fr
    assert "travaillent toutes deux sur «\u00a0territoire urbain\u00a0»" in fr
    sv = run_page(PAGE, city="saint-brieuc", lang="sv")
    assert "Städer som passar Saint-Brieuc bäst" in plain(sv)
    assert card_scores(sv)[0] == "Poäng 4,9"


def test_filters_other_country_and_theme(engine):
    assert peer_names(run_page(PAGE, city="malmo")) == ["Saint-Brieuc", "Gothenburg", "Umeå"]
    at = run_page(PAGE, city="malmo", other="1")
    assert peer_names(at) == ["Saint-Brieuc"]
    assert at.toggle(key="peers_other").value is True
    at = run_page(PAGE, city="saint-brieuc", theme="public-spaces")
    # On this theme alone the two cities score the same: ties go by name.
    assert peer_names(at) == ["Gothenburg", "Umeå"]
    assert at.selectbox(key="peers_theme").value == "public-spaces"


def test_widgets_write_the_url(engine):
    # Once a city is chosen, a change draws the result alone. AppTest's rerun of that
    # fragment knows no page for the cards' links (the browser tests check it): each
    # step runs the page again, as opening the URL it wrote does.
    at = run_page(PAGE, city="saint-brieuc")
    at.selectbox(key="peers_city").select("malmo").run()
    assert at.query_params["city"] in ("malmo", ["malmo"])
    at.run()
    assert not at.exception
    assert peer_names(at)[0] == "Saint-Brieuc"
    at.toggle(key="peers_other").set_value(True).run()
    assert at.query_params["other"] in ("1", ["1"])
    at.run()
    assert peer_names(at) == ["Saint-Brieuc"]


def test_choosing_the_first_city_draws_the_filters_and_the_result(engine):
    at = run_page(PAGE)
    assert "peers_theme" not in [box.key for box in at.selectbox]
    at.selectbox(key="peers_city").select("malmo").run()
    assert not at.exception
    assert at.query_params["city"] in ("malmo", ["malmo"])
    assert "peers_theme" in [box.key for box in at.selectbox]
    assert peer_names(at) == ["Saint-Brieuc", "Gothenburg", "Umeå"]


@pytest.mark.parametrize(("lang", "label"), [
    ("en", "Compare side by side with another city"),
    ("fr", "Comparer côte à côte avec une autre ville"),
    ("sv", "Jämför sida vid sida med en annan stad"),
])  # fmt: skip
def test_the_comparison_is_closed_until_asked_for(engine, lang, label):
    at = run_page(PAGE, city="saint-brieuc", lang=lang)
    [compare] = [e for e in at.expander if e.proto.id.endswith("peers_compare")]
    assert as_read(compare.label) == label
    assert "peers_with" not in [box.key for box in at.selectbox]  # closed: not sent
    at.session_state["peers_compare"] = True  # opened (the browser test clicks it)
    at.run()
    assert not at.exception
    offered = at.selectbox(key="peers_with").options
    assert at.selectbox(key="peers_with").value is None
    assert len(offered) == 9 and "Saint-Brieuc" not in offered


def test_compare_two_cities_side_by_side(engine):
    at = run_page(PAGE, city="saint-brieuc", **{"with": "malmo"})
    assert not at.exception
    text = plain(at)
    assert "Saint-Brieuc and Malmö side by side" in text
    assert "Works on (its projects)" in text and "Wants to learn about" in text
    # Saint-Brieuc's three tracks are what it wants to learn about.
    assert "Priority to renovating centres: energy efficiency and, more widely, circular economy" in text
    assert at.selectbox(key="peers_with").value == "malmo"
    offered = at.selectbox(key="peers_with").options  # as shown: city names
    assert "Malmö" in offered and "Saint-Brieuc" not in offered  # a city is not compared with itself
    assert ("projects", "project=saint-brieuc-place-de-la-grille") in [(p, q) for p, q, _ in links(at)]


def test_a_card_gives_the_five_strongest_reasons_and_the_comparison_all(engine):
    """Two cities that each want to learn about every theme: more reasons than a card shows."""
    with write_session(engine) as session:
        ids = {slug: city for slug, city in session.execute(select(City.slug, City.id))}
        declared = {(city, theme) for city, theme in session.execute(select(CitySeek.city_id, CitySeek.theme_id))}
        for theme in session.scalars(select(Theme.id)):
            for city in (ids["saint-brieuc"], ids["malmo"]):
                if (city, theme) not in declared:
                    session.add(CitySeek(city_id=city, theme_id=theme))
    at = run_page(PAGE, city="saint-brieuc")
    assert peer_names(at)[0] == "Malmö"
    [why] = [el.value for el in at.markdown if el.value.startswith("### ")][:1]
    reasons = [line for line in why.splitlines() if line.startswith("- ")]
    assert len(reasons) == 5
    [more] = [line for line in as_read(why).splitlines() if line.startswith("and ")]
    hidden = int(more.split()[1])
    assert hidden > 0 and more == f"and {hidden} more reasons: “Compare side by side” lists them all."
    compared = run_page(PAGE, city="saint-brieuc", **{"with": "malmo"})
    [listed] = [el.value for el in compared.markdown if el.value.startswith("- ")][:1]
    assert len(listed.splitlines()) == 5 + hidden


def test_compare_with_an_unknown_or_the_same_city(engine):
    at = run_page(PAGE, city="saint-brieuc", **{"with": "atlantis"})
    assert not at.exception
    assert "There is no city “atlantis” to compare with." in plain(at)
    at = run_page(PAGE, city="malmo", **{"with": "malmo"})
    assert "Choose two different cities to compare." in plain(at)


def test_unknown_city_gets_a_clear_message(engine):
    at = run_page(PAGE, city="<script>alert(1)</script>")
    assert not at.exception
    warning = at.warning[0].value
    assert "There is no city" in warning and "<script>" not in warning  # escaped, not HTML
    assert at.selectbox(key="peers_city").value is None
    assert "Choose your city" in plain(at)


def test_city_with_no_data_gets_suggestions_not_an_empty_page(engine):
    at = run_page(PAGE, city="paris", lang="fr")
    assert not at.exception
    text = plain(at)
    assert "Paris n'a encore ni projet ni thème déclaré" in text
    assert "les villes les plus actives sur les thèmes du réseau" in text
    suggested = [q for p, q, _ in links(at) if p == "peers"]
    assert "city=saint-brieuc" in suggested and "city=malmo" in suggested


def test_seminar_pairings_table_and_csv(engine):
    at = run_page(PAGE, lang="fr", section="pairings")
    tables_shown = tables(at)
    pairings = next(t for t in tables_shown if "Ville française" in t.columns)
    assert len(pairings) == 5
    first = pairings.iloc[0]
    assert (first["Ville française"], first["Ville suédoise"]) == ("Saint-Brieuc", "Malmö")
    assert "Saint-Brieuc veut en savoir plus sur" in first["Raisons"]
    # Scores read as on the cards and slides: one decimal.
    scores = pairings[next(c for c in pairings.columns if c.startswith("Score"))].astype(float)
    assert (scores == scores.round(1)).all() and (scores != scores.round(0)).any(), scores.tolist()
    assert at.get("download_button")[0].proto.label == "Télécharger les binômes (CSV)"


def test_new_data_is_matched_on_the_next_run(engine):
    # Paris declares it wants to learn about public spaces: it now has peers.
    with write_session(engine) as session:
        paris = session.scalar(select(City.id).where(City.slug == "paris"))
        theme = session.scalar(select(Theme.id).where(Theme.slug == "public-spaces"))
        session.add(CitySeek(city_id=paris, theme_id=theme))
    at = run_page(PAGE, city="paris")
    # Gothenburg and Umeå can teach it (x1.5, French–Swedish); Saint-Brieuc can
    # teach it and learn with it (1 + 0.5, same country): a three-way tie, by name.
    assert peer_names(at) == ["Gothenburg", "Saint-Brieuc", "Umeå"]
    assert "Paris wants to learn about “Redesign of public spaces" in plain(at)


def test_five_cards_first_then_the_others_on_request(engine):
    """Every member wants to learn about public spaces: Gothenburg has nine peers, five drawn at first."""
    every_other_member_seeks(engine, "public-spaces", "gothenburg")
    at = run_page(PAGE, city="gothenburg")
    first = peer_names(at)
    assert len(first) == 5
    assert "5 of 9 matched cities shown, best first." in plain(at)
    at.button(key="peers_more_button").click().run()
    assert peer_names(at)[:5] == first and len(peer_names(at)) == 9
    assert "9 of 9 matched cities shown" in plain(at)
    assert at.button(key="peers_more_button").label == "Show only the first 5"
    assert at.query_params["more"] in ("1", ["1"])  # the address says it: a shared link shows the same list
    assert len(peer_names(run_page(PAGE, city="gothenburg", more="1"))) == 9
    at.button(key="peers_more_button").click().run()
    assert peer_names(at) == first and "more" not in at.query_params
    at.button(key="peers_more_button").click().run()
    # Another list starts again with its first cards. (Each change draws the result alone,
    # then the page runs again: see test_widgets_write_the_url.)
    at.selectbox(key="peers_city").select("umea").run().run()
    assert "more" not in at.query_params
    at.selectbox(key="peers_city").select("gothenburg").run().run()
    assert len(peer_names(at)) == 5
    assert at.button(key="peers_more_button").label == "Show 4 more cities"


def test_user_text_is_never_rendered_as_markup(engine):
    with write_session(engine) as session:
        session.execute(
            update(Project)
            .where(Project.slug == "malmo-circular-economy")
            .values(translations={"en": {"title": "[win](http://evil.example) <b>bold</b>"}})
        )
    at = run_page(PAGE, city="saint-brieuc")
    labels = [label for page, _, label in links(at) if page == "projects"]
    raw = [el.proto.label for el in at.get("page_link") if el.proto.page == "projects"]
    assert "[win](http://evil.example) <b>bold</b> — Malmö (Ongoing)" in labels
    assert all("](http" not in r and "<b>" not in r for r in raw)


@pytest.mark.parametrize("lang", ["en", "fr", "sv"])
def test_the_whole_network_opens_on_request(engine, lang):
    at = run_page(PAGE, lang=lang)
    assert not at.exception
    assert "peers_with" not in [box.key for box in at.selectbox]  # "compare with" needs a city first
    [whole] = [e for e in at.expander if e.proto.id.endswith("peers_network")]
    assert not map_charts(at) and not stat_charts(at) and not at.tabs  # closed: nothing of it is sent
    # Opening it writes ?section=network (the browser test clicks it); the URL opens it.
    at = run_page(PAGE, lang=lang, section="network")
    assert not at.exception
    assert len(map_charts(at)) == 1 and not stat_charts(at)  # the network map: only the open section runs
    assert "7" in plain(at)  # "7 of 7 links shown" in every language


def test_an_unknown_section_in_the_url_opens_the_network_picture(engine):
    at = run_page(PAGE, section="nonsense")  # an old or mistyped link
    assert not at.exception and len(map_charts(at)) == 1 and not stat_charts(at)


def test_heatmap_section_from_the_url(engine):
    at = run_page(PAGE, city="saint-brieuc", section="heatmap")
    assert not at.exception
    assert not map_charts(at) and len(stat_charts(at)) == 1  # the heatmap: only the open section runs
    scores = next(df for df in tables(open_chart_data(at)) if "City" in df.columns)
    assert scores["City"].tolist() == ["Borås", "Gothenburg", "Malmö", "Saint-Brieuc", "Umeå"]
    by_city = scores.set_index("City")
    assert pd.isna(by_city.at["Malmö", "Malmö"]) and by_city.at["Malmö", "Saint-Brieuc"] == 4.9  # no self-pair; one decimal
    assert "Shown: 5 of the 5 cities with at least one possible pair" in plain(at)
    [heatmap] = stat_charts(at).values()
    rows = heatmap_rows(heatmap)
    assert all(rows[name][i] is None for i, name in enumerate(rows))  # a city with itself is not a pair: blank
    assert rows["Malmö"][3] == 4.9
    labels = {cell["label"]["formatter"] for cell in heatmap["series"][0]["data"]}
    assert "4.9" in labels
    [french] = stat_charts(run_page(PAGE, city="saint-brieuc", section="heatmap", lang="fr")).values()
    assert "4,9" in {cell["label"]["formatter"] for cell in french["series"][0]["data"]}  # as the cards write it


def test_a_theme_filter_beside_a_comparison_says_which_score_counts_what(engine):
    at = run_page(PAGE, city="saint-brieuc", theme="rural-development", other="1", **{"with": "boras"})
    assert not at.exception
    assert "Scores in this list count only “A new model of rural development" in as_read(all_text(at))
    assert "count only" not in as_read(all_text(run_page(PAGE, city="saint-brieuc", **{"with": "boras"})))
