"""Refusals in Chinese for the dashboard: real refusals from real files and real role checks,
with the place (file, sheet, row, column) rewritten from the Problem's fields."""

from __future__ import annotations

import ast
import datetime
import io
import itertools
import re
import time
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
import xlsxwriter

from analytics import xlsx_package
from analytics.auth import require, require_upload_scope
from analytics.backup import backup, check_backup
from analytics.baselines import compute_version, set_version
from analytics.catalogue import (
    CATALOGUE_COLUMNS,
    import_catalogue,
    import_catalogue_file,
)
from analytics.demo import load_demo
from analytics.errors import InputRefused, NotAllowed, Problem, StoreError
from analytics.i18n import t
from analytics.ingest import apply_ingest, plan_ingest
from analytics.isolation import run_isolated
from analytics.limits import Limits
from analytics.localise import message_text, problem_text
from analytics.migrations import LATEST_VERSION
from analytics.names import name_problem
from analytics.parsing import NO_HEADER, parse_file
from analytics.record_views import gap_snapshot
from analytics.records import (
    get_record,
    list_records,
    move_record,
    raise_record,
    revise_plan,
)
from analytics.report_html import PdfUnavailable
from analytics.reports import render_report
from analytics.spc_io import read_spc_input
from analytics.store import Store
from analytics.uploads import rollback_upload
from analytics.users import User, add_user, get_user
from tests import workbooks

ENGLISH_WORD = re.compile(r"\b(?!MB\b)[a-z]{4,}\b")   # what is left in English outside quoted values


@pytest.fixture
def catalogued(store):
    import_catalogue(store, pd.DataFrame({"name": ["Incident MTTR", "SLA attainment"], "name_zh": ["事件平均解决时间", "SLA达成率"],
                                          "process": ["incident", "SLA"]}), by="t")
    return store


def _refusal(store, path) -> list[Problem]:
    with pytest.raises(InputRefused) as refused:
        plan_ingest(store, [(path, path.name)])
    return refused.value.problems


def test_a_bad_csv_is_refused_in_chinese_with_row_and_column(catalogued, tmp_path):
    path = tmp_path / "六月.csv"
    path.write_text("指标,月份,数值\n事件平均解决时间,2026-06,七点五\nSLA达成率,2026-13,95\n"
                    "事件平均解决时间,2026-05,8\n事件平均解决时间,2026-05,9\n可用性,2026-06,99\n", encoding="utf-8")
    texts = [problem_text(p, "zh") for p in _refusal(catalogued, path)]
    assert "六月.csv,第 2 行,C 列(数值):“七点五”不是数字" in texts
    assert "六月.csv,第 3 行,B 列(月份):“2026-13”不是月份(请写成 2026-05 或 2026年5月)" in texts
    english = [str(p) for p in _refusal(catalogued, path)]
    assert "六月.csv, row 2, column C (数值): '七点五' is not a number" in english   # the CLI's text is unchanged


def test_unknown_metrics_and_duplicates_in_chinese(catalogued, tmp_path):
    path = tmp_path / "五月.csv"
    path.write_text("指标,月份,数值\n事件平均解决时间,2026-05,8\n事件平均解决时间,2026-05,9\n可用性,2026-05,99\n",
                    encoding="utf-8")
    problems = _refusal(catalogued, path)
    texts = [problem_text(p, "zh") for p in problems]
    assert any(t.startswith("五月.csv,第 4 行,A 列(指标):指标目录中没有“可用性”") for t in texts), texts
    assert "五月.csv:1 个指标名称不在指标目录中" in " ".join(texts)
    for problem, text in zip(problems, texts):
        outside_quotes = re.sub(r"“[^”]*”|'[^']*'", "", text)
        assert not ENGLISH_WORD.search(outside_quotes), (str(problem), text)


def test_two_files_that_disagree_in_chinese(catalogued, tmp_path):
    """Each names the other file's place and what the two say, as the English does."""
    a, b = tmp_path / "a.csv", tmp_path / "b.xlsx"
    a.write_text("指标,月份,数值\n事件平均解决时间,2026-05,\n", encoding="utf-8")
    with xlsxwriter.Workbook(b) as book:
        book.add_worksheet("汇总").write_row(0, 0, ["指标", "月份", "数值"])
        book.get_worksheet_by_name("汇总").write_row(1, 0, ["事件平均解决时间", "2026-05", 8])
    with pytest.raises(InputRefused) as refused:
        plan_ingest(catalogued, [(b, "b.xlsx"), (a, "a.csv")])
    assert [problem_text(p, "zh") for p in refused.value.problems] == [
        "a.csv,第 2 行:“事件平均解决时间” 2026-05 也在 b.xlsx 中;两个文件请只导入一个:此处数值为 空白,b.xlsx 工作表“汇总”第 2 行为 8"]
    with pytest.raises(InputRefused) as refused:
        plan_ingest(catalogued, [(a, "a.csv"), (b, "b.xlsx")])
    assert [problem_text(p, "zh") for p in refused.value.problems] == [
        "b.xlsx,工作表“汇总”,第 2 行:“事件平均解决时间” 2026-05 也在 a.csv 中;两个文件请只导入一个:此处数值为 8,a.csv 第 2 行为 空白"]


@pytest.mark.parametrize("content, expected", [
    (b"", "empty.csv:文件是空的"),
    (b"\x00\x01\x02\x03binary junk\xff\xfe" * 50, "empty.csv:这是二进制文件,不是 CSV 或 Excel 工作簿"),
    ("说明\n这是一份说明\n".encode(), "empty.csv:找不到表头行"),
    ("指标,月份,数值\n事件数,2026Q3,10\n".encode(),
     "empty.csv,第 2 行,B 列(月份):“2026Q3”是季度,不是月份:看板按月跟踪指标;请把每个月的数值各写一行"),
    ("月份,事件数\n2026Q3,10\n".encode(), "empty.csv:A 列(月份)下的单元格是季度(2026Q3 …),不是月份"),
    ("指标;月份;数值\n事件数;2026-10;10,5\n".encode(), "empty.csv,第 2 行,C 列(数值):“10,5”不是数字:如果逗号是小数点,请写作 10.5"),
    ("名目,情况\nSLA达成率,95.2%\n事件平均解决时间,4.5小时\n".encode(),
     ("empty.csv:找不到表头行:需要指标列(指标/metric),以及月份和数值列(月份/period、数值/value)或每月一列(如 2026-01);"
      "第 1 行(名目 | 情况)似乎是表头行,但其中没有名为“指标”、“月份”、“数值”的列:请按此命名,或每个月的列以该月为列名"
      "(如 2026-10)")),
])
def test_unreadable_files_are_refused_in_chinese(catalogued, tmp_path, content, expected):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    assert problem_text(_refusal(catalogued, path)[0], "zh").startswith(expected)


def test_role_refusals_in_chinese_with_state_and_role_labels(catalogued, tmp_path):
    add_user(catalogued, "陈静", "improvement_owner", by="t")
    add_user(catalogued, "访客", "viewer", by="t")
    add_user(catalogued, "王磊", "process_owner", by="t", processes=["incident"])
    record = raise_record(catalogued, title="缩短解决时间", by="陈静", source="suggestion")
    with pytest.raises(NotAllowed) as refused:
        move_record(catalogued, record, "approved", by="访客")
    assert message_text(str(refused.value), "zh").startswith("访客(只读用户)无权将记录从“已提出”转到“已批准”;允许的角色:")
    with pytest.raises(NotAllowed) as refused:
        move_record(catalogued, record, "closed", by="陈静")
    assert message_text(str(refused.value), "zh").startswith("记录 #1 当前为“已提出”,只能转到:")
    path = tmp_path / "sla.csv"
    path.write_text("metric,period,value\nSLA attainment,2026-05,95\n", encoding="utf-8")
    with pytest.raises(NotAllowed) as refused:
        require_upload_scope(catalogued, get_user(catalogued, "王磊"),
                             plan_ingest(catalogued, [(path, "sla.csv")]))
    assert message_text(str(refused.value), "zh") == \
        "王磊(流程负责人)只能上传所辖流程的数据:incident;不包括 'SLA attainment' (SLA)"


@pytest.mark.parametrize("reason, chinese", [
    ("record #12 closed: new cycle", "改进记录 #12 关闭:新周期"),
    ("catalogue import", "指标目录导入"),
    ("mean of 12 months 2025-01 to 2025-12", "2025-01 至 2025-12 共 12 个月的均值"),
    ("median of 6 months 2026-01 to 2026-06", "2026-01 至 2026-06 共 6 个月的中位数"),
    ("首个改进周期基准", "首个改进周期基准"),                    # typed by a user: as typed
])
def test_the_reasons_the_system_writes_for_a_baseline_version_read_in_chinese(reason, chinese):
    """Found by exploratory testing: 'record #N closed: new cycle' stood in English on the Chinese
    metric and catalogue pages."""
    assert message_text(reason, "zh") == chinese and message_text(reason, "en") == reason


