#!/usr/bin/env python3
"""Generate the ILLUSTRATIVE action plans: data/src/actions.csv and data/src/action_updates.csv.

usage: python scripts/make_actions.py [--src data/src] [--seed 20261115]

No member city has published its action plan in a machine-readable form yet, so these tables
show how the dashboard tracks plans until cities supply their own. They are made up, but
plausible: each city gets the cross-cutting actions the coalition's declaration commits to
(a strategy, a risk assessment with climate scenarios) plus actions that address the hazards
of its profile in `hazards.csv` (two for a high hazard, one for a medium one, sometimes one for
a low one). Dates, progress, budgets and funding are drawn with a fixed seed, relative to a
fixed reference date, so rerunning the script gives byte-identical files.

The script reads `cities.csv` and `hazards.csv` only; it names no city. Funders are generic
kinds of funder (city budget, development bank loan, ...), never a named institution, so that
no real organisation is shown funding an invented project. Every row has data_status
`illustrative` and source_id `coalition-analysis`. See data/README.md.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SRC = REPO / "data" / "src"
SEED = 20261115
REFERENCE = date(2026, 11, 15)  # "today" of the illustrative plans: no date lies after it
FIRST_MONTH = date(2024, 1, 1)
MAX_ACTIONS = 14
LEVEL_COUNT = {"high": 2, "medium": 1, "low": 0, "very_low": 0}

BODIES = {
    "mayor": (
        "Аппарат мэрии (координатор по снижению риска бедствий)",
        "Mayor's office (disaster risk reduction coordinator)",
    ),
    "emergency": ("Городское управление по чрезвычайным ситуациям", "City emergency management department"),
    "construction": (
        "Управление архитектуры и градостроительства",
        "City architecture and urban planning department",
    ),
    "water": ("Городское предприятие водоснабжения и водоотведения", "City water and sewerage utility"),
    "education": ("Городское управление образования", "City education department"),
    "health": ("Городское управление здравоохранения", "City health department"),
    "green": ("Управление благоустройства и озеленения", "City landscaping and greening department"),
    "heating": ("Городское теплоснабжающее предприятие", "City district heating company"),
    "finance": ("Финансовое управление мэрии", "City finance department"),
    "hydromet": (
        "Гидрометеорологическая служба (городское подразделение)",
        "Hydrometeorological service (city office)",
    ),
    "roads": (
        "Управление дорожного хозяйства и инженерной инфраструктуры",
        "City roads and engineering infrastructure department",
    ),
    "social": ("Управление социальной защиты населения", "City social protection department"),
    "forestry": ("Лесное хозяйство и городская пожарная служба", "Forestry agency and city fire service"),
    "environment": ("Управление охраны окружающей среды", "City environmental protection department"),
}

FUNDERS = {
    "city_budget": ("Городской бюджет", "City budget"),
    "national_budget": ("Государственный бюджет", "National budget"),
    "dev_bank_loan": ("Кредит международного банка развития", "International development bank loan"),
    "un_grant": ("Грант агентства ООН", "UN agency grant"),
    "climate_fund_grant": ("Грант климатического фонда", "Climate fund grant"),
    "bilateral_grant": ("Грант двустороннего донора", "Bilateral donor grant"),
    "utility_funds": ("Собственные средства предприятия", "Utility's own funds"),
}
SMALL_FUNDERS = ("city_budget", "un_grant", "bilateral_grant", "city_budget")
LARGE_FUNDERS = ("dev_bank_loan", "climate_fund_grant", "national_budget", "dev_bank_loan")


@dataclass(frozen=True)
class Template:
    key: str
    hazards: tuple[str, ...]  # empty: addresses every hazard of the city (multi-hazard)
    title_ru: str
    title_en: str
    priority: int
    target: str
    essential: int
    body: str
    budget_k: tuple[int, int]
    months: tuple[int, int]
    large: bool = False


T = Template
CROSS_CUTTING = [
    T(
        "strategy",
        (),
        "Городская стратегия снижения риска бедствий и адаптации к изменению климата",
        "City strategy for disaster risk reduction and climate adaptation",
        2,
        "e",
        1,
        "mayor",
        (60, 200),
        (12, 24),
    ),
    T(
        "assessment",
        (),
        "Оценка риска бедствий с учётом климатических сценариев",
        "Disaster risk assessment using climate scenarios",
        1,
        "g",
        2,
        "emergency",
        (100, 350),
        (12, 24),
    ),
    T(
        "scorecard",
        (),
        "Самооценка по карте показателей MCR2030",
        "MCR2030 scorecard self-assessment",
        2,
        "f",
        1,
        "mayor",
        (10, 50),
        (6, 12),
    ),
    T(
        "reserve",
        (),
        "Резервный фонд города на случай бедствий и страхование муниципального имущества",
        "City disaster reserve fund and insurance of municipal assets",
        3,
        "c",
        3,
        "finance",
        (100, 600),
        (12, 30),
    ),
    T(
        "training",
        (),
        "Обучение сотрудников мэрии управлению рисками бедствий",
        "Training of municipal staff in disaster risk management",
        2,
        "e",
        6,
        "mayor",
        (30, 120),
        (12, 36),
    ),
    T(
        "dispatch",
        (),
        "Модернизация единой дежурно-диспетчерской службы и связи 112",
        "Upgrade of the emergency dispatch centre and 112 communications",
        4,
        "g",
        9,
        "emergency",
        (300, 1500),
        (18, 36),
    ),
    T(
        "volunteers",
        (),
        "Добровольные команды реагирования в жилых кварталах",
        "Community volunteer response teams in neighbourhoods",
        4,
        "b",
        7,
        "emergency",
        (30, 150),
        (12, 24),
    ),
    T(
        "recovery",
        (),
        "Порядок восстановления после бедствий по принципу «лучше, чем было»",
        "Post-disaster recovery framework: build back better",
        4,
        "c",
        10,
        "construction",
        (30, 120),
        (12, 24),
    ),
]
REQUIRED_CROSS = ("strategy", "assessment")  # the declaration's commitments

BY_HAZARD = {
    "earthquake": [
        T(
            "eq_assess",
            ("earthquake",),
            "Оценка сейсмостойкости школ и детских садов",
            "Seismic safety assessment of schools and kindergartens",
            1,
            "d",
            8,
            "education",
            (80, 250),
            (12, 18),
        ),
        T(
            "eq_retrofit",
            ("earthquake",),
            "Сейсмоусиление зданий школ (первая очередь)",
            "Seismic retrofitting of school buildings (phase 1)",
            3,
            "d",
            8,
            "construction",
            (1500, 6000),
            (24, 42),
            True,
        ),
        T(
            "eq_microzoning",
            ("earthquake",),
            "Обновление карты сейсмического микрорайонирования",
            "Update of the seismic microzoning map",
            1,
            "g",
            2,
            "construction",
            (150, 400),
            (12, 24),
        ),
        T(
            "eq_drills",
            ("earthquake",),
            "Учения по действиям при землетрясении в школах и на предприятиях",
            "Earthquake drills in schools and workplaces",
            4,
            "a",
            7,
            "emergency",
            (20, 80),
            (12, 36),
        ),
        T(
            "eq_housing",
            ("earthquake",),
            "Обследование и программа усиления многоквартирных домов старой постройки",
            "Survey and strengthening programme for old apartment blocks",
            3,
            "b",
            4,
            "construction",
            (800, 4000),
            (36, 60),
            True,
        ),
        T(
            "eq_hospitals",
            ("earthquake",),
            "Сейсмоусиление больниц для работы после землетрясения",
            "Seismic retrofitting of hospitals to stay operational after an earthquake",
            3,
            "d",
            8,
            "health",
            (2000, 8000),
            (30, 48),
            True,
        ),
    ],
    "river_flood": [
        T(
            "fl_dykes",
            ("river_flood",),
            "Укрепление берегов и защитных дамб реки в черте города",
            "Strengthening river banks and flood dykes within the city",
            3,
            "b",
            8,
            "roads",
            (1000, 5000),
            (18, 36),
            True,
        ),
        T(
            "fl_warning",
            ("river_flood",),
            "Система раннего оповещения о паводках (гидропосты и оповещение населения)",
            "Flood early warning system (river gauges and public alerts)",
            4,
            "g",
            9,
            "hydromet",
            (150, 600),
            (12, 24),
        ),
        T(
            "fl_maps",
            ("river_flood", "urban_flood"),
            "Карты зон затопления для расчётных паводков",
            "Flood hazard maps for design floods",
            1,
            "g",
            2,
            "emergency",
            (80, 250),
            (9, 18),
        ),
        T(
            "fl_zoning",
            ("river_flood",),
            "Ограничение застройки в зонах затопления в генеральном плане",
            "Restricting construction in flood zones in the master plan",
            2,
            "e",
            4,
            "construction",
            (30, 120),
            (12, 24),
        ),
    ],
    "urban_flood": [
        T(
            "uf_drainage",
            ("urban_flood",),
            "Реконструкция ливневой канализации в низинных кварталах",
            "Rehabilitation of storm drainage in low-lying districts",
            3,
            "d",
            8,
            "water",
            (800, 4000),
            (24, 48),
            True,
        ),
        T(
            "uf_green",
            ("urban_flood",),
            "Зелёная инфраструктура для удержания ливневого стока",
            "Green infrastructure to retain storm runoff",
            3,
            "c",
            5,
            "green",
            (300, 1500),
            (18, 36),
        ),
        T(
            "uf_channels",
            ("urban_flood",),
            "Регулярная очистка арыков и водоотводных каналов",
            "Regular cleaning of irrigation ditches and drainage channels",
            3,
            "d",
            8,
            "roads",
            (50, 200),
            (12, 24),
        ),
    ],
    "landslide": [
        T(
            "ls_structures",
            ("landslide",),
            "Селезащитные сооружения и селеотводные каналы",
            "Mudflow protection structures and diversion channels",
            3,
            "b",
            8,
            "emergency",
            (1000, 6000),
            (24, 48),
            True,
        ),
        T(
            "ls_monitoring",
            ("landslide",),
            "Мониторинг оползневых склонов и раннее оповещение",
            "Landslide slope monitoring and early warning",
            4,
            "g",
            9,
            "emergency",
            (100, 500),
            (12, 30),
        ),
        T(
            "ls_zoning",
            ("landslide",),
            "Запрет новой застройки на оползнеопасных склонах",
            "Ban on new construction on landslide-prone slopes",
            2,
            "e",
            4,
            "construction",
            (20, 80),
            (6, 18),
        ),
    ],
    "extreme_heat": [
        T(
            "ht_plan",
            ("extreme_heat",),
            "План защиты здоровья в период жары и оповещение о жаре",
            "Heat-health action plan and heat alerts",
            4,
            "a",
            7,
            "health",
            (50, 200),
            (12, 24),
        ),
        T(
            "ht_greening",
            ("extreme_heat",),
            "Озеленение улиц и дворов: тенистые коридоры",
            "Street and courtyard greening: shade corridors",
            3,
            "a",
            5,
            "green",
            (400, 2500),
            (24, 48),
        ),
        T(
            "ht_roofs",
            ("extreme_heat",),
            "Светлые кровли и теплозащита школ и поликлиник",
            "Cool roofs and heat protection for schools and clinics",
            3,
            "d",
            4,
            "construction",
            (300, 1500),
            (18, 36),
        ),
    ],
    "cold_wave": [
        T(
            "cw_heating",
            ("cold_wave",),
            "Модернизация теплосетей и резервное электропитание котельных",
            "Modernising heating networks and backup power for boiler plants",
            3,
            "d",
            8,
            "heating",
            (2000, 9000),
            (24, 48),
            True,
        ),
        T(
            "cw_warming",
            ("cold_wave",),
            "Пункты обогрева и реестр уязвимых домохозяйств на период морозов",
            "Warming centres and a register of vulnerable households for cold spells",
            4,
            "a",
            7,
            "social",
            (40, 200),
            (6, 18),
        ),
    ],
    "water_scarcity": [
        T(
            "ws_losses",
            ("water_scarcity",),
            "Снижение потерь воды в водопроводной сети (учёт и ремонт)",
            "Reducing water losses in the supply network (metering and repairs)",
            3,
            "d",
            8,
            "water",
            (1000, 5000),
            (24, 48),
            True,
        ),
        T(
            "ws_plan",
            ("water_scarcity",),
            "План действий при засухе и ограничения водопользования",
            "Drought contingency plan and water-use restrictions",
            2,
            "e",
            1,
            "water",
            (30, 120),
            (6, 18),
        ),
        T(
            "ws_reuse",
            ("water_scarcity",),
            "Капельный полив городских насаждений и повторное использование очищенных стоков",
            "Drip irrigation of urban greenery and reuse of treated wastewater",
            3,
            "c",
            5,
            "green",
            (300, 1500),
            (18, 36),
        ),
    ],
    "dust_storm": [
        T(
            "ds_monitoring",
            ("dust_storm",),
            "Сеть мониторинга качества воздуха и оповещение о пыльных бурях",
            "Air-quality monitoring network and dust-storm alerts",
            1,
            "g",
            2,
            "environment",
            (100, 400),
            (12, 24),
        ),
        T(
            "ds_belts",
            ("dust_storm",),
            "Защитные лесополосы по периметру города",
            "Protective tree belts around the city",
            3,
            "b",
            5,
            "green",
            (300, 1500),
            (24, 48),
        ),
    ],
    "wildfire": [
        T(
            "wf_breaks",
            ("wildfire",),
            "Противопожарные разрывы на границе города и леса",
            "Firebreaks at the urban–forest edge",
            3,
            "b",
            5,
            "forestry",
            (80, 400),
            (12, 24),
        ),
        T(
            "wf_monitoring",
            ("wildfire",),
            "Мониторинг пожарной опасности и совместный план реагирования",
            "Fire-danger monitoring and a joint response plan",
            4,
            "g",
            9,
            "forestry",
            (50, 200),
            (12, 24),
        ),
    ],
}

NOTES = {
    "included": ("Включено в план действий города", "Included in the city's action plan"),
    "started": ("Работы начаты", "Work started"),
    "design": ("Завершено проектирование", "Design completed"),
    "procurement": ("Проведены закупки, подписан договор", "Procurement done, contract signed"),
    "works": ("Идут работы по графику", "Work on schedule"),
    "half": ("Выполнена примерно половина объёма", "About half of the work done"),
    "funding_delay": ("Задержка финансирования", "Funding delayed"),
    "contractor_delay": ("Подрядчик отстаёт от графика", "Contractor behind schedule"),
    "start_postponed": (
        "Начало перенесено: не завершены закупки",
        "Start postponed: procurement not completed",
    ),
    "completed": ("Работы завершены и приняты", "Work completed and accepted"),
    "cancelled": ("Отменено: объединено с другим проектом", "Cancelled: merged into another project"),
}

ACTION_COLUMNS = [
    "action_id",
    "city_id",
    "title_ru",
    "title_en",
    "sendai_priority",
    "sendai_target",
    "mcr2030_essential",
    "hazards",
    "responsible_body_ru",
    "responsible_body_en",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "status",
    "progress_pct",
    "budget_usd",
    "funded_usd",
    "funder",
    "funder_ru",
    "funder_en",
    "data_status",
    "source_id",
]
UPDATE_COLUMNS = [
    "action_id",
    "date",
    "progress_pct",
    "status",
    "note_ru",
    "note_en",
    "data_status",
    "source_id",
]


def add_months(day: date, months: int) -> date:
    y, m = divmod(day.month - 1 + months, 12)
    return date(day.year + y, m + 1, 1)


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def choose_templates(rng: random.Random, hazards: list[tuple[str, str]]) -> list[Template]:
    """Cross-cutting commitments, then actions for the city's hazards by level, 8 to 14 in all."""
    chosen = [t for t in CROSS_CUTTING if t.key in REQUIRED_CROSS]
    optional = [t for t in CROSS_CUTTING if t.key not in REQUIRED_CROSS]
    rng.shuffle(optional)
    chosen += optional[:2]
    for hazard, level in hazards:
        pool = list(BY_HAZARD.get(hazard, []))
        rng.shuffle(pool)
        count = LEVEL_COUNT.get(level, 0) + (1 if level == "low" and rng.random() < 0.5 else 0)
        chosen += [t for t in pool if t not in chosen][:count]
    for extra in optional[2:]:
        if len(chosen) >= 8:
            break
        chosen.append(extra)
    return chosen[:MAX_ACTIONS]


