"""End to end: a real Streamlit server, headless chromium, a real .xlsx uploaded on the Upload page."""

from __future__ import annotations

import re

import pytest

from analytics.observations import current_observations
from analytics.store import Store
from tests.e2e_server import (
    rerun_after,
    sign_in_on_the_page,
    streamlit_server,
    wait_for_app,
    watch_runs,
)

pytestmark = pytest.mark.e2e

CATALOGUE = "name,name_zh,aliases,unit,category,direction,tolerance,process\n" \
            "Incident MTTR,事件平均解决时间,MTTR,h,efficiency,decrease,0.5,incident\n" \
            "SLA attainment,SLA达成率,,%,quality,increase,1,service level\n"


def _month_file(tmp_path):
    import xlsxwriter

    path = tmp_path / "五月指标.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("数据")
    ws.merge_range(0, 0, 0, 2, "2026年5月 运维指标")
    ws.write_row(2, 0, ["指标", "月份", "数值"])
    ws.write_row(3, 0, ["事件平均解决时间", "2026年5月", 6.5])
    ws.write_row(4, 0, ["SLA attainment", "2026-05", 0.953], None)
    ws.write_number(4, 2, 0.953, wb.add_format({"num_format": "0.0%"}))
    wb.close()
    return path


def _import_catalogue(tmp_path, cli) -> None:
    catalogue = tmp_path / "catalogue.csv"
    catalogue.write_text(CATALOGUE, encoding="utf-8")
    assert cli("metrics", "import", catalogue)[0] == 0


def _drop_file(browser, url: str, lang: str, path, until: str | None = None):
    """The Upload page in `lang` with `path` dropped on it, once the app has rerun; with `until`, once
    that text shows: on a loaded machine the upload can still be on its way when the app first
    looks idle, and the page read then has the file's name but not yet what was made of it."""
    page = watch_runs(browser.new_page(viewport={"width": 1400, "height": 1000}))
    with rerun_after(page):
        page.goto(f"{url}/upload?lang={lang}")
    with rerun_after(page):                  # the run the upload asks for, once the file is on the server
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    if until is not None:
        page.get_by_text(until, exact=False).first.wait_for(timeout=60_000)
        wait_for_app(page)
    return page


def test_upload_preview_confirm_and_values_stored(browser, tmp_path, cli, store):
    from playwright.sync_api import expect

    _import_catalogue(tmp_path, cli)
    month_file = _month_file(tmp_path)

    with streamlit_server(store.path, tmp_path / "server.log") as url:
        page = _drop_file(browser, url, "en", month_file)
        # a deep link on a fresh server goes through dashboard.py: our sidebar, not the legacy page list
        sidebar = page.get_by_test_id("stSidebar")
        expect(sidebar).to_contain_text("Language", use_inner_text=True)
        expect(sidebar).not_to_contain_text(re.compile(r"(^|\s)common(\s|$)"), use_inner_text=True)     # no legacy page list
        body = page.locator('[data-testid="stMain"]')
        expect(body).to_contain_text("2 new", use_inner_text=True)
        page.screenshot(path=str(tmp_path / "preview.png"), full_page=True)
        assert current_observations(store).empty  # the preview wrote nothing

        with rerun_after(page):
            page.get_by_role("button", name="Confirm and load").click()
        page.get_by_text("Loaded as upload #1").wait_for(timeout=15_000)
        page.screenshot(path=str(tmp_path / "loaded.png"), full_page=True)

    stored = {(m, p): v for m, p, v in current_observations(Store(store.path)).itertuples(index=False)}
    assert stored == {("Incident MTTR", "2026-05"): 6.5, ("SLA attainment", "2026-05"): 95.3}


