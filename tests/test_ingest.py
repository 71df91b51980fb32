"""Loading files into the store: exact values stored, refusals, supersede, rollback, dry run."""

from __future__ import annotations

import datetime

import pandas as pd
import pytest
import xlsxwriter

from analytics.errors import InputRefused
from analytics.i18n import t
from analytics.ingest import apply_ingest, plan_ingest
from analytics.localise import message_text, problem_text
from analytics.observations import current_observations
from analytics.plausibility import CellDoubt
from analytics.uploads import list_suggestions, list_uploads, value_history

CATALOGUE = """name,name_zh,aliases,unit,category,direction,tolerance
Incident MTTR,事件平均解决时间,MTTR,h,efficiency,decrease,0.5
SLA attainment,SLA达成率,,%,quality,increase,1
First contact resolution,一次解决率,FCR,%,effectiveness,increase,2
"""


@pytest.fixture
def catalogue(store, cli, tmp_path):
    path = tmp_path / "catalogue.csv"
    path.write_text(CATALOGUE, encoding="utf-8")
    assert cli("metrics", "import", path)[0] == 0
    return store


def _csv(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _stored(store):
    frame = current_observations(store)
    return {(m, p): v for m, p, v in frame.itertuples(index=False)}


def _table(store, sql):
    with store.read() as con:
        return con.execute(sql).fetchall()


def test_long_csv_is_stored_exactly(catalogue, cli, tmp_path):
    path = _csv(tmp_path, "may.csv", "指标,月份,数值,备注\nMTTR,2026-04,6.5,\n事件平均解决时间,2026年5月,\"1,234.5\",late\n"
                "SLA attainment,2026/5,95%,\nFCR,2026-05,N/A,not measured\n")
    code, out, err = cli("ingest", path, "--by", "alice", "--source", "survey")
    assert code == 0, err
    assert "may.csv: 4 rows, 3 new, 0 changed, 0 unchanged, 1 missing" in out
    assert _stored(catalogue) == {("Incident MTTR", "2026-04"): 6.5, ("Incident MTTR", "2026-05"): 1234.5,
                                  ("SLA attainment", "2026-05"): 95.0}
    upload = list_uploads(catalogue).iloc[0]
    assert (upload["file_name"], upload["uploaded_by"], upload["source"], upload["rows_read"], upload["values_new"],
            upload["values_missing"], upload["outcome"]) == ("may.csv", "alice", "survey", 4, 3, 1, "applied")
    assert len(upload["sha256"]) == 64
    assert _table(catalogue, "SELECT note, sheet, row_number FROM observation ORDER BY row_number") == [
        (None, None, 2), ("late", None, 3), (None, None, 4)]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_each_csv_encoding(catalogue, cli, tmp_path, encoding):
    path = _csv(tmp_path, f"{encoding}.csv", "指标名称,期间,实际值\n事件平均解决时间,2026-05,7.25\n", encoding)
    code, _, err = cli("ingest", path)
    assert code == 0, err
    assert _stored(catalogue) == {("Incident MTTR", "2026-05"): 7.25}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])            # a workbook's refusal comes from its reading process
def test_a_refused_file_also_gets_every_other_refusal_of_its_rows(catalogue, cli, tmp_path, kind):
    """A cell that is not a number, a misspelt name, minutes and a percentage for a metric kept in
    hours, a month given twice: all in one round, not one at each upload."""
    rows = [["指标", "月份", "数值"], ["SLA达成率", "2026-10", "九十五"], ["事件平均解决时问", "2026-10", 4.5],
            ["一次解决率", "2026-10", 72], ["事件平均解决时间", "2026-09", "270分钟"], ["事件平均解决时间", "2026-08", "95%"],
            ["一次解决率", "2026-10", 73]]
    if kind == "csv":
        path = _csv(tmp_path, "十月.csv", "".join(",".join(map(str, row)) + "\n" for row in rows))
    else:
        path = tmp_path / "十月.xlsx"
        with xlsxwriter.Workbook(path) as book:
            sheet = book.add_worksheet("数据")
            for r, row in enumerate(rows):
                sheet.write_row(r, 0, row)
    where = "" if kind == "csv" else ", sheet '数据'"
    in_minutes = "'Incident MTTR' is in 分钟 here, but the catalogue keeps it in h; convert the values to h first"
    also = "on" if kind == "csv" else "in sheet '数据'"
    code, _, err = cli("ingest", path)
    assert code == 1
    assert err.splitlines() == [                                  # row by row, what concerns the file last
        f"{path.name}{where}, row 2, column C (数值): '九十五' is not a number",
        f"{path.name}{where}, row 3, column A (指标): unknown metric '事件平均解决时问' (closest in the catalogue: 'Incident MTTR')",
        f"{path.name}{where}, row 5, column C (数值): {in_minutes}",
        (f"{path.name}{where}, row 6, column C (数值): '95%' is a percentage, but 'Incident MTTR' is kept in h: check that "
         "this row is that metric's, and write its value in h, without %"),
        f"{path.name}{where}, row 7, column B (月份): '一次解决率' 2026-10 appears twice (also {also} row 4): value 73 here, 72 there",
        (f"{path.name}: 1 unknown metric name(s): add them to the catalogue (metrics import) or load with "
         "--create-metrics; nothing was written")]
    code, _, err = cli("ingest", path, "--create-metrics")       # a new metric is no problem then: the rest still are
    assert code == 1 and err.splitlines()[:2] == [f"{path.name}{where}, row 2, column C (数值): '九十五' is not a number",
                                                  f"{path.name}{where}, row 5, column C (数值): {in_minutes}"]
    assert _stored(catalogue) == {}


def test_a_refused_file_whose_rows_all_lack_a_name_is_refused_for_its_cells(catalogue, cli, tmp_path):
    """No metric to check the rows against: the cells' problems alone (the fuzz test found this)."""
    code, _, err = cli("ingest", _csv(tmp_path, "n.csv", "metric,period,value\n,MTTR,MTTR\n"))
    assert code == 1 and err.splitlines() == [
        "n.csv, row 2, column A (metric): the row has values but no metric name",
        "n.csv, row 2, column B (period): 'MTTR' is not a month (write it like 2026-05 or 2026年5月)",
        "n.csv, row 2, column C (value): 'MTTR' is not a number"]


def test_a_refused_file_does_not_keep_the_other_files_problems_for_later(catalogue, cli, tmp_path):
    """A monthly batch of several owners' files: one file's bad cell, another's unknown metric and a
    third that is fine are all checked in the same run."""
    bad_cell = _csv(tmp_path, "a.csv", "指标,月份,数值\nSLA达成率,2026-10,九十五\n")
    unknown = _csv(tmp_path, "b.csv", "指标,月份,数值\n可用性,2026-10,99.9\n")
    fine = _csv(tmp_path, "c.csv", "指标,月份,数值\n一次解决率,2026-10,72\n")
    code, _, err = cli("ingest", bad_cell, unknown, fine)
    assert code == 1 and err.splitlines() == [
        "a.csv, row 2, column C (数值): '九十五' is not a number",
        "b.csv, row 2, column A (指标): unknown metric '可用性'",
        ("b.csv: 1 unknown metric name(s): add them to the catalogue (metrics import) or load with --create-metrics; "
         "nothing was written")]
    assert _stored(catalogue) == {}


def test_wide_xlsx_with_title_rows_percent_cells_and_dates(catalogue, cli, tmp_path):
    path = tmp_path / "wide.xlsx"
    wb = xlsxwriter.Workbook(path)
    info = wb.add_worksheet("填写说明")
    info.write(0, 0, "请在“数据”表中按月填写各指标的实际值。")
    ws = wb.add_worksheet("数据")
    title = wb.add_format({"bold": True})
    pct = wb.add_format({"num_format": "0.0%"})
    month = wb.add_format({"num_format": "yyyy-mm"})
    ws.merge_range(0, 0, 0, 3, "2026年 运维服务指标月报", title)
    ws.write_row(2, 0, ["指标", "单位"])
    import datetime
    ws.write_datetime(2, 2, datetime.datetime(2026, 4, 1), month)
    ws.write_datetime(2, 3, datetime.datetime(2026, 5, 17), month)
    ws.write_row(3, 0, ["SLA attainment", "%"])
    ws.write_number(3, 2, 0.952, pct)
    ws.write_number(3, 3, 0.9375, pct)
    ws.write_row(4, 0, ["Incident MTTR", "h", 6.1, None])
    wb.close()
    code, out, err = cli("ingest", path)
    assert code == 0, err
    assert "sheet '填写说明' skipped" in out
    assert _stored(catalogue) == {("SLA attainment", "2026-04"): 95.2, ("SLA attainment", "2026-05"): 93.75,
                                  ("Incident MTTR", "2026-04"): 6.1}
    assert _table(catalogue, "SELECT sheet, row_number FROM observation WHERE value = 93.75") == [("数据", 4)]


def test_unknown_metrics_refuse_the_whole_file_with_closest_names(catalogue, cli, tmp_path):
    path = _csv(tmp_path, "u.csv", "metric,period,value\nIncident MTTR,2026-05,6\nIncident MTTA,2026-05,0.5\n")
    code, _, err = cli("ingest", path)
    assert code == 1
    assert "u.csv, row 3, column A (metric): unknown metric 'Incident MTTA' (closest in the catalogue: 'Incident MTTR')" in err
    assert "add them to the catalogue" in err and "--create-metrics" in err
    assert _stored(catalogue) == {} and list_uploads(catalogue).empty


@pytest.mark.parametrize("written", ["事件平均解决时间（小时）", "Incident MTTR (h)", "MTTR(hours)", "SLA达成率(%)",
                                     "1、SLA达成率", "（二）事件平均解决时间（小时）", "12. MTTR", "(3)SLA达成率",
                                     "SLA达成率%", "SLA达成率 ％", "MTTR/h", "事件平均解决时间 / 小时",
                                     # marks and footnote references
                                     "SLA达成率*", "★SLA达成率", "※ 事件平均解决时间", "SLA达成率¹", "SLA达成率（注1）",
                                     "事件平均解决时间[2]", "1、SLA达成率*",
                                     # a section's number, a circled number, the metric's alias in brackets
                                     "1.1 事件平均解决时间", "2.3.1 SLA达成率", "①SLA达成率", "事件平均解决时间（MTTR）"])
def test_a_name_with_a_list_number_or_its_own_unit_in_brackets_is_that_metric(catalogue, cli, tmp_path, written):
    path = _csv(tmp_path, "u.csv", f"metric,period,value\n{written},2026-05,6\n")
    code, _, err = cli("ingest", path)
    assert code == 0, err
    metric = "SLA attainment" if "SLA" in written else "Incident MTTR"
    assert _stored(catalogue) == {(metric, "2026-05"): 6.0}


@pytest.mark.parametrize("written", ["故障数/万次", "工单量/张", "事件数 / 千次"])
def test_a_count_after_a_slash_is_what_a_rate_is_per_not_the_name_s_unit(store, cli, tmp_path, written):
    """故障数/万次 is failures per ten thousand transactions, another metric than 故障数: it was
    taken for 故障数 written in 万次 and refused as 'the catalogue keeps 故障数 in count, not 万次; convert the
    values', which cannot be done; and 工单量/张 was loaded as 工单量."""
    assert cli("metrics", "import", _csv(tmp_path, "c.csv", "name,unit\n故障数,count\n工单量,张\n事件数,次\n"))[0] == 0
    code, _, err = cli("ingest", _csv(tmp_path, "u.csv", f"指标,月份,数值\n{written},2026-05,6\n"))
    assert code == 1
    assert f"unknown metric '{written}' (closest in the catalogue: " in err and "convert the values" not in err


@pytest.mark.parametrize("written, loads", [("单张工单成本(元/张)", True), ("人均IT成本（元/人）", True),
                                            ("单张工单成本(小时/张)", False), ("人均IT成本（核心）", False)])
def test_an_amount_per_thing_in_brackets_is_the_metric_kept_in_that_amount(store, cli, tmp_path, written, loads):
    """单张工单成本(元/张), a cost per ticket written with its unit per ticket, was refused as unknown
    for a metric kept in 元; hours per ticket, or a qualifier (核心), is still not that metric."""
    assert cli("metrics", "import", _csv(tmp_path, "c.csv", "name,unit\n单张工单成本,元\n人均IT成本,¥\n"))[0] == 0
    code, _, err = cli("ingest", _csv(tmp_path, "u.csv", f"指标,月份,数值\n{written},2026-05,94\n"))
    assert (code == 0) == loads, err
    if loads:
        assert list(_stored(store).values()) == [94.0]


@pytest.mark.parametrize("written, metric", [("2、30天以上积压", "30天以上积压"), ("（3）30天以上积压", "30天以上积压"),
                                             ("4) 30天以上积压", "30天以上积压"), ("1.5小时响应率", "1.5小时响应率"),
                                             ("1. 1.5小时响应率", "1.5小时响应率")])
def test_a_list_number_before_a_name_that_starts_with_a_number_is_dropped(store, cli, tmp_path, written, metric):
    """Found by fuzzing: 2、30天以上积压 kept its list number (a digit after 、 was taken for the rest
    of a decimal, as 1.5 is) and was refused as unknown. A dot before a digit is still a decimal point."""
    assert cli("metrics", "import", _csv(tmp_path, "c.csv", "name,unit\n30天以上积压,件\n1.5小时响应率,%\n"))[0] == 0
    code, _, err = cli("ingest", _csv(tmp_path, "u.csv", f"指标,月份,数值\n{written},2026-05,6\n"))
    assert code == 0, err
    assert _stored(store) == {(metric, "2026-05"): 6.0}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_characters_that_show_nothing_are_not_read(catalogue, cli, tmp_path, kind):
    """Found by probing: text pasted from a web page or WeChat carries a zero-width space (U+200B),
    a byte-order mark (U+FEFF) or a soft hyphen (U+00AD). '5' with one after it was refused as not
    a number, 'SLA达成率' as an unknown metric, and the owner could see nothing wrong."""
    rows = [["指标", "月份", "数值"], ["SLA达成率\u200b", "2026-10", "95.1"], ["事件平均解决时间", "2026-10", "5\u200b"],
            ["\ufeff一次解决率", "2026\u00ad-10", "70\u2060"]]
    if kind == "csv":
        path = _csv(tmp_path, "z.csv", "".join(",".join(row) + "\n" for row in rows))
    else:
        path = _sheet_file(tmp_path / "z.xlsx", rows)
    code, _, err = cli("ingest", path)
    assert code == 0, err
    assert _stored(catalogue) == {("SLA attainment", "2026-10"): 95.1, ("Incident MTTR", "2026-10"): 5.0,
                                  ("First contact resolution", "2026-10"): 70.0}


def test_a_line_break_typed_inside_a_name_is_joined(catalogue, cli, tmp_path):
    """Found by fuzzing: ' SL⏎A达成率 ' as a heading (a break typed to wrap a narrow column) was
    refused as unknown. Between words (Incident⏎MTTR) the break still reads as a space."""
    rows = [["月份", " SL\nA达成率 ", "Incident\nMTTR"], ["2026-10", 95.1, 5.5]]
    code, _, err = cli("ingest", _sheet_file(tmp_path / "u.xlsx", rows))
    assert code == 0, err
    assert _stored(catalogue) == {("SLA attainment", "2026-10"): 95.1, ("Incident MTTR", "2026-10"): 5.5}


@pytest.mark.parametrize("written, message", [
    ("事件平均解决时间（分钟）", ("unknown metric '事件平均解决时间（分钟）': the catalogue keeps 'Incident MTTR' in h, not 分钟; "
                          "convert the values to h first")),
    ("SLA达成率(核心)", "unknown metric 'SLA达成率(核心)' (closest in the catalogue: 'SLA attainment')"),
    ("2. 事件平均解决时间(min)", ("unknown metric '2. 事件平均解决时间(min)': the catalogue keeps 'Incident MTTR' in h, "
                             "not min; convert the values to h first")),
    ("MTTR/分钟", "unknown metric 'MTTR/分钟': the catalogue keeps 'Incident MTTR' in h, not 分钟; convert the values to h first"),
    ("MTTR/月", "unknown metric 'MTTR/月' (closest in the catalogue: 'Incident MTTR')"),      # a rate, not a unit
])
def test_a_name_with_another_unit_or_a_qualifier_in_brackets_is_refused(catalogue, cli, tmp_path, written, message):
    """Minutes loaded as hours would be sixty times wrong; 核心 is a different metric, not a unit."""
    path = _csv(tmp_path, "u.csv", f"metric,period,value\n{written},2026-05,300\n")
    code, _, err = cli("ingest", path)
    assert code == 1 and f"u.csv, row 2, column A (metric): {message}" in err
    assert ("1 unknown metric name(s)" in err) == ("closest" in message)
    assert _stored(catalogue) == {}


def test_an_amount_in_万元_for_a_metric_kept_in_元_is_refused_with_what_to_do(store, cli, tmp_path):
    """0.035 万元 loaded as 元 would be ten thousand times wrong."""
    assert cli("metrics", "import", _csv(tmp_path, "c.csv", "name,name_zh,unit\nCost per ticket,单张工单成本,元\n"))[0] == 0
    code, _, err = cli("ingest", _csv(tmp_path, "u.csv", "指标,月份,数值\n单张工单成本(万元),2026-05,0.035\n"))
    assert code == 1
    assert err.splitlines()[0] == ("u.csv, row 2, column A (指标): unknown metric '单张工单成本(万元)': the catalogue keeps 'Cost per ticket' "
                                   "in 元, not 万元; convert the values to 元 first")


