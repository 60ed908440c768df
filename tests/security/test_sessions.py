"""The session probes of issue 16, replayed against a real server (``streamlit run dashboard/app.py``) with a
client that speaks Streamlit's websocket protocol by hand, as the attacker's script did: an account
disabled, re-granted or gone idle while a live tab refreshes; a Streamlit session id replayed without the
cookie; an unauthenticated ``clear_cache``; session ids in the server's log."""

from __future__ import annotations

import http.client
import json
from datetime import datetime
from urllib.parse import urlsplit

import pytest

from dashboard.server import SIGN_OUT_ROUTE, session_url
from queries import sessions, views
from queries.access import Grant, add_user, change_grants, read_audit, set_active
from queries.clock import beijing_now
from queries.filters import Filters
from queries.store import Store
from queries.stores import open_store
from tests.conftest import PASSWORD, seeded_copy
from tests.e2e.conftest import start_app
from tests.security.streamlit_client import RawClient

LIVE = "period=all&refresh=5"
SIGN_IN = "Cordon — sign in"
LIVE_TITLE = "Border zones — seizures of controlled minerals"
NOW = datetime(2026, 11, 30, 9, 0)
ACCOUNTS = ("sec-disabled", "sec-regrant", "sec-idle", "sec-victim")
DISPLAY = "sec-display"  # a wall screen's account, granted Guangxi


@pytest.fixture(scope="module")
def server(seeded_db, tmp_path_factory):
    """A server on a copy of the seeded database with an analyst per probe; yields (url, store, log path)."""
    folder = tmp_path_factory.mktemp("security")
    path = folder / "cordon.duckdb"
    path = seeded_copy(seeded_db, path)
    store = open_store(path)
    for username in ACCOUNTS:
        add_user(store, username, PASSWORD, "analyst", grants=[Grant("all")], actor="admin", source="cli", now=NOW)
    add_user(store, DISPLAY, PASSWORD, "display", grants=[Grant("province", "450000")], actor="admin", source="cli",
             now=NOW)
    log = folder / "server.log"
    with start_app(path, log) as url:
        yield url, store, log


def cookie_from_route(url: str, store: Store, username: str) -> str:
    """Sign ``username`` in as the form does, and trade the ticket at the real session route; the token of the
    HttpOnly cookie it sets."""
    ticket = sessions.start(store, username, beijing_now())
    address = urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    connection.request("GET", session_url(ticket, "/live?period=all"))
    response = connection.getresponse()
    assert response.status == 303 and response.getheader("Location") == "/live?period=all"
    cookie = response.getheader("Set-Cookie")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    return cookie.split(";")[0].split("=", 1)[1]


def live_tab(url: str, token: str | None, **connect) -> RawClient:
    """A client on the live map with its refresh on, after its first run has drawn."""
    client = RawClient(url, token=token, **connect)
    client.send("rerun_script", query_string=LIVE)
    client.read_until(lambda seen: seen.runs_finished >= 1 and (seen.metric("Seizures") or SIGN_IN in seen.headings))
    return client


def refreshed(client: RawClient) -> None:
    """One turn of the live map's timer, read to its end."""
    finished = client.seen.runs_finished
    client.refresh(LIVE)
    client.read_until(lambda seen: seen.runs_finished > finished)


def test_the_session_route_sets_the_cookie_once_and_never_leads_off_the_site(server):
    url, store, _ = server
    ticket = sessions.start(store, "sec-victim", beijing_now())
    address = urlsplit(url)
    for next_path, expected in (("https://evil.example/", "/"), ("//evil.example", "/"), ("/records", "/records")):
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        connection.request("GET", session_url(ticket, next_path))
        response = connection.getresponse()
        assert response.status == 303 and response.getheader("Location") == expected
        # the first visit sets the cookie; the ticket cannot be used again
        assert (response.getheader("Set-Cookie") is not None) == (next_path == "https://evil.example/")


def test_a_disabled_account_stops_receiving_at_the_next_refresh(server):
    url, store, _ = server
    tab = live_tab(url, cookie_from_route(url, store, "sec-disabled"))
    assert tab.seen.metric("Seizures") == ["3,000"]
    refreshed(tab)
    assert tab.seen.metric("Seizures") == ["3,000", "3,000"] and SIGN_IN not in tab.seen.headings
    set_active(store, "sec-disabled", False, actor="admin", source="cli", now=NOW)
    refreshed(tab)
    assert SIGN_IN in tab.seen.headings
    assert not [event for event in tab.seen.after(SIGN_IN) if event[0] == "metric"]
    tab.close()


def test_a_revoked_grant_applies_at_the_next_refresh(server):
    url, store, _ = server
    with store.reading() as con:
        yunnan = int(views.summary(con, Filters(provinces=("530000",)))["seizures"])
    tab = live_tab(url, cookie_from_route(url, store, "sec-regrant"))
    assert tab.seen.metric("Seizures") == ["3,000"]
    change_grants(store, "sec-regrant", grant=[Grant("province", "530000")], revoke=[Grant("all")], actor="admin",
                  source="cli", now=NOW)
    refreshed(tab)
    assert tab.seen.metric("Seizures")[-1] == f"{yunnan:,}" and 0 < yunnan < 3_000
    tab.close()


