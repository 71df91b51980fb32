"""The dashboard pages driven by streamlit.testing AppTest on a real temporary store."""

from __future__ import annotations

import datetime
import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analytics.demo import load_demo
from analytics.store import Store
from tests.conftest import ROOT, demo_loaded

TIMEOUT = 60


@pytest.fixture(autouse=True)
def sign_in_off(monkeypatch):
    """These tests drive the pages as the local admin; sign-in has its own tests (test_auth.py)."""
    monkeypatch.setenv("CSI_AUTH", "off")


@pytest.fixture
def app_store(tmp_path, monkeypatch):
    path = tmp_path / "app.duckdb"
    monkeypatch.setenv("CSI_DB", str(path))
    store = Store(path)
    store.ensure_schema()
    return store


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    load_demo(Store(path), datetime.date(2026, 11, 24))
    return path


def _app(page: str | None = None, lang: str | None = None, **params: str) -> AppTest:
    """The dashboard, switched to a page, with query parameters (metric=..., record=...) set on it."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    if lang:
        at.query_params["lang"] = lang
    at.run()
    if page:
        at.switch_page(page)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
    assert not at.exception, at.exception
    return at


def _widget(widgets, label: str, *, prefix: bool = False):
    """The widget with this label (or label prefix) among `widgets`; none fails the test."""
    return next(w for w in widgets if (w.label.startswith(label) if prefix else w.label == label))


def _text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [t.value for t in at.title] + [s.value for s in at.subheader]
    parts += [c.value for c in at.caption] + [e.value for e in at.error] + [i.value for i in at.info]
    return "\n".join(str(p) for p in parts)


def test_empty_store_shows_the_first_run_guide(app_store):
    at = _app(lang="en")
    assert "Welcome: the store is empty" in _text(at)
    assert "python -m analytics demo" in _text(at)
    assert at.button[0].label == "Load the demo data"


def test_first_run_guide_loads_the_demo(app_store):
    at = _app(lang="en")
    at.button[0].click().run()
    assert not at.exception
    assert not app_store.is_empty()
    assert at.metric[0].label == "Metrics" and int(at.metric[0].value) >= 20


def test_home_shows_the_store_in_chinese_by_default(app_store, demo_file, monkeypatch):
    monkeypatch.setenv("CSI_DB", str(demo_file))
    at = _app()
    assert at.title[0].value == "服务改进看板"
    labels = [m.label for m in at.metric]
    assert labels == ["指标数", "数据点", "覆盖月份", "最新月份", "上传次数"]
    assert at.metric[3].value == "2026-10"
    suggestions = next(d.value for d in at.dataframe if "text" in d.value.columns)
    assert "服务台积压工单" in set(suggestions["metric"])                  # the metric's Chinese name
    assert not set(suggestions["metric"]) & {"Service desk backlog", "Core system availability"}


def test_language_switch_changes_labels_and_url(app_store, demo_file, monkeypatch):
    monkeypatch.setenv("CSI_DB", str(demo_file))
    at = _app()
    at.radio(key="language_choice").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Service Improvement Dashboard"
    assert at.query_params["lang"] == ["en"] or at.query_params["lang"] == "en"


def test_upload_page_renders_history(app_store, demo_file, monkeypatch):
    monkeypatch.setenv("CSI_DB", str(demo_file))
    at = _app("pages/upload.py", lang="en")
    assert at.title[0].value == "Upload monthly data"
    assert "Upload history" in _text(at)
    assert at.dataframe[0].value["file_name"].tolist() == ["demo-data.csv"]
    # every format the reader takes can be picked in the browser's file dialog (a .tsv export, an .xls)
    offered = set(at.get("file_uploader")[0].proto.type)
    assert {".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"} <= offered


def _analysed(path, period=None):
    from analytics.analysis import analyse

    return analyse(Store(path), period).table.set_index("metric")


def _headline(at: AppTest) -> dict[str, int]:
    return {m.label: int(m.value) for m in at.metric}


def test_scorecard_defaults_to_the_latest_complete_month_with_exceptions_first(app_store, demo_file, monkeypatch):
    monkeypatch.setenv("CSI_DB", str(demo_file))
    at = _app("pages/scorecard.py", lang="en")
    assert at.selectbox(key="sc_period").value == "2026-10"
    table = _analysed(demo_file)
    counts = table["status"].value_counts()
    assert _headline(at)["Met"] == counts.get("met", 0) and _headline(at)["Missed"] == counts.get("missed", 0)
    assert _headline(at)["Concern signals"] == int(table["variation"].str.startswith("concern").sum())
    shown = at.dataframe[0].value
    assert shown["display_name"].iloc[0] == "Service desk backlog"          # priority 1 first
    assert shown["priority"].tolist()[:3] == ["1", "2", "3"]
    assert len(shown) == len(table)


def test_scorecard_filters_and_search(app_store, demo_file, monkeypatch):
    monkeypatch.setenv("CSI_DB", str(demo_file))
    at = _app("pages/scorecard.py", lang="en")
    at.multiselect(key="sc_status").set_value(["Met"]).run()   # AppTest takes the label shown
    shown = at.dataframe[0].value
    assert set(shown["status"]) == {"met"} and _headline(at)["Missed"] == 0
    at.multiselect(key="sc_status").set_value([]).run()
    at.text_input(key="sc_search").set_value("积压").run()                   # Chinese search text
    assert set(at.dataframe[0].value["name"]) == {"Service desk backlog", "Backlog over 30 days"}
    at.text_input(key="sc_search").set_value("no such metric").run()
    assert "No metric matches these filters." in _text(at)


def test_scorecard_names_processes_in_chinese_by_pinyin_and_finds_them(app_store, demo_file, monkeypatch):
    """The catalogue keeps a known process by its English key (a Chinese catalogue's 变更管理 too): a
    Chinese page names it in Chinese, lists it among the Chinese names by pinyin, and a search for
    the Chinese name finds its metrics."""
    monkeypatch.setenv("CSI_DB", str(demo_file))
    at = _app("pages/scorecard.py", lang="zh")
    shown = at.multiselect(key="sc_process").options
    # demo processes: SLA, availability, capacity, change, cost, incident, problem, release, service desk
    assert shown == ["变更管理", "成本管理", "发布管理", "服务级别管理", "服务台", "可用性管理", "容量管理", "事件管理",
                     "问题管理"]
    # bian < cheng < fa < fu-wu-j(i) < fu-wu-t(ai) < ke < rong < shi < wen
    at.multiselect(key="sc_process").set_value(["change"]).run()
    assert at.multiselect(key="sc_process").value == ["change"]     # kept as the catalogue spells it
    assert set(at.dataframe[0].value["name"]) == {"Change success rate", "Change lead time"}
    at.multiselect(key="sc_process").set_value([]).run()
    at.text_input(key="sc_search").set_value("变更管理").run()
    assert set(at.dataframe[0].value["name"]) == {"Change success rate", "Change lead time"}


def test_scorecard_period_switch_and_chinese_names(app_store, demo_file, monkeypatch):
    monkeypatch.setenv("CSI_DB", str(demo_file))
    at = _app("pages/scorecard.py")
    at.selectbox(key="sc_period").set_value("2025-06").run()
    assert not at.exception
    assert at.query_params["period"] in ("2025-06", ["2025-06"])
    shown = at.dataframe[0].value.set_index("name")
    table = _analysed(demo_file, "2025-06")
    assert shown.loc["Incident MTTR", "display_name"] == "事件平均解决时间"
    assert shown.loc["Incident MTTR", "actual"] == table.loc["Incident MTTR", "actual"]
    assert at.title[0].value == "月度评审"


def test_metric_detail_deep_link(app_store, demo_file, monkeypatch):
    monkeypatch.setenv("CSI_DB", str(demo_file))
    table = _analysed(demo_file)
    metric_id = int(table.loc["Incident MTTR", "metric_id"])
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.query_params["lang"] = "zh"
    at.query_params["metric"] = str(metric_id)
    at.run()
    at.switch_page("pages/metric.py")
    at.query_params["metric"] = str(metric_id)
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "事件平均解决时间"
    assert "Incident MTTR · 流程执行效率 · 事件管理 · 王磊" in at.caption[0].value     # the process in Chinese too
    assert any("Mann–Kendall" in m.value for m in at.markdown)
    versions = at.dataframe[1].value
    assert versions["from_period"].tolist()[-1] > versions["from_period"].tolist()[0]   # two cycles
    at.toggle[0].set_value(True).run()
    assert not at.exception


def test_metric_detail_upload_history_speaks_the_users_language(app_store, tmp_path, monkeypatch):
    """A re-uploaded value shows as replaced by the later upload, in Chinese, with Chinese headings."""
    from analytics.catalogue import import_catalogue
    from analytics.ingest import apply_ingest, plan_records

    import_catalogue(app_store, pd.DataFrame({"name": ["Incident MTTR"]}), by="t")
    for value in (6.0, 5.5):
        records = pd.DataFrame({"metric": ["Incident MTTR"], "period": ["2026-05"], "value": [value]})
        apply_ingest(app_store, plan_records(app_store, records, f"v{value}.csv"), by="王磊")
    at = _app("pages/metric.py", lang="zh", metric="1")
    history = next(d.value for d in at.dataframe if "upload_id" in d.value.columns)
    assert history[["value", "state", "upload_id", "uploaded_by"]].values.tolist() == [
        [5.5, "当前值", 2, "王磊"], [6.0, "已被上传 #2 替换", 1, "王磊"]]


def test_the_metric_page_shows_the_change_since_baseline_coloured_by_the_metrics_direction(app_store, demo_file,
                                                                                         monkeypatch):
    monkeypatch.setenv("CSI_DB", str(demo_file))
    row = _analysed(demo_file).loc["Incident MTTR"]
    at = _app("pages/metric.py", lang="en", metric=str(int(row["metric_id"])))
    actual = next(m for m in at.metric if m.label == "Actual")
    change = float(row["actual"]) - float(row["baseline"])          # lower is better: a fall shows green
    assert actual.delta == f"{change:+.{int(row['decimals'])}f} h since baseline"
    red, green = 0, 1                                                  # MetricProto.MetricColor
    assert actual.proto.color == (green if change < 0 else red)
    sla = _analysed(demo_file).loc["SLA attainment"]                   # higher is better: a rise shows green
    at = _app("pages/metric.py", lang="en", metric=str(int(sla["metric_id"])))
    change = float(sla["actual"]) - float(sla["baseline"])
    assert next(m for m in at.metric if m.label == "Actual").proto.color == (green if change > 0 else red)


def test_the_metric_page_shows_no_change_since_baseline_without_colour_or_arrow(app_store, demo_file, monkeypatch):
    """Seen on the page: 重大事件数 at its baseline (1 and 1) showed '↑ +0 较基准' in red, read as a worsening."""
    monkeypatch.setenv("CSI_DB", str(demo_file))
    row = _analysed(demo_file).loc["Major incidents"]
    assert float(row["actual"]) == float(row["baseline"])           # the demo's October: 1 against a baseline of 1
    at = _app("pages/metric.py", lang="zh", metric=str(int(row["metric_id"])))
    actual = next(m for m in at.metric if m.label == "实际值")
    gray, no_arrow = 2, 2                                            # MetricProto.MetricColor, MetricDirection
    assert (actual.delta, actual.proto.color, actual.proto.direction) == ("0 较基准", gray, no_arrow)


def test_metric_detail_unknown_id_is_a_warning_not_an_error(app_store, demo_file, monkeypatch):
    monkeypatch.setenv("CSI_DB", str(demo_file))
    at = _app("pages/metric.py", lang="en", metric="99999")          # no exception, only a warning
    assert "There is no metric #99999" in at.warning[0].value


def test_metric_detail_opened_from_the_menu_offers_the_metrics_needing_attention(app_store, demo_file, monkeypatch):
    """Opened with no metric, the page was a bare select box: it now lists the five metrics the
    review looks at first (priority order, as on the scorecard), and one click opens one."""
    monkeypatch.setenv("CSI_DB", str(demo_file))
    table = _analysed(demo_file)
    first_five = table[table["priority"].notna()].sort_values("priority").head(5)
    at = _app("pages/metric.py", lang="zh")
    assert at.title[0].value == "指标详情"          # the page's name, where a metric's name stands once chosen
    assert "或打开需要关注的指标(按评审优先级):" in _text(at)
    labels = [b.label for b in at.button if b.key and b.key.startswith("attention-")]
    assert first_five["status"].tolist() == ["missed"] * 5                      # the demo's worst five
    assert labels == [f"{name} · 未达标" for name in first_five["name_zh"]]
    at.button(key=f"attention-{int(first_five['metric_id'].iloc[0])}").click().run()
    assert not at.exception
    assert at.title[0].value == first_five["name_zh"].iloc[0]
    assert at.query_params["metric"] == str(int(first_five["metric_id"].iloc[0]))


def test_a_metric_without_values_yet_has_its_page_and_a_scorecard_row(app_store):
    """Found by exploratory testing: a metric added to the catalogue was 'not a metric' on its page
    and absent from the scorecard until its first upload."""
    from analytics.catalogue import import_catalogue
    from analytics.ingest import apply_ingest, plan_records

    import_catalogue(app_store, pd.DataFrame({"name": ["Incident MTTR", "Backup success"], "name_zh": [None, "备份成功率"],
                                              "unit": ["h", "%"], "direction": ["decrease", "increase"]}), by="t")
    records = pd.DataFrame({"metric": ["Incident MTTR"] * 3, "period": ["2026-08", "2026-09", "2026-10"],
                            "value": [6.0, 5.5, 5.0]})
    apply_ingest(app_store, plan_records(app_store, records, "v.csv"), by="t")
    at = _app("pages/metric.py", lang="zh", metric="2")
    assert not at.warning and at.title[0].value == "备份成功率"
    assert "无数据" in [m.value for m in at.metric]
    assert [i.value for i in at.info] == ["尚未导入 备份成功率 的任何数值:首次上传后即显示其控制图。"]   # no empty chart
    assert not at.get("plotly_chart") and not at.exception
    at = _app("pages/scorecard.py", lang="zh")
    table = next(d.value for d in at.dataframe if "status" in d.value.columns)
    assert table["status"].tolist() == ["no_target", "no_data"]          # shown through the page's labels


def test_review_pages_with_one_metric_and_one_month(app_store, tmp_path):
    from analytics.catalogue import import_catalogue
    from analytics.ingest import apply_ingest, plan_records

    import_catalogue(app_store, pd.DataFrame({"name": ["Only"], "direction": ["increase"], "target": [5.0],
                                              "from_period": ["2026-01"]}), by="t")
    apply_ingest(app_store, plan_records(app_store, pd.DataFrame(
        {"metric": ["Only"], "period": ["2026-01"], "value": [4.0]}), "one.csv"), by="t")
    at = _app("pages/scorecard.py", lang="en")
    assert at.dataframe[0].value["status"].tolist() == ["missed"]
    at = _app("pages/metric.py", lang="en")
    assert not at.exception


def test_metric_detail_forecast_says_what_it_rests_on(app_store):
    """A forecast from a slope that is not significant says so; a month with no value says that, not
    'no target or no direction'. The mean and limits are shown two places finer than the values."""
    from analytics.catalogue import import_catalogue
    from analytics.ingest import apply_ingest, plan_records

    import_catalogue(app_store, pd.DataFrame({"name": ["Only", "Other"], "direction": ["increase", "increase"],
                                              "target": [100.0, 1.0], "decimals": [0, 0],
                                              "from_period": ["2026-01", "2026-01"]}), by="t")
    # 90, 92, 89, 93, 90, 92: the 15 pairwise slopes sorted are -3, -3, -2/3, -0.5, -0.5, 0, 0, 0.4, 0.5,
    # 0.5, 1, 1, 2, 2, 4; Sen's slope is their median, 0.4 a month (p = 0.697: no trend); June's 92 is
    # 8 short of 100 -> 8 / 0.4 = 20 months
    months = [f"2026-0{m}" for m in range(1, 7)]
    records = pd.DataFrame({"metric": ["Only"] * 6 + ["Other"], "period": months + ["2026-07"],
                            "value": [90.0, 92.0, 89.0, 93.0, 90.0, 92.0, 1.0]})
    apply_ingest(app_store, plan_records(app_store, records, "v.csv"), by="t")
    june = _text(_app("pages/metric.py", lang="en", metric="1", period="2026-06"))
    assert "the target is reached in about 20 months. The trend is not significant" in june
    july = _app("pages/metric.py", lang="zh", metric="1", period="2026-07")
    assert "无预测:2026-07 没有数值。" in _text(july) and "无目标或中性指标" not in _text(july)
    numbers = next(d for d in july.dataframe if "lpl" in d.value.columns)
    config = numbers.proto.columns
    assert '"format": "%.2f"' in config.split('"mean"')[1].split("}")[0] and '"format": "%.0f"' in config


def test_review_pages_on_an_empty_store(app_store):
    for page in ("pages/scorecard.py", "pages/metric.py"):
        at = _app(page, lang="en")
        assert "No data yet" in _text(at)


def test_catalogue_page_sets_a_new_version_through_the_form(app_store):
    from analytics.baselines import list_versions

    demo_loaded(app_store, datetime.date(2026, 11, 25))
    at = _app("pages/catalogue.py", lang="en")
    assert at.title[0].value == "Metrics and baselines"
    at.selectbox(key="baseline_metric").select_index(0).run()
    form_inputs = at.number_input
    form_inputs[1].set_value(7.0)                           # target; baseline left empty = keep it
    texts = {ti.label: ti for ti in at.text_input}
    texts["Effective from"].set_value("2026-11")
    texts["Why (required)"].set_value("review agreed a tighter target")
    _widget(at.button, "Save the new version").click().run()
    assert not at.exception, at.exception
    versions = list_versions(app_store)
    latest = versions[versions["from_period"] == "2026-11"]
    assert len(latest) == 1 and latest["target"].iloc[0] == 7.0
    assert latest["reason"].iloc[0] == "review agreed a tighter target" and latest["baseline"].notna().all()
    assert any("version saved" in s.value for s in at.success)
    _widget(at.button, "Save the new version").click().run()           # again, the same: no second cycle
    assert len(list_versions(app_store).query("from_period == '2026-11'")) == 1
    assert any("unchanged" in s.value for s in at.success), [s.value for s in at.success]


def test_catalogue_page_refuses_a_back_dated_version_unless_ticked(app_store):
    """Found by exploratory testing: the form saved a version from a month before the latest one,
    changing cycles already reviewed. It is refused in the reader's language, naming the latest
    version; ticking the box sets it."""
    from analytics.baselines import list_versions, set_version

    demo_loaded(app_store, datetime.date(2026, 11, 25))
    set_version(app_store, "SLA attainment", baseline=None, target=96.0, from_period="2026-10", by="t", reason="r")
    before = list_versions(app_store)
    with app_store.read() as con:
        sla = con.execute("SELECT id FROM metric WHERE name = 'SLA attainment'").fetchone()[0]
    at = _app("pages/catalogue.py", lang="zh")
    at.selectbox(key="baseline_metric").set_value(sla).run()
    at.number_input[1].set_value(97.0)
    _widget(at.text_input, "生效月份").set_value("2026-06")             # the form's (the first of two)
    _widget(at.text_input, "原因(必填)").set_value("补录")
    _widget(at.button, "保存新版本").click().run()
    assert not at.exception, at.exception
    cycle = int(before.query("metric == 'SLA attainment'")["cycle"].max())
    assert f"指标“SLA达成率”的最新基准/目标版本(第 {cycle} 周期)自 2026-10 起生效" in _text(at), \
        _text(at)
    pd.testing.assert_frame_equal(list_versions(app_store), before)                 # nothing was written
    at.checkbox(key="set_backdate").check()
    _widget(at.button, "保存新版本").click().run()
    assert not at.exception, at.exception
    added = list_versions(app_store).query("metric == 'SLA attainment' and from_period == '2026-06'")
    assert added["target"].tolist() == [97.0]


@pytest.mark.parametrize("page", ["pages/catalogue.py", "pages/metric.py"])
def test_a_metric_picker_is_in_the_order_of_the_names_it_shows(app_store, page):
    """Found by exploratory testing: the baselines tab's picker was sorted by the English catalogue
    name, so the Chinese names it shows came in no order a reader could follow."""
    demo_loaded(app_store, datetime.date(2026, 11, 25))
    at = _app(page, lang="zh")
    shown = _widget(at.selectbox, "指标").options
    assert "SLA达成率" in shown and "事件平均解决时间" in shown
    # Chinese by pinyin, as a reader looks a name up: 变 bian < 超 chao < 核 he < 事 shi
    # (by code point 变 U+53D8 < 核 U+6838 < 超 U+8D85 < 事 U+4E8B is no order a reader knows)
    order = [shown.index(n) for n in ("变更成功率", "超期积压工单数", "核心系统可用性", "事件平均解决时间")]
    assert order == sorted(order), shown
    assert shown.index("SLA达成率") < order[0]          # Latin letters before Chinese


def _blocks(node):
    """Every block under an AppTest node, depth first."""
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _blocks(child)


def test_saving_a_version_keeps_the_baselines_tab_open(app_store):
    """Found by exploratory testing: saving a version reran the page and showed the first tab again,
    the catalogue, hiding the version just saved. The tabs keep their choice across the save."""
    demo_loaded(app_store, datetime.date(2026, 11, 25))
    at = _app("pages/catalogue.py", lang="en")
    at.session_state["catalogue_tabs"] = "Baselines and targets"          # as a click on the tab sets it
    at.run()
    at.number_input[1].set_value(7.0)
    _widget(at.text_input, "Why (required)").set_value("review")
    _widget(at.button, "Save the new version").click().run()
    assert not at.exception, at.exception
    assert any("version saved" in s.value for s in at.success)
    assert at.session_state["catalogue_tabs"] == "Baselines and targets"
    tabs = next(block for block in _blocks(at.main) if block.type == "tab_container")
    assert tabs.proto.tab_container.id.endswith("-catalogue_tabs")        # a widget: the browser shows its state
    at.radio(key="language_choice").set_value("zh").run()                 # another language: other labels, no error
    assert not at.exception, at.exception
    assert at.session_state["catalogue_tabs"] == "基准与目标"               # the same tab, in Chinese


@pytest.mark.parametrize("page, key, english, chinese", [
    ("pages/admin.py", "admin_tabs", "Change an account", "修改账户"),
    ("pages/plan.py", "plan_views", "Progress", "进度"),
])
def test_the_chosen_tab_stays_chosen_through_a_switch_of_language(app_store, page, key, english, chinese):
    """Streamlit keeps a tab by its label, which the other language does not have: the first tab
    opened again (pages.common.kept_tabs)."""
    demo_loaded(app_store, datetime.date(2026, 11, 25))
    at = _app(page, lang="en")
    at.session_state[key] = english                     # as a click on the tab sets it
    at.run()
    at.radio(key="language_choice").set_value("zh").run()
    assert not at.exception, at.exception
    assert at.session_state[key] == chinese


def test_catalogue_page_computes_a_baseline_from_a_window(app_store):
    demo_loaded(app_store, datetime.date(2026, 11, 25))
    at = _app("pages/catalogue.py", lang="en")
    at.selectbox(key="window_from").set_value("2026-05")
    at.selectbox(key="window_to").set_value("2026-07").run()
    assert not at.exception
    assert any("The Mean of 3 months is" in m.value for m in at.markdown)


def test_records_register_lists_the_demo_records(app_store):
    demo_loaded(app_store, datetime.date(2026, 11, 25))
    at = _app("pages/records.py", lang="en")
    shown = at.dataframe[0].value
    assert len(shown) == 3 and set(shown["state_text"]) == {"Monitoring", "Raised"}


def test_records_page_speaks_chinese_roles_names_and_steps(app_store):
    demo_loaded(app_store, datetime.date(2026, 11, 25))
    at = _app("pages/records.py", lang="zh")
    assert "陈静 (改进负责人)" in at.selectbox(key="acting_user").options
    assert at.multiselect(key="rec_states").proto.placeholder == "全部"     # not Streamlit's "Choose options"
    register = at.dataframe[0].value
    assert "事件平均解决时间" in set(register["metric"]) and "Incident MTTR" not in set(register["metric"])
    headers = json.loads(at.dataframe[0].proto.columns)  # a table header, not the form's "required when implementing"
    assert (headers["change_ref"]["label"], headers["go_live"]["label"]) == ("变更单号", "上线月份")
    at.query_params["record"] = "1"
    at.run()
    assert "**跟踪中** · 评审差距 · 事件平均解决时间 2025-09" in [m.value for m in at.markdown]
    assert any("**优先级**:中" in m.value for m in at.markdown)
    assert any("**变更单号**:CHG-2025-0412" in m.value for m in at.markdown)
    timeline = next(d.value for d in at.dataframe if "step" in d.value.columns)
    assert timeline["step"].iloc[0] == "提出" and "已提出 → 已批准" in set(timeline["step"])
    assert set(timeline["role"]) <= {"改进负责人", "服务负责人", "流程负责人", "质量管理", "管理员"}


def test_the_acting_user_is_kept_through_a_visit_to_another_page(app_store):
    """Sign-in off (a laptop in the meeting): the person chosen to act fell back to 陈静 on every visit
    to another page, and a step chosen for the admin became hers (已取消 on a monitored record)."""
    demo_loaded(app_store, datetime.date(2026, 11, 25))
    at = _app("pages/records.py", lang="zh")
    at.selectbox(key="acting_user").set_value("周敏").run()
    at.switch_page("pages/scorecard.py").run()
    at.switch_page("pages/records.py").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="acting_user").value == "周敏"


def _raise_on_the_page(store, metric: str, lang: str, title: str) -> AppTest:
    """The records page opened from a metric's gap for 2026-10, a record raised there by 陈静."""
    metric_id = int(_analysed(store.path).loc[metric, "metric_id"])
    at = _app("pages/records.py", lang=lang, metric=str(metric_id), period="2026-10")
    at.selectbox(key="acting_user").set_value("陈静").run()
    _widget(at.text_input, {"en": "Title", "zh": "标题"}[lang]).set_value(title)
    _widget(at.button, {"en": "Raise the record", "zh": "提交记录"}[lang]).click().run()
    assert not at.exception, at.exception
    return at


def test_a_record_raised_from_a_gap_goes_to_closed_and_starts_a_new_cycle(app_store):
    from analytics.baselines import list_versions
    from analytics.records import get_record

    demo_loaded(app_store, datetime.date(2026, 11, 25))
    at = _raise_on_the_page(app_store, "Backlog over 30 days", "en", "Daily stand-up on overdue tickets")
    record_id = int(at.query_params["record"][0] if isinstance(at.query_params["record"], list)
                    else at.query_params["record"])
    record = get_record(app_store, record_id)
    assert (record["state"], record["metric"], record["snapshot"]["status"]) == (
        "raised", "Backlog over 30 days", "missed")

    # the improvement owner cannot approve: no such step is offered to them
    assert all("Approved" not in r.options for r in at.radio if r.label == "Move to")
    at.selectbox(key="acting_user").set_value("刘洋").run()
    _widget(at.radio, "Move to").set_value("Approved")
    _widget(at.button, "Save the step").click().run()
    assert get_record(app_store, record_id)["state"] == "approved"

    at.selectbox(key="acting_user").set_value("陈静").run()
    _widget(at.radio, "Move to").set_value("Implementing")
    _widget(at.button, "Save the step").click().run()
    assert "give the change reference" in "\n".join(m.value for m in at.markdown)   # refused, nothing moved
    assert get_record(app_store, record_id)["state"] == "approved"
    _widget(at.radio, "Move to").set_value("Implementing")
    _widget(at.text_input, "Change reference", prefix=True).set_value("CHG-9")
    _widget(at.text_input, "Go-live", prefix=True).set_value("2026-04")
    _widget(at.button, "Save the step").click().run()
    assert get_record(app_store, record_id)["state"] == "implementing"

    at.selectbox(key="acting_user").set_value("周敏").run()
    _widget(at.radio, "Move to").set_value("Monitoring")
    _widget(at.button, "Save the step").click().run()
    at.selectbox(key="acting_user").set_value("刘洋").run()
    # the verify step shows the verdict; without effect, verifying needs a comment, refused under the records heading
    _widget(at.radio, "Move to").set_value("Verified (verification: Not yet)")
    _widget(at.button, "Save the step").click().run()
    assert [e.value for e in at.error] == ["This was not done; nothing was changed:"]
    assert "not effective; say why it is verified anyway" in "\n".join(m.value for m in at.markdown)
    assert get_record(app_store, record_id)["state"] == "monitoring"
    _widget(at.radio, "Move to").set_value("Verified (verification: Not yet)")
    _widget(at.text_area, "Comment", prefix=True).set_value("the backlog audit confirms it")
    _widget(at.button, "Save the step").click().run()
    _widget(at.radio, "Move to").set_value("Closed")
    _widget(at.button, "Save the step").click().run()
    assert not at.exception, at.exception
    record = get_record(app_store, record_id)
    assert record["state"] == "closed"
    versions = list_versions(app_store, "Backlog over 30 days")
    assert versions["from_period"].iloc[-1] == "2026-11" and versions["set_by"].iloc[-1] == "刘洋"
    assert list(record["events"]["to_state"]) == ["raised", "approved", "implementing", "monitoring", "verified",
                                                   "closed"]


def test_scorecard_shows_open_records_with_their_verdict(app_store):
    demo_loaded(app_store, datetime.date(2026, 11, 25))
    at = _app("pages/scorecard.py", lang="en")
    shown = at.dataframe[0].value.set_index("name")
    assert shown.loc["Incident MTTR", "open_records"] == "#1 Monitoring: Effective"
    assert shown.loc["First contact resolution", "open_records"] == "#2 Monitoring: Not yet"
    assert shown.loc["Service desk backlog", "open_records"] == "#3 Raised"
    assert shown.loc["SLA attainment", "open_records"] == ""


def test_annual_plan_page(app_store):
    demo_loaded(app_store, datetime.date(2026, 11, 25))
    at = _app("pages/plan.py", lang="en")
    labels = {m.label: m.value for m in at.metric}
    assert labels["Records raised"] == "3" and labels["Open at year end"] == "3"
    records = at.dataframe[1].value
    assert set(records["verdict"]) >= {"Effective", "Not yet"}
    assert "Incident MTTR" in set(records["metric"])
    zh = _app("pages/plan.py", lang="zh").dataframe[1].value
    assert {"事件平均解决时间", "一次解决率"} <= set(zh["metric"]) and "Incident MTTR" not in set(zh["metric"])


def test_quality_revises_a_monitored_plan_and_the_old_values_are_kept(app_store):
    from analytics.records import get_record

    demo_loaded(app_store, datetime.date(2026, 11, 25))
    at = _app("pages/records.py", lang="en", record="1")
    at.selectbox(key="acting_user").set_value("周敏").run()
    _widget(at.text_area, "Planned actions").set_value("Extend the rota to weekends")
    _widget(at.text_input, "Why the plan changes", prefix=True).set_value("night backlog")
    _widget(at.button, "Save the revision").click().run()
    assert not at.exception, at.exception
    record = get_record(app_store, 1)
    assert record["planned_actions"] == "Extend the rota to weekends"
    revision = record["events"][record["events"]["kind"] == "revision"].iloc[-1]
    assert revision["by_user"] == "周敏" and revision["comment"] == "night backlog"


def test_a_revision_refused_for_want_of_a_reason_keeps_what_was_typed(app_store):
    """Found by exploratory testing: the form cleared on submit, so '请说明计划变更的原因' came with every
    field typed emptied; once saved, the form starts afresh."""
    from analytics.records import get_record

    demo_loaded(app_store, datetime.date(2026, 11, 25))
    at = _app("pages/records.py", lang="zh", record="1")
    at.selectbox(key="acting_user").set_value("周敏").run()
    _widget(at.text_area, "改进措施").set_value("周末增加值班")
    _widget(at.text_input, "所需资源").set_value("两名工程师")
    _widget(at.button, "保存调整").click().run()
    assert "请说明计划变更的原因" in _text(at)
    assert (_widget(at.text_area, "改进措施").value, _widget(at.text_input, "所需资源").value) == (
        "周末增加值班", "两名工程师")
    _widget(at.text_input, "调整原因", prefix=True).set_value("夜间积压")
    _widget(at.button, "保存调整").click().run()
    assert get_record(app_store, 1)["planned_actions"] == "周末增加值班"
    assert _widget(at.text_input, "调整原因", prefix=True).value == ""


def test_a_revision_typed_while_someone_else_revised_the_record_is_refused_not_laid_over_it(app_store):
    """Found by exploratory testing: the second of two people revising one record was told there was
    nothing to change, and their text was replaced by the first one's without a word."""
    from analytics.records import get_record

    demo_loaded(app_store, datetime.date(2026, 11, 25))
    first, second = (_app("pages/records.py", lang="zh", record="1") for _ in range(2))
    for at in (first, second):
        at.selectbox(key="acting_user").set_value("周敏").run()
    _widget(first.text_area, "改进措施").set_value("方案A")
    _widget(first.text_input, "调整原因", prefix=True).set_value("甲")
    _widget(first.button, "保存调整").click().run()
    _widget(second.text_area, "改进措施").set_value("方案B")
    _widget(second.text_input, "调整原因", prefix=True).set_value("乙")
    _widget(second.button, "保存调整").click().run()
    assert not second.exception and "记录 #1 已被他人修改:请刷新页面查看最新计划后再调整" in _text(second)
    assert get_record(app_store, 1)["planned_actions"] == "方案A"
    second.run()                                             # the reloaded page shows the plan as it is now
    assert _widget(second.text_area, "改进措施").value == "方案A"


def test_the_improvement_owner_adds_a_monitoring_note_where_add_note_allows_it(app_store):
    """Found by exploratory testing: add_note allows the improvement owner, but the page showed the
    note form only to quality and the admin."""
    from analytics.records import get_record

    demo_loaded(app_store, datetime.date(2026, 11, 25))
    at = _app("pages/records.py", lang="zh", record="1")
    at.selectbox(key="acting_user").set_value("陈静").run()
    _widget(at.text_area, "跟踪记录").set_value("夜班积压已下降")
    _widget(at.button, "添加跟踪记录").click().run()
    assert not at.exception, at.exception
    note = get_record(app_store, 1)["events"].iloc[-1]
    assert (note["kind"], note["by_user"], note["comment"]) == ("note", "陈静", "夜班积压已下降")
    # not for the service owner, whom add_note refuses, nor on a record that is not implementing or monitoring
    at.selectbox(key="acting_user").set_value("刘洋").run()
    assert not any(b.label == "添加跟踪记录" for b in at.button)
    at.query_params["record"] = "3"
    at.selectbox(key="acting_user").set_value("陈静").run()
    assert not any(b.label == "添加跟踪记录" for b in at.button)


def test_the_revise_form_reaches_every_plan_field_and_sends_only_the_changed_ones(app_store):
    """Found by exploratory testing: the page could change only the planned actions, resources, due
    date and expected value; the title, root cause, owner, priority... only by the command line."""
    from analytics.records import get_record

    demo_loaded(app_store, datetime.date(2026, 11, 25))
    at = _app("pages/records.py", lang="zh", record="1")
    at.selectbox(key="acting_user").set_value("陈静").run()
    assert _widget(at.text_input, "标题").value == get_record(app_store, 1)["title"]
    priority = _widget(at.selectbox, "优先级")
    assert (priority.options, priority.value) == (["高", "中", "低"], "medium")     # as raised, shown translated
    expected_by = datetime.date.today() + datetime.timedelta(days=60)
    _widget(at.text_input, "标题").set_value("夜间工单无人处理")
    _widget(at.text_area, "根本原因").set_value("夜间无人值守")
    priority.set_value("high")
    _widget(at.text_input, "负责人").set_value("王磊")
    _widget(at.date_input, "预期达成日期").set_value(expected_by)
    _widget(at.text_input, "调整原因", prefix=True).set_value("复盘后明确原因")
    _widget(at.button, "保存调整").click().run()
    assert not at.exception, at.exception
    record = get_record(app_store, 1)
    assert (record["title"], record["root_cause"], record["priority"], record["owner"], record["expected_by"]) == (
        "夜间工单无人处理", "夜间无人值守", "high", "王磊", expected_by)
    revision = record["events"].iloc[-1]
    assert set(json.loads(revision["details"])) == {"title", "root_cause", "priority", "owner", "expected_by"}
    assert "记录 #1:计划已调整,原值保留在时间线中。" in [s.value for s in at.success] and not at.warning
    assert "#1 夜间工单无人处理" in [h.value for h in at.subheader]


def test_a_plan_field_emptied_in_the_revise_form_is_cleared(app_store):
    """Found by exploratory testing: an emptied field was read as "unchanged", so a due date set by
    mistake could never be removed on the page."""
    from analytics.records import get_record, revise_plan

    demo_loaded(app_store, datetime.date(2026, 11, 25))
    revise_plan(app_store, 1, by="陈静", reason="r", resources="两名工程师", due_date="2027-01-31")
    at = _app("pages/records.py", lang="zh", record="1")
    at.selectbox(key="acting_user").set_value("陈静").run()
    _widget(at.text_input, "所需资源").set_value("")
    _widget(at.date_input, "完成期限").set_value(None)
    _widget(at.text_input, "标题").set_value("")                   # the title cannot be emptied: left as it is
    _widget(at.text_input, "调整原因", prefix=True).set_value("不再需要")
    _widget(at.button, "保存调整").click().run()
    assert not at.exception and not at.error, (at.exception, at.error)
    record = get_record(app_store, 1)
    assert (record["resources"], record["due_date"], record["title"]) == (None, None, "二线值班轮岗缩短事件解决时间")
    assert set(json.loads(record["events"].iloc[-1]["details"])) == {"resources", "due_date"}


def test_the_change_fields_are_offered_as_a_correction_once_the_record_is_implementing(app_store):
    """Found by exploratory testing: on a monitored record the change reference and go-live fields
    still said 'required to implement', though there they only correct the values."""
    from analytics.records import move_record

    demo_loaded(app_store, datetime.date(2026, 11, 25))
    move_record(app_store, 3, "approved", by="刘洋")
    at = _app("pages/records.py", lang="zh", record="1")
    at.selectbox(key="acting_user").set_value("陈静").run()
    assert [w.label for w in at.text_input][:2] == ["变更单号(如需更正)", "上线月份(YYYY-MM,如需更正)"]
    at.query_params["record"] = "3"                                    # approved: to implement, they are needed
    at.run()
    assert [w.label for w in at.text_input][:2] == ["变更单号(实施时必填)", "上线月份(YYYY-MM,实施时必填)"]
    en = _app("pages/records.py", lang="en", record="1")
    assert [w.label for w in en.text_input][:2] == ["Change reference (变更单号), if it needs correcting",
                                                    "Go-live month (YYYY-MM), if it needs correcting"]


def test_a_due_or_expected_by_date_already_past_is_saved_with_a_warning(app_store):
    """Found by exploratory testing: a date in the past (a typo in the year) was accepted without a
    word. It is still saved (records are sometimes entered after the fact), and said."""
    from analytics.records import get_record

    demo_loaded(app_store, datetime.date(2026, 11, 25))
    past = datetime.date.today() - datetime.timedelta(days=30)
    at = _app("pages/records.py", lang="zh", record="1")
    at.selectbox(key="acting_user").set_value("陈静").run()
    _widget(at.date_input, "完成期限").set_value(past)
    _widget(at.text_input, "调整原因", prefix=True).set_value("补录")
    _widget(at.button, "保存调整").click().run()
    assert not at.exception, at.exception
    assert get_record(app_store, 1)["due_date"] == past
    assert [w.value for w in at.warning] == [f"完成期限 {past.isoformat()} 已过:如非事后补录,请核对日期。"]
    at.run()
    assert not at.warning                                             # said once, after saving

    at = _app("pages/records.py", lang="en")
    at.selectbox(key="acting_user").set_value("陈静").run()
    _widget(at.text_input, "Title").set_value("Audit finding: no night rota")
    _widget(at.selectbox, "Source").set_value("audit")
    _widget(at.date_input, "Expected by").set_value(past)
    _widget(at.date_input, "Due date").set_value(datetime.date.today() + datetime.timedelta(days=30))
    _widget(at.button, "Raise the record").click().run()
    assert not at.exception, at.exception
    record = get_record(app_store, 4)
    assert (record["title"], record["expected_by"], record["priority"]) == ("Audit finding: no night rota", past,
                                                                             "medium")
    assert [w.value for w in at.warning] == [(f"Expected by {past.isoformat()} is in the past: unless the record is "
                                              "entered after the fact, check the date.")]


def test_a_go_live_before_the_gap_month_is_saved_with_a_warning(app_store):
    """Found by exploratory testing: a go-live month before the month of the gap (a typo in the year,
    most often) was accepted without a word. It is still saved (a change already live can be
    recorded later), and said once."""
    from analytics.records import get_record, move_record

    demo_loaded(app_store, datetime.date(2026, 11, 25))
    move_record(app_store, 3, "approved", by="刘洋")
    gap_month = get_record(app_store, 3)["period"]
    at = _app("pages/records.py", lang="zh", record="3")
    at.selectbox(key="acting_user").set_value("陈静").run()
    _widget(at.radio, "转到").set_value("implementing")
    _widget(at.text_input, "变更单号", prefix=True).set_value("CHG-2026-0999")
    _widget(at.text_input, "上线月份", prefix=True).set_value("2025-09")
    _widget(at.button, "提交").click().run()
    assert not at.exception, at.exception
    assert (get_record(app_store, 3)["state"], get_record(app_store, 3)["go_live"]) == ("implementing", "2025-09")
    assert [w.value for w in at.warning] == [f"上线月份 2025-09 早于差距月份 {gap_month}:差距出现在变更上线之后,请核对上线月份。"]
    at.run()
    assert not at.warning


def test_reports_page_offers_the_download(app_store, demo_file, monkeypatch):
    monkeypatch.setenv("CSI_DB", str(demo_file))
    at = _app("pages/reports.py", lang="en")
    assert at.title[0].value == "Reports"
    assert at.selectbox(key="report_period").value == "2026-10"
    assert {m.label: m.value for m in at.metric}["Missed"] == str(
        int((_analysed(demo_file)["status"] == "missed").sum()))
    at.selectbox(key="report_format").set_value("pdf").run()
    assert not at.exception
    downloads = at.get("download_button")
    assert downloads and "PDF" in downloads[0].proto.label


@pytest.mark.parametrize("lang, title, processes, incident", [
    ("zh", "系统管理", "所辖流程(流程负责人上传范围)", "事件管理"),
    ("en", "Administration", "Processes (for process owners' uploads)", "incident")])
def test_administration_page_lists_the_demo_accounts_with_the_owners_process(demo_file, monkeypatch, lang, title,
                                                                              processes, incident):
    monkeypatch.setenv("CSI_DB", str(demo_file))
    at = _app("pages/admin.py", lang=lang)
    assert at.title[0].value == title
    accounts = at.dataframe[0].value
    assert len(accounts) == 6 and processes in [m.label for m in at.multiselect]
    assert accounts.set_index("name").loc["王磊", "processes"] == incident
    # by pinyin, as a reader looks a name up: chen < liu < wang < zhou (by code point 刘 < 周 < 王 < 陈)
    people = [n for n in accounts["name"] if n in ("陈静", "刘洋", "王磊", "周敏")]
    assert people == ["陈静", "刘洋", "王磊", "周敏"]
    assert [o for o in at.selectbox(key="admin_pick").options if o in people] == people
    assert accounts.set_index("name")["processes"].isna().sum() == 5     # no process: a missing cell, shown "–"


@pytest.mark.parametrize("page, tables", [("pages/home.py", 3), ("pages/upload.py", 1), ("pages/scorecard.py", 1),
                                          ("pages/metric.py", 3), ("pages/plan.py", 2), ("pages/records.py", 1),
                                          ("pages/catalogue.py", 2), ("pages/admin.py", 2)])
def test_every_table_shows_a_dash_for_an_empty_cell_and_a_date_without_midnight(app_store, page, tables):
    """Streamlit writes "None" in an empty cell unless told otherwise (the catalogue editor included),
    and a date column without a format as "2026-12-15 00:00:00" (a record's due date)."""
    demo_loaded(app_store, datetime.date(2026, 11, 25))
    at = _app(page, lang="zh", **({"metric": "1"} if page == "pages/metric.py" else {}))
    assert len(at.dataframe) >= tables
    for frame in at.dataframe:
        assert frame.proto.placeholder == "–"
        config = json.loads(frame.proto.columns or "{}")
        dates = [column for column in frame.value.columns if str(frame.value[column].dtype).startswith("datetime")]
        assert all(config.get(column, {}).get("type_config", {}).get("format") for column in dates), (page, dates)


def test_a_store_that_cannot_be_opened_is_explained_in_chinese(tmp_path, monkeypatch):
    broken = tmp_path / "not-a-store.duckdb"
    broken.write_bytes(b"this is a spreadsheet export, not a DuckDB file" * 100)
    monkeypatch.setenv("CSI_DB", str(broken))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.query_params["lang"] = "zh"
    at.run()
    assert not at.exception
    shown = " ".join(e.value for e in at.error)
    assert f"无法将 {broken} 作为数据库打开" in shown and "cannot be opened" not in shown


@pytest.mark.parametrize("lang, shown, not_shown", [
    ("zh", {"事件管理", "变更管理", "服务级别管理", "服务台"}, {"incident", "change", "SLA", "service desk"}),
    ("en", {"incident", "change", "SLA", "service desk"}, {"事件管理", "变更管理", "服务级别管理", "服务台"})])
def test_the_catalogue_editor_names_the_processes_in_the_pages_language(app_store, lang, shown, not_shown):
    """Found by exploratory testing: the Chinese editor's process column said incident and change."""
    demo_loaded(app_store, datetime.date(2026, 11, 25))
    at = _app("pages/catalogue.py", lang=lang)
    processes = set(next(frame for frame in at.dataframe if "process" in frame.value.columns).value["process"])
    assert shown <= processes and not processes & not_shown


def test_saving_the_catalogue_editor_untouched_changes_no_metric(app_store):
    """Found by exploratory testing: 保存目录修改 without an edit said "updated 22 metrics" and stamped
    every metric as updated by whoever pressed it, as an empty cell was not equal to itself."""
    demo_loaded(app_store, datetime.date(2026, 11, 25))
    with app_store.read() as con:
        stamps = con.execute("SELECT id, updated_at, updated_by FROM metric ORDER BY id").fetchall()
    at = _app("pages/catalogue.py", lang="zh")
    _widget(at.button, "保存目录修改").click().run()
    assert not at.exception, at.exception
    assert "没有需要保存的修改。" in [i.value for i in at.info]
    with app_store.read() as con:
        assert con.execute("SELECT id, updated_at, updated_by FROM metric ORDER BY id").fetchall() == stamps


@pytest.mark.e2e
def test_the_upload_preview_says_when_it_shows_only_the_first_values(browser, tmp_path, cli, store):
    """Found by exploratory testing: the preview table stopped at 5,000 values without a word."""
    from tests.e2e_server import streamlit_server, wait_for_app

    names = [f"Metric {i:03d}" for i in range(501)]
    (tmp_path / "catalogue.csv").write_text("name\n" + "\n".join(names) + "\n", encoding="utf-8")
    assert cli("metrics", "import", tmp_path / "catalogue.csv")[0] == 0
    month_file = tmp_path / "months.csv"               # 501 metrics x 10 months = 5,010 values
    month_file.write_text("metric,period,value\n" + "".join(
        f"{name},2026-{month:02d},{month}\n" for name in names for month in range(1, 11)), encoding="utf-8")
    with streamlit_server(store.path, tmp_path / "server.log") as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{url}/upload?lang=zh")
        wait_for_app(page)
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(month_file))
        wait_for_app(page)
        page.get_by_text("仅显示前 5,000 条,共 5,010 条数值。").wait_for(timeout=30_000)


