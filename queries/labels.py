"""The display names of the codes Cordon stores and computes, in English and Simplified Chinese.

Mineral groups, channels, forms, agencies, case statuses, countries, hot-spot categories, the
filters' names (queries.filters.FILTERS)…: the dashboard and the situation brief both name them
through :func:`label`, so a code reads the same on the page and on paper. Controlled items are
named from :data:`queries.constants.ITEMS`.
"""

from __future__ import annotations

import pandas as pd

from queries.constants import ITEM_BY_CODE

CODE_LABELS: dict[str, tuple[str, str]] = {
    # Gi* emerging hot-spot categories (geodata.emerging.CATEGORIES)
    "new hot spot": ("New hot spot", "新增热点"),
    "consecutive hot spot": ("Consecutive hot spot", "连续热点"),
    "intensifying hot spot": ("Intensifying hot spot", "增强热点"),
    "persistent hot spot": ("Persistent hot spot", "持续热点"),
    "diminishing hot spot": ("Diminishing hot spot", "减弱热点"),
    "sporadic hot spot": ("Sporadic hot spot", "零星热点"),
    "oscillating hot spot": ("Oscillating hot spot", "振荡热点"),
    "historical hot spot": ("Historical hot spot", "历史热点"),
    "new cold spot": ("New cold spot", "新增冷点"),
    "consecutive cold spot": ("Consecutive cold spot", "连续冷点"),
    "intensifying cold spot": ("Intensifying cold spot", "增强冷点"),
    "persistent cold spot": ("Persistent cold spot", "持续冷点"),
    "diminishing cold spot": ("Diminishing cold spot", "减弱冷点"),
    "sporadic cold spot": ("Sporadic cold spot", "零星冷点"),
    "oscillating cold spot": ("Oscillating cold spot", "振荡冷点"),
    "historical cold spot": ("Historical cold spot", "历史冷点"),
    "no pattern detected": ("No pattern detected", "无明显模式"),
    # mineral groups
    "REE_heavy": ("Heavy rare earths", "重稀土"),
    "REE_light": ("Light rare earths", "轻稀土"),
    "Ga": ("Gallium", "镓"),
    "Ge": ("Germanium", "锗"),
    "Sb": ("Antimony", "锑"),
    "graphite": ("Graphite", "石墨"),
    "W": ("Tungsten", "钨"),
    "Te": ("Tellurium", "碲"),
    "Bi": ("Bismuth", "铋"),
    "Mo": ("Molybdenum", "钼"),
    "In": ("Indium", "铟"),
    "superhard": ("Superhard materials", "超硬材料"),
    # channels
    "land_port": ("Land port", "陆路口岸"),
    "unofficial_path": ("Unofficial border path", "边境便道"),
    "postal_express": ("Postal / express", "寄递渠道"),
    "sea_port": ("Sea port", "海港"),
    "air_cargo": ("Air cargo", "航空货运"),
    "processing_hub": ("Processing hub", "加工集散地"),
    # forms
    "ore": ("Ore", "矿石"),
    "concentrate": ("Concentrate", "精矿"),
    "compound": ("Compound", "化合物"),
    "oxide": ("Oxide", "氧化物"),
    "metal": ("Metal", "金属"),
    "alloy": ("Alloy", "合金"),
    "magnet": ("Magnet", "磁体"),
    "scrap": ("Scrap", "废料"),
    # agencies
    "customs": ("Customs", "海关"),
    "public_security": ("Public security", "公安"),
    "state_security": ("State security", "国家安全"),
    "postal": ("Postal authority", "邮政管理"),
    "border_defence": ("Border defence", "边防"),
    # case status
    "open": ("Open", "立案"),
    "under_investigation": ("Under investigation", "侦查中"),
    "referred_for_prosecution": ("Referred for prosecution", "移送起诉"),
    "closed": ("Closed", "结案"),
    # precision
    "exact": ("exact time", "精确时间"),
    "day": ("day", "日"),
    "week": ("week", "周"),
    "month": ("month", "月"),
    "point": ("point", "精确位置"),
    "town": ("town", "乡镇"),
    "county": ("county", "县"),
    "province": ("province", "省"),
    # checkpoint and hub kinds
    "land_port_class1": ("Class-I land port", "一类陆路口岸"),
    "land_port_class2": ("Class-II land port", "二类陆路口岸"),
    "border_inspection_station": ("Border inspection station", "边境检查站"),
    "airport": ("Airport", "机场"),
    "postal_hub": ("Postal / express inspection centre", "邮件快件监管中心"),
    "mine": ("Mine", "矿山"),
    "separation_plant": ("Separation plant", "分离厂"),
    "smelter_refinery": ("Smelter / refinery", "冶炼厂"),
    "magnet_alloy_maker": ("Magnet or alloy maker", "磁材/合金厂"),
    "trading_hub": ("Trading hub", "交易集散地"),
    # concealment and detection
    "false_declaration": ("False declaration", "伪报品名"),
    "hidden_in_cargo": ("Hidden in cargo", "夹藏于货物"),
    "mixed_with_legal_goods": ("Mixed with legal goods", "混装合法货物"),
    "body_carry": ("Carried on the body", "人身携带"),
    "vehicle_compartment": ("Vehicle compartment", "车辆暗格"),
    "split_parcels": ("Split into parcels", "拆分寄递"),
    "none": ("None", "无"),
    "x_ray": ("X-ray", "X光机检"),
    "document_check": ("Document check", "单证审核"),
    "intelligence_tip": ("Intelligence tip", "情报线索"),
    "canine": ("Detection dog", "缉毒犬"),
    "random_inspection": ("Random inspection", "随机查验"),
    "patrol": ("Patrol", "巡逻"),
    "parcel_screening": ("Parcel screening", "邮件过机"),
    # destinations
    "VNM": ("Viet Nam", "越南"),
    "LAO": ("Laos", "老挝"),
    "MMR": ("Myanmar", "缅甸"),
    "THA": ("Thailand", "泰国"),
    "HKG": ("Hong Kong", "香港"),
    "MAC": ("Macao", "澳门"),
    "MYS": ("Malaysia", "马来西亚"),
    "SGP": ("Singapore", "新加坡"),
    "KOR": ("Korea", "韩国"),
    "JPN": ("Japan", "日本"),
    "USA": ("United States", "美国"),
    "NLD": ("Netherlands", "荷兰"),
    "DEU": ("Germany", "德国"),
    "IND": ("India", "印度"),
    "CHN": ("China", "中国"),
    # the base map's other neighbours of China
    "AFG": ("Afghanistan", "阿富汗"),
    "BTN": ("Bhutan", "不丹"),
    "KAZ": ("Kazakhstan", "哈萨克斯坦"),
    "KGZ": ("Kyrgyzstan", "吉尔吉斯斯坦"),
    "MNG": ("Mongolia", "蒙古国"),
    "NPL": ("Nepal", "尼泊尔"),
    "PAK": ("Pakistan", "巴基斯坦"),
    "PRK": ("North Korea", "朝鲜"),
    "RUS": ("Russia", "俄罗斯"),
    "TJK": ("Tajikistan", "塔吉克斯坦"),
    # the filters (queries.filters.FILTERS: their title, filter_<name>), in the sidebar and the brief
    "filter_item_groups": ("Mineral groups", "矿种"),
    "filter_items": ("Items", "品目"),
    "filter_channels": ("Channels", "渠道"),
    "filter_zones": ("Border zones", "边境地区"),
    "filter_provinces": ("Provinces", "省份"),
    "filter_counties": ("Counties", "县区"),
    "filter_agencies": ("Agencies", "查获单位"),
    "filter_forms": ("Forms", "形态"),
    "filter_destinations": ("Destination countries", "目的国"),
    "filter_case_statuses": ("Case status", "案件状态"),
    "filter_min_kg": ("Minimum quantity", "最小数量"),
    "filter_text": ("Text search", "文本检索"),
}


def label(code: str | None, lang: str = "en") -> str:
    """The display name of a stored code (group, channel, form, agency, item…) in ``lang``; the code if unknown;
    "" for a missing one (None, or the NaN or NA that pandas reads a NULL as)."""
    if code is None or (not isinstance(code, str) and pd.isna(code)):
        return ""
    if code in CODE_LABELS:
        return CODE_LABELS[code][1 if lang == "zh" else 0]
    item = ITEM_BY_CODE.get(code)
    if item is not None:
        return item.name_zh if lang == "zh" else item.name_en
    return str(code)
