"""Peer finder: ranked peers with their reasons, two cities side by side; below, the whole network.

The finder (a city, its peers, a comparison) and the network as a whole
(map, scores between cities, seminar pairings) are two fragments: choosing
a city leaves the network's sections as they are, and choosing a section
leaves the finder. Within the finder, the result (the comparison and the
ranked peers) is a fragment of its own: once a city is chosen, choosing
another, a theme or the other-country filter redraws the result alone, not
the boxes above it (the city box lists every member city: 800 names on a
large network). Measured side by side, a city change took 131 -> 123 ms at
seed scale and 179 -> 164 ms on a large network.

URL: ``?city=<slug>`` (the asking city), ``&with=<slug>`` (compare; opens the
comparison, which is closed without it),
``&theme=<slug>`` and ``&other=1`` (filters), ``&more=1`` (ten cards, not five),
``&section=network|heatmap|pairings`` (the whole network below, open at that
section; closed without it). The URL is the source of truth; widgets write
their value back to it.
"""

import pandas as pd
import streamlit as st

from afus import matching, peer_view, ui
from afus.maps import peer_network_map
from afus.stat_charts import score_heatmap
from afus.i18n import format_number
from afus.matching import MatchInputs, Names
from afus.network import Network

PEERS_PAGE = "pages/peers.py"
PEERS_SHOWN = 10
# Cards drawn at once, the others on request: a card is six to ten elements that a city
# change sends again (ten cards made that change on a large network 5x the minimal page's).
PEERS_FIRST = 5
SECTIONS = ("network", "heatmap", "pairings")  # ?section=, the first is the one opened
RESULT_FRAGMENT = "peers_result"  # the comparison and the ranked peers, redrawn alone (st.rerun)


# --- URL <-> widgets --------------------------------------------------------------


def _other_changed() -> None:
    ui.set_query_param("other", "1" if st.session_state.get("peers_other") else None)
    ui.set_query_param("more", None)  # another list starts again with its first cards
    st.rerun(RESULT_FRAGMENT)


def _toggle_more() -> None:
    ui.set_query_param("more", None if ui.query_param("more") == "1" else "1")


def _network_toggled() -> None:
    ui.set_query_param("section", SECTIONS[0] if st.session_state.get("peers_network") else None)


def _section_changed(labels: dict[str, str]) -> None:
    chosen = next((name for name, label in labels.items() if label == st.session_state.get("peers_section")), SECTIONS[0])
    ui.set_query_param("section", chosen)


# --- render helpers -----------------------------------------------------------------


def _score(value: float) -> str:
    return matching.format_score(value, ui.lang())


def _contact_line(contact: peer_view.Contact) -> str:
    """Whom to call, as one line of Markdown (the names and address escaped)."""
    if contact.is_empty:
        return ui.escape_markdown(ui.tr("peers.contact.none"))
    parts = " · ".join(ui.escape_markdown(p) for p in (contact.name, contact.email) if p)
    return f"**{ui.escape_markdown(ui.tr('peers.contact'))}**: {parts}"


def _project_links(projects: tuple[peer_view.ProjectRef, ...]) -> None:
    for ref in projects:
        label = f"{ref.title} — {ref.city_name} ({ui.tr('status.' + ref.status)})"
        st.page_link(
            "pages/projects.py",
            label=ui.escape_markdown(label),
            query_params={"project": ref.slug},
            icon=":material/work:",
        )


def _sentences(sentences: tuple[str, ...]) -> None:
    """A bulleted list of plain sentences (escaped), one element."""
    st.markdown("\n".join(f"- {ui.escape_markdown(s)}" for s in sentences))