def test_an_unknown_metric_on_several_rows_is_one_message_with_its_rows_in_chinese(catalogued, tmp_path):
    """The rows a message covers ('(3 rows: 2–3, 5)') are said by one rule for every message."""
    path = tmp_path / "六月.csv"
    path.write_text("指标,月份,数值\n可用性,2026-04,99\n可用性,2026-05,98\n事件平均解决时间,2026-05,8\n"
                    "可用性,2026-06,97\n", encoding="utf-8")
    texts = [problem_text(p, "zh") for p in _refusal(catalogued, path)]
    assert any(t.endswith(":指标目录中没有“可用性”(共 3 行:第 2–3, 5 行)") for t in texts), texts


@pytest.mark.parametrize("message, chinese", [
    ("unknown metric 'X' (4 rows: 2–5)", "指标目录中没有“X”(共 4 行:第 2–5 行)"),
    ("unknown metric 'X' (closest: 'Y') (2 rows: 3, 7)", "指标目录中没有“X”(最接近的:'Y')(共 2 行:第 3, 7 行)"),
    ("unknown metric 'X'", "指标目录中没有“X”"),
    ("something new (2 rows: 3, 7)", "something new (2 rows: 3, 7)"),     # no translation: all of it as written
])
def test_the_rows_a_message_covers_are_said_once_for_every_message(message, chinese):
    assert message_text(message, "zh") == chinese


def test_a_message_without_a_translation_stays_whole_in_english():
    assert message_text("something new went wrong", "zh") == "something new went wrong"
    assert problem_text(Problem("something new", file="a.csv", row=3), "en") == "a.csv, row 3: something new"
    assert problem_text(Problem("something new", file="a.csv", row=3), "zh") == "a.csv,第 3 行:something new"


# -- every message a dashboard user can meet has a Chinese pattern --------------------------------------
#
# Each case makes the English message through the code that writes it (a real file in tmp_path, a real
# Store, the function called with bad input) and checks the exact Chinese text. The few marked "as
# written" cannot be triggered cheaply; they build the message exactly as the code formats it.

class _Ctx:
    """What a case needs: a store with the two-metric catalogue, a folder, monkeypatch."""

    def __init__(self, store, tmp_path, monkeypatch):
        self.store, self.tmp_path, self.monkeypatch = store, tmp_path, monkeypatch

    def file(self, name: str, content: str | bytes) -> Path:
        path = self.tmp_path / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    def plan(self, name: str, content: str | bytes, **options):
        path = self.file(name, content)
        return plan_ingest(self.store, [(path, name)], **options)

    def load(self, name: str, content: str) -> int:
        return apply_ingest(self.store, self.plan(name, content), by="t")[0]

    def user(self, name: str, role: str, **options) -> str:
        add_user(self.store, name, role, by="t", **options)
        return name

    def record(self, **options) -> int:
        return raise_record(self.store, title="缩短解决时间", by=self.user("管理员", "admin"),
                            source=options.pop("source", "audit"), **options)

    def walk(self, record_id: int, *states: str) -> None:
        """Move the record on as the admin; implementing with a change going live in 2026-06; verified
        with a comment (without data the verdict is no_evidence, and verifying so needs one)."""
        for state in states:
            extra = {"change_ref": "CHG-1", "go_live": "2026-06"} if state == "implementing" else {}
            extra |= {"comment": "已人工核实"} if state == "verified" else {}
            move_record(self.store, record_id, state, by="管理员", **extra)


def _message(make, ctx: _Ctx) -> str:
    """The English message `make` raises (a refusal's first problem, else the exception's text) or returns."""
    try:
        made = make(ctx)
    except InputRefused as exc:
        return exc.problems[0].message
    except (NotAllowed, StoreError) as exc:
        return str(exc)
    if isinstance(made, Problem):
        return made.message
    assert isinstance(made, str), f"{make} refused nothing: {made!r}"
    return made


def _last_problem(make):
    def last(ctx: _Ctx) -> Problem:
        with pytest.raises(InputRefused) as refused:
            make(ctx)
        return refused.value.problems[-1]
    return last


def _xlsx(ctx: _Ctx, name: str, sheets: dict[str, dict[str, str]]) -> Path:
    path = ctx.tmp_path / name
    workbook = xlsxwriter.Workbook(path)
    for sheet, cells in sheets.items():
        worksheet = workbook.add_worksheet(sheet)
        for ref, value in cells.items():
            worksheet.write(ref, value)
    workbook.close()
    return path


