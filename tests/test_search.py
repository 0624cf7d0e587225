"""Search: case, accents, ligatures, elisions, aliases, AND of words, on the seeded store and on small frames."""

from __future__ import annotations

import pandas as pd
import pytest

from afus.network import Network, load_network
from afus.search import (
    city_haystacks,
    haystack_text,
    matches,
    project_index,
    query_terms,
    search_cities,
    search_projects,
)


def tiny_network(projects: list[dict], themes: list[dict] | None = None, tags: list[tuple[int, int]] = ()) -> Network:
    """A network from a few hand-written rows (pure data, no store)."""
    cities = pd.DataFrame(
        [
            {"id": 1, "slug": "gothenburg", "name": "Gothenburg", "country": "SE", "aliases": "Göteborg|Goteborg"},
            {"id": 2, "slug": "umea", "name": "Umeå", "country": "SE", "aliases": "Umea"},
            {"id": 3, "slug": "la-rochelle", "name": "La Rochelle", "country": "FR", "aliases": ""},
        ]
    )
    rows = []
    for i, p in enumerate(projects, start=1):
        rows.append(
            {"id": i, "slug": f"p{i}", "city_id": p.get("city_id", 3), "title": p["title"],
             "summary": p.get("summary", ""), "lang": p.get("lang", "fr"), "translations": p.get("translations", {})}
        )
    themes_frame = pd.DataFrame(themes or [], columns=["id", "slug", "name", "lang", "translations", "framework"])
    empty = pd.DataFrame()
    return Network(
        1, cities, themes_frame, pd.DataFrame(rows),
        pd.DataFrame(list(tags), columns=["project_id", "theme_id"]),
        pd.DataFrame(columns=["project_id", "city_id"]), empty, empty, empty, empty,
    )


def found_titles(network: Network, query: str) -> list[str]:
    return list(search_projects(network, query)["title"])


# --- query normalisation ----------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("Umeå", ["umea"]),
        ("GÖTEBORG", ["goteborg"]),
        ("économie circulaire", ["economie", "circulaire"]),
        ("Cœur", ["coeur"]),
        ("l'énergie", ["energie"]),
        ("L’Énergie d’abord", ["energie", "abord"]),  # curly apostrophes
        ("qu'il", ["il"]),
        ("a-b", ["a", "b"]),
        ("town–countryside", ["town", "countryside"]),
        ("   ", []),
        ("", []),
        (None, []),
    ],
)
def test_query_terms_fold_case_accents_ligatures_and_elisions(query, terms):
    assert query_terms(query) == terms


def test_haystack_keeps_words_apart_and_findable_by_their_start():
    hay = pd.Series([haystack_text(["Cœur de ville", None, "l'énergie"])])
    assert hay.iloc[0] == " coeur de ville l energie "
    assert matches(hay, "coeur").all() and matches(hay, "cœur").all()
    assert matches(hay, "ener").all()  # a word start matches
    assert not matches(hay, "nergie").any()  # the middle of a word does not


# --- on small, hand-written projects ------------------------------------------------


def test_coeur_and_cœur_are_the_same_word_both_ways():
    net = tiny_network([{"title": "Cœur de ville"}, {"title": "Coeur de quartier"}, {"title": "Place"}])
    assert found_titles(net, "coeur") == ["Cœur de ville", "Coeur de quartier"]
    assert found_titles(net, "CŒUR") == ["Cœur de ville", "Coeur de quartier"]


def test_elided_article_does_not_hide_the_word():
    net = tiny_network([{"title": "Maîtrise de l'énergie"}, {"title": "Énergie locale"}, {"title": "Eau"}])
    assert found_titles(net, "l'énergie") == ["Maîtrise de l'énergie", "Énergie locale"]
    assert found_titles(net, "energie") == ["Maîtrise de l'énergie", "Énergie locale"]


def test_hyphenated_query_matches_spaced_and_hyphenated_text():
    net = tiny_network([{"title": "Alliance ville-campagne"}, {"title": "Ville et campagne"}, {"title": "Ville"}])
    assert found_titles(net, "ville-campagne") == ["Alliance ville-campagne", "Ville et campagne"]
    assert found_titles(net, "ville campagne") == ["Alliance ville-campagne", "Ville et campagne"]


def test_every_word_must_match():
    net = tiny_network([{"title": "Économie circulaire"}, {"title": "Économie sociale"}, {"title": "Déchets circulaires"}])
    assert found_titles(net, "economie circulaire") == ["Économie circulaire"]
    assert found_titles(net, "economie") == ["Économie circulaire", "Économie sociale"]
    assert found_titles(net, "economie inexistant") == []


def test_empty_query_returns_every_project_in_order():
    net = tiny_network([{"title": "B"}, {"title": "A"}])
    assert found_titles(net, "") == ["B", "A"]
    assert found_titles(net, "  ,  ") == ["B", "A"]