def test_a_name_in_another_unit_is_not_created_as_a_new_metric(catalogue, cli, tmp_path):
    path = _csv(tmp_path, "u.csv", "metric,period,value\n事件平均解决时间(min),2026-05,300\nIncident MTTA,2026-05,1\n")
    code, _, err = cli("ingest", path, "--create-metrics")
    assert code == 1
    assert err.splitlines() == [("u.csv, row 2, column A (metric): unknown metric '事件平均解决时间(min)': the catalogue keeps 'Incident MTTR' "
                                 "in h, not min; convert the values to h first")]
    assert _stored(catalogue) == {} and _table(catalogue, "SELECT count(*) FROM metric") == [(3,)]


@pytest.mark.parametrize("content, message", [
    ("指标,月份,数值\n事件平均解决时间,2026-05,5.5\n事件平均解决时间,2026-06,-3.2\n",
     ("u.csv, row 3, column C (数值): -3.2 is below zero, but 'Incident MTTR' is kept in h, which cannot be negative: "
     "check the sign")),
    ("指标,2026-05,2026-06\nSLA达成率,95,96\nMTTR,5.5,\u22124\n",           # the minus of Word and web pages
     ("u.csv, row 3, column C (2026-06): -4 is below zero, but 'Incident MTTR' is kept in h, which cannot be negative: "
     "check the sign")),
    ("指标,月份,数值,目标\nMTTR,2026-05,5.5,-6\n",
     ("u.csv, row 2, column D (目标): the target -6 is below zero, but 'Incident MTTR' is kept in h, which cannot be negative: "
     "check the sign")),
])
def test_a_duration_below_zero_is_refused_naming_the_cell(catalogue, cli, tmp_path, content, message):
    """A minus typed by mistake, or an export that subtracted the wrong way round, would put a fall
    on the chart that nobody had."""
    code, _, err = cli("ingest", _csv(tmp_path, "u.csv", content))
    assert code == 1 and err.splitlines() == [message]
    assert _stored(catalogue) == {}


BELOW_ZERO = "the target -6 is below zero, but 'Incident MTTR' is kept in h, which cannot be negative: check the sign"


@pytest.mark.parametrize("rows, where", [
    ([["指标", "月份", "数值", "目标"], ["事件平均解决时间", "2026-09", 5.5, -6]], "row 2, column D (目标)"),       # long
    ([["指标", "目标", "2026-09", "2026-10"], ["事件平均解决时间", -6, 5.5, 6]], "row 2, column B (目标)"),  # the row's
    ([["指标", "2026年9月目标", "2026年9月实际", "2026年10月目标", "2026年10月实际"],            # each month's column
      ["事件平均解决时间", 6, 5.5, -6, 6]], "row 2, column D (2026年10月目标)"),
    ([["指标", "类型", "2026-09", "2026-10"], ["事件平均解决时间", "目标", 6, -6],              # a target row: its cell
      ["事件平均解决时间", "实际", 5.5, 6]], "row 2, column D (2026-10)"),
])
def test_a_target_below_zero_is_refused_naming_its_cell(catalogue, cli, tmp_path, rows, where):
    """The refusal named the row but not the column, so the owner looked for the minus among the
    values; a wide table's target for each month, or a target row, is in another column, or row."""
    code, _, err = cli("ingest", _sheet_file(tmp_path / "t.xlsx", rows))
    assert code == 1 and err.splitlines() == [f"t.xlsx, sheet '月报', {where}: {BELOW_ZERO}"]   # once, not per month
    assert _stored(catalogue) == {}


IN_MINUTES = "'Incident MTTR' is in 分钟 here, but the catalogue keeps it in h; convert the values to h first"


@pytest.mark.parametrize("rows, where", [
    ([["指标", "月份", "数值", "单位"], ["SLA达成率", "2026-09", 95.1, "%"], ["事件平均解决时间", "2026-09", 300, "分钟"]],
     "row 3, column D (单位)"),                                         # long: its unit column
    ([["指标", "单位", "2026-09", "2026-10"], ["SLA达成率", "%", 95.1, 95.3], ["事件平均解决时间", "分钟", 300, 280]],
     "row 3, column B (单位)"),                                         # wide: its unit column
    ([["指标", "月份", "数值"], ["事件平均解决时间", "2026-09", "270分钟"]], "row 2, column C (数值)"),   # typed in a value
    ([["指标", "2026-09", "2026-10"], ["SLA达成率", 95.1, 95.3], ["事件平均解决时间", 5.5, "280分钟"]],
     "row 3, column C (2026-10)"),                                      # typed in a month's value
    ([["月份", "SLA达成率", "事件平均解决时间"], ["2026-09", 95.1, 5.5], ["2026-10", 95.3, "280分钟"]],
     "row 3, column C (事件平均解决时间)"),                              # one column per metric
    ([["指标", "类型", "2026-09", "2026-10"], ["事件平均解决时间", "目标", "≤300分钟", None],       # typed in a target row
      ["事件平均解决时间", "实际", 5.5, 6]], "row 2, column C (2026-09)"),
])
def test_another_unit_is_refused_naming_the_cell_that_says_it(catalogue, cli, tmp_path, rows, where):
    """The refusal named the row only: the unit column, or the value or target typed with its unit
    (270分钟), is the cell to correct."""
    code, _, err = cli("ingest", _sheet_file(tmp_path / "u.xlsx", rows))
    assert code == 1 and err.splitlines() == [f"u.xlsx, sheet '月报', {where}: {IN_MINUTES}"]
    assert _stored(catalogue) == {}


SCALED = ("name,name_zh,unit\nCost per ticket,单张工单成本,¥\nTicket volume,工单量,count\nMajor incidents,重大事件数,count\n"
          "Repeat incident rate,重复事件率,%\nChange failure rate,变更失败率,‰\n")


@pytest.fixture
def scaled(catalogue, cli, tmp_path):
    """The test catalogue and metrics kept in ¥ and as counts, whose values files write in 万元 or 万张."""
    assert cli("metrics", "import", _csv(tmp_path, "scaled.csv", SCALED))[0] == 0
    return catalogue


@pytest.mark.parametrize("metric, unit, message", [
    ("单张工单成本", "千元", "'Cost per ticket' is in 千元 here, but the catalogue keeps it in ¥; convert the values to ¥ first"),
    ("单张工单成本", "万元", "'Cost per ticket' is in 万元 here, but the catalogue keeps it in ¥; convert the values to ¥ first"),
    ("工单量", "万张", "'Ticket volume' is in 万张 here, but the catalogue keeps it in count; convert the values to count first"),
    ("重大事件数", "千次", ("'Major incidents' is in 千次 here, but the catalogue keeps it in count; convert the values to "
                       "count first")),
])
def test_a_unit_column_naming_a_multiple_of_the_catalogue_s_unit_is_refused(scaled, cli, tmp_path, metric, unit,
                                                                            message):
    """1.2 in a row whose 单位 says 千元 is 1,200 元, and 1.2 万张 is 12,000 tickets: both were stored as
    1.2, the multiple taken for a word not judged (as 次/月 is)."""
    rows = [["指标", "月份", "数值", "单位"], ["SLA达成率", "2026-09", 95.1, "%"], [metric, "2026-09", 1.2, unit]]
    code, _, err = cli("ingest", _sheet_file(tmp_path / "u.xlsx", rows))
    assert code == 1 and err.splitlines() == [f"u.xlsx, sheet '月报', row 3, column D (单位): {message}"]
    assert _stored(scaled) == {}


def test_a_unit_column_naming_the_catalogue_s_unit_or_a_word_it_does_not_know_loads(scaled, cli, tmp_path):
    """The guard: 元 for a metric kept in ¥, 张 for a count, 小时 for h, % for a rate load; 次/月 is not judged."""
    rows = [["指标", "月份", "数值", "单位"], ["单张工单成本", "2026-09", 92, "元"], ["工单量", "2026-09", 5200, "张"],
            ["事件平均解决时间", "2026-09", 5.5, "小时"], ["SLA达成率", "2026-09", 95.1, "%"],
            ["重大事件数", "2026-09", 2, "次/月"]]
    code, _, err = cli("ingest", _sheet_file(tmp_path / "u.xlsx", rows))
    assert code == 0, err
    assert _stored(scaled) == {("Cost per ticket", "2026-09"): 92, ("Ticket volume", "2026-09"): 5200,
                               ("Incident MTTR", "2026-09"): 5.5, ("SLA attainment", "2026-09"): 95.1,
                               ("Major incidents", "2026-09"): 2}


@pytest.mark.parametrize("heading, rows, where, message", [
    ("数值（万元）", [["单张工单成本", "2026-10", 0.12], ["单张工单成本", "2026-11", 0.13]], "column C (数值（万元）)",
     "'Cost per ticket' is in 万元 here, but the catalogue keeps it in ¥; convert the values to ¥ first (2 rows: 2–3)"),
    ("value (min)", [["事件平均解决时间", "2026-10", 270]], "column C (value (min))",
     "'Incident MTTR' is in min here, but the catalogue keeps it in h; convert the values to h first"),
    ("实际值(分钟)", [["SLA达成率", "2026-10", 95.1]], "column C (实际值(分钟))",
     "'SLA attainment' is in 分钟 here, but the catalogue keeps it in %; convert the values to % first"),
    ("数值（%）", [["重大事件数", "2026-10", 2]], "column C (数值（%）)",
     "'Major incidents' is in % here, but the catalogue keeps it in count; convert the values to count first"),
])
def test_a_unit_in_the_value_column_s_heading_is_refused_when_it_is_another(scaled, cli, tmp_path, heading, rows,
                                                                           where, message):
    """0.12 under 数值（万元） is 1,200 元, and was stored as 0.12 ¥; 270 under value (min) as 270 h. The
    heading's unit applies to its column as a 单位 column's to its row: the refusal names the heading."""
    code, _, err = cli("ingest", _sheet_file(tmp_path / "u.xlsx", [["指标", "月份", heading], *rows]))
    assert code == 1 and err.splitlines() == [f"u.xlsx, sheet '月报', row 1, {where}: {message}"]
    assert _stored(scaled) == {}


@pytest.mark.parametrize("rows, where, message", [
    ([["指标", "2026-09（万元）", "2026-10（万元）"], ["单张工单成本", 0.12, 0.13]], "row 1, column B (2026-09（万元）)",
     "'Cost per ticket' is in 万元 here, but the catalogue keeps it in ¥; convert the values to ¥ first"),
    ([["2026年"], ["指标", "9月(分钟)", "10月(分钟)"], ["事件平均解决时间", 270, 300]], "row 2, column B (9月(分钟))",
     "'Incident MTTR' is in 分钟 here, but the catalogue keeps it in h; convert the values to h first"),
    ([["指标", "2026-09", "2026-10(分钟)"], ["事件平均解决时间", 4.5, 300]], "row 1, column C (2026-10(分钟))",
     "'Incident MTTR' is in 分钟 here, but the catalogue keeps it in h; convert the values to h first"),
])
def test_a_unit_in_the_month_headings_is_refused_when_it_is_another(scaled, cli, tmp_path, rows, where, message):
    """Found by fuzzing: a month heading with its unit (2026-09（万元）) was no month, and the file
    was refused for having no heading row. Its month is read, and its unit is the values', as a
    value column's heading's is (marked once, over one month, it is all the months')."""
    code, _, err = cli("ingest", _sheet_file(tmp_path / "u.xlsx", rows))
    assert code == 1 and err.splitlines() == [f"u.xlsx, sheet '月报', {where}: {message}"]
    assert _stored(scaled) == {}


def test_a_unit_in_the_month_headings_that_is_the_catalogue_s_loads(scaled, cli, tmp_path):
    rows = [["指标", "2026-09（小时）", "2026-10（小时）", "2026-11(预估)"], ["事件平均解决时间", 5.4, 5.6, 5.0]]
    code, _, err = cli("ingest", _sheet_file(tmp_path / "u.xlsx", rows))
    assert code == 0, err
    assert _stored(scaled) == {("Incident MTTR", "2026-09"): 5.4, ("Incident MTTR", "2026-10"): 5.6}   # 预估: no unit


@pytest.mark.parametrize("heading, rows", [
    ("数值（%）", [["SLA达成率", "2026-10", 95.1]]), ("实际值(小时)", [["事件平均解决时间", "2026-10", 5.5]]),
    ("数值（元）", [["单张工单成本", "2026-10", 92]]), ("数值(次/月)", [["重大事件数", "2026-10", 2]]),  # not judged
    ("数值（实际）", [["重大事件数", "2026-10", 2]]),                                                  # no unit
    ("数值（万元）", [["单张工单成本", "2026-10", 92, "元"]]),            # the row's own 单位 says more than the heading
])
def test_a_unit_in_the_value_column_s_heading_that_is_the_catalogue_s_loads(scaled, cli, tmp_path, heading, rows):
    code, _, err = cli("ingest", _sheet_file(tmp_path / "u.xlsx", [["指标", "月份", heading, "单位"], *rows]))
    assert code == 0, err
    assert list(_stored(scaled).values()) == [rows[0][2]]


@pytest.mark.parametrize("rows, where", [
    ([["IT成本指标（单位：万元）"], ["指标", "2026-09", "2026-10"], ["单张工单成本", 0.12, 0.13]], "row 1, column A"),
    ([["2026年IT服务月报", None, "单位:千元"], [], ["指标", "月份", "数值"], ["单张工单成本", "2026-10", 1.2]],
     "row 1, column C"),
])
def test_a_unit_in_a_note_above_the_table_is_refused_when_it_is_another(scaled, cli, tmp_path, rows, where):
    """0.12 and 0.13 under a title saying 单位：万元 were stored as 0.12 ¥ and 0.13 ¥: the note applies
    to the table's values as a 单位 column's unit to its row, and the refusal names the note's cell."""
    unit = "万元" if "万元" in rows[0][0] else "千元"
    code, _, err = cli("ingest", _sheet_file(tmp_path / "t.xlsx", rows))
    assert code == 1 and err.splitlines() == [
        (f"t.xlsx, sheet '月报', {where}: 'Cost per ticket' is in {unit} here, but the catalogue keeps it in ¥; convert "
         "the values to ¥ first")]
    assert _stored(scaled) == {}


@pytest.mark.parametrize("title, heading", [
    ("IT成本指标（单位：元）", "数值"),                     # the catalogue's unit
    ("填报单位：信息科技部", "数值"),                       # 单位 as the department reporting: no unit
    ("IT成本指标（单位：万元）", "数值（元）"),              # the value column's heading says more
])
def test_a_note_above_the_table_naming_the_catalogue_s_unit_or_no_unit_loads(scaled, cli, tmp_path, title, heading):
    rows = [[title], ["指标", "月份", heading], ["单张工单成本", "2026-10", 92]]
    code, _, err = cli("ingest", _sheet_file(tmp_path / "t.xlsx", rows))
    assert code == 0, err
    assert _stored(scaled) == {("Cost per ticket", "2026-10"): 92}


@pytest.mark.parametrize("rows", [
    [["指标名称", "单位", "2026年10月"], ["平均响应时间", "分", 12], ["客户满意度", "分", 4.5]],
    [["指标", "月份", "数值"], ["平均响应时间（分）", "2026-10", 12], ["客户满意度（分）", "2026-10", 4.5]],
])
def test_fen_is_minutes_for_a_metric_kept_in_minutes_and_points_for_a_score(catalogue, cli, tmp_path, rows):
    """分 is both: 响应时间 12 分 is twelve minutes, 满意度 4.5 分 four and a half points. A response time
    kept in min was refused as 'in 分 here, convert the values to min', which they already were."""
    extra = "name,name_zh,unit\nMean time to acknowledge,平均响应时间,min\nCustomer satisfaction,客户满意度,score\n"
    assert cli("metrics", "import", _csv(tmp_path, "min.csv", extra))[0] == 0
    code, _, err = cli("ingest", _sheet_file(tmp_path / "f.xlsx", rows))
    assert code == 0, err
    assert _stored(catalogue) == {("Mean time to acknowledge", "2026-10"): 12, ("Customer satisfaction", "2026-10"): 4.5}
    hours = [["指标", "单位", "2026年10月"], ["事件平均解决时间", "分", 270]]          # kept in h: 分 is not hours
    code, _, err = cli("ingest", _sheet_file(tmp_path / "h.xlsx", hours))
    assert code == 1 and "'Incident MTTR' is in 分 here, but the catalogue keeps it in h" in err