def _peer_card(card: peer_view.PeerCard, city_slug: str) -> None:
    # A city change sends every card again, and each element costs the browser
    # a millisecond or two: the text is one Markdown element (a Markdown heading
    # costs half a subheader; the score is a word, not a bar: without the bar a
    # city change took 9 ms less at seed scale and 19 ms less on a large
    # network), and the links share rows.
    with st.container(border=True, key=f"peers_card_{card.slug}"):
        country = ui.tr(f"country.{card.country}")
        if card.country_factor > 1:
            country += " · " + ui.tr("peers.cross_country", factor=format_number(card.country_factor, ui.lang()))
        score = ui.tr("peers.score", score=_score(card.score))
        lines = [f"### {ui.escape_markdown(card.name)}", "", f"{ui.escape_markdown(country)} · **{ui.escape_markdown(score)}**", ""]
        lines += [f"**{ui.escape_markdown(ui.tr('peers.reasons'))}**", ""]
        lines += [f"- {ui.escape_markdown(s)}" for s in card.sentences]
        if card.more_reasons:
            lines += ["", ui.escape_markdown(ui.tr("peers.reasons.more", n=card.more_reasons))]
        lines += ["", _contact_line(card.contact)]
        if card.projects:
            lines += ["", f"**{ui.escape_markdown(ui.tr('peers.projects'))}**"]
        st.markdown("\n".join(lines))
        _project_links(card.projects)
        with st.container(horizontal=True, gap="large"):
            st.page_link(
                PEERS_PAGE,
                label=ui.tr("peers.link.compare"),
                query_params={"city": city_slug, "with": card.slug},
                icon=":material/compare_arrows:",
            )
            st.page_link(
                "pages/cities.py",
                label=ui.tr("peers.link.profile"),
                query_params={"city": card.slug},
                icon=":material/location_city:",
            )


def _suggestions(inputs: MatchInputs, city_id: int, names: Names) -> None:
    cards = peer_view.suggestion_cards(inputs, matching.suggestions(inputs, city_id), names)
    if not cards:
        return
    st.subheader(ui.tr("peers.suggestions.title"))
    for card in cards:
        with st.container(border=True):
            st.markdown(f"**{ui.escape_markdown(card.name)}** ({ui.tr('country.' + card.country)})")
            if card.themes:
                st.caption(ui.escape_markdown(ui.tr("common.labelled", label=ui.tr("peers.suggestion.works_on"), value=" · ".join(card.themes))))
            st.page_link(
                PEERS_PAGE, label=ui.tr("peers.link.peers", city=card.name), query_params={"city": card.slug}, icon=":material/hub:"
            )
    st.caption(ui.tr("peers.suggestions.help"))


def _side(side: peer_view.CitySide) -> None:
    st.subheader(ui.escape_markdown(side.name))
    st.caption(ui.tr(f"country.{side.country}"))
    st.markdown(f"**{ui.tr('peers.compare.offers')}**")
    if not side.offers:
        st.caption(ui.tr("peers.compare.nothing"))
    for theme, projects, count in side.offers:
        st.markdown(f"- {ui.escape_markdown(theme)}")
        _project_links(projects)
        if count > len(projects):
            st.caption(ui.tr("peers.compare.more", count=count - len(projects)))
    if side.offers:
        st.page_link(
            "pages/projects.py",
            label=ui.escape_markdown(ui.tr("peers.compare.all_projects", city=side.name)),
            query_params={"city": side.slug},
            icon=":material/list:",
        )
    st.markdown(f"**{ui.tr('peers.compare.seeks')}**")
    if side.seeks:
        _sentences(side.seeks)
    else:
        st.caption(ui.tr("peers.compare.nothing"))
    if side.contact.is_empty:
        st.caption(_contact_line(side.contact))
    else:
        st.markdown(_contact_line(side.contact))


def _compare(net: Network, inputs: MatchInputs, names: Names, city_id: int, with_id: int) -> None:
    a, b = inputs.name_of(city_id), inputs.name_of(with_id)
    st.header(ui.escape_markdown(ui.tr("peers.compare.title", a=a, b=b)))
    match = matching.pair_match(inputs, city_id, with_id)
    if match.score > 0:
        st.progress(1.0, text=ui.tr("peers.score", score=_score(match.score)))
        _sentences(tuple(matching.describe_reason(r, names, ui.lang()) for r in match.reasons))
    else:
        st.info(ui.tr("peers.compare.none"))
    left, right = st.columns(2)
    with left:
        _side(peer_view.city_side(net, inputs, city_id, names, ui.lang()))
    with right:
        _side(peer_view.city_side(net, inputs, with_id, names, ui.lang()))