def test_city_names_aliases_translations_and_theme_names_are_searched():
    net = tiny_network(
        [
            {"title": "Installation provisoire", "city_id": 1},
            {"title": "Approche par le genre", "city_id": 2,
             "translations": {"en": {"title": "Gender approach"}, "sv": {"title": "Genusperspektiv"}}},
            {"title": "Quai", "city_id": 3},
        ],
        themes=[{"id": 7, "slug": "rural", "name": "Rural", "lang": "en",
                 "translations": {"fr": {"name": "Rural"}, "sv": {"name": "Landsbygd"}}, "framework": "territory"}],
        tags=[(3, 7)],
    )
    assert found_titles(net, "Göteborg") == ["Installation provisoire"]
    assert found_titles(net, "goteborg") == ["Installation provisoire"]
    assert found_titles(net, "gothenburg") == ["Installation provisoire"]
    assert found_titles(net, "Umea") == ["Approche par le genre"]
    assert found_titles(net, "genusperspektiv") == ["Approche par le genre"]
    assert found_titles(net, "landsbygd") == ["Quai"]
    assert found_titles(net, "la rochelle quai") == ["Quai"]


def test_special_characters_are_not_patterns():
    net = tiny_network([{"title": "Plan (2017) [v1] *test* 50%"}, {"title": "Autre"}])
    assert found_titles(net, "(2017)") == ["Plan (2017) [v1] *test* 50%"]
    assert found_titles(net, ".*") == ["Plan (2017) [v1] *test* 50%", "Autre"]  # no word: no narrowing
    assert found_titles(net, "50%") == ["Plan (2017) [v1] *test* 50%"]


def test_index_is_built_once_per_snapshot():
    net = tiny_network([{"title": "A"}])
    assert project_index(net) is project_index(net)
    other = tiny_network([{"title": "A"}])
    assert project_index(other) is not project_index(net)


def test_a_query_asked_again_is_answered_from_the_snapshot(monkeypatch):
    """The same words in another order or case give the kept answer; new words read the haystacks."""
    from afus import search

    net = tiny_network([{"title": "Économie circulaire"}, {"title": "Mobilité"}])
    index = project_index(net)
    first = index.matching_ids("economie circulaire")
    reads = []
    monkeypatch.setattr(search, "matches", lambda *args: reads.append(args) or pytest.fail("read again"))
    assert index.matching_ids("Circulaire ÉCONOMIE") is first
    monkeypatch.undo()
    assert list(index.matching_ids("mobilite")) != list(first)
    for n in range(search.RECENT_QUERIES + 1):  # older answers make room for newer ones
        index.matching_ids(f"word{n}")
    assert len(index._recent) == search.RECENT_QUERIES


# --- on the seeded store (the seeds' own wording) -------------------------------------


@pytest.fixture
def network(engine) -> Network:
    return load_network(engine)


def slugs(network: Network, query: str) -> set[str]:
    return set(search_projects(network, query)["slug"])


def test_umea_without_ring_finds_umea_project(network):
    assert slugs(network, "Umea") == {"umea-gender-approach"}
    assert slugs(network, "umeå") == {"umea-gender-approach"}


def test_goteborg_with_or_without_umlaut_finds_gothenburg(network):
    assert slugs(network, "Goteborg") == {"gothenburg-temporary-installation"}
    assert slugs(network, "Göteborg") == {"gothenburg-temporary-installation"}


def test_economie_circulaire_without_accents_finds_the_accented_text(network):
    # Malmö's project says "économie circulaire"; Saint-Brieuc's 2018 project mentions it in its summary.
    assert slugs(network, "economie circulaire") == {"malmo-circular-economy", "saint-brieuc-territorial-project-2018"}
    assert slugs(network, "ÉCONOMIE CIRCULAIRE") == slugs(network, "economie circulaire")


def test_alias_st_brieuc_and_hyphenated_name(network):
    expected = {"saint-brieuc-place-de-la-grille", "saint-brieuc-town-countryside-alliance", "saint-brieuc-territorial-project-2018"}
    assert slugs(network, "St. Brieuc") == expected
    assert slugs(network, "saint-brieuc") == expected


def test_english_translation_is_searched(network):
    assert slugs(network, "temporary installation") == {"gothenburg-temporary-installation"}


def test_unknown_word_finds_nothing(network):
    assert slugs(network, "xylophone") == set()


def test_city_search_by_alias_and_without_accents(network):
    cities = network.cities
    assert list(search_cities(cities, "goteborg")["slug"]) == ["gothenburg"]
    assert list(search_cities(cities, "Linkoping")["slug"]) == ["linkoping"]
    assert list(search_cities(cities, "MALMO")["slug"]) == ["malmo"]
    assert len(search_cities(cities, "")) == 10
    assert city_haystacks(cities).index.tolist() == cities["id"].tolist()


def test_fast_fold_equals_the_reference_definition():
    """afus.text.fold strips marks with one regex; it must equal the per-character definition."""
    import random
    import unicodedata

    from afus.text import fold

    ligatures = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ø": "o", "Ø": "o", "đ": "d", "ł": "l"})

    def reference(value: str) -> str:
        value = unicodedata.normalize("NFKD", value.translate(ligatures))
        return "".join(ch for ch in value if not unicodedata.combining(ch)).casefold()

    rng = random.Random(11)
    samples = ["Cœur Umeå", "Göteborg", "l’énergie", "ÉCONOMIE", "ﬁn", "ẞ", "Ωμέγα", "a\u0301\u0301b", "Straße", ""]
    for _ in range(3000):
        samples.append("".join(
            chr(rng.choice([rng.randint(32, 0x24F), rng.randint(0x300, 0x36F), rng.randint(0x370, 0x3000),
                             rng.randint(0x1E00, 0x1EFF), rng.randint(0x10000, 0x1FFFF)]))
            for _ in range(rng.randint(0, 12))))
    assert [fold(s) for s in samples] == [reference(s) for s in samples]
