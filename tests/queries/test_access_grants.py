"""Grants typed by name as well as by code, in Chinese or English, whole or shortened; the errors for a name
that fits none or several regions; ``python -m queries users regions`` and ``users add --grant 广西``."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest

from queries import access
from queries.__main__ import main
from queries.access import Grant, grant_labels, region_line, resolve_grant
from queries.store import Store
from tests.queries.test_access import CHEAP, accounts_store

# admin_unit_names rows as the seeded store holds them: full official names in Chinese, short ones in English.
UNITS = pd.DataFrame([
    ("450000", "province", "Guangxi", "广西壮族自治区", "450000", False),
    ("530000", "province", "Yunnan", "云南省", "530000", False),
    ("360000", "province", "Jiangxi", "江西省", "360000", False),
    ("440000", "province", "Guangdong", "广东省", "440000", False),
    ("451481", "county", "Pingxiang", "凭祥市", "450000", True),
    ("360321", "county", "Pingxiang", "萍乡县", "360000", False),  # same English name, inland: not grantable
    ("532822", "county", "Menghai", "勐海县", "530000", True),
    ("532823", "county", "Mengla", "勐腊县", "530000", True),
    ("532531", "county", "Lüchun", "绿春县", "530000", True),
    ("530103", "county", "Panlong", "盘龙区", "530000", False),
], columns=["code", "level", "name_en", "name_zh", "province_code", "is_border_zone"])


@pytest.mark.parametrize(("typed", "grant"), [
    ("广西", "province:450000"), ("Guangxi", "province:450000"), ("guangxi", "province:450000"),
    ("广西壮族自治区", "province:450000"), ("province:云南", "province:530000"), ("云南省", "province:530000"),
    ("zone:凭祥市", "zone:451481"), ("zone:凭祥", "zone:451481"), ("zone:Pingxiang", "zone:451481"),
    ("凭祥", "zone:451481"), ("zone：凭祥", "zone:451481"), ("Luchun", "zone:532531"), ("Lüchun", "zone:532531"),
    ("province:530000", "province:530000"), ("zone:451481", "zone:451481"), ("530000", "province:530000"),
    ("all", "all"),
])
def test_a_grant_is_typed_by_its_code_or_its_name_in_either_language(typed, grant):
    assert str(resolve_grant(typed, UNITS)) == grant


def test_a_name_that_fits_several_regions_lists_them_and_says_how_to_choose():
    with pytest.raises(ValueError) as several:
        resolve_grant("勐", UNITS)
    message = str(several.value)
    assert "zone:532822 勐海县 Menghai" in message and "zone:532823 勐腊县 Mengla" in message
    assert "write zone: before a border county's name" in message
    with pytest.raises(ValueError, match="Guangdong.*Guangxi.*write more of the name or the code"):
        resolve_grant("province:Guang", UNITS)


@pytest.mark.parametrize(("typed", "message"), [
    ("Guangxl", r"no province or border zone is called 'Guangxl'; did you mean: province:450000 广西壮族自治区 Guangxi"),
    ("凭详", r"no province or border zone is called '凭详'; did you mean: zone:451481 凭祥市 Pingxiang \(in Guangxi\)"),
    ("zone:Guangxi", r"'Guangxi' is not a border zone but province:450000 .*: write province:450000"),
    ("zone:盘龙区", r"'盘龙区' is a county \(530103\) but not a border zone"),
    ("county:530103", r"a grant is 'all', a province or a border zone"),
])
def test_an_unknown_name_is_refused_with_the_close_ones_and_where_to_look(typed, message):
    with pytest.raises(ValueError, match=message) as refused:
        resolve_grant(typed, UNITS)
    assert "users regions" in str(refused.value) or "write province" in str(refused.value)


def test_grants_are_named_in_both_languages():
    grants = [Grant("province", "530000"), Grant("zone", "451481")]
    assert region_line(grants, UNITS, "en") == "Yunnan, Pingxiang"
    assert region_line(grants, UNITS, "zh") == "云南省、凭祥市"
    assert region_line([Grant("all")], UNITS, "zh") == "全部区域"
    assert region_line([], UNITS, "en") == "None granted"
    assert grant_labels(UNITS, "zh")["zone:451481"] == "边境县：凭祥市"
    assert grant_labels(UNITS, "en")["province:450000"] == "Province: Guangxi"


# -- the command line ------------------------------------------------------------------------------

def cli(monkeypatch, *argv: str, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(list(argv))


@pytest.fixture
def db(tmp_path, monkeypatch) -> str:
    monkeypatch.setattr(access.passwords, "HASHER", CHEAP)
    return str(accounts_store(tmp_path).path)


def test_users_regions_lists_what_can_be_granted_with_codes_and_both_names(db, monkeypatch, capsys):
    assert cli(monkeypatch, "users", "regions", "--db", db) == 0
    listed = capsys.readouterr().out
    assert listed.index("Provinces (province:CODE)") < listed.index("Border zones (zone:CODE, a border county)")
    assert re.search(r"^  province:450000 +广西  Guangxi$", listed, re.MULTILINE)
    assert re.search(r"^  zone:451481 +凭祥市  Pingxiang  Guangxi$", listed, re.MULTILINE)
    assert "450102" not in listed  # an inland county cannot be granted
    assert cli(monkeypatch, "users", "regions", "--db", db, "--lang", "zh") == 0
    listed = capsys.readouterr().out
    assert "边境县（zone:代码）" in listed and re.search(r"^  zone:533102 +瑞丽市  Ruili  云南$", listed, re.MULTILINE)


def test_users_are_added_granted_and_revoked_by_region_names(db, monkeypatch, capsys):
    assert cli(monkeypatch, "users", "add", "ana", "--db", db, "--role", "analyst", "--grant", "广西",
               "--password-stdin", stdin="correct horse battery\n") == 0
    assert cli(monkeypatch, "users", "grant", "ana", "zone:Ruili", "--db", db) == 0
    assert "sees province:450000 (Guangxi), zone:533102 (Ruili);" in capsys.readouterr().out.splitlines()[-1]
    assert cli(monkeypatch, "users", "revoke", "ana", "Guangxi", "--db", db) == 0
    assert [str(g) for g in access.get_user(Store(db), "ana").grants] == ["zone:533102"]
    capsys.readouterr()
    assert cli(monkeypatch, "users", "grant", "ana", "Ruil", "Xyzzy", "--db", db) == 2
    error = capsys.readouterr().err
    assert "no province or border zone is called 'Xyzzy'" in error and "users regions" in error

