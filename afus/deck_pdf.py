"""The seminar's slides as a PDF (fpdf2): one 16:9 page per slide, for a laptop without PowerPoint.

The same slides as the PowerPoint deck (:mod:`afus.deck`), in the same
order, with the same text and chart images, laid out by the same
:mod:`afus.slide_layout`. Text is measured by fpdf2 itself and written at
the size that fits its box (scaled alike, down to 60 %; what still does not
fit is cut with "…"). A PDF has no speaker notes: a pairing's reasons are
on its slide's page and in the PowerPoint deck's notes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue, XPos, YPos

from afus import slide_layout
from afus.i18n import t
from afus.network import Network
from afus.onepager import ACCENT, FONT, INK, MUTED, embed_fonts
from afus.slides import Slide
from afus.static_charts import SlideImages

MM_PER_INCH = 25.4
MM_PER_PT = MM_PER_INCH / 72
LINE_HEIGHT = 1.2  # times the text size
SPACE_AFTER = 0.35  # times the text size
MIN_SCALE = 0.6
COLOURS = {"ink": INK, "muted": MUTED, "accent": ACCENT}


def _mm(inches: float) -> float:
    return inches * MM_PER_INCH


class _Deck(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(orientation="L", unit="mm", format=(_mm(slide_layout.HEIGHT), _mm(slide_layout.WIDTH)))
        embed_fonts(self)
        self.set_auto_page_break(False)
        self.set_margins(0, 0, 0)
        self.set_title(title)
        self.set_creator("AFUS dashboard")

    def _use(self, paragraph: slide_layout.Paragraph, scale: float) -> float:
        """Set ``paragraph``'s font at ``scale``; its line height in mm."""
        size = paragraph.size * scale
        self.set_font(FONT, "B" if paragraph.bold else "", size)
        self.set_text_color(*COLOURS[paragraph.role])
        return size * LINE_HEIGHT * MM_PER_PT

    def _height(self, box: slide_layout.Box, scale: float) -> float:
        total = 0.0
        for paragraph in box.paragraphs:
            line = self._use(paragraph, scale)
            total += self.multi_cell(_mm(box.width), line, paragraph.text, dry_run=True, output=MethodReturnValue.HEIGHT)
            total += paragraph.size * scale * SPACE_AFTER * MM_PER_PT
        return total

    def box(self, box: slide_layout.Box) -> None:
        """``box``'s paragraphs, all scaled down alike until they fit it."""
        height = _mm(box.height)
        scale = 1.0
        while scale > MIN_SCALE and self._height(box, scale) > height:
            scale = round(scale - 0.05, 2)
        left, bottom = _mm(box.left), _mm(box.top) + height
        align = Align.C if box.centred else Align.L
        self.set_y(_mm(box.top))
        for paragraph in box.paragraphs:
            line = self._use(paragraph, scale)
            needed = self.multi_cell(_mm(box.width), line, paragraph.text, dry_run=True, output=MethodReturnValue.HEIGHT)
            self.set_x(left)
            if self.get_y() + needed > bottom:
                if self.get_y() + line <= bottom:
                    self.multi_cell(_mm(box.width), line, "…", align=align)
                return
            self.multi_cell(_mm(box.width), line, paragraph.text, align=align, new_x=XPos.LEFT, new_y=YPos.NEXT)
            self.set_y(self.get_y() + paragraph.size * scale * SPACE_AFTER * MM_PER_PT)


def build_deck_pdf(slides: Sequence[Slide], network: Network, lang: str) -> bytes:
    """A PDF of ``slides``: one page each, same order, text and charts as the PowerPoint deck."""
    pdf = _Deck(t("app.network", lang))
    images = SlideImages(network, lang)
    for spec in slides:
        pdf.add_page()
        placed = slide_layout.layout(spec, images.has_chart(spec))
        for box in (placed.title, placed.body):
            if box is not None:
                pdf.box(box)
        if placed.picture is not None:
            at = placed.picture
            pdf.image(io.BytesIO(images.picture(spec, at.width)), x=_mm(at.left), y=_mm(at.top), w=_mm(at.width))
    return bytes(pdf.output())
