"""The deck, read back: PPTX (python-pptx) with the page's slides, titles, charts as images and notes; the same as PDF (pypdf)."""

from __future__ import annotations

import datetime as dt
import io
import socket

import pytest
from PIL import Image as PILImage
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pypdf import PdfReader

from afus import slide_layout
from afus.deck import build_deck, fit_scale, slide_titles, text_height_pt
from afus.deck_pdf import build_deck_pdf
from afus.network import load_network
from afus.slides import SlideOptions, build_slides
from afus.static_charts import SlideImages
from tests import seminar_data

OPTIONS = SlideOptions(year=2026, host_slug="malmo", since=dt.date(2025, 1, 1))


@pytest.fixture
def no_internet(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """Any attempt to open a network connection fails (and is recorded)."""
    attempts: list[tuple] = []

    def refuse(self, address):  # noqa: ANN001, ANN202
        attempts.append(address)
        raise OSError("network access is disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: refuse(None, a[0] if a else None))
    return attempts


def _slide_text(slide) -> str:  # noqa: ANN001
    return "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


def _pictures(slide) -> list:  # noqa: ANN001
    return [shape for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]


def test_deck_has_the_same_slides_and_titles_as_the_page_and_is_built_offline(engine, no_internet):
    network = load_network(engine)
    slides = build_slides(network, OPTIONS, "en")
    data = build_deck(slides, network, "en")
    assert no_internet == []
    prs = Presentation(io.BytesIO(data))
    assert len(prs.slides) == len(slides) == 23
    assert slide_titles(data) == [s.title + (f" [{s.title_lang.upper()}]" if s.title_lang else "") for s in slides]
    swedish = slide_titles(build_deck(build_slides(network, OPTIONS, "sv"), network, "sv"))
    assert "Un projet de territoire 2018 de « rupture » [FR]" in swedish  # an untranslated title says its language
    assert prs.slide_width > prs.slide_height  # 16:9, like the projector
    first = _slide_text(prs.slides[0])
    assert "French–Swedish Alliance for sustainable urban development" in first
    assert "Annual seminar 2026 · Malmö, Sweden" in first


def test_a_city_slide_carries_its_offers_seeks_projects_and_a_map_image(engine):
    network = load_network(engine)
    slides = build_slides(network, OPTIONS, "fr")
    prs = Presentation(io.BytesIO(build_deck(slides, network, "fr")))
    index = [s.key for s in slides].index("city:saint-brieuc")
    slide = prs.slides[index]
    text = _slide_text(slide)
    assert text.splitlines()[0] == "Saint-Brieuc"
    for expected in (
        "Propose (projets en cours)",
        "Souhaite en savoir plus sur",
        "Projets en cours",
        "Expérimentation place de la Grille",
        "La priorité à la rénovation des centres",
    ):
        assert expected in text
    pictures = _pictures(slide)
    assert len(pictures) == 1
    assert pictures[0].image.content_type == "image/png"
    assert len(pictures[0].image.blob) > 10_000  # a drawn map, not an empty image


def test_the_glance_and_themes_slides_have_charts(engine):
    network = load_network(engine)
    slides = build_slides(network, OPTIONS, "sv")
    prs = Presentation(io.BytesIO(build_deck(slides, network, "sv")))
    keys = [s.key for s in slides]
    assert len(_pictures(prs.slides[keys.index("glance")])) == 1
    assert len(_pictures(prs.slides[keys.index("themes")])) == 1
    assert _pictures(prs.slides[keys.index("title")]) == []
    # Charts are drawn at the size the slide shows them (120 pixels per inch, not shrunk from a
    # bigger drawing), so their 10-12 pt text stays 10-12 pt on the slide.
    for key in ("glance", "themes", "city:malmo"):
        picture = _pictures(prs.slides[keys.index(key)])[0]
        pixels = PILImage.open(io.BytesIO(picture.image.blob)).size[0]
        assert pixels / (picture.width / 914400) == pytest.approx(120, rel=0.03), key


def test_speaker_notes_give_the_reasons_behind_each_pairing(engine):
    network = load_network(engine)
    slides = build_slides(network, OPTIONS, "en")
    prs = Presentation(io.BytesIO(build_deck(slides, network, "en")))
    keys = [s.key for s in slides]
    pair = prs.slides[keys.index("pair:saint-brieuc:malmo")]
    notes = pair.notes_slide.notes_text_frame.text
    assert notes.startswith("Why Saint-Brieuc and Malmö:")
    assert "Saint-Brieuc wants to learn about “Priority to renovating centres" in notes
    assert "which Malmö works on" in notes
    overview = prs.slides[keys.index("pairings")].notes_slide.notes_text_frame.text
    assert overview.count("Why ") == 5  # one paragraph per proposed pair


def test_deck_follows_the_hand_picked_order(engine):
    network = load_network(engine)
    picked = SlideOptions(year=2026, since=dt.date(2025, 1, 1), picked=("city:umea", "title", "pairings"))
    slides = build_slides(network, picked, "en")
    assert slide_titles(build_deck(slides, network, "en")) == ["Umeå", "French–Swedish Alliance for sustainable urban development", "Proposed French–Swedish pairings"]


def test_user_text_stays_plain_text_in_the_deck(engine):
    seminar_data.add_project(
        engine, "umea-markup", "umea", "[Cliquez](http://evil.example) <b>gras</b>", summary="=HYPERLINK(\"x\")"
    )
    network = load_network(engine)
    slides = build_slides(network, SlideOptions(year=2026, picked=("project:umea-markup",)), "fr")
    prs = Presentation(io.BytesIO(build_deck(slides, network, "fr")))
    slide = prs.slides[0]
    assert "[Cliquez](http://evil.example) <b>gras</b>" in _slide_text(slide)
    links = [
        run.hyperlink.address
        for shape in slide.shapes
        if shape.has_text_frame
        for paragraph in shape.text_frame.paragraphs
        for run in paragraph.runs
        if run.hyperlink.address
    ]
    assert links == []


def test_a_long_slide_is_written_small_enough_to_fit_its_box():
    bullets = [("• " + "A project title of a reasonable length (Saint-Brieuc)", 16)] * 17 + [("New projects", 20)] * 3
    width, height = 8.0 * 72, 5.5 * 72
    assert text_height_pt(bullets, width) > height  # at its own sizes it would run off the slide
    scale = fit_scale(bullets, width, height)
    assert 0.6 <= scale < 1
    assert text_height_pt([(text, size * scale) for text, size in bullets], width) <= height
    assert fit_scale(bullets[:3], width, height) == 1.0  # a short slide keeps its sizes


@pytest.mark.parametrize("lang", ["en", "fr", "sv"])
def test_every_text_box_of_the_deck_holds_its_text(engine, lang):
    """Long titles and the "new since" slide included: sizes are what fits, as PowerPoint will not shrink them itself."""
    network = load_network(engine)
    data = build_deck(build_slides(network, OPTIONS, lang), network, lang)
    for number, slide in enumerate(Presentation(io.BytesIO(data)).slides, start=1):
        for shape in slide.shapes:
            if not shape.has_text_frame:
                continue
            paragraphs = [(p.text, p.runs[0].font.size.pt) for p in shape.text_frame.paragraphs if p.runs]
            needed = text_height_pt(paragraphs, shape.width.pt - 14.4)
            assert needed <= shape.height.pt - 7.2, (lang, number, shape.name, paragraphs[0][0][:40])


# --- the same slides as a PDF ---------------------------------------------------------------------


def _pdf_pages(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


@pytest.mark.parametrize("lang", ["en", "fr", "sv"])
def test_the_pdf_deck_has_a_page_per_slide_with_all_its_text_and_charts(engine, no_internet, lang):
    network = load_network(engine)
    slides = build_slides(network, OPTIONS, lang)
    data = build_deck_pdf(slides, network, lang)
    assert no_internet == []
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == len(slides) == 23
    box = reader.pages[0].mediabox
    assert float(box.width) / float(box.height) == pytest.approx(16 / 9, rel=0.01)
    images = SlideImages(network, lang)
    for number, (text, slide) in enumerate(zip(_pdf_pages(data), slides, strict=True), start=1):
        placed = slide_layout.layout(slide, images.has_chart(slide))
        body = placed.body.paragraphs if placed.body else placed.title.paragraphs
        # The title, and the last paragraph too: nothing was cut off at the foot of the page.
        for paragraph in (placed.title.paragraphs[0], *body[-1:]):
            assert " ".join(paragraph.text.split())[:25] in text, (lang, number, paragraph.text[:40])
        assert len(reader.pages[number - 1].images) == (1 if placed.picture else 0), (lang, number)
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert all("DejaVu" in str(f.get_object()["/BaseFont"]) for f in fonts.values())  # å, é, œ on any machine


def test_user_text_stays_plain_text_in_the_pdf_deck(engine):
    seminar_data.add_project(engine, "umea-markup", "umea", "[Cliquez](http://evil.example) <b>gras</b>", summary="javascript:alert(1)")
    network = load_network(engine)
    slides = build_slides(network, SlideOptions(year=2026, picked=("project:umea-markup",)), "fr")
    data = build_deck_pdf(slides, network, "fr")
    text = _pdf_pages(data)[0]
    assert "[Cliquez](http://evil.example) <b>gras</b>" in text and "javascript:alert(1)" in text
    assert "/Annots" not in PdfReader(io.BytesIO(data)).pages[0]  # no link anywhere on the page
