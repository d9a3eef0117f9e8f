"""The real figures the synthetic region is calibrated to, each with its source.

Figures marked "plausible" are modelling choices where no public figure was found (banner
populations, the shape of household types); they are tuned so the region-level figures come out.
Amounts are yuan per month unless the name says otherwise; the generator turns them into fen.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from minsheng import regions

# 第七次全国人口普查 (2020) 内蒙古自治区公报: total resident population; league totals are in
# regions-150000.csv (../shared/policy/regions-150000.csv, same bulletin).
CENSUS_POPULATION_2020 = 24_049_155
# Same bulletin: urban residents 67.48 % of the population.
URBAN_SHARE_2020 = 0.6748

# Plausible (no banner figures published in our sources): a district (区) is denser than a banner or
# county, a county-level city (市) in between; mining and new districts are small.
BANNER_WEIGHT_BY_SUFFIX = {"区": 3.0, "市": 1.6, "旗": 1.0, "县": 1.0}
SMALL_BANNERS = {
    "150205": 0.15,  # 石拐区, a small mining district
    "150206": 0.12,  # 白云鄂博矿区, a mine town
    "150603": 0.45,  # 康巴什区, a new district
    "150703": 0.35,  # 扎赉诺尔区, a mining district
    "152202": 0.25,  # 阿尔山市, a forest town
    "152501": 0.35,  # 二连浩特市, a border town
    "152923": 0.15,  # 额济纳旗, desert
    "152922": 0.12,  # 阿拉善右旗, desert
    "150785": 0.45,  # 根河市, forest
    "150784": 0.35,  # 额尔古纳市, forest
}
# Plausible urban shares by kind of unit; 旗/县 are solved so the region hits URBAN_SHARE_2020.
URBAN_SHARE_BY_SUFFIX = {"区": 0.93, "市": 0.82}

# Age pyramid, 5-year bands 0-4 … 95-99 (percent). Shape of China's 2020 census; totals fixed to the
# 2020 IM bulletin: 0-14 = 14.04 %, 15-59 = 66.17 %, 60+ = 19.78 %, 65+ = 13.05 %.
AGE_BAND_PERCENT = np.array(
    [4.0, 5.0, 5.04, 4.6, 4.9, 6.0, 8.6, 7.7, 7.3, 9.0, 10.0, 8.07, 6.73, 5.4, 3.4, 2.1, 1.3, 0.6, 0.2, 0.05]
)
AGE_TARGETS = {"under_15": 0.1404, "60_plus": 0.1978, "65_plus": 0.1305}
# 2020 IM bulletin: 2.35 persons per family household (rounded in the brief to ≈ 2.4).
MEAN_HOUSEHOLD_SIZE = 2.4

# 2020 IM bulletin: 汉族 78.74 %, 蒙古族 17.66 %, other minorities 3.60 %; the split of the others
# follows the 2010 census counts (满族 452 765, 回族 221 483, 达斡尔族 76 255, 鄂温克族 26 139,
# 朝鲜族 18 464, 鄂伦春族 3 573).
ETHNICITY_SHARE = {
    "汉族": 0.7874,
    "蒙古族": 0.1766,
    "满族": 0.0199,
    "回族": 0.0097,
    "达斡尔族": 0.0033,
    "鄂温克族": 0.0011,
    "朝鲜族": 0.0008,
    "鄂伦春族": 0.0002,
    "其他": 0.0010,
}
# Plausible: Mongols concentrate in the banners (旗) and in the eastern leagues; the factor multiplies
# the regional share before renormalising. The autonomous banners of the three small peoples:
MONGOL_FACTOR_BY_SUFFIX = {"旗": 1.9, "区": 0.55, "市": 0.7, "县": 0.35}
MONGOL_FACTOR_BY_LEAGUE = {"150500": 1.8, "152200": 1.7, "152500": 1.6, "152900": 1.3, "150300": 0.5}
AUTONOMOUS_BANNER_PEOPLE = {"150722": "达斡尔族", "150724": "鄂温克族", "150723": "鄂伦春族"}

# 2023 统计公报 of IM: per-capita disposable income, urban 48 676, rural 21 221 yuan a year.
DISPOSABLE_INCOME_PER_CAPITA_2023 = {"urban": 48_676 / 12, "rural": 21_221 / 12}
# 低保 standard, regional averages 2023 (seed page 000: 城乡低保平均标准 840 / 670 元/人/月). No per-banner
# table exists yet (RULES.md §1.7), so every banner uses the average when the generator calibrates.
DIBAO_LINE_2023 = {"urban": 840, "rural": 670}
# 2023 民政 statistics: about 1.6-1.7 million 低保 recipients in IM (≈ 7 % of residents); the share
# of persons whose household's counted income is under the line should sit near it.
BELOW_LINE_SHARE_BAND = (0.04, 0.08)

# Income model (plausible, tuned so the per-capita means approach the 2023 figures above).
WAGE_MEDIAN = {"urban": 6500.0, "rural": 3600.0}  # employed; rural employed are mostly migrants
BUSINESS_MEDIAN = {"urban": 5000.0, "rural": 2600.0}  # self-employed
FARMING_MEDIAN = 2200.0  # net farming/herding income per working member
PENSION_MEDIAN = 3300.0  # urban retirees' basic pension (transfer income)
# 城乡居民基础养老金 in IM, ≈ 188 yuan a month in 2023 (recalled; excluded from 低保 income).
RESIDENT_BASIC_PENSION = 188.0
LAND_AND_SUBSIDY_MEDIAN = 300.0  # rural adults: land rent, 草原生态补奖, 耕地地力补贴
PROSPERITY_SIGMA = {"urban": 0.45, "rural": 0.35}  # household-level log-normal spread
# Households in hardship (illness, disability, no able-bodied member) get a lower prosperity.
HARDSHIP_SHARE = {"urban": 0.025, "rural": 0.07}
HARDSHIP_FACTOR = 0.35

# 第二次全国残疾人抽样调查 (2006): prevalence 6.34 %; types 视力 14.86 %, 听力 24.16 %, 言语 1.53 %,
# 肢体 29.07 %, 智力 6.68 %, 精神 7.40 %, 多重 16.30 %.
DISABILITY_PREVALENCE = 0.062
DISABILITY_TYPE_SHARE = {
    "visual": 0.1486,
    "hearing": 0.2416,
    "speech": 0.0153,
    "physical": 0.2907,
    "intellectual": 0.0668,
    "mental": 0.0740,
    "multiple": 0.1630,
}
# Plausible grade split of certified disabilities (grade 1 most severe).
DISABILITY_GRADE_SHARE = (0.12, 0.20, 0.26, 0.42)
SERIOUS_ILLNESS_PREVALENCE = 0.015  # 重特大疾病, ≈ 1-2 % (plausible)
DECEASED_SHARE = 0.003  # died during the year before the snapshot, still on file (fraud tests)

# Key groups (plausible shares of the eligible ages).
VETERAN_SHARE_MEN = 0.07  # men 22-85; China has ≈ 57 million veterans
POVERTY_ALLEVIATED_SHARE_RURAL = 0.18  # IM lifted ≈ 1.57 million rural people out of poverty by 2020
URBAN_UNEMPLOYMENT = 0.045  # IM surveyed urban unemployment ≈ 4-5 %


def banner_kind(region: regions.Region) -> str:
    return region.name_zh[-1]


@cache
def banner_table() -> dict[str, np.ndarray]:
    """Per banner: code, league share of the region, share of its league, urban share, Mongol share."""
    leagues = {league.code: league.population_2020 or 0 for league in regions.leagues()}
    total = sum(leagues.values())
    banners = sorted(regions.banners("150000"), key=lambda b: b.code)
    codes = [b.code for b in banners]
    league_codes = [regions.league_of(b.code).code for b in banners]
    weight = np.array(
        [BANNER_WEIGHT_BY_SUFFIX.get(banner_kind(b), 1.0) * SMALL_BANNERS.get(b.code, 1.0) for b in banners]
    )
    share = np.empty(len(banners))
    for league, population in leagues.items():
        inside = np.array([code == league for code in league_codes])
        share[inside] = population / total * weight[inside] / weight[inside].sum()
    kinds = [banner_kind(b) for b in banners]
    fixed = np.array([k in URBAN_SHARE_BY_SUFFIX for k in kinds])
    urban = np.array([URBAN_SHARE_BY_SUFFIX.get(k, 0.0) for k in kinds])
    # Solve the rural-kind share so the region as a whole is URBAN_SHARE_2020.
    rest = (URBAN_SHARE_2020 - (share[fixed] * urban[fixed]).sum()) / share[~fixed].sum()
    urban[~fixed] = rest
    mongol = np.array(
        [
            ETHNICITY_SHARE["蒙古族"]
            * MONGOL_FACTOR_BY_SUFFIX.get(kind, 1.0)
            * MONGOL_FACTOR_BY_LEAGUE.get(league, 1.0)
            for kind, league in zip(kinds, league_codes, strict=True)
        ]
    )
    mongol *= ETHNICITY_SHARE["蒙古族"] / (share * mongol).sum()
    return {
        "code": np.array(codes),
        "league": np.array(league_codes),
        "share": share,
        "urban_share": urban,
        "mongol_share": np.minimum(mongol, 0.8),
    }


def persons_per_banner(persons: int) -> np.ndarray:
    """Split `persons` across the banners by their shares, exactly (largest remainder)."""
    share = banner_table()["share"]
    raw = share * persons
    counts = np.floor(raw).astype(np.int64)
    remainder = persons - counts.sum()
    counts[np.argsort(-(raw - counts), kind="stable")[:remainder]] += 1
    return counts


def counted_income_fen(members) -> np.ndarray:
    """Monthly income as the 低保 rules count it (RULES.md §1.3), per member: wages less employment
    cost, business, property, transfer and other income; pensions, awards and assistance excluded."""
    column = lambda name: members.column(name).to_numpy()  # noqa: E731
    return (
        column("wages_fen")
        - column("employment_cost_fen")
        + column("business_fen")
        + column("property_fen")
        + column("transfer_fen")
        + column("other_fen")
        - column("maintenance_paid_fen")
    )


def measure(households, members, as_of) -> dict[str, float]:
    """The calibration figures of a generated population, to compare with the targets above."""
    persons = members.num_rows
    region = members.column("hukou_region").to_numpy(zero_copy_only=False).astype(str)
    league = np.char.add(np.char.ljust(np.char.rstrip(region.astype("<U4"), ""), 4), "00")
    league_share = {code: float((league == code).mean()) for code in np.unique(league)}
    urban = members.column("hukou").to_numpy(zero_copy_only=False) == "urban"
    birth = members.column("birth_date").to_numpy().astype("datetime64[D]")
    age_days = (np.datetime64(as_of) - birth).astype(np.int64)
    years = np.floor(age_days / 365.2425)
    household = members.column("household_id").to_numpy()
    income = counted_income_fen(members)
    _, index, size = np.unique(household, return_inverse=True, return_counts=True)
    per_capita = np.bincount(index, weights=income) / size
    line = np.where(urban, DIBAO_LINE_2023["urban"], DIBAO_LINE_2023["rural"]) * 100
    below = per_capita[index] < line
    disposable = (
        income
        + members.column("basic_pension_fen").to_numpy()
        + members.column("preferential_fen").to_numpy()
        + members.column("employment_cost_fen").to_numpy()
    ) / 100
    return {
        "persons": persons,
        "households": households.num_rows,
        "mean_household_size": persons / households.num_rows,
        "urban_share": float(urban.mean()),
        "under_15": float((years < 15).mean()),
        "60_plus": float((years >= 60).mean()),
        "65_plus": float((years >= 65).mean()),
        "below_line_share": float(below.mean()),
        "income_urban": float(disposable[urban].mean()),
        "income_rural": float(disposable[~urban].mean()),
        "disabled_share": float(
            members.column("disability_grade").is_valid().to_numpy(zero_copy_only=False).mean()
        ),
        "serious_illness_share": float(
            members.column("serious_illness").to_numpy(zero_copy_only=False).mean()
        ),
        "mongol_share": float(
            (members.column("ethnicity").to_numpy(zero_copy_only=False) == "蒙古族").mean()
        ),
        "league_share": league_share,
    }
