"""Reading the files people send: layouts, periods, values, sheets, and every refusal."""

from __future__ import annotations

import datetime
import functools
import io
import math
import pickle
import re
import time
import zipfile

import numpy as np
import pandas as pd
import pytest

from analytics import xlsx_package
from analytics.errors import InputRefused, column_letter
from analytics.limits import Limits
from analytics.localise import message_text, skipped_sheet_reason
from analytics.parsing import NO_HEADER, parse_file
from analytics.periods import month_without_year, months_in, parse_period, year_in
from analytics.values import parse_value
from tests import workbooks


def _records(parsed):
    return [(m, p, v) for m, p, v in parsed.records[["metric", "period", "value"]].itertuples(index=False)]


def _refusal(source, name, limits=None) -> str:
    with pytest.raises(InputRefused) as refused:
        parse_file(source, file_name=name, limits=limits)
    return "\n".join(str(p) for p in refused.value.problems)


@pytest.mark.parametrize("written, expected", [
    ("2026-01", "2026-01"), ("2026/1", "2026-01"), ("2026.01", "2026-01"), ("2026年1月", "2026-01"),
    ("Jan 2026", "2026-01"), ("January 2026", "2026-01"), ("202601", "2026-01"), (202601, "2026-01"),
    ("2026-01-31", "2026-01"), ("２０２６年１２月", "2026-12"), ("Sept 2026", "2026-09"),
    (datetime.datetime(2026, 3, 17), "2026-03"), (datetime.date(2026, 3, 1), "2026-03"),
    ("10/2026", "2026-10"), ("10.2026", "2026-10"), ("2026M10", "2026-10"), ("2026-m3", "2026-03"),
    ("26年10月", "2026-10"), ("2026年10月份", "2026-10"), ("13/2026", None), ("10/26", None),
    ("2026-10月", "2026-10"), ("2026/10月", "2026-10"), ("2026年度10月", "2026-10"), ("2026_10", "2026-10"),
    ("二〇二六年十月", "2026-10"), ("2026年十二月", "2026-12"), ("二零二六年三月", "2026-03"), ("十月", None),
    ("2026-Oct", "2026-10"), ("2026 October", "2026-10"), ("Oct/2026", "2026-10"), ("2026-Octo", None),
    ("2026-13", None), ("next month", None), ("", None), (None, None), (2026.5, None),
    # 2026.1 is January, or 2026.10 that Excel kept as a number (and a CSV saved from it wrote so): neither
    ("2026.1", None), ("２０２６．１", None), (2026.1, None), ("2026.10", "2026-10"), ("2026.2", "2026-02"),
    ("2026.9", "2026-09"), ("2026.11", "2026-11"), ("2026.12", "2026-12"), ("2026.1月", "2026-01"),
    # a 统计周期 cell that gives the days of one month is that month; days across months are no month
    ("2026.10.01-2026.10.31", "2026-10"), ("2026年10月1日至2026年10月31日", "2026-10"), ("2026/10/1~10/31", "2026-10"),
    ("2026年10月1日-10月31日", "2026-10"), ("2026-10-01~2026-11-30", None), ("2026年1月1日至2026年10月31日", None),
    ("2026年10月1日-31日", "2026-10"), ("2026年10月1日至31日", "2026-10"), ("2026年10月1日-12月31日", None),
    # a system's date as eight digits (an export's 统计日期): its month; eight digits that are no date are none
    ("20261031", "2026-10"), (20261031, "2026-10"), (20261031.0, "2026-10"), ("20260231", None), (20261399, None),
])
def test_periods_people_write(written, expected):
    assert parse_period(written) == expected


@pytest.mark.parametrize("written, expected", [
    ("1,234.5", (1234.5, True)), ("95%", (95.0, True)), ("￥1,200", (1200.0, True)), ("(12)", (-12.0, True)),
    (" 7.25 ", (7.25, True)), ("１２．５", (12.5, True)), (3, (3.0, True)), ("1e3", (1000.0, True)),
    ("ninety", (None, False)), ("1,23", (None, False)), (True, (None, False)),
    ("0.5‰", (0.5, True)), ("1.2 ‰", (1.2, True)), ("‰", (None, False)), ("5‰%", (None, False)),
    ("\u22123.2", (-3.2, True)), ("\u2212", (None, True)),      # the minus sign of Word and web pages; alone, missing
    ("12-", (-12.0, True)), ("1,234.50-", (-1234.5, True)),    # SAP's minus after the number
    ("-12-", (None, False)), ("12--", (None, False)), ("(12)-", (None, False)), ("2026-10", (None, False)),
])
def test_values_people_write(written, expected):
    value, ok = parse_value(written)
    assert ok == expected[1]
    if expected[0] is not None:
        assert value == expected[0]


@pytest.mark.parametrize("blank", ["", "N/A", "n/a", "-", "—", "——", "无", "暂无", None, "不涉及", "暂无数据", "未开展", "待补充",
                                   "N.A", "待定", "空"])
def test_blank_words_are_missing_never_zero(blank):
    value, ok = parse_value(blank)
    assert ok and math.isnan(value)


@pytest.mark.parametrize("content", [
    "指标,月份,数值\n单张工单成本,2026-11,1,234.5\n事件平均解决时间,2026-11,6.5\n",           # long
    "指标,2026-10,2026-11\n单张工单成本,1,180,1,234.5\n事件平均解决时间,6.1,6.5\n",              # wide: shifts 2026-11
])
def test_an_unquoted_comma_inside_a_value_is_refused_not_split(content):
    """A hand-made or naive CSV writes 1,234.5 without quotes: read as it stands the value would be
    1 (and the rest of the row shifted), without a word. The quoted value reads as 1234.5."""
    refusal = _refusal(content.encode(), "c.csv")
    assert refusal.startswith("c.csv, row 2, column ")
    assert ": the row has " in refusal and (" fields but the heading row has 3: a value with a comma in it (1,234.5) "
                                            "must be in quotes or written without the comma") in refusal
    quoted = content.replace("1,234.5", '"1,234.5"').replace("1,180", '"1,180"')
    values = {(m, p): v for m, p, v in _records(parse_file(quoted.encode(), file_name="c.csv"))}
    assert values[("单张工单成本", "2026-11")] == 1234.5


@pytest.mark.parametrize("content, where", [
    ("指标,月份,数值,备注\n单张工单成本,2026-10,5,321\n", "row 2, column D (备注)"),                       # long
    ("指标,月份,数值,备注\n单张工单成本,2026-10,5,321\n事件平均解决时间,2026-10,6.5,\nSLA达成率,2026-10,95,\n",
     "row 2, column D (备注)"),
    ("指标,2026-09,2026-10,改进建议\n事件平均解决时间,6.1,6.5,\n单张工单成本,4,5,321\n", "row 3, column D (改进建议)"),  # wide
])
def test_a_thousands_comma_that_split_a_value_into_an_empty_note_column_is_refused(content, where):
    """Found by exploratory testing: 5,321 unquoted under 数值 with an empty 备注 after it keeps the
    row as wide as its heading: 5 loaded, and 321 became the note."""
    role = "suggestion" if "改进建议" in content else "note"
    assert _refusal(content.encode(), "c.csv") == (
        f"c.csv, {where}: the value 5 and the {role} 321 beside it read as 5,321 split at its comma: a value with a "
        "comma in it (1,234.5) must be in quotes or written without the comma")
    quoted = content.replace("5,321", '"5,321"')
    values = {(m, p): v for m, p, v in _records(parse_file(quoted.encode(), file_name="c.csv"))}
    assert values[("单张工单成本", "2026-10")] == 5321


@pytest.mark.parametrize("content, value, note", [
    ("指标,月份,数值,备注\n单张工单成本,2026-10,5,321 张\n", 5, "321 张"),                                # a note in words
    ("指标,月份,数值,备注\n单张工单成本,2026-10,5.5,321\n", 5.5, "321"),                                # not a whole value
    ("指标,月份,数值,备注\n单张工单成本,2026-10,5,321\n事件平均解决时间,2026-10,6,120\nSLA达成率,2026-10,95,1500\n", 5,
     "321"),                                                                      # a column of numbers on purpose
    ("指标,月份,数值,备注\n单张工单成本,2026-10,5,321\n事件平均解决时间,2026-10,6,95\n", 5, "321"),
    ("指标,月份,数值,目标,备注\n单张工单成本,2026-10,5,,321\n", 5, "321"),                            # not beside the value
])
def test_a_number_in_the_note_column_that_is_no_split_value_is_kept(content, value, note):
    records = parse_file(content.encode(), file_name="c.csv").records.astype({"note": object})
    assert records.loc[records["metric"] == "单张工单成本", ["value", "note"]].values.tolist() == [[value, note]]


def test_a_trailing_empty_field_is_not_a_split_value():
    parsed = parse_file("指标,月份,数值\nSLA达成率,2026-11,95.3,\n".encode(), file_name="t.csv")
    assert _records(parsed) == [("SLA达成率", "2026-11", 95.3)]


def test_csv_with_semicolons_and_a_tab_separated_file():
    semi = parse_file("metric;period;value\nMTTR;2026-05;6,5\n".replace("6,5", "6.5").encode(), file_name="s.csv")
    assert _records(semi) == [("MTTR", "2026-05", 6.5)]
    tab = parse_file("指标\t月份\t数值\nMTTR\t2026-05\t7\n".encode("gbk"), file_name="t.txt")
    assert _records(tab) == [("MTTR", "2026-05", 7.0)]


@pytest.mark.parametrize("encoding", ["gbk", "utf-8", "utf-8-sig"])
def test_a_csv_whose_chinese_starts_after_its_first_64_kb_is_read_in_its_encoding(encoding):
    """The reader guesses UTF-8 from the file's head; a GBK export whose first 64 KB are plain
    ASCII must still be read as GBK, not refused or garbled."""
    ascii_rows = "".join(f"metric {i % 50},{2000 + i // 600}-{i // 50 % 12 + 1:02d},{i}\n" for i in range(4000))
    text = "metric,period,value\n" + ascii_rows + "事件平均解决时间,2026-05,6.5\n"
    assert len(ascii_rows) > 1 << 16
    parsed = parse_file(text.encode(encoding), file_name="export.csv")
    assert len(parsed.records) == 4001
    assert _records(parsed)[-1] == ("事件平均解决时间", "2026-05", 6.5)
    assert _records(parsed)[0] == ("metric 0", "2000-01", 0.0)


def test_long_csv_under_title_rows_with_bracketed_headers_and_a_footnote():
    text = ("运维服务月报,,,\n,,,\n指标名称,统计月份,实际值(%),目标值\nSLA达成率,2026-05,95.5,95\n"
            "注:数据来源于ITSM系统,,,\n")
    parsed = parse_file(text.encode("utf-8-sig"), file_name="t.csv")
    assert _records(parsed) == [("SLA达成率", "2026-05", 95.5)]
    assert parsed.records["target"].tolist() == [95.0]
    assert parsed.records["row"].tolist() == [4]
    assert any("ignored" in w for w in parsed.warnings)


_workbook = workbooks.xlsx


def test_long_xlsx_with_excel_dates_percent_cells_and_two_data_sheets():
    def build(wb):
        pct = wb.add_format({"num_format": "0.00%"})
        day = wb.add_format({"num_format": "yyyy-mm-dd"})
        for name, metric in (("事件", "MTTR"), ("SLA", "SLA attainment")):
            ws = wb.add_worksheet(name)
            ws.write_row(0, 0, ["指标", "日期", "数值"])
            ws.write(1, 0, metric)
            ws.write_datetime(1, 1, datetime.datetime(2026, 5, 31), day)
            if metric == "MTTR":
                ws.write_number(1, 2, 6.25)
            else:
                ws.write_number(1, 2, 0.9512, pct)
    parsed = parse_file(_workbook(build), file_name="two.xlsx")
    assert _records(parsed) == [("MTTR", "2026-05", 6.25), ("SLA attainment", "2026-05", 95.12)]
    assert parsed.sheets == ["事件", "SLA"]
    assert parsed.records["sheet"].tolist() == ["事件", "SLA"]


def test_wide_xlsx_with_text_months_a_target_column_and_a_suggestion():
    def build(wb):
        ws = wb.add_worksheet("月报")
        ws.write_row(0, 0, ["指标", "目标", "2026年4月", "2026年5月", "改进建议"])
        ws.write_row(1, 0, ["MTTR", 6, 7.5, "N/A", "增加夜班"])
        ws.write_row(2, 0, ["备注:MTTR 单位为小时"])
    parsed = parse_file(_workbook(build), file_name="wide.xlsx")
    rows = parsed.records[["metric", "period", "value", "target", "suggestion", "row", "column"]]
    assert rows.astype(object).where(rows.notna(), None).values.tolist() == [
        ["MTTR", "2026-04", 7.5, 6.0, None, 2, "C"],
        ["MTTR", "2026-05", None, 6.0, "增加夜班", 2, "D"]]


def test_errors_name_file_sheet_row_and_column():
    def build(wb):
        ws = wb.add_worksheet("数据")
        ws.write_row(0, 0, ["指标", "月份", "数值"])
        ws.write_row(1, 0, ["MTTR", "2026-05", "七"])
        ws.write_row(2, 0, ["MTTR", "2026-15", 7])
        ws.write_row(3, 0, ["", "2026-06", 7])
    message = _refusal(_workbook(build), "bad.xlsx")
    assert "bad.xlsx, sheet '数据', row 2, column C (数值): '七' is not a number" in message
    assert "bad.xlsx, sheet '数据', row 3, column B (月份): '2026-15' is not a month" in message
    assert "bad.xlsx, sheet '数据', row 4, column A (指标): the row has values but no metric name" in message


@pytest.mark.parametrize("sheet_name", ["填报说明", "示例", "Example", "填写样例"])
def test_the_example_on_an_instructions_sheet_is_not_read_as_data(sheet_name):
    """Found by exploratory testing: a template's 填报说明 sheet shows how to fill it in (填写示例：
    SLA达成率 | 2026-01 | 99.5%) and that example row loaded over January's real value."""
    def build(wb):
        guide = wb.add_worksheet(sheet_name)
        guide.write(0, 0, "填写示例：")
        guide.write_row(1, 0, ["指标", "月份", "数值"])
        guide.write_row(2, 0, ["SLA达成率", "2026-01", "99.5%"])
        data = wb.add_worksheet("数据")
        data.write_row(0, 0, ["指标", "月份", "数值"])
        data.write_row(1, 0, ["SLA达成率", "2026-10", "96.2%"])
    parsed = parse_file(_workbook(build), file_name="十月.xlsx")
    assert parsed.records[["metric", "period", "value"]].values.tolist() == [["SLA达成率", "2026-10", 96.2]]
    assert parsed.skipped_sheets == [(sheet_name, "an example or instructions, as its name says (not read)")]
    assert skipped_sheet_reason(parsed.skipped_sheets[0][1], "zh") == "按名称是示例或填写说明,未读取"


def test_a_file_s_only_sheet_is_read_whatever_it_is_called():
    def build(wb):
        only = wb.add_worksheet("填报示例")
        only.write_row(0, 0, ["指标", "月份", "数值"])
        only.write_row(1, 0, ["SLA达成率", "2026-10", 96.2])
    assert parse_file(_workbook(build), file_name="a.xlsx").records["value"].tolist() == [96.2]


def test_instruction_sheets_are_skipped_but_an_unreadable_data_sheet_is_refused():
    def build(wb):
        wb.add_worksheet("说明").write(0, 0, "请按月填写")
        data = wb.add_worksheet("数据")
        data.write_row(0, 0, ["指标", "月份", "数值"])
        data.write_row(1, 0, ["MTTR", "2026-05", 6])
        wb.add_worksheet("空白")
    parsed = parse_file(_workbook(build), file_name="ok.xlsx")
    assert parsed.skipped_sheets == [("说明", "no data table (instructions or notes)"), ("空白", "empty")]

    def bad(wb):
        wb.add_worksheet("说明").write(0, 0, "请按月填写")
        data = wb.add_worksheet("数字")
        data.write_row(0, 0, ["甲", "乙", "丙"])
        data.write_row(1, 0, ["MTTR", 202605, 6])
        data.write_row(2, 0, ["FCR", 202605, 70])
    assert "bad.xlsx, sheet '数字': no header row found" in _refusal(_workbook(bad), "bad.xlsx")


def test_a_data_sheet_whose_numbers_are_written_as_text_is_refused_not_skipped_as_notes():
    """95.2%, 4.5小时 and 1,200 as text, as reports write them, under headings that name nothing:
    the sheet is data whose heading was not found, not instructions to skip without a word."""
    def build(wb):
        wb.add_worksheet("说明").write_column(0, 0, ["填写说明：每月5日前填报", "1、数值保留一位小数"])
        data = wb.add_worksheet("十月")
        data.write_row(0, 0, ["名目", "十月情况"])
        for r, row in enumerate([["SLA达成率", "95.2%"], ["事件平均解决时间", "4.5小时"], ["IT运维成本", "1,200"]], 1):
            data.write_row(r, 0, row)
        log = wb.add_worksheet("修订记录")
        log.write_row(0, 0, ["日期", "修改人", "内容"])
        log.write_row(1, 0, ["2026-10-05", "王磊", "更新SLA"])
        log.write_row(2, 0, ["2026-10-06", "李娜", "第2版"])
    assert _refusal(_workbook(build), "t.xlsx") == (
        f"t.xlsx, sheet '十月': {NO_HEADER}; row 1 (名目 | 十月情况) seems to be the heading row, but no column in it is "
        "named as the metric, the month and the value: name them 指标, 月份 and 数值, or head each month's column with "
        "its month (2026-10)")


@pytest.mark.parametrize("content, hint, zh", [
    ("2026年10月IT服务指标\n\n名目,情况,备注\nSLA达成率,95.2,\n事件平均解决时间,4.5,\n",
     ("; row 3 (名目 | 情况 | 备注) seems to be the heading row, but no column in it is named as the metric and the value: "
     "name them 指标 and 数值"),                   # the month is the title's
     "第 3 行(名目 | 情况 | 备注)似乎是表头行,但其中没有名为“指标”、“数值”的列:请按此命名"),
    ("2026年10月IT服务指标\n\n名目,本月值,备注\nSLA达成率,95.2,\n事件平均解决时间,4.5,\n",
     "; row 3 (名目 | 本月值 | 备注) seems to be the heading row, but no column in it is named as the metric: name it 指标",
     "第 3 行(名目 | 本月值 | 备注)似乎是表头行,但其中没有名为“指标”的列:请按此命名"),          # the month: the title's
    ("a,b,c,d,e,f,g,h\nSLA达成率,1,2,3,4,5,6,7\n",
     ("; row 1 (a | b | c | d | e | f …) seems to be the heading row, but no column in it is named as the metric, the "
     "month and the value: name them 指标, 月份 and 数值, or head each month's column with its month (2026-10)"),
     ("第 1 行(a | b | c | d | e | f …)似乎是表头行,但其中没有名为“指标”、“月份”、“数值”的列:请按此命名,或每个月的列以"
     "该月为列名(如 2026-10)")),
    ("指标,月份,完成情况\nSLA达成率,2026-10,95.2\n变更成功率,2026-10,97\n",
     "; row 1 (指标 | 月份 | 完成情况) seems to be the heading row, but no column in it is named as the value: name it 数值",
     "第 1 行(指标 | 月份 | 完成情况)似乎是表头行,但其中没有名为“数值”的列:请按此命名"),
    ("just,some,words\nno,header,here\n", "", ""),                     # no numbers: no row to point at
])
def test_a_refused_heading_names_the_row_that_seems_to_be_it_and_the_column_not_named(content, hint, zh):
    """The user renames the one column that was not recognised (完成情况), not every column."""
    refusal = _refusal(content.encode(), "h.csv")
    assert refusal == f"h.csv: {NO_HEADER}{hint}"
    assert message_text(refusal.split(": ", 1)[1], "zh").endswith(zh or "或每月一列(如 2026-01)")


_EXPORTED_PAGE = """<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>指标导出</title>
<style>td {mso-number-format:"\\@";}</style></head><body>
<table border="1"><tr><th colspan="4">2026年IT服务指标</th></tr>
<tr><th>服务</th><th>指标</th><th>2026-09</th><th>2026-10</th></tr>
<tr><td rowspan="2">网银</td><td>SLA达成率</td><td>95.10%</td><td>&nbsp;95.2% </td></tr>
<tr><td>事件平均<br>解决时间</td><td>4.5</td><td>4.2</td></tr>
<tr><td>核心</td><td>工单量</td><td colspan="2">1,234</td></tr>
</table></body></html>"""


@pytest.mark.parametrize("data, kind, zh_kind", [
    (_EXPORTED_PAGE.encode("gb18030").replace(b"<br>", b""), "a web page", "网页表格"),
    ("服务\t指标\t2026-09\t2026-10\n网银\tSLA达成率\t95.10%\t95.2%\n网银\t事件平均解决时间\t4.5\t4.2\n"
     "核心\t工单量\t1,234\t\n".encode("gb18030"), "text", "文本表格"),
])
def test_a_table_exported_to_excel_as_a_web_page_or_text_is_read_as_excel_shows_it(data, kind, zh_kind):
    """ITSM and OA systems "export to Excel" by writing their page's table (or tab-separated text) to
    a file named .xls, which Excel opens: it was refused as not a real workbook. A span's text is
    every cell's it covers (网银 for both rows); a number spanning two months is one month's."""
    parsed = parse_file(data, file_name="导出.xls")
    assert [(m, p, None if math.isnan(v) else v) for m, p, v in _records(parsed)] == [
        ("SLA达成率", "2026-09", 95.1), ("SLA达成率", "2026-10", 95.2), ("事件平均解决时间", "2026-09", 4.5),
        ("事件平均解决时间", "2026-10", 4.2), ("工单量", "2026-09", 1234.0), ("工单量", "2026-10", None)]
    assert list(parsed.records["service"]) == ["网银"] * 4 + ["核心"] * 2
    note = (f"the file is {kind} saved under the name .xls (as systems that export to Excel write it), not a "
            "workbook: its cells were read as Excel shows them")
    assert note in parsed.warnings
    assert message_text(note, "zh") == (f"文件是以 .xls 为扩展名保存的{zh_kind}(一些系统“导出到 Excel”时如此),不是工作簿:"
                                        "已按 Excel 显示的内容读取单元格")


def test_a_page_s_tables_are_read_as_sheets_of_their_own():
    page = ("<html><body><table><tr><td>指标</td><td>月份</td><td>数值</td></tr><tr><td>SLA达成率</td><td>2026-10</td>"
            "<td>95.1</td></tr></table><p>说明</p><table><tr><td>指标</td><td>月份</td><td>数值</td></tr>"
            "<tr><td>变更成功率</td><td>2026-10</td><td><table><tr><td>97</td></tr></table></td></tr></table>"
            "</body></html>")
    parsed = parse_file(page.encode(), file_name="p.xls")
    assert parsed.sheets == ["table 1", "table 2"]
    assert _records(parse_file(_EXPORTED_PAGE.encode("gb18030"), file_name="p.xls"))[2][0] == "事件平均\n解决时间"
    xhtml = ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN">'
             '<html xmlns="http://www.w3.org/1999/xhtml"><body><table><tr><th>指标</th><th>月份</th><th>数值</th></tr>'
             '<tr><td>SLA达成率</td><td>2026-10</td><td>95.1</td></tr></table></body></html>')
    assert _records(parse_file(xhtml.encode(), file_name="x.xls")) == [("SLA达成率", "2026-10", 95.1)]
    assert _records(parsed) == [("SLA达成率", "2026-10", 95.1), ("变更成功率", "2026-10", 97.0)]


