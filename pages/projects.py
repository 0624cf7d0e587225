"""/projects: search and filter the network's projects, open one, download what is shown.

URL parameters are documented in :mod:`afus.projects`; widgets write them
back on change, and opening a URL restores the widgets.
"""

from __future__ import annotations

import datetime as dt
import functools

import streamlit as st

from afus import browse, ui
from afus.i18n import format_date, format_number
from afus.network import Network
from afus.projects import (
    FILTER_PARAMS,
    SORTS,
    URL_PARAMS,
    FilterOptions,
    ParsedFilters,
    ProjectDetail,
    ProjectFilters,
    count_without_each,
    csv_file_name,
    describe_filter,
    filter_options,
    filter_projects,
    filters_to_params,
    parse_filters,
    project_detail,
    project_table,
)
from afus.spreadsheet import table_csv

# Session keys of this page carry its prefix.
KEY_Q = "projects_q"
KEY_SORT = "projects_sort"
KEY_TABLE = "projects_table"
KEY_PAGE = "projects_page"
PAGE_ROWS = 200  # rows sent to the browser at once; the CSV holds every match
KEY_SYNCED = "projects_synced_params"  # the URL state the widgets were last set from / wrote
# The result's fragment, inside the list's: a filter change redraws it alone.
RESULT_FRAGMENT = "projects_result"
FILTER_KEYS = {param: f"projects_{param}" for param in FILTER_PARAMS}


# --- URL <-> widgets -----------------------------------------------------------------


def filters_from_widgets() -> ProjectFilters:
    """The filters the widgets currently hold."""
    state = st.session_state
    values = {attr: tuple(state.get(FILTER_KEYS[param]) or ()) for param, attr in FILTER_PARAMS.items()}
    return ProjectFilters(query=(state.get(KEY_Q) or "").strip(), sort=state.get(KEY_SORT) or SORTS[0], **values)


def set_widgets(filters: ProjectFilters) -> None:
    """Put ``filters`` into the widgets (before they are drawn, or from a callback)."""
    st.session_state[KEY_Q] = filters.query
    st.session_state[KEY_SORT] = filters.sort
    for param, attr in FILTER_PARAMS.items():
        st.session_state[FILTER_KEYS[param]] = list(getattr(filters, attr))


def write_url(filters: ProjectFilters) -> None:
    """Make the URL say ``filters`` (leaving ``lang`` and other pages' parameters alone)."""
    params = filters_to_params(filters)
    for name in URL_PARAMS:
        ui.set_query_param(name, params.get(name))
    st.session_state[KEY_SYNCED] = (ui.lang(), params)


def on_widget_change() -> None:
    """Any filter changed: the URL follows, and the result alone is drawn again.

    The filters already show what was chosen; sending them again cost every
    search (15 % faster without). Nothing after ``st.rerun`` runs. AppTest then
    holds only the result's elements, and knows no page for ``st.page_link``:
    the browser tests check this rerun.
    """
    ui.rerun_if_page_left()
    write_url(filters_from_widgets())
    st.rerun(RESULT_FRAGMENT)


def on_clear(param: str | None = None) -> None:
    """Clear one filter (``param``) or, with ``None``, the search and every filter (the widgets then show it)."""
    current = filters_from_widgets()
    filters = current.cleared() if param is None else current.without(param)
    set_widgets(filters)
    write_url(filters)


def on_remove(param: str) -> None:
    """A button of an empty result clears one filter: the whole page runs again, to redraw that filter's box.

    Not the list's fragment alone (a keyed ``st.rerun``): Streamlit 1.67 then sends
    the cleared value, but the browser's box keeps showing the old one.
    """
    on_clear(param)
    st.rerun()


def on_back_to_list() -> None:
    """Leave the project for the list as it was (its filters are still in the URL)."""
    ui.set_query_param("project", None)


def on_show_city(city_slug: str) -> None:
    """Leave the project for the list of every project of its city."""
    ui.set_query_param("project", None)
    filters = ProjectFilters(cities=(city_slug,))
    set_widgets(filters)
    write_url(filters)


