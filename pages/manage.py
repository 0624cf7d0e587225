"""/manage: the coordinator workspace.

Anyone may export. Signed-in coordinators create, edit, archive and restore
projects, cities, themes, seeks and events, import spreadsheets and read the
history; admins also manage accounts. Every write goes through
:mod:`afus.editing` (or :mod:`afus.auth` for accounts), which checks the
role in the store at that moment: hiding a button is only a courtesy here.

No lost work: the version of an item is remembered when it is opened (not
re-read on every rerun), so a save after a colleague's save is refused and
both versions are shown side by side to merge. What is typed and not yet
saved stays through a switch of section or item (``DRAFT``), and leaves the
page when no one is signed in.
"""

from __future__ import annotations

import datetime as dt
import functools
import json

import pandas as pd
import streamlit as st

from afus import auth, db, editing, exports, history, imports, ui
from afus.gazetteer import places_by_name
from afus.i18n import LANG_NAMES, LANGS, format_date, format_number, t
from afus.models import COUNTRIES, EVENT_KINDS, FRAMEWORKS, ROLES, STATUSES
from afus.validation import CityForm, EventForm, ProjectForm, SeeksForm, ThemeForm

EDIT_SECTIONS = ("project", "city", "theme", "seeks", "event")
SECTIONS = (*EDIT_SECTIONS, "import", "export", "history", "accounts")
KEY_SECTION = "manage_section"
NEW = 0  # the pick-list entry "new item"
DATE_MIN, DATE_MAX = dt.date(1990, 1, 1), dt.date(2100, 12, 31)
# What is typed in an edit form and not saved stays for the session: switching to another
# section or item and back shows it again (Streamlit drops a widget's value once it is not
# drawn). A save, or signing out, takes it away. Not in an st.form, whose inputs reach the
# server only with its submit button: what was typed before a switch never did.
KEEP = "session"
# An input that nothing else on the page follows: its value reaches the server with the
# next rerun (a switch, a save), as in a form, and committing it reruns nothing. A rerun
# on leaving a box (Streamlit 1.67) cancels the page link clicked to leave it.
DRAFT = {"persist_state": KEEP, "on_change": "ignore"}
TRANSLATED = {
    "project": (("title", False), ("summary", True)),
    "city": (("profile", True),),
    "theme": (("name", False), ("description", True)),
    "event": (("title", False), ("description", True)),
}


# --- small helpers -------------------------------------------------------------------------


def seen_key(kind: str) -> str:
    return f"manage_seen_{kind}"


def conflict_key(kind: str) -> str:
    return f"manage_conflict_{kind}"


def show_problems(messages: list[str]) -> None:
    """Every problem of a refused save, one per line, as inert text."""
    st.error("\n".join(f"- {ui.escape_markdown(m)}" for m in messages), icon=":material/error:")


def run_write(action, *, kind: str | None = None):  # noqa: ANN001, ANN201
    """Run a write; turn each refusal into a message in the interface language. Returns the result or None."""
    try:
        return action()
    except editing.Invalid as exc:
        show_problems(exc.messages(ui.lang()))
    except editing.Conflict as exc:
        if kind is not None:
            st.session_state[conflict_key(kind)] = exc
        st.warning(ui.tr("manage.conflict.title"), icon=":material/sync_problem:")
        st.toast(ui.tr("manage.conflict.title"), icon=":material/sync_problem:")  # seen wherever the page is scrolled
    except editing.NotFound:
        st.error(ui.tr("manage.not_found"))
    except auth.SessionEnded as exc:
        ui.end_session()
        st.error(ui.escape_markdown(exc.message(ui.lang())), icon=":material/logout:")
    except auth.AuthError as exc:
        st.error(ui.escape_markdown(exc.message(ui.lang())), icon=":material/block:")
    return None


