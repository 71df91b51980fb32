"""End to end: an admin signs in, downloads a backup in the browser, and the file is a restorable store."""

from __future__ import annotations

import pytest

from analytics.backup import check_backup, restore
from analytics.migrations import LATEST_VERSION
from analytics.store import Store
from analytics.users import add_user, list_users
from tests.e2e_server import sign_in_on_the_page, streamlit_server, wait_for_app

pytestmark = pytest.mark.e2e

# the sign-in cookie as the page's script wrote it (not HttpOnly: dashboard.py writes it with document.cookie)
HAS_SESSION_COOKIE = "() => document.cookie.split('; ').some(c => c.startsWith('csi_session='))"


def test_an_admin_downloads_a_backup_that_restores(browser, tmp_path, store):
    add_user(store, "root", "admin", password="admin password 1", by="test")
    add_user(store, "victor", "viewer", password="viewer password", by="root")
    with streamlit_server(store.path, tmp_path / "server.log", extra_env={"CSI_AUTH": "on"}) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{url}/admin?lang=en")
        wait_for_app(page)
        sign_in_on_the_page(page, "root", "admin password 1")
        page.get_by_test_id("stSidebar").get_by_text("Signed in as root (admin)").wait_for(timeout=20_000)
        wait_for_app(page)
        with page.expect_download(timeout=30_000) as download:
            page.get_by_role("button", name="Download a backup").click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        page.screenshot(path=str(tmp_path / "admin.png"), full_page=True)
    assert saved.name.startswith("csi-backup-") and saved.suffix == ".duckdb"
    assert check_backup(saved) == LATEST_VERSION
    other = Store(tmp_path / "restored.duckdb")
    restore(other, saved)
    assert list_users(other)["name"].tolist() == ["root", "victor"]


def test_a_signed_in_user_stays_signed_in_through_a_refresh_until_signing_out(browser, tmp_path, store):
    """Found by exploratory testing: a refresh (F5, a laptop waking up) is a new Streamlit session, and
    the meeting was asked for the password again, typed in front of the room. A signed cookie keeps
    the sign-in; signing out removes it, and a refresh then shows the sign-in page."""
    from playwright.sync_api import expect

    add_user(store, "陈静", "improvement_owner", password="owner password 1", by="test")
    with streamlit_server(store.path, tmp_path / "server.log", extra_env={"CSI_AUTH": "on"}) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{url}/records?lang=zh")
        wait_for_app(page)
        sign_in_on_the_page(page, "陈静", "owner password 1", "zh")
        signed_in = page.get_by_test_id("stSidebar").get_by_text("当前用户:陈静(改进负责人)")
        signed_in.wait_for(timeout=20_000)
        wait_for_app(page)
        # the cookie is written by a script the run draws, which may come a moment after the sidebar's name
        page.wait_for_function(HAS_SESSION_COOKIE, timeout=20_000)
        cookie = next(c for c in page.context.cookies() if c["name"] == "csi_session")
        assert cookie["value"].count(".") == 2 and cookie["sameSite"] == "Strict"

        page.reload()
        wait_for_app(page)
        signed_in.wait_for(timeout=20_000)                       # no password asked
        expect(page.get_by_role("button", name="登录", exact=True)).to_have_count(0)
        assert "/records" in page.url

        page.get_by_test_id("stSidebar").get_by_role("button", name="退出登录").click()
        page.get_by_role("button", name="登录", exact=True).wait_for(timeout=20_000)
        wait_for_app(page)
        page.wait_for_function(f"() => !({HAS_SESSION_COOKIE})()", timeout=20_000)    # removed by a drawn script
        assert not [c for c in page.context.cookies() if c["name"] == "csi_session"]
        page.reload()
        wait_for_app(page)
        page.get_by_role("button", name="登录", exact=True).wait_for(timeout=20_000)
        expect(signed_in).to_have_count(0)
