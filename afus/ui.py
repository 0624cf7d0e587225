"""The one Streamlit helper module of the package: cached loaders, language, safe rendering, URL state.

Everything else in ``afus`` is free of Streamlit.
"""

from __future__ import annotations

import collections
import contextlib
import contextvars
import functools
import logging
import os
import re
import sys
import threading
import weakref
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import TypeVar

import pandas as pd
import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from afus import db, index_page
from afus.i18n import DEFAULT_LANG, LANGS, Localized, format_number, localized, normalize_lang, t
from afus.network import Network, load_network

_LOG = logging.getLogger("afus")
T = TypeVar("T")

# --- store and cached reads -------------------------------------------------


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    return db.make_engine(url)


def engine() -> Engine:
    """The process-wide engine for the configured store."""
    return _engine(url=db.database_url())


# What a script or fragment run read of the store, by that run's
# ParallelFragmentCoordinator (Streamlit makes a fresh one for every run):
# (url, local writes) when read, the data-version stamp, and the snapshots
# taken at that stamp.
_RUN_READS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _run_reads() -> tuple[int, dict[str, object]]:
    """This run's data-version stamp and the snapshots it took, read again after a write here."""
    url = db.database_url()
    ctx = get_script_run_ctx()
    run = getattr(ctx, "parallel_coordinator", None) if ctx else None
    seen = (url, db.local_writes())
    if run is not None:
        cached = _RUN_READS.get(run)
        if cached is not None and cached[0] == seen:
            return cached[1], cached[2]
    version, taken = db.data_version(_engine(url=url)), {}
    if run is not None:
        _RUN_READS[run] = (seen, version, taken)
    return version, taken


def data_version() -> int:
    """The store's data-version stamp, read once per script (or fragment) run and again after a write here.

    A page asks for the snapshot, the match inputs and its own per-version
    results in one run: each asked the store (4 to 9 queries a run, a few
    ms each on a busy machine), where one answer serves the whole run. A
    write in another process still shows on the next run.
    """
    return _run_reads()[0]


def _this_run(name: str, load: Callable[..., T]) -> T:
    """``load(url, stamp)`` (a cached read) once per run: a cache's own look-up costs a few ms a call."""
    version, taken = _run_reads()
    if name not in taken:
        taken[name] = load(url=db.database_url(), version=version)  # by keyword: Streamlit's cache look-up inspects the signature for each positional one
    return taken[name]  # type: ignore[return-value]


@st.cache_resource(show_spinner=False, max_entries=4)
def _network(url: str, version: int) -> Network:
    # Keyed on the data-version stamp: any write, in any process, bumps it,
    # so the next rerun everywhere reads a fresh snapshot. cache_resource
    # (not cache_data) avoids copying the frames on every rerun; they are
    # treated as read-only.
    return load_network(_engine(url))


def network() -> Network:
    """The current snapshot of the network (re-read only when the data changed)."""
    with store_guard():
        return _this_run("network", _network)


@st.cache_resource(show_spinner=False, max_entries=4)
def _match_inputs(url: str, version: int):  # noqa: ANN202 (afus.matching.MatchInputs)
    from afus.matching import inputs_from_network

    return inputs_from_network(_network(url, version))


def match_inputs():  # noqa: ANN201 (afus.matching.MatchInputs)
    """Peer-matching inputs of the current snapshot (rebuilt only when the data changed).

    The score matrix and seminar pairings are memoised on it, so they too are
    computed once per data version.
    """
    with store_guard():
        return _this_run("match_inputs", _match_inputs)


PER_VERSION_MAX = 256  # results kept by per_version, the least recently used dropped first
_SHARED: collections.OrderedDict[tuple, object] = collections.OrderedDict()
_SHARED_LOCK = threading.Lock()
_BUILDING: dict[tuple, threading.Lock] = {}