def display_value(value: object) -> str:
    """A snapshot value as plain text for tables."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return ui.tr("manage.yes") if value else ui.tr("manage.no")
    if isinstance(value, list):
        return "\n".join(str(v) for v in value) if any("://" in str(v) for v in value) else ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def labels_for(prefix: str):  # noqa: ANN201
    """A widget's ``format_func`` for catalogue keys ``<prefix>.<value>``, fixed in this rerun's language."""
    lang = ui.lang()
    return lambda value: t(f"{prefix}.{value}", lang)


def field_name(name: str) -> str:
    from afus.validation import field_label

    return field_label(name, ui.lang())


def as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def date_input(label_field: str, value: object, key: str) -> dt.date | None:
    return st.date_input(field_name(label_field), value=as_date(value), min_value=DATE_MIN, max_value=DATE_MAX, key=key, **DRAFT, format=ui.date_format())


def lang_select(value: str, key: str) -> str:
    return st.selectbox(field_name("lang"), LANGS, index=LANGS.index(value) if value in LANGS else 1, format_func=LANG_NAMES.get, key=key, persist_state=KEEP)  # the translations follow it


def translations_inputs(kind: str, snap: dict, source_lang: str, prefix: str) -> dict:
    """Inputs for the other languages' wording; returns ``{lang: {field: text}}``."""
    stored = snap.get("translations") or {}
    out: dict[str, dict[str, str]] = {}
    with st.expander(field_name("translations"), icon=":material/translate:"):
        for code in LANGS:
            if code == source_lang:
                continue
            entry = {}
            for name, multiline in TRANSLATED[kind]:
                widget = st.text_area if multiline else st.text_input
                label = field_name(f"{name}_{code}")
                entry[name] = widget(label, value=(stored.get(code) or {}).get(name, ""), key=f"{prefix}_{name}_{code}", **DRAFT)
            out[code] = entry
    return out


# --- picking the item to edit (and remembering the version seen) ----------------------------


def pick_item(kind: str) -> dict | None:
    """The item being edited as it was when opened (None for a new one)."""
    refs = editing.item_refs(ui.engine(), kind)
    labels = {r.id: r.label + (f" — {ui.tr('manage.archived')}" if r.archived and kind != "seeks" else "") for r in refs}
    options = ([NEW] if kind != "seeks" else []) + [r.id for r in refs]
    if not options:
        return None
    new_label = ui.tr(f"manage.new.{kind}") if kind != "seeks" else ""
    widget_key, current_key = f"manage_pick_{kind}", f"manage_current_{kind}"
    pending = st.session_state.pop(f"manage_pick_next_{kind}", None)
    if pending is not None:  # just created: open it
        st.session_state[current_key] = pending
    # The pick list's labels change (e.g. "archived"), which makes Streamlit re-create the widget:
    # keep the item open across that from our own key.
    if st.session_state.get(current_key) in options:
        st.session_state[widget_key] = st.session_state[current_key]

    def remember() -> None:
        st.session_state[current_key] = st.session_state[widget_key]

    chosen = st.selectbox(
        ui.tr(f"manage.pick.{kind}"), options, key=widget_key, on_change=remember,
        format_func=lambda i: new_label if i == NEW else labels.get(i, str(i)),
    )
    seen = st.session_state.get(seen_key(kind))
    if chosen == NEW:
        st.session_state.pop(seen_key(kind), None)
        return None
    if seen is None or seen.get("_id") != chosen:
        # Opened now: remember this version; later reruns keep it, so a colleague's save shows as a conflict.
        seen = editing.load_item(ui.engine(), kind, chosen) | {"_id": chosen}
        st.session_state[seen_key(kind)] = seen
        st.session_state.pop(conflict_key(kind), None)
    return seen


def reload_item(kind: str, item_id: int) -> None:
    """After a save (or a discarded conflict): edit the stored version from now on, without the item's drafts."""
    st.session_state[seen_key(kind)] = editing.load_item(ui.engine(), kind, item_id) | {"_id": item_id}
    st.session_state.pop(conflict_key(kind), None)
    drop_drafts(f"manage_{kind}_{item_id}_")


def drop_drafts(stem: str | tuple[str, ...]) -> dict:
    """Take the form inputs whose keys start with ``stem`` off the page (see DRAFT); returns what they held."""
    typed = {key: st.session_state[key] for key in list(st.session_state) if str(key).startswith(stem)}
    for key in typed:
        del st.session_state[key]
    return typed


def form_prefix(kind: str, seen: dict | None) -> str:
    # Widget keys carry the id and version: opening another version resets the inputs.
    return f"manage_{kind}_{seen['_id']}_{seen['version']}" if seen else f"manage_{kind}_new_{st.session_state.get(f'manage_new_round_{kind}', 0)}"


# --- the forms (one per kind) --------------------------------------------------------------


def theme_labels(net, *, with_framework: bool = False) -> dict[str, str]:  # noqa: ANN001 (afus.network.Network)
    """Theme slugs and their names in the interface language (as the public pages show them)."""
    labels = {}
    for _, row in net.themes.iterrows():
        name = ui.content(row, "name").text
        framework = ui.tr(f"framework.{row['framework']}")
        labels[row["slug"]] = f"{name} ({framework})" if with_framework else name
    return labels