def round_to(value: float, step: int) -> int:
    return int(round(value / step) * step)


def make_action(
    rng: random.Random, city_id: str, number: int, tpl: Template, city_hazards: list[str]
) -> tuple[dict, list[dict]]:
    """One action with a consistent status, dates, progress and funding, and its update history."""
    start = add_months(FIRST_MONTH, rng.randrange(0, 42))
    months = rng.randint(*tpl.months)
    end = add_months(start, months) - timedelta(days=1)
    duration = (end - start).days
    actual_start = actual_end = None
    roll = rng.random()
    if start > REFERENCE:
        status, progress = "planned", 0
    elif roll < 0.05 and start < REFERENCE - timedelta(days=120):
        status = "cancelled"
        actual_start = start + timedelta(days=rng.randint(0, 60))
        progress = rng.choice((5, 10, 15, 20))
    elif roll < 0.15 and start < REFERENCE - timedelta(days=45):
        status, progress = "delayed", 0  # should have started, has not
    else:
        actual_start = min(start + timedelta(days=rng.randint(0, 75)), REFERENCE - timedelta(days=14))
        elapsed = (REFERENCE - actual_start).days / max(duration, 1)
        pace = rng.uniform(0.55, 1.2)
        progress = min(100, max(5, round_to(elapsed * pace * 100, 5)))
        if progress >= 100:
            status, progress = "completed", 100
            finish = actual_start + timedelta(days=int(duration / pace))
            actual_end = min(max(finish, actual_start + timedelta(days=30)), REFERENCE - timedelta(days=7))
        elif end < REFERENCE or (pace < 0.75 and elapsed > 0.3):
            status, progress = "delayed", min(progress, 95)
        else:
            status = "in_progress"
    budget = round_to(rng.uniform(*tpl.budget_k) * 1000, 5000 if tpl.large else 1000)
    share = {
        "completed": rng.choice((1.0, 1.0, 0.95)),
        "in_progress": rng.choice((0.5, 0.7, 0.8, 1.0, 1.0)),
        "delayed": rng.choice((0.2, 0.4, 0.5, 0.6, 0.8)),
        "planned": rng.choice((0.0, 0.0, 0.25, 0.5, 1.0)),
        "cancelled": rng.choice((0.0, 0.1, 0.3)),
    }[status]
    funded = round_to(budget * share, 1000)
    funder = ""
    if funded:
        funder = rng.choice(LARGE_FUNDERS if tpl.large else SMALL_FUNDERS)
        if tpl.body in ("water", "heating") and rng.random() < 0.3:
            funder = "utility_funds"
    action_id = f"{city_id}-a{number:02d}"
    row = {
        "action_id": action_id,
        "city_id": city_id,
        "title_ru": tpl.title_ru,
        "title_en": tpl.title_en,
        "sendai_priority": tpl.priority,
        "sendai_target": tpl.target,
        "mcr2030_essential": tpl.essential,
        "hazards": ";".join(tpl.hazards if tpl.hazards else city_hazards),
        "responsible_body_ru": BODIES[tpl.body][0],
        "responsible_body_en": BODIES[tpl.body][1],
        "planned_start": start.isoformat(),
        "planned_end": end.isoformat(),
        "actual_start": actual_start.isoformat() if actual_start else "",
        "actual_end": actual_end.isoformat() if actual_end else "",
        "status": status,
        "progress_pct": progress,
        "budget_usd": budget,
        "funded_usd": funded,
        "funder": funder,
        "funder_ru": FUNDERS[funder][0] if funder else "",
        "funder_en": FUNDERS[funder][1] if funder else "",
        "data_status": "illustrative",
        "source_id": "coalition-analysis",
    }
    return row, make_history(rng, row, start, end, actual_start, actual_end)