def per_version(key: tuple, build: Callable[[], T]) -> T:
    """``build()`` computed once per data version and ``key``, then shared by every session.

    For what is expensive and the same for everyone (figures, aggregated
    frames, tables in a language): ``key`` names the result and everything
    it depends on besides the store's data (language, filters, a date).
    Results are shared: treat them as read-only. ``build`` must read the
    snapshot of this run (``network()``), not one kept from an earlier run.
    """
    # Keyed on the snapshot's own version: what ``build`` reads from the
    # network and what it is filed under always agree. A dictionary, not
    # st.cache_resource: a page asks for several results per rerun, and
    # Streamlit's look-up (hashing each argument) cost 0.1-0.5 ms a call.
    full_key = (db.database_url(), network().version, key)
    with _SHARED_LOCK:
        if full_key in _SHARED:
            _SHARED.move_to_end(full_key)
            return _SHARED[full_key]  # type: ignore[return-value]
        building = _BUILDING.setdefault(full_key, threading.Lock())
    with building:  # a room opening the page at once builds each result once
        try:
            with _SHARED_LOCK:
                if full_key in _SHARED:
                    return _SHARED[full_key]  # type: ignore[return-value]
            value = build()
            with _SHARED_LOCK:
                _SHARED[full_key] = value
                while len(_SHARED) > PER_VERSION_MAX:
                    _SHARED.popitem(last=False)
        finally:
            with _SHARED_LOCK:
                _BUILDING.pop(full_key, None)
    return value


def _slide_options(year: int, host: str | None, since: str | None, country: str | None, theme: str | None):  # noqa: ANN202
    import datetime as dt

    from afus.slides import SlideOptions

    since_date = dt.date.fromisoformat(since) if since else None
    return SlideOptions(year=year, host_slug=host, since=since_date, country=country, theme_slug=theme)


@st.cache_resource(show_spinner=False, max_entries=16)
def _slide_outline(url: str, version: int, lang: str, *settings: object):  # noqa: ANN202
    from afus.slides import outline

    return outline(_network(url, version), _slide_options(*settings), lang, _match_inputs(url, version))


@st.cache_resource(show_spinner=False, max_entries=64)
def _slide(url: str, version: int, lang: str, key: str, *settings: object):  # noqa: ANN202
    from afus.slides import build_slide

    return build_slide(_network(url, version), key, _slide_options(*settings), lang, _match_inputs(url, version))


def _settings(options) -> tuple[object, ...]:  # noqa: ANN001
    since = options.since.isoformat() if options.since else None
    return (options.year, options.host_slug, since, options.country, options.theme_slug)


def slide_outline(options):  # noqa: ANN001, ANN201 (afus.slides.SlideOptions -> afus.slides.Outline)
    """The seminar's slide list for these settings (the hand-picked order aside), built once per data version."""
    url = db.database_url()
    with store_guard():
        return _slide_outline(url, data_version(), lang(), *_settings(options))


def slide(options, key: str):  # noqa: ANN001, ANN201 (afus.slides.Slide | None)
    """One seminar slide by its key, built once per data version, language and settings."""
    url = db.database_url()
    with store_guard():
        return _slide(url, data_version(), lang(), key, *_settings(options))


# --- language -----------------------------------------------------------------


def lang() -> str:
    """The interface language of this session."""
    return st.session_state.get("lang", DEFAULT_LANG)


def tr(key: str, **kwargs: object) -> str:
    """An interface string in the session's language."""
    return t(key, lang(), **kwargs)


# How a date is typed in a date field, as each language writes dates in figures.
DATE_INPUT_FORMATS = {"en": "YYYY-MM-DD", "fr": "DD/MM/YYYY", "sv": "YYYY-MM-DD"}


def date_format() -> str:
    """The date fields' format in the session's language (``format=`` of st.date_input)."""
    return DATE_INPUT_FORMATS[lang()]


def browser_lang() -> str | None:
    """The browser's language if the app speaks it ("fr-FR" -> "fr"), else None."""
    code = (getattr(st.context, "locale", None) or "").split("-")[0].lower()
    return code if code in LANGS else None


def init_lang() -> str:
    """Set the session language (once) from ``?lang=``, else the browser's language, and keep the URL in step.

    A link shared without ``lang`` (or with one the app does not speak)
    opens in the reader's browser language when the app has it.
    """
    if "lang" not in st.session_state:
        asked = (st.query_params.get("lang") or "").strip().lower()[:2]
        st.session_state["lang"] = asked if asked in LANGS else normalize_lang(browser_lang())
    current = lang()
    if current != DEFAULT_LANG or "lang" in st.query_params:
        st.query_params["lang"] = current
    return current