@pytest.mark.parametrize("unit, loads", [("小时", True), ("分钟", False)])
def test_a_unit_row_under_a_tracking_table_s_heading_gives_each_metric_s_unit(catalogue, cli, tmp_path, unit, loads):
    """月份 | SLA达成率 | 事件平均解决时间 with 单位 | % | 小时 under it: the unit row was refused as no
    heading ('row 2 seems to be the heading row'), or under a title as "'单位' is not a month". It gives
    each metric's unit, checked as a 单位 column's is, and named at its cell when it is another."""
    rows = [["2026年IT服务指标"], ["月份", "SLA达成率", "事件平均解决时间"], ["单位", "%", unit], ["9月", 96.3, 5.1],
            ["10月", 95.0, 4.8]]
    code, _, err = cli("ingest", _sheet_file(tmp_path / "t.xlsx", rows))
    if loads:
        assert code == 0, err
        assert _stored(catalogue) == {("SLA attainment", "2026-09"): 96.3, ("SLA attainment", "2026-10"): 95.0,
                                      ("Incident MTTR", "2026-09"): 5.1, ("Incident MTTR", "2026-10"): 4.8}
    else:
        assert code == 1 and err.splitlines() == [
            ("t.xlsx, sheet '月报', row 3, column C (事件平均解决时间): 'Incident MTTR' is in 分钟 here, but the catalogue "
             "keeps it in h; convert the values to h first (2 rows: 4–5)")]
    if loads:
        return
    typed = [*rows[:4], ["10月", 95.0, "4.8小时"]]          # a cell typed in another unit than its column's
    code, _, err = cli("ingest", _sheet_file(tmp_path / "c.xlsx", typed))
    clash = f"'4.8小时' is in 小时, but the column's unit is {unit}: write the column's numbers in one unit"
    assert code == 1 and f"c.xlsx, sheet '月报', row 5, column C (事件平均解决时间): {clash}" in err.splitlines()
    assert message_text(clash, "zh") == f"“4.8小时”以 小时 计,但该列的单位是 {unit}:请用同一单位填写该列的数字"


def test_a_time_for_a_metric_kept_in_minutes_is_refused_with_the_number_to_write(catalogue, cli, tmp_path):
    """00:12:30 from an ITSM export (a cell formatted mm:ss, or the text) is read as hours, and 12:30
    may have meant twelve and a half hours or minutes: it stays refused for a metric kept in min,
    but was told to 'convert the values to min' of a cell that 'is in h:mm', without the number."""
    assert cli("metrics", "import", _csv(tmp_path, "min.csv", "name,name_zh,unit\nMean time to acknowledge,平均响应时间,min\n"))[0] == 0
    path = tmp_path / "t.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("月报")
    sheet.write_row(0, 0, ["指标", "月份", "数值"])
    for r, (month, seconds) in enumerate([("2026-09", 750), ("2026-10", 690)], start=1):
        sheet.write_row(r, 0, ["平均响应时间", month])
        sheet.write_datetime(r, 2, datetime.datetime(1899, 12, 31) + datetime.timedelta(seconds=seconds),
                             book.add_format({"num_format": "mm:ss"}))
    book.close()
    code, _, err = cli("ingest", path)
    message = ("'Mean time to acknowledge' is written as a time here (read as 0.2083 h), but the catalogue keeps it in "
               "min: write it as a number of min (this one is 12.5) (2 rows: 2–3)")
    assert code == 1 and err.splitlines() == [f"t.xlsx, sheet '月报', row 2, column C (数值): {message}"]
    assert message_text(message, "zh") == ("“Mean time to acknowledge”在此处写成了时间(按 0.2083 小时读取),而指标目录中的单位是 "
                                           "min:请填写以 min 计的数值(此处为 12.5)(共 2 行:第 2–3 行)")
    assert _stored(catalogue) == {}


@pytest.mark.parametrize("title, loads", [("IT成本指标（单位：元）", True), ("IT成本指标（单位：万元）", False)])
def test_a_unit_noted_over_a_table_is_not_said_of_its_rows_of_another_kind(scaled, cli, tmp_path, title, loads):
    """单位：元 over a cost table that also holds a rate and a duration: the note is said of its
    amounts. SLA达成率 (kept in %) and 事件平均解决时间 (kept in h) were refused as 'in 元 here, convert
    the values to %', which nobody could do. They are read in their own units, with a note; an amount
    in 万元 for a metric kept in ¥ is still refused, and alone."""
    rows = [[title], ["指标", "月份", "数值"], ["单张工单成本", "2026-10", 92], ["SLA达成率", "2026-10", "95.1%"],
            ["事件平均解决时间", "2026-10", 5.5]]
    code, out, err = cli("ingest", _sheet_file(tmp_path / "t.xlsx", rows))
    if not loads:
        assert code == 1 and err.splitlines() == [
            ("t.xlsx, sheet '月报', row 1, column A: 'Cost per ticket' is in 万元 here, but the catalogue keeps it in ¥; "
             "convert the values to ¥ first")]
        return
    assert code == 0, err
    assert _stored(scaled) == {("Cost per ticket", "2026-10"): 92, ("SLA attainment", "2026-10"): 95.1,
                               ("Incident MTTR", "2026-10"): 5.5}
    note = ("sheet '月报': the unit noted over the table (元, row 1) is not the unit of 'SLA attainment' (kept in %) "
            "or 'Incident MTTR' (kept in h): their values were read in the catalogue's units")
    assert note in out + err
    assert message_text(note, "zh", {"SLA attainment": "SLA达成率", "Incident MTTR": "事件平均解决时间"}) == (
        "工作表“月报”:表格上方注明的单位(元,第 1 行)不是“SLA达成率”(以 % 计)、“事件平均解决时间”(以 h 计)的单位:"
        "其数值已按指标目录中的单位读取")


@pytest.mark.parametrize("rows, where, message", [
    ([["指标", "月份", "数值"], ["重复事件率", "2026-10", "5‰"]], "row 2, column C (数值)",
     "'Repeat incident rate' is in ‰ here, but the catalogue keeps it in %; convert the values to % first"),
    ([["指标", "月份", "数值"], ["事件平均解决时间", "2026-10", "5‰"]], "row 2, column C (数值)",
     "'Incident MTTR' is in ‰ here, but the catalogue keeps it in h; convert the values to h first"),
    ([["指标", "2026-09", "2026-10"], ["重大事件数", 3, "2‰"]], "row 2, column C (2026-10)",
     "'Major incidents' is in ‰ here, but the catalogue keeps it in count; convert the values to count first"),
    ([["指标", "月份", "数值", "单位"], ["重复事件率", "2026-10", "5‰", "%"]], "row 2, column C (数值)",
     "'5‰' is in ‰, but the row's unit is %: write the row's numbers in one unit"),
])
def test_a_per_mille_is_refused_for_a_metric_kept_in_another_unit(scaled, cli, tmp_path, rows, where, message):
    """5‰ was stored as 5: 5 % for a rate kept in % (0.5 % meant), 5 h for MTTR, 2 incidents. The
    product converts no unit (1.2万元, 270分钟 are refused too): ‰ is another unit, named at its cell."""
    code, _, err = cli("ingest", _sheet_file(tmp_path / "p.xlsx", rows))
    assert code == 1 and err.splitlines() == [f"p.xlsx, sheet '月报', {where}: {message}"]
    assert _stored(scaled) == {}


def test_a_per_mille_loads_as_written_for_a_metric_kept_in_per_mille(scaled, cli, tmp_path):
    code, _, err = cli("ingest", _csv(tmp_path, "p.csv", "指标,月份,数值\n变更失败率,2026-10,5‰\n重复事件率,2026-10,0.5%\n"))
    assert code == 0, err
    assert _stored(scaled) == {("Change failure rate", "2026-10"): 5, ("Repeat incident rate", "2026-10"): 0.5}


def test_a_refused_file_s_other_unit_and_target_below_zero_name_their_cells(catalogue, tmp_path):
    """A file refused for a cell still gets the ingest's refusals of its rows, each naming its cell
    (what the refusal keeps of the rows carries their places), in Chinese too."""
    path = _csv(tmp_path, "r.csv", "指标,月份,数值,目标,单位\n事件平均解决时间,2026-09,5.5,-6,\nSLA达成率,2026-09,九十五,,%\n"
                "事件平均解决时间,2026-08,300,,分钟\n")
    with pytest.raises(InputRefused) as refused:
        plan_ingest(catalogue, [(path, "r.csv")])
    assert [str(p) for p in refused.value.problems] == [
        f"r.csv, row 2, column D (目标): {BELOW_ZERO}",
        "r.csv, row 3, column C (数值): '九十五' is not a number",
        f"r.csv, row 4, column E (单位): {IN_MINUTES}"]
    assert [problem_text(p, "zh").split(":")[0] for p in refused.value.problems] == [
        "r.csv,第 2 行,D 列(目标)", "r.csv,第 3 行,C 列(数值)", "r.csv,第 4 行,E 列(单位)"]
    assert _stored(catalogue) == {}


def test_a_percentage_below_zero_is_not_judged(catalogue, cli, tmp_path):
    """A metric kept in % may be a change (同比 -2.5%): only durations and counts cannot go below zero."""
    code, _, err = cli("ingest", _csv(tmp_path, "u.csv", "指标,月份,数值\nSLA达成率,2026-05,-2.5\n"))
    assert code == 0, err
    assert _stored(catalogue) == {("SLA attainment", "2026-05"): -2.5}


def _percent_workbook(path, layout):
    """A workbook where MTTR (kept in h) has one value written as a percentage: a cell formatted as
    percent in a wide table, typed '4%' in a table with one column per metric."""
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("数据")
    percent = book.add_format({"num_format": "0.0%"})
    if layout == "wide":
        sheet.write_row(0, 0, ["指标", "2026-09", "2026-10"])
        sheet.write_row(1, 0, ["SLA达成率", 0.95])
        sheet.write_number(1, 2, 0.96, percent)
        sheet.write_row(2, 0, ["事件平均解决时间", 5.5])
        sheet.write_number(2, 2, 0.95, percent)          # shows 95.0%
    else:
        sheet.write_row(0, 0, ["月份", "SLA达成率", "事件平均解决时间"])
        sheet.write_row(1, 0, ["2026-09", "95%", 5.5])
        sheet.write_row(2, 0, ["2026-10", "96%", "4%"])
    book.close()
    return path


@pytest.mark.parametrize("make, where, shown", [
    (lambda tmp_path: _csv(tmp_path, "p.csv", "指标,月份,数值\n事件平均解决时间,2026-09,5.5\n事件平均解决时间,2026-10,95%\n"
                                              "SLA达成率,2026-10,95%\n"), "p.csv, row 3, column C (数值)", "95%"),
    (lambda tmp_path: _csv(tmp_path, "p.csv", "指标,2026-09,2026-10\nMTTR,5.5,６．５％\n"),      # typed in full width
     "p.csv, row 2, column C (2026-10)", "6.5%"),
    (lambda tmp_path: _percent_workbook(tmp_path / "p.xlsx", "wide"), "p.xlsx, sheet '数据', row 3, column C (2026-10)", "95%"),
    (lambda tmp_path: _percent_workbook(tmp_path / "p.xlsx", "across"), "p.xlsx, sheet '数据', row 3, column C (事件平均解决时间)",
     "4%"),
])
def test_a_percentage_for_a_metric_kept_in_hours_is_refused_naming_the_cell(catalogue, cli, tmp_path, make, where,
                                                                            shown):
    """A row shifted, or another metric's name on it: 95% loaded for MTTR would be 95 h, which no
    check of scale sees (95 against a level of 6 is no unit's ratio). The same file's percentages
    for SLA, kept in %, are not what is refused."""
    code, _, err = cli("ingest", make(tmp_path))
    assert code == 1
    assert err.splitlines() == [(f"{where}: '{shown}' is a percentage, but 'Incident MTTR' is kept in h: check that "
                                "this row is that metric's, and write its value in h, without %")]
    assert _stored(catalogue) == {}


@pytest.mark.parametrize("content, where", [
    ("指标,月份,数值,目标\nSLA达成率,2026-10,96,≥95%\n事件平均解决时间,2026-10,5.5,≥95%\n",      # the target column
     "row 3, column D (目标)"),
    ("指标,类型,2026-10\n事件平均解决时间,目标,95%\n事件平均解决时间,实际,5.5\n",                  # a target row
     "row 2, column C (2026-10)"),
])
def test_a_percentage_as_the_target_of_a_metric_kept_in_hours_is_refused(catalogue, cli, tmp_path, content, where):
    """95% as MTTR's target would make 5.5 h look 89.5 h under target; SLA's ≥95% is its own.
    The refusal names the cell that says %: the target's."""
    code, _, err = cli("ingest", _csv(tmp_path, "t.csv", content))
    assert code == 1
    assert err.splitlines() == [(f"t.csv, {where}: 'Incident MTTR' is in % here, but the catalogue keeps it in h; convert "
                                "the values to h first")]
    assert _stored(catalogue) == {}


def test_a_percentage_loads_for_a_rate_kept_as_a_word_it_does_not_know(store, cli, tmp_path):
    """A catalogue may keep a rate as 比例 or 达成率: 95% as its value, target or unit is its own."""
    assert cli("metrics", "import", _csv(tmp_path, "c.csv", "name,unit\n变更成功率,比例\n"))[0] == 0
    content = "指标,月份,数值,目标,单位\n变更成功率,2026-10,96.5%,≥95%,%\n"
    code, _, err = cli("ingest", _csv(tmp_path, "r.csv", content))
    assert code == 0, err
    code, _, err = cli("ingest", _csv(tmp_path, "n.csv", "指标,2026-11\n变更成功率（%）,97\n"))    # its name with （%）
    assert code == 0, err
    assert _stored(store) == {("变更成功率", "2026-10"): 96.5, ("变更成功率", "2026-11"): 97}


def test_percentages_for_metrics_kept_in_percent_or_new_ones_load(catalogue, cli, tmp_path):
    """The guard: percent text and percent cells for % metrics, and for a metric this file creates
    (it has no unit yet), load as percent points."""
    code, _, err = cli("ingest", _percent_workbook(tmp_path / "p.xlsx", "across"), "--create-metrics")
    assert code == 1 and "'4%' is a percentage" in err
    path = _csv(tmp_path, "ok.csv", "指标,月份,数值\nSLA达成率,2026-10,95%\nFCR,2026-10,８８％\nMTTR,2026-10,5.5\n"
                "Change success rate,2026-10,97.5%\n")
    code, _, err = cli("ingest", path, "--create-metrics")
    assert code == 0, err
    assert _stored(catalogue) == {("SLA attainment", "2026-10"): 95, ("First contact resolution", "2026-10"): 88,
                                  ("Incident MTTR", "2026-10"): 5.5, ("Change success rate", "2026-10"): 97.5}


def test_a_number_typed_with_the_catalogue_s_unit_loads_and_with_another_is_refused(catalogue, cli, tmp_path):
    """4.5小时 for MTTR, kept in h, is 4.5 h; 270分钟 would be stored as 270 h, and 95分 (a score) as 95%."""
    path = _csv(tmp_path, "ok.csv", "指标,月份,数值,目标\n事件平均解决时间,2026-05,4.5小时,≤4小时\n"
                "事件平均解决时间,2026-06,3.5 h,\n")
    code, _, err = cli("ingest", path)
    assert code == 0, err
    assert _stored(catalogue) == {("Incident MTTR", "2026-05"): 4.5, ("Incident MTTR", "2026-06"): 3.5}
    path = _csv(tmp_path, "other.csv", "指标,月份,数值\n事件平均解决时间,2026-07,270分钟\nSLA达成率,2026-07,95分\n")
    code, _, err = cli("ingest", path)
    assert code == 1
    assert err.splitlines() == [
        "other.csv, row 2, column C (数值): 'Incident MTTR' is in 分钟 here, but the catalogue keeps it in h; convert the values to h first",
        "other.csv, row 3, column C (数值): 'SLA attainment' is in 分 here, but the catalogue keeps it in %; convert the values to % first"]
    assert ("Incident MTTR", "2026-07") not in _stored(catalogue)


def test_an_amount_with_the_sign_of_yuan_loads_in_yuan_only(store, cli, tmp_path):
    """¥94 and 95元 for a cost kept in ¥; ¥12,000 for one kept in 万元 would be stored as 12,000 万元."""
    assert cli("metrics", "import", _csv(tmp_path, "c.csv", "name,unit\n单张工单成本,¥\nIT运维成本,万元\n"))[0] == 0
    content = "指标,月份,数值\n单张工单成本,2026-10,¥94\n单张工单成本,2026-11,95元\nIT运维成本,2026-11,1.2万元\n"
    code, _, err = cli("ingest", _csv(tmp_path, "ok.csv", content))
    assert code == 0, err
    assert _stored(store) == {("单张工单成本", "2026-10"): 94, ("单张工单成本", "2026-11"): 95, ("IT运维成本", "2026-11"): 1.2}
    code, _, err = cli("ingest", _csv(tmp_path, "w.csv", '指标,月份,数值\nIT运维成本,2026-10,"¥12,000"\n'))
    assert code == 1 and err.splitlines() == [
        "w.csv, row 2, column C (数值): 'IT运维成本' is in 元 here, but the catalogue keeps it in 万元; convert the values to 万元 first"]


@pytest.mark.parametrize("written, unit", [("$12", "$"), ("€12", "€"), ("1200 €", "€"), ("12美元", "美元"),
                                           ("12 USD", "USD"), ("£5", "£")])