def make_history(
    rng: random.Random, row: dict, start: date, end: date, actual_start: date | None, actual_end: date | None
) -> list[dict]:
    """Dated updates ending in the action's current status and progress; progress never falls."""

    def entry(day: date, progress: int, status: str, note: str) -> dict:
        ru, en = NOTES[note]
        return {
            "action_id": row["action_id"],
            "date": day.isoformat(),
            "progress_pct": progress,
            "status": status,
            "note_ru": ru,
            "note_en": en,
            "data_status": "illustrative",
            "source_id": "coalition-analysis",
        }

    status, final = row["status"], int(row["progress_pct"])
    included = min(start - timedelta(days=rng.randint(20, 90)), REFERENCE - timedelta(days=1))
    history = [entry(included, 0, "planned", "included")]
    if actual_start is None:
        if status == "delayed":
            history.append(entry(min(start + timedelta(days=30), REFERENCE), 0, "delayed", "start_postponed"))
        return history
    last = actual_end or max(actual_start, REFERENCE - timedelta(days=rng.randint(3, 20)))
    history.append(entry(actual_start, 0, "in_progress", "started"))
    days = []
    day = actual_start + timedelta(days=rng.randint(80, 110))
    while day < last - timedelta(days=30):
        days.append(day)
        day += timedelta(days=rng.randint(80, 110))
    progress = 0
    notes = ["design", "procurement", "works", "half", "works"]
    for i, day in enumerate(days):
        share = (day - actual_start).days / max((last - actual_start).days, 1)
        progress = max(progress, min(final - 5, round_to(final * share, 5))) if final > 5 else progress
        late = status == "delayed" and day > end
        note = "contractor_delay" if late else notes[min(i, len(notes) - 1)]
        history.append(entry(day, progress, "delayed" if late else "in_progress", note))
    final_note = {
        "completed": "completed",
        "cancelled": "cancelled",
        "in_progress": "works",
        "delayed": rng.choice(("funding_delay", "contractor_delay")),
    }[status]
    history.append(entry(last, final, status, final_note))
    return history