def language_selector() -> None:
    """Sidebar switch between English, French and Swedish."""
    from afus.i18n import LANG_NAMES

    def _changed() -> None:
        st.query_params["lang"] = st.session_state["lang"]

    st.sidebar.selectbox(
        tr("sidebar.language"),
        LANGS,
        key="lang",
        format_func=lambda code: LANG_NAMES[code],
        on_change=_changed,
    )


def content(row, field: str) -> Localized:  # noqa: ANN001
    """Content ``field`` of a row (with ``lang`` and ``translations``) in the session's language."""
    return localized(row[field], row["lang"], row.get("translations"), field, lang())


# --- page style -----------------------------------------------------------------

# A link's or a button's label wraps onto more lines instead of being cut on a
# narrow screen (Streamlit keeps them on one line, ending in "…": "Autres projets
# à Mal…" beside a project at 1024 pixels). Static CSS, no user text. The rules
# name an ancestor by its class, which the browser checks at once for each
# span or div, not by an attribute (data-testid) that every element has.
LINK_WRAP_CSS = """<style>
.stPageLink a { height: auto; }
.stPageLink span, .stPageLink div, .stPageLink p { white-space: normal !important; overflow-wrap: anywhere; }
.stButton button, .stDownloadButton button, .stFormSubmitButton button { height: auto; }
.stButton button div, .stButton button p, .stDownloadButton button div, .stDownloadButton button p,
.stFormSubmitButton button div, .stFormSubmitButton button p {
  white-space: normal !important; overflow: visible; text-overflow: clip; overflow-wrap: anywhere;
}
</style>"""


# Under a box being typed in, Streamlit writes "Press Enter to apply" (or "Press Ctrl+Enter
# to apply") in English whatever the reader's language, and in the coordinators' forms
# nothing is applied before Save. Not shown: the search boxes say how they search in their help.
INPUT_HINT_CSS = "<style>[data-testid='InputInstructions'] { display: none; }</style>"


def page_style() -> None:
    """The app's own style rules, once per page (in the sidebar: they draw nothing, and the page's elements stay as they are)."""
    from afus.charts import THEMED_TEXT_CSS

    st.sidebar.html(THEMED_TEXT_CSS + LINK_WRAP_CSS + INPUT_HINT_CSS)


# --- safe rendering -----------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&])")
# Streamlit's Markdown also links bare addresses ("https://…", "www.…", "a@b.se")
# after escapes are read, so escaping cannot stop it: an invisible word joiner
# (U+2060) placed inside each such pattern does.
_AUTOLINK = re.compile(r"(?i)(https?|ftp)(?=://)|\b(www)(?=\.)|(?<=[\w.+-])(?=@[\w-]+\.)")
_WORD_JOINER = "\u2060"


def escape_markdown(value: object) -> str:
    """User text made inert for ``st.markdown``: no HTML, no links (not even bare addresses), no formatting."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n")
    text = _AUTOLINK.sub(lambda m: (m.group(0) or "") + _WORD_JOINER, text)
    return _MD_SPECIAL.sub(r"\\\1", text)


def text(value: object, *, fallback_note: Localized | None = None) -> None:
    """Render user text as text, its line breaks kept. With ``fallback_note``, say when it is not in the asked language."""
    st.markdown(escape_markdown(value).replace("\n", "  \n"))
    if fallback_note is not None and fallback_note.fallback:
        st.caption(tr("common.fallback", lang=fallback_note.lang.upper()))


def safe_link(label: str, url: str) -> None:
    """A link only if ``url`` is http(s); otherwise the URL is shown as inert text."""
    if re.match(r"^https?://[^\s<>\"]+$", url or "", re.IGNORECASE):
        st.link_button(label, url)
    else:
        st.markdown(escape_markdown(f"{label}: {url}"))


# --- URL state ----------------------------------------------------------------


def query_param(name: str) -> str | None:
    """One query parameter's value, stripped; ``None`` when absent or empty."""
    value = st.query_params.get(name)
    value = value.strip() if isinstance(value, str) else None
    return value or None


def set_query_param(name: str, value: str | None) -> None:
    """Write a widget's value back to the URL (remove it when empty)."""
    if value:
        st.query_params[name] = value
    elif name in st.query_params:
        del st.query_params[name]


