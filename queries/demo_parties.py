"""Synthetic parties and cases for the demo seizures (issue 21, item 9), with planted structure for the analyses
of who is behind the seizures to find (docs/parties.md, "Demo data").

The records are drawn as posts would write them: consignors, consignees, carriers, drivers, plates, waybills
and phone numbers by channel, cases grouping a post's seizures of a month with a summary, and written through
the import's write path (:func:`queries.parties.write_parties`), marked synthetic. They are plausible and
obviously not real where a real person or company could be hurt: names are anonymised as Chinese case reports
write them (韦某林, 那坡县某鑫矿业有限公司), plates carry the letter I that no Chinese plate uses, phone numbers
begin 100 as no Chinese mobile number does, unified social credit codes have the division code 000000.

Planted:

* ``RING``: companies sharing consignees, vehicles, drivers and phones over the Napo corridor's seizures
  (那坡, county 451026) and the Shenzhen postal hub's, over several cases;
* ``LISTED_VARIANT``: a consignee written as a legal-form variant of a control-list entry's name
  (MOFCOM-2025-01-08, Intelligent Epitaxy Technology), on seizures while the entry is in force;
* ``DOUBLE_SPELLING``: one company under two spellings (有限公司, 有限责任公司) at two posts.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
from stdnum.cn import uscc as uscc_number

from queries.demo import DemoGeography
from queries.ingest.fields import PARTY_FIELDS, USCC_OF
from queries.labels import label
from queries.parties import write_parties
from queries.store import query_over

NAMED = {**PARTY_FIELDS, "driver": ("driver", "person")}
FIELDS = tuple(NAMED)

# Share of a channel's seizures whose record names parties, and the fields such a record may fill.
FIELDS_BY_CHANNEL = {
    "land_port": (0.8, ("consignor", "consignee", "carrier", "vehicle_plate", "driver", "waybill")),
    "unofficial_path": (0.35, ("driver", "vehicle_plate", "phone", "consignee")),
    "postal_express": (0.7, ("consignor", "consignee", "waybill", "phone")),
    "air_cargo": (0.7, ("consignor", "consignee", "carrier", "waybill")),
    "sea_port": (0.8, ("consignor", "consignee", "carrier", "waybill")),
    "processing_hub": (0.5, ("consignor", "driver", "vehicle_plate", "phone")),
}
FIELD_GIVEN = 0.85  # a record fills each of its fields with this chance: posts leave some out
PARTIES_PER_POOL = (5, 400)  # a pool holds one party per about PARTY_REUSE mentions, within these bounds
PARTY_REUSE = 6
WAYBILLS_MAX = 4_000  # waybills are one per seizure: bounded apart
CASE_SHARE = 0.6  # of the records naming parties, those of a case
CASE_SIZE = 3  # a post's seizures of one month, in cases of up to this many
ENGLISH_SUMMARY = 0.1  # share of cases summarised in English, as demo.ENGLISH_WORDS of the words

REGIONS = {"45": "guangxi", "53": "yunnan", "44": "guangdong"}  # by province code; any other is "inland"
CITIES = {
    "guangxi": ("南宁市", "凭祥市", "东兴市", "百色市", "崇左市", "防城港市", "靖西市"),
    "yunnan": ("昆明市", "河口县", "瑞丽市", "勐腊县", "临沧市", "文山市"),
    "guangdong": ("深圳市", "广州市", "东莞市"),
    "inland": ("赣州市", "包头市", "长沙市", "龙岩市"),
}
SURNAMES = {
    "guangxi": "韦黄农陆梁覃蒙李罗赵",
    "yunnan": "李杨刀岩张王段普",
    "guangdong": "陈林黄张吴郑",
    "inland": "王李张刘陈周",
}
GIVEN = "军强明勇平辉峰斌龙杰涛东海波成文坤生荣德"  # 林 and 华 are left for the ring's drivers
TRADE_NAME = "鑫源恒通宏达盛泰隆昌丰瑞祥兴金利华富永嘉"
INDUSTRIES = ("矿业", "贸易", "进出口贸易", "商贸", "金属材料", "稀土新材料", "有色金属")
CARRIER_TRADES = ("物流", "货运", "运输", "供应链管理")
LEGAL_FORMS = ("有限公司", "有限公司", "有限公司", "有限责任公司", "股份有限公司")
PLATE_LETTERS = {"guangxi": ("桂A", "桂F", "桂L", "桂P", "桂N"), "yunnan": ("云A", "云H", "云M", "云N", "云K"),
                 "guangdong": ("粤B", "粤A", "粤S"), "inland": ("赣B", "蒙B", "湘A")}
NEIGHBOURS_ZH = {"VNM": "越南", "LAO": "老挝", "MMR": "缅甸", "HKG": "香港"}
SYLLABLES = ("Kor", "Vel", "Tam", "Rin", "Dax", "Lum", "Sor", "Bren", "Quil", "Mar", "Tev", "Oss")
ENDINGS = ("ex", "on", "ia", "ar", "is")
SECTORS = ("Trading", "Materials", "Metals", "Industries", "Components")
LATIN_FORMS = ("Ltd.", "LLC", "Inc.", "GmbH", "Co., Ltd.", "B.V.", "Pte. Ltd.")
USCC_CHARACTERS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CASE_PREFIXES = {"customs": "关缉字", "public_security": "公立字", "state_security": "安立字", "postal": "邮管字",
                 "border_defence": "边立字"}

RING_NAPO_COMPANIES = ("那坡县某鑫矿业有限公司", "百色市某隆商贸有限公司", "靖西市某达进出口贸易有限公司")
RING_SHENZHEN_COMPANIES = ("深圳市某晟供应链管理有限公司", "深圳市某禾电子材料有限公司")
RING_CONSIGNEES = ("香港某盛贸易有限公司", "越南某安进出口有限公司")
RING_CARRIER = "百色市某通物流有限公司"
RING_VEHICLES = ("桂LI0417", "桂LI0293", "粤BI0561")  # background plates' digits are 1000 and above
RING_DRIVERS = ("韦某林", "农某华")
RING_PHONES = ("10004712093", "10004712550")  # background numbers' fourth digit is 1 or more
RING_ITEMS = ("dysprosium", "terbium", "gallium", "germanium")  # the corridor's (demo.ITEM_MIX["CORRIDOR"])
RING_PER_SIDE = 48  # ring seizures at most on each side
RING_CASE_SIZE = {"napo": 6, "shenzhen": 4}  # the ring's seizures of a side, in time order, to a case
NAPO_COUNTY = "451026"
SHENZHEN_HUB = "shenzhen_post"
RING_FROM = pd.Timestamp("2025-07-01")

LISTED_ENTRY = "MOFCOM-2025-01-08"  # control list, in force from 2025-01-02: "Intelligent Epitaxy Technology"
LISTED_VARIANT = "INTELLIGENT EPITAXY TECHNOLOGY CO., LTD."
LISTED_FROM = pd.Timestamp("2025-01-02")
LISTED_SEIZURES = 3

DOUBLE_SPELLING = ("广西某丰矿业有限公司", "广西某丰矿业有限责任公司")
DOUBLE_SEIZURES = 3  # at each of the two posts


def demo_party_records(seizures: pd.DataFrame, geo: DemoGeography, seed: int) -> pd.DataFrame:
    """The party and case columns of the ``seizures`` (demo.generate_seizures' frame) that name any, as an import
    would give them (source, source_id, occurred_at, agency, case_status, uscc, case_number, case_summary and
    the fields of :data:`NAMED`), reproducible for ``seed``."""
    rng = np.random.default_rng([seed, 21])
    frame = seizures.reset_index(drop=True)
    n = len(frame)
    values = {field: np.full(n, None, dtype=object) for field in (*FIELDS, "uscc")}
    channel = frame["channel"].to_numpy(dtype=object)
    region = frame["province_code"].fillna("").str[:2].map(REGIONS).fillna("inland").to_numpy(dtype=object)
    destination = frame["destination_iso3"].to_numpy(dtype=object)

    named = np.zeros(n, dtype=bool)
    fills = {field: np.zeros(n, dtype=bool) for field in FIELDS}
    for name, (share, fields) in FIELDS_BY_CHANNEL.items():
        rows = (channel == name) & (rng.random(n) < share)
        named |= rows
        for field in fields:
            fills[field] |= rows & (rng.random(n) < FIELD_GIVEN)
    fills["waybill"] &= rng.random(n) < WAYBILLS_MAX / max(int(fills["waybill"].sum()), 1)

    for group in np.unique(region):
        here = region == group
        _fill(rng, values["consignor"], fills["consignor"] & here, _companies(rng, group, INDUSTRIES),
              codes=values["uscc"])
        _fill(rng, values["carrier"], fills["carrier"] & here, _companies(rng, group, CARRIER_TRADES))
        _fill(rng, values["driver"], fills["driver"] & here, _people(rng, group))
        _fill(rng, values["vehicle_plate"], fills["vehicle_plate"] & here, _plates(rng, group))
    for country in pd.unique(destination):
        going = (destination == country) if country is not None else pd.isna(destination)
        _fill(rng, values["consignee"], fills["consignee"] & going, _consignees(rng, country))
    _fill(rng, values["phone"], fills["phone"], _phones(rng))
    waybills = np.flatnonzero(fills["waybill"])
    values["waybill"][waybills] = _waybills(rng, channel[waybills])

    cases = np.full(n, -1, dtype=np.int64)
    in_case = named & (rng.random(n) < CASE_SHARE)
    _group_cases(frame, in_case, cases, CASE_SIZE)
    planted = _plant(rng, frame, values, cases)
    named |= planted

    records = frame[["source", "source_id", "occurred_at", "agency", "case_status"]].assign(**values)
    records = records.assign(**_case_columns(rng, frame, cases, geo))
    return records[named].reset_index(drop=True)


def write_demo_parties(con, seizures: pd.DataFrame, geo: DemoGeography, seed: int, at: datetime) -> int:
    """Write the demo seizures' parties and cases (:func:`demo_party_records`) through the import's write path,
    marked synthetic, in the caller's transaction; the seizures must be stored. Returns the links written."""
    records = demo_party_records(seizures, geo, seed)
    if records.empty:
        return 0
    ids = query_over(con, "seizure_ids_by_key", records[["source", "source_id"]])
    return write_parties(con, records.merge(ids, on=["source", "source_id"]), NAMED, USCC_OF, None, at,
                         synthetic=True)


def _fill(rng: np.random.Generator, column: np.ndarray, rows: np.ndarray, pool: pd.DataFrame,
          codes: np.ndarray | None = None) -> None:
    """Give ``rows`` of ``column`` parties of ``pool`` (name, and uscc where ``codes`` takes them), the first
    ones more often: a few parties come back again and again, as repeat offenders do."""
    where = np.flatnonzero(rows)
    if not len(where):
        return
    size = int(np.clip(round(len(where) / PARTY_REUSE), *PARTIES_PER_POOL))
    pool = pool.head(size)
    picked = (len(pool) * rng.random(len(where)) ** 2).astype(np.int64)
    column[where] = pool["name"].to_numpy(dtype=object)[picked]
    if codes is not None:
        codes[where] = pool["uscc"].to_numpy(dtype=object)[picked]


def _two_characters(rng: np.random.Generator, size: int) -> list[str]:
    first, second = rng.integers(0, len(TRADE_NAME), (2, size))
    return [TRADE_NAME[a] + TRADE_NAME[(a + 1 + b % (len(TRADE_NAME) - 1)) % len(TRADE_NAME)]
            for a, b in zip(first, second, strict=True)]


def _companies(rng: np.random.Generator, region: str, trades: tuple[str, ...]) -> pd.DataFrame:
    """Companies of ``region`` (name; uscc for half of them, the division code 000000 marking it synthetic),
    their trade names "某" and two characters, which no planted company's has."""
    size = PARTIES_PER_POOL[1]
    cities = np.array(CITIES[region], dtype=object)[rng.integers(0, len(CITIES[region]), size)]
    trade = np.array(trades, dtype=object)[rng.integers(0, len(trades), size)]
    forms = np.array(LEGAL_FORMS, dtype=object)[rng.integers(0, len(LEGAL_FORMS), size)]
    names = [f"{c}某{t}{w}{f}" for c, t, w, f in zip(cities, _two_characters(rng, size), trade, forms, strict=True)]
    organisation = rng.integers(0, len(USCC_CHARACTERS), (size, 9))
    codes = ["91000000" + "".join(USCC_CHARACTERS[i] for i in row) for row in organisation]
    uscc = [code + uscc_number.calc_check_digit(code) if keep else None
            for code, keep in zip(codes, rng.random(size) < 0.5, strict=True)]
    return pd.DataFrame({"name": names, "uscc": uscc}).drop_duplicates("name", ignore_index=True)


def _people(rng: np.random.Generator, region: str) -> pd.DataFrame:
    """People's names anonymised as case reports write them: surname, 某, one character."""
    size = PARTIES_PER_POOL[1]
    surnames = np.array(list(SURNAMES[region]), dtype=object)[rng.integers(0, len(SURNAMES[region]), size)]
    given = np.array(list(GIVEN), dtype=object)[rng.integers(0, len(GIVEN), size)]
    return pd.DataFrame({"name": surnames + "某" + given}).drop_duplicates(ignore_index=True)


def _plates(rng: np.random.Generator, region: str) -> pd.DataFrame:
    """Plates of ``region`` with the letter I, which no Chinese plate uses (GA 36: I and O are not issued)."""
    size = PARTIES_PER_POOL[1]
    prefixes = np.array(PLATE_LETTERS[region], dtype=object)[rng.integers(0, len(PLATE_LETTERS[region]), size)]
    return pd.DataFrame({"name": [f"{p}I{d}" for p, d in zip(prefixes, rng.integers(1000, 10_000, size), strict=True)]}
                        ).drop_duplicates(ignore_index=True)


def _phones(rng: np.random.Generator) -> pd.DataFrame:
    """Eleven digits beginning 100, which no Chinese mobile number does."""
    digits = rng.integers(10_000_000, 100_000_000, PARTIES_PER_POOL[1])
    return pd.DataFrame({"name": [f"100{d}" for d in digits]}).drop_duplicates(ignore_index=True)


def _consignees(rng: np.random.Generator, country: str | None) -> pd.DataFrame:
    """Consignees as a post writes them: a company of a neighbour or Hong Kong in Chinese, a distant country's in
    Latin letters under an invented name; a domestic buyer where the record has no destination."""
    size = PARTIES_PER_POOL[1]
    if country is None:
        return _companies(rng, "inland", INDUSTRIES)
    if country in NEIGHBOURS_ZH:
        trade = np.array(("贸易", "进出口", "矿产", "商贸"), dtype=object)[rng.integers(0, 4, size)]
        names = [f"{NEIGHBOURS_ZH[country]}某{t}{w}有限公司" for t, w in zip(_two_characters(rng, size), trade, strict=True)]
    else:
        parts = [rng.integers(0, len(options), size) for options in (SYLLABLES, SYLLABLES, ENDINGS, SECTORS, LATIN_FORMS)]
        names = [f"{SYLLABLES[a]}{SYLLABLES[b].lower()}{ENDINGS[c]} {SECTORS[d]} {LATIN_FORMS[e]}"
                 for a, b, c, d, e in zip(*parts, strict=True)]
    return pd.DataFrame({"name": names}).drop_duplicates(ignore_index=True)


def _waybills(rng: np.random.Generator, channel: np.ndarray) -> np.ndarray:
    """A waybill number in the channel's usual shape: postal (UPU S10), air waybill, bill of lading, truck."""
    digits = rng.integers(10**9, 10**10, len(channel))
    shapes = {"postal_express": "EZ{}CN", "air_cargo": "999-{}", "sea_port": "BL{}"}
    return np.array([shapes.get(c, "YD{}").format(d) for c, d in zip(channel, digits, strict=True)], dtype=object)


def _group_cases(frame: pd.DataFrame, rows: np.ndarray, cases: np.ndarray, size: int) -> None:
    """Number ``rows`` into cases (new numbers after those in ``cases``): a post's seizures (its checkpoint or
    hub and agency) of one month, in time order, ``size`` at most to a case."""
    where = np.flatnonzero(rows)
    if not len(where):
        return
    picked = frame.iloc[where]
    post = picked["checkpoint_id"].fillna(picked["hub_id"]).fillna(picked["county_code"]).fillna("")
    month = picked["occurred_at"].dt.strftime("%Y-%m")
    keys = pd.DataFrame({"post": post.to_numpy(), "agency": picked["agency"].to_numpy(), "month": month.to_numpy(),
                         "at": picked["occurred_at"].to_numpy(), "row": where})
    keys = keys.sort_values(["post", "agency", "month", "at", "row"], kind="stable")
    chunk = keys.groupby(["post", "agency", "month"], sort=False).cumcount().to_numpy() // size
    case = pd.Series(list(zip(keys["post"], keys["agency"], keys["month"], chunk, strict=True))).factorize()[0]
    cases[keys["row"].to_numpy()] = cases.max() + 1 + case


def _plant(rng: np.random.Generator, frame: pd.DataFrame, values: dict[str, np.ndarray], cases: np.ndarray) -> np.ndarray:
    """Put the planted ring, listed-entity variant and double spelling on their seizures (see the module's
    docstring), replacing what the background gave them; the rows planted."""
    planted = np.zeros(len(frame), dtype=bool)
    at = frame["occurred_at"]
    ring_item = frame["item"].isin(RING_ITEMS) & (at >= RING_FROM)
    sides = {
        "napo": (frame["channel"] == "unofficial_path") & (frame["county_code"] == NAPO_COUNTY) & ring_item,
        "shenzhen": (frame["channel"] == "postal_express") & (frame["checkpoint_id"] == SHENZHEN_HUB) & ring_item,
    }
    for side, candidates in sides.items():
        rows = np.flatnonzero(candidates.to_numpy())
        if len(rows) > RING_PER_SIDE:
            rows = np.sort(rng.choice(rows, RING_PER_SIDE, replace=False))
        turn = np.arange(len(rows))
        companies = RING_NAPO_COMPANIES if side == "napo" else RING_SHENZHEN_COMPANIES
        for field in FIELDS:
            values[field][rows] = None
        values["uscc"][rows] = None
        values["consignor"][rows] = np.array(companies, dtype=object)[turn % len(companies)]
        values["consignee"][rows] = np.array(RING_CONSIGNEES, dtype=object)[turn % len(RING_CONSIGNEES)]
        values["vehicle_plate"][rows] = np.array(RING_VEHICLES, dtype=object)[turn % len(RING_VEHICLES)]
        values["phone"][rows] = np.array(RING_PHONES, dtype=object)[turn % len(RING_PHONES)]
        if side == "napo":
            values["driver"][rows] = np.array(RING_DRIVERS, dtype=object)[turn % len(RING_DRIVERS)]
            values["carrier"][rows] = RING_CARRIER
        else:
            values["waybill"][rows] = _waybills(rng, frame["channel"].to_numpy(dtype=object)[rows])
        in_time = rows[np.argsort(at.to_numpy()[rows], kind="stable")]
        cases[in_time] = cases.max() + 1 + np.arange(len(rows)) // RING_CASE_SIZE[side]
        planted[rows] = True

    postal = (frame["channel"] == "postal_express") & (frame["checkpoint_id"] == SHENZHEN_HUB) & ~planted
    listed = postal & (at >= LISTED_FROM) & frame["item"].isin(("gallium", "germanium"))
    rows = np.flatnonzero(listed.to_numpy())
    rows = rows[np.argsort(frame["destination_iso3"].to_numpy(dtype=object)[rows] != "USA", kind="stable")]
    values["consignee"][rows[:LISTED_SEIZURES]] = LISTED_VARIANT
    planted[rows[:LISTED_SEIZURES]] = True

    land = (frame["channel"] == "land_port") & ~planted
    posts = frame.loc[land, "checkpoint_id"].value_counts().sort_index(kind="stable").sort_values(
        ascending=False, kind="stable").index[:2]
    for post, spelling in zip(posts, DOUBLE_SPELLING, strict=False):
        rows = np.flatnonzero((land & (frame["checkpoint_id"] == post)).to_numpy())[:DOUBLE_SEIZURES]
        values["consignor"][rows] = spelling
        values["uscc"][rows] = None
        planted[rows] = True
    return planted


def _case_columns(rng: np.random.Generator, frame: pd.DataFrame, cases: np.ndarray,
                  geo: DemoGeography) -> dict[str, np.ndarray]:
    """case_number and case_summary of each row of a case: the number as its agency writes it, per agency and
    year (关缉字〔2026〕0042号), the summary in Chinese or, in a share ENGLISH_SUMMARY, in English."""
    number = np.full(len(frame), None, dtype=object)
    summary = np.full(len(frame), None, dtype=object)
    rows = np.flatnonzero(cases >= 0)
    if not len(rows):
        return {"case_number": number, "case_summary": summary}
    picked = frame.iloc[rows].assign(case=cases[rows])
    sites = pd.concat([geo.checkpoints.set_index("checkpoint_id")[["name_zh", "name_en"]],
                       geo.hubs.set_index("hub_id")[["name_zh", "name_en"]]])
    site = picked["checkpoint_id"].fillna(picked["hub_id"])
    picked = picked.assign(site_zh=site.map(sites["name_zh"].str.replace(r"\(.*\)", "", regex=True)).fillna(""),
                           site_en=site.map(sites["name_en"]).fillna(""))
    each = picked.sort_values(["occurred_at", "source_id"]).groupby("case", sort=True).agg(
        first=("occurred_at", "first"), agency=("agency", "first"), channel=("channel", "first"),
        item=("item", "first"), site_zh=("site_zh", "first"), site_en=("site_en", "first"),
        seizures=("source_id", "size"), kg=("quantity_kg", "sum"))
    each = each.sort_values(["first"], kind="stable")
    year = each["first"].dt.year
    ordinal = each.groupby([each["agency"], year]).cumcount() + 1
    each["number"] = [f"{site}{CASE_PREFIXES[agency]}〔{y}〕{k:04d}号" for site, agency, y, k
                      in zip(each["site_zh"], each["agency"], year, ordinal, strict=True)]
    english = rng.random(len(each)) < ENGLISH_SUMMARY
    each["summary"] = [_summary(case, in_english) for case, in_english
                       in zip(each.itertuples(), english, strict=True)]
    number[rows] = picked["case"].map(each["number"]).to_numpy()
    summary[rows] = picked["case"].map(each["summary"]).to_numpy()
    return {"case_number": number, "case_summary": summary}


def _summary(case, in_english: bool) -> str:
    """A case's summary as a post writes it."""
    trail = case.channel == "unofficial_path"
    if in_english:
        where = f" on a trail near {case.site_en}" if trail else f" at {case.site_en}" if case.site_en else ""
        return (f"{label(case.agency)}, {case.first:%B %Y}: {case.seizures} seizure(s) of {label(case.item).lower()}"
                f"{where}, {case.kg:,.1f} kg in all; parties under investigation. SYNTHETIC demo case.")
    where = f"在{case.site_zh}附近边境便道" if trail else f"在{case.site_zh}" if case.site_zh else ""
    return (f"{case.first:%Y年%m月}，{label(case.agency, 'zh')}{where}查获涉嫌走私{label(case.item, 'zh')}"
            f"{case.seizures}起，共计{case.kg:,.1f}千克，相关人员及企业正在进一步调查中。（合成演示案件）")