def project_form(seen: dict | None, prefix: str) -> ProjectForm:
    snap = seen or {}
    net = ui.network()
    cities = dict(zip(net.cities["slug"], net.cities["name"], strict=False))
    if snap.get("city") and snap["city"] not in cities:
        cities[snap["city"]] = snap["city"]
    themes = theme_labels(net, with_framework=True)
    city_options = list(cities)
    title = st.text_input(field_name("title") + " *", value=snap.get("title", ""), key=f"{prefix}_title", **DRAFT, max_chars=None)
    city = st.selectbox(
        field_name("city") + " *", city_options, index=city_options.index(snap["city"]) if snap.get("city") in city_options else None,
        format_func=cities.get, key=f"{prefix}_city", **DRAFT, placeholder=ui.tr("manage.choose"),
    )
    col1, col2 = st.columns(2)
    with col1:
        lang = lang_select(snap.get("lang", ui.lang()), f"{prefix}_lang")
    with col2:
        status = st.selectbox(
            field_name("status"), STATUSES, index=STATUSES.index(snap.get("status", "ongoing")),
            format_func=labels_for("status"), key=f"{prefix}_status", **DRAFT,
        )
    summary = st.text_area(field_name("summary"), value=snap.get("summary", ""), key=f"{prefix}_summary", **DRAFT, help=ui.tr("manage.help.summary"))
    col1, col2 = st.columns(2)
    with col1:
        start = date_input("start_date", snap.get("start_date"), f"{prefix}_start")
    with col2:
        end = date_input("end_date", snap.get("end_date"), f"{prefix}_end")
    chosen_themes = st.multiselect(
        field_name("themes"), list(themes), default=[s for s in snap.get("themes", []) if s in themes],
        format_func=themes.get, key=f"{prefix}_themes", **DRAFT, placeholder=ui.tr("common.choose_many"),
    )
    partners = st.multiselect(
        field_name("partners"), city_options, default=[s for s in snap.get("partners", []) if s in cities],
        format_func=cities.get, key=f"{prefix}_partners", **DRAFT, placeholder=ui.tr("common.choose_many"),
    )
    col1, col2, col3 = st.columns(3)
    with col1:
        contact_name = st.text_input(field_name("contact_name"), value=snap.get("contact_name", ""), key=f"{prefix}_cname", **DRAFT)
    with col2:
        contact_email = st.text_input(field_name("contact_email"), value=snap.get("contact_email", ""), key=f"{prefix}_cemail", **DRAFT)
    with col3:
        checked = date_input("contact_checked", snap.get("contact_checked"), f"{prefix}_cchecked")
    links = st.text_area(field_name("links"), value="\n".join(snap.get("links", [])), key=f"{prefix}_links", **DRAFT, help=ui.tr("manage.help.links"))
    source = st.text_input(field_name("source"), value=snap.get("source", ""), key=f"{prefix}_source", **DRAFT)
    translations = translations_inputs("project", snap, lang, prefix)
    return ProjectForm(
        title=title, city=city or "", lang=lang, status=status, summary=summary, start_date=start, end_date=end,
        themes=chosen_themes, partners=partners, contact_name=contact_name, contact_email=contact_email,
        contact_checked=checked, links=links, source=source, translations=translations,
    )


def theme_form(seen: dict | None, prefix: str) -> ThemeForm:
    snap = seen or {}
    name = st.text_input(field_name("name") + " *", value=snap.get("name", ""), key=f"{prefix}_name", **DRAFT)
    framework = st.selectbox(
        field_name("framework"), FRAMEWORKS, index=FRAMEWORKS.index(snap.get("framework", "afus_theme")),
        format_func=labels_for("framework"), key=f"{prefix}_framework", **DRAFT,
    )
    lang = lang_select(snap.get("lang", ui.lang()), f"{prefix}_lang")
    description = st.text_area(field_name("description"), value=snap.get("description", ""), key=f"{prefix}_description", **DRAFT)
    period = st.text_input(field_name("period"), value=snap.get("period", ""), key=f"{prefix}_period", **DRAFT)
    translations = translations_inputs("theme", snap, lang, prefix)
    return ThemeForm(
        name=name, framework=framework, lang=lang, description=description, period=period,
        position=snap.get("position"), translations=translations,
    )