def canonical_city_params(*names: str) -> None:
    """Let a link name a city as people write it (``?city=Malmö``, ``?with=Goteborg``): the address then says its slug."""
    from afus import browse

    lookup = per_version(("city_slug_lookup",), lambda: browse.city_slug_lookup(network().cities))
    for name in names:
        values = st.query_params.get_all(name)
        fixed = browse.canonical_city_values(values, lookup)
        if fixed != values:
            st.query_params[name] = fixed if len(fixed) > 1 else fixed[0]


def not_found(message: str, back_page: str, back_label: str) -> None:
    """A friendly "not found" with a way back; never a traceback."""
    st.warning(f"**{escape_markdown(tr('common.not_found.title'))}** — {escape_markdown(message)}")
    st.page_link(back_page, label=tr("common.back", page=back_label), icon=":material/arrow_back:")


# --- charts ---------------------------------------------------------------------


# The charts of the enclosing ``charts_last`` block still to draw (None outside one).
_CHARTS_TO_DRAW: contextvars.ContextVar[list[Callable[[], None]] | None] = contextvars.ContextVar("afus_charts_to_draw", default=None)


@contextlib.contextmanager
def charts_last() -> Iterator[None]:
    """Inside, :func:`chart` keeps each chart's place on the page and draws it when the block ends.

    The first chart of a visit has the browser load and start the chart library
    (1.2 MB): while it did, the rest of the page waited. Drawn last, the text
    around a chart shows first: at seed scale the overview was ready 8 to 75 ms
    sooner in five runs of 15 to 25 fresh visits, a city's profile 38 to 79 ms
    sooner in three. Not around a fragment that draws a chart: a fragment's
    elements belong to its own run.
    """
    token = _CHARTS_TO_DRAW.set([])
    try:
        yield
    finally:
        pending = _CHARTS_TO_DRAW.get()
        _CHARTS_TO_DRAW.reset(token)
    for draw in pending:  # not after an exception, st.stop or st.rerun
        draw()


def chart(figure, caption: str, data, *, key: str) -> None:  # noqa: ANN001
    """A chart with its text alternative: a caption and its data as a table.

    ``figure`` is an :class:`afus.stat_charts.EChart` (maps, bars, heatmaps,
    the timeline); under the same ``key``, a filter that changes it updates
    it in place. ``data`` is a DataFrame with localized column names, shown
    in an expander under ``chart_data_key(key)``. Inside :func:`charts_last`,
    drawn at the end of that block, in its place.
    """
    pending = _CHARTS_TO_DRAW.get()
    if pending is None:
        _draw_chart(figure, caption, data, key)
        return
    # Its place: a container (an st.empty's content is drawn anew on every run, and a
    # keyboard's focus on the chart's data expander was lost when it opened).
    slot = st.container()

    def draw() -> None:
        with slot:
            _draw_chart(figure, caption, data, key)

    pending.append(draw)


def _draw_chart(figure, caption: str, data, key: str) -> None:  # noqa: ANN001
    # SVG, not canvas: its text is text (read by the browser's tools, checked for contrast).
    st.echarts_chart(figure.option, height=figure.height, key=key, renderer="svg", alt=caption)
    st.caption(escape_markdown(caption))
    # The table is sent only while its expander is open (opening it reruns the page or
    # fragment): a closed one costs nothing when a filter changes the page. Sent always, it
    # cost a Styler on the server and a table of Markdown cells that the browser drew again
    # on every rerun.
    shown = st.expander(tr("browse.chart_data"), key=chart_data_key(key), on_change="rerun")
    if shown.open:
        with shown:
            table(data, name=caption)


def chart_data_key(chart_key: str) -> str:
    """The widget key of the expander holding the data of chart ``chart_key`` (True when open)."""
    return f"{chart_key}_data"


# --- tables -----------------------------------------------------------------------

# Up to this many rows a read-only table is a plain HTML table (st.table): a
# screen reader reads it like any table, and a page without a long table does
# not load the data grid's module (/themes, whose three tables are short:
# ready at 1.66x the empty page with the grid, 1.48x without, 11 fresh visits
# each). Longer tables scroll in the grid (st.dataframe).
SHORT_TABLE_ROWS = 30