def test_a_step_chosen_before_someone_else_moved_the_record_is_refused_not_applied(app_store):
    """QA: the admin opened monitored record #1 and chose 已取消; meanwhile 刘洋 verified it by the CLI;
    the admin's submit closed the record (Streamlit fell back to the first step offered for 'verified')
    and started a new baseline cycle."""
    from analytics.baselines import list_versions
    from analytics.records import get_record, move_record

    demo_loaded(app_store, datetime.date(2026, 11, 25))
    cycles = list_versions(app_store, "Incident MTTR")["cycle"].tolist()
    at = _app("pages/records.py", lang="zh", record="1")
    at.selectbox(key="acting_user").set_value("demo-admin").run()
    _widget(at.radio, "转到").set_value("已取消")
    _widget(at.text_area, "意见", prefix=True).set_value("项目取消,预算冻结")
    move_record(app_store, 1, "verified", by="刘洋", comment="已核实")           # the other person, meanwhile
    _widget(at.button, "提交").click().run()
    assert not at.exception, at.exception
    assert get_record(app_store, 1)["state"] == "verified"
    assert list_versions(app_store, "Incident MTTR")["cycle"].tolist() == cycles
    assert [e.value for e in at.error] == ["无法完成此操作,未做任何更改:"]
    assert "- 记录 #1 已被他人更改,现在为“已验证”;请刷新页面后再操作" in [m.value for m in at.markdown]
    at.run()                                                  # the next run offers the steps from 'verified'
    assert _widget(at.radio, "转到").options == ["已关闭", "已取消"]

    # a user left with no step at all is told so, not ignored: 刘洋 approves #3 while the admin cancels it
    at.query_params["record"] = "3"
    at.selectbox(key="acting_user").set_value("刘洋").run()
    _widget(at.radio, "转到").set_value("已批准")
    move_record(app_store, 3, "cancelled", by="demo-admin", comment="重复")
    _widget(at.button, "提交").click().run()
    assert get_record(app_store, 3)["state"] == "cancelled"
    assert "- 记录 #3 已被他人更改,现在为“已取消”;请刷新页面后再操作" in [m.value for m in at.markdown]


