"""English county names: generated pinyin with an English suffix, and every stored county has one."""

import re

import geopandas as gpd
import pytest

from geodata.build import COUNTY_EN, fill_county_names
from geodata.reference import load_layer
from geodata.romanise import romanised


@pytest.mark.parametrize("name_zh, name_en", [
    ("兴宁区", "Xingning District"), ("盘龙区", "Panlong District"), ("海城区", "Haicheng District"),
    ("隆安县", "Long'an County"), ("横州市", "Hengzhou City"), ("天峨县", "Tian'e County"),
    ("江城哈尼族彝族自治县", "Jiangcheng Autonomous County"), ("龙胜各族自治县", "Longsheng Autonomous County"),
    ("长洲区", "Changzhou District"), ("覃塘区", "Qintang District"), ("都安瑶族自治县", "Du'an Autonomous County"),
    ("乐业县", "Leye County"), ("澄江市", "Chengjiang City"), ("牟定县", "Mouding County"), ("个旧市", "Gejiu City"),
    ("绿春县", "Lüchun County"), ("达拉特旗", "Dalate Banner"),
])
def test_romanised_is_pinyin_with_the_suffix_in_english(name_zh, name_en):
    assert romanised(name_zh) == name_en


def test_an_autonomous_county_of_an_unknown_people_is_refused():
    with pytest.raises(ValueError, match="PEOPLES"):
        romanised("某某未知族自治县")


def test_every_county_has_an_english_name_in_latin_letters():
    counties = load_layer("counties")
    assert counties["name_en"].notna().all() and (counties["name_en"].str.len() > 0).all()
    assert counties["name_en"].map(lambda n: re.fullmatch(r"[A-Za-zü' -]+", n) is not None).all()
    by_code = dict(zip(counties["code"], counties["name_en"]))
    assert {code: by_code[code] for code in COUNTY_EN} == COUNTY_EN  # the border counties keep their names
    assert by_code["450102"] == "Xingning District" and by_code["530103"] == "Panlong District"


def test_filling_the_stored_layer_is_deterministic(tmp_path):
    counties = load_layer("counties")
    counties.assign(name_en="").to_parquet(tmp_path / "counties.parquet", index=False, compression="zstd")
    assert fill_county_names(tmp_path) == len(counties)
    first = (tmp_path / "counties.parquet").read_bytes()
    assert fill_county_names(tmp_path) == 0 and (tmp_path / "counties.parquet").read_bytes() == first
    assert gpd.read_parquet(tmp_path / "counties.parquet")["name_en"].tolist() == counties["name_en"].tolist()