def test_an_amount_in_another_currency_is_refused_for_a_metric_kept_in_yuan(store, cli, tmp_path, written, unit):
    """$12 for a cost kept in 元 was stored as 12 元, its sign dropped; in a cost kept in $ it loads."""
    assert cli("metrics", "import", _csv(tmp_path, "c.csv", "name,unit\n单张工单成本,元\nCost per ticket (US),$\n"))[0] == 0
    code, _, err = cli("ingest", _csv(tmp_path, "w.csv", f"指标,月份,数值\n单张工单成本,2026-10,{written}\n"))
    assert code == 1 and err.splitlines() == [
        f"w.csv, row 2, column C (数值): '单张工单成本' is in {unit} here, but the catalogue keeps it in 元; convert the values to 元 first"]
    assert _stored(store) == {}
    if unit in ("$", "USD", "美元"):
        code, _, err = cli("ingest", _csv(tmp_path, "us.csv", f"指标,月份,数值\nCost per ticket (US),2026-10,{written}\n"))
        assert code == 0, err
        assert list(_stored(store)) == [("Cost per ticket (US)", "2026-10")]


def test_a_duration_loads_as_hours_for_a_metric_kept_in_hours_only(catalogue, cli, tmp_path):
    """4:30 is 4.5 h for MTTR; for SLA attainment, kept in %, a duration is another unit."""
    code, _, err = cli("ingest", _csv(tmp_path, "d.csv", "指标,月份,数值\n事件平均解决时间,2026-05,4:30\n"))
    assert code == 0, err
    assert _stored(catalogue) == {("Incident MTTR", "2026-05"): 4.5}
    code, _, err = cli("ingest", _csv(tmp_path, "s.csv", "指标,月份,数值\nSLA达成率,2026-05,0:45\n"))
    assert code == 1 and err.splitlines() == [
        "s.csv, row 2, column C (数值): 'SLA attainment' is in h:mm here, but the catalogue keeps it in %; convert the values to % first"]


def test_create_metrics_creates_neutral_metrics(catalogue, cli, tmp_path):
    path = _csv(tmp_path, "u.csv", "metric,period,value\nIncident MTTA,2026-05,0.5\n")
    code, _, err = cli("ingest", path, "--create-metrics")
    assert code == 0, err
    assert _stored(catalogue) == {("Incident MTTA", "2026-05"): 0.5}
    assert _table(catalogue, "SELECT direction FROM metric WHERE name = 'Incident MTTA'") == [("neutral",)]


def _sheet_file(path, rows: list[list]) -> str:
    """A one-sheet workbook of `rows` as typed: strings stay text (≥99.9% is a target's cell as written)."""
    with xlsxwriter.Workbook(path) as book:
        sheet = book.add_worksheet("月报")
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                if cell is not None:
                    sheet.write(r, c, cell)
    return str(path)


CREATED = "SELECT name, direction, unit, decimals FROM metric WHERE name IN ('系统可用率', '备份恢复时长', '工单量') ORDER BY name"
AS_WRITTEN = sorted([("工单量", "neutral", None, 0), ("备份恢复时长", "decrease", "小时", 2), ("系统可用率", "increase", "%", 2)])


@pytest.mark.parametrize("name, rows", [
    pytest.param("long.csv", [["指标名称", "月份", "实际值", "目标值", "单位"],
                              ["系统可用率", "2026-01", "99.95%", "≥99.9%", None],
                              ["系统可用率", "2026-02", "99.8%", "≥99.9%", None],
                              ["备份恢复时长", "2026-01", "3.5", "≤4", "小时"],
                              ["备份恢复时长", "2026-02", "4.25", "4小时以内", "小时"],
                              ["工单量", "2026-01", "120", None, None],
                              ["工单量", "2026-02", "95", "100", None]], id="long csv"),
    pytest.param("target column.xlsx", [["指标", "目标", "2026-01", "2026-02"],
                                        ["系统可用率", "不低于99.9%", "99.95%", "99.8%"],
                                        ["备份恢复时长", "≤4小时", 3.5, 4.25],
                                        ["工单量", 100, 120, 95]], id="wide, a target column"),
    pytest.param("target rows.xlsx", [["指标", "类型", "2026-01", "2026-02"],
                                      ["系统可用率", "目标", "≥99.9%", "≥99.9%"],
                                      ["系统可用率", "实际", "99.95%", "99.8%"],
                                      ["备份恢复时长", "目标", "≤4小时", "≤4小时"],
                                      ["备份恢复时长", "实际", 3.5, 4.25],
                                      ["工单量", "实际", 120, 95]], id="wide, target rows"),
    pytest.param("month targets.xlsx", [["指标", "2026年1月目标", "2026年1月实际", "2026年2月目标", "2026年2月实际"],
                                        ["系统可用率", "99.9%以上", "99.95%", "99.9%以上", "99.8%"],
                                        ["备份恢复时长", "≤4小时", 3.5, "≤4小时", 4.25],
                                        ["工单量", None, 120, None, 95]], id="wide, a target column per month"),
    pytest.param("tracking.xlsx", [["月份", "系统可用率", "备份恢复时长", "工单量"], ["2026-01", "99.95%", 3.5, 120],
                                   ["2026-02", "99.8%", 4.25, 95], ["目标值", "≥99.9%", "≤4小时", 100]],
                 id="tracking, a target row"),
])
def test_created_metrics_take_direction_unit_and_decimals_from_the_file(catalogue, cli, tmp_path, name, rows):
    """A target written ≥99.9% says higher is better, ≤4 lower; the unit is the 单位 column's, the
    one typed in the cells (4小时) or % when the values are written so; whole values take 0 decimals."""
    if name.endswith(".csv"):
        path = _csv(tmp_path, name, "\n".join(",".join(cell or "" for cell in row) for row in rows) + "\n")
    else:
        path = _sheet_file(tmp_path / name, rows)
    code, out, err = cli("ingest", path, "--create-metrics")
    assert code == 0, err
    assert sorted(_table(catalogue, CREATED)) == AS_WRITTEN
    assert ("note: new metric '系统可用率': direction increase, unit %, 2 decimals (from the file); give it a "
            "category, process and owner with 'metrics import'") in err
    assert "new metric '" not in out                                 # stdout keeps the summary a script parses
    stored = _stored(catalogue)
    assert stored[("系统可用率", "2026-02")] == 99.8 and stored[("备份恢复时长", "2026-02")] == 4.25


def test_new_metrics_of_several_files_in_one_run_are_kept_apart_and_made_once(store, cli, tmp_path):
    """Found by review: each file numbered the metrics it would create from -1, so NewX of a.csv and
    NewY of b.csv were one metric to the checks across files (NewY's 2025-01 was dropped as 'also in
    a.csv with the same value'); and NewX, new in both, was made again by b.csv over a.csv's
    direction and unit, and then could not be rolled back with its upload."""
    assert cli("init")[0] == 0
    a = _csv(tmp_path, "a.csv", "指标,月份,数值,目标\nNewX,2025-01,96,≥95%\nNewX,2025-02,97,≥95%\nNewY,2025-01,3,≤4\n")
    b = _csv(tmp_path, "b.csv", "指标,月份,数值,目标\nNewX,2025-03,98,95\nNewY,2025-03,2.5,\nNewZ,2025-01,3,\n")
    code, out, err = cli("ingest", a, b, "--create-metrics")
    assert code == 0, err
    assert out.splitlines()[:2] == ["a.csv: 3 rows, 3 new, 0 changed, 0 unchanged, 0 missing, 2 new metrics",
                                    "b.csv: 3 rows, 3 new, 0 changed, 0 unchanged, 0 missing, 1 new metrics"]
    assert _stored(store) == {("NewX", "2025-01"): 96, ("NewX", "2025-02"): 97, ("NewX", "2025-03"): 98,
                              ("NewY", "2025-01"): 3, ("NewY", "2025-03"): 2.5, ("NewZ", "2025-01"): 3}
    assert _table(store, "SELECT name, direction, created_by_upload FROM metric ORDER BY name") == [
        ("NewX", "increase", 1), ("NewY", "decrease", 1), ("NewZ", "neutral", 2)]
    assert [u for u in list_uploads(store)["metrics_created"]] == [1, 2]               # newest first
    assert cli("rollback", "2")[1].strip().endswith("metrics it created removed: NewZ")
    assert cli("rollback", "1")[1].strip().endswith("metrics it created removed: NewX, NewY")
    assert _table(store, "SELECT count(*) FROM metric") == [(0,)]


def test_a_file_of_many_new_metrics_names_the_first_twenty(catalogue, cli, tmp_path):
    path = _csv(tmp_path, "many.csv", "指标,月份,数值\n" + "".join(f"指标{i:02d},2026-05,{i}\n" for i in range(25)))
    code, _, err = cli("ingest", path, "--create-metrics", "--dry-run")
    assert code == 0, err
    named = [line for line in err.splitlines() if line.startswith("  note: new metric '")]
    assert len(named) == 20 and named[0].startswith("  note: new metric '指标00'")
    assert err.splitlines()[-1] == "  note: … and 5 more new metrics"          # 25 - 20


@pytest.mark.parametrize("targets, direction", [
    (("≥95%", "≤95%"), "neutral"),             # bounds that disagree say nothing
    (("95%", "95%"), "neutral"),               # a plain target has no direction
    (("95%", "不低于95%"), "increase"),         # one bound among plain targets is the metric's
    (("至多5%", "5%以下"), "decrease"),
])
def test_created_metric_direction_from_bounds_that_agree(catalogue, cli, tmp_path, targets, direction):
    path = _csv(tmp_path, "t.csv", "指标,月份,数值,目标\n"
                f"变更成功率,2026-01,96%,{targets[0]}\n变更成功率,2026-02,97.5%,{targets[1]}\n")
    code, _, err = cli("ingest", path, "--create-metrics")
    assert code == 0, err
    assert _table(catalogue, "SELECT direction, unit FROM metric WHERE name = '变更成功率'") == [(direction, "%")]


def test_same_metric_and_period_twice_is_refused_naming_both_rows(catalogue, cli, tmp_path):
    path = _csv(tmp_path, "d.csv", "metric,period,value\nMTTR,2026-05,6\nSLA attainment,2026-05,90\n"
                "Incident MTTR,2026/5,7\n")
    code, _, err = cli("ingest", path)
    assert code == 1
    assert "d.csv, row 4, column B (period): 'Incident MTTR' 2026-05 appears twice (also on row 2)" in err
    assert _stored(catalogue) == {}


def test_a_month_given_twice_names_its_column_and_the_rows_in_order(catalogue, cli, tmp_path):
    """Found by exploratory testing: the refusal named no column, and the rows came in the order of
    the metrics (row 5 before row 4)."""
    path = tmp_path / "五月.xlsx"
    with xlsxwriter.Workbook(path) as book:
        sheet = book.add_worksheet("数据")
        for r, row in enumerate([["指标", "月份", "数值"], ["MTTR", "2026-05", 6], ["SLA attainment", "2026-05", 90],
                                 ["SLA attainment", "2026-05", 91], ["MTTR", "2026-05", 7]]):
            sheet.write_row(r, 0, row)
    code, _, err = cli("ingest", path)
    assert code == 1
    assert err.splitlines() == [
        ("五月.xlsx, sheet '数据', row 4, column B (月份): 'SLA attainment' 2026-05 appears twice (also in sheet '数据' "
         "row 3): value 91 here, 90 there"),
        ("五月.xlsx, sheet '数据', row 5, column B (月份): 'MTTR' 2026-05 appears twice (also in sheet '数据' row 2): "
         "value 7 here, 6 there")]
    wide = _csv(tmp_path, "w.csv", "指标,2026-05,2026-06\nMTTR,6,7\nIncident MTTR,6,8\n")
    code, _, err = cli("ingest", wide)
    assert code == 1 and err.splitlines() == [
        "w.csv, row 3, column C (2026-06): 'Incident MTTR' 2026-06 appears twice (also on row 2): value 8 here, 7 there"]
    assert _stored(catalogue) == {}


def test_an_unknown_metric_and_another_unit_name_the_column_and_every_row(catalogue, cli, tmp_path):
    """Found by exploratory testing: only the first row of each was named, and not the column."""
    path = _csv(tmp_path, "u.csv", "指标,月份,数值,单位\n可用性,2026-05,99,%\nMTTR,2026-05,270,分钟\n可用性,2026-06,98,%\n"
                "可用性,2026-07,97,%\nMTTR,2026-06,300,分钟\n")
    code, _, err = cli("ingest", path)
    assert code == 1
    assert "u.csv, row 2, column A (指标): unknown metric '可用性' (3 rows: 2, 4–5)" in err.splitlines()
    code, _, err = cli("ingest", path, "--create-metrics")
    assert code == 1 and err.splitlines() == [
        ("u.csv, row 3, column D (单位): 'Incident MTTR' is in 分钟 here, but the catalogue keeps it in h; convert the "
         "values to h first (2 rows: 3, 6)")]
    assert _stored(catalogue) == {}

def test_unparseable_value_is_refused_and_nothing_written(catalogue, cli, tmp_path):
    path = _csv(tmp_path, "bad.csv", "metric,period,value\nMTTR,2026-05,6\nSLA attainment,2026-05,ninety\n")
    code, _, err = cli("ingest", path)
    assert code == 1
    assert "bad.csv" in err and "row 3" in err and "column C" in err and "ninety" in err
    assert _stored(catalogue) == {} and list_uploads(catalogue).empty


def test_reupload_supersedes_and_keeps_history_then_rollback_restores(catalogue, cli, tmp_path):
    first = _csv(tmp_path, "v1.csv", "metric,period,value\nMTTR,2026-04,6\nMTTR,2026-05,7\n")
    second = _csv(tmp_path, "v2.csv", "metric,period,value\nMTTR,2026-04,6\nMTTR,2026-05,5.5\nMTTR,2026-06,5\n")
    assert cli("ingest", first)[0] == 0
    code, out, _ = cli("ingest", second)
    assert code == 0
    assert "v2.csv: 3 rows, 1 new, 1 changed, 1 unchanged, 0 missing" in out
    assert _stored(catalogue) == {("Incident MTTR", "2026-04"): 6, ("Incident MTTR", "2026-05"): 5.5,
                                  ("Incident MTTR", "2026-06"): 5}
    history = value_history(catalogue, 1)
    may = history[history["period"] == "2026-05"]
    assert may[["value", "upload_id", "state"]].values.tolist() == [[5.5, 2, "current"], [7.0, 1, "superseded by #2"]]

    code, out, _ = cli("rollback", "2", "--by", "bob")
    assert code == 0 and "1 earlier values restored" in out and "2 values retracted" in out
    assert _stored(catalogue) == {("Incident MTTR", "2026-04"): 6, ("Incident MTTR", "2026-05"): 7}
    upload = list_uploads(catalogue).set_index("id").loc[2]
    assert (upload["outcome"], upload["rolled_back_by"]) == ("rolled_back", "bob")
    assert cli("rollback", "2")[0] == 1


def _metric_names(store) -> set[str]:
    return {name for (name,) in _table(store, "SELECT name FROM metric")}


def test_rollback_removes_the_metrics_its_upload_created(catalogue, cli, tmp_path):
    """A name mistyped in a file loaded with --create-metrics (事件平均解决实践) made a metric that
    stayed in the catalogue after the upload was rolled back, with no way to delete it."""
    before = _metric_names(catalogue)
    path = _csv(tmp_path, "typo.csv", "指标,月份,数值\n事件平均解决实践,2026-05,6.5\nMTTR,2026-05,6\n")
    assert cli("ingest", path, "--create-metrics")[0] == 0
    assert _metric_names(catalogue) == before | {"事件平均解决实践"}
    code, out, err = cli("rollback", "1")
    assert code == 0, err
    assert out.strip() == ("upload #1 rolled back: 2 values retracted, 0 earlier values restored; "
                           "metrics it created removed: 事件平均解决实践")
    assert _metric_names(catalogue) == before
    assert _table(catalogue, "SELECT count(*) FROM observation WHERE metric_id NOT IN (SELECT id FROM metric)") == [(0,)]
    assert _table(catalogue, "SELECT count(*) FROM metric_alias WHERE metric_id NOT IN (SELECT id FROM metric)") == [(0,)]
    assert cli("ingest", _csv(tmp_path, "fixed.csv", "指标,月份,数值\n事件平均解决时间,2026-05,6.5\n"))[0] == 0


def test_rollback_keeps_a_created_metric_that_a_kept_one_names_as_its_volume(catalogue, cli, tmp_path):
    """Found by review: NewX (edited since, so kept) names NewY, made by the same upload, as its
    volume metric; the rollback removed NewY and the catalogue could no longer be imported back."""
    path = _csv(tmp_path, "a.csv", "metric,period,value\nNewX,2026-05,4\nNewY,2026-05,400\n")
    assert cli("ingest", path, "--create-metrics")[0] == 0
    assert cli("metrics", "import", _csv(tmp_path, "v.csv", "name,volume_metric\nNewX,NewY\n"))[0] == 0
    code, out, _ = cli("rollback", "1")
    assert code == 0 and "removed" not in out
    assert {"NewX", "NewY"} <= _metric_names(catalogue)


