"""Peer matching on hand-computed networks, its properties, the seminar pairing and the wording."""

from __future__ import annotations

import csv
import io
import itertools
import math

import numpy as np
import pytest

from afus import matching
from afus.matching import (
    A_LEARNS_FROM_B,
    B_LEARNS_FROM_A,
    COMPARE_PRACTICE,
    LEARN_TOGETHER,
    Names,
    Reason,
    inputs_from_records,
    pair_match,
    peer_scores,
    score_matrix,
    seminar_pairings,
)
from afus.network import load_network

# --- a small network, computed by hand ---------------------------------------------
#
# Alpha (FR) runs project 102 (ongoing) on the track T11 and the territory T12
# and seeks the exchange theme T10. Beta (SE) runs 100 (ongoing) on T10 and T12.
# Gamma (SE) runs 101 (planned) on T10 and seeks T11. Delta (FR) has nothing.
# N = 4 cities; df(T10) = 3 (Alpha, Beta, Gamma), df(T11) = 2, df(T12) = 2, SDG T13 unused.

W10 = 1.0 * math.log(1 + 4 / 3)
W11 = 1.0 * math.log(1 + 4 / 2)
W12 = 0.25 * math.log(1 + 4 / 2)


def small_network():
    return inputs_from_records(
        cities=[(1, "alpha", "Alpha", "FR"), (2, "beta", "Beta", "SE"), (3, "gamma", "Gamma", "SE"), (4, "delta", "Delta", "FR")],
        themes=[(10, "afus_theme"), (11, "city_track"), (12, "territory"), (13, "sdg")],
        projects=[(100, 2, "ongoing", [10, 12, 13]), (101, 3, "planned", [10]), (102, 1, "ongoing", [11, 12, 13])],
        seeks=[(1, 10), (3, 11)],
    )


def test_theme_weights_are_framework_times_smoothed_rarity():
    inputs = small_network()
    assert inputs.theme_weights.tolist() == pytest.approx([W10, W11, W12, 0.0])


def test_small_network_scores_by_hand():
    inputs = small_network()
    peers = peer_scores(inputs, 1)
    assert [p.slug for p in peers] == ["gamma", "beta"]  # Delta has nothing in common: not a peer
    gamma, beta = peers
    # Alpha learns T10 from Gamma's planned project (half weight); Gamma learns T11 from Alpha.
    assert gamma.learns_from == pytest.approx(0.5 * W10)
    assert gamma.teaches == pytest.approx(W11)
    assert gamma.learn_together == 0 and gamma.compare_practice == 0
    assert gamma.score == pytest.approx(1.5 * (0.5 * W10 + W11))
    # Alpha learns T10 from Beta; both are urban-ish on T12 (compare practice, half weight).
    assert beta.learns_from == pytest.approx(W10)
    assert beta.compare_practice == pytest.approx(W12)
    assert beta.score == pytest.approx(1.5 * (W10 + 0.5 * W12))
    assert beta.country_factor == 1.5


def test_reasons_say_who_learns_what_with_the_projects_behind():
    inputs = small_network()
    gamma = peer_scores(inputs, 1)[0]
    assert [(r.kind, r.theme_id) for r in gamma.reasons] == [(B_LEARNS_FROM_A, 11), (A_LEARNS_FROM_B, 10)]
    teach, learn = gamma.reasons
    assert teach.projects_a == (102,) and teach.projects_b == ()
    assert learn.projects_a == () and learn.projects_b == (101,)
    assert teach.weight == pytest.approx(1.5 * W11)
    assert learn.weight == pytest.approx(1.5 * 0.5 * W10)
    beta = peer_scores(inputs, 1)[1]
    compare = [r for r in beta.reasons if r.kind == COMPARE_PRACTICE]
    assert [(r.theme_id, r.projects_a, r.projects_b) for r in compare] == [(12, (102,), (100,))]


def test_sdg_never_makes_a_match():
    inputs = inputs_from_records(
        cities=[(1, "a", "A", "FR"), (2, "b", "B", "SE")],
        themes=[(1, "sdg")],
        projects=[(1, 1, "ongoing", [1]), (2, 2, "ongoing", [1])],
    )
    assert peer_scores(inputs, 1) == []


def test_same_country_pair_has_no_bonus():
    inputs = small_network()
    gamma = pair_match(inputs, 2, 3)  # Beta and Gamma, both Swedish, both offer T10
    assert gamma.country_factor == 1.0
    assert gamma.compare_practice == pytest.approx(1.0 * 0.5 * W10)
    assert gamma.score == pytest.approx(0.5 * 0.5 * W10)