def test_a_bad_file_is_refused_on_the_page_with_file_row_and_column(browser, tmp_path, cli, store):
    from playwright.sync_api import expect

    _import_catalogue(tmp_path, cli)
    bad = tmp_path / "六月.csv"
    bad.write_text("指标,月份,数值\nMTTR,2026-06,七点五\nSLA attainment,2026-13,95\n", encoding="gbk")
    unknown = tmp_path / "七月.csv"
    unknown.write_text("指标,月份,数值\nIncident MTTA,2026-07,1\n", encoding="utf-8")
    with streamlit_server(store.path, tmp_path / "server.log") as url:
        page = _drop_file(browser, url, "zh", bad, until="六月.csv,第 2 行")
        main = page.get_by_test_id("stMain")
        expect(main).to_contain_text("六月.csv,第 2 行,C 列(数值):“七点五”不是数字", use_inner_text=True)
        expect(main).to_contain_text("六月.csv,第 3 行,B 列(月份):“2026-13”不是月份", use_inner_text=True)
        expect(page.get_by_role("button", name="确认导入")).to_have_count(0)
        page.screenshot(path=str(tmp_path / "refused.png"), full_page=True)
        main = _drop_file(browser, url, "zh", unknown, until="七月.csv,第 2 行").get_by_test_id("stMain")
        expect(main).to_contain_text(      # by its 中文名
            "七月.csv,第 2 行,A 列(指标):指标目录中没有“Incident MTTA”(最接近的:“事件平均解决时间”)", use_inner_text=True)
    assert current_observations(Store(store.path)).empty


def test_a_metric_created_from_the_file_is_named_with_what_it_takes_before_loading(browser, tmp_path, cli, store):
    """With 自动创建 ticked, the preview says how each new metric will be created (direction from
    the file's ≥ target, unit from its %), and loading creates it so."""
    from playwright.sync_api import expect

    from analytics.catalogue import list_metrics

    _import_catalogue(tmp_path, cli)
    path = tmp_path / "八月.csv"
    path.write_text("指标,月份,数值,目标\n备份成功率,2026-08,99.5%,≥99%\n", encoding="utf-8")
    with streamlit_server(store.path, tmp_path / "server.log") as url:
        page = watch_runs(browser.new_page(viewport={"width": 1400, "height": 1000}))
        with rerun_after(page):
            page.goto(f"{url}/upload?lang=zh")
        with rerun_after(page):
            page.get_by_text("自动创建目录中没有的指标").click()
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
        page.get_by_text("将新建指标").wait_for(timeout=60_000)
        expect(page.get_by_test_id("stMain")).to_contain_text(
            "将新建指标 备份成功率:越高越好,单位 %,2 位小数(取自文件)。请在指标目录页补充类别、流程和负责人。", use_inner_text=True)
        page.get_by_role("button", name="确认导入").click()
        page.get_by_text("#1").first.wait_for(timeout=30_000)
    created = list_metrics(Store(store.path)).set_index("name").loc["备份成功率"]
    assert (created["direction"], created["unit"]) == ("increase", "%")