def test_a_record_reads_in_chinese_gap_table_timeline_details_and_closing_with_a_given_baseline(app_store):
    from analytics.baselines import list_versions

    demo_loaded(app_store, datetime.date(2026, 11, 25))
    at = _app("pages/records.py", lang="zh", record="1")
    snapshot = next(d.value for d in at.dataframe if "item" in d.value.columns).set_index("item")["value"]
    assert snapshot.to_dict() == {"月份": "2025-09", "实际值": "8.9", "目标": "8", "基准": "9.2", "差距": "0.9",
                                  "差距%": "11.25", "状态": "未达标", "变异": "普通原因变异",
                                  "保证": "时而达标时而未达标", "趋势": "→ 无显著趋势"}
    timeline = next(d for d in at.dataframe if "step" in d.value.columns)
    headers = json.loads(timeline.proto.columns)
    assert (headers["step"]["label"], headers["comment"]["label"], headers["details"]["label"]) == (
        "步骤", "意见", "详情")
    assert "变更单号:CHG-2025-0412;上线月份:2025-11" in set(timeline.value["details"])
    assert timeline.proto.row_height > 64               # Streamlit wraps a long comment only in rows above 4rem

    at.selectbox(key="acting_user").set_value("demo-admin").run()
    _widget(at.radio, "转到").set_value("已验证(效果验证:有效)")       # effective: no comment needed
    _widget(at.button, "提交").click().run()
    _widget(at.radio, "转到").set_value("已关闭")
    _widget(at.number_input, "新基准", prefix=True).set_value(6.2)
    _widget(at.number_input, "新目标", prefix=True).set_value(6.0)
    _widget(at.button, "提交").click().run()
    assert not at.exception, at.exception
    new = list_versions(app_store, "Incident MTTR").iloc[-1]
    assert (new["baseline"], new["target"], new["record_id"]) == (6.2, 6.0, 1)
    details = next(d.value for d in at.dataframe if "step" in d.value.columns)["details"].iloc[-1]
    assert details.startswith("新基准:6.2;新目标:6;起始月份:2026-11;基准版本:")