@pytest.mark.parametrize("held_by", [
    pytest.param(lambda cli, tmp_path: cli("ingest", _csv(tmp_path, "more.csv", "metric,period,value\n新指标,2026-06,3\n")),
                 id="values of a later upload"),
    pytest.param(lambda cli, tmp_path: cli("metrics", "import", _csv(tmp_path, "c.csv", "name,unit\n新指标,h\n")),
                 id="edited in the catalogue"),
    pytest.param(lambda cli, tmp_path: cli("baselines", "set", "--metric", "新指标", "--from", "2026-05", "--target", "2",
                                           "--by", "t", "--reason", "plan"),
                 id="a target set"),
    pytest.param(lambda cli, tmp_path: cli("metrics", "import", _csv(tmp_path, "v.csv", "name,volume_metric\nMTTR,新指标\n")),
                 id="the volume metric of another"),
])
def test_rollback_keeps_a_created_metric_someone_has_since_worked_on(catalogue, cli, tmp_path, held_by):
    assert cli("ingest", _csv(tmp_path, "a.csv", "metric,period,value\n新指标,2026-05,4\n"), "--create-metrics")[0] == 0
    code, _, err = held_by(cli, tmp_path)
    assert code == 0, err
    code, out, _ = cli("rollback", "1")
    assert code == 0 and "removed" not in out
    assert "新指标" in _metric_names(catalogue)


def test_rollback_is_refused_while_a_later_upload_replaced_its_values(catalogue, tmp_path, cli):
    cli("ingest", _csv(tmp_path, "a.csv", "metric,period,value\nMTTR,2026-05,7\n"))
    cli("ingest", _csv(tmp_path, "b.csv", "metric,period,value\nMTTR,2026-05,6\n"))
    code, _, err = cli("rollback", "1")
    assert code == 1 and "replaced by upload #2; roll back #2 first" in err
    assert _stored(catalogue) == {("Incident MTTR", "2026-05"): 6}


def test_rollback_is_refused_while_a_later_upload_restated_its_values_unchanged(catalogue, tmp_path, cli):
    """Found by exploratory testing: a cumulative file sent again restates September's 7 unchanged
    (no value row of its own); rolling back the upload that loaded the 7 brought back 5 and dropped
    October, although the later upload, still applied, says 7 and 8."""
    cli("ingest", _csv(tmp_path, "a.csv", "metric,period,value\nMTTR,2026-09,5\n"))                    # #1
    cli("ingest", _csv(tmp_path, "b.csv", "metric,period,value\nMTTR,2026-09,7\nMTTR,2026-10,8\n"))   # #2
    code, out, _ = cli("ingest", _csv(tmp_path, "c.csv", "metric,period,value\nMTTR,2026-09,7\nMTTR,2026-10,8\n"
                                                         "MTTR,2026-11,9\n"))                         # #3
    assert code == 0 and "c.csv: 3 rows, 1 new, 0 changed, 2 unchanged, 0 missing" in out
    code, _, err = cli("rollback", "2")
    assert code == 1
    assert err.strip() == ("upload #2 cannot be rolled back: upload #3 loaded some of its values again unchanged "
                           "and still stands by them; roll back #3 first")
    assert _stored(catalogue) == {("Incident MTTR", "2026-09"): 7, ("Incident MTTR", "2026-10"): 8,
                                  ("Incident MTTR", "2026-11"): 9}
    assert cli("rollback", "3")[0] == 0
    code, out, _ = cli("rollback", "2")
    assert code == 0 and out.startswith("upload #2 rolled back: 2 values retracted, 1 earlier values restored")
    assert _stored(catalogue) == {("Incident MTTR", "2026-09"): 5}


def test_rolling_back_values_a_finished_records_verification_read_warns_first(catalogue, cli, tmp_path):
    """Found by exploratory testing: rolling back the upload whose values verified a closed record
    silently turned its 'effective' into 'not enough evidence'. The command line warns on stderr,
    and only for an upload holding values up to the month the record was verified in."""
    from analytics.uploads import records_verified_on

    for name, role in (("owner", "improvement_owner"), ("boss", "service_owner"), ("qa", "quality")):
        assert cli("users", "add", name, "--role", role, "--no-password")[0] == 0
    before = "".join(f"MTTR,2026-{m:02d},8\n" for m in range(1, 6))
    assert cli("ingest", _csv(tmp_path, "before.csv", "metric,period,value\n" + before))[0] == 0          # #1
    code, out, err = cli("records", "raise", "--metric", "MTTR", "--period", "2026-05", "--title", "Cut MTTR",
                         "--by", "owner")
    assert code == 0, err
    rid = out.strip()
    assert cli("records", "move", rid, "--to", "approved", "--by", "boss")[0] == 0
    assert cli("records", "move", rid, "--to", "implementing", "--by", "owner", "--change-ref", "CHG-1",
               "--go-live", "2026-06")[0] == 0
    assert cli("records", "move", rid, "--to", "monitoring", "--by", "qa")[0] == 0
    after = "".join(f"MTTR,2026-{m:02d},6\n" for m in range(6, 9))
    assert cli("ingest", _csv(tmp_path, "after.csv", "metric,period,value\n" + after))[0] == 0            # #2
    code, _, err = cli("records", "move", rid, "--to", "verified", "--by", "boss", "--comment", "MTTR down")
    assert code == 0, err
    with catalogue.write() as con:                                                # verified in August
        con.execute("UPDATE record_event SET event_at = TIMESTAMP '2026-08-20 10:00' WHERE to_state = 'verified'")
    later = "metric,period,value\nMTTR,2026-09,6.2\nSLA attainment,2026-05,99\n"
    assert cli("ingest", _csv(tmp_path, "later.csv", later))[0] == 0                                      # #3
    assert [records_verified_on(catalogue, upload) for upload in (1, 2, 3)] == [[int(rid)], [int(rid)], []]

    code, out, err = cli("rollback", "3")                    # September: after the month it was verified in
    assert code == 0 and "warning" not in err
    code, out, err = cli("rollback", "2")
    assert code == 0 and out.startswith("upload #2 rolled back: 3 values retracted")
    assert err.strip() == (f"warning: the verification of record #{rid} (verified or closed) read values of this "
                           "upload; it now reads the values as they are after the rollback, and its verdict may differ")


def test_the_same_file_twice_is_detected(catalogue, cli, tmp_path):
    path = _csv(tmp_path, "same.csv", "metric,period,value\nMTTR,2026-05,7\n")
    assert cli("ingest", path)[0] == 0
    code, _, err = cli("ingest", path)
    assert code == 1 and "already loaded as upload #1" in err
    assert len(list_uploads(catalogue)) == 1
    cli("rollback", "1")
    assert cli("ingest", path)[0] == 0


def test_dry_run_writes_nothing(catalogue, cli, tmp_path):
    cli("ingest", _csv(tmp_path, "a.csv", "metric,period,value\nMTTR,2026-05,7\n"))
    version = catalogue.data_version()
    path = _csv(tmp_path, "b.csv", "metric,period,value\nMTTR,2026-05,6\nMTTR,2026-06,5\n")
    code, out, _ = cli("ingest", path, "--dry-run")
    assert code == 0
    assert "1 new, 1 changed" in out and "changed: Incident MTTR 2026-05: 7 -> 6" in out
    assert "dry run: nothing was written" in out
    assert catalogue.data_version() == version
    assert _stored(catalogue) == {("Incident MTTR", "2026-05"): 7}


def test_dry_run_lists_the_new_values_after_the_changed_ones(catalogue, cli, tmp_path, monkeypatch):
    """Found by exploratory testing: the dry run listed changed values only, never what would be
    loaded new. New values follow the changed ones, capped at 50 with a count of the rest."""
    cli("ingest", _csv(tmp_path, "a.csv", "metric,period,value\nMTTR,2026-05,7\n"))
    path = _csv(tmp_path, "b.csv", "metric,period,value\nMTTR,2026-05,6\nMTTR,2026-06,5.5\nSLA attainment,2026-06,\n"
                "新指标,2026-06,3\n")
    code, out, _ = cli("ingest", path, "--dry-run", "--create-metrics")
    assert code == 0
    assert out.splitlines() == ["b.csv: 4 rows, 2 new, 1 changed, 0 unchanged, 1 missing, 1 new metrics",
                                "  changed: Incident MTTR 2026-05: 7 -> 6", "  new: Incident MTTR 2026-06: 5.5",
                                "  new: 新指标 2026-06: 3", "dry run: nothing was written"]
    many = "".join(f"MTTR,{year}-{month:02d},{month}\n" for year in range(2020, 2025) for month in range(1, 13))
    code, out, _ = cli("ingest", _csv(tmp_path, "c.csv", "metric,period,value\n" + many), "--dry-run")
    assert code == 0
    lines = out.splitlines()
    assert lines[1:3] == ["  new: Incident MTTR 2020-01: 1", "  new: Incident MTTR 2020-02: 2"]
    assert lines[50:] == ["  new: Incident MTTR 2024-02: 2", "  ... and 10 more new values", "dry run: nothing was written"]
    assert _stored(catalogue) == {("Incident MTTR", "2026-05"): 7}


def test_suggestions_are_kept_with_the_upload(catalogue, cli, tmp_path):
    path = _csv(tmp_path, "s.csv", "指标,月份,数值,改进建议\nMTTR,2026-05,7,增加夜班二线支持\nFCR,2026-05,70,\n")
    assert cli("ingest", path)[0] == 0
    suggestions = list_suggestions(catalogue)
    assert suggestions[["metric", "period", "text", "file_name"]].values.tolist() == [
        ["Incident MTTR", "2026-05", "增加夜班二线支持", "s.csv"]]


def test_a_refused_file_in_a_batch_stops_the_whole_batch(catalogue, tmp_path):
    good = _csv(tmp_path, "good.csv", "metric,period,value\nMTTR,2026-05,7\n")
    bad = _csv(tmp_path, "bad.csv", "metric,period,value\nMTTR,2026-13,7\n")
    with pytest.raises(InputRefused) as refused:
        plan_ingest(catalogue, [(good, "good.csv"), (bad, "bad.csv")])
    assert any(p.file == "bad.csv" and p.row == 2 for p in refused.value.problems)
    assert _stored(catalogue) == {}


def test_two_files_with_two_values_for_one_month_in_one_batch_are_refused(catalogue, tmp_path):
    a = _csv(tmp_path, "a.csv", "metric,period,value\nMTTR,2026-05,7\n")
    b = _csv(tmp_path, "b.csv", "metric,period,value\nIncident MTTR,2026-05,8\n")
    with pytest.raises(InputRefused, match="'Incident MTTR' 2026-05 is also in a.csv"):
        plan_ingest(catalogue, [(a, "a.csv"), (b, "b.csv")])


def test_two_sheets_with_two_values_for_one_month_name_both_places_and_values(catalogue, cli, tmp_path):
    """Found by exploratory testing: sheets 汇总 and 9月 of one workbook disagree on SLA attainment for
    2026-09; the refusal named the rows but not what each said, so the owner could not tell which to keep."""
    path = tmp_path / "九月.xlsx"
    with xlsxwriter.Workbook(path) as book:
        for name, value, target in (("汇总", 96.1, 95), ("9月", 95.4, 95), ("核对", 95.4, 98)):
            sheet = book.add_worksheet(name)
            sheet.write_row(0, 0, ["指标", "月份", "数值", "目标"])
            sheet.write_row(1, 0, ["SLA attainment", "2026-09", value, target])
    code, _, err = cli("ingest", path)
    assert code == 1
    assert ("九月.xlsx, sheet '9月', row 2, column B (月份): 'SLA attainment' 2026-09 appears twice (also in sheet '汇总' row 2): "
            "value 95.4 here, 96.1 there") in err
    assert ("九月.xlsx, sheet '核对', row 2, column B (月份): 'SLA attainment' 2026-09 appears twice (also in sheet '汇总' row 2): "
            "value 95.4 here, 96.1 there") in err
    assert _stored(catalogue) == {}


def test_two_rows_with_two_targets_for_one_month_name_the_targets(catalogue, cli, tmp_path):
    path = _csv(tmp_path, "d.csv", "metric,period,value,target\nMTTR,2026-06,6,5\nMTTR,2026-06,6,4.5\n")
    code, _, err = cli("ingest", path)
    assert code == 1 and "d.csv, row 3, column B (period): 'MTTR' 2026-06 appears twice (also on row 2): target 4.5 here, 5 there" in err


def test_two_files_with_two_values_name_the_other_file_s_sheet_row_and_value(catalogue, cli, tmp_path):
    """Found by exploratory testing: the refusal said only 'is also in a.xlsx', not where in it nor
    what either file says."""
    a = tmp_path / "a.xlsx"
    with xlsxwriter.Workbook(a) as book:
        sheet = book.add_worksheet("汇总")
        sheet.write_row(0, 0, ["指标", "月份", "数值"])
        sheet.write_row(1, 0, ["SLA attainment", "2026-05", 93.5])
        sheet.write_row(2, 0, ["MTTR", "2026-05", 7])
    b = _csv(tmp_path, "b.csv", "metric,period,value\nIncident MTTR,2026-05,8\n")
    code, _, err = cli("ingest", a, b)
    assert code == 1
    assert ("b.csv, row 2: 'Incident MTTR' 2026-05 is also in a.xlsx; load one of the two files: value 8 here, "
            "7 in a.xlsx sheet '汇总' row 3") in err
    assert _stored(catalogue) == {}


def test_a_blank_in_one_file_is_not_the_same_value_as_a_number_in_another(catalogue, cli, tmp_path):
    """The first file's blank for a month and the second's 8 were compared with the first number of
    the month (8 itself), so the 8 was dropped as a repeat and nothing was loaded for the month."""
    a = _csv(tmp_path, "a.csv", "metric,period,value\nMTTR,2026-05,\nSLA attainment,2026-05,93\n")
    b = _csv(tmp_path, "b.csv", "metric,period,value\nMTTR,2026-05,8\n")
    code, _, err = cli("ingest", a, b)
    assert code == 1
    assert ("b.csv, row 2: 'MTTR' 2026-05 is also in a.csv; load one of the two files: value 8 here, "
            "blank in a.csv row 2") in err
    assert _stored(catalogue) == {}


def test_two_files_with_the_same_value_for_one_month_read_it_from_the_first(catalogue, cli, tmp_path):
    """A summary file and a process owner's file in one batch agree on SLA attainment for 2026-05: the
    value is read once, from the first file; each file's other values load as usual."""
    a = _csv(tmp_path, "a.csv", "metric,period,value,target\nSLA attainment,2026-05,93.5,95\nMTTR,2026-05,6\n")
    b = _csv(tmp_path, "b.csv", "metric,period,value,target\nSLA attainment,2026-05,93.5,95\nFCR,2026-05,70,\n")
    code, out, err = cli("ingest", a, b)
    assert code == 0, err
    assert "  note: 'SLA attainment' 2026-05 is also in a.csv with the same value: read from there" in err
    assert "b.csv: 1 rows, 1 new" in out
    assert _stored(catalogue) == {("SLA attainment", "2026-05"): 93.5, ("Incident MTTR", "2026-05"): 6.0,
                                  ("First contact resolution", "2026-05"): 70.0}
    assert _table(catalogue, "SELECT u.file_name FROM observation o JOIN upload u ON u.id = o.upload_id "
                             "WHERE o.value = 93.5") == [("a.csv",)]


def test_a_reupload_meets_the_stored_values_of_its_own_metrics(store, cli, tmp_path):
    """The stored values a plan compares with are fetched by the range of the file's metric ids when
    they fill most of it, else by the ids themselves: either way each row meets its own metric's
    value, and a metric the file does not name (in the range or not) is no row's."""
    names = [f"Metric {i}" for i in range(10)]
    assert cli("metrics", "import", _csv(tmp_path, "names.csv", "name\n" + "\n".join(names) + "\n"))[0] == 0
    first = "metric,period,value\n" + "".join(f"{name},2026-01,{i}\n" for i, name in enumerate(names))
    apply_ingest(store, plan_ingest(store, [(_csv(tmp_path, "a.csv", first), "a.csv")]), by="x")
    for one, other in ((0, 2), (0, 9)):         # two of a range of three; two of ten
        text = f"metric,period,value\n{names[one]},2026-01,{one}\n{names[other]},2026-01,99\n"
        changes = plan_ingest(store, [(_csv(tmp_path, "b.csv", text), "b.csv")]).files[0].changes
        assert changes["status"].astype(str).tolist() == ["unchanged", "changed"]
        assert changes["old_value"].tolist() == [one, other]


def test_a_plan_made_stale_by_another_upload_is_refused(catalogue, tmp_path):
    a = _csv(tmp_path, "a.csv", "metric,period,value\nMTTR,2026-05,7\n")
    b = _csv(tmp_path, "b.csv", "metric,period,value\nMTTR,2026-05,8\n")
    plan_a = plan_ingest(catalogue, [(a, "a.csv")])
    apply_ingest(catalogue, plan_ingest(catalogue, [(b, "b.csv")]), by="x")
    with pytest.raises(InputRefused, match="the store changed since this preview"):
        apply_ingest(catalogue, plan_a, by="x")
    assert _stored(catalogue) == {("Incident MTTR", "2026-05"): 8}


