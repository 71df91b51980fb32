"""End to end: raise a record from a gap, take it to closed with the right people, see the new cycle."""

from __future__ import annotations

import datetime

import pytest

from analytics.baselines import list_versions
from analytics.demo import load_demo
from analytics.records import get_record
from analytics.store import Store
from tests.e2e_server import CHROMIUM, CHROMIUM_ARGS, streamlit_server, wait_for_app

pytestmark = pytest.mark.e2e


def _act_as(page, name: str) -> None:
    box = page.get_by_test_id("stSelectbox").first
    box.click()
    page.keyboard.type(name.split(" ")[0])
    page.get_by_role("option", name=name).first.click(timeout=10_000)
    wait_for_app(page)


def _step(page, to: str, **fields: str) -> None:
    form = page.get_by_test_id("stForm").first
    form.get_by_text(to, exact=True).click()
    for label, value in fields.items():
        form.get_by_label(label).fill(value)
    form.get_by_role("button", name="Save the step").click()
    wait_for_app(page)


def test_raise_from_a_gap_and_close_with_a_new_baseline(tmp_path):
    from playwright.sync_api import sync_playwright

    path = tmp_path / "demo.duckdb"
    store = Store(path)
    load_demo(store, datetime.date(2026, 11, 25))
    with store.read() as con:
        metric_id = con.execute("SELECT id FROM metric WHERE name = 'Backlog over 30 days'").fetchone()[0]
    with streamlit_server(path, tmp_path / "server.log") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1500, "height": 1100})
        page.goto(f"{url}/metric?metric={metric_id}&lang=en")
        wait_for_app(page)
        page.get_by_role("button", name="Raise an improvement record from this gap").click()
        wait_for_app(page)
        page.wait_for_url("**/records?*")
        wait_for_app(page)
        _act_as(page, "陈静 (improvement owner)")
        form = page.locator(".st-key-records_raise_fields")          # the raise form's fields (not an st.form)
        form.get_by_label("Title").fill("Daily stand-up on overdue tickets")
        form.get_by_role("button", name="Raise the record").click()
        wait_for_app(page)
        page.get_by_text("Record #4 raised.").wait_for(timeout=15_000)
        record = get_record(store, 4)
        assert (record["state"], record["metric"], record["snapshot"]["status"]) == (
            "raised", "Backlog over 30 days", "missed")

        _act_as(page, "刘洋 (service owner)")
        _step(page, "Approved")
        _act_as(page, "陈静 (improvement owner)")
        _step(page, "Implementing")                        # no change reference: refused, stays approved
        assert "give the change reference" in page.get_by_test_id("stMain").inner_text()
        _step(page, "Implementing", **{"Change reference (变更单号), for implementing": "CHG-77",
                                       "Go-live month (YYYY-MM), for implementing": "2026-04"})
        _act_as(page, "周敏 (quality)")
        _step(page, "Monitoring")
        _act_as(page, "刘洋 (service owner)")
        _step(page, "Verified (verification: Not yet)",       # not effective: verifying needs a comment
              **{"Comment (required to reject, to cancel, or to verify without an effective verdict)":
                 "the backlog audit confirms it"})
        _step(page, "Closed")
        page.get_by_text("Record #4 is now Closed.").wait_for(timeout=15_000)
        page.screenshot(path=str(tmp_path / "record-closed.png"), full_page=True)

        page.goto(f"{url}/metric?metric={metric_id}&lang=en")
        wait_for_app(page)
        page.locator(".js-plotly-plot").first.wait_for(timeout=15_000)
        chart = page.locator(".js-plotly-plot").first.inner_text()
        assert "next cycle from 2026-11" in chart and "#4 change live" in chart
        page.screenshot(path=str(tmp_path / "metric-after-close.png"), full_page=True)
        browser.close()
    assert [e for e in get_record(store, 4)["events"]["to_state"]] == [
        "raised", "approved", "implementing", "monitoring", "verified", "closed"]
    versions = list_versions(store, "Backlog over 30 days")
    assert versions["from_period"].iloc[-1] == "2026-11" and versions["set_by"].iloc[-1] == "刘洋"


def test_a_half_typed_record_survives_a_switch_of_language(tmp_path):
    """Found by exploratory testing: switching 中文/English while raising a record emptied the form.
    A form's text lives in the browser until it is sent, so only a browser shows it kept (AppTest
    sends a form's values only on submit)."""
    from playwright.sync_api import sync_playwright

    path = tmp_path / "demo.duckdb"
    load_demo(Store(path), datetime.date(2026, 11, 25))
    with streamlit_server(path, tmp_path / "server.log") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1500, "height": 1100})
        page.goto(f"{url}/records?lang=zh")
        wait_for_app(page)
        page.get_by_text("新建改进记录").click()
        form = page.locator(".st-key-records_raise_fields")
        form.get_by_label("标题").fill("夜班二线值守")
        form.get_by_label("根本原因").fill("夜间无人处理升级工单")
        page.get_by_text("English").click()
        wait_for_app(page)
        form.get_by_label("Root cause").wait_for(timeout=15_000)
        assert form.get_by_label("Title").input_value() == "夜班二线值守"
        assert form.get_by_label("Root cause").input_value() == "夜间无人处理升级工单"
        browser.close()