def test_people_who_cannot_raise_records_see_why_instead_of_the_form(app_store):
    demo_loaded(app_store, datetime.date(2026, 11, 25))
    at = _app("pages/records.py", lang="zh")
    at.selectbox(key="acting_user").set_value("访客").run()
    assert "访客(只读用户)不能登记改进记录;由服务改进负责人登记。" in [i.value for i in at.info]
    assert not any(b.label == "提交记录" for b in at.button)
    at.selectbox(key="acting_user").set_value("陈静").run()
    assert any(b.label == "提交记录" for b in at.button)


def test_rolling_back_on_the_page_says_which_created_metrics_went(app_store):
    from analytics.catalogue import import_catalogue, list_metrics
    from analytics.ingest import apply_ingest, plan_records

    import_catalogue(app_store, pd.DataFrame({"name": ["MTTR"]}), by="t")
    records = pd.DataFrame({"metric": ["MTTR", "备份成功率"], "period": ["2026-05"] * 2, "value": [6.0, 99.0]})
    apply_ingest(app_store, plan_records(app_store, records, "new.csv", create_metrics=True), by="t")
    at = _app("pages/upload.py", lang="zh")
    _widget(at.selectbox, "选择要回滚的上传").set_value(1)
    at.button(key="rollback_button").click().run()
    assert [s.value for s in at.success] == ["上传 #1 已回滚:撤回 2 个数值,恢复 0 个旧值。 其新建的指标已删除:备份成功率。"]
    assert list_metrics(app_store)["name"].tolist() == ["MTTR"]


