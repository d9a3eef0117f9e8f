"""Name pools for the synthetic region: Han names (surname + one or two characters) and Mongolian names.

Every possible full name sits once in one dictionary; a person's name is an integer index into it,
so 24 million names cost integer arithmetic, and Parquet stores them dictionary-encoded.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pyarrow as pa

# Han surnames, most common first (公安部 2020 姓氏报告 order, northern spellings); weights fall off
# like the real frequency table (王 and 李 ≈ 7 %).
HAN_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
    "余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
# Mongols who use a Han-style surname most often take one of these.
MONGOL_SURNAMES = "包白宝鲍韩吴何乌那金"

GIVEN_FIRST = {
    ("M", "old"): "建国志永海振德宝福玉文学长占春树明金守俊庆凤",
    ("M", "new"): "浩宇子俊博家一天思鹏嘉志晨明泽文皓梓睿佳",
    ("F", "old"): "秀桂玉凤淑丽春美翠金素慧月红晓雪海彩爱亚",
    ("F", "new"): "欣子雨梓诗佳思可一语嘉梦若婉晓心紫雅婷文",
}
GIVEN_SECOND = {
    ("M", "old"): "军强刚华平明林生山成祥才荣贵喜忠民发斌",
    ("M", "new"): "轩豪杰然涛阳睿辰鑫航泽浩宇博铭远逸凯",
    ("F", "old"): "英兰珍芳梅琴霞华艳荣娟香敏云花萍莲燕",
    ("F", "new"): "涵怡萱彤琪瑶欣雨妍菲悦琳婷颖洁晨蕊婧",
}
SINGLE_SHARE = 0.3  # one-character given names

MONGOL_GIVEN = {
    "M": [
        "巴特尔",
        "巴图",
        "苏和",
        "朝鲁",
        "额尔敦",
        "孟和",
        "宝音",
        "布和",
        "达来",
        "哈斯",
        "阿拉坦",
        "图门",
        "毕力格",
        "乌力吉",
        "那顺",
        "吉日嘎拉",
        "特木尔",
        "巴雅尔",
        "满都拉",
        "阿木古楞",
        "斯琴巴图",
        "呼和",
        "桑布",
        "敖其尔",
        "白音",
        "仁钦",
        "巴音",
        "宝力道",
        "额尔德木图",
        "朝格图",
        "乌恩",
        "胡日查",
        "达布希拉图",
        "吉雅",
        "孟克",
        "巴根那",
        "哈日巴拉",
        "德力格尔",
        "额日和木",
        "苏日图",
    ],
    "F": [
        "其其格",
        "乌日娜",
        "萨仁",
        "图雅",
        "斯琴",
        "娜仁",
        "塔娜",
        "其木格",
        "乌兰",
        "格日勒",
        "高娃",
        "萨日娜",
        "敖登",
        "托娅",
        "苏日娜",
        "娜日苏",
        "乌云",
        "哈斯高娃",
        "琪琪格",
        "阿拉腾其其格",
        "额尔登其其格",
        "萨仁高娃",
        "乌云其木格",
        "娜仁花",
        "斯琴高娃",
        "乌日汗",
        "包勒尔",
        "吉木斯",
        "明干",
        "阿如娜",
        "图门其其格",
        "其日麦拉",
        "苏布达",
        "希日莫",
        "乌仁",
        "嘎日迪",
        "萨其拉",
        "伊茹乐",
        "诺敏",
        "赛罕",
    ],
}


@cache
def _given_names() -> tuple[list[str], dict[tuple[str, str], tuple[int, int]]]:
    """All Han given names, grouped by (sex, era): each group is a range [start, stop)."""
    names: list[str] = []
    ranges: dict[tuple[str, str], tuple[int, int]] = {}
    for key, firsts in GIVEN_FIRST.items():
        start = len(names)
        names.extend(GIVEN_SECOND[key])  # the one-character names come first in each group
        names.extend(a + b for a in firsts for b in GIVEN_SECOND[key])
        ranges[key] = (start, len(names))
    return names, ranges


@cache
def dictionary() -> pa.Array:
    """Every full name: Han surname × Han given, Mongol surname × (Han given + Mongol given),
    then the Mongolian names without a surname."""
    given, _ = _given_names()
    mongol = MONGOL_GIVEN["M"] + MONGOL_GIVEN["F"]
    names = [s + g for s in HAN_SURNAMES for g in given]
    names += [s + g for s in MONGOL_SURNAMES for g in given + mongol]
    names += mongol
    return pa.array(names, pa.string())


@cache
def _surname_weights() -> np.ndarray:
    rank = np.arange(1, len(HAN_SURNAMES) + 1)
    weights = 1.0 / rank**0.9
    return weights / weights.sum()


def choose(
    rng: np.random.Generator,
    sex_male: np.ndarray,
    born_before_1980: np.ndarray,
    mongol: np.ndarray,
    family_surname: np.ndarray,
    takes_family_surname: np.ndarray,
) -> np.ndarray:
    """The index of each person's full name in `dictionary()` (int32).

    `family_surname` is a surname index per person, equal within a household (see `surnames`), so
    members who take the family name (head, children, the head's father) share it.
    """
    n = len(sex_male)
    given, ranges = _given_names()
    n_given = len(given)
    # One row per (sex, era) group: where it starts, how many first and second characters.
    keys = [("M", "old"), ("M", "new"), ("F", "old"), ("F", "new")]
    group_start = np.array([ranges[k][0] for k in keys])
    group_first = np.array([len(GIVEN_FIRST[k]) for k in keys])
    group_second = np.array([len(GIVEN_SECOND[k]) for k in keys])
    group = np.where(sex_male, 0, 2) + np.where(born_before_1980, 0, 1)
    u = rng.random((3, n), dtype=np.float32)
    first = (u[0] * group_first[group]).astype(np.int64)
    second = np.minimum((u[1] * group_second[group]).astype(np.int64), group_second[group] - 1)
    first = np.minimum(first, group_first[group] - 1)
    start = group_start[group]
    given_index = np.where(
        u[2] < SINGLE_SHARE,
        start + second,
        start + group_second[group] + first * group_second[group] + second,
    )
    surname = family_surname.astype(np.int64)
    own = np.flatnonzero(~takes_family_surname)
    surname[own] = surnames(rng, len(own))
    names = (surname * n_given + given_index).astype(np.int32)
    # Mongols: 45 % a Mongolian name alone, 35 % Mongol surname + Mongolian name, 20 % + Han name.
    m = np.flatnonzero(mongol)
    mongol_base = len(HAN_SURNAMES) * n_given
    n_male, n_female = len(MONGOL_GIVEN["M"]), len(MONGOL_GIVEN["F"])
    block = n_given + n_male + n_female
    style, pick = rng.random((2, len(m)), dtype=np.float32)
    male = sex_male[m]
    mongol_given = np.where(male, 0, n_male) + np.minimum(
        (pick * np.where(male, n_male, n_female)).astype(np.int64), np.where(male, n_male, n_female) - 1
    )
    mongol_surname = surname[m] % len(MONGOL_SURNAMES)
    alone = mongol_base + len(MONGOL_SURNAMES) * block + mongol_given
    with_mongol_given = mongol_base + mongol_surname * block + n_given + mongol_given
    with_han_given = mongol_base + mongol_surname * block + given_index[m]
    names[m] = np.where(style < 0.45, alone, np.where(style < 0.80, with_mongol_given, with_han_given))
    return names


def surnames(rng: np.random.Generator, n: int) -> np.ndarray:
    """`n` Han surname indices drawn by frequency (a household's family name, or a spouse's own)."""
    cumulative = np.cumsum(_surname_weights())
    return np.minimum(np.searchsorted(cumulative, rng.random(n)), len(HAN_SURNAMES) - 1)
