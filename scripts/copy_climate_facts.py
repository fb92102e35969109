"""Copy the climate facts the climate series are built from into the repo, with their sources.

Reads the research folder (`../shared/data/climate_*.csv`, plus a few annual figures that the
research notes `_notes_climate.md` state in prose) and writes `data/src/climate_facts/`:

- `normals.csv`            monthly city normals, every row and column of the research file, plus `source_ids`
- `observed_trends.csv`    country warming rates and statements, every row, plus `source_ids`
- `projection_deltas.csv`  CMIP6 regional temperature change (AR6 regions WCA and WSB) against 1991-2020,
                           annual, DJF and JJA, p10/median/p90, for SSP1-2.6, SSP2-4.5 and SSP5-8.5
- `projection_context.csv` the few other projection figures data/README.md compares the series with
- `annual_facts.csv`       annual figures found only in the research notes (with their source text)

and appends the sources these rows cite to `data/src/sources.csv` (ids `clim-...`, skipped when
already there). Like `import_shared.py`, this is the only kind of code that reads `../shared`;
`scripts/make_climate_series.py` reads the copies. Rerunning on the same input gives the same files.

    python scripts/copy_climate_facts.py [--shared ../shared] [--out data/src]
"""

from __future__ import annotations

import argparse
import csv
import re
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
ACCESSED = "2026-11"
SCENARIOS = ("ssp126", "ssp245", "ssp585")
SERIES_SOURCE = {
    "source_id": "coalition-climate-series",
    "title": "Constructed annual climate series per city (delta method on the city normals, country warming "
    "trends and IPCC AR6 regional CMIP6 temperature change), made by the dashboard team",
    "publisher": "Coalition of Sustainable Cities of Central Asia (dashboard team)",
    "year": "2026",
    "url": "",
    "licence": "",
    "accessed": ACCESSED,
}

# Annual figures that the research notes give in prose only (shared/data/_notes_climate.md).
NOTES_FACTS = [
    {
        "city_id": "ashgabat",
        "variable": "tmean",
        "value": "16.8",
        "unit": "°C",
        "period": "not stated",
        "source": "US Library of Congress country study (Turkmenistan), as recorded in the research notes "
        "(shared/data/_notes_climate.md)",
        "source_url": "",
        "note": "annual mean temperature of Ashgabat; period not stated (the country study dates from the 1990s)",
    },
    {
        "city_id": "ashgabat",
        "variable": "precip",
        "value": "225",
        "unit": "mm",
        "period": "not stated",
        "source": "US Library of Congress country study (Turkmenistan), as recorded in the research notes "
        "(shared/data/_notes_climate.md)",
        "source_url": "",
        "note": "annual rainfall about 225 mm; period not stated",
    },
    {
        "city_id": "ashgabat",
        "variable": "precip_mam",
        "value": "97.8",
        "unit": "mm",
        "period": "not stated",
        "source": "Meteojurnal via turkmenportal.com, as recorded in the research notes (shared/data/_notes_climate.md)",
        "source_url": "",
        "note": "March-May precipitation norm; used only as a check",
    },
    {
        "city_id": "namangan",
        "variable": "precip",
        "value": "185",
        "unit": "mm",
        "period": "not stated",
        "source": 'Climi e viaggi, "Clima - Fergana"',
        "source_url": "https://www.climieviaggi.it/clima/uzbekistan/fergana",
        "note": "annual precipitation of FERGANA (substitute station for Namangan, as in normals.csv); period not stated",
    },
    {
        "city_id": "osh",
        "variable": "precip",
        "value": "400",
        "unit": "mm",
        "period": "not stated",
        "source": 'Wikipedia (Spanish edition), article "Osh" (2019 revision)',
        "source_url": "https://es.wikipedia.org/wiki/Osh",
        "note": "about 400 mm per year; used only as a check of the monthly sum (about 419 mm)",
    },
]