_STYLED_PAGE = """<html><head><style>
/* written by the export */ .pct {mso-number-format:"0\\.0%";} td.gone, .other {display: none}
.num{mso-number-format:'#,##0\\;\\-#,##0'}
</style></head><body><table>
<tr><th>指标</th><th>2026-09</th><th>2026-10</th></tr>
<tr><td>SLA达成率</td><td class="pct">0.951</td><td class="x pct" style="color:red">96.2%</td></tr>
<tr style="display:none"><td>变更成功率</td><td>0.9</td><td>0.91</td></tr>
<tr><td>一次解决率</td><td style='mso-number-format:"0\\.00%;\\-0\\.00%"'>0.7525</td><td class=num>75</td></tr>
<tr><td>工单量</td><td style="mso-number-format:'0\\%'">12</td><td style="mso-number-format:Percent">0.5</td></tr>
</table></body></html>"""


def test_a_page_s_styles_are_read_as_excel_applies_them():
    """Excel hides a row styled display:none and shows a bare number styled as a percentage
    (mso-number-format, inline or by class) as one: 0.951 is 95.1%, and 96.2% typed stays 96.2.
    A % escaped (0\\%) is a sign after the number, not a percentage. Read as 0.951, the value was a
    hundredth of what the owner saw; the hidden row was read as if shown."""
    parsed = parse_file(_STYLED_PAGE.encode(), file_name="导出.xls")
    assert _records(parsed) == [("SLA达成率", "2026-09", 95.1), ("SLA达成率", "2026-10", 96.2),
                                ("一次解决率", "2026-09", 75.25), ("一次解决率", "2026-10", 75.0),
                                ("工单量", "2026-09", 12.0), ("工单量", "2026-10", 50.0)]
    assert "row 3 is hidden (or filtered out) and not read" in parsed.warnings
    assert message_text("row 3 is hidden (or filtered out) and not read", "zh") == "第 3 行被隐藏(或被筛选掉),未读取"
    two = _STYLED_PAGE.replace("</table>", "</table><table><tr><td>x</td></tr></table>")
    assert "sheet 'table 1': row 3 is hidden (or filtered out) and not read" in parse_file(
        two.encode(), file_name="p.xls").warnings


@pytest.mark.parametrize("hide", [
    '<colgroup><col><col style="display:none"><col></colgroup>',       # the column's <col>
    '<col width=80><col class=gone span=1><col width=80>',              # by a class of the page's <style>
    "",                                                                 # every cell of the column (below)
])
def test_a_page_s_hidden_column_is_not_read(hide):
    """A column hidden in Excel before it saved the page (its <col> and its cells display:none):
    September's old figures, which nobody at the meeting saw, were read over the month's values."""
    cell = "" if hide else ' style="display:none"'
    page = (f"<html><head><style>.gone {{display:none}}</style></head><body><table>{hide}"
            f"<tr><td>指标</td><td{cell}>2026-09</td><td>2026-10</td></tr>"
            f"<tr><td>SLA达成率</td><td{cell}>91.0</td><td>96.2</td></tr>"
            f"<tr><td>一次解决率</td><td{cell}>70</td><td>75</td></tr></table></body></html>")
    parsed = parse_file(page.encode(), file_name="导出.xls")
    assert _records(parsed) == [("SLA达成率", "2026-10", 96.2), ("一次解决率", "2026-10", 75.0)]
    assert "column B is hidden (or filtered out) and not read" in parsed.warnings


def test_a_page_s_cell_hidden_alone_does_not_hide_its_column():
    page = ("<table><tr><td>指标</td><td>2026-09</td><td>2026-10</td></tr>"
            "<tr><td>SLA达成率</td><td>91.0</td><td>96.2</td></tr>"
            '<tr><td>一次解决率</td><td style="display:none">70</td><td>75</td></tr></table>')
    assert len(_records(parse_file(page.encode(), file_name="p.xls"))) == 4


@pytest.mark.parametrize("content, expected", [
    (b'<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>',
     "x.xls: this is an Excel 2003 XML spreadsheet, which cannot be read: open it in Excel or WPS and save it as .xlsx"),
    (b"<html><body><p>no table here</p></body></html>", "x.xls: this is not a real Excel workbook"),
    ("这是一段说明文字，不是表格。\n第二行。\n".encode(), "x.xls: this is not a real Excel workbook"),
])
def test_a_file_named_xls_that_holds_no_table_is_still_refused(content, expected):
    assert _refusal(content, "x.xls").startswith(expected)


def test_a_span_in_the_middle_of_a_row_takes_its_place_in_the_rows_below():
    from analytics.readers import read_sheets

    page = ("<table><tr><td>指标</td><td>月份</td><td>数值</td><td>备注</td></tr>"
            "<tr><td>SLA达成率</td><td rowspan=2 colspan=1>2026-10</td><td>95</td><td rowspan=3>同上</td></tr>"
            "<tr><td>变更成功率</td><td>97</td></tr><tr><td>重大事件数</td><td>2026-10</td><td>3</td></tr></table>")
    assert [(sheet.name, sheet.rows) for sheet in read_sheets(page.encode(), "p.xls", Limits())] == [(None, [
        ["指标", "月份", "数值", "备注"], ["SLA达成率", "2026-10", "95", "同上"], ["变更成功率", "2026-10", "97", "同上"],
        ["重大事件数", "2026-10", "3", "同上"]])]


@pytest.mark.parametrize("limits, expected, zh", [
    (Limits(max_rows=10), "more than 10 rows", "网页中的表格超过 10 行,超出上限"),
    (Limits(max_cells=50), "more than 50 cells", "网页中的表格超过 50 个单元格,超出上限"),
])
def test_a_page_over_the_limits_is_refused_as_it_is_read(limits, expected, zh):
    page = "<table>" + "<tr><td>SLA达成率</td><td>2026-10</td><td>95</td></tr>" * 30 + "</table>"
    refusal = _refusal(page.encode(), "p.xls", limits)
    assert refusal == f"p.xls: the page's tables have {expected}, over the limit"
    assert message_text(refusal.split(": ", 1)[1], "zh") == zh
    spanning = "<table><tr>" + "<td rowspan=1000 colspan=1000>x</td>" * 6 + "</tr></table>"     # a million cells each
    assert _refusal(spanning.encode(), "p.xls") == "p.xls: the page's tables have more than 5,000,000 cells, over the limit"