def event_form(seen: dict | None, prefix: str) -> EventForm:
    snap = seen or {}
    net = ui.network()
    cities = dict(zip(net.cities["slug"], net.cities["name"], strict=False))
    themes = theme_labels(net)
    title = st.text_input(field_name("title") + " *", value=snap.get("title", ""), key=f"{prefix}_title", **DRAFT)
    col1, col2 = st.columns(2)
    with col1:
        kind = st.selectbox(
            field_name("kind"), EVENT_KINDS, index=EVENT_KINDS.index(snap.get("kind", "webinar")),
            format_func=labels_for("event"), key=f"{prefix}_kind", **DRAFT,
        )
    with col2:
        lang = lang_select(snap.get("lang", ui.lang()), f"{prefix}_lang")
    col1, col2 = st.columns(2)
    with col1:
        start = date_input("start_date", snap.get("start_date"), f"{prefix}_start")
    with col2:
        end = date_input("end_date", snap.get("end_date"), f"{prefix}_end")
    host_options = ["", *cities]
    host = st.selectbox(
        field_name("host"), host_options, index=host_options.index(snap.get("host", "")) if snap.get("host", "") in host_options else 0,
        format_func=lambda s: cities.get(s, "—"), key=f"{prefix}_host", **DRAFT,
    )
    location = st.text_input(field_name("location"), value=snap.get("location", ""), key=f"{prefix}_location", **DRAFT)
    description = st.text_area(field_name("description"), value=snap.get("description", ""), key=f"{prefix}_description", **DRAFT)
    programme = st.text_area(field_name("programme"), value=snap.get("programme", ""), key=f"{prefix}_programme", **DRAFT)
    outcomes = st.text_area(field_name("outcomes"), value=snap.get("outcomes", ""), key=f"{prefix}_outcomes", **DRAFT)
    chosen_cities = st.multiselect(
        field_name("cities"), list(cities), default=[c for c in snap.get("cities", []) if c in cities], format_func=cities.get,
        key=f"{prefix}_cities", **DRAFT, placeholder=ui.tr("common.choose_many"),
    )
    chosen_themes = st.multiselect(
        field_name("themes"), list(themes), default=[t for t in snap.get("themes", []) if t in themes], format_func=themes.get,
        key=f"{prefix}_themes", **DRAFT, placeholder=ui.tr("common.choose_many"),
    )
    source = st.text_input(field_name("source"), value=snap.get("source", ""), key=f"{prefix}_source", **DRAFT)
    translations = translations_inputs("event", snap, lang, prefix)
    return EventForm(
        title=title, kind=kind, lang=lang, start_date=start, end_date=end, host=host, location=location,
        description=description, programme=programme, outcomes=outcomes, cities=chosen_cities, themes=chosen_themes,
        source=source, translations=translations,
    )


def seeks_form(seen: dict, prefix: str) -> SeeksForm:
    net = ui.network()
    themes = theme_labels(net, with_framework=True)
    chosen = st.multiselect(
        field_name("themes"), list(themes), default=[t for t in seen.get("themes", []) if t in themes], format_func=themes.get,
        key=f"{prefix}_themes", **DRAFT, placeholder=ui.tr("common.choose_many"),
    )
    note = st.text_area(field_name("note"), value=seen.get("note", ""), key=f"{prefix}_note", **DRAFT)
    return SeeksForm(city=seen["city"], themes=chosen, note=note)


def city_form(seen: dict | None, prefix: str) -> CityForm | None:
    """The city inputs; a new city is first looked up in the gazetteer and the coordinator confirms the entry."""
    snap = seen or {}
    name = st.text_input(field_name("name") + " *", value=snap.get("name", ""), key=f"{prefix}_name", persist_state=KEEP)  # looked up as typed
    country = st.selectbox(
        field_name("country"), COUNTRIES, index=COUNTRIES.index(snap["country"]) if snap.get("country") in COUNTRIES else 0,
        format_func=labels_for("country"), key=f"{prefix}_country", persist_state=KEEP,
    )
    geonames_id = snap.get("geonames_id")
    if seen is None or name.strip() != snap.get("name"):
        places = places_by_name(name, (country,)) if name.strip() else []
        if name.strip() and not places:
            st.warning(ui.tr("manage.city.not_found"))
        if places:
            def place_label(p, lang=ui.lang()):  # noqa: ANN001, ANN202
                return t(
                    "manage.city.place", lang, name=p.name, population=format_number(p.population, lang),
                    lat=f"{p.latitude:.3f}", lon=f"{p.longitude:.3f}", id=p.geonames_id,
                )

            chosen = st.radio(ui.tr("manage.city.confirm"), places[:8], format_func=place_label, key=f"{prefix}_place", **DRAFT)
            geonames_id = chosen.geonames_id if chosen else None
    else:
        st.caption(ui.escape_markdown(ui.tr("manage.city.current", id=geonames_id)))
    lang = lang_select(snap.get("lang", ui.lang()), f"{prefix}_lang")
    aliases = st.text_input(field_name("aliases"), value=snap.get("aliases", ""), key=f"{prefix}_aliases", **DRAFT)
    profile = st.text_area(field_name("profile"), value=snap.get("profile", ""), key=f"{prefix}_profile", **DRAFT)
    col1, col2, col3 = st.columns(3)
    with col1:
        contact_name = st.text_input(field_name("contact_name"), value=snap.get("contact_name", ""), key=f"{prefix}_cname", **DRAFT)
    with col2:
        contact_email = st.text_input(field_name("contact_email"), value=snap.get("contact_email", ""), key=f"{prefix}_cemail", **DRAFT)
    with col3:
        checked = date_input("contact_checked", snap.get("contact_checked"), f"{prefix}_cchecked")
    member_since = st.text_input(field_name("member_since"), value=snap.get("member_since", ""), key=f"{prefix}_since", **DRAFT)
    translations = translations_inputs("city", snap, lang, prefix)
    return CityForm(
        name=name, country=country, geonames_id=geonames_id, aliases=aliases, lang=lang, profile=profile,
        contact_name=contact_name, contact_email=contact_email, contact_checked=checked, member_since=member_since,
        translations=translations,
    )


