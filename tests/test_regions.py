import pytest

from minsheng import regions


def test_full_table_of_inner_mongolia():
    assert len(regions.leagues()) == 12
    assert len(regions.banners()) == 103
    assert regions.get("150000").population_2020 == 24049155
    assert sum(league.population_2020 for league in regions.leagues()) == pytest.approx(24049155, rel=0.01)


def test_names_pinyin_and_parents():
    weng_niu_te = regions.get("150426")
    assert weng_niu_te.name_zh == "翁牛特旗"
    assert weng_niu_te.pinyin == "Weng Niu Te Qi"
    assert regions.parent("150426").code == "150400"
    assert regions.league_of("150426").name_en == "Chifeng"
    assert [r.code for r in regions.ancestors("150426")] == ["150426", "150400", "150000"]


def test_is_within():
    assert regions.is_within("150426", "150400")
    assert regions.is_within("150426", "150000")
    assert regions.is_within("150426", "150426")
    assert not regions.is_within("150426", "150100")
    assert not regions.is_within("150400", "150426")


def test_scope_prefix():
    assert regions.scope_prefix("150000") == "15"
    assert regions.scope_prefix("150400") == "1504"
    assert regions.scope_prefix("150426") == "150426"


def test_unknown_code_is_a_clear_error():
    with pytest.raises(regions.UnknownRegionError, match=r"未知的行政区划代码 '150499'.*unknown region code"):
        regions.get("150499")


def test_national_provinces_for_id_numbers():
    assert len(regions.provinces()) + 1 == 34  # Inner Mongolia is the region row
    assert regions.province_of_code("360426").name_zh == "江西省"
    assert regions.province_of_code("150426").code == "150000"