def figures(pairs: Sequence[tuple[str, str]]) -> None:
    """Key figures (label, value as written) side by side; a row that runs out of room wraps, never cutting a label or a value.

    In fixed columns a figure was cut at 1024 pixels ("362…" for Malmö's
    population, "Pågående" in Swedish on the overview).
    """
    with st.container(horizontal=True, gap="medium"):
        for label, value in pairs:
            st.metric(label, value, width="content")


def table(frame, *, key: str | None = None, name: str | None = None) -> None:  # noqa: ANN001
    """A read-only table of ``frame`` (localized column names, no index shown).

    ``name``: what the table holds, for a screen reader, when it is long
    enough to scroll in the grid (a short table is read with its heading).

    st.table renders its cells as Markdown, so text cells and headers are
    escaped first: user text never becomes formatting, HTML or a link.
    """
    if len(frame) > SHORT_TABLE_ROWS:
        grid(frame, name=name, key=key)
        return
    with st.container(key=key) if key else contextlib.nullcontext():
        st.table(localized_numbers(inert_table(frame), lang()), hide_index=True)


def grid(frame, *, name: str | None, key: str | None = None, **selection: object):  # noqa: ANN001, ANN201 - DataFrame in, st.dataframe's result out
    """The data grid (scrolling, sortable) of ``frame``, no index shown: the one way the app draws one.

    - ``name``: what it holds, for a screen reader, in the interface language.
    - Numbers are written with the reader's digit grouping, and still sort as numbers.
    - An unknown value is an empty cell, as in a short table. The grid writes "None" otherwise.
    - ``selection``: st.dataframe's ``on_select`` and ``selection_mode``.
    """
    return st.dataframe(
        frame, hide_index=True, key=key, alt=name, column_config=localized_number_columns(frame), placeholder="", **selection
    )


def inert_table(frame):  # noqa: ANN001, ANN201 - a pandas DataFrame
    """``frame`` with every text cell and header escaped for Markdown (numbers stay numbers)."""
    shown = frame.rename(columns=lambda name: escape_markdown(name))
    for column in shown.columns:
        if not pd.api.types.is_numeric_dtype(shown[column]):
            shown[column] = shown[column].map(lambda v: escape_markdown(v) if isinstance(v, str) else v)
    return shown


def localized_numbers(frame, lang: str):  # noqa: ANN001, ANN201 - a DataFrame in, a DataFrame or its Styler out
    """``frame`` with its number columns shown as ``lang`` writes them ("57.721", "4,94", "52 774"; no trailing zeros).

    Only the display changes: the values stay numbers. (Years are written
    as dates or text in the app's tables, never as numbers to group.)
    """
    numbers = [name for name in frame.columns if _is_number_column(frame[name])]
    if not numbers:
        return frame
    return frame.style.format({name: functools.partial(format_number, lang=lang) for name in numbers})


def localized_number_columns(frame) -> dict:  # noqa: ANN001 - a DataFrame
    """Column settings of the data grid that write ``frame``'s numbers with the reader's digit grouping and decimal sign.

    The grid takes them from the browser's languages ("52 774" in a French
    browser); the values stay numbers, so a column still sorts by value.
    """
    return {name: st.column_config.NumberColumn(format="localized") for name in frame.columns if _is_number_column(frame[name])}


def _is_number_column(column) -> bool:  # noqa: ANN001 - a pandas Series
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def bind_to_url(key: str, param: str, valid: Collection[str] | None = None, default: str = "") -> Callable[[], None]:
    """Keep widget ``key`` and query parameter ``param`` in step, both ways.

    Call it just before drawing the widget and pass the returned callback as
    its ``on_change``: opening or following a URL sets the widget from
    ``?param=`` (values not in ``valid`` fall back to ``default``), and a
    widget change writes the value back to the URL (removed when empty).
    """
    url_value = query_param(param)
    wanted = url_value if url_value is not None and (valid is None or url_value in valid) else default
    if st.session_state.get(key, default) != wanted or key not in st.session_state:
        st.session_state[key] = wanted

    def _write_to_url() -> None:
        rerun_if_page_left()
        set_query_param(param, st.session_state.get(key) or None)

    return _write_to_url