def test_an_idle_session_ends_during_the_refresh_and_the_refresh_does_not_keep_it_alive(server):
    url, store, _ = server
    tab = live_tab(url, cookie_from_route(url, store, "sec-idle"))
    last_use = "SELECT last_active_at FROM web_sessions WHERE username = 'sec-idle'"
    with store.writing() as con:  # its person last did something 20 minutes ago
        con.execute("UPDATE web_sessions SET last_active_at = last_active_at - INTERVAL 20 MINUTE "
                    "WHERE username = 'sec-idle'")
        before = con.execute(last_use).fetchone()[0]
    refreshed(tab)
    refreshed(tab)
    assert SIGN_IN not in tab.seen.headings
    with store.writing() as con:  # the refreshes did not count as use; now its person left 31 minutes ago
        assert con.execute(last_use).fetchone()[0] == before
        con.execute("UPDATE web_sessions SET last_active_at = last_active_at - INTERVAL 11 MINUTE "
                    "WHERE username = 'sec-idle'")
    refreshed(tab)
    assert SIGN_IN in tab.seen.headings and not [e for e in tab.seen.after(SIGN_IN) if e[0] == "metric"]
    with store.reading() as con:
        assert con.execute("SELECT end_reason FROM web_sessions WHERE username = 'sec-idle'").fetchone()[0] == "idle"
    tab.close()


def test_a_session_id_replayed_without_the_cookie_gets_the_sign_in_page_and_no_figure(server):
    url, store, log = server
    victim = live_tab(url, cookie_from_route(url, store, "sec-victim"))
    assert victim.seen.metric("Seizures") == ["3,000"] and victim.seen.session_id
    attacker = live_tab(url, None, reconnect_to=victim.seen.session_id)
    assert attacker.seen.session_id != victim.seen.session_id  # a session of its own, not the victim's
    assert SIGN_IN in attacker.seen.headings and not attacker.seen.metric("Seizures")
    attacker.close()
    # the victim's own browser, reconnecting with its cookie, gets its session back ...
    token = cookie_from_route(url, store, "sec-victim")
    again = live_tab(url, token, reconnect_to=victim.seen.session_id)
    assert again.seen.metric("Seizures")
    again.close()
    victim.close()
    # ... and the log, which says so, does not print the id
    text = log.read_text(errors="replace")
    assert "is already connected" in text and victim.seen.session_id not in text and "session#" in text


def test_a_signed_out_client_cannot_clear_the_caches(server):
    url, _, log = server
    stranger = RawClient(url)
    stranger.send("clear_cache")
    stranger.send("rerun_script", query_string=LIVE)
    stranger.read_until(lambda seen: seen.runs_finished >= 1)
    assert SIGN_IN in stranger.seen.headings
    stranger.close()
    assert "dropped a 'clear_cache' message from a signed-out client" in log.read_text(errors="replace")


def test_the_sign_out_route_ends_the_session_and_drops_the_cookie(server):
    url, store, _ = server
    token = cookie_from_route(url, store, "sec-victim")
    address = urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    connection.request("GET", SIGN_OUT_ROUTE, headers={"Cookie": f"{sessions.SESSION_COOKIE}={token}"})
    response = connection.getresponse()
    assert response.status == 303 and response.getheader("Location") == "/"
    assert response.getheader("Set-Cookie").startswith(f"{sessions.SESSION_COOKIE}=\"\"")
    tab = live_tab(url, token)
    assert SIGN_IN in tab.seen.headings and not tab.seen.metric("Seizures")
    tab.close()


def test_a_display_only_watches_is_kept_signed_in_by_its_refresh_and_ends_when_an_admin_disables_it(server):
    url, store, _ = server
    # its cookie: HttpOnly, SameSite, Secure behind a proxy that says the browser came over TLS, for a week
    ticket = sessions.start(store, DISPLAY, beijing_now())
    address = urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    connection.request("GET", session_url(ticket, "/?" + LIVE), headers={"X-Forwarded-Proto": "https"})
    cookie = connection.getresponse().getheader("Set-Cookie")
    assert all(flag in cookie for flag in ("HttpOnly", "SameSite=strict", "Secure", f"Max-Age={7 * 24 * 3600}"))
    token = cookie.split(";")[0].split("=", 1)[1]
    # every page but the live map is refused, whatever the URL, and each refusal is in the audit trail
    pages = {"analysis": "analysis", "records": "records", "import": "imports", "users": "users", "audit": "audit"}
    for page in pages:
        client = RawClient(url, token=token)
        client.send("rerun_script", query_string="period=all", page_name=page)
        client.read_until(lambda seen: seen.runs_finished >= 1)
        assert not client.seen.metric("Seizures") and client.seen.headings == []
        client.close()
    denied = read_audit(store, kind="page_denied", username=DISPLAY)["details"]
    assert {json.loads(details)["page"] for details in denied} == set(pages.values())
    # the live map refreshes; nobody touches the screen, yet the refresh keeps the session from going idle
    with store.reading() as con:
        guangxi = int(views.summary(con, Filters(provinces=("450000",)))["seizures"])
    tab = live_tab(url, token)
    assert tab.seen.metric("Seizures") == [f"{guangxi:,}"]
    for _ in range(2):  # twice 20 minutes since the last refresh: 40 minutes without a click
        with store.writing() as con:
            con.execute("UPDATE web_sessions SET last_active_at = last_active_at - INTERVAL 20 MINUTE "
                        "WHERE username = $username", {"username": DISPLAY})
        refreshed(tab)
        assert SIGN_IN not in tab.seen.headings and tab.seen.metric("Seizures")[-1] == f"{guangxi:,}"
    # an admin disables the account: the next refresh shows the sign-in page and no figure
    set_active(store, DISPLAY, False, actor="admin", source="cli", now=NOW)
    refreshed(tab)
    assert SIGN_IN in tab.seen.headings and not [e for e in tab.seen.after(SIGN_IN) if e[0] == "metric"]
    with store.reading() as con:
        assert con.execute("SELECT end_reason FROM web_sessions WHERE username = $username AND token_hash IS NOT NULL",
                           {"username": DISPLAY}).fetchone()[0] == "account"
    tab.close()
