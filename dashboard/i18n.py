"""Every label the app shows, in English and Simplified Chinese; ``t`` and ``label`` pick one.

Codes stored in the database (mineral groups, channels, forms, agencies…) are labelled by
``label``; sentences of the interface by ``t``. A test checks that both languages are complete.
"""

from __future__ import annotations

import pandas as pd

from queries.constants import ITEM_BY_CODE

LANGUAGES = {"en": "English", "zh": "中文"}

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
}

TEXT: dict[str, tuple[str, str]] = {
    "app_title": ("Cordon", "Cordon 稽查图"),
    "page_live": ("Live map", "实时地图"),
    "page_users": ("Users", "用户"),
    "page_audit": ("Audit", "审计"),
    "page_analysis": ("Analysis", "分析"),
    "page_records": ("Records", "记录"),
    "language": ("Language", "语言"),
    "filters": ("Filters", "筛选"),
    "choose": ("Any", "全部"),
    "period": ("Period", "时间范围"),
    "period_24h": ("24 h", "24小时"),
    "period_7d": ("7 days", "7天"),
    "period_30d": ("30 days", "30天"),
    "period_90d": ("90 days", "90天"),
    "period_1y": ("Year", "一年"),
    "period_all": ("All", "全部"),
    "period_custom": ("Custom", "自定义"),
    "time_slider": ("Dates shown", "显示日期"),
    "play": ("Play through the period", "逐段播放"),
    "play_help": (
        (
            "Steps the live map through the whole record in a window as wide as the dates shown, a "
            "quarter of the window every 1.5 s."
        ),
        "实时地图以所示日期宽度为窗口，从最早记录起每1.5秒前进四分之一个窗口。",
    ),
    "playing": ("Playing: {start} → {end}", "播放中：{start} → {end}"),
    "mineral_group": ("Mineral group", "矿种"),
    "item": ("Item", "品目"),
    "channel": ("Channel", "渠道"),
    "zone": ("Border zone", "边境地区"),
    "any_border_zone": ("Any border zone", "所有边境县"),
    "province": ("Province", "省份"),
    "county": ("County", "县区"),
    "agency": ("Agency", "查获单位"),
    "form": ("Form", "形态"),
    "min_kg": ("Minimum quantity (kg)", "最小数量（千克）"),
    "search": ("Search declared-as, concealment, source", "搜索申报品名、藏匿方式、来源"),
    "reset": ("Reset filters", "重置筛选"),
    "bad_param": ("Ignored URL parameter {name}={value}: {reason}", "已忽略网址参数 {name}={value}：{reason}"),
    "synthetic_warning": (
        (
            "Demonstration data: {synthetic:,} of {total:,} seizures shown are synthetic records "
            "generated by Cordon, not real cases."
        ),
        "演示数据：所示 {total:,} 起查获中有 {synthetic:,} 起为 Cordon 生成的合成记录，并非真实案件。",
    ),
    "live_title": ("Border zones — seizures of controlled minerals", "边境地区 — 管制矿产查获态势"),
    "data_to": ("Data to {last} (Beijing time) · {shown}", "数据截至 {last}（北京时间）· {shown}"),
    "kpi_seizures": ("Seizures", "查获起数"),
    "kpi_kg": ("Quantity (kg)", "数量（千克）"),
    "kpi_value": ("Value (CNY m)", "货值（百万元）"),
    "kpi_crossings": ("Crossings with seizures", "有查获的口岸"),
    "vs_previous": ("vs previous {days} days", "较前{days}天"),
    "layers": ("Map layers", "图层"),
    "layer_points": ("Seizure points", "查获点"),
    "density": ("Density", "密度"),
    "density_heatmap": ("Heatmap", "热力图"),
    "density_hexagons": ("Hexagons", "六边形"),
    "density_none": ("Off", "关闭"),
    "layer_arcs": ("Cross-border flows", "跨境流向"),
    "layer_places": ("Checkpoints and hubs", "口岸与加工点"),
    "layer_zones": ("Border zones and boundary", "边境县与国界"),
    "hex_size": ("Hexagon size", "六边形大小"),
    "weight": ("Weight by", "权重"),
    "weight_count": ("Count", "起数"),
    "weight_kg": ("Kilograms", "千克"),
    "weight_value": ("Value", "货值"),
    "refresh": ("Live refresh", "自动刷新"),
    "refresh_off": ("Off", "关闭"),
    "new_records": ("{count} new seizure(s) since {time}", "自 {time} 起新增 {count} 起查获"),
    "sampled": (
        (
            "Points layer: {shown:,} of {total:,} seizures (a fixed sample; at most {limit:,} are sent to "
            "the browser). Hexagons and heatmap count them all."
        ),
        "查获点图层：显示 {total:,} 起中的 {shown:,} 起（固定抽样，最多发送 {limit:,} 起），六边形与热力图统计全部记录。",
    ),
    "hex_cut": (
        "Hexagons: the {shown:,} busiest of {total:,} cells are drawn.",
        "六边形：绘制 {total:,} 个中最密集的 {shown:,} 个。",
    ),
    "coarse_left_out": (
        "{count:,} seizures known only to the county or province are not in the hexagons or heatmap.",
        "{count:,} 起仅知县或省级位置的查获未计入六边形和热力图。",
    ),
    "legend_minerals": ("Seizures by mineral", "按矿种的查获"),
    "legend_size": ("size: quantity", "大小：数量"),
    "legend_places": ("Places", "地点"),
    "legend_boundary": ("International land boundary", "陆地国界"),
    "legend_zone": ("Border zone (county on the boundary)", "边境县（与国界相邻）"),
    "legend_checkpoint": ("Checkpoint (port, postal hub)", "口岸、邮件监管中心"),
    "legend_hub": ("Processing hub", "加工集散地"),
    "legend_density": ("Density of seizures ({weight}), low → high", "查获密度（{weight}），低 → 高"),
    "legend_new": ("New since the last refresh", "上次刷新后新增"),
    "legend_arcs": ("Flow to destination country", "流向目的国"),
    "busiest": ("Busiest crossings", "查获最多的口岸"),
    "checkpoint": ("Checkpoint", "口岸"),
    "kind": ("Kind", "类型"),
    "seizures": ("Seizures", "起数"),
    "previous": ("Previous period", "上期"),
    "change": ("Change", "变化"),
    "kg": ("kg", "千克"),
    "value_cny": ("Value (CNY)", "货值（元）"),
    "by_zone": ("By border zone", "按边境县"),
    "drill_title": ("Records behind {what}", "{what} 的查获记录"),
    "drill_hint": (
        "Click a hexagon, point, checkpoint or hub on the map to see the records behind it.",
        "点击地图上的六边形、查获点、口岸或加工点，查看其背后的记录。",
    ),
    "drill_clear": ("Clear selection", "清除选择"),
    "cell": ("hexagon {key}", "六边形 {key}"),
    "seizure": ("seizure {key}", "查获 {key}"),
    "mineral_mix": ("Mineral mix", "矿种构成"),
    "time_series": ("Over time", "时间趋势"),
    "by_group": ("Seizures by mineral group", "按矿种的查获起数"),
    "by_channel": ("Seizures by channel", "按渠道的查获起数"),
    "control_dates": ("Dashed lines: export controls taking effect", "虚线：出口管制生效日期"),
    "records_title": ("Seizure records", "查获记录"),
    "records_count": (
        "{total:,} records match; showing {first:,}–{last:,}",
        "共 {total:,} 条记录，显示第 {first:,}–{last:,} 条",
    ),
    "page_number": ("Page", "页"),
    "record_detail": ("Select a row to see the whole record.", "选择一行查看完整记录。"),
    "analysis_title": ("Trends and comparisons", "趋势与对比"),
    "clusters_hint": (
        (
            "Clusters are groups of seizures close to each other, in kilometres on the ground (and in days, for "
            "space-time clusters). Only records located to the point or town count. Change the parameters and run."
        ),
        "聚集区是地面距离（时空聚集另加天数）上彼此相近的查获。仅计入精确到点或乡镇的记录。修改参数后运行。",
    ),
    "cluster_method": ("Method", "方法"),
    "method_dbscan": ("DBSCAN (fixed distance)", "DBSCAN（固定距离）"),
    "method_hdbscan": ("HDBSCAN (varying density)", "HDBSCAN（可变密度）"),
    "eps_km": ("Distance (km)", "距离（千米）"),
    "eps_help": (
        "DBSCAN: two seizures are neighbours when they are at most this many kilometres apart.",
        "DBSCAN：两起查获相距不超过此千米数即为相邻。",
    ),
    "min_count": ("Minimum seizures", "最少查获数"),
    "min_count_help": (
        (
            "DBSCAN: a seizure starts a cluster when this many seizures (itself included) are its neighbours; "
            "HDBSCAN: the smallest cluster."
        ),
        "DBSCAN：某起查获的相邻查获（含自身）达到此数时形成聚集区；HDBSCAN：最小聚集区规模。",
    ),
    "window_days": ("Time window (days, 0: none)", "时间窗口（天，0为不限）"),
    "window_help": (
        "DBSCAN: neighbours must also be at most this many days apart (space-time clusters).",
        "DBSCAN：相邻查获的时间间隔也不得超过此天数（时空聚集）。",
    ),
    "run": ("Run", "运行"),
    "clustering": ("Clustering…", "正在计算聚集区…"),
    "clusters_summary": (
        (
            "{clusters:,} clusters in {analysed:,} seizures; {left_out:,} known only to the county or province were "
            "left out. Parameters: {params}."
        ),
        "{analysed:,} 起查获中有 {clusters:,} 个聚集区；{left_out:,} 起仅知县或省级位置，未计入。参数：{params}。",
    ),
    "analysis_method": ("Hot-spot analysis", "热点分析"),
    "analysis_clusters": ("Clusters", "聚集区"),
    "analysis_hotspots": ("Gi* hot spots", "Gi* 热点"),
    "analysis_emerging": ("Emerging hot spots", "新兴热点"),
    "hotspots_hint": (
        (
            "Getis-Ord Gi* asks of every hexagon whether it and its neighbours hold more (hot) or fewer (cold) "
            "seizures than chance would put there, given the whole area. Only records located to the point or "
            "town count."
        ),
        "Getis-Ord Gi* 检验每个六边形及其邻域的查获是否显著多于（热点）或少于（冷点）随机分布的预期。仅计入精确到点或乡镇的记录。",
    ),
    "rings": ("Neighbourhood (rings of hexagons)", "邻域（六边形圈数）"),
    "rings_help": (
        "1: a hexagon and the 6 touching it; 2: and the 12 around those. Wider rings find broader hot spots.",
        "1：六边形及相邻的6个；2：再加外圈12个。圈数越大，发现的热点范围越广。",
    ),
    "permutations": ("Permutations (0: normal approximation)", "置换次数（0为正态近似）"),
    "permutations_help": (
        (
            "0 takes p-values from the normal distribution (fast). 999 draws the neighbourhoods at random 999 times "
            "and makes no assumption about the distribution; it takes longer."
        ),
        "0：用正态分布计算p值（快）。999：随机抽取邻域999次，不假设分布形态，耗时较长。",
    ),
    "fdr": ("Correct for testing every hexagon (FDR)", "多重检验校正（FDR）"),
    "fdr_help": (
        (
            "With thousands of hexagons, some pass at 90 % by chance alone. The false-discovery-rate correction "
            "keeps the share of such false alarms among the hot spots found near 10 %, 5 % or 1 %."
        ),
        "六边形数以千计时，有些会偶然通过90%检验。错误发现率校正使所发现热点中的误报比例保持在10%、5%或1%左右。",
    ),
    "bins_help": (
        (
            "Confidence: a 99 % hot spot has at most a 1 % chance of being a random heap of seizures; 95 % and 90 % "
            "are less sure. Grey hexagons hold seizures but are not significant."
        ),
        "置信度：99%热点为随机聚集的可能性不超过1%；95%和90%把握较低。灰色六边形有查获但不显著。",
    ),
    "bin_3": ("Hot spot, 99 % confidence", "热点，99%置信度"),
    "bin_2": ("Hot spot, 95 % confidence", "热点，95%置信度"),
    "bin_1": ("Hot spot, 90 % confidence", "热点，90%置信度"),
    "bin_0": ("Not significant", "不显著"),
    "bin_-1": ("Cold spot, 90 % confidence", "冷点，90%置信度"),
    "bin_-2": ("Cold spot, 95 % confidence", "冷点，95%置信度"),
    "bin_-3": ("Cold spot, 99 % confidence", "冷点，99%置信度"),
    "computing": ("Computing…", "正在计算…"),
    "hotspots_summary": (
        (
            "{hot:,} hot and {cold:,} cold hexagons of {cells:,}, from {analysed:,} seizures; {left_out:,} known "
            "only to the county or province were left out. Parameters: {params}."
        ),
        "{cells:,} 个六边形中有 {hot:,} 个热点、{cold:,} 个冷点，基于 {analysed:,} 起查获；{left_out:,} 起仅知县或省级位置，未计入。参数：{params}。",
    ),
    "emerging_hint": (
        (
            "Gi* is computed for every week or month, and each hexagon is classified by how its hot or cold spots "
            "run over time (ArcGIS's Emerging Hot Spot Analysis): new, consecutive, intensifying, persistent, "
            "diminishing, sporadic, oscillating, historical. The trend is a Mann-Kendall test."
        ),
        "按周或月计算 Gi*，再按各六边形热点/冷点随时间的变化分类（同 ArcGIS 新兴热点分析）：新增、连续、增强、持续、减弱、零星、振荡、历史。趋势采用 Mann-Kendall 检验。",
    ),
    "step": ("Time step", "时间步长"),
    "step_week": ("Week", "周"),
    "step_month": ("Month", "月"),
    "alpha": ("Significance level", "显著性水平"),
    "alpha_help": (
        "A hexagon is a hot or cold spot at a step, and a trend counts, when its p-value is at most this.",
        "某时间步的p值不超过此值时，六边形记为热点或冷点，趋势亦按此判断。",
    ),
    "emerging_summary": (
        (
            "{patterns:,} of {cells:,} hexagons show a pattern over {steps:,} steps ({first} to {last}), from "
            "{analysed:,} seizures; {left_out:,} known only to the county or province were left out. "
            "Parameters: {params}."
        ),
        "{cells:,} 个六边形中有 {patterns:,} 个呈现模式，共 {steps:,} 个时间步（{first} 至 {last}），基于 {analysed:,} 起查获；{left_out:,} 起仅知县或省级位置，未计入。参数：{params}。",
    ),
    "analysis_failed": ("This analysis cannot run on this view: {reason}", "无法对当前筛选运行此分析：{reason}"),
    "gap_km": ("Coverage gaps: only those at least this far from any checkpoint (km)", "覆盖空白：仅显示距任何口岸至少此距离者（千米）"),
    "gap_help": (
        (
            "For planners: 0 shows every significant result; 20 shows only those 20 km or more from the nearest "
            "checkpoint, which no post is placed to intercept."
        ),
        "供规划使用：0显示全部显著结果；20仅显示距最近口岸20千米以上、无检查点可拦截的区域。",
    ),
    "gaps_summary": (
        "{gaps:,} of {total:,} are at least {km:g} km from any checkpoint.",
        "{total:,} 个中有 {gaps:,} 个距任何口岸至少 {km:g} 千米。",
    ),
    "z_score": ("Gi* z", "Gi* z值"),
    "q_value": ("p (corrected)", "p值（校正后）"),
    "confidence": ("Confidence", "置信度"),
    "category": ("Category", "类别"),
    "hot_steps": ("Hot steps", "热点步数"),
    "trend_z": ("Trend z", "趋势 z值"),
    "hexagon_id": ("Hexagon", "六边形"),
    "legend_hotspots": ("Gi* hot and cold spots", "Gi* 热点与冷点"),
    "legend_emerging": ("Emerging hot spots", "新兴热点"),
    "legend_cluster": ("Cluster: outline of its seizures with a margin; marker size grows with its seizures", "聚集区：其查获范围（含缓冲）；标记大小随查获数增大"),
    "legend_alert": ("Just became a new or intensifying hot spot", "刚成为新增或增强热点"),
    "alerts": (
        "{count:,} hexagon(s) just became a new or intensifying hot spot (weekly Gi*, last {weeks} weeks):",
        "{count:,} 个六边形刚成为新增或增强热点（每周 Gi*，近 {weeks} 周）：",
    ),
    "alert_item": ("{category} near {checkpoint} ({km:,.0f} km), {seizures:,} seizures", "{category}，近{checkpoint}（{km:,.0f} 千米），{seizures:,} 起查获"),
    "export_title": ("Export", "导出"),
    "export_hint": (
        (
            "Take a layer of this view into a GIS, Google Earth or a report: the analysis shown above (with its "
            "coverage-gap distance), or the view's seizures, checkpoints, hubs or border zones. Every file carries "
            "its provenance (filters, method and parameters, data cut-off, record count, a hash of the input "
            "rows, Cordon's version), also as a JSON file beside it. EPSG:4326."
        ),
        "将当前视图的图层导出到GIS、Google Earth或报告：上方显示的分析结果（含覆盖空白距离），或当前筛选的查获、口岸、加工集散地、边境县。每个文件附带来源信息（筛选条件、方法与参数、数据截止时间、记录数、输入记录哈希、Cordon版本），并另附JSON文件。坐标系EPSG:4326。",
    ),
    "export_layer": ("Layer", "图层"),
    "export_layer_hotspots": ("Gi* hot spots (shown above)", "Gi* 热点（上方所示）"),
    "export_layer_emerging": ("Emerging hot spots (shown above)", "新兴热点（上方所示）"),
    "export_layer_clusters": ("Clusters (shown above)", "聚集区（上方所示）"),
    "export_layer_gaps": ("Coverage gaps (shown above)", "覆盖空白（上方所示）"),
    "export_layer_seizures": ("Seizures in view (points)", "当前筛选查获（点）"),
    "export_layer_checkpoints": ("Checkpoints", "口岸"),
    "export_layer_hubs": ("Processing hubs", "加工集散地"),
    "export_layer_zones": ("Border zones", "边境县"),
    "export_format": ("Format", "格式"),
    "format_geojson": ("GeoJSON", "GeoJSON"),
    "format_gpkg": ("GeoPackage", "GeoPackage"),
    "format_shp": ("Shapefile (zip)", "Shapefile（zip）"),
    "format_kml": ("KML (Google Earth)", "KML（Google Earth）"),
    "format_kmz": ("KMZ (Google Earth)", "KMZ（Google Earth）"),
    "format_parquet": ("GeoParquet", "GeoParquet"),
    "format_csv": ("CSV with WKT geometry", "CSV（WKT几何）"),
    "export_prepare": ("Prepare the file", "生成文件"),
    "preparing": ("Preparing…", "正在生成…"),
    "download": ("Download {name}", "下载 {name}"),
    "brief_title": ("Situation brief", "态势简报"),
    "brief_hint": (
        (
            "One page for commanders: the area's map with its Gi* hot spots and clusters, the figures for the "
            "period against the one before, the largest clusters, and the filters used."
        ),
        "供指挥员使用的一页简报：区域地图及 Gi* 热点与聚集区、本期与上期对比数据、最大的聚集区及所用筛选条件。",
    ),
    "brief_prepare": ("Prepare the brief", "生成简报"),
    "store_error": (
        "Cordon cannot open its database {path}. Check the path (CORDON_DB) and that the file is a Cordon database.",
        "Cordon 无法打开数据库 {path}。请检查路径（CORDON_DB）以及该文件是否为 Cordon 数据库。",
    ),
    "page_import": ("Import", "导入"),
    "import_title": ("Import records", "导入记录"),
    "import_hint": (
        (
            "Upload a CSV (UTF-8 or GBK), Excel, GeoJSON or Parquet file of seizures, checkpoints or hubs. Chinese "
            "and English headers are recognised; the preview shows how the columns map and which rows would be "
            "refused and why. Nothing is written until you press Import; an import lands whole or not at all, "
            "and importing the same file again adds nothing."
        ),
        "上传查获、口岸或加工点的CSV（UTF-8或GBK）、Excel、GeoJSON或Parquet文件。可识别中英文表头；预览显示列的对应关系以及哪些行将被拒绝及原因。点击导入前不写入任何数据；导入要么全部成功要么不生效，重复导入同一文件不会新增记录。",
    ),
    "import_kind": ("Records", "记录类型"),
    "import_kind_seizures": ("Seizures", "查获"),
    "import_kind_checkpoints": ("Checkpoints", "口岸"),
    "import_kind_hubs": ("Processing hubs", "加工集散地"),
    "import_crs": ("Coordinates", "坐标系"),
    "import_crs_help": (
        "WGS84 from GPS; GCJ-02 if copied from Amap or Tencent maps; BD-09 if copied from Baidu maps.",
        "GPS为WGS84；从高德或腾讯地图复制为GCJ-02；从百度地图复制为BD-09。",
    ),
    "crs_wgs84": ("WGS84 (GPS)", "WGS84（GPS）"),
    "crs_gcj02": ("GCJ-02 (Amap, Tencent)", "GCJ-02（高德、腾讯）"),
    "crs_bd09": ("BD-09 (Baidu)", "BD-09（百度）"),
    "import_mapping": ("Column mapping (optional)", "列映射（可选）"),
    "import_mapping_help": (
        "A TOML mapping as in queries/mappings/; without one, the default mapping reads common Chinese and English headers.",
        "格式同 queries/mappings/ 的 TOML 映射文件；不提供时使用默认映射，可识别常见中英文表头。",
    ),
    "import_file": ("File", "文件"),
    "import_unreadable": ("This file cannot be imported: {reason}", "无法导入此文件：{reason}"),
    "import_columns": ("Columns", "列对应"),
    "import_field": ("Field", "字段"),
    "import_header": ("Column in the file", "文件中的列"),
    "import_unmapped": ("Not used: {headers}", "未使用的列：{headers}"),
    "import_titles": ("Title rows above the header, not imported: {titles}", "表头上方的标题行（不导入）：{titles}"),
    "import_preview": ("First rows, as they came", "前几行（原样）"),
    "import_check": ("Check", "检查"),
    "import_check_summary": (
        "{ok:,} rows can be imported; {refused:,} would be refused:",
        "{ok:,} 行可导入；{refused:,} 行将被拒绝：",
    ),
    "import_line": ("Line", "行号"),
    "import_reason": ("Reason", "原因"),
    "import_rows": ("Rows", "行数"),
    "import_run": ("Import {rows:,} rows of {name}", "导入 {name} 的 {rows:,} 行"),
    "importing": ("Importing…", "正在导入…"),
    "import_failed": ("The import did not land; the store is as it was. {reason}", "导入未完成，数据库保持原状。{reason}"),
    "import_done": (
        "{name}: {new:,} new, {updated:,} updated, {unchanged:,} unchanged, {rejected:,} refused (import {import_id}).",
        "{name}：新增 {new:,}，更新 {updated:,}，未变 {unchanged:,}，拒绝 {rejected:,}（导入批次 {import_id}）。",
    ),
    "sign_in_title": ("Cordon — sign in", "Cordon — 登录"),
    "username": ("User name", "用户名"),
    "password": ("Password", "密码"),
    "sign_in": ("Sign in", "登录"),
    "sign_in_failed": (
        "Sign-in refused: the user name or password is wrong, or the account is locked or disabled. After 5 "
        "failures in a row an account is locked for 15 minutes.",
        "登录被拒绝：用户名或密码错误，或账户已锁定或停用。连续失败5次后账户锁定15分钟。",
    ),
    "session_expired": ("The session ended after a while without use; sign in again.", "会话因长时间未操作已结束，请重新登录。"),
    "denied": ("Your role ({role}) may not open this page.", "您的角色（{role}）无权打开此页面。"),
    "action_denied": ("Your role ({role}) may not do this.", "您的角色（{role}）无权执行此操作。"),
    "role_commander": ("Commander", "指挥员"),
    "role_analyst": ("Analyst", "分析员"),
    "role_planner": ("Planner", "规划员"),
    "role_admin": ("Administrator", "管理员"),
    "signed_in_as": ("Signed in as {name} ({role})", "当前用户：{name}（{role}）"),
    "sign_out": ("Sign out", "退出登录"),
    "users_title": ("Users", "用户"),
    "display_name": ("Display name", "显示名称"),
    "role": ("Role", "角色"),
    "regions": ("Regions granted", "授权区域"),
    "active": ("Active", "启用"),
    "locked": ("Locked", "锁定"),
    "last_sign_in": ("Last sign-in", "最近登录"),
    "add_user": ("Add a user", "添加用户"),
    "username_help": (
        "3 to 32 characters: lower-case letters, digits and . _ -, starting with a letter.",
        "3至32个字符：小写字母、数字及 . _ -，以字母开头。",
    ),
    "password_help": ("At least 12 characters, not containing the user name.", "至少12个字符，且不得包含用户名。"),
    "change_user": ("Change a user", "修改用户"),
    "new_password": ("New password (empty: unchanged)", "新密码（留空则不变）"),
    "save": ("Save", "保存"),
    "change_refused": ("Not changed: {reason}", "未修改：{reason}"),
    "grant_all": ("All regions", "全部区域"),
    "grant_province": ("Province: {name}", "省：{name}"),
    "grant_zone": ("Border zone: {name}", "边境县：{name}"),
    "audit_title": ("Audit trail", "审计记录"),
    "audit_hint": (
        "Sign-ins, failed sign-ins, imports, exports, briefs and account changes: who, when, what. The trail is "
        "append-only; nothing in Cordon changes or deletes a row.",
        "登录、登录失败、导入、导出、简报及账户变更：谁、何时、做了什么。记录只增不改，Cordon 中没有任何功能可修改或删除记录。",
    ),
    "audit_since": ("Since", "起始日期"),
    "audit_kind": ("Event", "事件"),
    "any": ("Any", "全部"),
    "audit_count": ("{rows:,} events; the newest {shown:,} shown.", "共 {rows:,} 条事件，显示最新 {shown:,} 条。"),
    "audit_download": ("Download as CSV", "下载CSV"),
    "no_clusters": ("No cluster with these parameters.", "在这些参数下没有聚集区。"),
    "cluster_label": ("Cluster {number}", "聚集区 {number}"),
    "main_items": ("Main items", "主要品目"),
    "distance_km": ("Nearest checkpoint, km", "距最近口岸（千米）"),
    "first_seen": ("First seen", "首次"),
    "last_seen": ("Last seen", "最近"),
    "no_records": ("No seizure matches these filters.", "没有符合筛选条件的查获记录。"),
    "when": ("When", "时间"),
    "quantity": ("Quantity", "数量"),
    "value": ("Value", "货值"),
    "site": ("Site", "地点"),
    "declared_as": ("Declared as", "申报品名"),
    "destination": ("Destination", "目的地"),
    "location_known_to": ("Location known to", "位置精度"),
    "record": ("Record", "记录"),
    "synthetic_record": ("SYNTHETIC (demo)", "合成（演示）"),
    "across_border": ("Across the border", "对方口岸"),
    "handles": ("Handles", "涉及矿种"),
    "country": ("Country", "国家"),
    "note": ("Note", "备注"),
    "in_view": ("Seizures in view", "当前筛选查获"),
    "border_zone_of": ("Border zone: {name}", "边境县：{name}"),
    "borders": ("Borders", "接壤"),
    "land_boundary": ("Land boundary", "陆地边界"),
    "boundary_with": ("Land boundary with {name}", "与{name}的陆地边界"),
    "length": ("Length", "长度"),
    "flow": ("{origin} → {destination}", "{origin} → {destination}"),
    "status": ("Status", "状态"),
    "largest_seizure": ("Largest seizure", "最大一宗"),
    "last_seizure": ("Last seizure", "最近查获"),
    "hex_res_4": ("Very large (≈ 1,800 km²)", "特大（约1800平方千米）"),
    "hex_res_5": ("Large (≈ 250 km²)", "大（约250平方千米）"),
    "hex_res_6": ("Medium (≈ 36 km²)", "中（约36平方千米）"),
    "hex_res_7": ("Small (≈ 5 km²)", "小（约5平方千米）"),
    "hex_res_8": ("Fine (≈ 0.7 km²)", "细（约0.7平方千米）"),
}


def t(key: str, lang: str = "en", /, **values) -> str:
    """The interface text ``key`` in ``lang``, with ``values`` formatted in."""
    text = TEXT[key][1 if lang == "zh" else 0]
    return text.format(**values) if values else text


def label(code: str | None, lang: str = "en") -> str:
    """The display name of a stored code (group, channel, form, agency, item…) in ``lang``; the code if unknown."""
    if code is None:
        return ""
    if code in CODE_LABELS:
        return CODE_LABELS[code][1 if lang == "zh" else 0]
    item = ITEM_BY_CODE.get(code)
    if item is not None:
        return item.name_zh if lang == "zh" else item.name_en
    return str(code)


def name(record, lang: str, en: str = "name_en", zh: str = "name_zh") -> str:
    """A place's name in ``lang`` from a record with English and Chinese name fields, falling back to the other."""
    first, second = (zh, en) if lang == "zh" else (en, zh)

    def field(key: str):
        value = record.get(key) if isinstance(record, dict) else getattr(record, key, None)
        return None if value is None or pd.isna(value) else str(value)

    return field(first) or field(second) or ""