FORM_BUILDERS = {"project": project_form, "city": city_form, "theme": theme_form, "event": event_form, "seeks": seeks_form}


# --- conflicts: both versions side by side, merge per field ----------------------------------


def conflict_panel(kind: str, user) -> None:  # noqa: ANN001
    conflict: editing.Conflict | None = st.session_state.get(conflict_key(kind))
    if conflict is None:
        return
    with st.container(border=True, key=f"manage_conflict_box_{kind}"):
        st.subheader(ui.tr("manage.conflict.title"))
        latest = next(iter(history.item_history(ui.engine(), kind, conflict.item_id)), None)
        if latest is not None:  # who saved in between, and when
            st.markdown(ui.escape_markdown(ui.tr("manage.conflict.by", name=latest.actor, when=latest.at.strftime("%Y-%m-%d %H:%M"))))
        st.markdown(ui.escape_markdown(ui.tr("manage.conflict.explain", seen=conflict.seen_version, current=conflict.current_version)))
        # Who changed what since the version this coordinator opened.
        who = editing.changed_by(st.session_state.get(seen_key(kind)), conflict.mine, conflict.theirs)
        differing = list(who)
        table = pd.DataFrame(
            {
                ui.tr("manage.conflict.field"): [field_name(f) for f in differing],
                ui.tr("manage.conflict.changed_by"): [ui.tr(f"manage.conflict.changed_by.{who[f]}") for f in differing],
                ui.tr("manage.conflict.mine"): [display_value(conflict.mine.get(f)) for f in differing],
                ui.tr("manage.conflict.theirs"): [display_value(conflict.theirs.get(f)) for f in differing],
            }
        )
        # A plain table: long texts wrap in full, so both versions can be read side by side.
        ui.table(table, key=f"manage_conflict_table_{kind}")
        take_theirs, keep_both = [], []
        for name in differing:
            choices = ("mine", "theirs", "both") if name in editing.JOINABLE_FIELDS else ("mine", "theirs")
            choice = st.radio(
                field_name(name), choices, horizontal=True, key=f"manage_merge_{kind}_{conflict.current_version}_{name}",
                index=choices.index(editing.default_choice(who[name])),
                format_func=lambda c, lang=ui.lang(): t(f"manage.conflict.keep_{c}", lang),
            )
            if choice == "theirs":
                take_theirs.append(name)
            elif choice == "both":
                keep_both.append(name)
        col1, col2 = st.columns(2)
        if col1.button(ui.tr("manage.conflict.save_merged"), key=f"manage_merge_save_{kind}", type="primary", icon=":material/merge:"):
            merged = editing.merge_values(conflict.mine, conflict.theirs, take_theirs, keep_both)
            form = editing.form_from_snapshot(kind, merged)
            saved = run_write(
                lambda: editing.save(ui.engine(), user, kind, form, item_id=None if kind == "seeks" else conflict.item_id, seen_version=merged["version"]),
                kind=kind,
            )
            if saved is not None:
                reload_item(kind, saved.id)
                st.session_state["manage_flash"] = ui.tr("manage.saved")
                st.rerun()
        if col2.button(ui.tr("manage.conflict.discard"), key=f"manage_merge_discard_{kind}", icon=":material/undo:"):
            reload_item(kind, conflict.item_id)
            st.rerun()


# --- an editing section --------------------------------------------------------------------


# What was typed in the edit forms when the session ended on its own (idle, new password):
# (whose, {widget key: value}), put back when the same person signs in again.
KEPT_INPUTS = "manage_kept_inputs"
FORM_KEYS = tuple(f"manage_{kind}_" for kind in EDIT_SECTIONS)