def test_a_plan_made_before_an_unrelated_upload_still_applies(catalogue, tmp_path):
    """Another write since the preview means the plan is checked again, not refused outright."""
    a = _csv(tmp_path, "a.csv", "metric,period,value\nMTTR,2026-05,7\n")
    b = _csv(tmp_path, "b.csv", "metric,period,value\nSLA attainment,2026-05,95\n")
    plan_a = plan_ingest(catalogue, [(a, "a.csv")])
    apply_ingest(catalogue, plan_ingest(catalogue, [(b, "b.csv")]), by="x")
    apply_ingest(catalogue, plan_a, by="x")
    assert _stored(catalogue) == {("Incident MTTR", "2026-05"): 7, ("SLA attainment", "2026-05"): 95}


def test_a_plan_applied_twice_is_refused_the_second_time(catalogue, tmp_path):
    plan = plan_ingest(catalogue, [(_csv(tmp_path, "a.csv", "metric,period,value\nMTTR,2026-05,7\n"), "a.csv")])
    apply_ingest(catalogue, plan, by="x")
    with pytest.raises(InputRefused, match="the store changed since this preview"):
        apply_ingest(catalogue, plan, by="x")
    assert len(list_uploads(catalogue)) == 1


@pytest.mark.parametrize("spread_codes", [1, 10_000_000], ids=["counted", "hashed"])
def test_duplicates_in_a_long_csv_name_both_rows(catalogue, tmp_path, monkeypatch, spread_codes):
    """Thousands of rows go through the column reader; a pair repeated far down is still named by
    its rows, whether pairs are counted in an array or (a huge key space) hashed."""
    from analytics import ingest

    lines = ["metric,period,value"] + [f"{m},{y}-{mo:02d},{i}" for i, (m, y, mo) in enumerate(
        (m, y, mo) for m in ("MTTR", "SLA attainment", "FCR") for y in range(1990, 2020) for mo in range(1, 13))]
    # 3 metrics x 30 years x 12 months fill rows 2..1081, so the extra line is row 1082; MTTR
    # comes first and 2010-03 is its (2010 - 1990) x 12 + 2 = 242nd month after 1990-01: row 2 + 242
    lines.append("Incident MTTR,2010-03,1")
    real = ingest._repeated_values
    monkeypatch.setattr(ingest, "_repeated_values",
                        lambda frame, codes, name: real(frame, codes * spread_codes, name))
    with pytest.raises(InputRefused) as refused:
        plan_ingest(catalogue, [(_csv(tmp_path, "big.csv", "\n".join(lines) + "\n"), "big.csv")])
    assert [str(p) for p in refused.value.problems] == [
        "big.csv, row 1082, column B (period): 'Incident MTTR' 2010-03 appears twice (also on row 244): value 1 here, 242 there"]


def test_observations_csv_contract(catalogue, cli, tmp_path):
    cli("ingest", _csv(tmp_path, "a.csv", "metric,period,value\nMTTR,2026-05,7\nSLA attainment,2026-04,93.5\n"))
    code, out, _ = cli("observations", "--format", "csv")
    assert code == 0
    assert out == "metric,period,value\nIncident MTTR,2026-05,7.0\nSLA attainment,2026-04,93.5\n"
    code, out, _ = cli("observations", "--metric", "SLA attainment", "--format", "json")
    assert code == 0 and '"value": 93.5' in out
    assert cli("observations", "--metric", "nope")[0] == 1


def test_usage_errors_exit_2(cli):
    assert cli("ingest")[0] == 2
    assert cli("frobnicate")[0] == 2
    assert cli("observations", "--format", "xml")[0] == 2


def test_missing_file_is_refused(cli, catalogue, tmp_path):
    code, _, err = cli("ingest", tmp_path / "nope.csv")
    assert code == 1 and "nope.csv: file not found" in err




@pytest.mark.parametrize("name, reason", [
    ("MTTR\u202eRTTM", "direction control characters"),
    ("bad\x07bell", "control or invisible characters"),
    ("x" * 201, "at most 200 are allowed"),
])
def test_hostile_new_metric_names_are_refused(catalogue, cli, tmp_path, name, reason):
    path = _csv(tmp_path, "h.csv", f"metric,period,value\n{name},2026-05,1\n")
    code, _, err = cli("ingest", path, "--create-metrics")
    assert code == 1 and "h.csv, row 2: cannot create metric" in err and reason in err
    assert _stored(catalogue) == {}


def test_a_formula_looking_name_is_kept_as_plain_text(catalogue, cli, tmp_path):
    path = _csv(tmp_path, "f.csv", 'metric,period,value\n"=1+2",2026-05,1\n')
    assert cli("ingest", path, "--create-metrics")[0] == 0
    assert _stored(catalogue) == {("=1+2", "2026-05"): 1.0}


def test_values_at_the_wrong_scale_for_their_metric_are_questioned_not_refused(catalogue, cli, tmp_path):
    """SLA so far 95, 96, 97 (median 96): 0.953 is 0.953 / 96 = 0.0099, about a hundredth, and no
    value is above 1: fractions for percentages. MTTR so far 6 and 7 (median 6.5): 390 / 6.5 = 60:
    minutes for hours. FCR so far 5 (median 5): 0.8 / 5 = 0.16 is a real fall, not a unit slip."""
    history = _csv(tmp_path, "h.csv", "metric,period,value\nSLA attainment,2026-01,95\nSLA attainment,2026-02,96\n"
                   "SLA attainment,2026-03,97\nIncident MTTR,2026-01,6\nIncident MTTR,2026-02,7\nFCR,2026-01,5\n")
    assert cli("ingest", history)[0] == 0
    month = _csv(tmp_path, "m.csv", "metric,period,value\nSLA attainment,2026-04,0.953\nIncident MTTR,2026-04,390\n"
                 "FCR,2026-04,0.8\n")
    code, out, err = cli("ingest", month)
    assert code == 0, err
    assert "warning:" not in out                     # stderr only: stdout is the summary a script parses
    assert [line for line in err.splitlines() if "warning:" in line] == [
        ("  warning: 'Incident MTTR' is kept in h, but its values in this file (median 390) are about 60 times its "
         "values so far (median 6.5): were minutes written for hours?"),
        ("  warning: 'SLA attainment' is kept in %, but its values in this file (median 0.953) are about a hundredth "
         "of its values so far (median 96): were fractions written for percentages (0.95 for 95%)?")]
    assert _stored(catalogue)[("SLA attainment", "2026-04")] == 0.953


@pytest.mark.parametrize("history, expected_level", [
    ("SLA attainment,2026-01,95\nSLA attainment,2026-02,97\n", "96"),   # its median so far: (95 + 97) / 2
    ("", "95.5"),                  # a first load: the median of its other values in the file, (95.1 + 95.9) / 2
])
def test_one_fraction_among_percentages_is_questioned_by_its_cell(catalogue, cli, tmp_path, history, expected_level):
    """One month pasted from a system that exports fractions: 0.953 among 95s is 0.953 / 96 = 0.0099 (or
    0.953 / 95.5 = 0.0100), about a hundredth. The file's median (95.1) is not, so the whole-file
    question cannot see it. 0.9 for FCR, kept in % too, is no fraction of a level above 1: not judged."""
    if history:
        assert cli("ingest", _csv(tmp_path, "h.csv", "metric,period,value\n" + history))[0] == 0
    month = _csv(tmp_path, "m.csv", "指标,2026-03,2026-04,2026-05\nSLA达成率,95.1,0.953,95.9\n一次解决率,0.9,0.8,0.7\n")
    code, out, err = cli("ingest", month)
    assert code == 0, err
    assert "warning:" not in out                     # stderr only: stdout is the summary a script parses
    assert [line for line in err.splitlines() if "warning:" in line] == [
        (f"  warning: 'SLA attainment' is kept in %, but 0.953 (C2) in this file is about a hundredth of its other "
        f"values (median {expected_level}): was a fraction written for a percentage (0.95 for 95%)?")]
    assert _stored(catalogue)[("SLA attainment", "2026-04")] == 0.953          # a question, not a refusal


def test_percentages_formatted_as_percent_again_are_questioned(catalogue, cli, tmp_path):
    """95 typed into a cell formatted as percent shows 9500% and is read as shown: 9,510 / 96 = 99, about
    100 times SLA's level so far (median of 95 and 97 = 96)."""
    history = "metric,period,value\nSLA attainment,2026-01,95\nSLA attainment,2026-02,97\n"
    assert cli("ingest", _csv(tmp_path, "h.csv", history))[0] == 0
    path = tmp_path / "m.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("数据")
    sheet.write_row(0, 0, ["指标", "2026-03"])
    sheet.write(1, 0, "SLA达成率")
    sheet.write_number(1, 1, 95.1, book.add_format({"num_format": "0%"}))
    book.close()
    code, out, err = cli("ingest", path)
    assert code == 0, err
    assert "warning:" not in out                     # stderr only: stdout is the summary a script parses
    assert [line for line in err.splitlines() if "warning:" in line] == [
        ("  warning: 'SLA attainment' is kept in %, but its values in this file (median 9510) are about 100 times its "
        "values so far (median 96): were percentages typed into cells formatted as percent (95 shown as 9500%)?")]


@pytest.mark.parametrize("history, expected_level", [
    ("SLA attainment,2026-01,95\nSLA attainment,2026-02,97\n", "96"),   # its median so far: (95 + 97) / 2
    ("", "95.5"),                  # a first load: the median of its other values in the file, (95.1 + 95.9) / 2
])
def test_one_percentage_typed_into_a_percent_cell_is_questioned_by_its_cell(catalogue, cli, tmp_path, history,
                                                                            expected_level):
    """95.3 typed into one cell formatted as percent shows 9530% and is read as shown: 9,530 / 96 = 99 (or
    9,530 / 95.5 = 100), about 100 times. The file's median (95.9) is not, so the whole-file question
    cannot see it. FCR (0.9, 0.8, 1.5) has nothing over 100, and 0.9 / 1.5 = 0.6 is no hundredth: not judged."""
    if history:
        assert cli("ingest", _csv(tmp_path, "h.csv", "metric,period,value\n" + history))[0] == 0
    path = tmp_path / "m.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("数据")
    sheet.write_row(0, 0, ["指标", "2026-03", "2026-04", "2026-05"])
    sheet.write_row(1, 0, ["SLA达成率", 95.1])
    sheet.write_number(1, 2, 95.3, book.add_format({"num_format": "0%"}))
    sheet.write_number(1, 3, 95.9)
    sheet.write_row(2, 0, ["一次解决率", 0.9, 0.8, 1.5])
    book.close()
    code, out, err = cli("ingest", path)
    assert code == 0, err
    assert "warning:" not in out                     # stderr only: stdout is the summary a script parses
    assert [line for line in err.splitlines() if "warning:" in line] == [
        (f"  warning: 'SLA attainment' is kept in %, but 9530 (数据!C2) in this file is about 100 times its other "
         f"values (median {expected_level}): was a percentage typed into a cell formatted as percent (95 shown as "
         "9500%)?")]
    assert _stored(catalogue)[("SLA attainment", "2026-04")] == 9530          # a question, not a refusal


def test_a_fraction_question_names_five_cells_at_most():
    doubt = CellDoubt("SLA", tuple([0.9] * 6), tuple(f"C{row}" for row in range(2, 8)), 95.0)
    assert str(doubt).startswith("'SLA' is kept in %, but 0.9 (C2), 0.9 (C3), 0.9 (C4), 0.9 (C5), 0.9 (C6) … in this "
                                 "file are about a hundredth")


def test_a_count_that_is_not_whole_is_questioned_by_its_cells(scaled, cli, tmp_path):
    """Found by a fuzz campaign: a semicolon CSV from a European system writes 1.234 for 1,234
    tickets, and it loaded as 1.234 without a word; 2.5 major incidents is an average written for a
    count. Both are counts (工单量, 重大事件数): questioned, still loaded. 5200 and 3 are whole: no question."""
    month = _csv(tmp_path, "m.csv", "指标;2026-09;2026-10\n工单量;5200;1.234\n重大事件数;3;2.5\n重复事件率;1.5;2.25\n")
    code, out, err = cli("ingest", month)
    assert code == 0, err
    assert "warning:" not in out                     # stderr only: stdout is the summary a script parses
    warnings = [line.removeprefix("  warning: ") for line in err.splitlines() if "warning:" in line]
    assert warnings == [
        ("'Ticket volume' is a count, but 1.234 (C2) in this file is not whole: was a dot written to group thousands "
         "(1.234 for 1234), or an average for a count?"),
        ("'Major incidents' is a count, but 2.5 (C3) in this file is not whole: was a dot written to group thousands "
         "(1.234 for 1234), or an average for a count?")]
    assert _stored(scaled)[("Ticket volume", "2026-10")] == 1.234          # a question, not a refusal
    assert message_text(warnings[1], "zh") == (
        "“Major incidents”是计数指标,但本文件中的 2.5 (C3) 不是整数:是否用点号分隔了千位(1.234 表示 1234),"
        "或把平均数填成了计数?")


def test_a_count_question_names_five_cells_at_most(scaled, cli, tmp_path):
    months = [f"2026-0{m}" for m in range(1, 8)]
    month = _csv(tmp_path, "m.csv", "指标," + ",".join(months) + "\n重大事件数," + ",".join(["2.5"] * 7) + "\n")
    code, _, err = cli("ingest", month)
    assert code == 0, err
    assert [line for line in err.splitlines() if "warning:" in line] == [
        ("  warning: 'Major incidents' is a count, but 2.5 (B2), 2.5 (C2), 2.5 (D2), 2.5 (E2), 2.5 (F2) … in this file "
         "are not whole: was a dot written to group thousands (1.234 for 1234), or an average for a count?")]


def test_a_count_whose_stored_values_hold_fractions_is_not_questioned(scaled, cli, tmp_path):
    """An average the catalogue keeps as a count (工单量 4.5 per agent, stored before): its next
    fraction is how it is written, not a slip. 重大事件数 has only whole values stored: questioned."""
    assert cli("ingest", _csv(tmp_path, "h.csv", "指标,2026-08\n工单量,4.5\n重大事件数,2\n"))[0] == 0
    code, _, err = cli("ingest", _csv(tmp_path, "m.csv", "指标,2026-09\n工单量,4.25\n重大事件数,1.5\n"))
    assert code == 0, err
    assert [line for line in err.splitlines() if "warning:" in line] == [
        ("  warning: 'Major incidents' is a count, but 1.5 (B3) in this file is not whole: was a dot written to group "
         "thousands (1.234 for 1234), or an average for a count?")]


@pytest.mark.parametrize("unit, so_far, this_month, expected", [
    # 350 and 370 元 so far (median 360); 0.036 / 360 = 0.0001: 万元 written for 元
    ("元", (350, 370), 0.036, ("about a ten-thousandth of its values so far (median 360): were amounts in 万元 "
                             "written for 元?")),
    # 1.2 and 1.4 万元 so far (median 1.3); 13,000 / 1.3 = 10,000: 元 written for 万元
    ("万元", (1.2, 1.4), 13_000, ("about 10,000 times its values so far (median 1.3): were amounts in 元 written "
                                "for 万元?")),
    # 20 and 30 min so far (median 25); 1,500 / 25 = 60: seconds written for minutes
    ("分钟", (20, 30), 1_500, "about 60 times its values so far (median 25): were seconds written for minutes?"),
    # 40 and 50 s so far (median 45); 0.75 / 45 = 1/60: minutes written for seconds
    ("秒", (40, 50), 0.75, "about a sixtieth of its values so far (median 45): were minutes written for seconds?"),
])
def test_costs_and_times_at_the_wrong_scale_are_questioned(store, cli, tmp_path, unit, so_far, this_month, expected):
    catalogue = _csv(tmp_path, "c.csv", f"name,unit,direction\nCost per ticket,{unit},decrease\n")
    assert cli("metrics", "import", catalogue)[0] == 0
    history = "".join(f"Cost per ticket,2026-0{m},{v}\n" for m, v in enumerate(so_far, start=1))
    assert cli("ingest", _csv(tmp_path, "h.csv", "metric,period,value\n" + history))[0] == 0
    code, out, err = cli("ingest", _csv(tmp_path, "m.csv", f"metric,period,value\nCost per ticket,2026-04,{this_month}\n"))
    assert code == 0, err
    assert "warning:" not in out                     # stderr only: stdout is the summary a script parses
    assert [line for line in err.splitlines() if "warning:" in line] == [
        f"  warning: 'Cost per ticket' is kept in {unit}, but its values in this file (median {this_month:g}) are "
        + expected]


