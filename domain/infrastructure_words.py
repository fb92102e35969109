"""Critical infrastructure in words (Russian and English), shared by the city page, PDF brief and slide.

`summary_sentences` turns a `CitySummary` into sentences with Babel's plural forms, for example
"4 of 11 hospitals (1,240 beds) lie within 1 km of a river centreline".
"""

from __future__ import annotations

from domain.infrastructure import CitySummary
from i18n import format_int, format_number, t, tn


def capacity_text(capacity: float | None, unit: str | None, lang: str) -> str:
    """'1 240 коек' / '400 MW' with the unit's plural form; '' when unknown."""
    if capacity is None or capacity != capacity or not unit:
        return ""
    digits = 0 if float(capacity).is_integer() else 1
    return tn(f"infra.unit.{unit}", capacity, lang, value=format_number(capacity, lang, digits))


def zone_text(zone_class: str | None, lang: str) -> str:
    """A zone class in words ('within 1 km of a river centreline'); a class the catalogue does not
    name (a city's published map) is quoted as it is."""
    if not isinstance(zone_class, str):
        return t("infra.zone.none", lang)
    key = f"infra.zone.{zone_class}"
    text = t(key, lang)
    return t("infra.zone.generic", lang, zone=zone_class) if text == key else text


def summary_sentences(summary: CitySummary, lang: str) -> list[str]:
    """The city's exposure in sentences: one per facility type and zone, then people and reviews."""
    if summary.facilities == 0:
        return [t("infra.no_facilities", lang)]
    out: list[str] = []
    if summary.zones == 0:
        out.append(t("infra.no_zones", lang))
    elif not summary.lines and summary.facilities == 1:
        out.append(
            t(
                "infra.none_exposed_single",
                lang,
                zones=tn("infra.zones_count", summary.zones, lang, count=format_int(summary.zones, lang)),
            )
        )
    elif not summary.lines:
        out.append(
            tn(
                "infra.none_exposed",
                summary.facilities,
                lang,
                total=format_int(summary.facilities, lang),
                zones=tn("infra.zones_count", summary.zones, lang, count=format_int(summary.zones, lang)),
            )
        )
    for line in summary.lines:
        capacity = capacity_text(line.capacity, line.capacity_unit, lang)
        out.append(
            tn(
                "infra.line",
                line.exposed,
                lang,
                exposed=format_int(line.exposed, lang),
                total=format_int(line.total, lang),
                noun=tn(f"infra.type_of.{line.facility_type}", line.total, lang),
                capacity=f" ({capacity})" if capacity else "",
                zone=zone_text(line.zone_class, lang),
            )
        )
    if summary.exposed:
        if summary.people_served_exposed is not None:
            people = capacity_text(summary.people_served_exposed, "people", lang)
            out.append(t("infra.people_known", lang, people=people))
        else:
            out.append(t("infra.people_unknown", lang))
    if summary.not_reviewed:
        out.append(
            tn(
                "infra.not_reviewed",
                summary.facilities,
                lang,
                count=format_int(summary.not_reviewed, lang),
                total=format_int(summary.facilities, lang),
            )
        )
    if summary.retrofit_needed:
        out.append(
            tn(
                "infra.retrofit",
                summary.retrofit_needed,
                lang,
                count=format_int(summary.retrofit_needed, lang),
            )
        )
    return out