def test_sign_in_in_the_browser_then_upload_as_a_process_owner(browser, tmp_path, cli, store):
    """王磊 owns the incident process: a file with another process's metric is refused before
    the confirm button, one with a name the catalogue lacks is refused without the offer to make it
    an alias (he may not edit the catalogue), a file with only his metrics loads under his name."""
    import xlsxwriter
    from playwright.sync_api import expect

    from analytics.users import add_user

    _import_catalogue(tmp_path, cli)
    add_user(store, "王磊", "process_owner", password="owner password 1", by="test", processes=["incident"])
    own = tmp_path / "事件.xlsx"
    book = xlsxwriter.Workbook(own)
    book.add_worksheet("数据").write_row(0, 0, ["指标", "月份", "数值"])
    book.worksheets()[0].write_row(1, 0, ["事件平均解决时间", "2026-05", 6.5])
    book.close()
    with streamlit_server(store.path, tmp_path / "server.log", extra_env={"CSI_AUTH": "on"}) as url:
        page = watch_runs(browser.new_page(viewport={"width": 1400, "height": 1000}))
        with rerun_after(page):
            page.goto(f"{url}/upload?lang=en")
        sign_in_on_the_page(page, "王磊", "owner password 1")
        wait_for_app(page)
        # argon2 checking and the rerun after sign-in can outlast wait_for_app on a busy machine
        page.get_by_test_id("stSidebar").get_by_text("Signed in as 王磊 (process owner)").wait_for(timeout=20_000)
        with rerun_after(page):
            page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(_month_file(tmp_path)))
        page.get_by_text("uploads only for the processes: incident; not for 'SLA attainment' (service level)"
                         ).wait_for(timeout=15_000)
        expect(page.get_by_role("button", name="Confirm and load")).to_have_count(0)
        with rerun_after(page):
            page.get_by_test_id("stFileChipDeleteBtn").first.click()     # remove the refused file
        unknown = tmp_path / "九月.csv"
        unknown.write_text("指标,月份,数值\n平均修复时长,2026-09,5.5\n", encoding="utf-8")
        with rerun_after(page):
            page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(unknown))
        page.get_by_text("unknown metric '平均修复时长'", exact=False).wait_for(timeout=15_000)
        expect(page.get_by_test_id("stForm")).to_have_count(0)          # only an administrator edits the catalogue
        with rerun_after(page):
            page.get_by_test_id("stFileChipDeleteBtn").first.click()
        with rerun_after(page):
            page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(own))
        with rerun_after(page):
            page.get_by_role("button", name="Confirm and load").click()
        page.get_by_text("Loaded as upload #1").wait_for(timeout=15_000)
    from analytics.uploads import list_uploads

    assert list_uploads(Store(store.path)).iloc[0]["uploaded_by"] == "王磊"


def test_the_preview_explains_skipped_sheets_and_ignored_rows_in_chinese(browser, tmp_path, cli, store):
    import xlsxwriter
    from playwright.sync_api import expect

    from analytics.baselines import set_version

    _import_catalogue(tmp_path, cli)
    set_version(store, "SLA attainment", from_period="2026-01", baseline=94, target=96, by="t", reason="plan")
    path = tmp_path / "七月指标.xlsx"
    wb = xlsxwriter.Workbook(path)
    wb.add_worksheet("填写说明").write_column(0, 0, ["请按月填写各项指标。", "数值为空表示缺失,不要填 0。"])
    wb.add_worksheet("空白")
    ws = wb.add_worksheet("数据")
    ws.write_row(0, 0, ["指标", "月份", "数值", "考核目标", "辅助列"])
    ws.write_row(1, 0, ["事件平均解决时间", "2026-07", 6.1, "≤5.5", "x"])
    ws.write_row(2, 0, ["SLA attainment", "2026-07", 96.0, "≥95%", "y"])
    ws.write(3, 0, "注:MTTR 单位为小时")
    ws.set_column(4, 4, None, None, {"hidden": True})
    wb.close()
    with streamlit_server(store.path, tmp_path / "server.log") as url:
        page = _drop_file(browser, url, "zh", path)
        page.get_by_role("button", name="确认导入").wait_for(timeout=15_000)
        main = page.get_by_test_id("stMain")
        for shown in ("已跳过工作表“填写说明”:只有说明或备注,没有数据表", "已跳过工作表“空白”:工作表为空",
                      "工作表“数据”:表格下方的 1 行备注已忽略(第 4 行)",
                      "工作表“数据”:E 列被隐藏(或被筛选掉),未读取",
                      ("“SLA达成率”:文件中的目标(95)与指标目录中的目标(96)不同(2026-07);数值按指标目录的目标比较:"
                       "如以文件为准,请在“指标与基准”页修改")):                  # the 中文名, not 'SLA attainment'
            expect(main).to_contain_text(shown, use_inner_text=True)
        expect(main).not_to_contain_text("ignored", use_inner_text=True)
        expect(main).not_to_contain_text("skipped", use_inner_text=True)
        grid = page.get_by_test_id("stDataFrame").locator('[role="gridcell"]')
        grid.filter(has_text="事件平均解决时间").first.wait_for(state="attached", timeout=15_000)  # drawn after the page
        cells = grid.all_text_contents()
        page_headers_and_cells = set(cells) | set(
            page.get_by_test_id("stDataFrame").locator('[role="columnheader"]').all_text_contents())
        page.screenshot(path=str(tmp_path / "notes.png"), full_page=True)
    assert {"SLA达成率", "事件平均解决时间"} <= set(cells) and "SLA attainment" not in cells   # the catalogue's 中文名
    assert {"目标", "5.5", "95"} <= set(page_headers_and_cells)     # the file's targets, bounds read as numbers