@pytest.mark.parametrize("content, name, expected", [
    (b"", "empty.csv", "empty.csv: the file is empty"),
    (b"\n\n  \n", "blank.csv", "blank.csv: the file is empty"),
    (b"just,some,words\nno,header,here\n", "nohead.csv", "nohead.csv: no header row found"),
    (b"metric,period,value\n", "onlyheader.csv", "onlyheader.csv: the file has no data rows"),
    (b"this is not a workbook", "fake.xlsx", "fake.xlsx: this is not a real Excel workbook"),
    (b"PK\x03\x04garbage that is not a zip", "corrupt.xlsx", "corrupt.xlsx: not a readable Excel workbook"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image.csv", "image.csv: this is a binary file"),
])
def test_refused_files(content, name, expected):
    assert expected in _refusal(content, name)


def test_a_zip_without_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert "not an Excel workbook: the package has no xl/workbook.xml" in _refusal(buffer.getvalue(), "z.xlsx")


def _bomb(sheet_bytes: int) -> bytes:
    """A workbook whose sheet part inflates to sheet_bytes of the same repeated row."""
    good = _workbook(lambda wb: wb.add_worksheet("Sheet1").write_row(0, 0, ["指标", "月份", "数值"]))
    source = zipfile.ZipFile(io.BytesIO(good))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with archive.open(info.filename, "w", force_zip64=True) as part:
                    chunk = b"<row>" + b" " * (1 << 20 - 11) + b"</row>"
                    for _ in range(sheet_bytes // len(chunk)):
                        part.write(chunk)
            else:
                archive.writestr(info, source.read(info.filename))
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_fast_without_inflating_it():
    bomb = _bomb(64 << 20)  # 64 MB of spaces compress about 1000:1
    assert len(bomb) < 1 << 20
    started = time.perf_counter()
    message = _refusal(bomb, "bomb.xlsx")
    assert time.perf_counter() - started < 0.5
    assert "bomb.xlsx: part 'xl/worksheets/sheet1.xml' is compressed" in message and "zip bombs" in message


def test_the_unpacked_size_limit():
    limits = Limits(max_unzipped_bytes=4 << 20, max_compression_ratio=1e9)
    message = _refusal(_bomb(8 << 20), "big.xlsx", limits)
    assert "big.xlsx: the workbook would unpack to 8 MB, over the limit of 4 MB" in message


def test_the_cell_limit_is_checked_from_the_declared_dimension():
    def build(wb):
        ws = wb.add_worksheet("数据")
        ws.write_row(0, 0, ["指标", "月份", "数值"])
        ws.write(499, 9, 1)
    message = _refusal(_workbook(build), "cells.xlsx", Limits(max_cells=1000))
    assert "cells.xlsx: the workbook has 5,000 cells" in message and "over the limit of 1,000" in message


def test_the_file_size_limit():
    assert "over the limit of 1 MB" in _refusal(b"metric,period,value\n" + b"x" * (2 << 20), "huge.csv",
                                                Limits(max_file_bytes=1 << 20))


def test_ragged_rows_shorter_than_the_header():
    parsed = parse_file(b"metric,period,value,note\nMTTR,2026-05,6\nSLA\n", file_name="r.csv")
    assert _records(parsed)[0] == ("MTTR", "2026-05", 6.0)


@pytest.mark.parametrize("written, expected", [
    ("1月", 1), ("01月份", 1), (" 12 月 ", 12), ("十月", 10), ("十二月", 12), ("Jan", 1), ("September", 9),
    ("Sept.", 9), ("１１月", 11), ("13月", None), ("一三月", None), ("2026-01", None), ("Janus", None), (3, None),
])
def test_months_written_without_a_year(written, expected):
    assert month_without_year(written) == expected


@pytest.mark.parametrize("written, expected", [
    ("2026年", 2026), ("2026", 2026), (2026, 2026), (2026.0, 2026), ("FY2026", 2026), ("２０２６年度", 2026),
    ("2026年IT服务指标月报", 2026), ("统计周期:2026年1月-10月", 2026), ("2025-2026年", None), ("20260", None),
    (1989, None), ("月报", None), (None, None), (True, None), ("2026-10", 2026), ("2026/10", 2026),
    # a standard's year and a code's are not the year the title names
    ("IT服务指标（依据ISO/IEC 20000-1:2018）", None), ("ISO 9001:2015", None), ("GB/T 28827.1-2012", None),
    ("文件编号：ITSM-2019-003", None), ("变更单CHG-2025-0412", None), ("2026年IT服务指标（依据ISO 9001:2015）", 2026),
    ("ISO/IEC 20000-1：2018 2025-2026年", None),
])
def test_the_one_year_a_heading_or_title_names(written, expected):
    assert year_in(written) == expected


def _sorted_records(parsed) -> list[tuple[str, str, float | None]]:
    """(metric, period, value) in order, a missing value as None (NaN never equals itself)."""
    return sorted((m, p, None if math.isnan(v) else v) for m, p, v in _records(parsed))


@pytest.mark.parametrize("heading, data, under, ignored", [
    (["指标", "单位", "2026-09", "2026-10"], [["SLA达成率", "%", 95.2, 96.3]], [("merged", "备注：数据来源ITSM系统")],
     "row 3"),
    (["指标", "月份", "数值"], [["SLA达成率", "2026-09", 95.2], ["SLA达成率", "2026-10", 96.3]],
     [["填报人：张三", "审核人：李四", "填报日期：2026-11-03"]], "row 4"),
    (["指标", "月份", "数值"], [["SLA达成率", "2026-09", 95.2], ["SLA达成率", "2026-10", 96.3]],
     [[], ["制表人", "张三", "审核人", "李四"], ["*口径：按自然月统计"]], "row 5–6"),
    (["月份", "SLA达成率"], [["2026-09", 95.2], ["2026-10", 96.3]], [["Prepared by: Li Wei", None, "Date: 2026-11-03"]],
     "row 4"),
    (["指标", "月份", "数值"], [["SLA达成率", "2026-09", 95.2], ["SLA达成率", "2026-10", 96.3]],
     [[], ["部门负责人签字：", None, "日期："], ["经理签字：", None, "2026.12.2"], ["数据更新时间", None, "2026-12-02 10:00"]],
     "row 5–7"),                       # a signature over a label, a date that is not a number
])
def test_a_note_or_sign_off_under_the_table_is_left_out(heading, data, under, ignored):
    """备注 merged across the table's width (its text in every cell), 填报人：张三 | 审核人：李四 | 填报日期：…
    under the last row: each cell was refused as not a month or not a number, and the file with it."""
    def build(wb):
        ws = wb.add_worksheet("月报")
        for r, row in enumerate([heading, *data]):
            ws.write_row(r, 0, row)
        for r, row in enumerate(under, start=len(data) + 1):
            if row and row[0] == "merged":
                ws.merge_range(r, 0, r, len(heading) - 1, row[1])
            else:
                ws.write_row(r, 0, row)
    parsed = parse_file(_workbook(build), file_name="月报.xlsx")
    assert _records(parsed) == [("SLA达成率", "2026-09", 95.2), ("SLA达成率", "2026-10", 96.3)]
    assert f"sheet '月报': {len(under) - (not under[0])} note row(s) under the table were ignored ({ignored})" in (
        parsed.warnings)


def _tracking_workbook(rows):
    """月份 | SLA达成率 | 事件平均解决时间 …: one sheet of `rows`, strings as typed (≥95% stays text)."""
    return workbooks.rows_file(rows, "t.xlsx", sheet="跟踪")


@pytest.mark.parametrize("under, targets, bounds, notes", [
    (["填报人：张三", None, "审核人：李四"], [None, None], [0, 0],
     {"sheet '跟踪': 1 note row(s) under the table were ignored (row 3)": "工作表“跟踪”:表格下方的 1 行备注已忽略(第 3 行)"}),
    (["目标值", "≥95%", "≤5.5"], [95.0, 5.5], [1, -1], {}),
    (["目标", 95, 5.5], [95.0, 5.5], [0, 0], {}),
    (["完成率", "100.6%", "137.5%"], [None, None], [0, 0],
     {"sheet '跟踪': 1 row(s) that are not the months' values (完成率/差异/预测) were ignored (row 3)":
      "工作表“跟踪”:1 行不是各月实际值(完成率/差异/预测),已忽略(第 3 行)"}),
    (["预测", 96, 3.9], [None, None], [0, 0],
     {"sheet '跟踪': 1 row(s) that are not the months' values (完成率/差异/预测) were ignored (row 3)":
      "工作表“跟踪”:1 行不是各月实际值(完成率/差异/预测),已忽略(第 3 行)"}),
])
def test_a_tracking_table_of_one_month_with_a_row_under_it_is_found(under, targets, bounds, notes):
    """月份 | SLA达成率 | 事件平均解决时间 with one month's row and a sign-off, a target row or a 完成率
    row under it: that row's texts outnumbered the month's two numbers, so the table was not found
    ('no header row found'); a target row under several months was refused so too. A target row
    gives each metric column's target, for every month of the table, and its bound (≥ a floor)."""
    parsed = parse_file(_tracking_workbook([["月份", "SLA达成率", "事件平均解决时间"], ["2026-10", 95.6, 4.0], under]),
                        file_name="t.xlsx")
    assert _records(parsed) == [("SLA达成率", "2026-10", 95.6), ("事件平均解决时间", "2026-10", 4.0)]
    records = parsed.records
    assert [None if math.isnan(t) else t for t in records["target"]] == targets
    assert records["target_bound"].tolist() == bounds
    if targets[0] is not None:                       # where a refusal of the target points: the target row's cell
        assert records["target_row"].tolist() == [3, 3]
        assert records["target_column"].tolist() == ["B (SLA达成率)", "C (事件平均解决时间)"]
    assert parsed.warnings == list(notes)
    assert [message_text(note, "zh") for note in notes] == list(notes.values())


def test_a_tracking_table_s_target_row_stands_for_every_month_and_is_refused_twice_or_as_no_number():
    rows = [["月份", "SLA达成率", "事件平均解决时间"], ["目标值", "≥95%", "≤5.5"], ["2026-09", 94.1, 6.2],
            ["2026-10", 95.6, 4.0]]
    parsed = parse_file(_tracking_workbook(rows), file_name="t.xlsx")
    assert parsed.records[["metric", "period", "value", "target"]].values.tolist() == [
        ["SLA达成率", "2026-09", 94.1, 95.0], ["事件平均解决时间", "2026-09", 6.2, 5.5],
        ["SLA达成率", "2026-10", 95.6, 95.0], ["事件平均解决时间", "2026-10", 4.0, 5.5]]
    assert parsed.records["unit"].astype(object).where(parsed.records["unit"].notna(), None).tolist() == [
        "%", None, "%", None]                                                 # ≥95% is a percentage
    twice = [*rows, ["目标", 96, 5]]
    second = "a second target row (the first is row 2): keep one"
    assert _refusal(_tracking_workbook(twice), "t.xlsx") == f"t.xlsx, sheet '跟踪', row 5: {second}"
    assert message_text(second, "zh") == "第二行目标值(第一行是第 2 行):请只保留一行"
    text = [rows[0], ["目标值", "≥95%", "尽快"], *rows[2:]]
    assert _refusal(_tracking_workbook(text), "t.xlsx").startswith(
        "t.xlsx, sheet '跟踪', row 2, column C (事件平均解决时间): '尽快' is not a number")


@pytest.mark.parametrize("rows, ignored", [
    ([["序号", "指标", "月份", "数值", "备注"], ["示例", "SLA达成率", "2026-01", "95.0%", "示例行，请勿删除"],
      [1, "SLA达成率", "2026-10", 96.3, None], [2, "例外事件数", "2026-10", 3, None]], "row 2"),
    ([["指标", "月份", "数值", "备注"], ["SLA达成率", "2026-01", 95, "（示例）"], ["SLA达成率", "2026-10", 96.3, "e.g. 不算"],
      ["例外事件数", "2026-10", 3, "Example"]], "row 2, 4"),
    ([["指标", "月份", "数值", "备注"], ["SLA达成率", "2026-01", 95, "Ｅｘａｍｐｌｅ"], ["SLA达成率", "2026-10", 96.3, None],
      ["例外事件数", "2026-10", 3, "（示例）"]], "row 2, 4"),                 # typed with a Chinese input method's full width
])
def test_a_template_s_example_row_is_left_out(rows, ignored):
    """A template's example row (示例 in its 序号, （示例） in its note) was loaded as real data: its
    95.0 for 2026-01 overwrote that month's value without a word. 例外事件数 is a metric, e.g. 不算 a note."""
    parsed = parse_file("\n".join(",".join("" if c is None else str(c) for c in row) for row in rows).encode(),
                        file_name="t.csv")
    kept = [("SLA达成率", "2026-10", 96.3)] + ([("例外事件数", "2026-10", 3.0)] if ignored == "row 2" else [])
    assert _records(parsed) == kept
    note = f"{len(ignored.split(','))} example row(s) (示例) were ignored ({ignored})"
    assert parsed.warnings == [note]
    assert message_text(note, "zh") == f"{len(ignored.split(','))} 行示例已忽略(第 {ignored[4:]} 行)"


@pytest.mark.parametrize("last", [["说明书下载量", "2026-10", 5], ["备注：SLA达成率", "2026-10", 96.3]])
def test_a_last_row_that_holds_a_number_is_data_not_a_note(last):
    """The metric 说明书下载量 begins as a note's 说明 does; a row with a number is the table's, and
    is read (or refused) as data, never left out unseen."""
    rows = [["指标", "月份", "数值"], ["SLA达成率", "2026-09", 95.2], last]
    parsed = parse_file("\n".join(",".join(map(str, row)) for row in rows).encode(), file_name="n.csv")
    assert _records(parsed)[-1] == tuple(last) and not parsed.warnings


@pytest.mark.parametrize("kinds", [["目标", "实际", "完成率"], ["实际", "差异"], ["目标", "实际", "是否达标"]])
def test_a_column_worked_out_beside_each_month_s_value_is_not_read(kinds):
    """目标 | 实际 | 完成率 under each merged month: the third column (a rate, a difference, 是/否) was
    taken for the month's second value column, and the file refused as 'month 2026-10 has two
    columns'. Only 实际 is read; the others are named as not read."""
    def build(wb):
        ws = wb.add_worksheet("月报")
        ws.merge_range(0, 0, 1, 0, "指标")
        width = len(kinds)
        for i, month in enumerate(["2026年10月", "2026年11月"]):
            ws.merge_range(0, 1 + i * width, 0, width + i * width, month)
            ws.write_row(1, 1 + i * width, kinds)
        cells = {"目标": "95%", "实际": ["96.3%", "96.1%"], "完成率": "101%", "差异": "1.3", "是否达标": "是"}
        ws.write_row(2, 0, ["SLA达成率", *[cells[k][i] if k == "实际" else cells[k]
                                          for i in range(2) for k in kinds]])
    parsed = parse_file(_workbook(build), file_name="月报.xlsx")
    assert _records(parsed) == [("SLA达成率", "2026-10", 96.3), ("SLA达成率", "2026-11", 96.1)]
    other = kinds[-1]
    first, second = column_letter(len(kinds)), column_letter(2 * len(kinds))
    assert parsed.warnings == [(f"sheet '月报': the columns {first} (2026年10月 {other}), {second} (2026年11月 {other}) "
                               "name a month but were not read: only a month heading alone, or marked (实际), holds "
                               "that month's values")]


def test_a_row_worked_out_under_each_metric_s_target_and_value_is_not_read():
    """类型 目标 / 实际 / 差异 under each metric: the 差异 row was read as a second value for each month
    (SLA达成率 2026-10 'appears twice'; MTTR's -0.4 'below zero')."""
    rows = [["指标", "类型", "2026-10", "2026-11"], ["SLA达成率", "目标", 95, 95], ["", "实际", 96.3, 96.1],
            ["", "差异", 1.3, 1.1], ["事件平均解决时间", "目标", 5.5, 5.5], ["", "实际", 5.1, 5.3], ["", "差异", -0.4, -0.2]]
    parsed = parse_file("\n".join(",".join(map(str, row)) for row in rows).encode(), file_name="r.csv")
    assert _records(parsed) == [("SLA达成率", "2026-10", 96.3), ("SLA达成率", "2026-11", 96.1),
                                ("事件平均解决时间", "2026-10", 5.1), ("事件平均解决时间", "2026-11", 5.3)]
    assert parsed.records["target"].tolist() == [95, 95, 5.5, 5.5]


def test_months_under_merged_year_headings_in_a_two_row_header():
    """指标名称 and 单位 merged over two rows; 2025年 merged over 11月-12月, 2026年 over 1月-2月."""
    def build(wb):
        ws = wb.add_worksheet("月报")
        centre = wb.add_format({"align": "center"})
        ws.merge_range(0, 0, 0, 5, "IT服务指标月报", centre)
        ws.merge_range(1, 0, 2, 0, "指标名称", centre)
        ws.merge_range(1, 1, 2, 1, "单位", centre)
        ws.merge_range(1, 2, 1, 3, "2025年", centre)
        ws.merge_range(1, 4, 1, 5, "2026年", centre)
        ws.write_row(2, 2, ["11月", "12月", "1月", "2月"])
        ws.write_row(3, 0, ["SLA达成率", "%", 95.1, 94.8, 96.0, 95.5])
        ws.write_row(4, 0, ["MTTR", "h", 6.1, 5.9, "", 5.8])
    parsed = parse_file(_workbook(build), file_name="月报.xlsx")
    assert _sorted_records(parsed) == [
        ("MTTR", "2025-11", 6.1), ("MTTR", "2025-12", 5.9), ("MTTR", "2026-01", None), ("MTTR", "2026-02", 5.8),
        ("SLA达成率", "2025-11", 95.1), ("SLA达成率", "2025-12", 94.8), ("SLA达成率", "2026-01", 96.0),
        ("SLA达成率", "2026-02", 95.5)]
    sla = parsed.records[parsed.records["metric"] == "SLA达成率"]
    assert sla["row"].tolist() == [4, 4, 4, 4] and sla["column"].tolist() == ["C", "D", "E", "F"]
    assert parsed.warnings == [("sheet '月报': the month columns C–F give no year; 2025 and 2026 were taken from "
                                "the year heading above them")]


@pytest.mark.parametrize("sheet, title, headers, source", [
    ("2026年", None, ["指标", "1月", "2月", "3月"], "the sheet name"),
    ("Sheet1", "2026年IT服务指标月报", ["指标", "一月", "二月", "三月"], "the title above the table"),
    ("Sheet1", "2026", ["Metric", "Jan", "Feb", "Mar"], "the title above the table"),
    ("2026年", "2026年月报", ["指标", "3月", "2月", "1月"], "the title above the table"),       # newest first
])
def test_months_under_one_year_named_by_the_title_or_the_sheet(sheet, title, headers, source):
    def build(wb):
        ws = wb.add_worksheet(sheet)
        top = 0
        if title:
            ws.write(0, 0, title)
            top = 2
        ws.write_row(top, 0, headers)
        ws.write_row(top + 1, 0, ["MTTR", 6.5, 6.0, 5.5])
    parsed = parse_file(_workbook(build), file_name="m.xlsx")
    months = [int(h.rstrip("月")) if h[0].isdigit() else {"一月": 1, "二月": 2, "三月": 3, "Jan": 1, "Feb": 2,
                                                          "Mar": 3}[h] for h in headers[1:]]
    assert _sorted_records(parsed) == sorted(("MTTR", f"2026-{m:02d}", v) for m, v in zip(months, [6.5, 6.0, 5.5]))
    assert parsed.warnings == [f"sheet '{sheet}': the month columns B–D give no year; 2026 was taken from {source}"]


def test_a_csv_with_months_under_a_title_year():
    parsed = parse_file("2026年服务指标,,\n指标,9月,10月\nMTTR,6.5,6\n".encode("utf-8-sig"), file_name="m.csv")
    assert _sorted_records(parsed) == [("MTTR", "2026-09", 6.5), ("MTTR", "2026-10", 6.0)]
    assert parsed.warnings == ["the month columns B–C give no year; 2026 was taken from the title above the table"]
    one = parse_file("2026年服务指标,\n指标,10月\nMTTR,6\n".encode(), file_name="m.csv")     # one month: not 'B–B'
    assert one.warnings == ["the month column B gives no year; 2026 was taken from the title above the table"]
    assert message_text(one.warnings[0], "zh") == "月份列 B 未写年份,已按表格上方的标题读作 2026 年"


@pytest.mark.parametrize("above", [
    [["2026年IT服务指标"], ["（与2025年同期对比）"]],               # a subtitle just above the headings
    [["2026年IT服务指标"], ["基准期：2025年"]],
    [["2026年IT服务指标", "", "（2025年数据见附表）"]],              # a title row: 9月 took 2026 (A), 10月 2025 (C)
    [["2026年IT服务指标", "（2025年数据见附表）"]],                  # its note over the first month
])
def test_a_title_line_just_above_the_months_is_not_their_year_heading(above):
    """A line above 指标 | 9月 | 10月 that names a year left of the months is a title, not a row of
    year headings: 2025 in （与2025年同期对比） gave the months 2025, overwriting last year's values,
    and a title row with a second year further right split one table over two years. As titles
    they name two years, so the months' year is not certain."""
    def build(wb):
        ws = wb.add_worksheet("数据")
        for r, row in enumerate([*above, ["指标", "9月", "10月"], ["重大事件数", 2, 3]]):
            ws.write_row(r, 0, row)
    assert _refusal(_workbook(build), "m.xlsx") == (
        "m.xlsx, sheet '数据': the month columns B–C (9月 … 10月) give no year that is certain: put the year above them "
        "(e.g. 2026年) or write each month as 2026-01")


_FROM_TITLE = "B–C give no year; 2026 was taken from the title above the table"
_FROM_HEADING = "give no year; {} taken from the year heading above them"


@pytest.mark.parametrize("above, headers, periods, note", [
    ([["2026年"]], ["指标", "1月", "2月"], ["2026-01", "2026-02"], _FROM_TITLE),
    ([["2026年IT服务指标"], ["文件编号：ITSM-2019-003"]], ["指标", "9月", "10月"], ["2026-09", "2026-10"], _FROM_TITLE),
    ([["IT服务指标"], ["", ("2026年", 2)]], ["指标", "9月", "10月"], ["2026-09", "2026-10"],   # merged over B–C
     "B–C " + _FROM_HEADING.format("2026 was")),
    ([["", "2025年", "", "2026年"]], ["指标", "11月", "12月", "1月"], ["2025-11", "2025-12", "2026-01"],
     "B–D " + _FROM_HEADING.format("2025 and 2026 were")),
])
def test_a_title_or_year_headings_just_above_the_months_still_give_their_year(above, headers, periods, note):
    """A lone title year just above the months is still their year; a year heading over the first
    month column (2026年 merged over them, its text in its first cell) or one over each year's
    months still heads the months to its right."""
    def build(wb):
        ws = wb.add_worksheet("数据")
        for r, row in enumerate([*above, headers, ["重大事件数", *range(2, len(headers) + 1)]]):
            for c, cell in enumerate(row):
                if isinstance(cell, tuple):
                    ws.merge_range(r, c, r, c + cell[1] - 1, cell[0])
                else:
                    ws.write(r, c, cell)
    parsed = parse_file(_workbook(build), file_name="m.xlsx")
    assert _records(parsed) == [("重大事件数", period, value) for period, value in zip(periods, range(2, 10))]
    assert parsed.warnings == [f"sheet '数据': the month columns {note}"]


@pytest.mark.parametrize("title, sheet, headers, above", [
    (None, "Sheet1", ["指标", "1月", "2月", "3月"], None),                        # no year anywhere
    ("2025-2026年月报", "Sheet1", ["指标", "1月", "2月", "3月"], None),            # two years in the title
    ("2026年月报", "2025年", ["指标", "1月", "2月", "3月"], None),                 # title and sheet disagree
    ("2026年月报", "Sheet1", ["指标", "11月", "12月", "1月"], None),               # runs over a year end
    (None, "Sheet1", ["指标", "1月", "2月", "3月"], ["", "", "2026年", ""]),       # a year over only some months
])
def test_months_whose_year_is_not_certain_are_refused_naming_the_columns(title, sheet, headers, above):
    def build(wb):
        ws = wb.add_worksheet(sheet)
        if title:
            ws.write(0, 0, title)
        if above:
            ws.write_row(1, 0, above)
        ws.write_row(2, 0, headers)
        ws.write_row(3, 0, ["MTTR", 6.5, 6.0, 5.5])
    message = _refusal(_workbook(build), "m.xlsx")
    why = ("give no year, and the title above the table names 2026 and the sheet name names 2025: correct the one that "
           "is wrong, or write each month as 2026-01" if sheet == "2025年" else "give no year that is certain: put the "
           "year above them (e.g. 2026年) or write each month as 2026-01")
    assert message == f"m.xlsx, sheet '{sheet}': the month columns B–D ({headers[1]} … {headers[3]}) {why}"


@pytest.mark.parametrize("headers, periods, carried", [
    (["2025年11月", "12月", "2026年1月", "2月"], ["2025-11", "2025-12", "2026-01", "2026-02"], "C (12月), E (2月)"),
    (["2026年2月", "1月", "2025年12月", "11月"], ["2026-02", "2026-01", "2025-12", "2025-11"], "C (1月), E (11月)"),
    (["2025年11月", "十二月", "2026年1月", "2026年2月"], ["2025-11", "2025-12", "2026-01", "2026-02"], "C (十二月)"),
])
def test_a_year_written_only_where_it_changes_carries_to_the_months_after_it(headers, periods, carried):
    """2025年11月 | 12月 | 2026年1月 | 2月: 12月 is 2025-12 and 2月 2026-02, where they were left
    unread (their values lost) with a note that only a month heading alone holds values."""
    def build(wb):
        ws = wb.add_worksheet("月报")
        ws.write(0, 0, "IT服务指标月报")
        ws.write_row(2, 0, ["指标名称", *headers, "1-2月累计"])
        ws.write_row(3, 0, ["SLA达成率", 95.1, 94.8, 96.0, 95.5, 95.7])
    parsed = parse_file(_workbook(build), file_name="月报.xlsx")
    assert _sorted_records(parsed) == sorted(zip(["SLA达成率"] * 4, periods, [95.1, 94.8, 96.0, 95.5]))
    assert parsed.warnings == [
        f"sheet '月报': the month columns {carried} give no year; each took the year of the month heading to its left",
        ("sheet '月报': the columns F (1-2月累计) name a month but were not read: only a month heading alone, or marked "
         "(实际), holds that month's values")]


_COUNTED = "the headings run month by month, and each took the year that counting on from the dated one gives"


@pytest.mark.parametrize("headers, periods, counted", [
    (["2025年11月", "12月", "1月", "2月"], ["2025-11", "2025-12", "2026-01", "2026-02"], "C (12月), D (1月), E (2月)"),
    (["2025年12月", "1月"], ["2025-12", "2026-01"], "C (1月)"),
    (["2026年1月", "12月", "11月"], ["2026-01", "2025-12", "2025-11"], "C (12月), D (11月)"),         # newest first
    (["11月", "12月", "2026年1月", "2月"], ["2025-11", "2025-12", "2026-01", "2026-02"], "B (11月), C (12月), E (2月)"),
])
def test_months_that_run_on_month_by_month_from_a_dated_one_are_counted_over_the_year_s_end(headers, periods,
                                                                                          counted):
    """The year written once (2025年11月 | 12月 | 1月 | 2月): carried as written, 1月 would be 2025-01,
    running back. Every heading is the month right after the one before it, so a reader counts on
    from 2025-11: 2025-12, 2026-01, 2026-02. Newest first counts back; a dated month anywhere will do."""
    data = ("指标," + ",".join(headers) + "\nMTTR," + ",".join(str(v) for v in range(1, len(headers) + 1)) + "\n")
    parsed = parse_file(data.encode(), file_name="m.csv")
    assert _sorted_records(parsed) == sorted(zip(["MTTR"] * len(headers), periods, range(1, len(headers) + 1)))
    assert parsed.warnings == [f"the month columns {counted} give no year; {_COUNTED}"]


@pytest.mark.parametrize("headers, uncertain", [
    (["2025年11月", "12月", "2月"], ["C (12月)", "D (2月)"]),             # 2025-02 would run back; and January?
    (["11月", "2026年1月", "2月"], ["B (11月)", "D (2月)"]),             # 11月 does not run on to 2026年1月
    (["2026年1月", "2026年2月", "1月"], ["D (1月)"]),                    # 2026-01 twice
    (["2026年1月", "12月", "2月"], ["C (12月)", "D (2月)"]),             # back, then on
])
def test_a_month_without_its_year_among_dated_months_is_refused_when_the_year_is_not_certain(headers, uncertain):
    data = ("指标," + ",".join(headers) + "\nMTTR," + ",".join(["6"] * len(headers)) + "\n").encode()
    message = _refusal(data, "m.csv")
    assert message == "\n".join(
        f"m.csv, row 1, column {letter}: '{text[1:-1]}' names a month but no year, and the months beside it do not make "
        f"the year certain: write it with its year, like 2026-{int(text[1:-2]):02d} or 2026年{text[1:-1]}"
        for letter, text in (column.split() for column in uncertain))


@pytest.mark.parametrize("headers, certain", [
    (["12月", "1月"], False),         # newest first would skip ten months; over the year's end it runs on: not certain
    (["11月", "12月", "1月"], False),  # over the year's end
    (["3月", "2月", "1月"], True),     # newest first, month by month
    (["12月", "11月"], True),
    (["3月", "1月"], True),            # newest first, a month left out
])
@pytest.mark.parametrize("between", ["", "\n"])      # the title just above the headings, or a blank row between
def test_december_then_january_under_one_title_year_is_not_certain(headers, certain, between):
    content = "2025年运维指标\n" + between + "指标," + ",".join(headers) + "\nMTTR," + ",".join(["6"] * len(headers)) + "\n"
    if certain:
        assert [p for _, p, _ in _records(parse_file(content.encode(), file_name="m.csv"))] == [
            f"2025-{int(h.rstrip('月')):02d}" for h in headers]
    else:
        assert "give no year that is certain" in _refusal(content.encode(), "m.csv")


@pytest.mark.parametrize("title, periods", [
    ("IT服务指标月报（2026年10月）", ["2026-10"]),    # the month of the report, beside the day it was made
    ("IT服务指标月报", None),                          # only the day it was made: no month
])
def test_the_day_a_report_was_made_is_not_the_month_it_reports(title, periods):
    """制表日期:2026-11-05 under a monthly report's title: October's values, made in November, were
    loaded as November's; with the month in the title too, two months were named and it was refused."""
    content = f"{title}\n制表日期:2026-11-05\n\n指标,实际值\nMTTR,6\n".encode()
    if periods:
        assert [p for _, p, _ in _records(parse_file(content, file_name="m.csv"))] == periods
    else:
        assert "do not name one month" in _refusal(content, "m.csv")


@pytest.mark.parametrize("sheet, rows, file_name, refusal, zh", [
    ("S", [["2026年10月IT服务月报"], ["指标", "目标", "本月实际"], ["SLA达成率", "95%", "96.3%"]], "2026年11月IT服务月报.xlsx",
     ("the table has a value column but no month column, and the title above the table names 2026-10 and the file "
     "name names 2026-11: correct the one that is wrong, or add a month column (月份)"),
     "表格有数值列但没有月份列,且表格上方的标题为 2026-10,文件名为 2026-11,彼此不一致:请改正错误的一处,或添加“月份”列"),
    ("2025年", [["指标", "9月", "10月"], ["SLA达成率", 95, 96]], "2026年IT服务月报.xlsx",
     ("the month columns B–C (9月 … 10月) give no year, and the sheet name names 2025 and the file name names 2026: "
     "correct the one that is wrong, or write each month as 2026-01"),
     "月份列 B–C(9月 … 10月)没有年份,且工作表名称为 2025,文件名为 2026,彼此不一致:请改正错误的一处,或把每个月写成 2026-01"),
])
def test_a_title_and_a_file_name_that_disagree_are_named(sheet, rows, file_name, refusal, zh):
    """Last month's file copied and renamed: its title says 2026年10月, its name 2026年11月. The refusal
    told the owner to put the month in the title, which it already was."""
    def build(wb):
        ws = wb.add_worksheet(sheet)
        for r, row in enumerate(rows):
            ws.write_row(r, 0, row)
    assert _refusal(_workbook(build), file_name) == f"{file_name}, sheet '{sheet}': {refusal}"
    assert message_text(refusal, "zh") == zh


@pytest.mark.parametrize("title, periods", [("IT服务指标月报（2026年10月）", ["2026-10"]), ("IT服务指标月报", None)])
def test_the_date_cell_beside_a_made_on_label_is_not_the_month_reported(title, periods):
    """An .xlsx template: 制表日期： in one cell, the day as a real date in the next."""
    def build(wb):
        ws = wb.add_worksheet("月报")
        ws.write(0, 0, title)
        ws.write(1, 0, "制表日期：")
        ws.write_datetime(1, 1, datetime.datetime(2026, 11, 5), wb.add_format({"num_format": "yyyy-mm-dd"}))
        ws.write_row(3, 0, ["指标", "实际值"])
        ws.write_row(4, 0, ["MTTR", 6])
    if periods:
        assert [p for _, p, _ in _records(parse_file(_workbook(build), file_name="m.xlsx"))] == periods
    else:
        assert "do not name one month" in _refusal(_workbook(build), "m.xlsx")


def test_months_under_a_title_with_the_day_it_was_made_take_no_year_from_that_day():
    """A quarter's report made on 2026-01-05: its 10月 11月 12月 are not 2026's."""
    content = "IT服务指标季报\n制表日期:2026-01-05\n指标,10月,11月,12月\nMTTR,6,6,7\n".encode()
    assert "give no year that is certain" in _refusal(content, "m.csv")
    dated = "2025年IT服务指标季报\n制表日期:2026-01-05\n\n指标,10月,11月,12月\nMTTR,6,6,7\n".encode()
    assert [p for _, p, _ in _records(parse_file(dated, file_name="m.csv"))] == ["2025-10", "2025-11", "2025-12"]


def test_total_and_average_rows_are_left_out_with_a_note():
    def build(wb):
        wide = wb.add_worksheet("宽表")
        wide.write_row(0, 0, ["指标", "2026-09", "2026-10", "合计"])
        wide.write_row(1, 0, ["重大事件数", 1, 2, 3])
        wide.write_row(2, 0, ["工单量", 1200, 1300, 2500])
        wide.write_row(3, 0, ["合计", 1201, 1302, 2503])
        long = wb.add_worksheet("长表")
        long.write_row(0, 0, ["月份", "指标", "实际值"])
        long.write_row(1, 0, ["2026-09", "SLA达成率", 95.0])
        long.write_row(2, 0, ["2026-10", "SLA达成率", 96.0])
        long.write_row(3, 0, ["平均", "SLA达成率", 95.5])
        long.write_row(4, 0, ["2026-10", "Average", 95.5])
    parsed = parse_file(_workbook(build), file_name="t.xlsx")
    assert _sorted_records(parsed) == [
        ("SLA达成率", "2026-09", 95.0), ("SLA达成率", "2026-10", 96.0), ("工单量", "2026-09", 1200.0),
        ("工单量", "2026-10", 1300.0), ("重大事件数", "2026-09", 1.0), ("重大事件数", "2026-10", 2.0)]
    assert parsed.warnings == ["sheet '宽表': 1 total or average row(s) (合计/平均) were ignored (row 4)",
                               "sheet '长表': 2 total or average row(s) (合计/平均) were ignored (row 4–5)"]


@pytest.mark.parametrize("heading", ["所属月份", "所属期间", "数据期间", "统计日期", "统计时间"])
def test_more_month_headings_name_the_month_column(heading):
    """Found by exploratory testing: a table headed 所属月份 (or 统计日期 with 2026-10-31 under it) had
    'no header row found'."""
    content = f"指标,{heading},数值\n工单量,2026-10,1300\nSLA达成率,2026-10-31,95.2\n".encode()
    assert _records(parse_file(content, file_name="t.csv")) == [("工单量", "2026-10", 1300.0),
                                                                ("SLA达成率", "2026-10", 95.2)]


@pytest.mark.parametrize("label", ["月均", "月平均", "累计", "年累计"])
def test_a_monthly_average_or_running_total_row_is_not_a_metric(label):
    """Found by exploratory testing: 月均 under the metrics was loaded as a metric of its own."""
    content = f"指标,2026-09,2026-10\n工单量,1200,1300\n{label},1200,1250\n".encode()
    parsed = parse_file(content, file_name="t.csv")
    assert _records(parsed) == [("工单量", "2026-09", 1200.0), ("工单量", "2026-10", 1300.0)]
    assert parsed.warnings == ["1 total or average row(s) (合计/平均) were ignored (row 3)"]


def test_every_total_row_left_out_is_named():
    """Found by exploratory testing: of six total rows the note named the first five, without '…'."""
    def build(wb):
        sheet = wb.add_worksheet("宽表")
        sheet.write_row(0, 0, ["指标", "2026-09", "2026-10"])
        sheet.write_row(1, 0, ["工单量", 1200, 1300])
        for row, label in enumerate(["合计", "总计", "小计", "平均", "均值", "汇总"], start=2):
            sheet.write_row(row, 0, [label, 1, 2])
        sheet.write_row(9, 0, ["合计", 1, 2])
    warnings = parse_file(_workbook(build), file_name="t.xlsx").warnings
    assert warnings == ["sheet '宽表': 7 total or average row(s) (合计/平均) were ignored (row 3–8, 10)"]
    assert message_text(warnings[0], "zh") == "工作表“宽表”:7 行合计/平均行已忽略(第 3–8, 10 行)"


def test_hidden_sheets_are_not_read():
    """A hidden sheet (last year's data, a lookup) is invisible in Excel: loading it would surprise."""
    def build(wb):
        for name, value in (("数据", 95.1), ("旧数据", 90.0)):
            ws = wb.add_worksheet(name)
            ws.write_row(0, 0, ["指标", "月份", "数值"])
            ws.write_row(1, 0, ["SLA达成率", "2026-10", value])
            if name == "旧数据":
                ws.hide()
    parsed = parse_file(_workbook(build), file_name="h.xlsx")
    assert _records(parsed) == [("SLA达成率", "2026-10", 95.1)]
    assert parsed.skipped_sheets == [("旧数据", "hidden")]

    def only_hidden(wb):
        wb.add_worksheet("封面").write(0, 0, "月报")
        ws = wb.add_worksheet("旧数据")
        ws.write_row(0, 0, ["指标", "月份", "数值"])
        ws.write_row(1, 0, ["SLA达成率", "2026-10", 90.0])
        ws.hide()
    assert _refusal(_workbook(only_hidden), "h.xlsx") == (
        "h.xlsx: the file has no data rows (sheets: '封面' no data table (instructions or notes), '旧数据' hidden)")


@pytest.mark.parametrize("file_name, sheet, title, source", [
    ("月报.xlsx", "Sheet1", "2026年10月 IT服务指标月报", "the title above the table"),
    ("月报.xlsx", "2026年10月", None, "the sheet name"),
    ("2026年10月IT服务月报.xlsx", "Sheet1", "IT服务指标月报", "the file name"),
    ("KPI_202610.xlsx", "202610", "2026年10月", "the title above the table"),       # all three agree
    ("月报.xlsx", "Sheet1", "数据期间:2026年10月1日-10月31日", "the title above the table"),   # the month's days
    ("月报.xlsx", "Sheet1", "数据截至2026年10月31日", "the title above the table"),     # the month's last day
    ("月报.xlsx", "Sheet1", "统计日期：2026-10-15", "the title above the table"),       # the data's own day
])
def test_a_monthly_report_without_a_month_column_takes_its_month_from_title_sheet_or_file(file_name, sheet, title,
                                                                                          source):
    def build(wb):
        ws = wb.add_worksheet(sheet)
        if title:
            ws.write(0, 0, title)
        ws.write_row(2, 0, ["序号", "指标名称", "目标值", "实际值", "备注"])
        ws.write_row(3, 0, ["一、质量指标"])
        ws.write_row(4, 0, [1, "SLA达成率", 95, 95.3, ""])
        ws.write_row(5, 0, [2, "事件平均解决时间", 5.5, 5.1, "夜班到位"])
        ws.write_row(6, 0, ["", "二、效率指标"])
    parsed = parse_file(_workbook(build), file_name=file_name)
    rows = parsed.records[["metric", "period", "value", "target", "note", "row", "column"]]
    assert rows.astype(object).where(rows.notna(), None).values.tolist() == [
        ["SLA达成率", "2026-10", 95.3, 95.0, None, 5, "D"],
        ["事件平均解决时间", "2026-10", 5.1, 5.5, "夜班到位", 6, "D"]]
    assert parsed.warnings == [
        f"sheet '{sheet}': the table has no month column; 2026-10 was taken from {source}",
        f"sheet '{sheet}': 1 row(s) with a name but no period or value were ignored (row 7)"]


@pytest.mark.parametrize("sheet", ["目标", "下月目标", "2026年目标值", "年度目标", "预测", "基线", "去年同期", "Targets",
                                   "Forecast", "预算"])
def test_a_sheet_named_as_targets_or_forecasts_beside_the_actuals_is_not_read(sheet):
    """A workbook with a sheet 实际 and a sheet 目标 (or 预测, 基线, 去年同期) in the same layout: the
    targets were loaded as the months' actual values, over them, with no word."""
    def build(wb):
        for name, value in (("实际", 96.2), (sheet, 98.0)):
            ws = wb.add_worksheet(name)
            ws.write_row(0, 0, ["指标", "2026-10", "2026-11"])
            ws.write_row(1, 0, ["变更成功率", value - 1, value])
    parsed = parse_file(_workbook(build), file_name="2026年IT服务指标.xlsx")
    assert _records(parsed) == [("变更成功率", "2026-10", 95.2), ("变更成功率", "2026-11", 96.2)]
    why = "holds targets, forecasts or past figures, as its name says (not read)"
    assert parsed.skipped_sheets == [(sheet, why)]
    assert skipped_sheet_reason(why, "zh") == "按名称是目标、预测或往期数据,不是实际值,未读取"


@pytest.mark.parametrize("file_name, title, source", [
    ("月报.xlsx", "2026年11月指标目标", "its title says"),
    ("月报.xlsx", "2026年12月计划值", "its title says"),
    ("月报.xlsx", "IT服务指标预测数据", "its title says"),
    ("2026年度指标目标值.xlsx", "IT服务指标", "the file name says"),
    ("2026年11月IT服务指标_预测.xlsx", None, "the file name says"),
])
def test_a_table_whose_title_or_file_name_says_it_holds_targets_is_refused_as_such(file_name, title, source):
    rows = ([[title]] if title else []) + [["指标", "2026-11"], ["变更成功率", 98]]
    refused = _refusal(workbooks.rows_file(rows, "t.xlsx"), file_name)
    why = f"holds targets, forecasts or past figures, as {source} (not read)"
    assert refused == f"{file_name}: the file has no data rows (sheets: '数据' {why})"
    assert message_text(refused.split(": ", 1)[1], "zh").startswith("文件中没有数据行")


@pytest.mark.parametrize("file_name, sheet, title", [
    ("月报.xlsx", "实际", "2026年11月IT服务指标目标达成情况"),        # a report of actuals against targets
    ("2026年目标管理月报.xlsx", "数据", "指标完成情况"),
    ("月报.xlsx", "目标达成", "实际完成目标"),
    ("month targets.xlsx", "目标", "目标"),                      # with its targets apart (below): both are there
])
def test_a_report_of_actuals_against_targets_is_read(file_name, sheet, title):
    rows = [[title], ["指标", "2026-11"], ["变更成功率", 96.2]]
    if file_name.startswith("month"):
        rows[1:] = [["指标", "2026-11", "目标"], ["变更成功率", 96.2, 98]]
    parsed = parse_file(workbooks.rows_file(rows, "t.xlsx", sheet=sheet), file_name=file_name)
    assert _records(parsed) == [("变更成功率", "2026-11", 96.2)] and parsed.skipped_sheets == []


@pytest.mark.parametrize("heading, kinds", [("类型", ["实际", "实际", "目标", "预测"]),
                                             ("数据类型", ["实际值", "实际值", "目标值", "预测值"]),
                                             ("Type", ["Actual", "Actual", "Target", "Forecast"])])
def test_a_long_table_s_rows_marked_as_targets_or_forecasts_are_not_values(heading, kinds):
    """指标 | 月份 | 类型 | 数值 with 实际 rows for November and 目标 / 预测 rows for December: the
    December targets were loaded as December's values, with no word."""
    rows = [["指标", "月份", heading, "数值"], ["SLA达成率", "2026-11", kinds[0], 96.2], ["变更成功率", "2026-11", kinds[1], 97.5],
            ["SLA达成率", "2026-12", kinds[2], 95], ["变更成功率", "2026-12", kinds[3], 98]]
    parsed = parse_file(workbooks.rows_file(rows, "k.xlsx"), file_name="k.xlsx")
    assert _records(parsed) == [("SLA达成率", "2026-11", 96.2), ("变更成功率", "2026-11", 97.5)]
    note = f"sheet '数据': 2 row(s) marked as targets or forecasts in column C ({heading}), not values, were ignored (row 4–5)"
    assert parsed.warnings == [note]
    assert message_text(note, "zh") == f"工作表“数据”:C 列({heading})标为目标或预测的 2 行不是实际值,已忽略(第 4–5 行)"


@pytest.mark.parametrize("sheet, title", [("全年汇总", None), ("本年累计", None), ("YTD", None), ("年度汇总", None),
                                         ("Sheet2", "2026年全年累计指标")])
def test_a_year_to_date_sheet_without_months_is_not_taken_for_the_file_s_month(sheet, title):
    """2026年11月IT服务指标.xlsx with a sheet 11月 and a sheet 全年汇总 (指标 | 数值, no month column):
    the year's totals (重大事件数 12) were stored as November's over its real value (1)."""
    def build(wb):
        for name, rows in (("11月", [["指标", "数值"], ["重大事件数", 1]]),
                           (sheet, ([[title], []] if title else []) + [["指标", "数值"], ["重大事件数", 12]])):
            ws = wb.add_worksheet(name)
            for r, row in enumerate(rows):
                ws.write_row(r, 0, row)
    parsed = parse_file(_workbook(build), file_name="2026年11月IT服务指标.xlsx")
    assert _records(parsed) == [("重大事件数", "2026-11", 1.0)]
    why = "a year-to-date or yearly summary, as its name says, without a month column (not read)"
    assert parsed.skipped_sheets == [(sheet, why)]
    assert skipped_sheet_reason(why, "zh") == "按名称是本年累计或全年汇总,且没有月份列,未读取"


def test_a_summary_sheet_of_the_month_is_read():
    parsed = parse_file(workbooks.rows_file([["指标", "数值"], ["重大事件数", 1]], "s.xlsx", sheet="汇总"),
                        file_name="2026年11月IT服务指标.xlsx")
    assert _records(parsed) == [("重大事件数", "2026-11", 1.0)] and parsed.skipped_sheets == []


@pytest.mark.parametrize("title, file_name, read, note, zh", [
    ("2026年11月IT服务指标", "月报.xlsx", True, "column D (本月) was read as 2026-11, the month the title above the table names",
     "D 列(本月)按表格上方的标题所写的月份读作 2026-11"),
    ("IT服务指标", "2026年11月月报.xlsx", True, "column D (本月) was read as 2026-11, the month the file name names",
     "D 列(本月)按文件名所写的月份读作 2026-11"),
    ("2026年IT服务指标", "月报.xlsx", False,
     ("column D (本月) was not read: the table's months are in its headings, and the title, sheet name and file name "
      "name no other month for it; head it with its month (e.g. 2026-11)"),
     ("D 列(本月)未读取:表格的月份在各列标题中,而标题、工作表名和文件名都没有为它写出另一个月份;请在该列标题写上月份"
      "(例如 2026-11)")),
])
def test_a_this_month_column_beside_the_month_columns_is_the_report_s_month(title, file_name, read, note, zh):
    """指标 | 9月 | 10月 | 本月 under 2026年11月's title: the 本月 column, the month the report is for,
    was dropped without a word."""
    rows = [[title], ["指标", "9月", "10月", "本月"], ["SLA达成率", 95.5, 97.8, 96.2]]
    parsed = parse_file(workbooks.rows_file(rows, "b.xlsx"), file_name=file_name)
    assert _records(parsed) == [("SLA达成率", "2026-09", 95.5), ("SLA达成率", "2026-10", 97.8)] + (
        [("SLA达成率", "2026-11", 96.2)] if read else [])
    assert f"sheet '数据': {note}" in parsed.warnings
    assert message_text(note, "zh") == zh


@pytest.mark.parametrize("rows", [
    [["项目", "指标名称", "月份", "数值"], ["质量", "SLA达成率", "2026-11", 96.2], ["效率", "工单量", "2026-11", 5215]],
    [["名称", "指标", "月份", "数值"], ["事件管理", "SLA达成率", "2026-11", 96.2], ["服务台", "工单量", "2026-11", 5215]],
    [["序号", "月份", "SLA达成率", "工单量"], [1, "2026-11", 96.2, 5215]],          # a tracking table's numbering
])
def test_a_category_or_numbering_column_is_not_taken_for_the_metrics(rows):
    """项目 | 指标名称: the category (质量) was read as the metric, and the refusal of 'unknown metric
    质量' offered --create-metrics, which would have made a metric of it; 序号 in a tracking table was
    read as a metric whose values were 1, 2, 3."""
    parsed = parse_file(workbooks.rows_file(rows, "c.xlsx"), file_name="c.xlsx")
    assert _records(parsed) == [("SLA达成率", "2026-11", 96.2), ("工单量", "2026-11", 5215.0)]


@pytest.mark.parametrize("file_name, months", [("2026年11月IT服务月报.xlsx", ["2026-09", "2026-10", "2026-11"]),
                                              ("2027年1月IT服务月报.xlsx", ["2026-11", "2026-12", "2027-01"])])
def test_a_sheet_per_month_in_a_file_named_for_the_last_month_takes_each_sheet_s_month(file_name, months):
    """A workbook of sheets 9月, 10月, 11月 named for November: 9月 and 10月 were refused as naming no
    month, since the file name named another. Each sheet names its month; the file name its year
    (the year before, for a month after the file's: 11月 and 12月 in a January file)."""
    def build(wb):
        for k, month in enumerate(months):
            ws = wb.add_worksheet(f"{int(month[5:])}月")
            ws.write_row(0, 0, ["指标", "数值"])
            ws.write_row(1, 0, ["SLA达成率", 95 + k])
    parsed = parse_file(_workbook(build), file_name=file_name)
    assert _records(parsed) == [("SLA达成率", month, 95.0 + k) for k, month in enumerate(months)]
    assert (f"sheet '{int(months[0][5:])}月': the table has no month column; {months[0]} was taken from the sheet "
            "name, with the year from the file name") in parsed.warnings


@pytest.mark.parametrize("heading", ["2026年10月数据更正", "上月数据（10月）", "附：2025年11月（去年同期）"])
def test_a_sub_heading_naming_another_month_over_rows_of_values_is_refused(heading):
    """Under 2026年11月's title, a second block headed 2026年10月数据更正: its rows were read as
    November's, over November's values, with only a note that the heading was ignored."""
    rows = [["2026年11月IT服务月报"], ["指标", "数值"], ["SLA达成率", 96.2], ["工单量", 5215], [], [heading], ["指标", "数值"],
            ["变更成功率", 95.9]]
    message = (f"'{heading}' names another month than 2026-11, the month the rows above it were read as, over rows of "
               "values: put those rows on a sheet of their own, or add a month column (月份)")
    assert _refusal(workbooks.rows_file(rows, "m.xlsx"), "m.xlsx") == f"m.xlsx, sheet '数据', row 6, column A (指标): {message}"
    assert message_text(message, "zh").startswith(f"“{heading}”写的是 2026-11 以外的月份")


def test_a_note_naming_another_month_under_the_last_row_is_only_a_note():
    rows = [["2026年11月IT服务月报"], ["指标", "数值"], ["SLA达成率", 96.2], ["注：2026年10月数据已更正"]]
    assert _records(parse_file(workbooks.rows_file(rows, "m.xlsx"), file_name="m.xlsx")) == [
        ("SLA达成率", "2026-11", 96.2)]


def test_a_sheet_of_last_month_s_figures_beside_this_month_s_is_not_read():
    def build(wb):
        for name, value in (("本月", 96.2), ("上月修订", 95.9)):
            ws = wb.add_worksheet(name)
            ws.write_row(0, 0, ["指标", "数值"])
            ws.write_row(1, 0, ["SLA达成率", value])
    parsed = parse_file(_workbook(build), file_name="2026年11月IT服务月报.xlsx")
    assert _records(parsed) == [("SLA达成率", "2026-11", 96.2)]
    assert parsed.skipped_sheets == [("上月修订", "holds targets, forecasts or past figures, as its name says (not read)")]


@pytest.mark.parametrize("under_the_title", ["运维部 2026-12-02", "发布日期：2026.12.02", "2026年12月2日",
                                             datetime.datetime(2026, 12, 2)])
def test_the_day_a_report_was_issued_is_not_its_month(under_the_title):
    """November's report issued on 2 December (运维部 2026-12-02 under its title, or an Excel date
    there) was stored as December's, the month still under way, over nothing a user could see.
    A day that is neither a month's first nor its last, and not labelled as the data's own
    (统计日期, 截至), is the day of issue: it names no month, and the month is asked for."""
    def build(wb):
        ws = wb.add_worksheet("数据")
        ws.write(0, 0, "IT服务运营月报")
        if isinstance(under_the_title, datetime.datetime):
            ws.write_datetime(1, 1, under_the_title, wb.add_format({"num_format": "yyyy-mm-dd"}))
        else:
            ws.write(1, 1, under_the_title)
        ws.write_row(2, 0, ["指标", "数值"])
        ws.write_row(3, 0, ["SLA达成率", 96.2])
    assert _refusal(_workbook(build), "月报.xlsx") == (
        "月报.xlsx, sheet '数据': the table has a value column but no month column, and its title, sheet name and file "
        "name do not name one month: add a month column (月份) or put the month in the title (e.g. 2026年10月)")


def test_the_day_a_report_was_issued_gives_no_year_to_months_without_one():
    """A January report on the last quarter (10月 | 11月 | 12月), issued 2026-01-06: its months were
    taken for 2026's, over the year's real ones."""
    rows = [["IT服务指标季度回顾"], ["运维部 2026-01-06"], ["指标", "10月", "11月", "12月"], ["SLA达成率", 96.0, 94.4, 94.5]]
    assert _refusal(workbooks.rows_file(rows, "q.xlsx"), "q.xlsx") == (
        "q.xlsx, sheet '数据': the month columns B–D (10月 … 12月) give no year that is certain: put the year above "
        "them (e.g. 2026年) or write each month as 2026-01")


@pytest.mark.parametrize("file_name, title", [
    ("月报.xlsx", "IT服务指标月报"),                              # no month anywhere
    ("月报.xlsx", "2026年1-10月累计"),                            # a span: year-to-date figures, not a month's
    ("2026年9月月报.xlsx", "2026年10月 IT服务指标月报"),           # the title and the file name disagree
    ("IT月报_导出2026-11-05.xlsx", "IT服务指标月报"),              # the day the file was made, not its month
])
def test_a_table_without_a_month_column_or_one_certain_month_is_refused(file_name, title):
    def build(wb):
        ws = wb.add_worksheet("Sheet1")
        ws.write(0, 0, title)
        ws.write_row(2, 0, ["指标名称", "实际值"])
        ws.write_row(3, 0, ["SLA达成率", 95.3])
    why = ("the title above the table names 2026-10 and the file name names 2026-09: correct the one that is wrong, or "
           "add a month column (月份)" if "9月" in file_name else "its title, sheet name and file name do not name one "
           "month: add a month column (月份) or put the month in the title (e.g. 2026年10月)")
    assert _refusal(_workbook(build), file_name) == (
        f"{file_name}, sheet 'Sheet1': the table has a value column but no month column, and {why}")


@pytest.mark.parametrize("file_name, title, sheet, months, source", [
    ("t.csv", "2026年IT服务指标", None, ["9月", "10月"], "the title above the table"),
    ("2026年IT服务指标.csv", None, None, ["9月", "10月"], "the file name"),
    ("t.xlsx", None, "2026年", [9, 10], "the sheet name"),
    ("2026年指标.xlsx", None, "Sheet1", ["Sep", "Oct"], "the file name"),
])
def test_long_months_without_a_year_take_the_one_year_a_title_or_name_gives(file_name, title, sheet, months, source):
    """A long table's 月份 column saying 9月, 10月 (or 9, 10, Sep), with the year only in the title,
    the sheet name or the file name, as the wide layout already reads it."""
    rows = ([[title, "", ""]] if title else []) + [["指标", "月份", "数值"], ["SLA达成率", months[0], 95.1],
                                                   ["SLA达成率", months[1], 95.3]]
    if file_name.endswith(".csv"):
        data = "\n".join(",".join(str(cell) for cell in row) for row in rows).encode("utf-8-sig")
    else:
        def build(wb):
            ws = wb.add_worksheet(sheet)
            for r, row in enumerate(rows):
                ws.write_row(r, 0, row)
        data = _workbook(build)
    parsed = parse_file(data, file_name=file_name)
    assert _records(parsed) == [("SLA达成率", "2026-09", 95.1), ("SLA达成率", "2026-10", 95.3)]
    where = f"sheet '{sheet}': " if sheet else ""
    assert parsed.warnings == [f"{where}the months in column B (月份) give no year; 2026 was taken from {source}"]


_ISO_TITLE = "IT服务指标（依据ISO/IEC 20000-1:2018）"
_LONG_SEP_OCT = [["指标", "月份", "数值"], ["SLA达成率", "9月", 95.1], ["SLA达成率", "10月", 95.3]]
_WIDE_SEP_OCT = [["指标", "9月", "10月"], ["SLA达成率", 95.1, 95.3]]
_NOT_CERTAIN = "names a month but no year, and the months beside it do not make the year certain: write it with its year"


@pytest.mark.parametrize("rows, refused", [
    (_LONG_SEP_OCT, [f"t.xlsx, sheet '数据', row 3, column B (月份): '9月' {_NOT_CERTAIN}, like 2026-09 or 2026年9月",
                     f"t.xlsx, sheet '数据', row 4, column B (月份): '10月' {_NOT_CERTAIN}, like 2026-10 or 2026年10月"]),
    (_WIDE_SEP_OCT, [("t.xlsx, sheet '数据': the month columns B–C (9月 … 10月) give no year that is certain: put the "
                      "year above them (e.g. 2026年) or write each month as 2026-01")]),
])
@pytest.mark.parametrize("title", [_ISO_TITLE, "IT服务指标（依据GB/T 28827.1-2012）", "IT服务指标（文件编号：ITSM-2019-003）"])
def test_a_standard_s_or_a_code_s_year_in_the_title_is_not_the_months_year(rows, refused, title):
    """9月 and 10月 under IT服务指标（依据ISO/IEC 20000-1:2018）, in a long or a wide table, were loaded
    as 2018-09 and 2018-10: the year of the standard, or of a code (ITSM-2019-003), was taken for
    the months'. The title names no year, and months without one are refused."""
    def build(wb):
        ws = wb.add_worksheet("数据")
        for r, row in enumerate([[title], *rows]):
            ws.write_row(r, 0, row)
    assert _refusal(_workbook(build), "t.xlsx").splitlines() == refused


@pytest.mark.parametrize("rows, columns", [(_LONG_SEP_OCT, "months in column B (月份)"),
                                           (_WIDE_SEP_OCT, "month columns B–C")])
def test_beside_a_standard_s_year_the_one_year_the_file_name_names_is_the_months(rows, columns):
    def build(wb):
        ws = wb.add_worksheet("数据")
        for r, row in enumerate([[_ISO_TITLE], *rows]):
            ws.write_row(r, 0, row)
    parsed = parse_file(_workbook(build), file_name="2026年IT服务指标.xlsx")
    assert _records(parsed) == [("SLA达成率", "2026-09", 95.1), ("SLA达成率", "2026-10", 95.3)]
    assert parsed.warnings == [f"sheet '数据': the {columns} give no year; 2026 was taken from the file name"]


def test_a_tracking_table_of_months_without_a_year_takes_the_title_year():
    """One row per month, one column per metric, 9月 and 10月 under a title naming 2026."""
    content = "2026年IT服务指标跟踪表,,\n月份,SLA达成率,事件平均解决时间\n9月,95.1,8.1\n10月,95.3,8.0\n"
    parsed = parse_file(content.encode(), file_name="t.csv")
    assert _sorted_records(parsed) == [("SLA达成率", "2026-09", 95.1), ("SLA达成率", "2026-10", 95.3),
                                       ("事件平均解决时间", "2026-09", 8.1), ("事件平均解决时间", "2026-10", 8.0)]
    assert parsed.warnings == ["the months in column A (月份) give no year; 2026 was taken from the title above the table"]
    year_end = content + "11月,95.0,8.2\n"                           # 9月 10月 11月 … then back: over a year's end?
    year_end = year_end.replace("9月", "12月").replace("10月", "1月")
    assert _refusal(year_end.encode(), "t.csv").splitlines()[0] == (
        "t.csv, row 3, column A (月份): '12月' names a month but no year, and the months beside it do not make the year "
        "certain: write it with its year, like 2026-12 or 2026年12月")


_CARRIED_DOWN = "took the year of the dated month above them"
_COUNTED_DOWN = "run month by month, and took the year that counting on from the dated month gives"


@pytest.mark.parametrize("content, expected, rows, how", [
    # one metric's months; a tracking table's; two metrics' rows month by month; each metric's rows together
    ("指标,月份,数值\nSLA,2025年11月,95\nSLA,12月,96\nSLA,2026年1月,97\nSLA,2月,98\n",
     [("SLA", "2025-11", 95), ("SLA", "2025-12", 96), ("SLA", "2026-01", 97), ("SLA", "2026-02", 98)], "rows 3, 5",
     _CARRIED_DOWN),
    ("月份,SLA\n2025年11月,95\n12月,96\n2026年1月,97\n",
     [("SLA", "2025-11", 95), ("SLA", "2025-12", 96), ("SLA", "2026-01", 97)], "row 3", _CARRIED_DOWN),
    ("指标,月份,数值\nSLA,2026年2月,95\nSLA,1月,96\nMTTR,2026年2月,6\nMTTR,1月,7\n",        # newest first
     [("MTTR", "2026-01", 7), ("MTTR", "2026-02", 6), ("SLA", "2026-01", 96), ("SLA", "2026-02", 95)], "rows 3, 5",
     _CARRIED_DOWN),
    ("指标,月份,数值\nSLA,2025年12月,95\nMTTR,2025年12月,6\nSLA,1月,96\nMTTR,1月,7\n",     # over the year's end
     [("MTTR", "2025-12", 6), ("MTTR", "2026-01", 7), ("SLA", "2025-12", 95), ("SLA", "2026-01", 96)], "rows 4–5",
     _COUNTED_DOWN),
    ("月份,SLA\n2025年11月,95\n12月,96\n1月,97\n",                                  # the year written once
     [("SLA", "2025-11", 95), ("SLA", "2025-12", 96), ("SLA", "2026-01", 97)], "rows 3–4", _COUNTED_DOWN),
    ("指标,月份,数值\nSLA,9月,95\nSLA,2026-10,96\n",                              # the month before a dated one
     [("SLA", "2026-09", 95), ("SLA", "2026-10", 96)], "row 2", _COUNTED_DOWN),
    ("指标,月份,数值\nSLA,2025年11月,95\nSLA,12月,96\nSLA,2月,97\n", [], None, None),   # 2025-02 runs back; 1月?
])
def test_a_month_column_with_the_year_written_only_where_it_changes(content, expected, rows, how):
    """The year of the dated month above (the same metric's, in a long table), when each metric's
    months then run one way; else, when they run on month by month (2025年12月 then 1月), the year
    counting on gives (2026-01). 2025年11月, 12月, 2月 is neither: refused."""
    if rows is None:
        assert "'2月' names a month but no year" in _refusal(content.encode(), "m.csv")
        return
    parsed = parse_file(content.encode(), file_name="m.csv")
    assert _sorted_records(parsed) == sorted(expected)
    column = "A (月份)" if content.startswith("月份") else "B (月份)"
    assert parsed.warnings == [f"the months in column {column} without their year ({rows}) {how}"]


@pytest.mark.parametrize("content, file_name", [
    ("2026年IT服务指标,,\n指标,月份,数值\nSLA达成率,11月,95\nSLA达成率,12月,95\nSLA达成率,1月,95\n", "t.csv"),  # a year's end
    ("2025-2026年指标,,\n指标,月份,数值\nSLA达成率,9月,95\n", "t.csv"),                                      # two years
    ("2025年指标,,\n指标,月份,数值\nSLA达成率,12月,95\nSLA达成率,1月,96\n", "t.csv"),  # newest first, or over the year's end?
])
def test_long_months_without_a_certain_year_are_still_refused(content, file_name):
    assert "' names a month but no year, and the months beside it do not make the year certain: write it with its " \
           "year, like 2026-" in _refusal(content.encode(), file_name)


@pytest.mark.parametrize("written, expected", [
    ("2026年10月IT服务月报", ["2026-10"]), ("KPI_202610", ["2026-10"]), ("report 2026-10", ["2026-10"]),
    ("统计周期:2026-10-01至2026-10-31", ["2026-10"]), ("2026年9月与2026年10月对比", ["2026-09", "2026-10"]),
    # the days of one month name that month; days across two months name both, or a span
    ("数据期间:2026年10月1日-10月31日", ["2026-10"]), ("2026年10月1日至2026年10月31日", ["2026-10"]),
    ("2026.10.01-2026.10.31", ["2026-10"]), ("2026年10月1日-2026年11月30日", ["2026-10", "2026-11"]),
    ("2026年10月1日-11月30日", None), ("数据期间:2026年10月1日-31日", ["2026-10"]),
    ("2026年1月-10月", None), ("2026年1-10月累计", None), ("月报", []), ("2026年", []), ("v1.202610", []),
    (datetime.datetime(2026, 10, 5), ["2026-10"]), (2026, []), (None, []),
    # the day the file was made is not the month it reports
    ("制表日期:2026-11-05", []), ("填报时间：2026年11月5日 10:30", []), ("Exported on 2026/11/05", []),
    ("报表生成时间：20261105", []), ("IT服务指标月报（2026年10月） 制表日期:2026-11-05", ["2026-10"]),
    ("数据截止日期：2026-10-31", ["2026-10"]), ("运维指标更新2026年10月", ["2026-10"]),
    # a form's header: the day it was filled in is labelled only 日期; the data's own dates stay
    ("制表人：张三  日期：2026-11-05", []), ("报告日期：2026年11月5日", []), ("日期：2026年10月", ["2026-10"]),
    ("统计日期：2026-10-31", ["2026-10"]), ("截至日期：2026-10-31", ["2026-10"]),
    # a signature line: who made it, then the day (a whole date, with its day)
    ("制表：张三 2026-11-05", []), ("制表人：张三 2026年11月5日", []), ("审核人:李四 2026/11/06 09:30", []),
    ("IT服务月报（2026年10月） 填报人：信息科技部 2026-11-05", ["2026-10"]),
    # a standard's number or a code is no month
    ("依据GB/T 28827.1-2012 2026年10月月报", ["2026-10"]), ("ITSM-2019-003", []),
    ("重大事件INC-2026-10-001复盘指标", []), ("CHG_2026_09_0412 变更后指标（2026年10月）", ["2026-10"]),
    ("Report-2026-10-final", ["2026-10"]),
])
def test_the_months_a_title_or_file_name_names(written, expected):
    assert months_in(written) == expected


@pytest.mark.parametrize("name, expected", [("月报_导出2026-11-05", []), ("2026年11月5日导出", []), ("KPI_202610", ["2026-10"]),
                                            ("2026年10月IT服务月报", ["2026-10"]), ("报表2026.10", ["2026-10"]),
                                            ("IT月报2026-10-01至2026-10-31", ["2026-10"]),     # a period, not a date
                                            ("IT月报2026-10-01至2026-11-30", [])])
def test_a_whole_date_in_a_file_or_sheet_name_names_no_month(name, expected):
    assert months_in(name, days=False) == expected


def test_merged_cells_give_their_text_to_every_cell_but_a_merged_number_stays_in_its_first():
    """A metric name merged down over its months and a month merged down over its metrics are read
    as the user sees them; a quarterly figure merged over three months is one value, not three."""
    def build(wb):
        ws = wb.add_worksheet("数据")
        ws.write_row(0, 0, ["月份", "指标", "数值"])
        ws.merge_range(1, 0, 2, 0, "2026-10")
        ws.write_row(1, 1, ["SLA达成率", 96.0])
        ws.write_row(2, 1, ["事件平均解决时间", 5.5])
        ws.merge_range(3, 1, 5, 1, "变更成功率")
        for row, month, value in ((3, "2026-08", 97.0), (4, "2026-09", 98.0), (5, "2026-10", 99.0)):
            ws.write_row(row, 0, [month])
            ws.write(row, 2, value)
        wide = wb.add_worksheet("季度")
        wide.write_row(0, 0, ["指标", "2026-07", "2026-08", "2026-09"])
        wide.write(1, 0, "客户满意度")
        wide.merge_range(1, 1, 1, 3, 4.5)
    parsed = parse_file(_workbook(build), file_name="m.xlsx")
    assert _sorted_records(parsed) == [
        ("SLA达成率", "2026-10", 96.0), ("事件平均解决时间", "2026-10", 5.5), ("变更成功率", "2026-08", 97.0),
        ("变更成功率", "2026-09", 98.0), ("变更成功率", "2026-10", 99.0), ("客户满意度", "2026-07", 4.5),
        ("客户满意度", "2026-08", None), ("客户满意度", "2026-09", None)]


def test_a_year_column_beside_a_month_column_that_omits_the_year():
    """BI exports: 年份 2026 and 月份 10 (a number, 10月 or Oct); a whole month in the month column
    stands as written; a month that still has no year is refused naming the month column."""
    def build(wb):
        ws = wb.add_worksheet("导出")
        ws.write_row(0, 0, ["年份", "月份", "指标", "数值"])
        ws.write_row(1, 0, [2026, 9, "SLA达成率", 95.1])
        ws.write_row(2, 0, [2026, "10月", "SLA达成率", 95.3])
        ws.write_row(3, 0, ["2025年", "Dec", "SLA达成率", 94.0])
        ws.write_row(4, 0, [2026, "2026-08", "SLA达成率", 96.0])
    parsed = parse_file(_workbook(build), file_name="bi.xlsx")
    assert _sorted_records(parsed) == [("SLA达成率", "2025-12", 94.0), ("SLA达成率", "2026-08", 96.0),
                                       ("SLA达成率", "2026-09", 95.1), ("SLA达成率", "2026-10", 95.3)]
    csv = "年度,月份,指标,数值\n2026,10,MTTR,5.5\n,11,MTTR,5.1\n2026,13,MTTR,5\n"
    assert _refusal(csv.encode(), "bi.csv") == (
        "bi.csv, row 3, column A (年度): the year is blank\n"
        "bi.csv, row 4, column B (月份): '13' is not a month (write it like 2026-05 or 2026年5月)")


def test_a_tracking_table_with_one_row_per_month_and_one_column_per_metric():
    def build(wb):
        ws = wb.add_worksheet("跟踪表")
        ws.write(0, 0, "2026年指标跟踪表")
        ws.write_row(1, 0, ["月份", "SLA达成率", "事件平均解决时间", "备注"])
        ws.write_row(2, 0, ["2026-08", 95.0, 6.1, ""])
        ws.write_row(3, 0, ["2026年9月", 95.5, 5.9, "系统升级"])
        ws.write_row(4, 0, ["2026-10", 96.0, None, ""])
        ws.write_row(5, 0, ["平均", 95.5, 6.0])
        ws.write_row(6, 0, ["注:数据来源ITSM"])
        log = wb.add_worksheet("修订记录")          # text under its headings: not a tracking table
        log.write_row(0, 0, ["日期", "修改人", "内容"])
        log.write_row(1, 0, ["2026-10-05", "王磊", "更新SLA"])
    parsed = parse_file(_workbook(build), file_name="t.xlsx")
    rows = parsed.records[["metric", "period", "value", "note", "row", "column"]]
    assert rows.astype(object).where(rows.notna(), None).values.tolist() == [
        ["SLA达成率", "2026-08", 95.0, None, 3, "B"], ["事件平均解决时间", "2026-08", 6.1, None, 3, "C"],
        ["SLA达成率", "2026-09", 95.5, "系统升级", 4, "B"], ["事件平均解决时间", "2026-09", 5.9, "系统升级", 4, "C"],
        ["SLA达成率", "2026-10", 96.0, None, 5, "B"], ["事件平均解决时间", "2026-10", None, None, 5, "C"]]
    assert parsed.warnings == ["sheet '跟踪表': 1 total or average row(s) (合计/平均) were ignored (row 6)",
                               "sheet '跟踪表': 1 note row(s) under the table were ignored (row 7)"]
    assert parsed.skipped_sheets == [("修订记录", "no data table (instructions or notes)")]


def test_a_tracking_csv_and_its_refusals():
    parsed = parse_file("月份,SLA达成率,MTTR\n2026-09,95,6\n2026-10,96,5.5\n".encode(), file_name="t.csv")
    assert _sorted_records(parsed) == [("MTTR", "2026-09", 6.0), ("MTTR", "2026-10", 5.5),
                                       ("SLA达成率", "2026-09", 95.0), ("SLA达成率", "2026-10", 96.0)]
    bad = "月份,SLA达成率,MTTR,sla达成率\n2026-09,95,6,95\n2026-13,96,五,96\n"
    assert _refusal(bad.encode(), "t.csv") == (
        "t.csv, row 1, column D: metric 'sla达成率' has two columns (B and D)\n"
        "t.csv, row 3, column A (月份): '2026-13' is not a month (write it like 2026-05 or 2026年5月)\n"
        "t.csv, row 3, column C (MTTR): '五' is not a number")


@pytest.mark.parametrize("content, expected", [
    ("指标,月份,数值,目标\nMTTR,2026-05,5.5小时,≤4小时\n重大事件数,2026-05,2次,0\n",                    # long
     [("MTTR", "2026-05", 5.5, 4.0, "小时"), ("重大事件数", "2026-05", 2.0, 0.0, "次")]),
    ("指标,目标,2026-05,2026-06\nMTTA,15分钟以内,30 min,25\n",                                     # wide
     [("MTTA", "2026-05", 30.0, 15.0, "分钟"), ("MTTA", "2026-06", 25.0, 15.0, "分钟")]),
    ("指标,类型,2026-05,2026-06\nMTTA,目标,≤15分钟,≤15分钟\nMTTA,实际,20,25\n",                            # target rows
     [("MTTA", "2026-05", 20.0, 15.0, "分钟"), ("MTTA", "2026-06", 25.0, 15.0, "分钟")]),
    ("指标,2026-05(目标),2026-05,2026-06(目标),2026-06\nMTTA,15分钟,20,,25\n",                            # target columns
     [("MTTA", "2026-05", 20.0, 15.0, "分钟"), ("MTTA", "2026-06", 25.0, None, None)]),
    ("月份,MTTA,SLA达成率\n2026-04,20,94\n2026-05,25,95\n2026-06,30 min,96\n",                          # tracking
     [("MTTA", "2026-04", 20.0, None, None), ("MTTA", "2026-05", 25.0, None, None), ("MTTA", "2026-06", 30.0, None, "min"),
      ("SLA达成率", "2026-04", 94.0, None, None), ("SLA达成率", "2026-05", 95.0, None, None),
      ("SLA达成率", "2026-06", 96.0, None, None)]),
    ("月份,MTTR,MTTA,重大事件数\n2026-05,4.5小时,20分钟,0次\n2026-06,4:30,12分30秒,2次\n",                  # every cell
     [("MTTA", "2026-05", 20.0, None, "分钟"), ("MTTA", "2026-06", 12.5, None, "min"), ("MTTR", "2026-05", 4.5, None, "小时"),
      ("MTTR", "2026-06", 4.5, None, "h:mm"), ("重大事件数", "2026-05", 0.0, None, "次"),
      ("重大事件数", "2026-06", 2.0, None, "次")]),
])
def test_a_number_typed_with_its_unit_is_read_and_its_unit_kept_for_the_catalogue(content, expected):
    """5.5小时, 2次, 30 min: the number, and the unit on the record (as a 单位 column gives it), which
    the ingest holds against the catalogue's unit. A target's unit stands for its row."""
    records = parse_file(content.encode(), file_name="u.csv").records
    rows = records[["metric", "period", "value", "target", "unit"]].astype(object)
    assert sorted(tuple(None if pd.isna(v) else v for v in row) for row in rows.itertuples(index=False)) == expected


@pytest.mark.parametrize("content, message", [
    ("指标,月份,数值,单位\nMTTR,2026-05,270分钟,小时\n", "row 2, column C (数值): '270分钟' is in 分钟, but the row's unit is 小时"),
    ("指标,月份,数值,目标\nMTTR,2026-05,270分钟,≤4小时\n", "row 2, column C (数值): '270分钟' is in 分钟, but the row's unit is 小时"),
    ("指标,单位,2026-05,2026-06\nMTTR,h,4.5小时,300分钟\n", "row 2, column D (2026-06): '300分钟' is in 分钟, but the row's unit is h"),
    ("指标,类型,2026-05\nMTTR,目标,≤4小时\nMTTR,实际,270分钟\n",
     "row 3, column C (2026-05): '270分钟' is in 分钟, but the row's unit is 小时"),
    ("指标,2026-05(目标),2026-05\nMTTR,4小时,270分钟\n", "row 2, column C (2026-05): '270分钟' is in 分钟, but the row's unit is 小时"),
])
def test_a_row_whose_numbers_are_typed_in_two_units_is_refused(content, message):
    assert _refusal(content.encode(), "u.csv") == f"u.csv, {message}: write the row's numbers in one unit"


def test_a_duration_typed_as_hours_and_minutes_is_hours():
    """An MTTR of 4:30 (an Excel time cell, or typed), 30:15 over a day, 00:12:30 with seconds: hours,
    in h:mm, which the ingest holds against the catalogue's unit as hours (4:30 for a metric kept in
    minutes is refused there, not read as 4.5 minutes)."""
    def build(wb):
        ws = wb.add_worksheet("数据")
        ws.write_row(0, 0, ["指标", "2026-08", "2026-09", "2026-10"])
        ws.write(1, 0, "事件平均解决时间")
        ws.write_number(1, 1, 4.5 / 24, wb.add_format({"num_format": "h:mm"}))            # 4:30
        ws.write_number(1, 2, 30.25 / 24, wb.add_format({"num_format": "[h]:mm:ss"}))     # 30:15:00
        ws.write_string(1, 3, "0:45")
        ws.write_row(2, 0, ["平均响应时间", "00:12:30", "１２：３０", 0.2])                      # typed in full width
    records = parse_file(_workbook(build), file_name="d.xlsx").records.astype(object)
    assert records[["metric", "period", "value", "unit"]].where(records.notna(), None).values.tolist() == [
        ["事件平均解决时间", "2026-08", 4.5, "h:mm"], ["事件平均解决时间", "2026-09", 30.25, "h:mm"],
        ["事件平均解决时间", "2026-10", 0.75, "h:mm"],
        ["平均响应时间", "2026-08", round(12.5 / 60, 10), "h:mm"], ["平均响应时间", "2026-09", 12.5, "h:mm"],
        ["平均响应时间", "2026-10", 0.2, None]]                  # a plain number: no unit of its own


@pytest.mark.parametrize("written, number, unit", [
    ("4小时30分", 4.5, "h:mm"), ("4小时30分钟", 4.5, "h:mm"), ("1天2小时", 26, "h:mm"), ("4h 30m", 4.5, "h:mm"),
    ("2h15m36s", 2.26, "h:mm"),                                 # 2 + 15 / 60 + 36 / 3600 = 2 + 0.25 + 0.01
    ("12分30秒", 12.5, "min"),                                  # no hours: minutes, 12 + 30 / 60
])
def test_a_duration_written_in_parts_is_hours_or_minutes(written, number, unit):
    """ITSM exports write a handling time as 4小时30分, a time to respond as 12分30秒; one part alone
    keeps its own unit (30分钟 is min)."""
    records = parse_file(f"指标,月份,数值\nMTTR,2026-05,{written}\nMTTA,2026-05,30分钟\n".encode(), file_name="d.csv").records
    assert records[["value", "unit"]].values.tolist() == [[number, unit], [30.0, "分钟"]]


def test_a_number_typed_with_a_unit_it_does_not_know_is_not_a_number():
    """次/月 is a rate, not a unit."""
    assert _refusal("指标,月份,数值\n工单量,2026-05,5次/月\nMTTR,2026-06,七\n".encode(), "u.csv") == (
        "u.csv, row 2, column C (数值): '5次/月' is not a number\n"
        "u.csv, row 3, column C (数值): '七' is not a number")


@pytest.mark.parametrize("quarters", [["2026Q1", "2026Q2", "2026Q3"], ["一季度", "二季度", "三季度"],
                                      ["2026年第1季度", "2026年第2季度", "2026年第3季度"]])
def test_quarter_columns_are_refused_as_quarters_not_months(quarters):
    text = "指标," + ",".join(quarters) + "\nMTTR,6,5.5,5\n"
    assert _refusal(text.encode(), "q.csv") == (
        f"q.csv: the columns B–D ({quarters[0]} … {quarters[2]}) are quarters, not months: the dashboard follows "
        "metrics month by month; send one column per month (e.g. 2026-01)")


@pytest.mark.parametrize("target, value, compared", [
    ("目标要求", "本月实际", "上月实际"),
    ("考核标准", "本期", "上年同期"),          # this period against the same period last year
    ("标准值", "当期值", "上期"),
    ("指标要求", "本月数", "上月数"),
])
def test_a_monthly_report_with_this_month_and_last_month_columns(target, value, compared):
    """本月实际 (本期, 当期值, 本月数) is the value and 目标要求 (考核标准, 标准值, 指标要求) the target;
    上月实际 (上年同期, 上期, 上月数) and 环比 are comparisons, not read."""
    def build(wb):
        ws = wb.add_worksheet("月报")
        ws.write(0, 0, "2026年10月运维服务指标月报")
        ws.write_row(1, 0, ["序号", "指标名称", target, value, compared, "环比", "备注"])
        ws.write_row(2, 0, [1, "SLA达成率", 95, 95.3, 94.8, "0.5%", ""])
    parsed = parse_file(_workbook(build), file_name="月报.xlsx")
    rows = parsed.records[["metric", "period", "value", "target", "column"]]
    assert rows.values.tolist() == [["SLA达成率", "2026-10", 95.3, 95.0, "D"]]


def test_target_and_actual_rows_of_each_metric_in_the_wide_layout():
    """A 类型 column says which row is the month's target (目标) and which the value (实际); the
    second row of a metric may leave the name blank or share a merged name cell."""
    def build(wb):
        ws = wb.add_worksheet("指标")
        ws.write_row(0, 0, ["指标名称", "类型", "2026-09", "2026-10"])
        ws.write_row(1, 0, ["SLA达成率", "目标", 95, 96])
        ws.write_row(2, 0, ["", "实际", 94.8, 96.2])
        ws.merge_range(3, 0, 4, 0, "事件平均解决时间")
        ws.write_row(3, 1, ["目标", 6, 5.5])
        ws.write_row(4, 1, ["实际", 5.9, 5.2])
        ws.write_row(5, 0, ["重大事件数", "实际", 0, 2])
        ws.write_row(6, 0, ["变更成功率", "目标", 98, 98])
    parsed = parse_file(_workbook(build), file_name="t.xlsx")
    rows = parsed.records[["metric", "period", "value", "target", "row"]]
    assert rows.astype(object).where(rows.notna(), None).values.tolist() == [
        ["SLA达成率", "2026-09", 94.8, 95.0, 3], ["SLA达成率", "2026-10", 96.2, 96.0, 3],
        ["事件平均解决时间", "2026-09", 5.9, 6.0, 5], ["事件平均解决时间", "2026-10", 5.2, 5.5, 5],
        ["重大事件数", "2026-09", 0.0, None, 6], ["重大事件数", "2026-10", 2.0, None, 6]]
    assert parsed.warnings == ["sheet '指标': 1 target row(s) without a row of actual values were ignored (row 7)"]

    def twice(wb):
        ws = wb.add_worksheet("指标")
        ws.write_row(0, 0, ["指标名称", "类型", "2026-09"])
        ws.write_row(1, 0, ["SLA达成率", "目标", 95])
        ws.write_row(2, 0, ["SLA达成率", "目标", "九五"])
        ws.write_row(3, 0, ["SLA达成率", "实际", 94.8])
    assert _refusal(_workbook(twice), "t.xlsx") == (
        "t.xlsx, sheet '指标', row 3: 'SLA达成率' has two target rows (also row 2)\n"
        "t.xlsx, sheet '指标', row 3, column C (2026-09): '九五' is not a number")


def test_excel_errors_are_refused_or_missing_never_a_blank_nobody_typed():
    """calamine reads an error cell as ''. #DIV/0! (no incidents, no rate) and #N/A stay missing, as
    when typed; #REF! and the like are a broken formula whose value nobody knows: refused, with what to do."""
    def build(wb):
        ws = wb.add_worksheet("数据")
        ws.write_row(0, 0, ["指标", "目标", "2026-09", "2026-10", "2026-11"])
        ws.write_row(1, 0, ["SLA达成率", 95, 95.5])
        ws.write_formula(1, 3, "=1/0", None, "#DIV/0!")
        ws.write_formula(1, 4, "=NA()", None, "#N/A")
        ws.write_row(2, 0, ["事件平均解决时间"])
        ws.write_formula(2, 1, "=FOO()", None, "#NAME?")
        ws.write_row(2, 2, [8.1, 8.3])
        ws.write_formula(2, 4, "=Z99+#REF!", None, "#REF!")
    message = _refusal(_workbook(build), "e.xlsx")
    assert message.splitlines() == [
        ("e.xlsx, sheet '数据', row 3, column B (目标): target '#NAME?' is not a number: the cell shows an Excel "
         "error; correct its formula, or clear the cell if there is no value"),
        ("e.xlsx, sheet '数据', row 3, column E (2026-11): '#REF!' is not a number: the cell shows an Excel error; "
         "correct its formula, or clear the cell if there is no value")]

    def fixed(wb):
        ws = wb.add_worksheet("数据")
        ws.write_row(0, 0, ["指标", "月份", "数值"])
        ws.write_row(1, 0, ["SLA达成率", "2026-09", 95.5])
        ws.write_row(2, 0, ["SLA达成率", "2026-10"])
        ws.write_formula(2, 2, "=1/0", None, "#DIV/0!")
        ws.write_row(3, 0, ["SLA达成率", "2026-11"])
        ws.write_formula(3, 2, "=NA()", None, "#N/A")
        ws.write_row(4, 0, ["SLA达成率", "2026-12"])
        ws.write_formula(4, 2, "=95+1", None, 96)        # a formula with its result saved, as Excel saves them
    assert _sorted_records(parse_file(_workbook(fixed), file_name="f.xlsx")) == [
        ("SLA达成率", "2026-09", 95.5), ("SLA达成率", "2026-10", None), ("SLA达成率", "2026-11", None),
        ("SLA达成率", "2026-12", 96.0)]


def _without_results(rows: list[list]) -> bytes:
    """A workbook as programs write it: openpyxl saves formulas and never computes their results."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.title = "数据"
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_formula_saved_without_its_result_is_refused_not_read_as_blank():
    """Excel shows 95.7 where the file holds only '=B2+0.5': loading a blank there would lose a value
    the user can see. Wide and long layouts alike name the cell and the formula."""
    wide = _without_results([["指标", "2026-09", "2026-10"], ["SLA达成率", 95.2, "=B2+0.5"],
                             ["事件平均解决时间", 8.1, 8.0]])
    assert _refusal(wide, "w.xlsx") == (
        "w.xlsx, sheet '数据', row 2, column C (2026-10): '=B2+0.5' is not a number: it is a formula whose result "
        "the file does not hold; open the file in Excel or WPS and save it again")
    long = _without_results([["指标", "月份", "数值"], ["SLA达成率", "2026-09", 95.2],
                             ["SLA达成率", "2026-10", "=C2*1.01"]])
    assert "row 3, column C (数值): '=C2*1.01' is not a number: it is a formula" in _refusal(long, "l.xlsx")
    # a formula in a column that is not read (a helper 环比 column) does not matter
    helper = _without_results([["指标", "月份", "数值", "说明"], ["SLA达成率", "2026-09", 95.2, "=C2-95"]])
    assert _records(parse_file(helper, file_name="h.xlsx")) == [("SLA达成率", "2026-09", 95.2)]


def test_which_cells_hold_an_error_or_a_formula_without_its_result():
    """The sheet XML as Excel and programs write it: an empty text result (t="str") is a real blank;
    a shared formula's later cells carry no text of their own."""
    sheet = (b'<sheetData><row r="2"><c r="B2" t="str"><f>IF(A2=&quot;&quot;,&quot;&quot;,A2)</f><v></v></c>'
             b'<c r="C2"><f t="shared" ref="C2:C3" si="0">A2&amp;B2</f></c><c r="D2" t="e"><v>#VALUE!</v></c>'
             b'<c r="E2"><f>1+1</f><v>2</v></c></row>'
             b'<row r="3"><c r="C3"><f t="shared" si="0"/></c><c r="D3" s="1" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
             b'<c r="E3"><f>SUM(E1:E2)</f><v/></c></row></sheetData>')
    assert xlsx_package._errors_and_unsaved_formulas(sheet) == {
        (1, 2): "=A2&B2", (1, 3): "#VALUE!", (2, 2): "=…", (2, 3): "#DIV/0!", (2, 4): "=SUM(E1:E2)"}


def _sheet_edited(book: bytes, edit) -> bytes:
    """The workbook with its sheet's XML passed through edit(xml). Stored, not compressed: a test may
    pad the XML with a megabyte of one letter, which would be refused as a zip bomb."""
    source = zipfile.ZipFile(io.BytesIO(book))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for info in source.infolist():
            part = source.read(info)
            archive.writestr(info.filename, edit(part) if info.filename.startswith("xl/worksheets/") else part)
    return buffer.getvalue()


def _cut_at(xml: bytes, needle: bytes, cut: int) -> bytes:
    """The sheet's XML with a comment before its cells, so long that the stream check's first
    megabyte ends `cut` bytes into `needle`."""
    padding = (1 << 20) - xml.index(needle) - cut
    return xml.replace(b"<sheetData>", b"<!--" + b"x" * (padding - 7) + b"--><sheetData>", 1)


def test_a_formula_or_an_error_is_noticed_wherever_the_stream_check_cuts_the_sheet():
    """Only a sheet holding a formula or an error cell is looked at again for cells calamine reads as
    blank: the stream check, which reads each part a megabyte at a time, must notice one even when
    the megabyte ends in the middle of it."""
    def build(wb):
        ws = wb.add_worksheet("数据")
        ws.write_row(0, 0, ["指标", "月份", "数值"])
        ws.write_row(1, 0, ["SLA达成率", "2026-09"])
        ws.write_formula(1, 2, "=Z99+#REF!", None, "#REF!")
    formula = _sheet_edited(_workbook(build), lambda xml: xml.replace(b' t="e"', b""))
    error = _sheet_edited(_workbook(build), lambda xml: re.sub(rb"<f>.*?</f>", b"", xml))
    for book, needle in ((formula, b"</f>"), (error, b't="e"')):
        for cut in range(1, len(needle)):
            padded = _sheet_edited(book, functools.partial(_cut_at, needle=needle, cut=cut))
            assert xlsx_package.check_and_inspect(padded, "p.xlsx", Limits()).with_formulas_or_errors == {"数据"}
    assert "row 2, column C (数值): '#REF!' is not a number" in _refusal(
        _sheet_edited(error, lambda xml: _cut_at(xml, b't="e"', 2)), "p.xlsx")


def test_a_sheet_without_formulas_or_errors_is_not_read_again_for_its_blanks(monkeypatch):
    """Blank cells in a sheet without a formula or an error cell are blanks: its part is not inflated
    and searched once more after calamine has read it."""
    from analytics import readers

    def build(wb):
        ws = wb.add_worksheet("数据")
        ws.write_row(0, 0, ["指标", "2026-09", "2026-10"])
        ws.write_row(1, 0, ["SLA达成率", 95.2])
        ws.write_row(2, 0, ["事件平均解决时间", "", 8.0])

    def not_needed(*args):
        raise AssertionError("the sheet was read again")
    monkeypatch.setattr(readers, "unread_cells", not_needed)
    assert _sorted_records(parse_file(_workbook(build), file_name="b.xlsx")) == [
        ("SLA达成率", "2026-09", 95.2), ("SLA达成率", "2026-10", None), ("事件平均解决时间", "2026-09", None),
        ("事件平均解决时间", "2026-10", 8.0)]


def _without_calculation(book: bytes) -> bytes:
    """The same workbook as Excel or WPS saves it after calculating: no fullCalcOnLoad mark."""
    source = zipfile.ZipFile(io.BytesIO(book))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            part = source.read(info)
            if info.filename == "xl/workbook.xml":
                assert b'fullCalcOnLoad="1"' in part
                part = part.replace(b' fullCalcOnLoad="1"', b"")
            archive.writestr(info, part)
    return buffer.getvalue()


def test_a_formula_saved_with_a_placeholder_0_by_a_program_is_refused_not_read_as_0():
    """xlsxwriter (and rust_xlsxwriter) save 0 as a formula's result and mark the workbook to be
    calculated on opening: Excel shows 95.7 where the file holds 0. A 0 nobody saw must not be
    loaded as the month's value. A result the program did save (96), a FALSE and a text '0' are
    read; once Excel or WPS has saved the file (no mark), a 0 is a calculated 0."""
    def build(wb):
        ws = wb.add_worksheet("数据")
        ws.write_row(0, 0, ["指标", "2026-09", "2026-10", "备注"])
        ws.write_row(1, 0, ["SLA达成率", 95.2])
        ws.write_formula(1, 2, "=B2+0.5")                      # saved as <v>0</v>
        ws.write_formula(1, 3, "=B2>99")                       # a FALSE, in a column not read
        ws.write_row(2, 0, ["事件平均解决时间", 8.1])
        ws.write_formula(2, 2, "=B3-0.1", None, 8.0)           # the program saved the result
        ws.write_row(3, 0, ["重大事件数", 0])
        ws.write_formula(3, 2, '=IF(B4=0,"0","")', None, "0")   # a text '0' (t="str")
    book = _workbook(build)
    assert _refusal(book, "w.xlsx") == (
        "w.xlsx, sheet '数据', row 2, column C (2026-10): '=B2+0.5' is not a number: it is a formula whose result "
        "the file does not hold; open the file in Excel or WPS and save it again")
    assert _sorted_records(parse_file(_without_calculation(book), file_name="w.xlsx")) == [
        ("SLA达成率", "2026-09", 95.2), ("SLA达成率", "2026-10", 0.0), ("事件平均解决时间", "2026-09", 8.1),
        ("事件平均解决时间", "2026-10", 8.0), ("重大事件数", "2026-09", 0.0), ("重大事件数", "2026-10", 0.0)]


def test_which_formulas_saved_as_0_are_placeholders():
    sheet = (b'<sheetData><row r="2"><c r="B2"><f>A2*2</f><v>0</v></c><c r="C2" t="b"><f>A2&gt;1</f><v>0</v></c>'
             b'<c r="D2" t="str"><f>TEXT(A2,"0")</f><v>0</v></c><c r="E2"><f>A2+1</f><v>3</v></c>'
             b'<c r="F2" t="n"><f t="shared" ref="F2:F3" si="0">A2</f><v>0</v></c></row>'
             b'<row r="3"><c r="F3"><f t="shared" si="0"/><v>0</v></c><c r="G3"><v>0</v></c></row></sheetData>')
    assert xlsx_package._errors_and_unsaved_formulas(sheet) == {}
    assert xlsx_package._errors_and_unsaved_formulas(sheet, zero_is_unsaved=True) == {
        (1, 1): "=A2*2", (1, 5): "=A2", (2, 5): "=…"}


def test_an_ods_from_libreoffice_or_wps_is_read_as_the_user_sees_it():
    """The upload offers .ods: percent cells are read as shown (95.2, not 0.952), rows, columns and
    sheets hidden in the application are left out with a note, the padding rows cost nothing."""
    book = workbooks.ods({"数据": [["指标", "2026-09", "2026-10", "2025-12"],
                       ["SLA达成率", ("%", 0.952), ("%", 0.957), ("%", 0.9)],
                       ["事件平均解决时间", 8.1, 8.0, 9.9],
                       ["SLA达成率", 99.0, 99.0, 99.0]],
                "去年": [["指标", "月份", "数值"], ["SLA达成率", "2025-10", 50]]},
               hidden_sheets={"去年"}, hidden_rows={3}, hidden_columns={3})
    started = time.perf_counter()
    parsed = parse_file(book, file_name="指标.ods")
    assert time.perf_counter() - started < 2
    assert _sorted_records(parsed) == [("SLA达成率", "2026-09", 95.2), ("SLA达成率", "2026-10", 95.7),
                                       ("事件平均解决时间", "2026-09", 8.1), ("事件平均解决时间", "2026-10", 8.0)]
    assert "sheet '数据': row 4 and column D are hidden (or filtered out) and not read" in parsed.warnings
    assert (parsed.sheets, parsed.skipped_sheets) == (["数据"], [("去年", "hidden")])


def test_an_ods_merged_heading_is_read_as_seen():
    """指标名称 merged over two heading rows, each month merged over its 目标 | 实际 columns: calamine
    gives an .ods no merged ranges, content.xml does."""
    book = workbooks.ods({"数据": [[("merged", "指标名称", 2, 1), ("merged", "2026年9月", 1, 2), "covered",
                          ("merged", "2026年10月", 1, 2), "covered"],
                         ["covered", "目标", "实际", "目标", "实际"],
                         ["SLA达成率", 95, 95.1, 95, 95.3]]})
    assert _values_and_targets(parse_file(book, file_name="m.ods")) == [
        ("SLA达成率", "2026-09", 95.1, 95.0), ("SLA达成率", "2026-10", 95.3, 95.0)]


def test_an_ods_error_cell_is_missing_or_refused_as_in_excel():
    """LibreOffice saves a formula showing an error as an empty text with an error mark: #DIV/0! is
    missing, as in .xlsx; #REF! and LibreOffice's own Err:502 are refused with what to do."""
    fine = workbooks.ods({"数据": [["指标", "月份", "数值"], ["SLA达成率", "2026-09", 95.2],
                        ["SLA达成率", "2026-10", ("error", "#DIV/0!")]]})
    assert _sorted_records(parse_file(fine, file_name="f.ods")) == [
        ("SLA达成率", "2026-09", 95.2), ("SLA达成率", "2026-10", None)]
    broken = workbooks.ods({"数据": [["指标", "月份", "数值"], ["SLA达成率", "2026-09", ("error", "#REF!")],
                          ["SLA达成率", "2026-10", ("error", "Err:502")]]})
    assert _refusal(broken, "b.ods").splitlines() == [
        f"b.ods, sheet '数据', row {row}, column C (数值): '{shown}' is not a number: the cell shows an Excel error; "
        "correct its formula, or clear the cell if there is no value" for row, shown in ((2, "#REF!"), (3, "Err:502"))]


def test_an_ods_over_the_cell_limit_is_refused_before_it_is_read():
    """A few bytes of repeated rows can stand for millions of filled cells: counted while streaming."""
    row = ('<table:table-row table:number-rows-repeated="3000"><table:table-cell office:value-type="float" '
           'office:value="1" table:number-columns-repeated="1000"><text:p>1</text:p></table:table-cell></table:table-row>')
    book = workbooks.ods({"数据": [["指标"]]}, raw_rows=row)
    assert len(book) < 5000
    assert _refusal(book, "big.ods", Limits(max_cells=1_000_000)) == (
        "big.ods, sheet '数据': the workbook has more than 1,000,000 cells, over the limit")


@pytest.mark.parametrize("layout", ["wide", "long"])
def test_a_row_without_a_name_that_holds_only_dashes_or_div0_is_dropped(layout):
    """Template rows for metrics to come (- or #DIV/0! in every month) hold no value to lose; a nameless
    row with a number is still refused."""
    def build(wb, number=None):
        ws = wb.add_worksheet("数据")
        if layout == "wide":
            ws.write_row(0, 0, ["指标", "2026-09", "2026-10"])
            ws.write_row(1, 0, ["SLA达成率", 95.1, 95.3])
            ws.write_row(2, 1, ["-", "N/A"])
            ws.write_formula(3, 1, "=B9/0", None, "#DIV/0!")
            ws.write_formula(3, 2, "=C9/0", None, "#DIV/0!")
            if number is not None:
                ws.write_number(4, 2, number)
        else:
            ws.write_row(0, 0, ["指标", "月份", "数值"])
            ws.write_row(1, 0, ["SLA达成率", "2026-09", 95.1])
            ws.write_row(2, 0, ["SLA达成率", "2026-10", 95.3])
            ws.write_row(3, 1, ["2026-10", "-"])
            ws.write_formula(4, 2, "=B9/0", None, "#DIV/0!")
            if number is not None:
                ws.write_row(5, 1, ["2026-10", number])
    parsed = parse_file(_workbook(build), file_name="t.xlsx")
    assert _records(parsed) == [("SLA达成率", "2026-09", 95.1), ("SLA达成率", "2026-10", 95.3)]
    assert "the row has values but no metric name" in _refusal(_workbook(lambda wb: build(wb, 7.0)), "t.xlsx")


@pytest.mark.parametrize("written, expected", [
    ("≥95%", 95.0), (">=99.9", 99.9), ("＞99.9％", 99.9), ("≧ 95", 95.0), ("不低于95%", 95.0), ("95%以上", 95.0),
    ("99.5%及以上", 99.5), ("≤8", 8.0), ("<2", 2.0), ("不超过30", 30.0), ("4以内", 4.0), (96, 96.0),
])
def test_a_target_written_as_a_bound_is_its_number(written, expected):
    """考核目标 columns say ≥95% and ≤8: the number is the target, the side is the metric's direction."""
    def build(wb):
        ws = wb.add_worksheet("数据")
        ws.write_row(0, 0, ["指标", "目标", "2026-10"])
        ws.write_row(1, 0, ["SLA达成率", written, 95.3])
    parsed = parse_file(_workbook(build), file_name="b.xlsx")
    assert parsed.records["target"].tolist() == [expected]


def test_bounds_are_read_in_target_cells_only():
    """A value is a measurement: '≥95%' there is refused; a bound with a unit is its number."""
    def build(wb):
        ws = wb.add_worksheet("数据")
        ws.write_row(0, 0, ["指标", "月份", "数值", "目标"])
        ws.write_row(1, 0, ["SLA达成率", "2026-10", "≥95%", "≥95%"])
        ws.write_row(2, 0, ["事件平均解决时间", "2026-10", 8.1, "≤8小时"])
        ws.write_row(3, 0, ["客户满意度", "2026-10", 91, "以上"])
    assert _refusal(_workbook(build), "b.xlsx").splitlines() == [
        "b.xlsx, sheet '数据', row 2, column C (数值): '≥95%' is not a number",
        "b.xlsx, sheet '数据', row 4, column D (目标): target '以上' is not a number"]


def test_target_rows_written_as_bounds():
    def build(wb):
        ws = wb.add_worksheet("数据")
        ws.write_row(0, 0, ["指标", "类型", "2026-09", "2026-10"])
        ws.write_row(1, 0, ["SLA达成率", "目标", "≥95%", "≥96%"])
        ws.write_row(2, 0, ["SLA达成率", "实际", 95.1, 95.3])
    parsed = parse_file(_workbook(build), file_name="b.xlsx")
    assert parsed.records[["value", "target"]].values.tolist() == [[95.1, 95.0], [95.3, 96.0]]


def test_bounds_in_a_csv_target_column():
    text = "指标,月份,数值,考核目标\nSLA达成率,2026-09,95.1,≥95%\nSLA达成率,2026-10,95.3,≥95%\n事件平均解决时间,2026-10,8,≤8\n"
    parsed = parse_file(text.encode("utf-8"), file_name="b.csv")
    assert parsed.records["target"].tolist() == [95.0, 95.0, 8.0]


@pytest.mark.parametrize("metric, value, target", [
    ("KPI名称", "统计值", "计划值"), ("服务指标", "本月数值", "目标值"), ("考核项目", "实际数值", "本月计划"),
    ("评价指标", "实际值", "计划目标"),
])
def test_headings_of_kpi_templates(metric, value, target):
    """KPI templates name the columns in their own words: 计划值 beside 统计值 is the month's target."""
    content = f"{metric},月份,{value},{target}\nSLA达成率,2026-10,95.3,95\n"
    assert _values_and_targets(parse_file(content.encode(), file_name="k.csv")) == [("SLA达成率", "2026-10", 95.3, 95.0)]


@pytest.mark.parametrize("labels, total", [("行标签", "总计"), ("Row Labels", "Grand Total")])
def test_a_pivot_table_copied_as_values(labels, total):
    """A pivot table pasted as values keeps its own headings: 求和项:数值 | 列标签 over 行标签 | months
    | 总计, and a 总计 row under the metrics. The totals are left out."""
    content = (f"求和项:数值,列标签,,\n{labels},2026-09,2026-10,{total}\nSLA达成率,95.1,95.3,190.4\n"
               f"事件平均解决时间,8.1,8,16.1\n{total},103.2,103.3,206.5\n")
    parsed = parse_file(content.encode(), file_name="p.csv")
    assert _sorted_records(parsed) == [("SLA达成率", "2026-09", 95.1), ("SLA达成率", "2026-10", 95.3),
                                       ("事件平均解决时间", "2026-09", 8.1), ("事件平均解决时间", "2026-10", 8.0)]
    assert parsed.warnings == ["1 total or average row(s) (合计/平均) were ignored (row 5)"]


@pytest.mark.parametrize("heading, read", [("求和项:数值", True), ("平均值项：实际值", True), ("Sum of value", True),
                                           ("计数项:数值", False)])                  # a count is not the value
def test_a_pivot_tables_value_heading_in_the_tabular_form(heading, read):
    content = f"指标,月份,{heading}\nSLA达成率,2026-10,95.3\n".encode()
    if read:
        assert _records(parse_file(content, file_name="p.csv")) == [("SLA达成率", "2026-10", 95.3)]
    else:
        assert "no header row found" in _refusal(content, "p.csv")


@pytest.mark.parametrize("corner", ["指标\\月份", "指标/月份", "项目＼月份", "        月份\n指标", "月份"])
def test_the_corner_cell_of_a_wide_table_naming_both_ways(corner):
    """The corner cell split by a diagonal line (斜线表头: 指标 down, 月份 across), or saying only 月份
    over the months to its right: the names run down its column."""
    def build(wb):
        ws = wb.add_worksheet("数据")
        ws.write_row(0, 0, [corner, "2026-09", "2026-10"])
        ws.write_row(1, 0, ["SLA达成率", 95.1, 95.3])
        ws.write_row(2, 0, ["事件平均解决时间", 8.1, 8.0])
    assert _sorted_records(parse_file(_workbook(build), file_name="c.xlsx")) == [
        ("SLA达成率", "2026-09", 95.1), ("SLA达成率", "2026-10", 95.3),
        ("事件平均解决时间", "2026-09", 8.1), ("事件平均解决时间", "2026-10", 8.0)]


def test_headings_as_templates_write_them_line_breaks_asterisks_and_spaced_totals():
    """A narrow column breaks 指标名称 over two lines (Alt+Enter); required fields carry an asterisk;
    合　计 is spaced out to the width of the names above it."""
    def build(wb):
        ws = wb.add_worksheet("数据")
        ws.write_row(0, 0, ["指标\n名称*", "统计\n月份*", "实际值\n(本月)", "*备注"])
        ws.write_row(1, 0, ["SLA\n达成率", "2026-10", 95.3, "稳定"])
        ws.write_row(2, 0, ["工单量", "2026-10", 1200])
        ws.write_row(3, 0, ["合　计", "2026-10", 1295.3])
        wide = wb.add_worksheet("宽表")
        wide.write_row(0, 0, ["指标名称※", "类　型", "2026-09"])
        wide.write_row(1, 0, ["SLA达成率", "目　标", 95])
        wide.write_row(2, 0, ["SLA达成率", "实　际", 95.1])
        wide.write_row(3, 0, ["小 计", "", 95.1])
    parsed = parse_file(_workbook(build), file_name="t.xlsx")
    assert parsed.records[["metric", "period", "value", "target", "note"]].astype(object).where(
        parsed.records[["metric", "period", "value", "target", "note"]].notna(), None).values.tolist() == [
        ["SLA\n达成率", "2026-10", 95.3, None, "稳定"], ["工单量", "2026-10", 1200.0, None, None],
        ["SLA达成率", "2026-09", 95.1, 95.0, None]]
    assert parsed.warnings == ["sheet '数据': 1 total or average row(s) (合计/平均) were ignored (row 4)",
                               "sheet '宽表': 1 total or average row(s) (合计/平均) were ignored (row 4)"]


@pytest.mark.parametrize("layout", ["wide", "long"])
def test_blocks_pasted_one_under_another_each_with_its_headings(layout):
    """The owner of the monthly review pastes each process owner's block into one sheet, headings
    and all: a row repeating the headings is left out with a note; the group heading above it
    (二、效率指标) is the ingest's to judge (it names no metric)."""
    heading = ["指标", "2026-09", "2026-10"] if layout == "wide" else ["指标", "月份", "数值"]
    first = [["SLA达成率", 95.1, 95.3]] if layout == "wide" else [["SLA达成率", "2026-09", 95.1]]
    second = [["事件平均解决时间", 8.1, 8.3]] if layout == "wide" else [["事件平均解决时间", "2026-09", 8.1]]

    def build(wb):
        ws = wb.add_worksheet("数据")
        for r, row in enumerate([["一、质量指标"], heading, *first, [], ["二、效率指标"], heading, *second]):
            ws.write_row(r, 0, row)
    parsed = parse_file(_workbook(build), file_name="s.xlsx")
    assert [m for m, _, _ in _records(parsed) if m != "二、效率指标"] == (
        ["SLA达成率", "SLA达成率", "事件平均解决时间", "事件平均解决时间"] if layout == "wide"
        else ["SLA达成率", "事件平均解决时间"])
    assert "sheet '数据': 1 row(s) repeating the table's headings were ignored (row 6)" in parsed.warnings


def test_a_csv_with_blocks_pasted_one_under_another_leaves_the_repeated_headings_out():
    """The fast CSV reader's cells are categorical text, judged once per distinct cell: a heading
    row among them is still found (its 数值 is no number), where a column of numbers only has none."""
    text = "指标,月份,数值\nSLA达成率,2026-09,95.1\n指标,月份,数值\n事件平均解决时间,2026-09,8.1\n"
    parsed = parse_file(text.encode(), file_name="s.csv")
    assert _records(parsed) == [("SLA达成率", "2026-09", 95.1), ("事件平均解决时间", "2026-09", 8.1)]
    assert parsed.warnings == ["1 row(s) repeating the table's headings were ignored (row 3)"]
    numbers_only = parse_file("指标,月份,数值\nSLA达成率,2026-09,95.1\n指标,2026-10,95.2\n".encode(), file_name="n.csv")
    assert _records(numbers_only) == [("SLA达成率", "2026-09", 95.1), ("指标", "2026-10", 95.2)]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_repeated_headings_whose_months_are_numbers_are_left_out(kind):
    """Found by fuzzing: with months written 202609 | 202610, a repeated heading row holds numbers
    under every month as the data rows do, so it was taken for data and refused as an unknown
    metric '指标名称'. Its heading cells are the table's own: left out with a note."""
    rows = [["序号", "指标名称", "202609", "202610"], [1, "SLA达成率", 95.1, 95.3],
            ["序号", "指标名称", "202609", "202610"], [2, "事件平均解决时间", 8.1, 8.3]]
    parsed = parse_file(workbooks.rows_file(rows, f"s.{kind}"), file_name=f"s.{kind}")
    where = "sheet '数据': " if kind == "xlsx" else ""
    assert _records(parsed) == [("SLA达成率", "2026-09", 95.1), ("SLA达成率", "2026-10", 95.3),
                                ("事件平均解决时间", "2026-09", 8.1), ("事件平均解决时间", "2026-10", 8.3)]
    assert f"{where}1 row(s) repeating the table's headings were ignored (row 3)" in parsed.warnings


@pytest.mark.parametrize("note_row, kind", [(["说明：SLA达成率=达标工单/总工单", "", ""], "xlsx"),
                                           (["注:数据来源ITSM", "", ""], "csv")])
def test_a_note_under_a_long_table_whose_values_come_first_is_left_out(note_row, kind):
    """Found by fuzzing: 完成值 | 月份 | 指标, with 说明：… typed under it in the first column (the
    values'), was refused: '说明：…' is not a number, the period is blank, no metric name. A row whose
    one cell is a word and that names no metric is a note, as one under the names is."""
    rows = [["完成值", "月份", "指标"], [95.4, "2026-11", "SLA达成率"], [73.8, "2026-11", "一次解决率"], ["", "", ""],
            note_row]
    parsed = parse_file(workbooks.rows_file(rows, f"n.{kind}", sheet="汇总"), file_name=f"n.{kind}")
    where = "sheet '汇总': " if kind == "xlsx" else ""
    assert _records(parsed) == [("SLA达成率", "2026-11", 95.4), ("一次解决率", "2026-11", 73.8)]
    assert f"{where}1 note row(s) under the table were ignored (row 5)" in parsed.warnings


@pytest.mark.parametrize("row, problem", [
    (["abc", "2026-11", ""], "n.csv, row 3, column A (完成值): 'abc' is not a number"),   # with a month: a table row
    (["97.1", "", ""], "n.csv, row 3, column B (月份): the period is blank"),     # a value: refused as before
])
def test_a_row_without_a_name_that_is_no_note_is_still_refused(row, problem):
    rows = [["完成值", "月份", "指标"], ["95.4", "2026-11", "SLA达成率"], row]
    assert problem in _refusal(workbooks.rows_file(rows, "n.csv"), "n.csv").splitlines()


@pytest.mark.parametrize("headings, row", [
    (["指标", "2026-07", "2026-08"], ["事件平均解决时间", 8.1, 8.3]),
    (["指标", "月份", "数值"], ["事件平均解决时间", "2026-10", 8.3]),     # another layout: its months are not values
])
def test_a_block_with_other_headings_is_another_table_and_refused_once(headings, row):
    """Its rows are not read as the first table's: '2026-10' was also refused as 'not a number'."""
    def build(wb):
        ws = wb.add_worksheet("数据")
        ws.write_row(0, 0, ["指标", "2026-09", "2026-10"])
        ws.write_row(1, 0, ["SLA达成率", 95.1, 95.3])
        ws.write_row(3, 0, headings)
        ws.write_row(4, 0, row)
    assert _refusal(_workbook(build), "s.xlsx") == (
        "s.xlsx, sheet '数据', row 4, column A (指标): this row starts another table, with other headings than row 1's: "
        "put each table on a sheet of its own")


def test_a_sheet_per_month_named_9月_10月_takes_the_year_from_the_file_name_or_the_title():
    def build(wb):
        for sheet, value in (("9月", 95.1), ("10月", 95.3)):
            ws = wb.add_worksheet(sheet)
            ws.write_row(0, 0, ["指标名称", "目标值", "实际值"])
            ws.write_row(1, 0, ["SLA达成率", 95, value])
    parsed = parse_file(_workbook(build), file_name="2026年IT服务指标.xlsx")
    assert _records(parsed) == [("SLA达成率", "2026-09", 95.1), ("SLA达成率", "2026-10", 95.3)]
    assert parsed.warnings == [
        f"sheet '{month}': the table has no month column; 2026-{number} was taken from the sheet name, with the year "
        "from the file name" for month, number in (("9月", "09"), ("10月", "10"))]

    def titled(wb):
        ws = wb.add_worksheet("十月")
        ws.write(0, 0, "2026年运维服务指标")
        ws.write_row(2, 0, ["指标名称", "实际值"])
        ws.write_row(3, 0, ["SLA达成率", 95.3])
    parsed = parse_file(_workbook(titled), file_name="月报_导出2027-01-05.xlsx")
    assert _records(parsed) == [("SLA达成率", "2026-10", 95.3)]
    assert parsed.warnings == [("sheet '十月': the table has no month column; 2026-10 was taken from the sheet name, "
                                "with the year from the title above the table")]


@pytest.mark.parametrize("file_name, title", [
    ("IT服务指标.xlsx", None),                        # no year anywhere
    ("月报_导出2027-01-05.xlsx", None),               # the day the file was made names no year
    ("2025年IT服务指标.xlsx", "2026年运维服务指标"),   # the title and the file name disagree
    ("2026年IT服务指标.xlsx", "2026年9月运维服务指标"),  # the title names another month than the sheet
])
def test_a_month_sheet_without_one_certain_year_is_refused(file_name, title):
    def build(wb):
        ws = wb.add_worksheet("10月")
        if title:
            ws.write(0, 0, title)
        ws.write_row(2, 0, ["指标名称", "实际值"])
        ws.write_row(3, 0, ["SLA达成率", 95.3])
    assert "the table has a value column but no month column" in _refusal(_workbook(build), file_name)


def test_month_headings_with_a_qualifier_are_read_only_when_they_mark_actual_values():
    """2026-09(实际) is September's actual value; 2026-10(预估) an estimate, 10月目标 a target and
    2026年1-10月累计 a year-to-date figure: none is that month's value, and the user is told so."""
    def build(wb):
        ws = wb.add_worksheet("数据")
        ws.write_row(0, 0, ["指标", "2026-08", "2026-09（实际）", "2026-10(预估)", "2026年1-10月累计", "10月目标", "负责人"])
        ws.write_row(1, 0, ["SLA达成率", 95.0, 95.1, 95.3, 95.2, 95, "陈静"])
    parsed = parse_file(_workbook(build), file_name="q.xlsx")
    assert _records(parsed) == [("SLA达成率", "2026-08", 95.0), ("SLA达成率", "2026-09", 95.1)]
    assert parsed.warnings == [
        ("sheet '数据': the columns D (2026-10(预估)), E (2026年1-10月累计), F (10月目标) name a month but were not "
         "read: only a month heading alone, or marked (实际), holds that month's values")]


def test_hidden_rows_and_columns_are_not_read_and_a_note_says_which():
    """As with a hidden sheet: last year's month columns hidden to show this year, a retired metric's
    row hidden, rows a filter hides. Loading them would bring back values the user does not see."""
    def build(wb):
        ws = wb.add_worksheet("数据")
        ws.write_row(0, 0, ["指标", "2025-12", "2026-09", "2026-10", "辅助列"])
        ws.write_row(1, 0, ["SLA达成率", 90.0, 95.1, 95.3, "x"])
        ws.write_row(2, 0, ["旧指标", 1, 2, 3, "x"])
        ws.write_row(3, 0, ["事件平均解决时间", 7.0, 8.1, 8.3, "y"])
        ws.write_row(4, 0, ["变更成功率", 98, 97, 99])
        ws.set_row(2, None, None, {"hidden": True})
        ws.set_row(5, None, None, {"hidden": True})            # hidden and empty: nothing to mention
        ws.set_column(1, 1, None, None, {"hidden": True})
        ws.set_column(4, 4, None, None, {"hidden": True})
        ws.set_column(8, 16383, None, None, {"hidden": True})   # the unused columns to the right, hidden
        ws.autofilter(0, 0, 4, 3)
        ws.filter_column(0, "x != 变更成功率")
        ws.set_row(4, None, None, {"hidden": True})             # the row the filter hides (Excel saves it hidden)
    parsed = parse_file(_workbook(build), file_name="h.xlsx")
    assert _records(parsed) == [("SLA达成率", "2026-09", 95.1), ("SLA达成率", "2026-10", 95.3),
                                ("事件平均解决时间", "2026-09", 8.1), ("事件平均解决时间", "2026-10", 8.3)]
    assert parsed.warnings == [
        "sheet '数据': rows 3, 5 and columns B, E are hidden (or filtered out) and not read"]


def test_which_rows_and_columns_the_sheet_xml_hides():
    sheet = (b'<cols><col min="2" max="4" width="3" hidden="1" customWidth="1"/><col min="6" max="6" width="9"/>'
             b'<col min="9" max="16384" hidden="true"/></cols><sheetData><row r="1"><c r="A1"/></row>'
             b'<row r="5" spans="1:3" hidden="1"><c r="A5"/></row><row r="6" hidden="0"/></sheetData>')
    rows, columns = xlsx_package._hidden_rows_and_columns(sheet)
    assert rows == {4}
    assert columns == {1, 2, 3} | set(range(8, 16384))


def test_which_rows_and_columns_a_sheet_saved_by_libreoffice_hides():
    """LibreOffice writes max before min, and hidden="false" on every row it writes."""
    sheet = (b'<cols><col collapsed="false" customWidth="true" hidden="true" outlineLevel="0" max="5" min="5" '
             b'style="0" width="9.14"/><col collapsed="false" customWidth="false" hidden="false" outlineLevel="0" '
             b'max="1024" min="6" style="0" width="8.53"/></cols><sheetData>'
             b'<row r="1" customFormat="false" ht="15" hidden="false" customHeight="false" outlineLevel="0" '
             b'collapsed="false"><c r="A1" s="1" t="s"><v>0</v></c></row>'
             b'<row r="5" customFormat="false" ht="15" hidden="true" customHeight="false" outlineLevel="0" '
             b'collapsed="false"><c r="A5" s="0" t="s"><v>1</v></c></row></sheetData>')
    assert xlsx_package._hidden_rows_and_columns(sheet) == ({4}, {4})


def test_an_xls_is_read_as_the_user_sees_it():
    """The percent cells of an .xls are read as shown (95.2, not 0.952); rows, columns and sheets
    hidden in Excel are left out with a note, as in .xlsx."""
    def build(book, xlwt):
        ws = book.add_sheet("数据")
        percent = xlwt.easyxf(num_format_str="0.0%")
        for c, heading in enumerate(["指标", "2026-09", "2026-10", "2025-12"]):
            ws.write(0, c, heading)
        ws.write(1, 0, "SLA达成率")
        for c, value in enumerate([0.952, 0.957, 0.9], start=1):
            ws.write(1, c, value, percent)
        for c, value in enumerate(["事件平均解决时间", 8.1, 8.0, 9.9]):
            ws.write(2, c, value)
        for c, value in enumerate(["SLA达成率", 99.0, 99.0]):
            ws.write(3, c, value)
        ws.row(3).hidden = True
        ws.col(3).hidden = True
        last_year = book.add_sheet("去年")
        last_year.write(0, 0, "指标")
        last_year.visibility = 1
    parsed = parse_file(workbooks.xls(build), file_name="指标.xls")
    assert _sorted_records(parsed) == [("SLA达成率", "2026-09", 95.2), ("SLA达成率", "2026-10", 95.7),
                                       ("事件平均解决时间", "2026-09", 8.1), ("事件平均解决时间", "2026-10", 8.0)]
    assert parsed.warnings == ["sheet '数据': row 4 and column D are hidden (or filtered out) and not read"]
    assert (parsed.sheets, parsed.skipped_sheets) == (["数据"], [("去年", "hidden")])


def test_an_xls_error_cell_is_missing_or_refused_as_in_xlsx():
    def build(book, xlwt, error="#REF!"):
        ws = book.add_sheet("数据")
        for r, row in enumerate([["指标", "月份", "数值"], ["SLA达成率", "2026-09", 95.2], ["SLA达成率", "2026-10"],
                                 ["SLA达成率", "2026-11"]]):
            for c, value in enumerate(row):
                ws.write(r, c, value)
        ws.row(2).set_cell_error(2, "#DIV/0!")
        ws.row(3).set_cell_error(2, error)
    assert _refusal(workbooks.xls(build), "e.xls") == (
        "e.xls, sheet '数据', row 4, column C (数值): '#REF!' is not a number: the cell shows an Excel error; "
        "correct its formula, or clear the cell if there is no value")
    assert _sorted_records(parse_file(workbooks.xls(lambda book, xlwt: build(book, xlwt, 42)), file_name="e.xls")) == [  # 42: #N/A
        ("SLA达成率", "2026-09", 95.2), ("SLA达成率", "2026-10", None), ("SLA达成率", "2026-11", None)]


def _xls_with_formulas(book, xlwt):
    """Two formulas, as xlwt writes them: '' for each result. xlrd gives their text back, the
    number 0 as 0.0 (xlwt stores it as a float token)."""
    ws = book.add_sheet("数据")
    for c, value in enumerate(["指标", "2026-09", "2026-10", "2026-11"]):
        ws.write(0, c, value)
    for c, value in enumerate(["SLA达成率", 95.1, xlwt.Formula("B2+0.5"), xlwt.Formula("IF(B2>0,\"\",B2)")]):
        ws.write(1, c, value)


@pytest.mark.parametrize("calculation", [{"recalc_engine": 0}, {"uncalced": True}])
def test_an_xls_that_says_it_was_not_calculated_has_its_formula_placeholders_refused(calculation):
    """Apache POI writes 0 or '' for each formula's result and RECALCID engine 0 (calculate on
    opening), or UNCALCED: Excel shows 95.6 where the file holds a placeholder. The 2026-11
    formula gives '' (shown blank) and is refused alike: the file does not say what it shows."""
    message = _refusal(workbooks.xls(_xls_with_formulas, **calculation), "poi.xls")
    assert message.splitlines() == [
        f"poi.xls, sheet '数据', row 2, column {column}: '{formula}' is not a number: it is a formula whose result "
        "the file does not hold; open the file in Excel or WPS and save it again"
        for column, formula in [("C (2026-10)", "=B2+0.5"), ("D (2026-11)", '=IF(B2>0.0,"",B2)')]]


def test_an_xls_without_recalcid_has_its_formula_placeholders_noted():
    """xlwt writes '' for each formula's result and no RECALCID; Excel recalculates such a file on
    opening. The placeholders are read as they are (blank: missing) with a note naming them: a
    writer we have not seen may leave RECALCID out of a file whose formulas truly give 0."""
    parsed = parse_file(workbooks.xls(_xls_with_formulas), file_name="xlwt.xls")
    assert _sorted_records(parsed) == [("SLA达成率", "2026-09", 95.1), ("SLA达成率", "2026-10", None),
                                       ("SLA达成率", "2026-11", None)]
    assert parsed.warnings == [(
        "sheet '数据': C2 (=B2+0.5), D2 (=IF(B2>0.0,\"\",B2)) are formulas whose result the file does not hold (a "
        "program wrote it, and it was not saved in Excel or WPS since): read as blank or 0. If Excel shows values "
        "there, open the file in Excel or WPS and save it again")]


def test_an_xls_last_calculated_by_an_application_is_read_as_it_holds():
    """RECALCID with the engine of Excel (or LibreOffice, 101716): the saved results are what it
    showed, '' and 0 included."""
    parsed = parse_file(workbooks.xls(_xls_with_formulas, recalc_engine=191029), file_name="excel.xls")
    assert parsed.warnings == []
    assert _sorted_records(parsed)[1:] == [("SLA达成率", "2026-10", None), ("SLA达成率", "2026-11", None)]


def test_an_xlsb_is_read_and_its_hidden_sheets_are_not():
    """The upload offers .xlsb (Excel's binary workbook, used for big files): the package check
    let through only .xlsx and .ods before. Its parts are checked for bombs like an .xlsx's."""
    book = workbooks.xlsb({"数据": [["指标", "2026-09", "2026-10"], ["SLA达成率", 95.2, 95.7], ["事件平均解决时间", 8.1, 8.0]],
                  "去年": [["指标", "月份", "数值"], ["SLA达成率", "2025-10", 50.0]]}, hidden={"去年"})
    parsed = parse_file(book, file_name="指标.xlsb")
    assert _sorted_records(parsed) == [("SLA达成率", "2026-09", 95.2), ("SLA达成率", "2026-10", 95.7),
                                       ("事件平均解决时间", "2026-09", 8.1), ("事件平均解决时间", "2026-10", 8.0)]
    assert parsed.skipped_sheets == [("去年", "hidden")]
    bomb = io.BytesIO(book)
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet3.bin", bytes(3 << 20))
    assert "is compressed 1,0" in _refusal(bomb.getvalue(), "b.xlsb")


def test_an_xlsb_is_read_as_the_user_sees_it():
    """As for .xlsx: percent cells as shown, hidden rows and columns left out with a note, a merged
    heading read as seen, #REF! refused and #DIV/0! missing."""
    rows = [["指标名称", "2026年9月", "", "2026年10月", "", "备注"], ["", "目标", "实际", "目标", "实际"],
            ["SLA达成率", ("%", 0.95), ("%", 0.952), ("%", 0.95), ("%", 0.957), "内部核对用"],
            ["事件平均解决时间", 8.0, 8.1, 8.0, ("error", 0x07)], ["SLA达成率", 99.0, 99.0, 99.0, 99.0]]
    book = workbooks.xlsb({"数据": rows}, hidden_rows={4}, hidden_columns={5},
                 merged=[((0, 0), (1, 0)), ((0, 1), (0, 2)), ((0, 3), (0, 4))])
    parsed = parse_file(book, file_name="m.xlsb")
    assert _values_and_targets(parsed) == [
        ("SLA达成率", "2026-09", 95.2, 95.0), ("SLA达成率", "2026-10", 95.7, 95.0),
        ("事件平均解决时间", "2026-09", 8.1, 8.0), ("事件平均解决时间", "2026-10", None, 8.0)]
    assert parsed.warnings == ["sheet '数据': row 5 and column F are hidden (or filtered out) and not read"]
    broken = workbooks.xlsb({"数据": [["指标", "2026-10"], ["SLA达成率", ("error", 0x17)]]})
    assert _refusal(broken, "b.xlsb") == (
        "b.xlsb, sheet '数据', row 2, column B (2026-10): '#REF!' is not a number: the cell shows an Excel error; "
        "correct its formula, or clear the cell if there is no value")


def test_an_xls_that_xlrd_cannot_inspect_is_still_read_by_calamine(monkeypatch):
    """xlrd only adds formats and flags: a file it cannot read is not refused for that."""
    import xlrd

    def fails(*args, **kwargs):
        raise xlrd.XLRDError("Unsupported format, or corrupt file")
    monkeypatch.setattr(xlrd, "open_workbook", fails)
    def build(book, xlwt):
        ws = book.add_sheet("数据")
        for c, value in enumerate(["指标", "2026-10"]):
            ws.write(0, c, value)
        for c, value in enumerate(["SLA达成率", 95.5]):
            ws.write(1, c, value)
    assert _records(parse_file(workbooks.xls(build), file_name="x.xls")) == [("SLA达成率", "2026-10", 95.5)]


def _values_and_targets(parsed) -> list[tuple]:
    rows = parsed.records[["metric", "period", "value", "target"]]
    return [tuple(None if isinstance(v, float) and math.isnan(v) else v for v in row)
            for row in rows.itertuples(index=False)]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_name_written_once_over_its_months_is_read_for_each(kind):
    """A pivot table's export, or a sheet whose names were merged down over their months and then
    saved as CSV: the name is on its first row only. When no name is written twice, a row right
    under a named one is that metric's, with a note; a block that starts without a name is not."""
    rows = [["指标", "月份", "数值"], ["SLA达成率", "2026-08", 95.0], ["", "2026-09", 95.5], ["", "2026-10", 96.0],
            ["事件平均解决时间", "2026-08", 6.1], ["", "2026-09", 5.9], ["", "2026-10", 5.5]]

    def written(rows):
        if kind == "csv":
            return "\n".join(",".join(str(cell) for cell in row) for row in rows).encode(), "n.csv"

        def build(wb):
            sheet = wb.add_worksheet("数据")
            for r, row in enumerate(rows):
                sheet.write_row(r, 0, row)
        return _workbook(build), "n.xlsx"
    data, name = written(rows)
    parsed = parse_file(data, file_name=name)
    assert _sorted_records(parsed) == [
        ("SLA达成率", "2026-08", 95.0), ("SLA达成率", "2026-09", 95.5), ("SLA达成率", "2026-10", 96.0),
        ("事件平均解决时间", "2026-08", 6.1), ("事件平均解决时间", "2026-09", 5.9), ("事件平均解决时间", "2026-10", 5.5)]
    where = "" if kind == "csv" else "sheet '数据': "
    assert parsed.warnings == [(f"{where}rows 3–4, 6–7 name no metric: read as the metric named above (a name "
                                "written once over its months)")]
    # a name written on every row but one: the missing one is a mistake, refused as before
    every_row = [rows[0], rows[1], ["SLA达成率", "2026-09", 95.5], ["", "2026-10", 96.0]]
    assert "row 4, column A (指标): the row has values but no metric name" in _refusal(*written(every_row))
    # after a blank row nothing is carried over it
    gap = rows[:2] + [["", "", ""], ["", "2026-09", 95.5]]
    assert "row 4, column A (指标): the row has values but no metric name" in _refusal(*written(gap))


_MONTH_PAIRS = [["指标名称", "2026年9月", "", "2026年10月", ""], ["", "目标", "实际", "目标", "实际"],
                ["SLA达成率", "≥95%", 95.1, 95, 95.3], ["事件平均解决时间", 8, 8.1, "", 8.3], ["重大事件数", 0, "七"]]


def _month_pairs(kind: str, fix: bool = False) -> tuple[bytes, str]:
    """The same sheet as a workbook with 指标名称 merged over two rows and each month over its
    目标 | 实际 columns, as that workbook saved as CSV by Excel (merges gone, blanks left), or as a
    workbook that never merged them."""
    rows = [list(row) for row in _MONTH_PAIRS]
    if fix:
        rows[4][2] = 1
    if kind == "csv":
        text = "\n".join(",".join(str(cell) for cell in row) for row in rows)
        return text.encode("utf-8-sig"), "p.csv"
    if kind == "xls":                                        # an .xls keeps its merged ranges too
        def build_xls(book, xlwt):
            sheet = book.add_sheet("数据")
            for r, row in enumerate(rows[1:], start=1):
                for c, cell in enumerate(row):
                    if cell != "":
                        sheet.write(r, c, cell)
            sheet.write_merge(0, 1, 0, 0, "指标名称")
            sheet.write_merge(0, 0, 1, 2, "2026年9月")
            sheet.write_merge(0, 0, 3, 4, "2026年10月")
        return workbooks.xls(build_xls), "p.xls"

    def build(wb):
        ws = wb.add_worksheet("数据")
        for r, row in enumerate(rows):
            ws.write_row(r, 0, row)
        if kind == "merged":
            ws.merge_range(0, 0, 1, 0, "指标名称")
            ws.merge_range(0, 1, 0, 2, "2026年9月")
            ws.merge_range(0, 3, 0, 4, "2026年10月")
    return _workbook(build), "p.xlsx"


@pytest.mark.parametrize("kind", ["merged", "csv", "unmerged", "xls"])
def test_each_month_over_its_target_and_actual_columns(kind):
    """指标名称 | 2026年9月 (over 目标 | 实际) | 2026年10月 …: the monthly KPI sheet of many
    organisations. Each month's 实际 column is its value, its 目标 column its target, whether the
    month is merged over both, or the sheet was saved as CSV and only a blank heading is left."""
    data, name = _month_pairs(kind)
    where = "" if kind == "csv" else ", sheet '数据'"
    assert _refusal(data, name) == f"{name}{where}, row 5, column C (2026年9月 实际): '七' is not a number"
    parsed = parse_file(_month_pairs(kind, fix=True)[0], file_name=name)
    assert _values_and_targets(parsed) == [
        ("SLA达成率", "2026-09", 95.1, 95.0), ("SLA达成率", "2026-10", 95.3, 95.0),
        ("事件平均解决时间", "2026-09", 8.1, 8.0), ("事件平均解决时间", "2026-10", 8.3, None),
        ("重大事件数", "2026-09", 1.0, 0.0), ("重大事件数", "2026-10", None, None)]


@pytest.mark.parametrize("headings, file_name", [
    (["2026年9月目标", "2026年9月实际", "2026年10月目标", "2026年10月实际"], "p.xlsx"),
    (["目标2026-09", "实际2026-09", "目标2026-10", "实际2026-10"], "p.xlsx"),
    (["2026-09(目标)", "2026-09（实际）", "2026-10【目标值】", "2026-10"], "p.xlsx"),
    (["9月目标", "9月实际", "10月目标", "10月实际"], "2026年IT服务指标.xlsx"),         # the year from the file name
])
def test_target_and_actual_columns_of_each_month_in_one_heading_row(headings, file_name):
    def build(wb):
        ws = wb.add_worksheet("数据")
        ws.write_row(0, 0, ["指标名称", *headings])
        ws.write_row(1, 0, ["SLA达成率", 95, 95.1, 96, 95.3])
    parsed = parse_file(_workbook(build), file_name=file_name)
    assert _values_and_targets(parsed) == [("SLA达成率", "2026-09", 95.1, 95.0), ("SLA达成率", "2026-10", 95.3, 96.0)]


def test_a_bad_or_doubled_month_target_column_is_refused():
    def build(wb):
        ws = wb.add_worksheet("数据")
        ws.write_row(0, 0, ["指标名称", "2026-09目标", "2026-09实际", "2026-09计划"])
        ws.write_row(1, 0, ["SLA达成率", "很高", 95.1, 95])
    assert _refusal(_workbook(build), "p.xlsx").splitlines() == [
        "p.xlsx, sheet '数据', row 1, column D: month 2026-09 has two target columns (B and D)",
        "p.xlsx, sheet '数据', row 2, column B (2026-09目标): target '很高' is not a number"]


def test_month_columns_without_a_year_under_a_file_name_that_names_one():
    def build(wb):
        ws = wb.add_worksheet("数据")
        ws.write_row(0, 0, ["指标", "1月", "2月", "3月"])
        ws.write_row(1, 0, ["SLA达成率", 95.0, 95.1, 95.3])
    parsed = parse_file(_workbook(build), file_name="2026年IT服务指标.xlsx")
    assert [p for _, p, _ in _records(parsed)] == ["2026-01", "2026-02", "2026-03"]
    assert parsed.warnings == ["sheet '数据': the month columns B–D give no year; 2026 was taken from the file name"]
    assert "give no year that is certain" in _refusal(_workbook(build), "IT月报_导出2026-04-02.xlsx")


def test_a_csv_export_that_guards_its_text_for_excel():
    """="2026-10" keeps Excel from turning the text into a date; the cell is the text 2026-10."""
    text = '指标,月份,数值\nSLA达成率,="2026-10",="95.3"\n事件平均解决时间,="2026-10",8.1\n'
    parsed = parse_file(text.encode("utf-8"), file_name="e.csv")
    assert _records(parsed) == [("SLA达成率", "2026-10", 95.3), ("事件平均解决时间", "2026-10", 8.1)]


def test_a_workbook_with_a_password_is_refused_with_what_to_do():
    """Excel keeps an encrypted .xlsx in an OLE container calamine cannot detect; say why, not 'cannot detect file format'."""
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = io.BytesIO(_workbook(lambda wb: wb.add_worksheet("数据").write_row(0, 0, ["指标", "2026-10"])))
    encrypted = io.BytesIO()
    OOXMLFile(plain).encrypt("secret", encrypted)
    assert _refusal(encrypted.getvalue(), "p.xlsx") == (
        "p.xlsx: the workbook is protected by a password, so it cannot be read: open it in Excel or WPS, remove the "
        "password (File > Info > Protect Workbook), save it and upload it again")


@pytest.mark.parametrize("headings, row", [
    (["指标", "2026-09", "2026-10", "", "指标", "2026-09", "2026-10"],            # the same months
     ["SLA达成率", 95.1, 95.3, "", "事件平均解决时间", 8.1, 8.3]),
    (["指标", "2026-09", "2026-10", "", "指标", "2026-11", "2026-12"],            # other months: read as one table,
     ["SLA达成率", 95.1, 95.3, "", "事件平均解决时间", 8.1, 8.3]),               # 8.1 was SLA达成率's November
    (["指标", "月份", "数值", "", "指标", "月份", "数值"],                        # long: the right one was dropped
     ["SLA达成率", "2026-10", 95.3, "", "事件平均解决时间", "2026-10", 8.3]),
])
def test_two_tables_side_by_side_are_refused_once_with_what_to_do(headings, row):
    def build(wb):
        ws = wb.add_worksheet("数据")
        ws.write_row(0, 0, headings)
        ws.write_row(1, 0, row)
    assert _refusal(_workbook(build), "s.xlsx") == (
        "s.xlsx, sheet '数据', row 1, column E: column E (指标) starts a second table beside the first: put each "
        "table on a sheet of its own")


@pytest.mark.parametrize("headings", [["指标", "月份", "数值", "数值"], ["指标", "月份", "实际值", "备注", "本月值"]])
def test_two_columns_headed_as_the_value_are_refused_naming_both(headings):
    """数值 | 数值 (a column copied for next month, or a second figure): the first was read and the
    second dropped without a word, so 96.2 might have been the month's real value."""
    def build(wb):
        ws = wb.add_worksheet("数据")
        ws.write_row(0, 0, headings)
        ws.write_row(1, 0, ["SLA达成率", "2026-10", 95.1, *([None] if len(headings) == 5 else []), 96.2])
    first, second = (("C", "D"), ("C", "E"))[len(headings) == 5]
    message = (f"columns {first} ({headings[2]}) and {second} ({headings[-1]}) are both headed as the value: keep "
               "one, or rename the other (e.g. 目标 for a target)")
    assert _refusal(_workbook(build), "v.xlsx") == f"v.xlsx, sheet '数据', row 1, column {second}: {message}"
    assert message_text(message, "zh") == (f"{first} 列({headings[2]})和 {second} 列({headings[-1]})的标题都表示数值:"
                                           "请只保留一列,或把另一列改名(例如目标值请用“目标”)")


def test_an_empty_second_value_column_is_no_doubt():
    """A second 数值 heading over nothing (a template's spare column) leaves one value to read."""
    def build(wb):
        ws = wb.add_worksheet("数据")
        ws.write_row(0, 0, ["指标", "月份", "数值", "数值"])
        ws.write_row(1, 0, ["SLA达成率", "2026-10", 95.1])
    assert _records(parse_file(_workbook(build), file_name="v.xlsx")) == [("SLA达成率", "2026-10", 95.1)]


@pytest.mark.parametrize("headings, expected, zh", [
    (["26.09", "26.10"], ("the headings B–C (26.09 … 26.10) do not name a month for certain (26.10 may be October 2026 "
     "or the 26th of October): write each month with its year in full, like 2026-10"),
     "B–C 列的表头(26.09 … 26.10)不能确定是哪个月(26.10 可能是 2026 年 10 月,也可能是 10 月 26 日):请把每个月写出完整的年份,例如 2026-10"),
    ([26.09, 26.1], ("the headings B–C (26.09 … 26.1) do not name a month for certain (26.10 may be October 2026 "
     "or the 26th of October): write each month with its year in full, like 2026-10"), None),      # typed, kept as numbers
    (["26/10"], ("the heading B (26/10) does not name a month for certain (26.10 may be October 2026 or the 26th of "
     "October): write the month with its year in full, like 2026-10"),
     "B 列的表头(26/10)不能确定是哪个月(26.10 可能是 2026 年 10 月,也可能是 10 月 26 日):请写出完整的年份,例如 2026-10"),
])
def test_month_headings_with_two_digits_of_the_year_are_refused_saying_why(headings, expected, zh):
    """26.10 over a month's column got only 'no header row found': it may be October 2026 or the
    26th of October, so it is not read, but the refusal now names the headings and what to write."""
    def build(wb):
        ws = wb.add_worksheet("数据")
        ws.write_row(0, 0, ["指标", *headings])
        ws.write_row(1, 0, ["SLA达成率", *[95.1] * len(headings)])
        ws.write_row(2, 0, ["事件平均解决时间", *[4.2] * len(headings)])
    assert _refusal(_workbook(build), "m.xlsx") == f"m.xlsx, sheet '数据', row 1: {expected}"
    if zh:
        assert message_text(expected, "zh") == zh


@pytest.mark.parametrize("hidden, expected", [
    (1, "h.xlsx: the file has no data rows (sheets: '数据' its rows are all hidden (or filtered out))"),
    (0, ("h.xlsx, sheet '数据': row 1 is hidden (or filtered out) and not read: unhide them if the table's "
         "heading is there")),
])
def test_hidden_rows_that_leave_nothing_to_read_are_named_in_the_refusal(hidden, expected):
    """Saved with a filter that hides every data row, or with the heading row hidden: the refusal
    says why there is nothing to load."""
    def build(wb):
        ws = wb.add_worksheet("数据")
        ws.write_row(0, 0, ["指标", "月份", "数值"])
        ws.write_row(1, 0, ["SLA达成率", "2026-10", 95.3])
        ws.set_row(hidden, None, None, {"hidden": True})
    assert expected in _refusal(_workbook(build), "h.xlsx").splitlines()


def test_none_happened_is_refused_with_what_to_write():
    """未发生 is 0 for a count of incidents but no value for a rate: the owner says which."""
    assert _refusal("指标,月份,数值\n重大事件数,2026-10,未发生\n".encode(), "n.csv") == (
        "n.csv, row 2, column C (数值): '未发生' is not a number: write 0 if none happened, or leave the cell blank "
        "if it was not measured")


@pytest.mark.parametrize("written, number", [("97.5¹", "97.5"), ("3²", "3"), ("96.1*", "96.1"), ("95%[1]", "95%"),
                                             ("1234（注1）", "1234")])
@pytest.mark.parametrize("kind", ["csv", "xlsx"])           # Arrow's text path, and the workbook's
def test_a_value_with_a_footnote_mark_is_refused_with_the_number_to_write(written, number, kind):
    """Found by fuzzing: 97.5¹ was stored as 97.51 and 3² as 32 (Unicode's NFKC turns a superscript
    into a digit). Which part is the number is not guessed at: the owner is told what to write."""
    rows = [["指标", "月份", "数值"], ["SLA达成率", "2026-10", written]]
    refusal = _refusal(workbooks.rows_file(rows, f"f.{kind}"), f"f.{kind}")
    where = "f.csv" if kind == "csv" else "f.xlsx, sheet '数据'"
    assert refusal == (f"{where}, row 2, column C (数值): '{written}' is not a number: write {number} and put the "
                       "footnote's text in a note (备注) column")
    assert message_text(refusal.split(": ", 1)[1], "zh") == f"“{written}”不是数字:请写作 {number},脚注内容请写在备注列"


@pytest.mark.parametrize("written, number, remark", [("95.1（估）", "95.1", "（估）"), ("96 (预计)", "96", "(预计)"),
                                                     ("约95", "95", "约"), ("≈3.5%", "3.5%", "≈")])
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_value_with_a_remark_on_it_is_refused_with_the_number_to_write(written, number, remark, kind):
    """An estimate marked as one (95.1（估）, 约95): the number is not taken without its remark, but the
    owner is told which number to write and where the remark goes."""
    rows = [["指标", "月份", "数值"], ["SLA达成率", "2026-10", written]]
    refusal = _refusal(workbooks.rows_file(rows, f"r.{kind}"), f"r.{kind}")
    where = "r.csv" if kind == "csv" else "r.xlsx, sheet '数据'"
    assert refusal == (f"{where}, row 2, column C (数值): '{written}' is not a number: write {number} and put "
                       f"'{remark}' in a note (备注) column")
    assert message_text(refusal.split(": ", 1)[1], "zh") == f"“{written}”不是数字:请写作 {number},“{remark}”请写在备注列"


@pytest.mark.parametrize("written", ["95-96", "95.1（估计约96）", "≥97", "高"])
def test_a_value_that_is_not_one_number_with_a_remark_gets_no_number_to_write(written):
    refusal = _refusal(f"指标,月份,数值\nSLA达成率,2026-10,{written}\n".encode(), "r.csv")
    assert refusal == f"r.csv, row 2, column C (数值): '{written}' is not a number"


def test_a_month_and_a_value_marked_as_text_with_an_apostrophe_are_read():
    """'2026-10 and '95.1: Excel's mark for "keep as text", which a CSV written by another system
    keeps. A lone apostrophe is an empty cell."""
    parsed = parse_file("指标,月份,数值\nSLA达成率,'2026-10,'95.1\n变更成功率,'2026-10,'\n".encode(), file_name="a.csv")
    assert [(m, p, str(v)) for m, p, v in _records(parsed)] == [
        ("SLA达成率", "2026-10", "95.1"), ("变更成功率", "2026-10", "nan")]
    wide = parse_file(workbooks.rows_file([["指标", "'2026-09", "'2026-10"], ["SLA达成率", "'95", 95.1]], "w.xlsx"),
                      file_name="w.xlsx")
    assert _records(wide) == [("SLA达成率", "2026-09", 95.0), ("SLA达成率", "2026-10", 95.1)]


@pytest.mark.parametrize("rows, name, records, note", [
    ([["指标", "2026-09", "2026-10", ""], ["重大事件数", 2, 3, 5], ["SLA达成率", 96, 97, 98]], "w.xlsx", 4,
     ("sheet '数据': column D holds numbers but has no heading, so not read: if they are a month's values, write the "
     "month above them (e.g. 2026-11)")),
    ([["序号", "指标", "月份", "数值", "", ""], [1, "重大事件数", "2026-10", 3, 7, 8]], "l.csv", 1,
     ("columns E–F hold numbers but have no heading, so not read: if they are a month's values, write the month above "
     "them (e.g. 2026-11)")),
    ([["", "指标", "月份", "数值"], [1, "重大事件数", "2026-10", 3], [2, "SLA达成率", "2026-10", 97]], "n.csv", 2, None),
    ([["指标", "2026-09", "2026-10", ""], ["重大事件数", 2, 3, "见附表"]], "t.csv", 2, None),
])
def test_numbers_under_a_blank_heading_are_said_not_read(rows, name, records, note):
    """Found by fuzzing: a column of numbers whose heading was forgotten (the newest month's) was
    dropped without a word. The file still loads, with a note. A blank-headed column of row numbers
    left of the names, or of words, is no such column."""
    parsed = parse_file(workbooks.rows_file(rows, name), file_name=name)
    assert len(parsed.records) == records            # read as before
    unheaded = [w for w in parsed.warnings if "no heading" in w]
    assert unheaded == ([note] if note else [])
    if note and name == "w.xlsx":
        assert message_text(note, "zh") == ("工作表“数据”:D 列有数字但没有表头,未读取:如果是某个月的数值,请在其上方写明月份"
                                            "(如 2026-11)")


@pytest.mark.parametrize("heading, name", [("Q3", "q.csv"), ("2026Q3", "q.xlsx"), ("三季度", "q.csv"),
                                           ("上半年", "q.xlsx"), ("2026年上半年", "q.csv"), ("H1", "q.csv")])
def test_a_quarter_or_half_year_beside_the_months_is_said_not_read(heading, name):
    """Found by fuzzing: a quarter's figure typed beside the months (指标 | 2026Q3 | 2026-10) was
    skipped without a word. It is rightly not read (months only), and the owner is told. A heading
    that is neither (合计, a total) or a quarter column of words gives no note."""
    rows = [["指标", heading, "2026-10", "合计", "季度"], ["重大事件数", 6, 3, 9, "Q4"], ["SLA达成率", 96, 97, 97, ""]]
    parsed = parse_file(workbooks.rows_file(rows, name), file_name=name)
    assert parsed.records["period"].astype(str).tolist() == ["2026-10", "2026-10"]        # read as before
    where = "sheet '数据': " if name.endswith(".xlsx") else ""
    notes = [w for w in parsed.warnings if "quarter" in w]
    assert notes == [(f"{where}the columns B ({heading}) name a quarter or half-year, not a month, so were not read: the "
                     "dashboard follows metrics month by month")]
    assert message_text(notes[0], "zh") == (f"{'工作表“数据”:' if where else ''}B 列({heading})是季度或半年,不是月份,"
                                            "未读取:看板按月跟踪指标")


def test_a_decimal_comma_is_refused_with_the_number_to_write():
    """10,5 from a spreadsheet set up for Europe (its CSV separated by ;) is 10.5 there, but 1,234
    groups thousands: the comma is not guessed at, the owner is told what to write."""
    assert _refusal("指标;月份;数值\nMTTR;2026-10;10,5\nFCR;2026-10;0,9532\n工单量;2026-10;1,234\n".encode(),
                    "d.csv").splitlines() == [
        "d.csv, row 2, column C (数值): '10,5' is not a number: if the comma is the decimal point, write 10.5",
        "d.csv, row 3, column C (数值): '0,9532' is not a number: if the comma is the decimal point, write 0.9532"]


@pytest.mark.parametrize("content", [
    "指标,月份,数值\n事件数,2026Q3,10\n",
    "指标,月份,数值\n事件数,2026年第三季度,10\n",
])
def test_a_quarter_for_a_month_is_refused_as_a_quarter(content):
    quarter = content.split("\n")[1].split(",")[1]
    assert _refusal(content.encode(), "q.csv") == (
        f"q.csv, row 2, column B (月份): '{quarter}' is a quarter, not a month: the dashboard follows metrics month by "
        "month; write each month's value on a row of its own (for 2026Q3: 2026-07, 2026-08 and 2026-09)")


def test_a_superscript_digit_for_a_month_is_refused_not_a_crash():
    """² is a digit to str.isdigit() but no number to int(): found by the fuzz test."""
    assert _refusal("年份,月份,指标,数值\n2026,²,MTTR,1\n".encode(), "y.csv") == (
        "y.csv, row 2, column B (月份): '²' is not a month (write it like 2026-05 or 2026年5月)")


def test_a_tracking_table_of_quarters_is_refused_as_quarters():
    assert _refusal("月份,事件数,SLA达成率\n2026Q2,12,94\n2026Q3,10,95\n".encode(), "q.csv") == (
        "q.csv: the cells under A (月份) are quarters (2026Q2 …), not months: the dashboard follows metrics month by "
        "month; write one row per month (e.g. 2026-07)")


@pytest.mark.parametrize("written, number, factor", [
    ("1.2万", "12,000", "1.2 × 10,000"), ("¥1.2万元", "12,000", "1.2 × 10,000"), ("3千", "3,000", "3 × 1,000"),
    ("2.5亿", "250,000,000", "2.5 × 100,000,000"),
])
def test_a_number_in_ten_thousands_is_refused_with_the_number_to_write(written, number, factor):
    """Chinese reports write costs as 1.2万. Taking it for 1.2 would be ten thousand times too small,
    and the catalogue may keep the metric in 元 or in 万元: the owner writes the number."""
    assert _refusal(f"指标,月份,数值\n单张工单成本,2026-10,{written}\n".encode(), "w.csv") == (
        f"w.csv, row 2, column C (数值): '{written}' is not a number: write {number} ({written} = {factor})")


@pytest.mark.parametrize("month_cell", [1.7976931348623155e308, -1e300, 5e-324, 123.45])
def test_a_huge_or_odd_number_in_a_month_cell_is_refused_as_no_month(month_cell):
    """Found by fuzzing: 1.8e308 in a month cell overflowed (OverflowError) in the check that asks
    for a month typed as a number to be typed as text."""
    def build(wb):
        sheet = wb.add_worksheet("数据")
        sheet.write_row(0, 0, ["指标", "月份", "数值"])
        sheet.write_row(1, 0, ["MTTR", month_cell, 6])
    with pytest.raises(InputRefused, match="row 2, column B"):
        parse_file(_workbook(build), file_name="odd.xlsx")


def _identical(sent: pd.DataFrame, received: pd.DataFrame) -> None:
    """Two frames alike to the bit: values, dtypes, categories, codes' width, index and names."""
    pd.testing.assert_frame_equal(sent, received, check_exact=True)
    assert sent.columns.equals(received.columns) and sent.columns.dtype == received.columns.dtype
    assert type(sent.index) is type(received.index) and sent.index.equals(received.index)
    for name in sent.columns:
        a, b = sent[name].array, received[name].array
        if isinstance(a, pd.Categorical):
            assert a.codes.dtype == b.codes.dtype and (a.codes == b.codes).all(), name
        elif isinstance(sent[name].dtype, np.dtype) and sent[name].dtype.kind in "biuf":
            bits = f"u{sent[name].dtype.itemsize}"
            assert (sent[name].to_numpy().view(bits) == received[name].to_numpy().view(bits)).all(), name


@pytest.mark.parametrize("layout", ["long", "wide"])
def test_parsed_records_come_back_from_the_reading_process_as_they_were_read(layout):
    """The records are pickled with their repeated values packed (the reading process sends them
    back): what is unpickled is the same frame, to the bit, and a fraction of the bytes."""
    metrics, months = 300, 24
    periods = [f"{2024 + m // 12}-{m % 12 + 1:02d}" for m in range(months)]
    if layout == "long":
        rows = [["指标", "月份", "数值", "目标", "备注"]] + [
            [f"指标 {i}", period, round(50 + (i * 7 + m) % 13 / 3, 2), 95 if i % 2 else "", "说明" if m == 5 else ""]
            for i in range(metrics) for m, period in enumerate(periods)]
    else:
        rows = [["指标", *periods]] + [[f"指标 {i}", *(round(50 + (i * 7 + m) % 13 / 3, 2) for m in range(months))]
                                      for i in range(metrics)]
    parsed = parse_file(workbooks.rows_file(rows, "r.xlsx"), file_name="r.xlsx")
    sent = pickle.dumps(parsed)
    received = pickle.loads(sent)
    _identical(parsed.records, received.records)
    assert (received.file_name, received.sheets, received.skipped_sheets, received.warnings) == (
        parsed.file_name, parsed.sheets, parsed.skipped_sheets, parsed.warnings)
    assert len(sent) < len(pickle.dumps(parsed.records)) / 2


def test_packed_numbers_keep_every_bit():
    """Runs are found bit for bit (NaN, -0.0 beside 0.0), row numbers counting by a step, and an
    array with neither, or too short to bother, is sent as it is."""
    from analytics.packed_frame import _packed_numbers, _unpacked_numbers

    other_nan = np.frombuffer(np.array([0x7FF8000000000001], dtype="u8").tobytes(), dtype="f8")[0]
    arrays = [np.full(10_000, np.nan), np.repeat([0.0, -0.0, np.nan, other_nan, 1.5], 2000),
              np.arange(2, 10_002, dtype="int64"), np.arange(10_000, 0, -3, dtype="int64"),
              np.repeat(np.arange(100, dtype="int64"), 100), np.zeros(10_000, dtype=bool), np.full(10_000, -1, "int8"),
              np.random.default_rng(1).normal(size=10_000), np.arange(10, dtype="int64"),
              np.array([2**62 + 5, 2**62 + 6] * 3000, dtype="int64"), np.tile(np.arange(7, dtype="int16"), 2000)]
    for values in arrays:
        packed = _packed_numbers(values)
        back = _unpacked_numbers(packed)
        assert back.dtype == values.dtype and back.shape == values.shape
        assert (back.view(f"u{values.dtype.itemsize}") == values.view(f"u{values.dtype.itemsize}")).all()
        assert back.flags.writeable