def test_a_half_typed_comment_and_note_on_a_record_survive_a_switch_of_language(tmp_path):
    """The step form's comment, its change reference and the monitoring note were unkeyed: their
    labels are the language's, so a switch of language made them new widgets and emptied what was
    typed (as the raise form did before it was keyed)."""
    from playwright.sync_api import sync_playwright

    path = tmp_path / "demo.duckdb"
    load_demo(Store(path), datetime.date(2026, 11, 25))
    with streamlit_server(path, tmp_path / "server.log") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1500, "height": 1400})
        page.goto(f"{url}/records?lang=zh&record=1")          # monitoring: a step and a note for 陈静
        wait_for_app(page)
        page.get_by_label("意见", exact=False).fill("上线后复核两周")
        page.get_by_role("textbox", name="变更单号", exact=False).fill("CHG-2025-0413")
        page.get_by_label("跟踪记录").fill("十一月平均 6.2 小时")
        page.get_by_text("English").click()
        wait_for_app(page)
        page.get_by_label("Monitoring note").wait_for(timeout=15_000)
        assert page.get_by_label("Comment", exact=False).input_value() == "上线后复核两周"
        assert page.get_by_role("textbox", name="Change reference", exact=False).input_value() == "CHG-2025-0413"
        assert page.get_by_label("Monitoring note").input_value() == "十一月平均 6.2 小时"
        browser.close()


def test_a_half_typed_record_survives_a_visit_to_another_page(tmp_path):
    """Found at a meeting: a record half typed, the scorecard opened from the sidebar to check a
    number, and back on the records page everything typed was gone. It is kept for the session
    until the record is raised; then the form starts empty again."""
    from playwright.sync_api import sync_playwright

    path = tmp_path / "demo.duckdb"
    load_demo(Store(path), datetime.date(2026, 11, 25))
    with streamlit_server(path, tmp_path / "server.log") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1500, "height": 1400})
        sidebar = page.get_by_test_id("stSidebar")
        raise_box = page.get_by_test_id("stExpander").filter(has_text="新建改进记录")

        def away_and_back() -> None:
            """The sidebar's 月度评审, then its 服务改进记录. The press on the link takes the focus
            from the field typed last, which sends its text; the link acts on the release."""
            sidebar.get_by_text("月度评审").hover()
            page.mouse.down()
            wait_for_app(page)
            page.mouse.up()
            page.wait_for_url("**/scorecard?*", timeout=15_000)
            wait_for_app(page)
            sidebar.get_by_text("服务改进记录").click()
            page.wait_for_url("**/records?*", timeout=15_000)
            wait_for_app(page)

        page.goto(f"{url}/records?lang=zh")
        wait_for_app(page)
        raise_box.get_by_text("新建改进记录").click()
        raise_box.get_by_test_id("stSelectbox").nth(1).click()     # the source: 内部审核, not a gap (no metric)
        page.get_by_role("option", name="内部审核").click()
        wait_for_app(page)
        for label, text in [("标题", "夜班二线值守"), ("根本原因", "夜间无人处理升级工单"), ("所需资源", "两名二线工程师")]:
            raise_box.get_by_label(label).fill(text)                 # left when the next one is clicked
            wait_for_app(page)
        away_and_back()
        raise_box.get_by_label("标题").wait_for(timeout=15_000)      # the form open again, with the draft
        assert raise_box.get_by_test_id("stSelectbox").nth(1).locator("input").input_value() == "内部审核"
        assert raise_box.get_by_label("标题").input_value() == "夜班二线值守"
        assert raise_box.get_by_label("根本原因").input_value() == "夜间无人处理升级工单"
        assert raise_box.get_by_label("所需资源").input_value() == "两名二线工程师"
        page.screenshot(path=str(tmp_path / "records-draft-kept.png"), full_page=True)

        raise_box.get_by_role("button", name="提交记录").click()
        wait_for_app(page)
        page.get_by_text("已创建记录 #4。").wait_for(timeout=15_000)
        record = get_record(Store(path), 4)
        assert (record["title"], record["source"], record["root_cause"], record["resources"]) == (
            "夜班二线值守", "audit", "夜间无人处理升级工单", "两名二线工程师")
        page.get_by_role("button", name="全部记录").click()
        wait_for_app(page)
        away_and_back()
        raise_box.get_by_text("新建改进记录").click()                 # closed: nothing typed to show
        assert raise_box.get_by_label("标题").input_value() == ""
        assert raise_box.get_by_label("根本原因").input_value() == ""
        assert raise_box.get_by_label("所需资源").input_value() == ""
        assert raise_box.get_by_test_id("stSelectbox").nth(1).locator("input").input_value() == "评审差距"
        browser.close()
