"""The seminar's slides as a PowerPoint deck (python-pptx), charts as images drawn offline.

The deck holds exactly the slides of :func:`afus.slides.build_slides`, in the
same order, with the same titles; each pairing's reasons go in its speaker
notes. Text is set as plain runs: content never becomes a link or markup.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from afus.i18n import t
from afus.network import Network
from afus.slides import Line, Slide
from afus.static_charts import member_map_png, theme_bars_png

WIDTH = Inches(13.333)  # 16:9, like the projector
HEIGHT = Inches(7.5)
MARGIN = Inches(0.5)
INK = RGBColor(0x1A, 0x1A, 0x1A)
MUTED = RGBColor(0x44, 0x44, 0x44)
ACCENT = RGBColor(0x1F, 0x5F, 0x8B)


def _text_box(slide, left: Emu, top: Emu, width: Emu, height: Emu):  # noqa: ANN001, ANN202
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    # Asks PowerPoint/LibreOffice to shrink a long text rather than overflow the slide.
    frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    return frame


# Average width of a character of the deck's sans-serif font, as a share of its size.
CHAR_WIDTH = 0.5
LINE_HEIGHT = 1.2
SPACE_AFTER = 0.35
MIN_SCALE = 0.6


def text_height_pt(paragraphs: Sequence[tuple[str, float]], width_pt: float) -> float:
    """Estimated height of ``(text, size in pt)`` paragraphs wrapped to ``width_pt``."""
    total = 0.0
    for text, size in paragraphs:
        per_line = max(1, int(width_pt / (CHAR_WIDTH * size)))
        lines = max(1, -(-len(text) // per_line))
        total += lines * size * LINE_HEIGHT + size * SPACE_AFTER
    return total


def fit_scale(paragraphs: Sequence[tuple[str, float]], width_pt: float, height_pt: float) -> float:
    """The largest factor (down to ``MIN_SCALE``) by which the sizes shrink so the text fits its box.

    PowerPoint's own "shrink text on overflow" applies only once someone
    edits the text: a deck handed out must fit as it is written.
    """
    scale = 1.0
    while scale > MIN_SCALE and text_height_pt([(text, size * scale) for text, size in paragraphs], width_pt) > height_pt:
        scale -= 0.05
    return max(scale, MIN_SCALE)


def _paragraph(frame, text: str, size: float, *, bold: bool = False, colour: RGBColor = INK, first: bool = False):  # noqa: ANN001, ANN202
    paragraph = frame.paragraphs[0] if first else frame.add_paragraph()
    run = paragraph.add_run()
    run.text = text
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = colour
    paragraph.space_after = Pt(size * 0.35)
    return paragraph


def _line_text(line, lang: str) -> str:  # noqa: ANN001
    if line.source_lang:
        return f"{line.text} [{line.source_lang.upper()}]"
    return line.text


class _Images:
    """Chart images of one deck, each drawn once."""

    def __init__(self, network: Network, lang: str) -> None:
        self.network = network
        self.lang = lang
        self.labels = {c: t(f"country.{c}", lang) for c in ("FR", "SE")}
        self._maps: dict[tuple[int, ...], bytes] = {}

    def map(self, city_ids: Sequence[int], everyone: bool) -> bytes:
        key = () if everyone else tuple(sorted(city_ids))
        if key not in self._maps:
            self._maps[key] = member_map_png(self.network.cities, self.labels, highlight_ids=key)
        return self._maps[key]

    def themes(self, slide: Slide) -> bytes:
        rows = slide.theme_rows
        return theme_bars_png(
            [r.name for r in rows],
            [len(r.offered_by) for r in rows],
            [len(r.sought_by) for r in rows],
            offer_label=t("seminar.themes.chart_offers", self.lang),
            seek_label=t("seminar.themes.chart_seeks", self.lang),
        )


def _add_slide(prs: Presentation, spec: Slide, images: _Images, lang: str) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
    has_chart = spec.chart is not None and not (spec.chart == "map" and images.network.cities.empty)
    text_width = WIDTH - 2 * MARGIN - (Inches(4.6) if has_chart else 0)
    if spec.kind == "title":
        frame = _text_box(slide, MARGIN, Inches(2.2), WIDTH - 2 * MARGIN, Inches(3.2))
        slide.shapes[-1].name = "Title"
        _paragraph(frame, spec.title, 40, bold=True, colour=ACCENT, first=True).alignment = PP_ALIGN.CENTER
        _paragraph(frame, spec.subtitle, 28).alignment = PP_ALIGN.CENTER
        for section in spec.sections:
            for line in section.lines:
                _paragraph(frame, _line_text(line, lang), 20, colour=MUTED).alignment = PP_ALIGN.CENTER
    else:
        # The title is a named shape so readers (and tests) find it as the slide's title.
        head_width, head_height = WIDTH - 2 * MARGIN, Inches(1.2)
        head = _text_box(slide, MARGIN, Inches(0.3), head_width, head_height)
        slide.shapes[-1].name = "Title"
        heading = [(_line_text(Line(spec.title, spec.title_lang), lang), 32, True, ACCENT)]
        if spec.subtitle:
            heading.append((spec.subtitle, 18, False, MUTED))
        _write(head, heading, head_width, head_height)
        body_top = Inches(1.6)
        body_height = HEIGHT - body_top - Inches(0.4)
        body = _text_box(slide, MARGIN, body_top, text_width, body_height)
        paragraphs = []
        if spec.stats:
            paragraphs.append(("   ·   ".join(f"{s.value} {s.label}" for s in spec.stats), 18, True, INK))
        for section in spec.sections:
            if section.heading:
                paragraphs.append((section.heading, 20, True, ACCENT))
            for line in section.lines:
                paragraphs.append((("• " if section.heading else "") + _line_text(line, lang), 16, False, INK))
        _write(body, paragraphs, text_width, body_height)
    if has_chart:
        left = WIDTH - MARGIN - Inches(4.4)
        if spec.chart == "themes":
            picture = images.themes(spec)
            width = Inches(4.4)
        else:
            picture = images.map(spec.city_ids, everyone=spec.kind in ("glance",))
            width = Inches(4.0)
        slide.shapes.add_picture(io.BytesIO(picture), left, Inches(1.5), width=width)
    if spec.notes:
        slide.notes_slide.notes_text_frame.text = spec.notes


def _write(frame, paragraphs: list[tuple[str, float, bool, RGBColor]], width: Emu, height: Emu) -> None:  # noqa: ANN001
    """``(text, size, bold, colour)`` paragraphs in ``frame``, all scaled down alike until they fit its box."""
    # The box's inner margins (0.1 in left and right, 0.05 in top and bottom) are not room for text.
    scale = fit_scale([(text, size) for text, size, _, _ in paragraphs], Emu(width).pt - 14.4, Emu(height).pt - 7.2)
    for n, (text, size, bold, colour) in enumerate(paragraphs):
        _paragraph(frame, text, round(size * scale, 1), bold=bold, colour=colour, first=n == 0)


def build_deck(slides: Sequence[Slide], network: Network, lang: str) -> bytes:
    """A .pptx of ``slides`` (same order and titles), charts included as PNG images."""
    prs = Presentation()
    prs.slide_width = WIDTH
    prs.slide_height = HEIGHT
    prs.core_properties.title = t("app.network", lang)
    images = _Images(network, lang)
    for spec in slides:
        _add_slide(prs, spec, images, lang)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


def slide_titles(data: bytes) -> list[str]:
    """The title of each slide of a .pptx produced by :func:`build_deck` (for checks and tests)."""
    prs = Presentation(io.BytesIO(data))
    titles = []
    for slide in prs.slides:
        texts = [s.text_frame.paragraphs[0].text for s in slide.shapes if s.has_text_frame and s.text_frame.text]
        named = [s.text_frame.paragraphs[0].text for s in slide.shapes if s.name == "Title" and s.has_text_frame]
        titles.append((named or texts or [""])[0])
    return titles
