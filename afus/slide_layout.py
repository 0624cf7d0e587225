"""Where a slide's text and chart go on a 16:9 page, shared by the PowerPoint deck and its PDF.

Pure layout: boxes in inches, text sizes in points, colours by role
(``ink``, ``muted``, ``accent``). :mod:`afus.deck` and :mod:`afus.deck_pdf`
draw the same boxes, each with its own library, so both files show the
same slide alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from afus.slides import Line, Slide, line_text

WIDTH = 13.333  # inches, 16:9 like the projector
HEIGHT = 7.5
MARGIN = 0.5


@dataclass(frozen=True)
class Paragraph:
    text: str
    size: float  # points, before fitting
    bold: bool = False
    role: str = "ink"  # "ink", "muted" or "accent"


@dataclass(frozen=True)
class Box:
    """A text box; ``paragraphs`` are scaled down alike until they fit it."""

    left: float
    top: float
    width: float
    height: float
    paragraphs: tuple[Paragraph, ...]
    centred: bool = False


@dataclass(frozen=True)
class Picture:
    left: float
    top: float
    width: float


@dataclass(frozen=True)
class SlideLayout:
    """The title box first, then the body's; the chart's place when there is one."""

    title: Box
    body: Box | None
    picture: Picture | None


def layout(spec: Slide, has_chart: bool) -> SlideLayout:
    """Where ``spec``'s text and (when ``has_chart``) its chart go."""
    full_width = WIDTH - 2 * MARGIN
    picture = None
    if has_chart:
        width = 4.4 if spec.chart == "themes" else 4.0
        picture = Picture(WIDTH - MARGIN - 4.4, 1.5, width)
    if spec.kind == "title":
        lines = [Paragraph(line_text(line), 20, role="muted") for section in spec.sections for line in section.lines]
        paragraphs = (Paragraph(spec.title, 40, True, "accent"), Paragraph(spec.subtitle, 28), *lines)
        return SlideLayout(Box(MARGIN, 2.2, full_width, 3.2, paragraphs, centred=True), None, picture)
    heading = [Paragraph(line_text(Line(spec.title, spec.title_lang)), 32, True, "accent")]
    if spec.subtitle:
        heading.append(Paragraph(spec.subtitle, 18, role="muted"))
    body: list[Paragraph] = []
    if spec.stats:
        # A figure and its label stay on one line (no-break space).
        body.append(Paragraph("   ·   ".join(f"{s.value}\u00a0{s.label}" for s in spec.stats), 18, True))
    for section in spec.sections:
        if section.heading:
            body.append(Paragraph(section.heading, 20, True, "accent"))
        body.extend(Paragraph(("• " if section.heading else "") + line_text(line), 16) for line in section.lines)
    body_top = 1.6
    text_width = full_width - (4.6 if has_chart else 0)
    return SlideLayout(
        Box(MARGIN, 0.3, full_width, 1.2, tuple(heading)),
        Box(MARGIN, body_top, text_width, HEIGHT - body_top - 0.4, tuple(body)),
        picture,
    )