def test_a_refused_rollback_is_not_called_a_file_that_cannot_be_loaded(app_store):
    """Found by exploratory testing: rolling back an upload whose values a later one replaced was
    refused under "the files cannot be loaded ... upload again", although no file was involved."""
    from analytics.catalogue import import_catalogue
    from analytics.ingest import apply_ingest, plan_records

    import_catalogue(app_store, pd.DataFrame({"name": ["MTTR"]}), by="t")
    for value in (6.0, 5.5):
        records = pd.DataFrame({"metric": ["MTTR"], "period": ["2026-05"], "value": [value]})
        apply_ingest(app_store, plan_records(app_store, records, f"v{value}.csv"), by="t")
    at = _app("pages/upload.py", lang="zh")
    _widget(at.selectbox, "选择要回滚的上传").set_value(1)
    at.button(key="rollback_button").click().run()
    assert [e.value for e in at.error] == ["无法完成此操作,未做任何更改:"]
    assert "上传 #1 无法回滚" in _text(at) and "重新上传" not in " ".join(e.value for e in at.error)


def test_the_upload_page_warns_before_rolling_back_values_a_verified_record_read(app_store):
    """Found by exploratory testing: rolling back the upload whose values verified a record turned
    its 'effective' into 'not enough evidence' without a word; the page says so before the click."""
    from analytics.ingest import apply_ingest, plan_records
    from analytics.records import move_record
    from analytics.uploads import list_uploads, records_verified_on

    demo_loaded(app_store, datetime.date(2026, 11, 25))
    move_record(app_store, 1, "verified", by="刘洋", comment="已核实")          # record #1: Incident MTTR
    other = pd.DataFrame({"metric": ["SLA attainment"], "period": ["2026-11"], "value": [99.5]})
    apply_ingest(app_store, plan_records(app_store, other, "sla.csv"), by="t")
    uploads = list_uploads(app_store)["id"].tolist()
    relied = [upload for upload in uploads if records_verified_on(app_store, upload)]
    free = [upload for upload in uploads if upload not in relied]
    assert relied and free
    at = _app("pages/upload.py", lang="zh")
    _widget(at.selectbox, "选择要回滚的上传").set_value(relied[0]).run()
    assert [w.value for w in at.warning] == [("记录 #1(已验证或已关闭)的效果验证用到了此上传的数值;回滚后将按回滚后的数值验证,"
                                             "结论可能改变。")]
    _widget(at.selectbox, "选择要回滚的上传").set_value(free[0]).run()
    assert not at.warning