def rerun_if_page_left() -> None:
    """First in the callback of a box inside a fragment: if its page was left meanwhile, draw the page now shown, whole.

    A box still being typed in sends its text when it loses focus. When a page
    link took the focus, Streamlit 1.67 sends it after the page switch, as a
    rerun of the box's fragment on the new page, where that fragment does not
    exist: the new page stayed empty (/peers after typing in /cities' search),
    and a callback's keyed ``st.rerun`` was an error. Nothing after ``st.rerun`` runs.
    """
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState

    fragment_id, ctx = ThreadState.get().fragment_id, get_script_run_ctx()
    if fragment_id is not None and ctx is not None and not ctx.fragment_storage.contains(fragment_id):
        st.rerun(scope="app")


# --- store failures ---------------------------------------------------------------


@contextlib.contextmanager
def store_guard() -> Iterator[None]:
    """Turn a failing store (read-only, full, unreachable) into a clear message instead of a traceback.

    Wraps the page run in ``dashboard.py``. Writes go through
    :func:`afus.db.write_session`, which rolls back on error, so after the
    message nothing half-written remains; the next rerun reads the store
    again, so the app recovers by itself once the store is back.
    """
    try:
        yield
    except DBAPIError as exc:
        kind = db.store_failure(exc)
        if kind is None:
            raise
        _LOG.warning("store failure (%s): %s", kind, str(exc.orig).splitlines()[0] if exc.orig else exc)
        key = {"read_only": "store.read_only", "full": "store.full"}.get(kind, "common.store_unavailable")
        st.error(tr(key), icon=":material/cloud_off:")
        st.button(tr("store.retry"), key="store_guard_retry", icon=":material/refresh:")
        st.stop()


# --- coordinator sign-in -------------------------------------------------

AUTH_USER_KEY = "auth_user"  # the SignedIn of this browser session, server-side only
AUTH_NOTICE_KEY = "auth_notice"  # why the session just ended, shown once
AUTH_ENDED_KEY = "auth_ended_user"  # whose session the system just ended (a page may keep their typing)


def signed_in():  # noqa: ANN201 (afus.auth.SignedIn | None)
    """The coordinator signed in in this session, already confirmed against the store on this rerun."""
    return st.session_state.get(AUTH_USER_KEY)


def end_session(reason_key: str | None = None) -> None:
    """Forget the signed-in account of this session (with a reason to show once)."""
    ended = st.session_state.pop(AUTH_USER_KEY, None)
    if ended is not None and reason_key != "auth.signed_out":
        st.session_state[AUTH_ENDED_KEY] = ended.name
    if reason_key:
        st.session_state[AUTH_NOTICE_KEY] = reason_key


def session_notice() -> str | None:
    """Why the coordinator's session ended on this rerun (a catalogue key), if it did."""
    return st.session_state.get(AUTH_NOTICE_KEY + "_this_run")


def account_sidebar() -> None:
    """Confirm the session (idle time, disabled account, new password); show who is signed in, with sign-out.

    Signing in is on /manage (:func:`sign_in_form`): the sidebar of every
    page stays light for the readers, who never sign in.
    """
    from afus import auth

    current = st.session_state.get(AUTH_USER_KEY)
    if current is not None:
        try:
            st.session_state[AUTH_USER_KEY] = auth.check_session(engine(), current)
        except auth.SessionEnded as exc:
            end_session(exc.key)
    notice = st.session_state.pop(AUTH_NOTICE_KEY, None)
    st.session_state[AUTH_NOTICE_KEY + "_this_run"] = notice  # pages may repeat it where the user looks
    user = signed_in()
    with st.sidebar:
        if notice:
            st.warning(tr(notice), icon=":material/logout:")
        if user is not None:
            st.caption(escape_markdown(tr("auth.signed_in_as", name=user.name, role=tr(f"role.{user.role}"))))
            if st.button(tr("auth.sign_out"), key="auth_sign_out", icon=":material/logout:"):
                end_session("auth.signed_out")
                st.rerun()