# Readable ids for the sources the climate facts cite: (start of the source text, id, year).
# The longest matching start wins; a text that matches none gets a `clim-<publisher>` id.
SOURCE_IDS = [
    ('Kazhydromet (RSE Kazhydromet), "temperature background', "clim-kazhydromet-petropavl-extremes", ""),
    ("Kazhydromet North-Kazakhstan branch via Petropavlovsk.news", "clim-kazhydromet-nk-july-norm", ""),
    ("Kazhydromet branch via Kazinform: August", "clim-kazhydromet-nk-august-norm", ""),
    ("Kazinform citing the Kazhydromet North Kazakhstan branch", "clim-kazhydromet-nk-november-precip", ""),
    ("Travelindicator.com", "clim-travelindicator-osh", ""),
    ("Visit Silk Road Tours", "clim-visitsilkroad-osh", ""),
    ("Wikipedia (Cantonese edition)", "clim-pogoda-dushanbe-1991-2020", ""),
    ("Arzuw News", "clim-arzuw-ashgabat-jan-precip", "2021"),
    ("AZERTAC", "clim-azertac-ashgabat-mar-precip", ""),
    ("MeteoGiornale", "clim-meteogiornale-ashgabat-july", ""),
    ('MeteoJurnal, "V Ashkhabade', "clim-meteojurnal-ashgabat-october", ""),
    ("Wikipedia (Serbian edition)", "clim-wikipedia-sr-fergana-1981-2010", ""),
    ("record low: obxavo.asia", "clim-obxavo-fergana-record-low", ""),
    ("Kazhydromet (RSE), report at XVII", "clim-kazhydromet-forum-2021", "2021"),
    ("Kazhydromet (RSE), 2021 forum report", "clim-kazhydromet-forum-2021-precip", "2021"),
    ("Kazhydromet Annual Bulletin", "clim-kazhydromet-bulletin-cabar", ""),
    ("Kazakhstan Ministry of Ecology", "clim-kaz-ministry-ecology-2021", "2021"),
    ("UNEP Atlas of Environmental Change", "clim-unep-atlas-kgz-2025", "2025"),
    ("DERIVED from UNEP Atlas figure", "clim-unep-atlas-kgz-2025-rate", "2025"),
    ('Aalto et al. 2017, "Features', "clim-aalto-2017", "2017"),
    ("Aalto et al. 2017, Int. J. Climatol., doi:10.1002/joc.5135", "clim-aalto-2017-2", "2017"),
    ('World Bank (2013) "Tajikistan', "clim-world-bank-tjk-2013", "2013"),
    ('World Bank (2013) "Turkmenistan', "clim-world-bank-tkm-2013", "2013"),
    ("Central Asia Climate Portal, CRVA Turkmenistan Climate Summary", "clim-crva-tkm", ""),
    ("Kholmatjanov et al. 2020", "clim-kholmatjanov-2020-2", "2020"),
    (
        "Kholmatjanov et al. 2020, Climate 8(9):101, doi:10.3390/cli8090101 (Uzhydromet",
        "clim-kholmatjanov-2020",
        "2020",
    ),
    ("USAID Climate Risk Profile: Uzbekistan", "clim-usaid-uzb-2018", "2018"),
    (
        "World Bank Climate Change Knowledge Portal, Uzbekistan climate data projections page",
        "clim-cckp-uzb",
        "",
    ),
    (
        "World Bank Climate Change Knowledge Portal, Uzbekistan climate data projections (CMIP5)",
        "clim-cckp-uzb-cmip5",
        "",
    ),
    ("Uzhydromet via Kun.uz", "clim-uzhydromet-kun-2020", "2020"),
    ("DERIVED from IPCC AR6 WGI Atlas", "clim-ipcc-ar6-atlas-cmip6", "2021"),
    (
        "World Bank Group & ADB (2021) Climate Risk Country Profile: Uzbekistan (Figure 9)",
        "clim-crcp-uzb-2021",
        "2021",
    ),
    ("Huang et al. 2014", "clim-huang-2014", "2014"),
    ("World Bank report on heat in Europe & Central Asia cities", "clim-world-bank-eca-heat", ""),
    ("US Library of Congress country study (Turkmenistan)", "clim-loc-turkmenistan", ""),
    ("Meteojurnal via turkmenportal.com", "clim-meteojurnal-ashgabat-spring", ""),
    ("Climi e viaggi", "clim-climieviaggi-fergana", ""),
    ("Wikipedia (Spanish edition)", "clim-wikipedia-es-osh", "2019"),
]


def slug(text: str, limit: int = 32) -> str:
    """Lower-case ASCII slug of a text's first words."""
    text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return text[:limit].rstrip("-")


def publisher_of(text: str) -> str:
    """Best short guess of a source text's publisher: the words before the first comma, quote or colon."""
    head = re.split(r"[,\"(:;]| via | citing | - ", text, maxsplit=1)[0].strip()
    return head[:80] or text[:80]