def _ranked_cards(
    net: Network, inputs: MatchInputs, names: Names, city_id: int, theme_id: int | None, other: bool
) -> tuple[int, list[peer_view.PeerCard]]:
    """How many cities match, and the cards of the first ``PEERS_SHOWN``: built once per snapshot for everyone."""

    def build() -> tuple[int, list[peer_view.PeerCard]]:
        themes = [theme_id] if theme_id is not None else None
        total = matching.count_peers(inputs, city_id, other_country_only=other, theme_ids=themes)
        matches = matching.peer_scores(inputs, city_id, other_country_only=other, theme_ids=themes, limit=PEERS_SHOWN) if total else []
        return total, peer_view.peer_cards(net, inputs, matches, names, ui.lang())

    return matching.memoised_recent(inputs, "page.ranked_cards", (city_id, theme_id, other, ui.lang()), build)


def _ranking(
    net: Network, inputs: MatchInputs, names: Names, city_id: int, city_slug: str, theme_id: int | None, other: bool
) -> None:
    city_name = inputs.name_of(city_id)
    # A Markdown heading, with the count under it in the same element: it costs the browser less than st.header.
    title = f"## {ui.escape_markdown(ui.tr('peers.ranked.title', city=city_name))}"
    if not matching.has_activity(inputs, city_id):
        st.markdown(title)
        st.info(ui.tr("peers.no_data", city=city_name))
        _suggestions(inputs, city_id, names)
        return
    total, cards = _ranked_cards(net, inputs, names, city_id, theme_id, other)
    if total == 0:
        st.markdown(title)
        st.info(ui.tr("peers.no_match", city=city_name))
        _suggestions(inputs, city_id, names)
        return
    more = ui.query_param("more") == "1"
    shown = cards if more else cards[:PEERS_FIRST]
    st.markdown(f"{title}\n\n:small[{ui.escape_markdown(ui.tr('peers.ranked.count', shown=len(shown), total=total))}]")
    for card in shown:
        _peer_card(card, city_slug)
    if len(cards) > PEERS_FIRST:
        # One button that shows more, then fewer: after a press the keyboard's focus stays on it.
        st.button(
            ui.tr("peers.ranked.fewer", n=PEERS_FIRST) if more else ui.tr("peers.ranked.more", n=len(cards) - PEERS_FIRST),
            key="peers_more_button",
            on_click=_toggle_more,
            icon=":material/expand_less:" if more else ":material/expand_more:",
        )


def _url_choice(label: str, key: str, param: str, labels: dict[str, str], placeholder: str, *, result_only: bool = False) -> None:
    """A select box of ``labels``' slugs, empty until chosen, kept in step with ``?param=``.

    Choosing another city or theme makes another list: it starts again with its first cards (no ``?more=``).
    With ``result_only``, a choice redraws the result alone, not the boxes above it.
    """
    write_param = ui.bind_to_url(key, param, labels, default=None)

    def changed() -> None:
        write_param()
        if param != "with":
            ui.set_query_param("more", None)
        if result_only and st.session_state.get(key) is not None:
            st.rerun(RESULT_FRAGMENT)

    st.selectbox(
        label, list(labels), index=None, format_func=lambda slug: labels.get(slug, slug),
        placeholder=placeholder, key=key, on_change=changed,
    )  # fmt: skip


def _names(net: Network, inputs: MatchInputs) -> Names:
    return matching.memoised(inputs, ("names", ui.lang()), lambda: matching.names_from_network(net, ui.lang()))


def _theme_filter(net: Network, inputs: MatchInputs, names: Names) -> tuple[list[tuple[str, str]], dict[str, int]]:
    """The themes offered as filters, (slug, name) in catalogue order, and their ids by slug."""
    options = peer_view.matchable_themes(net, inputs, names)
    return options, peer_view.theme_ids_by_slug(net, inputs, options)


def _filters(net: Network, inputs: MatchInputs, names: Names) -> None:
    """The theme filter and the other-country toggle: a change redraws the result alone."""
    theme_options, _ = _themes(net, inputs, names)
    left, right = st.columns(2)
    with left:
        _url_choice(ui.tr("peers.filter.theme"), "peers_theme", "theme", dict(theme_options), ui.tr("peers.filter.all_themes"), result_only=True)
    with right:
        st.session_state["peers_other"] = ui.query_param("other") == "1"  # the URL decides, the toggle writes it back
        st.toggle(ui.tr("peers.filter.other_country"), key="peers_other", on_change=_other_changed)