def test_a_value_for_a_month_that_has_not_begun_is_refused_with_its_place(catalogue, cli, tmp_path):
    """2027-10 typed for 2026-10, or 十二月 under this year's title in November, would sit on every
    chart as a point in the future. A yearly template's months to come are blank and pass; this
    month passes (a month-end upload)."""
    this_month = pd.Period(pd.Timestamp.today(), freq="M")
    later, next_year = str(this_month + 1), str(this_month + 12)
    long_file = _csv(tmp_path, "l.csv", f"指标,月份,数值\nMTTR,{this_month},6\nMTTR,{next_year},6.5\n"
                                        f"SLA达成率,{next_year},95\n")
    code, _, err = cli("ingest", long_file)
    assert code == 1
    assert err.splitlines()[0] == (f"l.csv, row 3, column B (月份): '{next_year}' has not begun (this month is "
                                   f"{this_month}): check the year; values are for months that have ended, or this one "
                                   "(2 rows: 3–4)")
    wide_file = _csv(tmp_path, "w.csv", f"指标,{this_month - 1},{this_month},{later}\nMTTR,6,6.5,\nSLA达成率,95,96,97\n")
    code, _, err = cli("ingest", wide_file)
    assert code == 1 and err.splitlines()[0].startswith(f"w.csv, row 3, column D ({later}): '{later}' has not begun")
    assert _stored(catalogue) == {}
    template = _csv(tmp_path, "t.csv", f"指标,{this_month - 1},{this_month},{later}\nMTTR,6,6.5,\n")
    assert cli("ingest", template)[0] == 0
    assert _stored(catalogue) == {("Incident MTTR", str(this_month - 1)): 6.0, ("Incident MTTR", str(this_month)): 6.5}


def test_a_yearly_workbook_s_formula_zeros_are_blank_to_come_and_questioned_this_month(catalogue, cli, tmp_path):
    """A yearly tracker whose formulas (=IFERROR(…,0)) show 0 for the months not reported yet: the
    months to come were refused as 'has not begun: check the year', which was not what was wrong;
    this month's 0 loaded as an SLA of 0 %, a collapse on every chart, without a question. The
    months to come are read as blank, with a note; this month's 0 is questioned (loaded, as a real
    0 is possible); a number other than 0 to come is still refused."""
    now = pd.Period(pd.Timestamp.today(), freq="M")
    months = [now - 2, now - 1, now, now + 1, now + 2]
    rows = [["指标", *map(str, months)], ["SLA达成率", 95.1, 96.0, 0, 0, 0], ["事件平均解决时间", 5.5, 0, 0, 0, 0]]
    code, _, err = cli("ingest", _sheet_file(tmp_path / "y.xlsx", rows))
    assert code == 0, err
    assert _stored(catalogue) == {("SLA attainment", str(now - 2)): 95.1, ("SLA attainment", str(now - 1)): 96.0,
                                  ("SLA attainment", str(now)): 0, ("Incident MTTR", str(now - 2)): 5.5,
                                  ("Incident MTTR", str(now - 1)): 0, ("Incident MTTR", str(now)): 0}
    note = f"sheet '月报': 4 cells of months to come ({now + 1} … {now + 2}) hold 0, read as blank: a formula's " \
           "placeholder for a month not yet reported"
    assert f"  note: {note}" in err.splitlines()
    assert message_text(note, "zh") == (f"工作表“月报”:尚未开始的月份({now + 1} … {now + 2})有 4 个单元格为 0,已按空白读取:"
                                        "这是公式为未填报月份留的占位值")
    questioned = [line for line in err.splitlines() if line.startswith("  warning:")]
    assert questioned == [
        ("  warning: 'Incident MTTR' is 0 in 月报!C3, 月报!D3 in this file, but has never been 0 (median 5.5): a formula's "
        "placeholder for a month not yet reported? Leave such a cell blank"),
        ("  warning: 'SLA attainment' is 0 in 月报!D2 in this file, but has never been 0 (median 95.55): a formula's "
        "placeholder for a month not yet reported? Leave such a cell blank")]
    assert message_text(questioned[1].removeprefix("  warning: "), "zh") == (
        "“SLA attainment”在本文件的 月报!D2 为 0,但以往从未为 0(中位数 95.55):是否是公式为尚未填报的月份留的占位值?如是,请让该单元格留空")
    later = _sheet_file(tmp_path / "z.xlsx", [["指标", str(now + 1)], ["SLA达成率", 0.5]])
    code, _, err = cli("ingest", later)
    assert code == 1 and "has not begun" in err


def test_a_month_not_begun_is_refused_at_its_month_column_with_every_row(catalogue, cli, tmp_path):
    """Found by exploratory testing: the refusal named the value column (C) and only the first of
    the rows holding the month. It names the cell that gives the month: the period column of a long
    table, the month's heading in a wide one, and how many rows, which."""
    this_month = pd.Period(pd.Timestamp.today(), freq="M")
    later, next_year = str(this_month + 1), str(this_month + 12)
    begun = "check the year; values are for months that have ended, or this one"
    long_file = _sheet_file(tmp_path / "l.xlsx", [["指标", "统计月份", "数值"], ["MTTR", next_year, 6.5],
                                                  ["MTTR", str(this_month), 6], ["SLA达成率", next_year, 95],
                                                  ["SLA达成率", later, 96], ["MTTA", next_year, 0.5]])
    code, _, err = cli("ingest", long_file)
    assert code == 1
    assert err.splitlines() == [
        (f"l.xlsx, sheet '月报', row 2, column B (统计月份): '{next_year}' has not begun (this month is {this_month}): "
         f"{begun} (3 rows: 2, 4, 6)"),
        f"l.xlsx, sheet '月报', row 5, column B (统计月份): '{later}' has not begun (this month is {this_month}): {begun}"]
    wide_file = _csv(tmp_path, "w.csv", f"指标,{this_month},{later}\nMTTR,6,6.5\nSLA达成率,95,96\nMTTA,0.5,\n")
    code, _, err = cli("ingest", wide_file)
    assert code == 1
    assert err.splitlines() == [(f"w.csv, row 2, column C ({later}): '{later}' has not begun (this month is "
                                 f"{this_month}): {begun} (2 rows: 2–3)")]
    assert _stored(catalogue) == {}


def test_a_metric_without_history_is_measured_against_its_baseline(catalogue, cli, tmp_path):
    """No stored values: the baseline 95 is the level; 0.95 / 95 = 0.01."""
    assert cli("baselines", "set", "--by", "t", "--metric", "SLA attainment", "--baseline", "95", "--from", "2026-01",
               "--reason", "t")[0] == 0
    code, out, err = cli("ingest", _csv(tmp_path, "m.csv", "metric,period,value\nSLA attainment,2026-04,0.95\n"))
    assert code == 0, err
    assert "warning:" not in out                     # stderr only: stdout is the summary a script parses
    assert "about a hundredth of its values so far (median 95)" in err


@pytest.mark.parametrize("content", [
    "指标,单位,2026-09,2026-10\n事件平均解决时间,分钟,300,280\nSLA达成率,%,95.1,95.3\n",
    "指标,月份,数值,单位\nSLA达成率,2026-09,95.1,％\n事件平均解决时间,2026-09,300,分钟\n",
])
def test_a_unit_column_naming_another_unit_than_the_catalogue_s_refuses_the_file(catalogue, cli, tmp_path, content):
    code, _, err = cli("ingest", _csv(tmp_path, "u.csv", content))
    assert code == 1
    assert err.splitlines()[0].endswith(": 'Incident MTTR' is in 分钟 here, but the catalogue keeps it in h; "
                                        "convert the values to h first")
    assert _stored(catalogue) == {}


def test_a_unit_column_with_the_catalogue_s_units_or_unknown_unit_words_loads(catalogue, cli, tmp_path):
    content = "指标,单位,2026-09\n事件平均解决时间,小时,6\nSLA达成率,%,95.1\n一次解决率,次/月,70\n"
    code, _, err = cli("ingest", _csv(tmp_path, "u.csv", content))
    assert code == 0, err
    assert _stored(catalogue) == {("Incident MTTR", "2026-09"): 6.0, ("SLA attainment", "2026-09"): 95.1,
                                  ("First contact resolution", "2026-09"): 70.0}


@pytest.mark.parametrize("create", [False, True])
def test_group_headings_in_the_metric_column_are_ignored_with_a_note(catalogue, cli, tmp_path, create):
    """一、质量指标 over its metrics has no values and names no metric: nothing to load, nothing to
    create (not even with --create-metrics); an unknown name with a value is still refused."""
    path = tmp_path / "groups.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("数据")
    sheet.write_row(0, 0, ["指标", "2026-09", "2026-10"])
    sheet.write_row(1, 0, ["一、质量指标"])
    sheet.write_row(2, 0, ["SLA达成率", 95.1, 95.3])
    sheet.write_row(3, 0, ["二、效率指标", "", "-"])
    sheet.write_row(4, 0, ["事件平均解决时间", 8.1, 8.3])
    book.close()
    code, out, err = cli("ingest", path, *(["--create-metrics"] if create else []))
    assert code == 0, err
    assert "note:" not in out                     # stderr only: stdout is the summary a script parses
    assert ("  note: sheet '数据', row 2: '一、质量指标' has no values and names no catalogue metric: read as a "
            "heading and ignored") in err
    assert "row 4: '二、效率指标' has no values" in err
    assert _stored(catalogue) == {("SLA attainment", "2026-09"): 95.1, ("SLA attainment", "2026-10"): 95.3,
                                  ("Incident MTTR", "2026-09"): 8.1, ("Incident MTTR", "2026-10"): 8.3}
    assert _table(catalogue, "SELECT count(*) FROM metric") == [(3,)]
    assert list_uploads(catalogue).iloc[0]["rows_read"] == 4

    again = _csv(tmp_path, "u.csv", "metric,period,value\n一、质量指标,2026-05,\n二、效率指标,2026-05,7\n")
    code, _, err = cli("ingest", again)
    assert code == 1 and "unknown metric '二、效率指标'" in err and "一、质量指标" not in err


def test_a_service_column_says_whose_metric_a_row_is(store, cli, tmp_path):
    """A group tracks one metric per service or subsidiary: 'SLA达成率' on a row for 网银 is the catalogue's
    '网银-SLA达成率' (or 'SLA达成率(核心)', 信用卡SLA达成率); a name without such a metric stays as written."""
    path = tmp_path / "catalogue.csv"
    path.write_text("name,unit,direction\n网银-SLA达成率,%,increase\nSLA达成率(核心),%,increase\n"
                    "信用卡SLA达成率,%,increase\n事件平均解决时间,h,decrease\n", encoding="utf-8")
    assert cli("metrics", "import", path)[0] == 0
    long = _csv(tmp_path, "long.csv", "服务,指标,月份,数值\n网银,SLA达成率,2026-10,95.1\n核心,SLA达成率,2026-10,99.2\n"
                "信用卡,SLA达成率,2026-10,97.0\n网银,事件平均解决时间,2026-10,4.5\n")
    code, out, err = cli("ingest", long)
    assert code == 0, err
    assert "long.csv: 4 rows, 4 new, 0 changed" in out
    wide = tmp_path / "wide.xlsx"
    book = xlsxwriter.Workbook(wide)
    sheet = book.add_worksheet("数据")
    sheet.write_row(0, 0, ["子公司", "指标名称", "2026-09", "2026-10"])
    sheet.write_row(1, 0, ["网银", "SLA达成率", 94.8, 95.0])
    sheet.write_row(2, 0, ["核心", "SLA达成率", 99.0, 99.1])
    book.close()
    code, _, err = cli("ingest", wide)
    assert code == 0, err
    assert _stored(store) == {("网银-SLA达成率", "2026-10"): 95.0, ("网银-SLA达成率", "2026-09"): 94.8,
                              ("SLA达成率(核心)", "2026-10"): 99.1, ("SLA达成率(核心)", "2026-09"): 99.0,
                              ("信用卡SLA达成率", "2026-10"): 97.0, ("事件平均解决时间", "2026-10"): 4.5}


def test_a_count_left_without_a_value_is_pointed_out_up_to_the_file_s_latest_month(store, cli, tmp_path):
    """Found by exploratory testing: 重大事件数 2026-06 written 无 (none happened) was read as not
    reported, so the month kept last upload's 1 and the preview said nothing. A count gets a note;
    a percentage's 无 does not (not applicable), nor do months after the file's latest figure."""
    path = tmp_path / "catalogue.csv"
    path.write_text("name,unit,direction\n重大事件数,件,decrease\nSLA达成率,%,increase\n", encoding="utf-8")
    assert cli("metrics", "import", path)[0] == 0
    assert cli("ingest", _csv(tmp_path, "may.csv", "指标,月份,数值\n重大事件数,2026-06,1\n"))[0] == 0
    rows = _csv(tmp_path, "june.csv", "指标,2026-05,2026-06,2026-07,2026-08\n重大事件数,2,无,,\n"
                "SLA达成率,99.1,无,99.5,\n")
    code, _, err = cli("ingest", rows)
    assert code == 0, err
    notes = [line for line in err.splitlines() if "no value" in line]
    assert notes == [("  note: '重大事件数' has no value for 2026-06, 2026-07 (from row 2): a blank, 无 or N/A is read "
                     "as not reported, not as 0, and a value already stored stays; write 0 where none happened")]
    assert _stored(store)[("重大事件数", "2026-06")] == 1                    # what the note warns of
    assert message_text(notes[0].removeprefix("  note: "), "zh") == (
        "“重大事件数”2026-06, 2026-07 没有数值(自第 2 行起):空白、无或 N/A 按未填报读取,不算 0,已存储的数值保留;"
        "如果没有发生,请填 0")


def test_a_row_for_another_service_than_the_catalogue_s_is_pointed_out(store, cli, tmp_path):
    """Found by exploratory testing: a row for 网银 loaded into SLA达成率, kept for IT运维服务, with no
    word. It still loads (the service column may be spelt otherwise), and the preview says so."""
    path = tmp_path / "catalogue.csv"
    path.write_text("name,unit,direction,service\nSLA达成率,%,increase,IT运维服务\n事件平均解决时间,h,decrease,\n",
                    encoding="utf-8")
    assert cli("metrics", "import", path)[0] == 0
    rows = _csv(tmp_path, "n.csv", "服务,指标,月份,数值\n网银,SLA达成率,2026-01,90\nIT运维服务,SLA达成率,2026-02,96\n"
                "网银,事件平均解决时间,2026-01,4.5\n")
    code, _, err = cli("ingest", rows)
    assert code == 0, err
    notes = [line for line in err.splitlines() if "service" in line]
    assert notes == [("  note: the rows for 网银 (from row 4) were loaded as '事件平均解决时间', which the catalogue keeps "
                      "for no service: if they are 网银's own figures, add '网银-事件平均解决时间' and the others to the "
                      "catalogue first"),
                     ("  note: 'SLA达成率' on row 2 is for service 网银, but the catalogue keeps it for IT运维服务: loaded "
                      "as that metric; if 网银 has its own, add '网银-SLA达成率' to the catalogue first")]
    assert message_text(notes[1].removeprefix("  note: "), "zh") == (
        "“SLA达成率”(第 2 行)属于服务 网银,而指标目录中该指标属于 IT运维服务:已按该指标导入;"
        "如 网银 有自己的指标,请先在指标目录中添加“网银-SLA达成率”")


@pytest.mark.parametrize("heading", ["单位", "单位名称", "分公司"])
def test_rows_of_an_organisation_loaded_as_metrics_kept_for_no_service_are_pointed_out(catalogue, cli, tmp_path, heading):
    """单位 | 指标 | 月份 | 数值 with 华东分公司 in the 单位 column: 单位 was read as the unit of measure,
    and a subsidiary's figures replaced the group's without a word. 单位 holding organisations is whose
    figures they are, as 分公司 is; rows loaded into metrics kept for no service are pointed out."""
    path = _csv(tmp_path, "e.csv", f"{heading},指标,月份,数值\n华东分公司,SLA attainment,2026-10,95.1\n"
                "华东分公司,Incident MTTR,2026-10,4.2\n")
    code, _, err = cli("ingest", path)
    assert code == 0, err
    note = ("the rows for 华东分公司 (from row 2) were loaded as 'SLA attainment', 'Incident MTTR', which the catalogue "
            "keeps for no service: if they are 华东分公司's own figures, add '华东分公司-SLA attainment' and the others to "
            "the catalogue first")
    assert f"  note: {note}" in err.splitlines()
    assert message_text(note, "zh") == (
        "华东分公司 的各行(自第 2 行起)已作为 'SLA attainment', 'Incident MTTR' 导入,而指标目录中这些指标不属于任何服务:"
        "如果这是 华东分公司 自己的数据,请先在指标目录中添加“华东分公司-SLA attainment”等指标")


def test_rows_for_two_services_of_one_metric_without_a_metric_each_are_refused_with_what_to_do(catalogue, cli,
                                                                                               tmp_path):
    path = _csv(tmp_path, "s.csv", "服务,指标,月份,数值\n网银,SLA达成率,2026-10,95.1\n核心,SLA达成率,2026-10,99.1\n")
    code, _, err = cli("ingest", path)
    assert code == 1
    assert ("s.csv, row 3, column C (月份): 'SLA达成率' 2026-10 appears twice (also on row 2): the rows are for different services "
            "(网银, 核心); the catalogue needs a metric for each, e.g. '核心-SLA达成率'") in err
    assert _stored(catalogue) == {}