def known_id(text: str) -> tuple[str, str] | None:
    """(id, year) of the longest SOURCE_IDS entry the text starts with, if any."""
    hits = [(len(p), sid, year) for p, sid, year in SOURCE_IDS if text.startswith(p)]
    return max(hits)[1:] if hits else None


class SourceBook:
    """Distinct (source text, url) pairs -> stable `clim-...` ids, in order of first use."""

    def __init__(self):
        self.rows: dict[tuple[str, str], dict] = {}
        self.used_ids: set[str] = set()

    def id_for(self, text: str, url: str) -> str:
        key = (text.strip(), url.strip())
        if key not in self.rows:
            base, year = known_id(key[0]) or ("clim-" + slug(publisher_of(text)), "")
            sid, n = base, 1
            while sid in self.used_ids:
                n += 1
                sid = f"{base}-{n}"
            self.used_ids.add(sid)
            self.rows[key] = {
                "source_id": sid,
                "title": key[0],
                "publisher": publisher_of(text),
                "year": year,
                "url": key[1],
                "licence": "",
                "accessed": ACCESSED,
            }
        return self.rows[key]["source_id"]

    def ids_for(self, sources: str, urls: str) -> str:
        """A row may cite several sources, separated by ' | ' (urls likewise): ';'-joined ids."""
        texts = str(sources).split(" | ")
        links = str(urls if isinstance(urls, str) else "").split(" | ")
        links += [""] * (len(texts) - len(links))
        return ";".join(self.id_for(t, u) for t, u in zip(texts, links))


def write(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def copy_facts(shared: Path, out: Path) -> dict[str, int]:
    data = shared / "data"
    book = SourceBook()

    def read(name: str) -> pd.DataFrame:
        return pd.read_csv(data / name, dtype=str, keep_default_na=False)

    normals = read("climate_normals.csv")
    normals["source_ids"] = [book.ids_for(s, u) for s, u in zip(normals["source"], normals["source_url"])]
    trends = read("climate_observed_trends.csv")
    trends["source_ids"] = [book.ids_for(s, u) for s, u in zip(trends["source"], trends["source_url"])]

    proj = read("climate_projections.csv")
    regional = proj[
        (proj["scope"] == "region")
        & proj["id"].isin(["WCA", "WSB"])
        & (proj["baseline_period"] == "1991-2020")
        & proj["scenario"].isin(SCENARIOS)
        & proj["variable"].isin(["tmean", "tmean_djf", "tmean_jja"])
    ].copy()
    regional["source_ids"] = [book.ids_for(s, u) for s, u in zip(regional["source"], regional["source_url"])]
    context_mask = proj["variable"].isin(["hot_days", "days_tmax_gt_35", "precip"]) & (
        proj["value_median"] + proj["value_p10"] + proj["value_p90"] != ""
    )
    context = proj[context_mask].copy()
    context["source_ids"] = [book.ids_for(s, u) for s, u in zip(context["source"], context["source_url"])]

    annual = pd.DataFrame(NOTES_FACTS)
    annual["source_ids"] = [book.ids_for(s, u) for s, u in zip(annual["source"], annual["source_url"])]

    facts = out / "climate_facts"
    write(normals, facts / "normals.csv")
    write(trends, facts / "observed_trends.csv")
    write(regional.reset_index(drop=True), facts / "projection_deltas.csv")
    write(context.reset_index(drop=True), facts / "projection_context.csv")
    write(annual, facts / "annual_facts.csv")
    added = append_sources(out / "sources.csv", list(book.rows.values()) + [SERIES_SOURCE])
    return {
        "normals": len(normals),
        "observed_trends": len(trends),
        "projection_deltas": len(regional),
        "projection_context": len(context),
        "annual_facts": len(annual),
        "sources_added": added,
    }


def append_sources(path: Path, rows: list[dict]) -> int:
    """Append the sources not yet in sources.csv (by source_id), under the file's own header."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header = list(reader.fieldnames or [])
        known = {r["source_id"] for r in reader}
    new = [r for r in rows if r["source_id"] not in known]
    if new:
        with path.open("a", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
            for row in new:
                writer.writerow({k: row.get(k, "") for k in header})
    return len(new)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "src")
    args = parser.parse_args(argv)
    counts = copy_facts(args.shared, args.out)
    print(", ".join(f"{k}: {v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