def test_ongoing_counts_more_than_planned_and_completed():
    def score(status: str) -> float:
        inputs = inputs_from_records(
            cities=[(1, "a", "A", "FR"), (2, "b", "B", "SE")],
            themes=[(1, "afus_theme")],
            projects=[(1, 2, status, [1])],
            seeks=[(1, 1)],
        )
        return pair_match(inputs, 1, 2).score

    assert score("ongoing") == pytest.approx(2 * score("planned")) == pytest.approx(4 * score("completed"))
    assert score("completed") > 0


def test_a_partner_city_offers_the_project_themes():
    inputs = inputs_from_records(
        cities=[(1, "a", "A", "FR"), (2, "b", "B", "SE"), (3, "c", "C", "SE")],
        themes=[(1, "afus_theme")],
        projects=[(7, 2, "ongoing", [1], [3])],  # run by B with C as partner
        seeks=[(1, 1)],
    )
    assert [p.slug for p in peer_scores(inputs, 1)] == ["b", "c"]
    assert peer_scores(inputs, 1)[1].reasons[0].projects_b == (7,)


def test_ties_are_broken_by_name_not_by_id():
    inputs = inputs_from_records(
        cities=[(1, "zeta", "Zeta", "SE"), (2, "alpha", "Alpha", "FR"), (3, "eta", "Éta", "SE"), (4, "beta", "beta", "SE")],
        themes=[(1, "afus_theme")],
        projects=[(1, 1, "ongoing", [1]), (2, 3, "ongoing", [1]), (3, 4, "ongoing", [1])],
        seeks=[(2, 1)],
    )
    # Accents and case do not change the alphabetical order: beta, Éta, Zeta.
    assert [p.slug for p in peer_scores(inputs, 2)] == ["beta", "eta", "zeta"]


def test_filters_other_country_and_theme():
    inputs = small_network()
    assert [p.slug for p in peer_scores(inputs, 2)] == ["alpha", "gamma"]
    assert [p.slug for p in peer_scores(inputs, 2, other_country_only=True)] == ["alpha"]
    only_t11 = peer_scores(inputs, 1, theme_ids=[11])
    assert [p.slug for p in only_t11] == ["gamma"]
    assert only_t11[0].score == pytest.approx(1.5 * W11)
    assert matching.count_peers(inputs, 1, theme_ids=[11]) == 1
    assert peer_scores(inputs, 1, limit=1)[0].slug == "gamma"


def test_unknown_city_is_a_clear_error():
    with pytest.raises(matching.UnknownCity):
        peer_scores(small_network(), 999)


def test_city_with_nothing_gets_suggestions_instead():
    inputs = small_network()
    assert not matching.has_activity(inputs, 4)
    assert peer_scores(inputs, 4) == []
    found = matching.suggestions(inputs, 4)
    # Delta is French: Swedish Beta (W10 + W12, x1.5) before French Alpha (W11 + W12), then Gamma.
    assert [s.city_id for s in found] == [2, 1, 3]
    assert found[0].activity == pytest.approx(1.5 * (W10 + W12))
    assert found[0].theme_ids == (10, 12)


def test_city_themes_lists_offers_with_projects_and_seeks():
    themes = matching.city_themes(small_network(), 1)
    assert themes.offers == ((11, (102,)), (12, (102,)), (13, (102,)))
    assert themes.seeks == (10,)


# --- properties on random networks ---------------------------------------------------


def random_network(seed: int, n_cities: int = 9, n_themes: int = 7):
    rng = np.random.default_rng(seed)
    frameworks = list(matching.FRAMEWORK_WEIGHTS)
    cities = [(i, f"c{i}", f"City {i:02d}", "FR" if rng.random() < 0.5 else "SE") for i in range(1, n_cities + 1)]
    themes = [(100 + j, frameworks[int(rng.integers(len(frameworks)))]) for j in range(n_themes)]
    projects = []
    for p in range(int(rng.integers(5, 20))):
        tids = sorted({int(100 + rng.integers(n_themes)) for _ in range(int(rng.integers(1, 4)))})
        partners = [int(rng.integers(1, n_cities + 1))] if rng.random() < 0.2 else []
        status = ["ongoing", "planned", "completed"][int(rng.integers(3))]
        projects.append((1000 + p, int(rng.integers(1, n_cities + 1)), status, tids, partners))
    seeks = {(int(rng.integers(1, n_cities + 1)), int(100 + rng.integers(n_themes))) for _ in range(int(rng.integers(0, 12)))}
    return cities, themes, projects, sorted(seeks)