def url_filters(network: Network) -> ParsedFilters:
    """The filters the URL asks for, and what it holds that is not one."""
    return parse_filters({name: st.query_params.get_all(name) for name in URL_PARAMS}, network)


def read_url(network: Network) -> ProjectFilters:
    """Filters from the URL; the widgets follow when the URL changed since they last did."""
    parsed = url_filters(network)
    if parsed.ignored:
        values = ", ".join(f"{name}={value[:60]}" for name, value in parsed.ignored)
        st.warning(ui.escape_markdown(ui.tr("projects.ignored", values=values)))
    # A language switch relabels every option; Streamlit would then keep the old
    # label as the value ("Sweden" for SE): the widgets are set again from the URL.
    canonical = (ui.lang(), filters_to_params(parsed.filters))
    if st.session_state.get(KEY_SYNCED) != canonical or KEY_Q not in st.session_state:
        set_widgets(parsed.filters)
        st.session_state[KEY_SYNCED] = canonical
    return parsed.filters


# --- the list --------------------------------------------------------------------------


def filter_widgets(options: FilterOptions) -> None:
    """The search box, the six filters and the sort, bound to the URL."""
    st.text_input(
        ui.tr("projects.filter.q"),
        key=KEY_Q,
        placeholder=ui.tr("projects.filter.q.placeholder"),
        help=ui.tr("projects.filter.q.help"),
        on_change=on_widget_change,
        max_chars=200,
        live=True,  # searches once typing pauses: a page link clicked after that is not cancelled (see ui.rerun_if_page_left)
    )
    params = list(FILTER_PARAMS)
    for row in (params[:3], params[3:]):  # row by row, so reading order follows the screen
        for column, param in zip(st.columns(3), row, strict=True):
            labels = options.for_param(param)
            with column:
                st.multiselect(
                    ui.tr(f"projects.filter.{param}"),
                    list(labels),
                    key=FILTER_KEYS[param],
                    format_func=labels.__getitem__,
                    placeholder=ui.tr("projects.filter.any"),
                    on_change=on_widget_change,
                )
    left, right = st.columns([1, 2], vertical_alignment="bottom")
    sort_labels = {sort: ui.tr(f"projects.sort.{sort}") for sort in SORTS}
    with left:
        st.selectbox(
            ui.tr("projects.filter.sort"),
            SORTS,
            key=KEY_SORT,
            format_func=sort_labels.__getitem__,
            on_change=on_widget_change,
        )
    with right:
        st.button(ui.tr("projects.clear"), key="projects_clear", on_click=on_clear, icon=":material/filter_alt_off:")


def empty_result(network: Network, filters: ProjectFilters, options: FilterOptions) -> None:
    """Say why nothing shows and offer the ways to widen the search."""
    if network.projects.empty:
        st.info(ui.tr("projects.empty.store"))
        return
    lang = ui.lang()
    active = filters.active()
    lines = [f"- {ui.escape_markdown(describe_filter(p, filters, options, lang))}" for p in active]
    st.warning(ui.tr("projects.empty.title") + "\n\n" + "\n".join(lines))
    st.markdown(ui.tr("projects.empty.widen"))
    counts = count_without_each(network, filters, lang)
    for param in active:
        label = describe_filter(param, filters, options, lang)
        st.button(
            ui.escape_markdown(ui.tr("projects.empty.remove", filter=label, projects=count_label(counts[param]))),
            key=f"projects_remove_{param}",
            on_click=on_remove,
            args=(param,),
            icon=":material/close:",
        )
    if filters.query:
        st.caption(ui.tr("projects.empty.search_tip"))
        # "Grenoble" finds no project: say that it is a member city with none recorded yet.
        for _, city in browse.city_directory(network, filters.query).head(3).iterrows():
            st.page_link(
                "pages/cities.py", label=ui.escape_markdown(ui.tr("projects.empty.member_city", city=city["name"])),
                query_params={"city": city["slug"]}, icon=":material/location_city:",
            )


@st.fragment  # the list and its filters: the rest of the page stays as it is
def project_list() -> None:
    """The search box, the filters and the sort, then the result."""
    network = ui.network()
    st.caption(ui.tr("projects.intro"))
    read_url(network)
    filter_widgets(shared_options(network, ui.lang()))
    project_result()


