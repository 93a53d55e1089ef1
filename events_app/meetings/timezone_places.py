"""Find a time zone by the place it is named for: "Vilnius", "Paris", "France".

The tz database names zones after a city ("Europe/Vilnius") and lists the
countries each zone covers (zone.tab, zone1970.tab) and the countries' names
(iso3166.tab). Those tables ship with tzdata, so a typed city or country is
matched against them: accents, case and underscores do not matter. The
reader's language names the same cities and countries too (CLDR, through
Babel: "Вільнюс, Літва", "Vilnius, Lituanie"); a place is found by either
name and shown by the reader's.
"""

import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from babel import Locale
from babel.dates import get_timezone_location

from events_app.language.formatting import current_locale

SYSTEM_ZONEINFO = Path("/usr/share/zoneinfo")


@dataclass(frozen=True)
class ZonePlace:
    """A zone with the city it is named for and the countries it covers."""

    zone: str
    city: str
    countries: tuple[str, ...]
    country_codes: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """ "Vilnius, Lithuania": what a person would call the zone."""
        if not self.countries:
            return self.city
        return f"{self.city}, {', '.join(self.countries)}"


def folded(text: str) -> str:
    """Text compared loosely: no accents, no case, "_" and "-" as spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().replace("_", " ").replace("-", " ").split())


def _table(name: str) -> list[list[str]]:
    """Rows of a tzdata .tab file (tab-separated, # comments), or [] if missing."""
    try:
        text = resources.files("tzdata.zoneinfo").joinpath(name).read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        path = SYSTEM_ZONEINFO / name
        text = path.read_text("utf-8") if path.exists() else ""
    return [
        line.split("\t")
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    ]


@cache
def zone_places() -> dict[str, ZonePlace]:
    """Every zone a meeting may be in, with its city and countries (read once)."""
    from events_app.meetings.forms import known_timezones

    country_names = {row[0]: row[1] for row in _table("iso3166.tab") if len(row) > 1}
    # zone.tab names each zone's own country first; zone1970.tab adds the
    # countries that share its clocks (Berlin: also Denmark, Norway, ...).
    codes_of: dict[str, list[str]] = {}
    for name in ("zone.tab", "zone1970.tab"):
        for row in _table(name):
            if len(row) > 2:
                for code in row[0].split(","):
                    if code not in codes_of.setdefault(row[2], []):
                        codes_of[row[2]].append(code)
    return {
        zone: ZonePlace(
            zone=zone,
            city=zone.rsplit("/", 1)[-1].replace("_", " "),
            countries=tuple(
                country_names.get(code, code) for code in codes_of.get(zone, [])
            ),
            country_codes=tuple(codes_of.get(zone, [])),
        )
        for zone in known_timezones()
    }


@cache
def zone_places_in(language: str) -> dict[str, ZonePlace]:
    """The zones with their cities and countries as `language` names them (CLDR).

    English keeps the tz database's own names. Read once per language.
    """
    places = zone_places()
    if language == "en":
        return places
    locale = Locale.parse(language)
    return {
        zone: ZonePlace(
            zone=zone,
            city=get_timezone_location(zone, locale=locale, return_city=True),
            countries=tuple(
                locale.territories.get(code, name)
                for code, name in zip(place.country_codes, place.countries, strict=True)
            ),
            country_codes=place.country_codes,
        )
        for zone, place in places.items()
    }


def places_in_reader_language() -> dict[str, ZonePlace]:
    return zone_places_in(str(current_locale()))


def place_label(place: ZonePlace) -> str:
    """ "Europe/Vilnius (Vilnius, Lithuania)": the zone, and the place it is."""
    return f"{place.zone} ({place.label})"


def _score(place: ZonePlace, text: str) -> int:
    """How well `text` (folded) names this zone; 0 for not at all."""
    city = folded(place.city)
    countries = [folded(country) for country in place.countries]
    if text == folded(place.zone):
        return 100
    if text == city:
        return 90
    if countries and text == countries[0]:
        return 80
    if text in countries:
        return 70
    if city.startswith(text):
        return 60
    if any(country.startswith(text) for country in countries):
        return 50
    if text in folded(place.zone) or text in city:
        return 30
    return 0


def _best_score(zone: str, text: str, shown: dict[str, ZonePlace]) -> int:
    """The zone's score by its English names or by the reader's language's."""
    return max(_score(zone_places()[zone], text), _score(shown[zone], text))


def zones_matching(text: str, limit: int = 12) -> list[ZonePlace]:
    """Zones named by the typed text, best first (ties by zone name), as the
    reader's language names them."""
    wanted = folded(text)
    if not wanted:
        return []
    shown = places_in_reader_language()
    scored = [
        (score, place.zone, place)
        for place in shown.values()
        if (score := _best_score(place.zone, wanted, shown))
    ]
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [place for _, _, place in scored[:limit]]


def zone_named(text: str) -> str | None:
    """The one zone this text names exactly (a zone, a city, a one-zone country).

    None when nothing matches exactly or a country spans several zones.
    """
    shown = places_in_reader_language()
    if text in shown:
        return text
    wanted = folded(text)
    if not wanted:
        return None
    for score in (100, 90, 80):
        exact = [zone for zone in shown if _best_score(zone, wanted, shown) == score]
        if len(exact) == 1:
            return exact[0]
        if exact:
            return None
    return None
