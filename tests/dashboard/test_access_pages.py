"""Sign-in, roles and region scoping as the dashboard applies them (AppTest on the seeded database and
its test accounts: an admin, a planner who sees everything, a Guangxi analyst, a Yunnan commander)."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.i18n import t
from queries import views
from queries.access import read_audit
from queries.filters import Filters
from queries.store import Store
from queries.stores import open_store
from tests.conftest import BROWSER, PASSWORD, seeded_copy
from tests.dashboard.test_app import APP, seizures_metric, signed_in, table_with

PAGES = {"live": "Border zones — seizures of controlled minerals", "analysis": "Trends and comparisons",
         "records": "Seizure records", "network": "Who is behind the seizures", "typical": "Typical cases",
         "screening": "Screening: the review queue",
         "import": "Import records", "users": "Users", "audit": "Audit trail"}
ANALYSTS = {"live", "analysis", "records", "network", "typical", "screening"}
ALLOWED = {"gx-display": {"live"}, "yn-commander": {"live"}, "gx-analyst": ANALYSTS, "planner": ANALYSTS,
           "admin": set(PAGES)}


@pytest.fixture
def visit(seeded_db, monkeypatch):
    monkeypatch.setenv("CORDON_DB", str(seeded_db))

    def open_as(username: str | None, page: str = "live", **query) -> AppTest:
        test = AppTest.from_file(APP, default_timeout=120)
        test.query_params.update({"period": "all", "refresh": "0", **query})
        if username:
            signed_in(test, username)
        test.run()
        if page != "live":
            test.switch_page(f"screens/{_file(page)}").run()
        assert not test.exception
        return test

    return open_as


def _file(page: str) -> str:
    return {"live": "live_map.py", "analysis": "analysis.py", "records": "records.py", "network": "network.py",
            "typical": "typical_cases.py",
            "screening": "screening.py", "import": "import_records.py", "users": "users.py", "audit": "audit.py"}[page]


def test_nothing_is_shown_before_a_sign_in(visit):
    test = visit(None)
    assert test.title[0].value == "Cordon — sign in"
    assert not test.metric
    (sign_in_map,) = test.get("deck_gl_json_chart")  # geography only: it loads the map's code early
    deck_layers = json.loads(sign_in_map.proto.json)["layers"]
    assert [layer["id"] for layer in deck_layers] == ["areas", "lines", "names"]
    # the files that the live map fetches next, served as the repository's .streamlit/config.toml asks; the
    # names placed for the map's first view, in the deck
    assert all(layer["data"].startswith("/app/static/base/") for layer in deck_layers[:2])
    assert {"MYANMAR", "LAOS", "VIET NAM"} <= {row["text"] for row in deck_layers[2]["data"]}


def _path_of(block, element_type: str, path: tuple = ()) -> tuple | None:
    """The delta path (child indices from the main block) of the first ``element_type`` in ``block``."""
    for index, child in block.children.items():
        if child.type == element_type:
            return (*path, index)
        found = _path_of(child, element_type, (*path, index)) if hasattr(child, "children") else None
        if found:
            return found
    return None


def test_the_sign_in_map_stands_where_the_live_map_does(visit):
    # so that the browser keeps the map (its WebGL context, shaders and base map) through the sign-in
    before, after = visit(None), visit("planner")
    (sign_in_map,), (live_map,) = before.get("deck_gl_json_chart"), after.get("deck_gl_json_chart")
    assert _path_of(before.main, "deck_gl_json_chart") == _path_of(after.main, "deck_gl_json_chart") == (1, 1, 0, 0)
    assert sign_in_map.proto.id == live_map.proto.id
    assert sign_in_map.proto.selection_mode == live_map.proto.selection_mode


def test_the_language_chosen_before_the_sign_in_is_the_one_after_it(visit):
    test = visit(None)
    test.radio(key="sign_in_lang").set_value("zh").run()
    assert test.title[0].value == "Cordon — 登录" and test.query_params["lang"] == "zh"
    assert test.text_input(key="s_username").label == "用户名"
    test.text_input(key="s_username").set_value("planner")
    test.text_input(key="s_password").set_value(PASSWORD)
    test.button[0].click().run()
    BROWSER.follow(test)
    test.run()
    assert not test.exception and test.radio(key="w_lang").value == "zh"
    assert test.title[0].value == t("live_title", "zh")


def test_after_a_sign_out_the_sign_in_page_keeps_the_language_and_can_change_it(visit):
    test = visit("planner")
    test.radio(key="w_lang").set_value("zh").run()
    test.button(key="sign_out").click().run()
    assert BROWSER.follow(test) == "/cordon/sign-out"
    test.run()
    assert test.title[0].value == "Cordon — 登录" and test.radio(key="sign_in_lang").value == "zh"
    test.radio(key="sign_in_lang").set_value("en").run()
    assert test.title[0].value == "Cordon — sign in" and test.query_params["lang"] == "en"


def test_a_wrong_password_is_refused_and_a_right_one_signs_in(visit, seeded_db):
    test = visit(None)
    test.text_input(key="s_username").set_value("planner")
    test.text_input(key="s_password").set_value("not the password at all")
    test.button[0].click().run()
    assert test.error[0].value.startswith("Sign-in refused") and not test.metric
    test.text_input(key="s_password").set_value(PASSWORD)
    test.button[0].click().run()
    assert not test.exception and not test.metric  # the browser is sent to the session route first, ...
    (link,) = test.get("link_button")
    assert parse_qs(urlsplit(link.proto.url).query)["next"] == ["/?period=all&refresh=0"]  # ... then back here
    BROWSER.follow(test)
    test.run()
    assert not test.exception and test.title[0].value == PAGES["live"]
    kinds = read_audit(open_store(seeded_db), username="planner")["kind"].tolist()
    assert kinds[-2:] == ["sign_in_failed", "sign_in"]


@pytest.mark.parametrize("username", list(ALLOWED))
@pytest.mark.parametrize("page", list(PAGES))
def test_each_role_opens_its_pages_and_is_refused_the_others(visit, seeded_db, username, page):
    test = visit(username, page)
    if page in ALLOWED[username]:
        assert test.title[0].value == PAGES[page] and not test.error
    else:
        assert test.error[0].value.startswith("Your role") and "may not open this page" in test.error[0].value
        assert not test.title or test.title[0].value != PAGES[page]
        denied = read_audit(open_store(seeded_db), kind="page_denied", username=username)
        assert json.loads(denied["details"].iloc[-1])["page"] == {"import": "imports", "typical": "typical_cases"}.get(page, page)
    # the sidebar offers only the pages the role may open; a display has no sidebar, nowhere else to go
    offered = set() if username == "gx-display" else {t(f"page_{url}") for url in ALLOWED[username]}
    assert {link.proto.label for link in test.get("page_link")} == offered


def test_a_display_shows_the_figures_and_the_map_of_its_url_full_screen(visit, seeded_db):
    test = visit("gx-display", zone="451481", lang="zh")
    assert not test.sidebar.children and not test.get("page_link") and not test.button  # nothing to navigate
    with open_store(seeded_db).reading() as con:
        pingxiang = int(views.summary(con, Filters(zones=("451481",)))["seizures"])
    shown = next(m.value for m in test.metric if m.label == t("kpi_seizures", "zh"))
    assert int(shown.replace(",", "")) == pingxiang > 0  # the zone of its URL, within its grant
    (deck,) = test.get("deck_gl_json_chart")
    assert not deck.proto.selection_mode  # nothing on it to pick
    assert t("drill_hint", "zh") not in [c.value for c in test.caption]  # no drill-down, no tables
    assert not test.dataframe and t("role_display", "zh") in test.caption[-1].value
    outside = visit("gx-display", zone="533102")  # Ruili, Yunnan: outside its grant
    assert seizures_metric(outside) == 0


def test_a_commander_has_no_filters_even_from_the_url(visit, seeded_db):
    test = visit("yn-commander", group="Sb", channel="postal_express")
    assert not [m for m in test.multiselect if m.key == "w_item_groups"]
    with open_store(seeded_db).reading() as con:
        everything_in_yunnan = int(views.summary(con, Filters(provinces=("530000",)))["seizures"])
    assert seizures_metric(test) == everything_in_yunnan


def test_pages_of_no_records_offer_no_filters_and_keep_the_analysts_for_later(visit):
    test = visit("admin", channel="postal_express")
    assert test.multiselect(key="w_channels").value == ["postal_express"]
    for page in ("import", "users", "audit"):
        test.switch_page(f"screens/{_file(page)}").run()
        assert not test.exception
        assert not [w for w in (*test.multiselect, *test.slider, *test.toggle) if w.key and w.key.startswith("w_")]
        assert t("filters", "en") not in [s.value for s in test.sidebar.subheader]
        assert test.radio(key="w_lang").value == "en"
    test.switch_page(f"screens/{_file('records')}").run()
    assert not test.exception and test.multiselect(key="w_channels").value == ["postal_express"]


def test_the_export_panel_is_for_planners_and_admins_only(visit):
    assert not [b for b in visit("gx-analyst", "analysis").button if b.label == "Prepare the file"]
    assert [b for b in visit("planner", "analysis").button if b.label == "Prepare the file"]


def test_a_scoped_user_sees_only_the_granted_region_on_every_page(visit, seeded_db):
    store = open_store(seeded_db)
    with store.reading() as con:
        guangxi = int(views.summary(con, Filters(provinces=("450000",)))["seizures"])
    assert 0 < guangxi < 3_000
    live = visit("gx-analyst", layers="points,places,zones")
    assert seizures_metric(live) == guangxi
    deck = json.loads(live.get("deck_gl_json_chart")[0].proto.json)
    points = next(layer for layer in deck["layers"] if layer["id"] == "seizures")["data"]
    assert points and all(21 < p["lat"] < 27 and 104 < p["lon"] < 112.1 for p in points)  # Guangxi's box
    # asking for Yunnan through the URL gives nothing, not Yunnan
    assert seizures_metric(visit("gx-analyst", province="530000")) == 0
    records = visit("gx-analyst", "records")
    assert len(table_with(records, "ID")) == min(guangxi, 200)
    analysis = visit("gx-analyst", "analysis")
    summary = next(c.value for c in analysis.caption if "hot and" in c.value)
    with store.reading(scope=_scope("gx-analyst", store)) as con:
        from geodata.analysis_data import read_analysis_points

        assert f"from {len(read_analysis_points(con, Filters()).points):,} seizures" in summary


@pytest.mark.parametrize(("lang", "region", "granted"), [
    ("en", "Region: Guangxi", "Province: Guangxi"), ("zh", "区域：广西壮族自治区", "省：广西壮族自治区"),
])
def test_the_sidebar_says_a_scoped_users_region_and_the_users_page_names_the_grants(visit, lang, region, granted):
    captions = [caption.value for caption in visit("gx-analyst", lang=lang).sidebar.caption]
    assert captions[captions.index(t("signed_in_as", lang, name="gx-analyst", role=t("role_analyst", lang))) + 1] \
        == region
    users = visit("admin", "users", lang=lang)
    assert not [c for c in users.sidebar.caption if c.value.startswith(t("signed_in_region", lang, regions=""))]
    regions = users.dataframe[0].value.set_index(t("username", lang))[t("regions", lang)]
    assert regions["gx-analyst"] == granted and regions["planner"] == t("grant_all", lang)


def _scope(username: str, store: Store):
    from queries.access import get_user

    return get_user(store, username).scope


def test_an_export_is_written_to_the_audit_trail(visit, seeded_db):
    test = visit("planner", "analysis")
    test.selectbox(key="x_layer").set_value("checkpoints")
    next(b for b in test.button if b.label == "Prepare the file").click().run()
    assert not test.exception
    row = read_audit(open_store(seeded_db), kind="export", username="planner").iloc[-1]
    details = json.loads(row["details"])
    assert details["layer"] == "checkpoints" and details["format"] == "geojson" and details["records"] == 3_000


def test_an_export_labels_its_codes_in_the_page_language(visit):
    test = visit("planner", "analysis")
    test.radio(key="w_lang").set_value("zh").run()
    test.selectbox(key="x_layer").set_value("checkpoints")
    next(b for b in test.button if b.label == t("export_prepare", "zh")).click().run()
    assert not test.exception
    features = json.loads(test.session_state["prepared_export"].download.data)["features"]
    assert {"海关", "边防"} & {feature["properties"]["agency_label"] for feature in features}


def test_all_layers_come_in_one_geopackage_and_the_export_is_audited_layer_by_layer(visit, seeded_db, tmp_path):
    import pyogrio

    test = visit("planner", "analysis")
    test.selectbox(key="x_layer").set_value("all")
    test.selectbox(key="x_format").set_value("csv")  # whatever is chosen: several layers need a GeoPackage
    next(b for b in test.button if b.label == "Prepare the file").click().run()
    assert not test.exception
    names = [button.proto.label for button in test.get("download_button")]
    assert names[0].startswith("Download cordon_all") and names[0].endswith(".gpkg")
    download = test.session_state["prepared_export"].download
    (tmp_path / download.file_name).write_bytes(download.data)
    layers = [name for name, _ in pyogrio.list_layers(tmp_path / download.file_name)]
    assert layers == ["hotspots", "seizures", "checkpoints", "hubs", "zones"]  # the provenances are metadata
    assert list(json.loads(download.provenance.data)["layers"]) == layers
    details = json.loads(read_audit(open_store(seeded_db), kind="export", username="planner").iloc[-1]["details"])
    assert details["layer"] == "all" and details["format"] == "gpkg" and details["records"]["seizures"] == 3_000


def test_the_audit_page_lists_events_and_has_no_way_to_change_them(visit):
    test = visit("admin", "audit")
    events = table_with(test, "Event")
    assert events.columns.tolist() == ["When", "Event", "User name", "Through", "Details"]
    assert "Sign-in" in events["Event"].tolist()  # named, not the stored code sign_in
    assert not [b for b in test.button if any(w in b.label.lower() for w in ("delete", "edit", "remove"))]


def test_an_idle_session_ends_and_is_written_to_the_audit_trail(seeded_db, tmp_path, monkeypatch):

    path = tmp_path / "cordon.duckdb"
    path = seeded_copy(seeded_db, path)
    monkeypatch.setenv("CORDON_DB", str(path))
    monkeypatch.setenv("CORDON_SESSION_IDLE_MIN", "30")
    test = signed_in(AppTest.from_file(APP, default_timeout=120), "planner")
    test.run()
    assert test.title[0].value == PAGES["live"]
    with open_store(path).writing() as con:  # its person last did something 31 minutes ago
        con.execute("UPDATE web_sessions SET last_active_at = last_active_at - INTERVAL 31 MINUTE")
    test.run()
    assert not test.exception and test.title[0].value == "Cordon — sign in"
    assert test.info[0].value.startswith("The session ended")
    assert read_audit(open_store(path), kind="session_expired", username="planner")["kind"].size == 1


def test_a_disabled_account_is_signed_out_at_its_next_run(seeded_db, tmp_path, monkeypatch):
    from datetime import datetime

    from queries.access import set_active

    path = tmp_path / "cordon.duckdb"
    path = seeded_copy(seeded_db, path)
    monkeypatch.setenv("CORDON_DB", str(path))
    test = signed_in(AppTest.from_file(APP, default_timeout=120), "gx-analyst")
    test.query_params["period"] = "all"
    test.run()
    assert test.title[0].value == PAGES["live"]
    set_active(open_store(path), "gx-analyst", False, actor="admin", source="dashboard", now=datetime(2026, 11, 30))
    test.run()
    assert not test.exception and test.title[0].value == "Cordon — sign in" and not test.metric


def test_an_admin_adds_and_changes_a_user_on_the_users_page_and_a_bad_password_is_refused(seeded_db, tmp_path,
                                                                                          monkeypatch):

    from queries.access import get_user

    path = tmp_path / "cordon.duckdb"
    path = seeded_copy(seeded_db, path)
    monkeypatch.setenv("CORDON_DB", str(path))
    test = signed_in(AppTest.from_file(APP, default_timeout=120))
    test.run()
    test.switch_page("screens/users.py").run()
    listed = test.dataframe[0].value.set_index("User name")["Last sign-in"]
    assert listed["yn-commander"] == "never"  # the seeded accounts other than admin have not signed in
    test.text_input(key="u_new_name").set_value("hk-postal")
    test.selectbox(key="u_new_role").set_value("analyst")
    test.multiselect(key="u_new_regions").set_value(["zone:451481"])
    test.text_input(key="u_new_password").set_value("short")
    next(b for b in test.button if b.label == "Add a user").click().run()
    assert not test.exception and test.error[0].value.startswith("Not changed:") and "12" in test.error[0].value
    assert get_user(open_store(path), "hk-postal") is None
    test.text_input(key="u_new_name").set_value("hk-postal")
    test.selectbox(key="u_new_role").set_value("analyst")
    test.multiselect(key="u_new_regions").set_value(["zone:451481"])
    test.text_input(key="u_new_password").set_value("a long enough passphrase")
    next(b for b in test.button if b.label == "Add a user").click().run()
    added = get_user(open_store(path), "hk-postal")
    assert added is not None and added.role == "analyst" and [str(g) for g in added.grants] == ["zone:451481"]
    row = read_audit(open_store(path), kind="user_added").iloc[-1]
    assert row["username"] == "admin" and "hk-postal" in row["details"]
    test.selectbox(key="u_chosen").set_value("hk-postal").run()
    test.selectbox(key="u_role").set_value("planner")
    test.checkbox(key="u_active").uncheck()
    test.multiselect(key="u_regions").set_value(["province:530000"])
    next(b for b in test.button if b.label == "Save").click().run()
    changed = get_user(open_store(path), "hk-postal")
    assert not test.exception and changed.role == "planner" and not changed.active
    assert [str(g) for g in changed.grants] == ["province:530000"]
    written = read_audit(open_store(path), username="admin")["kind"].tolist()
    assert {"role_changed", "user_disabled", "grant_changed"} <= set(written) and "password_changed" not in written


def test_a_planner_prepares_the_brief_from_the_analysis_page_and_it_is_audited(visit, seeded_db):
    test = visit("planner", "analysis")
    test.radio(key="b_format").set_value("png")
    next(b for b in test.button if b.label == "Prepare the brief").click().run()
    assert not test.exception
    names = [button.proto.label for button in test.get("download_button")]
    assert any(re.fullmatch(r"Download cordon-brief-\d{4}-\d\d-\d\d-[a-z0-9-]+\.png", name) for name in names), names
    details = json.loads(read_audit(open_store(seeded_db), kind="brief", username="planner")["details"].iloc[-1])
    assert details["file"].endswith(".png") and "start" in details["filters"]