def test_the_same_value_twice_is_read_once_with_a_note(catalogue, cli, tmp_path):
    """A summary sheet and a process's sheet give SLA attainment for 2026-05 alike: no ambiguity,
    so it is read once; a different value on a third sheet still refuses the file."""
    path = tmp_path / "twice.xlsx"
    book = xlsxwriter.Workbook(path)
    for name, value in (("汇总", 93.5), ("SLA", 93.5)):
        sheet = book.add_worksheet(name)
        sheet.write_row(0, 0, ["指标", "月份", "数值", "目标"])
        sheet.write_row(1, 0, ["SLA attainment", "2026-05", value, 95])
        if name == "汇总":
            sheet.write_row(2, 0, ["MTTR", "2026-05", 6.5])
    book.close()
    code, out, err = cli("ingest", path)
    assert code == 0, err
    assert "note:" not in out                     # stderr only: stdout is the summary a script parses
    assert "  note: 'SLA attainment' 2026-05 on sheet 'SLA' row 2 repeats the value on sheet '汇总' row 2: read once" in err
    assert _stored(catalogue) == {("SLA attainment", "2026-05"): 93.5, ("Incident MTTR", "2026-05"): 6.5}
    assert _table(catalogue, "SELECT sheet, row_number FROM observation WHERE value = 93.5") == [("汇总", 2)]

    differing = _csv(tmp_path, "d.csv", "metric,period,value,target\nMTTR,2026-06,6,5\nMTTR,2026-06,6,6\n")
    code, _, err = cli("ingest", differing)
    assert code == 1 and "d.csv, row 3, column B (period): 'MTTR' 2026-06 appears twice (also on row 2)" in err


def test_a_summary_sheet_without_targets_repeats_the_process_sheet_that_has_them(catalogue, cli, tmp_path):
    """Found by exploratory testing: sheet 9月 gives SLA attainment 96.1% with a target of 95%, the
    汇总 sheet gives the same 96.1 without a target column; the file was refused ("appears twice")
    as if the two rows disagreed. It is one reading: stored once, with the target the file gives."""
    path = tmp_path / "2026年9月.xlsx"
    with xlsxwriter.Workbook(path) as book:
        month = book.add_worksheet("汇总")
        month.write_row(0, 0, ["指标", "月份", "数值"])
        month.write_row(1, 0, ["SLA达成率", "2026-09", 96.1])
        process = book.add_worksheet("9月")
        process.write_row(0, 0, ["指标", "月份", "数值", "目标"])
        process.write_row(1, 0, ["SLA达成率", "2026-09", "96.1%", "95%"])
    code, _, err = cli("ingest", path)
    assert code == 0, err
    assert "'SLA达成率' 2026-09 on sheet '汇总' row 2 repeats the value on sheet '9月' row 2: read once" in err
    assert _table(catalogue, "SELECT value, target, sheet FROM observation") == [(96.1, 95.0, "9月")]


def test_file_targets_that_differ_from_the_catalogue_s_are_pointed_out(catalogue, cli, tmp_path):
    """The dashboard compares with the catalogue's target in force; a file's other target would
    otherwise look like the one that counts. Equal targets, and metrics without a catalogue target,
    get no note."""
    from analytics.baselines import set_version

    set_version(catalogue, "SLA attainment", from_period="2026-01", baseline=92, target=95, by="t", reason="plan")
    set_version(catalogue, "SLA attainment", from_period="2026-10", baseline=94, target=96, by="t", reason="cycle 2")
    path = _csv(tmp_path, "t.csv", "指标,月份,数值,目标\nSLA attainment,2026-08,95.1,≥95%\n"
                "SLA attainment,2026-09,95.2,≥99%\nSLA attainment,2026-10,95.3,≥99%\nFCR,2026-10,70,75\n")
    code, out, err = cli("ingest", path, "--dry-run")
    assert code == 0, err
    assert "note:" not in out                     # stderr only: stdout is the summary a script parses
    notes = [line for line in err.splitlines() if line.startswith("  note:")]
    assert notes == [f"  note: 'SLA attainment': the file's target (99) differs from the catalogue's ({kept}) for "
                     f"{month}; values are compared with the catalogue's: change it under Metrics & baselines if the "
                     "file is right" for kept, month in (("95", "2026-09"), ("96", "2026-10"))]
    from analytics import file_targets

    with pytest.MonkeyPatch.context() as patch:           # past the cap, one line says how many more
        patch.setattr(file_targets, "MAX_NOTES", 1)
        code, _, err = cli("ingest", path, "--dry-run")
    assert [line for line in err.splitlines() if line.startswith("  note:")][1:] == [
        "  note: … and 1 more metrics whose file targets differ from the catalogue's"]


def _month_book(path, rows: list[list], month_cells: list[tuple[int, int, float]]) -> str:
    """A workbook whose month cells (row, column, number) hold numbers shown through a 0.00 format,
    as Excel keeps 2026.10 typed into a cell: the number 2026.1, shown as 2026.10."""
    book = xlsxwriter.Workbook(str(path))
    sheet, shown = book.add_worksheet("数据"), book.add_format({"num_format": "0.00"})
    for r, row in enumerate(rows):
        sheet.write_row(r, 0, row)
    for r, c, number in month_cells:
        sheet.write_number(r, c, number, shown)
    book.close()
    return str(path)


DOT_ONE = ("'2025.1' may be 2025-10 saved as a number (Excel drops the 0 of 2025.10): write the month as 2025-01 or "
           "2025-10")


@pytest.mark.parametrize("name, content, place", [
    ("wide.csv", "指标,2025.08,2025.09,2025.1,2025.11\nSLA达成率,97.1,96.2,98.3,95.0\n", "wide.csv, row 1, column D"),
    ("long.csv", "指标,月份,数值\nSLA达成率,2025.9,96.2\nSLA达成率,2025.1,98.3\nSLA达成率,2025.11,95.0\n",
     "long.csv, row 3, column B (月份)"),
])
def test_a_month_written_2025_dot_1_is_refused_as_january_or_october(catalogue, cli, tmp_path, name, content, place):
    """Excel keeps 2025.10 typed into a cell as the number 2025.1, and its CSV writes 2025.1: read as
    January, October's 98.3 went into 2025-01 without a word."""
    code, out, err = cli("ingest", _csv(tmp_path, name, content))
    assert code == 1 and out == ""
    assert err.splitlines()[0] == f"{place}: {DOT_ONE}"
    assert _stored(catalogue) == {}


def test_months_written_with_a_dot_that_name_one_month_are_read(catalogue, cli, tmp_path):
    path = _csv(tmp_path, "dots.csv", "指标,2025.01,2025.2,2025.9,2025.10,2025.11,2025.12\n"
                "SLA达成率,91,92,93,94,95,96\n")
    code, _, err = cli("ingest", path)
    assert code == 0, err
    assert _stored(catalogue) == {("SLA attainment", f"2025-{m:02d}"): v
                                  for m, v in [(1, 91), (2, 92), (9, 93), (10, 94), (11, 95), (12, 96)]}


def test_month_cells_typed_as_numbers_are_refused_asking_for_text(catalogue, cli, tmp_path):
    """A month column typed as numbers (2025.09, and 2025.10, which Excel keeps as 2025.1 and shows
    through a 0.00 format): each cell says it holds a number, where it said "'2025.1' is not a month",
    a text the user never saw."""
    rows = [["指标", "月份", "数值"], ["SLA达成率", None, 96.2], ["SLA达成率", None, 98.3], ["SLA达成率", None, 95.0]]
    path = _month_book(tmp_path / "long.xlsx", rows, [(1, 1, 2025.09), (2, 1, 2025.10), (3, 1, 2025.11)])
    code, _, err = cli("ingest", path)
    assert code == 1
    where = "long.xlsx, sheet '数据', row {}, column B (月份): "
    assert err.splitlines()[:3] == [
        where.format(2) + "the cell holds the number 2025.09, not a month: type the month as text, like 2025-09",
        where.format(3) + "the cell holds the number 2025.1 (shown as 2025.1 or 2025.10), not a month: type the month "
                          "as text, 2025-10 or 2025-01",
        where.format(4) + "the cell holds the number 2025.11, not a month: type the month as text, like 2025-11"]


def test_a_month_heading_typed_as_a_number_beside_text_ones_is_refused_not_left_out(catalogue, cli, tmp_path):
    """2025-09 | 2025-10 as text, then 2025.11 typed as a number (0.00): its column was left out and
    its value lost without a word."""
    rows = [["指标", "2025-09", "2025-10"], ["SLA达成率", 96.2, 98.3, 95.0]]
    code, _, err = cli("ingest", _month_book(tmp_path / "wide.xlsx", rows, [(0, 3, 2025.11)]))
    assert code == 1
    assert err.splitlines()[0] == ("wide.xlsx, sheet '数据', row 1, column D: the cell holds the number 2025.11, not a "
                                   "month: type the month as text, like 2025-11")
    assert _stored(catalogue) == {}


TITLE = "2026年 IT服务指标跟踪表,,\n"
ACROSS = TITLE + "月份,SLA达成率,事件平均解决时间\n1月,95.1,8.1\n2月,95.3,8.0\n3月,95.0,7.9\n"
LONG = TITLE + "指标,月份,数值\nSLA达成率,1月,95.1\nSLA达成率,2月,95.3\nSLA达成率,3月,95.0\n"


@pytest.mark.parametrize("content, ignored", [
    (LONG + "合计,,95.1\n", "1 total or average row(s) (合计/平均) were ignored (row 6)"),
    (LONG + "平均,,95.1\n注：数据来源ITSM,,\n", "1 note row(s) under the table were ignored (row 7)"),
    (ACROSS + "合计,95.1,8.0\n", "1 total or average row(s) (合计/平均) were ignored (row 6)"),
    (ACROSS + "注：数据来源ITSM,,\n", "1 note row(s) under the table were ignored (row 6)"),
])
def test_months_without_a_year_take_the_title_s_year_over_a_total_or_a_note_row(catalogue, cli, tmp_path, content,
                                                                               ignored):
    """1月 2月 3月 under 2026年…跟踪表 were refused as months without a certain year as soon as a 合计
    or 注：… row sat under them: that row's cell, no month, counted against the months."""
    code, _, err = cli("ingest", _csv(tmp_path, "track.csv", content))
    assert code == 0, err
    assert f"  note: {ignored}" in err.splitlines()
    column = "A" if content.startswith(ACROSS) else "B"
    assert f"  note: the months in column {column} (月份) give no year; 2026 was taken from the title above the table" \
        in err.splitlines()
    stored = _stored(catalogue)
    assert {month: value for (metric, month), value in stored.items() if metric == "SLA attainment"} == {
        "2026-01": 95.1, "2026-02": 95.3, "2026-03": 95.0}
    assert len(stored) == (6 if content.startswith(ACROSS) else 3)      # and MTTR's three in the tracking table


def test_a_subtitle_naming_last_year_does_not_overwrite_last_year_s_values(catalogue, cli, tmp_path):
    """9月 10月 under 2026年IT服务指标 and （与2025年同期对比） on the line just above them were loaded
    as 2025-09 and 2025-10, replacing last year's values, with a note that 2025 came from the title.
    The file is refused and last year's values stay."""
    assert cli("ingest", _csv(tmp_path, "2025.csv", "指标,2025-09,2025-10\nMTTR,6.5,6.1\n"))[0] == 0
    path = _sheet_file(tmp_path / "2026.xlsx", [["2026年IT服务指标"], ["（与2025年同期对比）"], ["指标", "9月", "10月"],
                                                ["MTTR", 5.2, 5.0]])
    code, _, err = cli("ingest", path)
    assert code == 1
    assert err.splitlines()[0] == ("2026.xlsx, sheet '月报': the month columns B–C (9月 … 10月) give no year that is "
                                   "certain: put the year above them (e.g. 2026年) or write each month as 2026-01")
    assert _stored(catalogue) == {("Incident MTTR", "2025-09"): 6.5, ("Incident MTTR", "2025-10"): 6.1}


def test_a_workbook_s_months_without_a_year_take_the_title_s_year_over_an_average_row(catalogue, cli, tmp_path):
    """The same in a workbook, where the months are typed as numbers (1, 2) and the average row
    under them has its values as numbers."""
    path = _sheet_file(tmp_path / "track.xlsx", [["2026年 IT服务指标跟踪表"], ["月份", "SLA达成率", "事件平均解决时间"],
                                                 [1, 95.1, 8.1], [2, 95.3, 8.0], ["平均", 95.2, 8.05]])
    code, _, err = cli("ingest", path)
    assert code == 0, err
    assert "  note: sheet '月报': 1 total or average row(s) (合计/平均) were ignored (row 5)" in err.splitlines()
    assert _stored(catalogue) == {("SLA attainment", "2026-01"): 95.1, ("SLA attainment", "2026-02"): 95.3,
                                  ("Incident MTTR", "2026-01"): 8.1, ("Incident MTTR", "2026-02"): 8.0}


def test_month_headings_all_typed_as_numbers_are_refused_as_numbers(catalogue, cli, tmp_path):
    """2025.08 … 2025.11 typed as numbers and shown through 0.00 (2025.10 is kept as 2025.1): the
    refusal said only that no header row was found."""
    headings = [(0, c, number) for c, number in enumerate([2025.08, 2025.09, 2025.10, 2025.11], start=1)]
    path = _month_book(tmp_path / "wide.xlsx", [["指标"], ["SLA达成率", 97.1, 96.2, 98.3, 95.0]], headings)
    code, _, err = cli("ingest", path)
    assert code == 1
    assert err.splitlines() == [("wide.xlsx, sheet '数据', row 1: the headings B–E (2025.08 … 2025.11) are numbers, not "
                                 "months (Excel keeps 2025.10 typed in a cell as the number 2025.1): type each month "
                                 "as text, like 2025-08")]


def test_a_tracking_table_with_month_headings_typed_as_numbers_names_the_row_and_each_heading(catalogue, cli,
                                                                                             tmp_path):
    """Found by exploratory testing: a yearly tracking table headed 2026.1 … 2026.12 (numbers, so
    2026.10 is 2026.1) was refused without the row of the headings, and a single 2026.1 heading was
    called 'the headings B–B (2026.1 … 2026.1)' and told to be typed as 2026-10, a guess: it may be
    January. The months are not read: a 2026.1 is never taken for one of the two."""
    year = [2026 + m / 100 if m > 9 else 2026 + m / 10 for m in range(1, 13)]      # 2026.1 … 2026.9, 2026.1, 2026.11
    path = _month_book(tmp_path / "跟踪表.xlsx", [["2026年指标跟踪表"], ["指标"], ["SLA达成率", *range(90, 102)]],
                       [(1, c, number) for c, number in enumerate(year, start=1)])
    code, _, err = cli("ingest", path)
    assert code == 1 and err.splitlines() == [
        ("跟踪表.xlsx, sheet '数据', row 2: the headings B–M (2026.1 … 2026.12) are numbers, not months (Excel keeps "
         "2026.10 typed in a cell as the number 2026.1): type each month as text, like 2026-02")]
    one = _month_book(tmp_path / "一月.xlsx", [["指标"], ["SLA达成率", 95]], [(0, 1, 2026.1)])
    with pytest.raises(InputRefused) as refused:
        plan_ingest(catalogue, [(one, "一月.xlsx")])
    problem, = refused.value.problems
    assert str(problem) == ("一月.xlsx, sheet '数据', row 1: the heading B (2026.1) is a number, not a month (Excel keeps "
                            "2026.10 typed in a cell as the number 2026.1): type the month as text, like 2026-01 or "
                            "2026-10")
    assert message_text(problem.message, "zh") == (
        "B 列的表头(2026.1)是数字,不是月份(Excel 会把单元格中输入的 2026.10 存成数字 2026.1,2026.1 可能是 1 月也可能是 10 月):"
        "请把月份以文本填写,如 2026-01 或 2026-10")
    assert _stored(catalogue) == {}

@pytest.mark.parametrize("lang, kept, not_loaded", [("zh", "空白:保留原值", "空白:不导入"),
                                                    ("en", "Blank: current value kept", "Blank: not loaded")])
def test_the_preview_shows_a_blank_cell_as_keeping_the_current_value(catalogue, cli, tmp_path, lang, kept, not_loaded):
    """Found by exploratory testing: a blank cell showed as an empty new value beside the current
    one, as if loading would erase it; a blank is not loaded and the current value stays."""
    from analytics.uploads import preview_table

    assert cli("ingest", _csv(tmp_path, "九月.csv", "指标,月份,数值\nMTTR,2026-09,6.5\n"))[0] == 0
    path = tmp_path / "十月.xlsx"
    with xlsxwriter.Workbook(path) as book:
        sheet = book.add_worksheet("数据")
        for r, row in enumerate([["指标", "月份", "数值"], ["MTTR", "2026-09", None], ["MTTR", "2026-10", None],
                                 ["SLA attainment", "2026-10", 95]]):
            sheet.write_row(r, 0, row)
    plan = plan_ingest(catalogue, [(path, path.name)])
    view = preview_table(plan.files[0].changes, lang)
    rows = view[["status", "period", "old_value", "value", "row"]].astype(object).where(view.notna(), None)
    assert rows.values.tolist() == [[t("upload.new", lang), "2026-10", None, 95.0, 4],
                                    [kept, "2026-09", 6.5, 6.5, 2],
                                    [not_loaded, "2026-10", None, None, 3]]
    apply_ingest(catalogue, plan, by="t")
    assert _stored(catalogue)[("Incident MTTR", "2026-09")] == 6.5          # as the preview said