def _themes(net: Network, inputs: MatchInputs, names: Names) -> tuple[list[tuple[str, str]], dict[str, int]]:
    return matching.memoised(inputs, ("page.theme_filter", ui.lang()), lambda: _theme_filter(net, inputs, names))


def _compare_toggled() -> None:
    if not st.session_state.get("peers_compare"):
        ui.set_query_param("with", None)


def _comparison(net: Network, inputs: MatchInputs, names: Names, city_id: int, city_slug: str) -> None:
    """Two cities side by side, on request (``?with=`` opens it, closing it removes ``with``).

    Closed, its "compare with" box is not sent: that box lists every city but
    the chosen one, so a city change sent all its names again (about 9 ms of
    each change in the browser on a large network).
    """
    with_slug = ui.query_param("with")
    if with_slug:
        st.session_state["peers_compare"] = True
    box = st.expander(ui.tr("peers.compare.open"), key="peers_compare", on_change=_compare_toggled)
    if not box.open:
        return
    with_id = inputs.city_id_for(with_slug) if with_slug else None
    with box:
        others = {slug: name for slug, name in zip(inputs.city_slugs, inputs.city_names) if slug != city_slug}  # not the city itself
        _url_choice(ui.tr("peers.with.label"), "peers_with", "with", others, ui.tr("peers.with.placeholder"))
        if with_slug and with_id is None:
            st.warning(ui.escape_markdown(ui.tr("peers.unknown_with", slug=with_slug)))
        elif with_id is not None and with_id == city_id:
            st.info(ui.tr("peers.compare.same"))
        elif with_id is not None:
            _compare(net, inputs, names, city_id, with_id)


@st.fragment(key=RESULT_FRAGMENT)  # a city, a filter or the comparison redraws this alone, not the boxes above
def _result() -> None:
    # The snapshot is read here, not passed in: a fragment rerun then sees the latest edits too.
    net, inputs = ui.network(), ui.match_inputs()
    names = _names(net, inputs)
    city_slug = ui.query_param("city")
    city_id = inputs.city_id_for(city_slug) if city_slug else None
    if city_id is None:  # the city went away (archived) since the page was drawn
        st.info(ui.tr("peers.pick_city"))
        return
    theme_slug = ui.query_param("theme")
    other = ui.query_param("other") == "1"
    theme_options, theme_ids = _themes(net, inputs, names)
    theme_id = theme_ids.get(theme_slug) if theme_slug else None
    if theme_slug and theme_id is None:
        st.warning(ui.escape_markdown(ui.tr("peers.unknown_theme", slug=theme_slug)))
    _comparison(net, inputs, names, city_id, city_slug)
    if theme_id is not None and ui.query_param("with"):
        # The side-by-side score above counts every theme: say why the same pair may score less here.
        st.caption(ui.escape_markdown(ui.tr("peers.filter.theme_only", theme=dict(theme_options)[theme_slug])))
    _ranking(net, inputs, names, city_id, city_slug, theme_id, other)