def put_typed_inputs_away(ended: str | None) -> bool:
    """No one is signed in: the edit forms' inputs are taken off the page (see DRAFT), so the next person sees none.

    ``ended``: whose session the system just ended (idle, new password); what
    they had typed is kept for their next sign-in. Returns whether it was.
    """
    typed = {key: value for key, value in drop_drafts(FORM_KEYS).items() if not key.endswith("_save")}
    if ended and typed:
        st.session_state[KEPT_INPUTS] = (ended, typed)
    return bool(ended and typed)


def restore_typed_inputs(prefix: str, user) -> bool:  # noqa: ANN001
    """Put back what ``user`` had typed in this form (same item, same version) before their session ended."""
    kept = st.session_state.get(KEPT_INPUTS)
    if not kept or kept[0] != user.name:
        return False
    values = {k: v for k, v in kept[1].items() if k.startswith(prefix + "_")}
    for key, value in values.items():
        st.session_state[key] = value
    if values:
        st.session_state.pop(KEPT_INPUTS)
    return bool(values)


def edit_section(kind: str, user) -> None:  # noqa: ANN001
    seen = pick_item(kind)
    if kind == "seeks" and seen is None:
        st.info(ui.tr("common.none"))
        return
    conflict_panel(kind, user)
    if st.session_state.get(conflict_key(kind)) is not None:
        # The form would save the version already refused: the merge above is the way on.
        st.caption(ui.tr("manage.conflict.form_hidden"))
        return
    prefix = form_prefix(kind, seen)
    if restore_typed_inputs(prefix, user):
        st.info(ui.tr("manage.kept.restored"), icon=":material/restore:")
    if seen is not None and kind != "seeks":
        st.caption(ui.escape_markdown(ui.tr("manage.version", version=seen["version"])))
        if seen.get("archived"):
            st.info(ui.tr("manage.is_archived"), icon=":material/inventory_2:")
    # A bordered container, not an st.form (see DRAFT); the city's gazetteer look-up also follows the name as typed.
    with st.container(border=True):
        form = FORM_BUILDERS[kind](seen, prefix)
        label = ui.tr("manage.save") if seen is not None else ui.tr("manage.create")
        clicked = st.button(label, type="primary", icon=":material/save:", key=f"{prefix}_save")
    if clicked:
        saved = run_write(
            lambda: editing.save(
                ui.engine(), user, kind, form,
                item_id=None if seen is None or kind == "seeks" else seen["_id"],
                seen_version=seen["version"] if seen is not None else None,
            ),
            kind=kind,
        )
        if saved is not None:
            if seen is None:
                drop_drafts(f"manage_{kind}_new_")
                st.session_state[f"manage_new_round_{kind}"] = st.session_state.get(f"manage_new_round_{kind}", 0) + 1
                st.session_state[f"manage_pick_next_{kind}"] = saved.id
            reload_item(kind, saved.id)
            st.session_state["manage_flash"] = ui.tr("manage.created" if saved.action == "create" else "manage.saved")
            st.rerun()
        elif st.session_state.get(conflict_key(kind)) is not None:
            st.rerun()
    if seen is not None and kind != "seeks":
        archive_buttons(kind, seen, user)
    if seen is not None:
        item_history(kind, seen["_id"])


def archive_buttons(kind: str, seen: dict, user) -> None:  # noqa: ANN001
    archived = bool(seen.get("archived"))
    label = ui.tr("manage.restore") if archived else ui.tr("manage.archive")
    icon = ":material/unarchive:" if archived else ":material/archive:"
    if st.button(label, key=f"manage_archive_{kind}_{seen['_id']}_{seen['version']}", icon=icon):
        action = editing.restore if archived else editing.archive
        saved = run_write(lambda: action(ui.engine(), user, kind, seen["_id"], seen["version"]))
        if saved is not None:
            reload_item(kind, saved.id)
            st.session_state["manage_flash"] = ui.tr("manage.restored" if archived else "manage.archived_done")
            st.rerun()


def changes_table(changes: list[history.Change], *, with_item: bool) -> pd.DataFrame:
    rows = []
    for change in changes:
        for f in change.fields or [history.FieldChange("", None, None)]:
            row = {
                ui.tr("history.when"): change.at.strftime("%Y-%m-%d %H:%M"),
                ui.tr("history.who"): change.actor,
                ui.tr("history.action"): ui.tr(f"history.action.{change.action}"),
            }
            if with_item:
                row[ui.tr("history.kind")] = ui.tr(f"manage.section.{change.kind}")
                row[ui.tr("history.item")] = change.item_label
            row |= {
                ui.tr("manage.conflict.field"): field_name(f.field) if f.field else "",
                ui.tr("history.before"): display_value(f.before),
                ui.tr("history.after"): display_value(f.after),
            }
            rows.append(row)
    return pd.DataFrame(rows)


