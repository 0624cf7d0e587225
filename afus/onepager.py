"""One-page PDFs to take home (fpdf2): one per city, one for the whole network.

A city's page: profile, what it offers and seeks, its ongoing projects, its
best-matched peers (from :mod:`afus.matching`) and its contacts. Always one
page: when the content would run over, the last section is cut with "…".

The font is DejaVu Sans as shipped inside the pinned ``matplotlib`` wheel
(``mpl-data/fonts/ttf``), embedded in the PDF: French and Swedish letters
(é, œ, å, ö) render on any machine, with no system font needed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

from afus import matching
from afus.i18n import format_date, format_number, t
from afus.network import Network
from afus.slides import (
    as_date,
    clip,
    content_line,
    line_text,
    theme_lines,
    offers_by_city,
    ongoing_projects,
    seeks_by_city,
    theme_rows,
)
from afus.static_charts import member_map_png

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT = "DejaVu"
INK = (26, 26, 26)
MUTED = (80, 80, 80)
ACCENT = (31, 95, 139)
BOTTOM = 14.0  # mm kept free at the foot of the page for the footer
PEERS_SHOWN = 3
REASONS_PER_PEER = 1


def embed_fonts(pdf: FPDF) -> None:
    """Make :data:`FONT` (regular and bold) available in ``pdf``, embedded."""
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))


class _Page(FPDF):
    """An A4 page with DejaVu embedded and helpers that never spill onto a second page."""

    def __init__(self, title: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        embed_fonts(self)
        self.set_auto_page_break(False)
        self.set_margins(15, 14, 15)
        self.set_title(title)
        self.set_creator("AFUS dashboard")
        self.add_page()
        self.full = False

    def room(self) -> float:
        return self.h - BOTTOM - self.get_y()

    def write_block(self, text: str, size: float, *, bold: bool = False, colour=INK, width: float = 0, gap: float = 0.8) -> bool:  # noqa: ANN001
        """Write ``text`` if it fits; otherwise an ellipsis once, and report False."""
        if self.full:
            return False
        self.set_font(FONT, "B" if bold else "", size)
        self.set_text_color(*colour)
        line_h = size * 0.45
        height = self.multi_cell(width, line_h, text, align="L", dry_run=True, output=MethodReturnValue.HEIGHT)
        if height > self.room():
            if self.room() >= line_h:
                self.multi_cell(width, line_h, "…", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.full = True
            return False
        x = self.get_x()
        self.multi_cell(width, line_h, text, align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.set_x(x)
        self.set_y(self.get_y() + gap)
        self.set_x(x)
        return True

    def heading(self, text: str) -> None:
        if self.room() < 14:
            self.full = True
            return
        self.set_y(self.get_y() + 1.5)
        self.write_block(text, 12, bold=True, colour=ACCENT, gap=0.6)

    def bullets(self, lines: list[str], size: float = 9) -> None:
        for line in lines:
            if not self.write_block(f"• {line}", size):
                return

    def footer_note(self, text: str) -> None:
        self.set_y(self.h - BOTTOM + 4)
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        self.cell(0, 4, text)

    def output_bytes(self) -> bytes:
        return bytes(self.output())


def city_onepager(network: Network, city_slug: str, lang: str, today: dt.date) -> bytes:
    """The one-page PDF of ``city_slug``; raises ``KeyError`` for a city not in the network."""
    city = network.city_by_slug(city_slug)
    if city is None:
        raise KeyError(city_slug)
    city_id = int(city["id"])
    pdf = _Page(f"{city['name']} — AFUS")
    labels = {c: t(f"country.{c}", lang) for c in ("FR", "SE")}
    picture = member_map_png(network.cities, labels, highlight_ids=(city_id,), height=3.0)
    pdf.image(picture, x=pdf.w - 15 - 44, y=14, w=44)

    pdf.set_right_margin(15 + 48)
    pdf.write_block(t("app.network", lang), 9, colour=MUTED)
    pdf.write_block(str(city["name"]), 24, bold=True, colour=ACCENT, gap=0.5)
    facts = t(f"country.{city['country']}", lang)
    if city["population"] == city["population"] and city["population"] is not None:
        facts += " · " + t("seminar.city.population", lang, n=format_number(int(city["population"]), lang))
    pdf.write_block(facts, 11, colour=MUTED)

    pdf.heading(t("onepager.profile", lang))
    profile = content_line(city, "profile", lang)
    pdf.write_block(line_text(profile) if profile.text else t("common.none", lang), 10)
    pdf.set_right_margin(15)
    pdf.set_y(max(pdf.get_y(), 14 + 60 + 2))

    pdf.heading(t("seminar.city.offers", lang))
    pdf.bullets([line_text(x) for x in theme_lines(network, offers_by_city(network).get(city_id, set()), lang)] or [t("common.none", lang)])
    pdf.heading(t("seminar.city.seeks", lang))
    pdf.bullets([line_text(x) for x in theme_lines(network, seeks_by_city(network).get(city_id, set()), lang)] or [t("common.none", lang)])

    pdf.heading(t("seminar.city.projects", lang))
    projects = ongoing_projects(network)
    projects = projects[projects["city_id"] == city_id]
    if projects.empty:
        pdf.bullets([t("common.none", lang)])
    for _, project in projects.iterrows():
        title = content_line(project, "title", lang)
        summary = content_line(project, "summary", lang)
        pdf.write_block(f"• {line_text(title)}", 9.5, bold=True, gap=0.2)
        if summary.text:
            pdf.write_block(clip(summary.text, 200), 8.5, colour=MUTED, gap=0.8)

    pdf.heading(t("onepager.best_peers", lang))
    inputs = matching.inputs_from_network(network)
    names = matching.names_from_network(network, lang)
    peers = matching.peer_scores(inputs, city_id, limit=PEERS_SHOWN)
    if not peers:
        pdf.bullets([t("common.none", lang)])
    for peer in peers:
        score = format_number(round(peer.score, 1), lang)
        pdf.write_block(
            f"• {peer.name} ({t('country.' + peer.country, lang)}) — {t('seminar.pair.score', lang, score=score)}",
            9.5,
            bold=True,
            gap=0.2,
        )
        for reason in peer.reasons[:REASONS_PER_PEER]:
            pdf.write_block(f"   {matching.describe_reason(reason, names, lang)}", 8.5, colour=MUTED, gap=0.5)

    pdf.heading(t("onepager.contacts", lang))
    contacts = []
    if city["contact_name"] or city["contact_email"]:
        contacts.append(" · ".join(v for v in (city["contact_name"], city["contact_email"]) if v))
    for _, project in projects.iterrows():
        if project["contact_name"] or project["contact_email"]:
            who = " · ".join(v for v in (project["contact_name"], project["contact_email"]) if v)
            contacts.append(f"{who} ({content_line(project, 'title', lang).text})")
    pdf.bullets(contacts or [t("onepager.no_contact", lang)])

    pdf.footer_note(t("onepager.generated", lang, date=format_date(today, lang)))
    return pdf.output_bytes()


def network_onepager(network: Network, lang: str, today: dt.date) -> bytes:
    """The one-page PDF of the whole network: members, themes, pairings, upcoming events."""
    pdf = _Page(t("app.network", lang))
    labels = {c: t(f"country.{c}", lang) for c in ("FR", "SE")}
    if not network.cities.empty:
        pdf.image(member_map_png(network.cities, labels, height=3.0), x=pdf.w - 15 - 44, y=14, w=44)
    pdf.set_right_margin(15 + 48)
    pdf.write_block("AFUS", 9, colour=MUTED)
    pdf.write_block(t("app.network", lang), 18, bold=True, colour=ACCENT)
    ongoing = ongoing_projects(network)
    pdf.write_block(
        " · ".join(
            [
                f"{format_number(len(network.cities), lang)} {t('seminar.glance.cities', lang).lower()}",
                f"{format_number(len(ongoing), lang)} {t('seminar.glance.ongoing', lang).lower()}",
            ]
        ),
        11,
        colour=MUTED,
    )
    pdf.heading(t("onepager.members", lang))
    for country in ("FR", "SE"):
        names = network.cities[network.cities["country"] == country]["name"].tolist()
        pdf.write_block(t("common.labelled", lang, label=labels[country], value=", ".join(names) or t("common.none_inline", lang)), 10)
    pdf.set_right_margin(15)
    pdf.set_y(max(pdf.get_y(), 14 + 60 + 2))

    pdf.heading(t("seminar.themes.title", lang))
    for row in theme_rows(network, lang):
        parts = [t("seminar.themes.offered_by", lang, cities=", ".join(row.offered_by) or t("common.none_inline", lang))]
        if row.sought_by:
            parts.append(t("seminar.themes.sought_by", lang, cities=", ".join(row.sought_by)))
        pdf.write_block(f"• {row.name}", 9.5, bold=True, gap=0.1)
        pdf.write_block("   " + " · ".join(parts), 9, colour=MUTED, gap=0.5)

    pdf.heading(t("seminar.city.projects", lang))
    pdf.bullets([f"{line_text(content_line(p, 'title', lang))} ({p['city_name']})" for _, p in ongoing.iterrows()] or [t("common.none", lang)])

    pdf.heading(t("seminar.pairings.title", lang))
    if not network.cities.empty:
        inputs = matching.inputs_from_network(network)
        names = matching.names_from_network(network, lang)
        lines = []
        for pairing in matching.seminar_pairings(inputs):
            pair = t("seminar.pair.title", lang, a=names.cities.get(pairing.french_id, "?"), b=names.cities.get(pairing.swedish_id, "?"))
            why = matching.describe_reason(pairing.reasons[0], names, lang) if pairing.reasons else t("seminar.pair.no_reason", lang)
            lines.append(f"{pair} — {why}")
        pdf.bullets(lines or [t("seminar.pairings.none", lang)])
    else:
        pdf.bullets([t("seminar.pairings.none", lang)])

    pdf.heading(t("onepager.upcoming", lang))
    upcoming = []
    for _, event in network.events.iterrows():
        start = as_date(event["start_date"])
        if start is not None and start >= today:
            upcoming.append((start, f"{format_date(start, lang)} — {line_text(content_line(event, 'title', lang))}"))
    pdf.bullets([text for _, text in sorted(upcoming)] or [t("common.none", lang)])

    pdf.footer_note(t("onepager.generated", lang, date=format_date(today, lang)))
    return pdf.output_bytes()
