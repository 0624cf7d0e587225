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

from afus import slide_layout
from afus.i18n import t
from afus.network import Network
from afus.slides import Slide
from afus.static_charts import SlideImages

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


COLOURS = {"ink": INK, "muted": MUTED, "accent": ACCENT}


def _paragraph(frame, text: str, size: float, *, bold: bool, colour: RGBColor, first: bool):  # noqa: ANN001, ANN202
    paragraph = frame.paragraphs[0] if first else frame.add_paragraph()
    run = paragraph.add_run()
    run.text = text
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = colour
    paragraph.space_after = Pt(size * 0.35)
    return paragraph


def _box(slide, box: slide_layout.Box):  # noqa: ANN001, ANN202
    """``box``'s paragraphs in a text box, all scaled down alike until they fit it."""
    width, height = Inches(box.width), Inches(box.height)
    frame = _text_box(slide, Inches(box.left), Inches(box.top), width, height)
    # The box's inner margins (0.1 in left and right, 0.05 in top and bottom) are not room for text.
    scale = fit_scale([(p.text, p.size) for p in box.paragraphs], Emu(width).pt - 14.4, Emu(height).pt - 7.2)
    for n, p in enumerate(box.paragraphs):
        paragraph = _paragraph(frame, p.text, round(p.size * scale, 1), bold=p.bold, colour=COLOURS[p.role], first=n == 0)
        if box.centred:
            paragraph.alignment = PP_ALIGN.CENTER
    return slide.shapes[-1]


def _add_slide(prs: Presentation, spec: Slide, images: SlideImages) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
    placed = slide_layout.layout(spec, images.has_chart(spec))
    # The title is a named shape so readers (and tests) find it as the slide's title.
    _box(slide, placed.title).name = "Title"
    if placed.body is not None:
        _box(slide, placed.body)
    if placed.picture is not None:
        at = placed.picture
        slide.shapes.add_picture(io.BytesIO(images.picture(spec, at.width)), Inches(at.left), Inches(at.top), width=Inches(at.width))
    if spec.notes:
        slide.notes_slide.notes_text_frame.text = spec.notes


def build_deck(slides: Sequence[Slide], network: Network, lang: str) -> bytes:
    """A .pptx of ``slides`` (same order and titles), charts included as PNG images."""
    prs = Presentation()
    prs.slide_width = Inches(slide_layout.WIDTH)
    prs.slide_height = Inches(slide_layout.HEIGHT)
    prs.core_properties.title = t("app.network", lang)
    images = SlideImages(network, lang)
    for spec in slides:
        _add_slide(prs, spec, images)
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