@pytest.mark.parametrize("seed", range(12))
def test_symmetric_parts_are_symmetric_and_scores_add_up(seed):
    inputs = inputs_from_records(*random_network(seed))
    matrix = score_matrix(inputs)
    assert np.allclose(matrix, matrix.T)
    assert np.all(np.diag(matrix) == 0)
    ids = inputs.city_ids.tolist()
    for a, b in itertools.permutations(ids, 2):
        ab, ba = pair_match(inputs, a, b), pair_match(inputs, b, a)
        assert ab.learn_together == pytest.approx(ba.learn_together)
        assert ab.compare_practice == pytest.approx(ba.compare_practice)
        assert ab.learns_from == pytest.approx(ba.teaches)
        assert ab.score == pytest.approx(ba.score)
        assert ab.score == pytest.approx(matrix[inputs.city_index[a], inputs.city_index[b]])
        assert ab.score == pytest.approx(sum(r.weight for r in ab.reasons))


@pytest.mark.parametrize("seed", range(12))
def test_a_city_never_matches_itself(seed):
    inputs = inputs_from_records(*random_network(seed))
    for cid in inputs.city_ids.tolist():
        peers = peer_scores(inputs, cid)
        assert cid not in [p.city_id for p in peers]
        assert all(p.score > 0 for p in peers)
        assert [p.score for p in peers] == sorted((p.score for p in peers), reverse=True)


@pytest.mark.parametrize("seed", range(12))
def test_adding_a_shared_rare_theme_never_lowers_a_score(seed):
    cities, themes, projects, seeks = random_network(seed)
    before = inputs_from_records(cities, themes, projects, seeks)
    a, b = cities[0][0], cities[1][0]
    rare = (999, "afus_theme")
    after = inputs_from_records(
        cities, themes + [rare], projects + [(5000, a, "ongoing", [999]), (5001, b, "ongoing", [999])], seeks
    )
    assert pair_match(after, a, b).score > pair_match(before, a, b).score
    # The same holds for a theme already in the network, shared by the two cities.
    existing = themes[0][0]
    again = inputs_from_records(
        cities, themes, projects + [(5000, a, "ongoing", [existing]), (5001, b, "ongoing", [existing])], seeks
    )
    assert pair_match(again, a, b).score >= pair_match(before, a, b).score - 1e-12


# --- seminar pairings -----------------------------------------------------------------
#
# Arles (FR) seeks p, q2 and r; Brest (FR) seeks q; Caen (FR) seeks u.
# Kiruna (SE) runs ongoing projects on p, q2, q; Lund (SE) runs p (ongoing),
# r (planned) and u (completed). N = 5; df(p) = 3, df(q2) = df(r) = df(q) = df(u) = 2.
# Arles–Kiruna is the best single pair, but Arles–Lund + Brest–Kiruna is the
# best total; Caen is left over and gets Lund as a second partner.

WP = math.log(1 + 5 / 3)
W2 = math.log(1 + 5 / 2)


def pairing_network():
    return inputs_from_records(
        cities=[(1, "arles", "Arles", "FR"), (2, "brest", "Brest", "FR"), (3, "caen", "Caen", "FR"), (4, "kiruna", "Kiruna", "SE"), (5, "lund", "Lund", "SE")],
        themes=[(1, "afus_theme"), (2, "afus_theme"), (3, "afus_theme"), (4, "afus_theme"), (5, "afus_theme")],
        projects=[
            (10, 4, "ongoing", [1, 2, 4]),
            (11, 5, "ongoing", [1]),
            (12, 5, "planned", [3]),
            (13, 5, "completed", [5]),
        ],
        seeks=[(1, 1), (1, 2), (1, 3), (2, 4), (3, 5)],
    )


def test_pairing_maximises_the_total_not_the_best_single_pair():
    inputs = pairing_network()
    assert pair_match(inputs, 1, 4).score == pytest.approx(1.5 * (WP + W2))  # the best single pair
    pairings = seminar_pairings(inputs)
    got = [(inputs.name_of(p.french_id), inputs.name_of(p.swedish_id), p.second_partner) for p in pairings]
    assert got == [("Arles", "Lund", False), ("Brest", "Kiruna", False), ("Caen", "Lund", True)]
    assert [p.score for p in pairings] == pytest.approx([1.5 * (WP + 0.5 * W2), 1.5 * W2, 1.5 * 0.25 * W2])
    assert pairings[1].reasons[0].kind == A_LEARNS_FROM_B and pairings[1].reasons[0].projects_b == (10,)