def test_the_meeting_keeps_its_month_and_filters_from_scorecard_to_metric_and_back_and_to_reports(app_store, demo_file,
                                                                                                  monkeypatch):
    """Streamlit drops a widget's state on a run that does not show it: the metric page cleared
    the scorecard's process and category, and the reports opened on the latest month."""
    monkeypatch.setenv("CSI_DB", str(demo_file))
    at = _app("pages/scorecard.py", lang="zh")
    at.selectbox(key="sc_period").set_value("2026-09").run()
    at.multiselect(key="sc_process").set_value(["incident"]).run()
    at.multiselect(key="sc_category").set_value(["流程执行效率"]).run()     # AppTest takes the label shown
    owner = _analysed(demo_file, "2026-09").loc["Incident MTTR", "owner"]           # missed in 2026-09
    at.multiselect(key="sc_owner").set_value([owner]).run()
    at.multiselect(key="sc_status").set_value(["未达标", "接近"]).run()
    at.text_input(key="sc_search").set_value("事件").run()
    chosen = set(at.dataframe[0].value["name"])
    at.switch_page("pages/metric.py")
    at.query_params.clear()
    at.query_params["metric"] = str(_analysed(demo_file).loc["Incident MTTR", "metric_id"])
    at.query_params["period"] = "2026-09"
    at.run()
    assert not at.exception
    at.switch_page("pages/scorecard.py")          # as the back link or the sidebar: no filter in the URL
    at.query_params.clear()
    at.run()
    assert at.selectbox(key="sc_period").value == "2026-09"
    assert at.multiselect(key="sc_process").value == ["incident"]
    assert at.multiselect(key="sc_category").value == ["efficiency"]
    assert at.multiselect(key="sc_owner").value == [owner]          # found by exploratory testing: these three
    assert at.multiselect(key="sc_status").value == ["missed", "near"]      # were cleared
    assert at.text_input(key="sc_search").value == "事件"
    assert set(at.dataframe[0].value["name"]) == chosen
    at.switch_page("pages/reports.py")            # the sidebar link: no period in the URL
    at.query_params.clear()
    at.run()
    assert at.selectbox(key="report_period").value == "2026-09"
    assert at.selectbox(key="report_process").value == "incident"
    assert at.selectbox(key="report_category").value == "efficiency"
    at.selectbox(key="report_period").set_value("2026-08").run()
    at.switch_page("pages/scorecard.py")
    at.query_params.clear()
    at.run()
    assert at.selectbox(key="sc_period").value == "2026-08"