def _all_rows_hidden(heading: bool = False) -> bytes:
    """A workbook whose data row (or, with heading=True, heading row) is hidden."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("数据")
    sheet.write_row(0, 0, ["指标", "月份", "数值"])
    sheet.write_row(1, 0, ["事件平均解决时间", "2026-10", 6])
    sheet.set_row(0 if heading else 1, None, None, {"hidden": True})
    workbook.close()
    return buffer.getvalue()


def _encrypted() -> bytes:
    """An .xlsx saved with a password to open it (Excel's encryption, made by msoffcrypto-tool)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    plain, encrypted = io.BytesIO(), io.BytesIO()
    workbook = xlsxwriter.Workbook(plain, {"in_memory": True})
    workbook.add_worksheet("数据").write_row(0, 0, ["指标", "2026-10"])
    workbook.close()
    plain.seek(0)
    OOXMLFile(plain).encrypt("secret", encrypted)
    return encrypted.getvalue()


def _unsaved_formulas(ctx: _Ctx) -> Path:
    """A workbook as programs write it: formulas without their results (openpyxl never computes)."""
    path = ctx.tmp_path / "f.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["指标", "月份", "数值", "目标"])
    workbook.active.append(["事件平均解决时间", "2026-05", "=B2*2", "=C2"])
    workbook.save(path)
    return path


def _foreign_duckdb(ctx: _Ctx) -> Path:
    path = ctx.tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE t (x INTEGER)")
    con.close()
    return path


def _newer_store(ctx: _Ctx) -> Path:
    path = ctx.tmp_path / "newer.duckdb"
    Store(path).ensure_schema()
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO schema_version (version, description) VALUES (999, 'from the future')")
    con.close()
    return path


def _cannot_open(ctx: _Ctx):
    path = ctx.file("garbage.duckdb", b"this is not a database " * 400)
    with pytest.raises(StoreError) as refused:
        Store(path).ensure_schema()
    detail = str(refused.value).split("cannot be opened as a store: ", 1)[1]
    return str(refused.value), f"无法将 {path} 作为数据库打开:{detail}"


def _catalogue(columns: dict):
    return lambda ctx: import_catalogue(ctx.store, pd.DataFrame(columns, dtype=object), by="t")


def _scoped(processes, content, **options):
    def make(ctx):
        user = get_user(ctx.store, ctx.user("王磊", "process_owner", processes=processes))
        require_upload_scope(ctx.store, user, ctx.plan("scope.csv", content, **options))
    return make


def _second_upload_replaces_first(ctx):
    first = ctx.load("a.csv", "metric,period,value\nIncident MTTR,2026-05,8\n")
    ctx.load("b.csv", "metric,period,value\nIncident MTTR,2026-05,9\n")
    rollback_upload(ctx.store, first, by="t")


def _later_upload_restates_first(ctx):
    first = ctx.load("a.csv", "metric,period,value\nIncident MTTR,2026-05,8\n")
    ctx.load("b.csv", "metric,period,value\nIncident MTTR,2026-05,8\nIncident MTTR,2026-06,9\n")
    rollback_upload(ctx.store, first, by="t")


def _changed_since_preview(ctx):
    plan = ctx.plan("a.csv", "metric,period,value\nIncident MTTR,2026-05,8\n")
    ctx.load("b.csv", "metric,period,value\nIncident MTTR,2026-05,9\n")
    apply_ingest(ctx.store, plan, by="t")


def _rolled_back_twice(ctx):
    upload = ctx.load("a.csv", "metric,period,value\nIncident MTTR,2026-05,8\n")
    rollback_upload(ctx.store, upload, by="t")
    rollback_upload(ctx.store, upload, by="t")


def _close(data: str | None):
    def make(ctx):
        if data:
            ctx.load("data.csv", data)
        record = ctx.record(metric="Incident MTTR", period="2026-05", source="gap")
        ctx.walk(record, "approved", "implementing", "monitoring", "verified")
        move_record(ctx.store, record, "closed", by="管理员")
    return make


def _pdf_without_chromium(ctx):
    import analytics.report_html

    ctx.monkeypatch.setattr(analytics.report_html, "chromium_path", lambda: None)
    render_report(None, "pdf")


def _spc(content: str):
    return lambda ctx: read_spc_input(ctx.file("spc.csv", content))


def _only_hidden(ctx):
    path = ctx.tmp_path / "a.xlsx"
    workbook = xlsxwriter.Workbook(path)
    workbook.add_worksheet("说明").write("A1", "这是一份说明")
    hidden = workbook.add_worksheet("旧数据")
    hidden.write_row(0, 0, ["指标", "月份", "数值"])
    hidden.write_row(1, 0, ["事件平均解决时间", "2026-05", 6])
    hidden.hide()
    workbook.close()
    return plan_ingest(ctx.store, [(path, "a.xlsx")])


def _in_other_unit(ctx):
    import_catalogue(ctx.store, pd.DataFrame({"name": ["MTTA"], "unit": ["h"]}), by="t")
    return ctx.plan("a.csv", "指标,月份,数值\nMTTA(分钟),2026-05,30\n")


def _computed(window: str, stat: str = "mean"):
    """A baseline computed for Incident MTTR from `window`: what the baseline cases vary."""
    return lambda c: compute_version(c.store, "Incident MTTR", window=window, stat=stat, from_period="2026-01", by="t")


SOURCES_ZH = "服务报告、满意度调查、内部审核、部门例会纪要、客户反馈、管理评审、其他"
STATES_ZH = "已提出、已批准、已驳回、实施中、跟踪中、已验证、已关闭、已取消"
LONG_NAME = "指" * 201

CASES = [
    # files: reading and parsing
    pytest.param(lambda c: c.plan("a.csv", "指标,月份,数值\n事件平均解决时间,,8\n"), "月份为空", id="period-blank"),
    pytest.param(_last_problem(lambda c: c.plan("a.csv", "指标,月份,数值\n" + "事件平均解决时间,2026-05,坏\n" * 205)),
                 "……还有更多问题;请先修正以上问题", id="more-problems"),
    pytest.param(lambda c: c.plan("a.csv", 'metric,period,value\n"' + "a" * 140_000 + '",2026-05,1\n'),
                 "无法读取 CSV 文件(格式有误)", id="csv-unreadable"),
    pytest.param(lambda c: c.plan("a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x07 not a workbook" * 64),
                 "无法打开工作簿(文件可能已损坏或设有密码)", id="workbook-unopenable"),
    pytest.param(lambda c: f"the sheet cannot be read ({type(ValueError('x')).__name__}: bad cell)",  # as written
                 "无法读取该工作表(内容可能已损坏)", id="sheet-unreadable"),
    pytest.param(lambda c: xlsx_package._check_sizes([zipfile.ZipInfo(f"p{i}") for i in range(5001)], "a.xlsx",
                                                     Limits()),
                 "工作簿有 5001 个文件部件,超过上限 5000", id="workbook-parts"),
    pytest.param(lambda c: plan_ingest(c.store, [(_xlsx(c, "a.xlsx", {"数据": {"A1": "指标", "C4": "x"}}), "a.xlsx")],
                                       limits=Limits(max_cells=5)),
                 "工作簿有 12 个单元格(工作表“数据”),超过上限 5", id="workbook-cells"),
    pytest.param(lambda c: plan_ingest(c.store, [(_xlsx(c, "a.xlsx", {"空": {}, "说明": {"A1": "这是一份说明"}}), "a.xlsx")]),
                 "文件中没有数据行(工作表:“空”为空;“说明”只有说明或备注,没有数据表)", id="no-data-sheets"),
    pytest.param(lambda c: c.plan("a.csv", "指标,1月,2月\n事件平均解决时间,6,5\n"),
                 "月份列 B–C(1月 … 2月)没有可确定的年份:请在这些列上方写明年份(如 2026年),或把每个月写成 2026-01",
                 id="months-without-year"),
    pytest.param(lambda c: c.plan("a.csv", "指标,2025年11月,12月,2月\n事件平均解决时间,6,5,4\n"),
                 "“12月”只写了月份、没有年份,旁边的月份也无法确定其年份:请写明年份,如 2026-12 或 2026年12月",
                 id="month-without-year-among-dated"),
    pytest.param(lambda c: c.plan("a.csv", "指标,月份,数值\n事件平均解决时间,1月,5\n事件平均解决时间,2026年3月,6\n"),
                 "“1月”只写了月份、没有年份,旁边的月份也无法确定其年份:请写明年份,如 2026-01 或 2026年1月",
                 id="long-month-without-year"),
    pytest.param(lambda c: c.plan("a.csv", "指标,2025.09,2025.1\n事件平均解决时间,6,5\n"),
                 "“2025.1”可能是被存成数字的 2025-10(Excel 会去掉 2025.10 末尾的 0):请把月份写成 2025-01 或 2025-10",
                 id="month-2025-dot-1"),
    pytest.param(lambda c: plan_ingest(c.store, [(_xlsx(c, "a.xlsx", {"数据": {
        "A1": "指标", "B1": "月份", "C1": "数值", "A2": "事件平均解决时间", "B2": 2025.1, "C2": 5}}), "a.xlsx")]),
                 "单元格中是数字 2025.1(显示为 2025.1 或 2025.10),不是月份:请把月份以文本填写,如 2025-10 或 2025-01",
                 id="month-typed-as-2025-dot-1"),
    pytest.param(lambda c: plan_ingest(c.store, [(_xlsx(c, "a.xlsx", {"数据": {
        "A1": "指标", "B1": "月份", "C1": "数值", "A2": "事件平均解决时间", "B2": 2025.09, "C2": 5}}), "a.xlsx")]),
                 "单元格中是数字 2025.09,不是月份:请把月份以文本填写,如 2025-09", id="month-typed-as-a-number"),
    pytest.param(lambda c: plan_ingest(c.store, [(_xlsx(c, "a.xlsx", {"数据": {
        "A1": "指标", "B1": 2025.1, "C1": 2025.11, "A2": "事件平均解决时间", "B2": 5, "C2": 6}}), "a.xlsx")]),
                 ("B–C 列的表头(2025.1 … 2025.11)是数字,不是月份(Excel 会把单元格中输入的 2025.10 存成数字 2025.1):"
                  "请把每个月份以文本填写,如 2025-11"), id="month-headings-typed-as-numbers"),
    pytest.param(lambda c: (import_catalogue(c.store, pd.DataFrame({"name": ["MTTA"], "unit": ["h"]}), by="t"),
                            c.plan("a.csv", "指标,月份,数值\nMTTA,2026-05,-3.2\n")),
                 "-3.2 小于 0,但“MTTA”以 h 计,不可能为负数:请检查正负号", id="below-zero"),
    pytest.param(lambda c: (import_catalogue(c.store, pd.DataFrame({"name": ["MTTA"], "unit": ["h"]}), by="t"),
                            c.plan("a.csv", "指标,月份,数值,目标\nMTTA,2026-05,3.2,-4\n")),
                 "目标值 -4 小于 0,但“MTTA”以 h 计,不可能为负数:请检查正负号", id="target-below-zero"),
    pytest.param(lambda c: import_catalogue(c.store, pd.DataFrame({"name": ["MTTA"], "unit": ["h"], "target": ["-4"],
                                                                   "from_period": ["2026-01"]}), by="t"),
                 "目标值 -4 小于 0,但“MTTA”以 h 计,不可能为负数:请检查正负号", id="catalogue-below-zero"),
    pytest.param(lambda c: (import_catalogue(c.store, pd.DataFrame({"name": ["MTTA"], "unit": ["h"]}), by="t"),
                            set_version(c.store, "MTTA", baseline=-2.5, target=None, from_period="2026-01", by="t",
                                        reason="r")),
                 "基准值 -2.5 小于 0,但“MTTA”以 h 计,不可能为负数:请检查正负号", id="baseline-below-zero"),
    pytest.param(lambda c: c.plan("a.csv", "指标,实际值\n事件平均解决时间,6\n"),
                 "表格有数值列但没有月份列,且标题、工作表名称和文件名中没有唯一的月份:请添加“月份”列,或在标题中写明月份(如 2026年10月)",
                 id="no-month-column"),
    pytest.param(lambda c: c.plan("a.csv", "月份,事件平均解决时间,事件平均解决时间\n2026-05,6,6\n"),
                 "指标“事件平均解决时间”有两列(B 列和 C 列)", id="metric-two-columns"),
    pytest.param(lambda c: c.plan("a.csv", "年份,月份,指标,数值\n,10,事件平均解决时间,6\n"), "年份为空", id="year-blank"),
    pytest.param(lambda c: c.plan("a.csv", "指标,月份,数值,目标\n事件平均解决时间,2026-05,300分钟,5小时\n"),
                 "“300分钟”以 分钟 计,但该行的单位是 小时:请用同一单位填写该行的数字", id="two-units"),
    pytest.param(lambda c: c.plan("a.csv", "指标,月份,数值\n事件平均解决时间,2026-05,未发生\n"),
                 "“未发生”不是数字:如未发生请填 0;如未统计请留空", id="none-happened"),
    pytest.param(lambda c: c.plan("a.csv", "指标,月份,数值\n事件平均解决时间,2026-05,#REF!\n"),
                 "“#REF!”不是数字,而是 Excel 错误值:请修正公式;没有数值时请清空该单元格", id="excel-error"),
    pytest.param(lambda c: c.plan("a.csv", "指标,月份,数值\n事件平均解决时间,2099-01,5\n"),
                 lambda c: f"“2099-01”尚未开始(本月为 {pd.Timestamp.today():%Y-%m}):请检查年份;只能填写已结束的月份或本月的数值",
                 id="month-not-begun"),
    pytest.param(lambda c: c.plan("a.csv", "指标,月份,数值\n事件平均解决时间,2099-01,5\nSLA达成率,2099-01,95\n"),
                 lambda c: f"“2099-01”尚未开始(本月为 {pd.Timestamp.today():%Y-%m}):请检查年份;只能填写已结束的月份或本月的数值"
                           "(共 2 行:第 2–3 行)", id="month-not-begun-rows"),
    pytest.param(lambda c: c.plan("a.csv", "指标,月份,数值,备注\n事件平均解决时间,2026-05,5,321\n"),
                 "数值 5 和其后一列的 321 像是在逗号处被拆开的 5,321:含逗号的数值(如 1,234.5)须加引号或去掉逗号",
                 id="comma-split-into-note"),
    pytest.param(lambda c: c.plan("a.csv", "指标,月份,数值,目标\n事件平均解决时间,2026-05,5,#VALUE!\n"),
                 "目标值“#VALUE!”不是数字,而是 Excel 错误值:请修正公式;没有数值时请清空该单元格", id="excel-error-target"),
    pytest.param(lambda c: plan_ingest(c.store, [(workbooks.xlsx_with_a_far_off_cell(), "far.xlsx")], isolated=True),
                 "此文件导致读取程序崩溃,未写入任何数据。文件已损坏,或生成它的程序写法有误(例如在表格之外很远处有单元格)。"
                 "请用 Excel 或 WPS 打开,另存为 .xlsx,再上传新文件", id="reader-crashed"),
    pytest.param(lambda c: run_isolated("slow.xlsx", 0.2, time.sleep, 30),
                 "读取此文件超过 0.2 秒,已停止,未写入任何数据。请确认这是月度指标文件(而不是整库导出),或把它拆成几个较小的文件",
                 id="reading-too-long"),
    pytest.param(lambda c: plan_ingest(c.store, [(_unsaved_formulas(c), "f.xlsx")]),
                 "“=B2*2”是公式,文件中没有保存它的计算结果:请用 Excel 或 WPS 打开此文件并重新保存", id="formula-without-result"),
    pytest.param(_last_problem(lambda c: plan_ingest(c.store, [(_unsaved_formulas(c), "f.xlsx")])),
                 "目标值“=C2”是公式,文件中没有保存它的计算结果:请用 Excel 或 WPS 打开此文件并重新保存",
                 id="formula-without-result-target"),
    pytest.param(lambda c: c.plan("s.csv", "服务,指标,月份,数值\n网银,事件平均解决时间,2026-10,5\n核心,事件平均解决时间,2026-10,6\n"),
                 "“事件平均解决时间” 2026-10 出现了两次(另见第 2 行):这些行属于不同的服务(网银、核心);指标目录中需要为每个服务各建一个指标,"
                 "如“核心-事件平均解决时间”", id="two-services"),
    pytest.param(lambda c: c.plan("a.csv", "指标,2026-09,指标,2026-09\n事件平均解决时间,6,SLA达成率,95\n"),
                 "C 列(指标)开始了并排的第二个表格:请把每个表格放在单独的工作表中", id="table-beside"),
    pytest.param(_last_problem(lambda c: c.plan("h.xlsx", _all_rows_hidden(heading=True))),
                 "第 1 行被隐藏(或被筛选掉),未读取:如果表头在其中,请取消隐藏", id="hidden-heading"),
    pytest.param(lambda c: c.plan("h.xlsx", _all_rows_hidden()),
                 "文件中没有数据行(工作表:“数据”的数据行全部被隐藏(或被筛选掉))", id="all-rows-hidden"),
    pytest.param(lambda c: c.plan("p.xlsx", _encrypted()),
                 "工作簿设置了打开密码,无法读取:请在 Excel 或 WPS 中打开,取消密码(文件 > 信息 > 保护工作簿),保存后重新上传",
                 id="password"),
    pytest.param(lambda c: c.plan("a.csv", "指标,2026-09目标,2026-09实际,2026-09计划\n事件平均解决时间,6,5,6\n"),
                 "月份 2026-09 有两个目标列(B 列和 D 列)", id="two-target-columns"),
    pytest.param(lambda c: c.plan("a.csv", "指标,2026-09\n事件平均解决时间,6\n指标,2026-08\n事件平均解决时间,5\n"),
                 "此行开始了另一个表格,表头与第 1 行不同:请把每个表格放在单独的工作表中", id="another-table"),
    pytest.param(lambda c: c.plan("a.csv", "指标,2026Q1,2026Q2\n事件平均解决时间,6,5\n"),
                 "B–C 列(2026Q1 … 2026Q2)是季度而不是月份:看板按月跟踪指标,请每月一列(如 2026-01)", id="quarters"),
    pytest.param(lambda c: c.plan("a.csv", "指标,类型,2026-05\n事件平均解决时间,目标,6\n事件平均解决时间,目标,5\n"
                                           "事件平均解决时间,实际,5.5\n"),
                 "“事件平均解决时间”有两行目标值(另见第 2 行)", id="two-target-rows"),
    pytest.param(lambda c: (import_catalogue(c.store, pd.DataFrame({"name": ["MTTA"], "unit": ["h"]}), by="t"),
                            c.plan("a.csv", "指标,单位,2026-05\nMTTA,分钟,30\n")),
                 "“MTTA”在此处的单位是 分钟,而指标目录中的单位是 h:请先把数值换算为 h", id="unit-column"),
    pytest.param(_in_other_unit, "“MTTA(分钟)”的单位是 分钟,而指标目录中“MTTA”的单位是 h:请先把数值换算为 h",
                 id="unknown-metric-unit"),
    pytest.param(_only_hidden, "文件中没有数据行(工作表:“说明”只有说明或备注,没有数据表;“旧数据”已隐藏,未读取)", id="no-data-hidden"),
    # uploads
    pytest.param(lambda c: c.plan("a.csv", "metric,period,value\n坏\u200b名,2026-05,1\n", create_metrics=True),
                 "无法创建指标“坏\\u200b名”:名称含有控制字符或不可见字符", id="create-invisible"),
    pytest.param(lambda c: c.plan("a.csv", f"metric,period,value\n{LONG_NAME},2026-05,1\n", create_metrics=True),
                 f"无法创建指标“{'指' * 60}”:名称长 201 个字符,最多允许 200 个", id="create-long"),
    pytest.param(lambda c: name_problem("A\u202eB"), "名称含有从右到左等文字方向控制字符", id="name-bidi"),
    pytest.param(lambda c: apply_ingest(c.store, None, by="t", source="邮件"), f"来源“邮件”无效,可选:{SOURCES_ZH}",
                 id="upload-source"),
    pytest.param(_changed_since_preview, "生成预览后数据库已有变化(另一次上传改动了相同的数值);请重新检查文件",
                 id="changed-since-preview"),
    pytest.param(lambda c: rollback_upload(c.store, 9, by="t"), "上传 #9 不存在", id="no-upload"),
    pytest.param(_rolled_back_twice, "上传 #1(“a.csv”)已经回滚过了", id="rolled-back-twice"),
    pytest.param(_second_upload_replaces_first, "上传 #1 无法回滚:其中部分数值后来已被上传 #2 替换;请先回滚 #2",
                 id="rollback-replaced"),
    pytest.param(_later_upload_restates_first, "上传 #1 无法回滚:上传 #2 再次载入了其中部分数值(未改动),且仍然有效;请先回滚 #2",
                 id="rollback-restated"),
    pytest.param(lambda c: load_demo(c.store, datetime.date(2026, 6, 1)),
                 lambda c: f"数据库 {c.store.path} 中已有数据或账户;演示数据只能加载到空数据库", id="demo-not-empty"),
    # upload scope and role checks
    pytest.param(lambda c: require(None, "upload"), "尚未登录,无权上传数据;允许的角色:管理员、改进负责人、流程负责人",
                 id="not-signed-in"),
    pytest.param(lambda c: require(User("访客", "viewer"), "edit_catalogue"), "访客(只读用户)无权编辑指标目录;允许的角色:管理员",
                 id="may-not"),
    pytest.param(_scoped(None, "metric,period,value\nSLA attainment,2026-05,95\n"),
                 "王磊(流程负责人)的账户尚未关联任何流程(请联系管理员),不能上传 'SLA attainment' (SLA)", id="scope-none"),
    pytest.param(_scoped(None, "metric,period,value\n可用性,2026-05,99\n", create_metrics=True),
                 "王磊(流程负责人)的账户尚未关联任何流程(请联系管理员),也不能创建新指标", id="scope-none-create"),
    pytest.param(_scoped(["incident"], "metric,period,value\nSLA attainment,2026-05,95\n可用性,2026-05,99\n",
                         create_metrics=True),
                 "王磊(流程负责人)只能上传所辖流程的数据:incident;不包括 'SLA attainment' (SLA);也不能创建新指标",
                 id="scope-outside-create"),
    # the catalogue
    pytest.param(_catalogue({"unit": ["h"]}), "缺少“名称”(name)列:指标目录每行一个指标,列为 " + ", ".join(CATALOGUE_COLUMNS),
                 id="catalogue-no-name-column"),
    pytest.param(lambda c: import_catalogue_file(c.store, b"unit,process\nh,x\n", by="t", file_name="c.csv"),
                 "找不到指标目录的表头:前几行需要有“名称”(name)列,以及这些列:" + ", ".join(CATALOGUE_COLUMNS),
                 id="catalogue-no-header"),
    pytest.param(_catalogue({"name": [None], "unit": ["h"]}), "指标没有名称", id="catalogue-no-name"),
    pytest.param(_catalogue({"name": ["Availability", "availability"]}), "“availability”出现了两次(首次在第 2 行)",
                 id="catalogue-twice"),
    pytest.param(_catalogue({"name": ["A"], "category": ["速度"]}),
                 "类别“速度”无效,可选:服务质量、服务效果、服务成本、流程执行效率", id="catalogue-category"),
    pytest.param(_catalogue({"name": ["A"], "direction": ["sideways"]}),
                 "方向“sideways”无效,可选:越高越好(increase)、越低越好(decrease)、中性(neutral)", id="catalogue-direction"),
    pytest.param(_catalogue({"name": ["A"], "weight": ["heavy"]}),
                 "“heavy”不是有效的权重:请写数字,默认为 1(为 2 时其差距在优先级中按两倍计)", id="catalogue-weight"),
    pytest.param(_catalogue({"name": ["A"], "tolerance": ["x"]}), "“x”不是有效的容差", id="catalogue-tolerance"),
    pytest.param(_catalogue({"name": ["A"], "unit": ["分钟"], "target": ["≤0.5小时"], "from_period": ["2026-01"]}),
                 "目标“≤0.5小时”以 小时 计,但“A”以 分钟 计:请以 分钟 填写", id="catalogue-unit"),
    pytest.param(_catalogue({"name": ["A"], "target": ["4小时"], "from_period": ["2026-01"]}),
                 "“4小时”不是有效的目标:请写 4,并把单位(小时)写在单位列", id="catalogue-no-unit"),
    pytest.param(_catalogue({"name": ["A"], "unit_cost": ["-5"]}), "“-5”不是有效的单位成本", id="catalogue-unit-cost"),
    pytest.param(_catalogue({"name": ["A"], "target": ["high"]}), "“high”不是有效的目标", id="catalogue-target"),
    pytest.param(_catalogue({"name": ["A"], "decimals": ["1.5"]}), "小数位“1.5”必须是 0 到 6 的整数", id="catalogue-decimals"),
    pytest.param(_catalogue({"name": ["A"], "baseline": ["5"], "from_period": ["soon"]}), "“soon”不是月份(请写成 YYYY-MM)",
                 id="catalogue-from-period"),
    pytest.param(_catalogue({"name": ["A"], "baseline": ["5"]}),
                 "填写基准或目标时需要生效月份(from_period,即开始适用的第一个月)", id="catalogue-needs-from-period"),
    pytest.param(_catalogue({"name": [None]}), "指标目录中没有指标行", id="catalogue-no-rows"),
    pytest.param(_catalogue({"name": ["Availability"], "aliases": ["SLA达成率"]}), "“SLA达成率”已是指标“SLA attainment”的名称:要更新该指标,请在名称列填写“SLA attainment”",
                 id="catalogue-alias-taken"),
    pytest.param(_catalogue({"name": ["A"], "volume_metric": ["Tickets"]}), "业务量指标“Tickets”不在指标目录中",
                 id="catalogue-volume-metric"),
    pytest.param(_catalogue({"name": ["A\u202eB"]}), "名称含有从右到左等文字方向控制字符", id="catalogue-bad-name"),
    # baselines and targets
    pytest.param(lambda c: set_version(c.store, "Incident MTTR", baseline=1, target=None, from_period="soon", by="t",
                                       reason="r"), "生效月份“soon”不是月份;请写成 YYYY-MM", id="baseline-from"),
    pytest.param(lambda c: set_version(c.store, "Incident MTR", baseline=1, target=None, from_period="2026-01", by="t",
                                       reason="r"), "指标目录中没有“Incident MTR”(最接近的:Incident MTTR)",
                 id="baseline-closest"),
    pytest.param(_computed("2025-01:2025-12", stat="mode"),
                 "统计量只能是均值(mean)或中位数(median),不能是“mode”", id="baseline-stat"),
    pytest.param(_computed("2025-01"),
                 "窗口“2025-01”应写成 起始:结束,例如 2025-01:2025-12", id="baseline-window-shape"),
    pytest.param(_computed("2025-13:2025-12"),
                 "窗口起始“2025-13”不是月份;请写成 YYYY-MM", id="baseline-window-start"),
    pytest.param(_computed("2025-01:2025-13"),
                 "窗口结束“2025-13”不是月份;请写成 YYYY-MM", id="baseline-window-end"),
    pytest.param(_computed("2025-12:2025-01"),
                 "窗口“2025-12:2025-01”的结束月份早于起始月份", id="baseline-window-order"),
    # improvement records
    pytest.param(lambda c: raise_record(c.store, title="t", by="路人", source="audit"),
                 "“路人”不是本数据库的用户(请用 `python -m analytics users add 姓名 --role 角色` 添加)", id="record-no-user"),
    pytest.param(lambda c: c.record(source="gap"), "由评审差距提出的记录需要指定指标和月份", id="record-gap-needs-metric"),
    pytest.param(lambda c: c.record(colour="red"), "未知的记录字段:colour", id="record-unknown-field"),
    pytest.param(lambda c: c.record(period="soon"), "月份“soon”无效;请写成 YYYY-MM", id="record-period"),
    pytest.param(lambda c: c.record(source="邮件"), "来源“邮件”无效,可选:评审差距、内部审核、管理评审、周例会、客户反馈、服务报告、"
                 "满意度调查、流程负责人建议", id="record-source"),
    pytest.param(lambda c: c.record(expected_value="很多"), "预期效果(目标值)“很多”不是数字", id="record-expected-value"),
    pytest.param(lambda c: c.record(due_date="明天"), "完成期限“明天”不是日期(请写成 YYYY-MM-DD)", id="record-due-date"),
    pytest.param(lambda c: c.record(expected_by="年底"), "预期达成日期“年底”不是日期(请写成 YYYY-MM-DD)", id="record-expected-by"),
    pytest.param(lambda c: c.record(metric="Incident MTR", period="2026-05", source="gap"),
                 "指标目录中没有“Incident MTR”(最接近的:Incident MTTR)", id="record-closest"),
    pytest.param(lambda c: move_record(c.store, c.record(), "done", by="管理员"), f"状态“done”无效,可选:{STATES_ZH}",
                 id="record-state"),
    pytest.param(lambda c: list_records(c.store, state="open"), f"状态“open”无效,可选:{STATES_ZH}", id="record-list-state"),
    pytest.param(lambda c: move_record(c.store, 99, "approved", by=c.user("管理员", "admin")), "记录 #99 不存在",
                 id="record-missing"),
    pytest.param(lambda c: get_record(c.store, 99), "记录 #99 不存在", id="record-get-missing"),
    pytest.param(lambda c: move_record(c.store, c.record(), "cancelled", by="管理员"), "取消记录时必须填写意见(原因)",
                 id="record-cancel-reason"),
    pytest.param(lambda c: move_record(c.store, c.record(), "rejected", by="管理员"), "驳回记录时必须填写意见(原因)",
                 id="record-reject-reason"),
    pytest.param(lambda c: (r := c.record(), c.walk(r, "approved"), move_record(c.store, r, "implementing", by="管理员")),
                 "实施须经过变更管理:请填写变更单号", id="record-change-ref"),
    pytest.param(lambda c: (r := c.record(), c.walk(r, "approved"),
                            move_record(c.store, r, "implementing", by="管理员", change_ref="CHG-1")),
                 "请填写变更上线月份(YYYY-MM)", id="record-go-live"),
    pytest.param(_close(None), "该记录的指标还没有数据,无法设定新基准", id="record-close-no-data"),
    pytest.param(_close("metric,period,value\nIncident MTTR,2026-05,8\n"),
                 "变更上线以来还没有数据;请直接填写新基准,或等有数据后再关闭", id="record-close-no-data-since"),
    pytest.param(lambda c: "no go-live month recorded; give the new baseline explicitly",  # as written: go-live is
                 "记录中没有上线月份;请直接填写新基准", id="record-close-no-go-live"),      # required to implement
    pytest.param(lambda c: revise_plan(c.store, c.record(), by="管理员", reason="r"), "没有需要修改的内容",
                 id="record-nothing-to-change"),
    pytest.param(lambda c: (r := c.record(), move_record(c.store, r, "cancelled", by="管理员", comment="重复"),
                            move_record(c.store, r, "approved", by="管理员")),
                 "记录 #1 当前为“已取消”,已不能再转换状态(不能转到“已批准”)", id="record-final-state"),
    pytest.param(lambda c: gap_snapshot(c.store, "Incident MTTR", "soon"), "月份“soon”无效;请写成 YYYY-MM",
                 id="snapshot-period"),
    # accounts
    pytest.param(lambda c: add_user(c.store, " ", "viewer", by="t"), "请填写用户名", id="user-no-name"),
    pytest.param(lambda c: add_user(c.store, "x", "boss", by="t"),
                 "角色“boss”无效,可选:管理员、改进负责人、服务负责人、流程负责人、质量管理、只读用户", id="user-role"),
    pytest.param(lambda c: "the two passwords differ; no user was added",  # as written: the CLI asks on a terminal
                 "两次输入的密码不一致,未新增用户", id="cli-passwords-differ"),
    # reports
    pytest.param(lambda c: render_report(None, "doc"), "格式“doc”无效,可选:xlsx, csv, html, pdf", id="report-format"),
    pytest.param(_pdf_without_chromium, "无法生成 PDF:找不到 Chromium 浏览器;请安装 Chromium(运行 make system-packages)",
                 id="report-no-chromium"),
    pytest.param(lambda c: f"cannot make the PDF: {PdfUnavailable('chromium could not print the report: crash')}; "
                           "install chromium (make system-packages)",  # as written: needs a Chromium that fails
                 "无法生成 PDF:Chromium 未能打印报告;请检查服务器上的 Chromium(make system-packages)", id="report-pdf-failed"),
    # the store, backups
    pytest.param(lambda c: Store(_foreign_duckdb(c)).ensure_schema(),
                 lambda c: f"{c.tmp_path / 'other.duckdb'} 是 DuckDB 文件,但不是本产品的数据库;文件未被修改。", id="store-foreign"),
    pytest.param(lambda c: Store(_newer_store(c)).ensure_schema(),
                 lambda c: f"{c.tmp_path / 'newer.duckdb'} 由本产品的较新版本写入(结构版本 999;当前版本最高支持 "
                           f"{LATEST_VERSION})。请先升级本产品;文件未被修改。", id="store-newer"),
    pytest.param(lambda c: "The write was not committed by the database; nothing was changed.",  # as written
                 "数据库未能提交本次写入;未做任何修改。", id="store-not-committed"),
    pytest.param(lambda c: "The schema migration was not committed; the file was not changed.",  # as written
                 "数据库结构升级未能提交;文件未被修改。", id="store-migration-not-committed"),
    pytest.param(lambda c: "The store /srv/csi/store.duckdb is busy: another program (process 4242, /usr/bin/python3) "
                           "is using it. Waited 10 s; nothing was written. Try again when it has finished.",  # as written
                 "数据库 /srv/csi/store.duckdb 正忙:另一个程序(进程 4242,/usr/bin/python3)正在使用。已等待 10 秒,"
                 "未写入任何内容。请稍后再试。", id="store-busy"),
    pytest.param(lambda c: backup(c.store, c.store.path), "备份不能覆盖数据库本身", id="backup-over-store"),
    pytest.param(lambda c: check_backup(c.file("garbage.duckdb", b"not a database " * 400)), "不是本产品的数据库",
                 id="backup-not-duckdb"),
    pytest.param(lambda c: (duckdb.connect(str(c.tmp_path / "empty.duckdb")).close(),
                            check_backup(c.tmp_path / "empty.duckdb")),
                 "该文件是空数据库,不是本产品的数据库", id="backup-empty"),
    pytest.param(lambda c: check_backup(_newer_store(c)),
                 f"该备份来自本产品的较新版本(结构版本 999;当前版本最高支持 {LATEST_VERSION});请先升级本产品", id="backup-newer"),
    pytest.param(lambda c: check_backup(_foreign_duckdb(c)),
                 lambda c: f"{c.tmp_path / 'other.duckdb'} 是 DuckDB 文件,但不是本产品的数据库;文件未被修改。", id="backup-foreign"),
    # the SPC command's CSV
    pytest.param(_spc("metric,value\nA,1\n"),
                 "缺少列:period;表头需要 metric、period、value 列,可选 target、improvement_direction、rebase 列",
                 id="spc-missing-column"),
    pytest.param(_spc("metric,period,value\nA,2026-01,1,5\n"),
                 "该行有 4 个单元格,但表头只有 3 列(是否用逗号作了小数点?请给数字加引号或改用小数点)", id="spc-extra-cell"),
    pytest.param(_spc("metric,period,value\n,2026-01,1\n"), "指标为空", id="spc-metric-blank"),
    pytest.param(_spc("metric,period,value\nA,2026-13,1\n"), "“2026-13”不是月份(请写成 YYYY-MM 或 YYYY-MM-DD)",
                 id="spc-period"),
    pytest.param(_spc("metric,period,value,improvement_direction\nA,2026-01,1,up\n"),
                 "改进方向(improvement_direction)“up”无效,只能是 increase、decrease 或 neutral", id="spc-direction"),
    pytest.param(_spc("metric,period,value,improvement_direction\nA,2026-01,1,increase\nA,2026-02,1,decrease\n"),
                 "指标“A”在前面的行中是“increase”,此处却是“decrease”;同一指标只能有一个改进方向", id="spc-direction-conflict"),
    pytest.param(_spc("metric,period,value,rebase\nA,2026-01,1,2\n"), "rebase“2”只能是 1(从此处开始新分段)、0 或留空",
                 id="spc-rebase"),
    pytest.param(_spc("metric,period,value\nA,2026-01,1\nA,2026-01,2\n"), "“A” 2026-01 出现了两次(首次在第 2 行)",
                 id="spc-twice"),
    pytest.param(_spc('metric,period,value\n"' + "a" * 140_000 + '",2026-01,1\n'), "无法读取的 CSV 文件",
                 id="spc-unreadable"),
    pytest.param(lambda c: f"cannot read the file ({PermissionError(13, 'Permission denied').strerror})",  # as written
                 "无法读取文件", id="spc-cannot-read"),
]


@pytest.mark.parametrize("make, expected", CASES)
def test_every_refusal_has_its_chinese_text(catalogued, tmp_path, monkeypatch, make, expected):
    ctx = _Ctx(catalogued, tmp_path, monkeypatch)
    message = _message(make, ctx)
    expected = expected(ctx) if callable(expected) else expected      # the Chinese names a path in tmp_path
    assert message_text(message, "zh") == expected, message
    assert message_text(message, "en") == message


def test_a_store_that_cannot_be_opened_keeps_the_database_s_reason(tmp_path):
    message, expected = _cannot_open(_Ctx(None, tmp_path, None))
    assert message_text(message, "zh") == expected


def test_the_place_and_the_message_together(catalogued, tmp_path):
    path = _xlsx(_Ctx(catalogued, tmp_path, None), "a.xlsx", {"数据": {"A1": "指标", "B1": "月份", "C1": "数值",
                                                                   "A2": "事件平均解决时间", "C2": "8"}})
    problem = _refusal(catalogued, path)[0]
    assert problem_text(problem, "zh") == "a.xlsx,工作表“数据”,第 2 行,B 列(月份):月份为空"


# -- the guard: a new message in analytics/ without a pattern fails here --------------------------------

ANALYTICS = Path(__file__).resolve().parent.parent / "analytics"
MESSAGE_CALLS = {"Problem", "InputRefused", "NotAllowed", "StoreError", "StoreBusy"}   # what pages show
SAMPLES = ("x", "3", "")   # each f-string placeholder is tried with each of these

# (file, message with {} for each placeholder): why a sample cannot stand for the real values.
NOT_SAMPLED = {
    ("catalogue.py", "'{}' is not a valid {}{}"):
        "the column is one of the catalogue's number columns (weight, ...); see the catalogue-* cases",
    ("catalogue.py", "the {} '{}' is in {}, but '{}' is kept in {}: write it in {}"):
        "the column is one of the catalogue's number columns (target, ...); see the catalogue-unit case",
    ("ingest.py", "cannot create metric {}: {}"):
        "the reason is one of names.name_problem's messages; see the create-* cases",
    ("store.py", "the store {} cannot be used: {}"):
        "the reason is one of store.unusable_path_problem's messages; see test_cli's Chinese refusals",
    ("backup.py", "the backup cannot be written: {}"):
        "the reason is one of store.unusable_path_problem's messages; see test_cli's Chinese refusals",
    ("parsing.py", "{}: unhide them if the table's heading is there"):
        "the first part says which rows are hidden ('row 1 is hidden …'); see the hidden-heading case",
    ("ingest.py", "'{}' {} is also in {}; load one of the two files: {}"):
        "the last part is ingest._disagreement's 'value 8 here, 7 in a.xlsx row 2'; see the two-files case",
}


class _Hole:
    """A placeholder of an f-string (or any non-string part of a concatenation)."""

    def __init__(self, conversion: int = -1):
        self.conversion = conversion


def _alternatives(node: ast.AST, constants: dict[str, str]) -> list[list] | None:
    """The texts a message expression can make, each a list of str and _Hole; None for a computed message."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [[node.value]]
    if isinstance(node, ast.JoinedStr):
        return [[v.value if isinstance(v, ast.Constant) else _Hole(v.conversion) for v in node.values]]
    if isinstance(node, ast.Name) and node.id in constants:
        return [[constants[node.id]]]
    if isinstance(node, ast.IfExp):                  # "a" if ... else "b": both must translate
        body, orelse = _alternatives(node.body, constants), _alternatives(node.orelse, constants)
        return None if body is None or orelse is None else body + orelse
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _alternatives(node.left, constants), _alternatives(node.right, constants)
        if left is None and right is None:
            return None
        return [a + b for a in (left or [[_Hole()]]) for b in (right or [[_Hole()]])]
    return None


def _samples(parts: list) -> list[str]:
    """The message with every combination of sample values in its placeholders (one value for all, when many)."""
    holes = [p for p in parts if isinstance(p, _Hole)]
    combinations = (itertools.product(SAMPLES, repeat=len(holes)) if len(holes) <= 6
                    else [(value,) * len(holes) for value in SAMPLES])
    samples = []
    for values in combinations:
        filled = iter(repr(v) if h.conversion == ord("r") else v for h, v in zip(holes, values))
        samples.append("".join(p if isinstance(p, str) else next(filled) for p in parts))
    return samples


def _written_messages() -> list[tuple[str, int, str, list[str]]]:
    """(file, line, message with {} holes, samples) for every message analytics/ writes as a literal."""
    found = []
    for path in sorted(ANALYTICS.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        constants = {target.id: node.value.value for node in tree.body if isinstance(node, ast.Assign)
                     and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
                     for target in node.targets if isinstance(target, ast.Name)}
        for node in ast.walk(tree):
            messages = []
            if isinstance(node, ast.Call):
                called = getattr(node.func, "id", None) or getattr(node.func, "attr", None)   # Problem or errors.Problem
                if called in MESSAGE_CALLS:
                    messages += node.args[:1] + [k.value for k in node.keywords if k.arg == "message"]
                elif called == "refuse":      # spc_io: refuse(mask, column, lambda i: f"...")
                    messages += [a.body for a in node.args if isinstance(a, ast.Lambda)]
            elif isinstance(node, ast.FunctionDef) and node.name.endswith("_problem"):   # names.name_problem
                messages += [r.value for r in ast.walk(node) if isinstance(r, ast.Return) and r.value is not None]
            for expression in messages:
                for parts in _alternatives(expression, constants) or []:
                    shape = "".join(p if isinstance(p, str) else "{}" for p in parts)
                    found.append((path.name, expression.lineno, shape, _samples(parts)))
    return found


def test_the_guard_sees_the_messages():
    shapes = {(file, shape) for file, _, shape, _ in _written_messages()}
    assert len(shapes) > 100, len(shapes)
    assert ("sheet_layout.py", "the period is blank") in shapes                                  # one side of an if
    assert ("parsing.py", NO_HEADER + "{}") in shapes                                # a module constant and a call
    assert ("auth.py", "wrong name or password; the name is now locked for a while") in shapes    # a concatenation
    assert ("names.py", "the name contains control or invisible characters") in shapes           # name_problem
    assert ("spc_io.py", "the metric is blank") in shapes                                        # spc_io's refuse
    assert set(NOT_SAMPLED) <= shapes, set(NOT_SAMPLED) - shapes                                 # no stale exemption


def test_every_message_analytics_writes_has_a_chinese_pattern():
    untranslated = [f"{file}:{line}: {shape!r}" for file, line, shape, samples in sorted(_written_messages())
                    if (file, shape) not in NOT_SAMPLED
                    and not any(message_text(s, "zh") != s for s in samples)]
    assert not untranslated, "no Chinese pattern in analytics/localise.py _ZH for:\n" + "\n".join(untranslated)


@pytest.mark.parametrize("content, expected", [
    ("2026年服务指标,,\n指标,9月,10月\nMTTR,6.5,6\n", "月份列 B–C 未写年份,已按表格上方的标题读作 2026 年"),
    ("指标,2026-09,2026-10\nMTTR,6.5,6\n合计,6.5,6\n", "1 行合计/平均行已忽略(第 3 行)"),
    ("指标,实际值\nMTTR,6.5\n", "表格没有月份列,已按文件名取为 2026-10"),
    ("月份,目标,MTTR\n2026-09,5,6.5\n", "目标列 B 未读取:每个指标各占一列时,无法判断它是哪个指标的目标"),
    ("指标,类型,2026-09\nMTTR,目标,5\nSLA,实际,95\n", "1 行目标值没有对应的实际值行,已忽略(第 2 行)"),
    ("指标,2026-09\nMTTR,6.5\n指标,2026-09\nSLA,95\n", "1 行重复的表头已忽略(第 3 行)"),
    ("指标,2026-09,2026-10(预估),10月目标\nMTTR,6.5,6,5\n",
     "C 列(2026-10(预估))、D 列(10月目标)含有月份但未读取:只有单独的月份表头或注明(实际)的月份列才作为该月的数值读取"),
    ("指标,月份,数值\nMTTR,2026-09,6.5\n,2026-10,6\nSLA,2026-09,95\n,2026-10,96\n",
     "第 3、5 行没有指标名称,已按上方的指标读取(指标名称只写在其各月的第一行)"),
    ("2026年服务指标,,\n指标,月份,数值\nMTTR,9月,6.5\n", "B 列(月份)中的月份未写年份,已按表格上方的标题读作 2026 年"),
    ("指标,2025年11月,12月,2026年1月\nMTTR,6.5,6,5.5\n", "C 列(12月)未写年份,已按其左侧最近的带年份的月份表头取年份"),
    ("指标,月份,数值\nMTTR,2025年11月,6.5\nMTTR,12月,6\n", "B 列(月份)中第 3 行的月份未写年份,已按其上方最近的带年份的月份取年份"),
])
def test_reading_notes_in_chinese(content, expected):
    parsed = parse_file(content.encode("utf-8-sig"), file_name="2026年10月月报.csv")
    assert [message_text(note, "zh") for note in parsed.warnings] == [expected]


def test_a_year_from_the_file_name_in_chinese():
    parsed = parse_file("指标,9月,10月\nMTTR,6.5,6\n".encode(), file_name="2026年IT服务指标.csv")
    assert [message_text(note, "zh") for note in parsed.warnings] == ["月份列 B–C 未写年份,已按文件名读作 2026 年"]


def test_formulas_without_their_results_note_in_chinese():
    def build(book, xlwt):
        ws = book.add_sheet("数据")
        for c, value in enumerate(["指标", "2026-09", "2026-10"]):
            ws.write(0, c, value)
        for c, value in enumerate(["SLA达成率", 95.1, xlwt.Formula("B2+0.5")]):
            ws.write(1, c, value)
    parsed = parse_file(workbooks.xls(build), file_name="程序导出.xls")
    assert [message_text(note, "zh") for note in parsed.warnings] == [(
        "工作表“数据”:C2 (=B2+0.5) 是公式,文件中没有保存其计算结果(文件由程序生成,此后未在 Excel 或 WPS 中保存过),"
        "已按空白或 0 读取。如果 Excel 中显示了数值,请用 Excel 或 WPS 打开此文件并重新保存")]


@pytest.mark.parametrize("rows, columns, expected", [
    ([2, 4, 5, 6], [1, 4], "工作表“数据”:第 3、5–7 行和 B、E 列被隐藏(或被筛选掉),未读取"),
    ([2], [], "工作表“数据”:第 3 行被隐藏(或被筛选掉),未读取"),
    ([], [3, 4], "工作表“数据”:D–E 列被隐藏(或被筛选掉),未读取"),
])
def test_hidden_rows_and_columns_note_in_chinese(catalogued, tmp_path, rows, columns, expected):
    path = tmp_path / "h.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("数据")
    sheet.write_row(0, 0, ["指标", "2026-09", "2026-10", "2026-11", "备注"])
    for r in range(1, 8):
        sheet.write_row(r, 0, ["事件平均解决时间" if r == 1 else f"指标{r}", 1, 2, 3, "x"])
    for r in rows:
        sheet.set_row(r, None, None, {"hidden": True})
    for c in columns:
        sheet.set_column(c, c, None, None, {"hidden": True})
    workbook.close()
    parsed = parse_file(path, file_name="h.xlsx")
    assert [message_text(note, "zh") for note in parsed.warnings] == [expected]


def test_a_month_sheet_note_in_chinese(catalogued, tmp_path):
    path = _xlsx(_Ctx(catalogued, tmp_path, None), "2026年指标.xlsx",
                 {"9月": {"A1": "指标名称", "B1": "实际值", "A2": "事件平均解决时间", "B2": 6}})
    parsed = parse_file(path, file_name=path.name)
    assert [message_text(note, "zh") for note in parsed.warnings] == [
        "工作表“9月”:表格没有月份列,已按工作表名称(年份取自文件名)取为 2026-09"]


@pytest.mark.parametrize("files, of, expected", [
    ({"r.csv": "指标,月份,数值\n事件平均解决时间,2026-05,6\n事件平均解决时间,2026-05,6\n"}, 0,
     "“事件平均解决时间” 2026-05:第 3 行与第 2 行的数值相同,只读取一次"),
    ({"a.csv": "指标,月份,数值\n事件平均解决时间,2026-05,6\n",
      "b.csv": "指标,月份,数值\n事件平均解决时间,2026-05,6\nSLA达成率,2026-05,95\n"}, 1,
     "“事件平均解决时间” 2026-05 也在 a.csv 中,数值相同:只从该文件读取"),
    ({"g.csv": "指标,2026-09\n一、质量指标,\n事件平均解决时间,6\n"}, 0,
     "第 2 行:“一、质量指标”没有数值,也不是目录中的指标:视为分组标题,已忽略"),
], ids=["repeated-value", "value-in-another-file", "group-heading"])
def test_notes_of_a_plan_in_chinese(catalogued, tmp_path, files, of, expected):
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    plan = plan_ingest(catalogued, [(tmp_path / name, name) for name in files])
    assert [message_text(note, "zh") for note in plan.files[of].parsed.warnings] == [expected]


def test_a_file_target_note_in_chinese_names_the_metric_by_its_chinese_name():
    note = ("'Incident MTTR': the file's target (5) differs from the catalogue's (6) for 2026-09 … 2026-10; values are "
            "compared with the catalogue's: change it under Metrics & baselines if the file is right")
    assert message_text(note, "zh", {"Incident MTTR": "事件平均解决时间"}) == (
        "“事件平均解决时间”:文件中的目标(5)与指标目录中的目标(6)不同(2026-09 … 2026-10);数值按指标目录的目标比较:"
        "如以文件为准,请在“指标与基准”页修改")
    assert message_text("… and 3 more metrics whose file targets differ from the catalogue's", "zh") == (
        "……另有 3 个指标的文件目标与指标目录不同")


def test_scale_warnings_in_chinese(store, tmp_path):
    names = ["SLA", "MTTR", "MTTA", "Wait", "Page load", "Cost", "Budget", "FCR", "Lead time", "Backlog age", "CSAT"]
    import_catalogue(store, pd.DataFrame({"name": names, "unit": ["%", "h", "min", "min", "s", "元", "万元", "%", "h", "d",
                                                                  "score"]}), by="t")
    history = tmp_path / "h.csv"
    history.write_text("metric,period,value\n" + "".join(f"{n},2026-01,{v}\n" for n, v in zip(
        names, [95, 6, 12, 10, 30, 400, 2, 70, 68, 3, 4.47], strict=True)), encoding="utf-8")
    apply_ingest(store, plan_ingest(store, [(history, "h.csv")]), by="t")
    month = tmp_path / "m.csv"
    month.write_text("metric,period,value\n" + "".join(f"{n},2026-02,{v}\n" for n, v in zip(
        names, [0.95, 360, 0.2, 600, 0.5, 0.04, 20_000, 7000, 2.8, 72, 89.4], strict=True)), encoding="utf-8")
    doubts = plan_ingest(store, [(month, "m.csv")]).files[0].doubts
    assert [message_text(doubt.text(), "zh") for doubt in doubts] == [
        "“SLA”以 % 计,但本文件中的数值(中位数 0.95)只有以往数值(中位数 95)的约百分之一:是否把百分比写成了小数(如 95% 写成 0.95)?",
        "“MTTR”以 h 计,但本文件中的数值(中位数 360)约为以往数值(中位数 6)的 60 倍:是否把分钟数当成了小时数?",
        "“MTTA”以 min 计,但本文件中的数值(中位数 0.2)只有以往数值(中位数 12)的约六十分之一:是否把小时数当成了分钟数?",
        "“Wait”以 min 计,但本文件中的数值(中位数 600)约为以往数值(中位数 10)的 60 倍:是否把秒数当成了分钟数?",
        "“Page load”以 s 计,但本文件中的数值(中位数 0.5)只有以往数值(中位数 30)的约六十分之一:是否把分钟数当成了秒数?",
        "“Cost”以 元 计,但本文件中的数值(中位数 0.04)只有以往数值(中位数 400)的约万分之一:是否把以万元计的金额当成了元?",
        "“Budget”以 万元 计,但本文件中的数值(中位数 20000)约为以往数值(中位数 2)的 1 万倍:是否把以元计的金额当成了万元?",
        "“FCR”以 % 计,但本文件中的数值(中位数 7000)约为以往数值(中位数 70)的 100 倍:是否在设为百分比格式的单元格中填了百分数(95 显示为 9500%)?",
        # 2.8 / 68 = 1/24.3: days for hours; 72 / 3 = 24: hours for days; 89.4 / 4.47 = 20: a 满意率 for a 5-point score
        "“Lead time”以 h 计,但本文件中的数值(中位数 2.8)只有以往数值(中位数 68)的约二十四分之一:是否把天数当成了小时数?",
        "“Backlog age”以 d 计,但本文件中的数值(中位数 72)约为以往数值(中位数 3)的 24 倍:是否把小时数当成了天数?",
        ("“CSAT”以 score 计,但本文件中的数值(中位数 89.4)约为以往数值(中位数 4.47)的 10 到 40 倍:是否把百分比(满意率 89%)"
        "或百分制得分当成了这一得分?")]


def test_a_fraction_or_a_hundredfold_among_percentages_in_chinese(store, tmp_path):
    """SLA: 0.96 against the median of 95 and 97 (96); FCR: 9,100 (91 in a percent cell) against the
    median of 90 and 92 (91)."""
    import_catalogue(store, pd.DataFrame({"name": ["SLA", "FCR"], "unit": ["%", "%"]}), by="t")
    month = tmp_path / "m.xlsx"
    workbook = xlsxwriter.Workbook(month)
    sheet = workbook.add_worksheet("数据")
    sheet.write_row(0, 0, ["指标", "2026-01", "2026-02", "2026-03"])
    sheet.write_row(1, 0, ["SLA", 95, 0.96, 97])
    sheet.write_row(2, 0, ["FCR", 90, 92])
    sheet.write_number(2, 3, 91, workbook.add_format({"num_format": "0%"}))
    workbook.close()
    doubts = plan_ingest(store, [(month, "m.xlsx")]).files[0].doubts
    assert [message_text(doubt.text(), "zh") for doubt in doubts] == [
        "“SLA”以 % 计,但本文件中的 0.96 (数据!C2) 只有其他数值(中位数 96)的约百分之一:是否把百分比写成了小数(如 95% 写成 0.95)?",
        ("“FCR”以 % 计,但本文件中的 9100 (数据!D3) 约为其他数值(中位数 91)的 100 倍:是否在设为百分比格式的单元格中填了百分数"
        "(95 显示为 9500%)?")]


def test_catalogue_metrics_in_refusals_by_the_names_a_chinese_reader_knows(store, tmp_path):
    import_catalogue(store, pd.DataFrame({"name": ["Incident MTTR", "Incident MTTA"], "name_zh": ["事件平均解决时间", "平均响应时间"],
                                          "unit": ["h", "min"]}), by="t")
    path = tmp_path / "a.csv"
    path.write_text("metric,period,value\nIncident MTTx,2026-05,1\n事件平均解决时间(分钟),2026-05,300\n", encoding="utf-8")
    names = {"Incident MTTR": "事件平均解决时间", "Incident MTTA": "平均响应时间"}
    assert [problem_text(problem, "zh", names) for problem in _refusal(store, path)[:2]] == [
        "a.csv,第 2 行,A 列(metric):指标目录中没有“Incident MTTx”(最接近的:“事件平均解决时间”、“平均响应时间”)",
        "a.csv,第 3 行,A 列(metric):“事件平均解决时间(分钟)”的单位是 分钟,而指标目录中“事件平均解决时间”的单位是 h:请先把数值换算为 h"]


def test_an_upload_scope_refusal_names_the_metrics_by_their_chinese_names(catalogued, tmp_path):
    """catalogued: Incident MTTR (事件平均解决时间, incident) and SLA attainment (SLA达成率, SLA)."""
    import_catalogue(catalogued, pd.DataFrame({"name": ["Change success"], "process": ["change"]}), by="t")
    content = "metric,period,value\nSLA attainment,2026-05,95\nIncident MTTR,2026-05,6\n"
    with pytest.raises(NotAllowed) as refused:
        _scoped(["change"], content)(_Ctx(catalogued, tmp_path, None))
    names = {"Incident MTTR": "事件平均解决时间", "SLA attainment": "SLA达成率"}
    assert message_text(str(refused.value), "zh", names) == (
        "王磊(流程负责人)只能上传所辖流程的数据:change;不包括 “事件平均解决时间” (incident)、“SLA达成率” (SLA)")


@pytest.mark.parametrize("message", [
    ("2 unknown metric name(s): add them to the catalogue (metrics import) or load with --create-metrics; "
    "nothing was written"),
    "unknown metrics; load with --create-metrics",
])
def test_a_refusal_asking_to_create_metrics_names_the_checkbox_as_the_upload_page_labels_it(message):
    """Found by exploratory testing: the zh refusal said tick “创建新指标”, a box the page does not have."""
    assert f"勾选“{t('upload.create_metrics', 'zh')}”" in message_text(message, "zh")
    assert t("upload.create_metrics", "zh") == "自动创建目录中没有的指标"
    english = message_text(message, "en")            # the English page names it too, not the command line's option
    assert f"tick “{t('upload.create_metrics', 'en')}”" in english and "--create-metrics" not in english
    assert problem_text(Problem(message, file="a.csv"), "en") == str(Problem(english, file="a.csv"))