def item_history(kind: str, item_id: int) -> None:
    changes = history.item_history(ui.engine(), kind, item_id)
    heading = ui.tr("history.item_title", count=len(changes))
    with st.expander(heading, icon=":material/history:"):
        if changes:
            ui.grid(changes_table(changes, with_item=False), name=heading)
        else:
            st.caption(ui.tr("history.none"))


# --- import, export, history, accounts --------------------------------------------------------


def import_section(user) -> None:  # noqa: ANN001
    st.markdown(ui.escape_markdown(ui.tr("io.import.help", size=imports.MAX_UPLOAD_BYTES // 1_000_000)))
    # A new uploader after each import: the preview of a file already imported does not stay on offer.
    with st.container(key="manage_upload"):
        upload = st.file_uploader(
            ui.tr("io.import.file"), type=list(imports.ACCEPTED_SUFFIXES), key=f"manage_upload_{st.session_state.get('manage_upload_round', 0)}",
        )
    if upload is None:
        return
    data = upload.getvalue()
    try:
        plan = imports.preview(ui.engine(), upload.name, data)
    except imports.ImportRefused as exc:
        st.error(ui.escape_markdown(exc.message(ui.lang())), icon=":material/error:")
        return
    st.subheader(ui.tr("io.import.preview"))
    ui.grid(imports.preview_table(plan, ui.lang()), name=ui.tr("io.import.preview"), key="manage_import_preview")
    if plan.errors:
        st.error(ui.tr("io.import.has_errors", count=len(plan.errors)), icon=":material/error:")
        show_problems([e.message(ui.lang()) for e in plan.errors])
        return
    st.info(ui.escape_markdown(imports.summary(plan, ui.lang())))
    if st.button(ui.tr("io.import.apply", count=len(plan.rows)), type="primary", key="manage_import_apply", icon=":material/upload:"):
        try:
            result = imports.apply(ui.engine(), user, upload.name, data)
        except imports.ImportFailed as exc:
            show_problems([e.message(ui.lang()) for e in exc.errors])
        except imports.ImportRefused as exc:
            st.error(ui.escape_markdown(exc.message(ui.lang())))
        except auth.AuthError as exc:
            st.error(ui.escape_markdown(exc.message(ui.lang())))
        else:
            st.session_state["manage_upload_round"] = st.session_state.get("manage_upload_round", 0) + 1
            st.session_state["manage_flash"] = imports.summary(result, ui.lang())
            st.rerun()


@st.cache_data(max_entries=6, show_spinner=False)
def export_file(kind: str, url: str, version: int) -> bytes:
    """One export, built once per data version (every write bumps it)."""
    builder = {"csv": exports.export_csv_zip, "xlsx": exports.export_xlsx, "json": exports.export_json}[kind]
    return builder(ui.engine())


def export_section() -> None:
    st.markdown(ui.escape_markdown(ui.tr("io.export.help")))
    version = ui.data_version()
    url = db.database_url()
    stamp = dt.date.today().isoformat()
    col1, col2, col3 = st.columns(3)
    # Each file is built only when its button is clicked (a large network takes a while), then kept per data version.
    col1.download_button(
        ui.tr("io.export.csv"), functools.partial(export_file, "csv", url, version), file_name=f"afus-{stamp}.zip",
        mime="application/zip", key="manage_export_csv", icon=":material/folder_zip:", on_click="ignore",
    )
    col2.download_button(
        ui.tr("io.export.xlsx"), functools.partial(export_file, "xlsx", url, version), file_name=f"afus-{stamp}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="manage_export_xlsx",
        icon=":material/table:", on_click="ignore",
    )
    col3.download_button(
        ui.tr("io.export.json"), functools.partial(export_file, "json", url, version), file_name=f"afus-{stamp}.json",
        mime="application/json", key="manage_export_json", icon=":material/data_object:", on_click="ignore",
    )


def history_section() -> None:
    since = st.date_input(
        ui.tr("history.since"), value=dt.date.today() - dt.timedelta(days=90), min_value=DATE_MIN, max_value=DATE_MAX,
        key="manage_history_since", format=ui.date_format(),
    )
    changes = history.changes_since(ui.engine(), since or DATE_MIN)
    heading = ui.tr("history.changes_since", date=format_date(since, ui.lang()), count=len(changes))
    st.subheader(heading)
    if changes:
        ui.grid(changes_table(changes, with_item=True), name=heading, key="manage_history_table")
    else:
        st.caption(ui.tr("history.none"))
    stale_contacts_table()


def stale_contacts_table() -> None:
    stale = history.stale_contacts(ui.engine())
    heading = ui.tr("history.stale.title", count=len(stale))
    st.subheader(heading)
    if not stale:
        st.caption(ui.tr("history.stale.none"))
        return
    ui.grid(
        pd.DataFrame(
            {
                ui.tr("history.kind"): [ui.tr(f"manage.section.{c.kind}") for c in stale],
                ui.tr("history.item"): [c.label for c in stale],
                field_name("contact_name"): [c.contact_name for c in stale],
                field_name("contact_email"): [c.contact_email for c in stale],
                field_name("contact_checked"): [format_date(c.checked, ui.lang()) if c.checked else ui.tr("history.stale.never") for c in stale],
            }
        ),
        name=heading,
        key="manage_stale_table",
    )


def accounts_section(user) -> None:  # noqa: ANN001
    if user.role != "admin":
        st.info(ui.tr("auth.denied.role"))
        return
    engine = ui.engine()
    users = auth.list_users(engine)
    ui.grid(
        pd.DataFrame(
            {
                ui.tr("auth.name"): [u.name for u in users],
                ui.tr("accounts.role"): [ui.tr(f"role.{u.role}") for u in users],
                ui.tr("accounts.state"): [ui.tr("accounts.disabled" if u.disabled else "accounts.active") for u in users],
            }
        ),
        name=ui.tr("manage.section.accounts"),
        key="manage_accounts_table",
    )
    with st.form("manage_account_add", border=True):
        st.markdown(f"**{ui.escape_markdown(ui.tr('accounts.add'))}**")
        name = st.text_input(ui.tr("auth.name"), key="manage_account_name")
        role = st.selectbox(ui.tr("accounts.role"), ROLES, format_func=labels_for("role"), key="manage_account_role")
        password = st.text_input(ui.tr("auth.password"), type="password", key="manage_account_password", autocomplete="new-password")
        if st.form_submit_button(ui.tr("accounts.add"), icon=":material/person_add:"):
            if run_write(lambda: auth.add_user(engine, name, role, password, by=user)) is not None:
                st.session_state["manage_flash"] = ui.tr("accounts.added", name=auth.normalize_name(name))
                st.rerun()
    names = [u.name for u in users]
    if not names:
        return
    with st.form("manage_account_change", border=True):
        st.markdown(f"**{ui.escape_markdown(ui.tr('accounts.change'))}**")
        target = st.selectbox(ui.tr("auth.name"), names, key="manage_account_target")
        new_password = st.text_input(ui.tr("accounts.new_password"), type="password", key="manage_account_new_password", autocomplete="new-password")
        col1, col2, col3 = st.columns(3)
        disable = col1.form_submit_button(ui.tr("accounts.disable"), icon=":material/person_off:")
        enable = col2.form_submit_button(ui.tr("accounts.enable"), icon=":material/person_check:")
        set_pw = col3.form_submit_button(ui.tr("accounts.set_password"), icon=":material/key:")
    result = None
    if disable or enable:
        result = run_write(lambda: auth.set_disabled(engine, target, bool(disable), by=user))
    elif set_pw:
        result = run_write(lambda: auth.set_password(engine, target, new_password, by=user))
    if result is not None:
        st.session_state["manage_flash"] = ui.tr("accounts.changed", name=result.name)
        st.rerun()


# --- the page --------------------------------------------------------------------------------

st.title(ui.tr("nav.manage"))
user = ui.signed_in()
flash = st.session_state.pop("manage_flash", None)
if flash:
    st.success(ui.escape_markdown(flash), icon=":material/check_circle:")
    st.toast(ui.escape_markdown(flash), icon=":material/check_circle:")  # the button may be far below the top

if user is None:
    notice = ui.session_notice()
    if notice and notice != "auth.signed_out":  # the sidebar says it; a session ended by the system is said here too
        st.warning(ui.tr(notice), icon=":material/logout:")
    if put_typed_inputs_away(st.session_state.pop(ui.AUTH_ENDED_KEY, None)):
        st.info(ui.tr("manage.kept.waiting"), icon=":material/edit_note:")
    st.info(ui.tr("manage.sign_in_first"), icon=":material/lock:")
    ui.sign_in_form()
    st.header(ui.tr("manage.section.export"))
    export_section()
else:
    sections = [s for s in SECTIONS if s != "accounts" or user.role == "admin"]
    on_change = ui.bind_to_url(KEY_SECTION, "section", sections, default="project")
    section = st.radio(
        ui.tr("manage.sections"), sections, horizontal=True, key=KEY_SECTION, on_change=on_change,
        format_func=labels_for("manage.section"),
    )
    if section in EDIT_SECTIONS:
        edit_section(section, user)
    elif section == "import":
        import_section(user)
    elif section == "export":
        export_section()
    elif section == "history":
        history_section()
    elif section == "accounts":
        accounts_section(user)