def test_a_store_held_by_another_program_is_a_message_in_the_page_s_language(app_store, monkeypatch):
    """Found by exploratory testing: with the store held by another program (a batch job, an admin's
    DuckDB shell) past the wait, every page showed Streamlit's English 'This app has encountered an
    error', even in zh."""
    import subprocess
    import sys

    from analytics.catalogue import import_catalogue
    from analytics.ingest import apply_ingest, plan_records

    import_catalogue(app_store, pd.DataFrame({"name": ["MTTR"]}), by="t")
    records = pd.DataFrame({"metric": ["MTTR"] * 2, "period": ["2026-08", "2026-09"], "value": [6.0, 5.5]})
    apply_ingest(app_store, plan_records(app_store, records, "v.csv"), by="t")
    monkeypatch.setenv("CSI_LOCK_TIMEOUT", "0.5")
    at = _app("pages/home.py", lang="zh")                  # the dashboard up, its store open and ready
    holder = subprocess.Popen([sys.executable, "-c", ("import duckdb, sys, time\nc = duckdb.connect(sys.argv[1])\n"
                               "print('held', flush=True)\ntime.sleep(60)"), str(app_store.path)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        at.switch_page("pages/scorecard.py")
        at.run()
    finally:
        holder.kill()
        holder.wait()
    assert not at.exception, at.exception
    assert [e.value for e in at.error][-1].startswith(f"出现问题:数据库 {app_store.path} 正忙")


def test_the_metric_page_opened_from_the_menu_is_on_the_meeting_s_month(app_store, demo_file, monkeypatch):
    """The metric page opened from the sidebar (no ?period=) showed the latest month, not the one the
    meeting is on; a link's month becomes the meeting's month for the other pages."""
    monkeypatch.setenv("CSI_DB", str(demo_file))
    metric_id = str(_analysed(demo_file).loc["Incident MTTR", "metric_id"])
    at = _app("pages/scorecard.py", lang="zh")
    at.selectbox(key="sc_period").set_value("2026-09").run()
    at.switch_page("pages/metric.py")
    at.query_params.clear()
    at.query_params["metric"] = metric_id
    at.run()
    assert not at.exception
    assert next(m for m in at.metric if m.label == "实际值").help == "2026-09"
    at.query_params["period"] = "2026-07"            # a link from the minutes
    at.run()
    at.switch_page("pages/reports.py")
    at.query_params.clear()
    at.run()
    assert at.selectbox(key="report_period").value == "2026-07"


def test_a_period_in_the_url_is_honoured_and_one_without_data_is_said(app_store, demo_file, monkeypatch):
    monkeypatch.setenv("CSI_DB", str(demo_file))
    at = _app("pages/reports.py", lang="zh", period="2026-09")
    assert at.selectbox(key="report_period").value == "2026-09"
    at = _app("pages/scorecard.py", lang="zh", period="2030-01")
    assert at.selectbox(key="sc_period").value == "2026-10"          # the latest complete month of the demo
    assert "2030-01 没有数据,显示的是 2026-10。" in _text(at)
    at = _app("pages/reports.py", lang="en", period="2030-01")
    assert "No data for 2030-01: showing 2026-10." in _text(at)


def test_reports_say_when_the_review_chose_several_processes(app_store, demo_file, monkeypatch):
    monkeypatch.setenv("CSI_DB", str(demo_file))
    at = _app("pages/scorecard.py", lang="zh")
    at.multiselect(key="sc_process").set_value(["incident", "problem"]).run()
    at.switch_page("pages/reports.py").run()
    assert at.selectbox(key="report_process").value is None
    assert "报告只能选一个流程、一个类别或全部:月度评审的流程选了多个,这里按全部生成。" in _text(at)
    at.selectbox(key="report_process").set_value("incident").run()      # chosen here: the review's choice now
    at.switch_page("pages/scorecard.py").run()
    assert at.multiselect(key="sc_process").value == ["incident"]


def test_raising_a_record_on_a_metric_with_an_open_one_says_so(app_store):
    """Found by exploratory testing: the same gap could be raised twice at a meeting without a word."""
    from analytics.records import OPEN_STATES, list_records

    demo_loaded(app_store, datetime.date(2026, 11, 25))
    records = list_records(app_store)
    open_on_mttr = records[(records["metric"] == "Incident MTTR") & records["state"].isin(OPEN_STATES)]
    assert len(open_on_mttr) == 1
    other = open_on_mttr.iloc[0]
    at = _raise_on_the_page(app_store, "Incident MTTR", "zh", "再次缩短解决时间")
    state = {"raised": "已提出", "approved": "已批准", "implementing": "实施中", "monitoring": "跟踪中",
             "verified": "已验证"}[other["state"]]
    assert f"该指标的记录 #{other['id']}({state})仍未关闭:请确认这不是同一项改进被重复登记。" in [
        w.value for w in at.warning]


def test_a_record_shows_its_expected_value_as_its_metric_shows_values(app_store):
    """Found by exploratory testing: an expected backlog of 120 tickets read 120.0."""
    from analytics.catalogue import import_catalogue
    from analytics.records import raise_record
    from analytics.users import add_user

    import_catalogue(app_store, pd.DataFrame({"name": ["Backlog"], "unit": ["件"], "decimals": [0]}), by="t")
    add_user(app_store, "陈静", "improvement_owner", by="t")
    record_id = raise_record(app_store, title="Clear the backlog", by="陈静", source="audit", metric="Backlog",
                             expected_value=120)
    at = _app("pages/records.py", lang="zh", record=str(record_id))
    shown = "\n".join(m.value for m in at.markdown)
    assert "**预期效果(目标值)**:120" in shown.splitlines()         # 件 is a count: shown without it


@pytest.mark.parametrize("page, field", [("pages/upload.py", "上传人"), ("pages/catalogue.py", "修改人")])
def test_an_emptied_author_name_says_why_the_save_buttons_wait(app_store, page, field):
    """Found by exploratory testing: with 上传人 emptied the confirm button greyed out without a word."""
    at = _app(page, lang="zh")
    assert f"请填写“{field}”:填写后才能保存。" not in [c.value for c in at.caption]
    _widget(at.text_input, field).set_value(" ").run()
    assert not at.exception, at.exception
    assert f"请填写“{field}”:填写后才能保存。" in [c.value for c in at.caption]



def test_the_report_language_follows_the_sidebar_language_until_chosen_otherwise(app_store, demo_file, monkeypatch):
    """Found by exploratory testing: switching the page to English left the report in Chinese."""
    monkeypatch.setenv("CSI_DB", str(demo_file))
    at = _app("pages/reports.py", lang="zh")
    assert at.selectbox(key="report_lang").value == "zh"
    at.radio(key="language_choice").set_value("en").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="report_lang").value == "en"
    assert at.subheader[0].value.startswith("Service improvement gap report")
    at.selectbox(key="report_lang").set_value("zh").run()          # a report in Chinese from the English page
    assert at.selectbox(key="report_lang").value == "zh" and at.subheader[0].value.startswith("服务改进差距报告")
    at.selectbox(key="report_format").set_value("html").run()       # stands while the page's language does
    assert at.selectbox(key="report_lang").value == "zh"
    at.radio(key="language_choice").set_value("zh").run()
    at.radio(key="language_choice").set_value("en").run()
    assert at.selectbox(key="report_lang").value == "en"


def test_the_scorecard_gap_percent_has_the_sign_of_the_gap_beside_it(app_store):
    """Found by exploratory testing: '+0.0%' beside a gap of '-0.04 pp' (the page rounded -0.04% to +0.0)."""
    from analytics.catalogue import import_catalogue
    from analytics.ingest import apply_ingest, plan_records

    import_catalogue(app_store, pd.DataFrame({"name": ["Availability"], "unit": ["%"], "direction": ["increase"],
                                              "target": [99.9], "decimals": [2], "from_period": ["2026-01"]}), by="t")
    apply_ingest(app_store, plan_records(app_store, pd.DataFrame(     # 0.04 points above its target
        {"metric": ["Availability"], "period": ["2026-01"], "value": [99.94]}), "one.csv"), by="t")
    at = _app("pages/scorecard.py", lang="en")
    row = at.dataframe[0].value.iloc[0]
    assert row["gap_text"] == "-0.04 pp"
    assert row["gap_pct"] < 0 and f"{row['gap_pct']:+.1f}%" == "-0.0%"     # the column's format, '%+.1f%%'


@pytest.mark.parametrize("lang, word", [("zh", "小时"), ("en", "h")])
def test_the_metric_page_and_scorecard_name_units_in_the_reader_s_language(app_store, demo_file, monkeypatch, lang,
                                                                          word):
    """Found by exploratory testing: '5.6 h' and an axis titled 'h' on the Chinese pages."""
    monkeypatch.setenv("CSI_DB", str(demo_file))
    metric_id = int(_analysed(demo_file).loc["Incident MTTR", "metric_id"])
    at = _app("pages/metric.py", lang=lang, metric=str(metric_id))
    values = [m.value for m in at.metric[:4]]
    assert all(v.endswith(f" {word}") for v in values), values
    layout = json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]
    assert next(a["text"] for a in layout["annotations"] if a.get("name") == "unit") == word    # above the axis
    table = next(d.value for d in _app("pages/scorecard.py", lang=lang).dataframe if "gap_text" in d.value.columns)
    assert table.set_index("name").loc["Incident MTTR", "actual_text"].endswith(f" {word}")