@st.fragment(key=RESULT_FRAGMENT)  # a search, a filter, the sort or a page draws the result alone
def project_result() -> None:
    """The filtered, sorted list with its count, table (a page of rows) and CSV download."""
    # The snapshot and the filters are read here, not passed in: a rerun of this fragment alone sees the latest.
    network = ui.network()
    lang = ui.lang()
    filters = url_filters(network).filters
    # The count and each page's table are shared by everyone asking the same (a seminar room types the same words).
    count = ui.per_version(("projects.count", lang, filters), lambda: len(filter_projects(network, filters, lang)))
    if count == 0:
        empty_result(network, filters, shared_options(network, lang))
        return
    total = len(network.projects)
    # The count and how to open a project, one element: each one more costs every search.
    counted = ui.tr("projects.count.of", shown=count, total=total) if filters.active() else count_label(total)
    st.caption(f"{counted}. {ui.tr('projects.open_hint')}")
    rows = page_rows(count, filters)
    table = ui.per_version(
        ("projects.page", lang, filters, rows.start),
        lambda: project_table(network, filter_projects(network, filters, lang).iloc[rows], lang),
    )
    event = ui.grid(table, name=ui.tr("projects.table.name"), key=KEY_TABLE, on_select="rerun", selection_mode="single-row")
    # The same choice for the keyboard (the grid's rows cannot be selected from it) and for a
    # phone, where only the title column fits: type a few letters of a title, then Enter.
    titles = dict(zip(table.index, table.iloc[:, 0], strict=True))
    chosen = st.selectbox(
        ui.tr("projects.open_pick"), list(titles), index=None, format_func=titles.get, key="projects_open",
        placeholder=ui.tr("projects.open_pick.placeholder"),
    )
    if event.selection.rows and event.selection.rows[0] < len(table):
        chosen = table.index[event.selection.rows[0]]
    if chosen:
        # Opening a project gives it its own URL, so the view can be shared.
        st.query_params["project"] = chosen
        st.rerun()
    st.download_button(
        ui.tr("projects.download"),
        data=functools.partial(csv_of, network, filters, lang),  # built only when clicked
        file_name=csv_file_name(filters, dt.date.today()),
        mime="text/csv",
        help=ui.tr("projects.download.help"),
        key="projects_download",
        on_click="ignore",
        icon=":material/download:",
    )


def shared_options(network: Network, lang: str) -> FilterOptions:
    """The filters' options and labels, built once per data version and language."""
    return ui.per_version(("projects.options", lang), lambda: filter_options(network, lang))