def test_a_file_that_crashes_the_reader_is_refused_and_the_dashboard_stays_up(browser, tmp_path, cli, store):
    """calamine reserves 512 GB for an .xlsx cell at XFD1048576 and Rust aborts the process that
    reads it: read on the page, that was the whole dashboard, for everyone in the meeting."""
    from playwright.sync_api import expect

    from tests import workbooks

    _import_catalogue(tmp_path, cli)
    far = tmp_path / "远端单元格.xlsx"
    far.write_bytes(workbooks.xlsx_with_a_far_off_cell())
    with streamlit_server(store.path, tmp_path / "server.log", {"RUST_BACKTRACE": "0"}) as url:
        page = _drop_file(browser, url, "zh", far, until="远端单元格.xlsx:此文件导致读取程序崩溃")
        expect(page.get_by_test_id("stMain")).to_contain_text(
            "远端单元格.xlsx:此文件导致读取程序崩溃,未写入任何数据。文件已损坏,或生成它的程序写法有误"
            "(例如在表格之外很远处有单元格)。请用 Excel 或 WPS 打开,另存为 .xlsx,再上传新文件", use_inner_text=True)
        page.screenshot(path=str(tmp_path / "crashed.png"), full_page=True)
        expect(page.get_by_role("button", name="确认导入")).to_have_count(0)
        page = _drop_file(browser, url, "zh", _month_file(tmp_path))     # the same server reads the next file
        page.get_by_role("button", name="确认导入").wait_for(timeout=15_000)
    assert current_observations(Store(store.path)).empty


def test_a_name_the_catalogue_lacks_is_made_an_alias_on_the_page_and_the_file_then_loads(browser, tmp_path, cli,
                                                                                           store):
    """The refusal's unknown name (平均修复时长, the team's word for MTTR) is mapped to its catalogue
    metric in the meeting, without leaving the page or dropping the file again."""
    from playwright.sync_api import expect

    from analytics.catalogue import list_metrics

    _import_catalogue(tmp_path, cli)
    path = tmp_path / "九月.csv"
    path.write_text("指标,月份,数值\n平均修复时长,2026-09,5.5\nSLA达成率,2026-09,96\n", encoding="utf-8")
    with streamlit_server(store.path, tmp_path / "server.log") as url:
        page = _drop_file(browser, url, "zh", path, until="指标目录中没有的名称")
        form = page.get_by_test_id("stForm")
        expect(form).to_contain_text("平均修复时长", use_inner_text=True)
        form.get_by_test_id("stSelectbox").first.click()
        page.keyboard.type("事件平均解决时间")
        page.get_by_role("option", name="事件平均解决时间", exact=True).first.click()      # in a form: no run yet
        with rerun_after(page):
            form.get_by_role("button", name="添加为别名并重新检查").click()
        page.get_by_text("已添加为别名:平均修复时长 → 事件平均解决时间", exact=False).wait_for(timeout=30_000)
        confirm = page.get_by_role("button", name="确认导入")
        confirm.wait_for(timeout=30_000)                                       # the file, checked again, loads
        with rerun_after(page):
            confirm.click()
        page.get_by_text("已导入(上传编号 #1)", exact=False).wait_for(timeout=30_000)
    stored = {(m, p): v for m, p, v in current_observations(Store(store.path)).itertuples(index=False)}
    assert stored == {("Incident MTTR", "2026-09"): 5.5, ("SLA attainment", "2026-09"): 96.0}
    aliases = list_metrics(Store(store.path)).set_index("name").at["Incident MTTR", "aliases"]
    assert aliases.split(";") == ["MTTR", "平均修复时长"]