def generate(src: Path, seed: int = SEED) -> tuple[list[dict], list[dict]]:
    rng = random.Random(seed)
    cities = sorted(r["city_id"] for r in read_csv(src / "cities.csv"))
    order = {
        r["hazard_type"]: int(r.get("sort_order") or i)
        for i, r in enumerate(read_csv(src / "hazard_types.csv"))
    }
    hazards: dict[str, list[tuple[str, str]]] = {c: [] for c in cities}
    for r in read_csv(src / "hazards.csv"):
        if r["city_id"] in hazards:
            hazards[r["city_id"]].append((r["hazard_type"], r["level"]))
    actions, updates = [], []
    for city in cities:
        profile = sorted(hazards[city], key=lambda h: order.get(h[0], 99))
        relevant = [h for h, level in profile if level in ("high", "medium", "low")]
        for number, tpl in enumerate(choose_templates(rng, profile), start=1):
            row, history = make_action(rng, city, number, tpl, relevant)
            actions.append(row)
            updates.extend(history)
    return actions, updates


def to_csv(columns: list[str], rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=DEFAULT_SRC)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    actions, updates = generate(args.src, args.seed)
    (args.src / "actions.csv").write_text(to_csv(ACTION_COLUMNS, actions), encoding="utf-8")
    (args.src / "action_updates.csv").write_text(to_csv(UPDATE_COLUMNS, updates), encoding="utf-8")
    print(f"wrote {len(actions)} actions and {len(updates)} updates to {args.src}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