def page_rows(count: int, filters: ProjectFilters) -> slice:
    """The rows of the result on screen: all of them, or one page with a page number (back to 1 when the filters change)."""
    if count <= PAGE_ROWS:
        return slice(0, count)
    pages = -(-count // PAGE_ROWS)
    params = filters_to_params(filters)
    if st.session_state.get(KEY_PAGE + "_for") != params:
        st.session_state[KEY_PAGE + "_for"] = params
        st.session_state[KEY_PAGE] = 1
    page = st.number_input(
        ui.tr("projects.page"), min_value=1, max_value=pages, step=1, key=KEY_PAGE, width=160, on_change=ui.rerun_if_page_left,
    )
    first = (min(int(page), pages) - 1) * PAGE_ROWS
    last = min(first + PAGE_ROWS, count)
    st.caption(ui.tr("projects.page.rows", first=format_number(first + 1, ui.lang()), last=format_number(last, ui.lang()), n=format_number(count, ui.lang())))
    return slice(first, last)


def csv_of(network: Network, filters: ProjectFilters, lang: str) -> bytes:
    """The CSV of every project of the result (not only the page on screen)."""
    return table_csv(project_table(network, filter_projects(network, filters, lang), lang), lang)


def count_label(count: int) -> str:
    """A count of projects in words ("1 project", "7 projects") in the interface language."""
    return ui.tr("projects.count", count=count)


# --- one project -------------------------------------------------------------------------


def project_view(detail: ProjectDetail) -> None:
    """One project: title, summary, themes, links, city, partners, status, dates, contact, source."""
    lang = ui.lang()
    # Buttons, not page links: a link to the page already shown reruns it but
    # leaves the old query string in the address bar.
    st.button(ui.tr("projects.back_to_list"), key="projects_back", on_click=on_back_to_list, icon=":material/arrow_back:")
    st.title(ui.escape_markdown(detail.title.text))
    if detail.title.fallback:
        st.caption(ui.tr("common.fallback", lang=detail.title.lang.upper()))

    main, side = st.columns([2, 1])
    with main:
        st.subheader(ui.tr("projects.detail.summary"))
        if detail.summary.text:
            note = None if detail.title.fallback else detail.summary
            ui.text(detail.summary.text, fallback_note=note)
            if detail.summary.translated:
                original = ui.tr(f"projects.langname.{detail.source_lang}")
                st.caption(ui.tr("projects.detail.translated", lang=original))
        else:
            st.markdown(ui.tr("projects.detail.no_summary"))

        st.subheader(ui.tr("projects.detail.themes"))
        if detail.themes:
            for tag in detail.themes:
                st.page_link(
                    "pages/themes.py",
                    label=ui.escape_markdown(f"{ui.tr(f'framework.{tag.framework}')} — {tag.name}"),
                    query_params={"theme": tag.slug},
                    icon=":material/sell:",
                )
        else:
            st.markdown(ui.tr("common.none"))

        st.subheader(ui.tr("projects.detail.links"))
        if detail.links:
            for link in detail.links:
                ui.safe_link(link.label, link.url)
        else:
            st.markdown(ui.tr("projects.detail.no_links"))

    with side:
        st.subheader(ui.tr("projects.detail.city"))
        st.page_link(
            "pages/cities.py",
            label=ui.escape_markdown(f"{detail.city.name} ({ui.tr(f'country.{detail.country}')})"),
            query_params={"city": detail.city.slug},
            icon=":material/location_city:",
        )
        st.button(
            ui.escape_markdown(ui.tr("projects.detail.more_in_city", city=detail.city.name)),
            key="projects_more_in_city",
            on_click=on_show_city,
            args=(detail.city.slug,),
            icon=":material/list:",
        )
        st.subheader(ui.tr("projects.detail.partners"))
        if detail.partners:
            for partner in detail.partners:
                st.page_link(
                    "pages/cities.py",
                    label=ui.escape_markdown(partner.name),
                    query_params={"city": partner.slug},
                    icon=":material/handshake:",
                )
        else:
            st.markdown(ui.tr("projects.detail.no_partners"))

        st.subheader(ui.tr("projects.detail.status"))
        st.markdown(ui.tr(f"status.{detail.status}"))

        st.subheader(ui.tr("projects.detail.dates"))
        if detail.start_date or detail.end_date:
            if detail.start_date:
                st.markdown(ui.tr("projects.detail.start", date=format_date(detail.start_date, lang)))
            if detail.end_date:
                st.markdown(ui.tr("projects.detail.end", date=format_date(detail.end_date, lang)))
        else:
            st.markdown(ui.tr("projects.detail.no_dates"))

        st.subheader(ui.tr("projects.detail.contact"))
        contact = " · ".join(part for part in (detail.contact_name, detail.contact_email) if part)
        st.markdown(ui.escape_markdown(contact or ui.tr("projects.detail.no_contact")))

        st.subheader(ui.tr("projects.detail.source"))
        st.markdown(ui.escape_markdown(detail.source or ui.tr("projects.detail.no_source")))
        if detail.updated_at:
            st.caption(ui.tr("projects.detail.updated", date=format_date(detail.updated_at.date(), lang)))


# --- page ----------------------------------------------------------------------------------

network = ui.network()
ui.canonical_city_params("city")
project_slug = ui.query_param("project")
if project_slug is None:
    st.title(ui.tr("nav.projects"))
    project_list()
else:
    found = project_detail(network, project_slug, ui.lang())
    if found is None:
        st.title(ui.tr("nav.projects"))
        ui.not_found(ui.tr("projects.not_found", slug=project_slug[:80]), "pages/projects.py", ui.tr("nav.projects"))
    else:
        project_view(found)