def sign_in_form() -> None:
    """The coordinators' sign-in form (name, password); a refusal is shown under it, in the user's language."""
    from afus import auth

    with st.form("auth_form"):
        name = st.text_input(tr("auth.name"), key="auth_name", autocomplete="username")
        password = st.text_input(tr("auth.password"), key="auth_password", type="password", autocomplete="current-password")
        submitted = st.form_submit_button(tr("auth.sign_in"), icon=":material/login:")
    if not submitted:
        return
    try:
        st.session_state[AUTH_USER_KEY] = auth.sign_in(engine(), name, password)
    except auth.SignInRefused as exc:
        # Shown for this attempt only: coming back to the page later does not show an old refusal.
        st.error(escape_markdown(exc.message(lang())))
    else:
        st.rerun()


# --- the launcher: ``python -m afus serve`` ----------------------------------------
# Why not plain ``streamlit run dashboard.py``: Streamlit 1.67 sees the
# ``pages/`` folder beside the entry point and starts each process in its
# legacy multipage mode, so the first request for a sub-page (a shared link
# such as ``/projects?lang=fr``) runs ``pages/projects.py`` alone, without
# ``dashboard.py``: no language, no sidebar, no sign-in. Our pages are
# declared with ``st.navigation``; :func:`use_navigation_only` tells
# Streamlit so before the server starts (AppTest tests call it too).


def use_navigation_only() -> None:
    """Make Streamlit ignore the legacy ``pages/`` folder mode, in this process, for good."""
    from streamlit.runtime.pages_manager import PagesManager

    if getattr(PagesManager, "_afus_navigation_only", False):
        return
    original_init = PagesManager.__init__

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        original_init(self, *args, **kwargs)
        # The flag is a class attribute that each PagesManager (and each
        # AppTest run) derives from the folder's existence: pin it.
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = __init__
    PagesManager.uses_pages_directory = False
    PagesManager._afus_navigation_only = True


def serve_index_page_with_base_address() -> None:
    """Make this process's Streamlit server send :mod:`afus.index_page`'s ``index.html`` (call before it starts)."""
    import atexit
    import shutil
    import tempfile

    from streamlit import file_util

    from afus.pages import PAGES

    if getattr(file_util, "_afus_index_page", False):
        return
    target = tempfile.mkdtemp(prefix="afus-static-")
    atexit.register(shutil.rmtree, target, ignore_errors=True)
    served = index_page.static_dir_with_base_address(
        file_util.get_static_dir(), os.path.join(target, "static"), (p.url_path for p in PAGES)
    )
    file_util.get_static_dir = lambda: served
    file_util._afus_index_page = True  # type: ignore[attr-defined]


# What the pages import: loaded before the server starts, then kept out of garbage collection.
PAGE_MODULES = (
    "afus.auth", "afus.browse", "afus.calendar", "afus.charts", "afus.editing", "afus.exports", "afus.gazetteer",
    "afus.history", "afus.imports", "afus.maps", "afus.matching", "afus.models", "afus.network", "afus.pages", "afus.peer_view",
    "afus.projects", "afus.search", "afus.slides", "afus.spreadsheet", "afus.stat_charts", "afus.validation",
    "streamlit.web.server.starlette",
)  # fmt: skip


def freeze_startup_objects() -> None:
    """Import what every page uses, then leave those objects out of Python's garbage collection.

    A full collection visits every tracked object: the 200,000 of Streamlit,
    pandas and the app's modules took 90 ms (145 ms while a browser shared
    the cores), a pause in whatever page run it fell on. They live as long
    as the process, so nothing is kept that would otherwise be freed.
    """
    import gc
    import importlib

    for name in PAGE_MODULES:
        importlib.import_module(name)
    gc.collect()
    gc.freeze()


def serve(streamlit_args: list[str]) -> int:
    """Run the Streamlit server on the dashboard with ``streamlit_args`` (e.g. ``--server.port 8502``)."""
    use_navigation_only()
    serve_index_page_with_base_address()
    from streamlit.web import cli as streamlit_cli

    os.chdir(db.ROOT)  # .streamlit/config.toml is read from the working directory
    sys.argv = ["streamlit", "run", str(db.ROOT / "dashboard.py"), *streamlit_args]
    freeze_startup_objects()
    try:
        streamlit_cli.main()
    except SystemExit as stop:
        return int(stop.code or 0)
    return 0