@pytest.mark.parametrize("seed", range(8))
def test_pairing_is_one_to_one_and_optimal(seed):
    inputs = inputs_from_records(*random_network(seed, n_cities=8))
    pairings = seminar_pairings(inputs)
    french = [int(c) for c, k in zip(inputs.city_ids, inputs.city_countries) if k == "FR"]
    swedish = [int(c) for c, k in zip(inputs.city_ids, inputs.city_countries) if k == "SE"]
    main = [p for p in pairings if not p.second_partner]
    extra = [p for p in pairings if p.second_partner]
    if not french or not swedish:
        assert pairings == []
        return
    assert len(main) == min(len(french), len(swedish))
    assert len({p.french_id for p in main}) == len(main) == len({p.swedish_id for p in main})
    assert len(extra) == abs(len(french) - len(swedish))
    m = {(f, s): pair_match(inputs, f, s).score for f in french for s in swedish}
    small, large = (french, swedish) if len(french) <= len(swedish) else (swedish, french)
    best = max(
        sum(m[(x, y) if x in french else (y, x)] for x, y in zip(small, chosen))
        for chosen in itertools.permutations(large, len(small))
    )
    assert sum(p.score for p in main) == pytest.approx(best)
    for p in extra:
        others = swedish if p.french_id not in {q.french_id for q in main} else french
        own = p.french_id if others is swedish else p.swedish_id
        assert p.score == pytest.approx(max(m[(own, o)] if others is swedish else m[(o, own)] for o in others))


# --- words ----------------------------------------------------------------------------

NAMES = Names(cities={1: "Arles", 5: "Lund"}, themes={3: "Public spaces"})


@pytest.mark.parametrize(
    ("kind", "lang", "expected"),
    [
        (A_LEARNS_FROM_B, "en", "Arles wants to learn about “Public spaces”, which Lund works on."),
        (B_LEARNS_FROM_A, "en", "Lund wants to learn about “Public spaces”, which Arles works on."),
        (LEARN_TOGETHER, "fr", "Arles et Lund veulent toutes deux en savoir plus sur «\u00a0Public spaces\u00a0»\u00a0: elles peuvent apprendre ensemble."),
        (COMPARE_PRACTICE, "sv", "Både Arles och Lund arbetar med ”Public spaces”: de kan jämföra sina arbetssätt."),
    ],
)
def test_describe_reason_in_plain_words(kind, lang, expected):
    reason = Reason(city_id=1, peer_id=5, theme_id=3, kind=kind, weight=1.0)
    assert matching.describe_reason(reason, NAMES, lang) == expected


def test_pairings_csv_has_localized_headers_and_neutralises_formulas():
    inputs = inputs_from_records(
        cities=[(1, "x", "=HYPERLINK(evil)", "FR"), (2, "lund", "Lund", "SE")],
        themes=[(1, "afus_theme")],
        projects=[(1, 2, "ongoing", [1])],
        seeks=[(1, 1)],
    )
    names = Names(cities={1: "=HYPERLINK(evil)", 2: "Lund"}, themes={1: "Rénovation"})
    data = matching.pairings_csv(seminar_pairings(inputs), names, "fr")
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads Umeå and Malmö right
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))  # as French Excel reads it
    assert rows[0] == ["Ville française", "Ville suédoise", "Score", "Second binôme", "Raisons"]
    assert rows[1][0] == "'=HYPERLINK(evil)"
    assert "«\u00a0Rénovation\u00a0»" in rows[1][4]  # no line break inside the guillemets


def test_strongest_links_keeps_the_best_and_respects_the_budget():
    inputs = inputs_from_records(*random_network(3, n_cities=12))
    links = matching.strongest_links(inputs, limit=4)
    matrix = score_matrix(inputs)
    assert 0 < len(links) <= 8
    assert links[0][2] == pytest.approx(matrix.max())
    assert [s for _, _, s in links] == sorted((s for _, _, s in links), reverse=True)


# --- the seed network ------------------------------------------------------------------


def test_seed_network_saint_brieuc_and_gothenburg_by_hand(engine):
    inputs = matching.inputs_from_network(load_network(engine))
    sb, gbg = inputs.city_id_for("saint-brieuc"), inputs.city_id_for("gothenburg")
    # Saint-Brieuc seeks public spaces (offered by Saint-Brieuc, Gothenburg, Umeå: df 3 of 10)
    # and both cities work on it and on the urban territory (df 4: Saint-Brieuc, Gothenburg, Umeå, Malmö).
    public_spaces = math.log(1 + 10 / 3)
    urban = 0.25 * math.log(1 + 10 / 4)
    match = pair_match(inputs, sb, gbg)
    assert match.score == pytest.approx(1.5 * (public_spaces + 0.5 * (public_spaces + urban)))
    assert {p.slug for p in peer_scores(inputs, sb)} == {"malmo", "boras", "umea", "gothenburg"}
    for slug in ("paris", "grenoble", "la-rochelle", "strasbourg", "linkoping"):
        assert not matching.has_activity(inputs, inputs.city_id_for(slug))
    pairs = seminar_pairings(inputs)
    assert len(pairs) == 5 and not any(p.second_partner for p in pairs)
    assert inputs.name_of(pairs[0].french_id) == "Saint-Brieuc" and pairs[0].score > 0