def _click_the_menu_link_to_this_page(at: AppTest) -> None:
    """Rerun as the browser does on a click of the sidebar's link to the page shown: with the states
    of the sidebar's widgets only (AppTest has no such click; it sends every widget's state)."""
    from streamlit.proto.WidgetStates_pb2 import WidgetStates
    from streamlit.testing.v1.element_tree import Widget, get_widget_state

    states = WidgetStates()
    states.widgets.extend(get_widget_state(node) for node in at.sidebar if isinstance(node, Widget))
    at._run(states)


def test_the_menu_link_to_the_records_page_shows_the_register_not_the_record_open(app_store):
    """Found by exploratory testing: the sidebar's 服务改进记录 link kept ?record=1, so going back to
    the register from a record opened the record again."""
    demo_loaded(app_store, datetime.date(2026, 11, 25))
    at = _app("pages/records.py", lang="zh", record="1")
    assert at.subheader[0].value.startswith("#1 ")
    at.selectbox(key="acting_user").set_value("王磊").run()
    assert at.subheader[0].value.startswith("#1 ") and at.query_params["record"] in ("1", ["1"])   # a click on it
    at.radio(key="language_choice").set_value("en").run()                                          # stays open
    assert at.subheader[0].value.startswith("#1 ")
    _click_the_menu_link_to_this_page(at)
    assert not at.exception, at.exception
    assert at.subheader[0].value == "Register" and "record" not in at.query_params
    _click_the_menu_link_to_this_page(at)
    assert at.subheader[0].value == "Register"


def test_the_baseline_computed_on_the_catalogue_page_names_its_unit_in_chinese(app_store):
    """As the scorecard and the metric page: '5.6 小时', where it said '5.6 h' (the catalogue keeps h)."""
    demo_loaded(app_store, datetime.date(2026, 11, 25))
    at = _app("pages/catalogue.py", lang="zh")
    mttr = next(o for o in at.selectbox(key="baseline_metric").options if o == "事件平均解决时间")
    at.selectbox(key="baseline_metric").select(mttr).run()
    computed = [m.value for m in at.markdown if "个月的" in m.value]
    assert computed and computed[0].endswith(" 小时。"), computed


@pytest.mark.e2e
def test_streamlits_own_english_words_are_not_shown_on_a_chinese_page(browser, tmp_path, store):
    """Found by exploratory testing: typing in a record's 意见 box showed "Press Ctrl+Enter to apply",
    and the upload page's drop zone said "Upload" and "100MB per file • CSV, …": Streamlit's own English
    in the middle of a Chinese page. An English page keeps Streamlit's words."""
    from playwright.sync_api import expect

    from tests.e2e_server import streamlit_server, wait_for_app

    def drawn(locator) -> str:           # what the reader sees: the Chinese is drawn after the English, kept at 0 px
        return locator.evaluate("e => getComputedStyle(e).fontSize === '0px' ? "
                                "JSON.parse(getComputedStyle(e, '::after').content) : e.innerText")

    demo_loaded(store, datetime.date(2026, 11, 25))
    with streamlit_server(store.path, tmp_path / "server.log") as url:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"{url}/records?lang=zh&record=1")
        wait_for_app(page)
        comment = {"zh": "意见(驳回", "en": "Comment (required"}      # the step's comment box, by its label
        page.get_by_role("textbox", name=comment["zh"]).fill("已与变更经理确认")
        hint = page.get_by_test_id("InputInstructions")
        expect(hint).to_have_count(1)
        expect(hint).to_be_hidden()
        page.get_by_test_id("stSidebar").get_by_text("English", exact=True).click()
        expect(page.get_by_role("heading", name="Next step")).to_be_visible(timeout=30_000)
        page.get_by_role("textbox", name=comment["en"]).fill("Agreed with the change manager")
        expect(hint).to_contain_text("Enter to apply")
        expect(hint).to_be_visible()

        zone = page.get_by_test_id("stFileUploaderDropzone")
        button, limit = zone.get_by_role("button").locator("p"), page.get_by_test_id("stFileUploaderDropzoneInstructions")
        for lang, words in [("zh", ("选择文件", "每个文件不超过 100 MB · CSV、ODS、TSV、TXT、XLS、XLSB、XLSM、XLSX")),
                            ("en", ("Upload", "100MB per file • CSV, ODS, TSV, TXT, XLS, XLSB, XLSM, XLSX"))]:
            page.goto(f"{url}/upload?lang={lang}")
            wait_for_app(page)
            if lang == "zh":
                expect(button).to_have_css("font-size", "0px")     # the page's style has arrived
            expect(button).to_contain_text("Upload")
            assert (drawn(button), drawn(limit.locator("span"))) == words