def _network_picture(net: Network, inputs: MatchInputs) -> None:
    links = matching.strongest_links(inputs, limit=peer_view.NETWORK_LINKS_MAX)
    if not links:
        st.info(ui.tr("peers.network.none"))
        return
    total = int((matching.score_matrix(inputs) > 0).sum() // 2)
    labels = {c: ui.tr(f"country.{c}") for c in ("FR", "SE")}
    figure = matching.memoised(
        inputs,
        ("page.network_map", ui.lang()),
        lambda: peer_network_map(net.cities, links, labels, link_label=ui.tr("peers.network.link")),
    )
    city = ui.tr("peers.col.city")
    data = pd.DataFrame(
        [(inputs.name_of(a), inputs.name_of(b), matching.shown_score(s)) for a, b, s in links],
        columns=[f"{city} 1", f"{city} 2", ui.tr("peers.col.score")],
    )
    ui.chart(figure, ui.tr("peers.network.caption", shown=len(links), total=total), data, key="peers_network_map")


def _heatmap(inputs: MatchInputs) -> None:
    frame, total = matching.memoised(inputs, "page.heatmap_frame", lambda: peer_view.heatmap_frame(inputs))
    if frame.empty:
        st.info(ui.tr("peers.network.none"))
        return
    figure = matching.memoised(
        inputs, ("page.heatmap", ui.lang()), lambda: score_heatmap(frame, colorbar_title=ui.tr("peers.heatmap.colorbar"), lang=ui.lang(), decimals=matching.SCORE_DECIMALS)
    )
    data = frame.round(matching.SCORE_DECIMALS).astype(float)
    for name in data.columns:  # a city with itself is not a pair: blank, as on the chart
        data.loc[name, name] = float("nan")
    data = data.rename_axis(ui.tr("peers.col.city")).reset_index()
    ui.chart(figure, ui.tr("peers.heatmap.caption", shown=len(frame), total=total), data, key="peers_heatmap")


def _pairings(inputs: MatchInputs, names: Names) -> None:
    st.caption(ui.tr("peers.pairings.caption"))
    pairings = matching.seminar_pairings(inputs)
    if not pairings:
        st.info(ui.tr("peers.pairings.empty"))
        return
    lang = ui.lang()
    table = matching.memoised(inputs, ("page.pairings_table", lang), lambda: matching.pairings_table(pairings, names, lang))
    # Laid out for the language's spreadsheets, with a BOM (afus.spreadsheet).
    data = matching.memoised(
        inputs, ("page.pairings_csv", lang), lambda: matching.pairings_csv(pairings, names, lang)
    )
    ui.table(table, key="peers_pairings_table")
    st.download_button(
        ui.tr("peers.pairings.download"),
        data=data,
        file_name="afus-seminar-pairings.csv",
        mime="text/csv",
        key="peers_pairings_csv",
        on_click="ignore",
        icon=":material/download:",
    )


# --- the page -------------------------------------------------------------------------

st.title(ui.tr("nav.peers"))
st.caption(ui.tr("peers.intro"))

# A page link to this same page (e.g. "compare side by side") reruns it with the
# link's query string but leaves the browser's address unchanged: write the
# parameters back so the address shows, and shares, what is on screen.
st.query_params.from_dict(st.query_params.to_dict())

ui.canonical_city_params("city", "with")


@st.fragment  # choosing the first city draws the filters; then a choice redraws the result alone
def finder() -> None:
    net = ui.network()
    inputs = ui.match_inputs()
    names = _names(net, inputs)

    city_slug = ui.query_param("city")
    city_id = inputs.city_id_for(city_slug) if city_slug else None
    if city_slug and city_id is None:
        ui.not_found(ui.tr("peers.unknown_city", slug=city_slug), PEERS_PAGE, ui.tr("nav.peers"))

    left, _ = st.columns(2)
    with left:
        city_names = dict(zip(inputs.city_slugs, inputs.city_names))
        _url_choice(ui.tr("peers.city.label"), "peers_city", "city", city_names, ui.tr("peers.city.placeholder"), result_only=city_id is not None)
    if city_id is None:
        st.info(ui.tr("peers.pick_city"))
        return
    _filters(net, inputs, names)
    _result()


@st.fragment  # the network as a whole: a city choice leaves it as it is, a section choice redraws it alone
def network_sections() -> None:
    # Closed until asked for (?section=): drawn, its chart cost every city change in
    # the finder above about 14 ms more in the browser, though it was not sent again.
    section = ui.query_param("section")
    st.session_state["peers_network"] = section is not None  # the URL decides, the expander writes it back
    whole = st.expander(ui.tr("peers.network.title"), key="peers_network", on_change=_network_toggled)
    if not whole.open:
        return
    net = ui.network()
    inputs = ui.match_inputs()
    # Only the open section runs (lazy tabs): each is costly on a large network.
    section_labels = {name: ui.tr(f"peers.section.{name}") for name in SECTIONS}
    st.session_state["peers_section"] = section_labels.get(section, section_labels[SECTIONS[0]])
    with whole:
        network_tab, heatmap_tab, pairings_tab = st.tabs(
            list(section_labels.values()), key="peers_section", on_change=lambda: _section_changed(section_labels)
        )
    if network_tab.open:
        with network_tab:
            _network_picture(net, inputs)
    if heatmap_tab.open:
        with heatmap_tab:
            _heatmap(inputs)
    if pairings_tab.open:
        with pairings_tab:
            _pairings(inputs, _names(net, inputs))


finder()
with st.expander(ui.tr("peers.how.title")):  # the same for every city: outside the finder's reruns
    st.markdown(ui.escape_markdown(ui.tr("peers.how.body")))
network_sections()
