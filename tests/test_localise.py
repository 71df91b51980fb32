"""Refusals in Chinese for the dashboard: real refusals from real files and real role checks,
with the place (file, sheet, row, column) rewritten from the Problem's fields."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analytics.auth import require_upload_scope
from analytics.catalogue import import_catalogue
from analytics.errors import InputRefused, NotAllowed, Problem
from analytics.ingest import plan_ingest
from analytics.localise import message_text, problem_text
from analytics.records import move_record, raise_record
from analytics.users import add_user, get_user

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
    assert any(t.startswith("五月.csv,第 4 行:指标目录中没有“可用性”") for t in texts), texts
    assert "五月.csv:1 个指标名称不在指标目录中" in " ".join(texts)
    for problem, text in zip(problems, texts):
        outside_quotes = re.sub(r"“[^”]*”|'[^']*'", "", text)
        assert not ENGLISH_WORD.search(outside_quotes), (str(problem), text)


@pytest.mark.parametrize("content, expected", [
    (b"", "empty.csv:文件是空的"),
    (b"\x00\x01\x02\x03binary junk\xff\xfe" * 50, "empty.csv:这是二进制文件,不是 CSV 或 Excel 工作簿"),
    ("说明\n这是一份说明\n".encode(), "empty.csv:找不到表头行"),
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


def test_a_message_without_a_translation_stays_whole_in_english():
    assert message_text("something new went wrong", "zh") == "something new went wrong"
    assert problem_text(Problem("something new", file="a.csv", row=3), "en") == "a.csv, row 3: something new"
    assert problem_text(Problem("something new", file="a.csv", row=3), "zh") == "a.csv,第 3 行:something new"
