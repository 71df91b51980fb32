"""The annual plan roll-up: which records belong to a year, buckets, on-time closure, effects."""

from __future__ import annotations

import datetime
import io

import pandas as pd
import pytest

from analytics.annual_plan import annual_plan, localised_groups, localised_records
from analytics.catalogue import import_catalogue
from analytics.ingest import apply_ingest, plan_records
from analytics.records import move_record, raise_record
from analytics.users import add_user


@pytest.fixture
def people(store):
    import_catalogue(store, pd.DataFrame({"name": ["MTTR"], "process": ["incident"], "category": ["efficiency"],
                                          "direction": ["decrease"], "target": [6.0], "from_period": ["2025-01"]}),
                     by="t")
    values = [9.0, 9.2, 8.8, 9.1, 8.9, 9.0, 6.0, 6.2, 5.8, 6.1, 5.9, 6.0]    # a step down from July 2025
    apply_ingest(store, plan_records(store, pd.DataFrame({
        "metric": "MTTR", "period": [f"2025-{m:02d}" for m in range(1, 13)], "value": values}), "v.csv"), by="t")
    for name, role in (("owner", "improvement_owner"), ("boss", "service_owner"), ("qa", "quality")):
        add_user(store, name, role, by="t")
    return store


def _set(store, record_id, **columns):
    with store.write() as con:
        con.execute("UPDATE improvement_record SET " + ", ".join(f"{k} = ?" for k in columns) + " WHERE id = ?",
                    [*columns.values(), record_id])


def _closed(store, title, due, closed_at):
    rid = raise_record(store, title=title, by="owner", metric="MTTR", period="2025-06", due_date=due)
    move_record(store, rid, "approved", by="boss")
    move_record(store, rid, "implementing", by="owner", change_ref="CHG-1", go_live="2025-07")
    move_record(store, rid, "monitoring", by="qa")
    move_record(store, rid, "verified", by="boss")
    move_record(store, rid, "closed", by="boss")
    _set(store, rid, closed_at=closed_at, updated_at=closed_at, raised_at=datetime.datetime(2025, 6, 1))
    return rid


def test_annual_roll_up(people):
    on_time = _closed(people, "on time", "2025-12-31", datetime.datetime(2025, 12, 20))
    late = _closed(people, "late", "2025-11-30", datetime.datetime(2025, 12, 20))
    cancelled = raise_record(people, title="dropped", by="owner", source="audit")
    move_record(people, cancelled, "cancelled", by="owner", comment="duplicate")
    _set(people, cancelled, raised_at=datetime.datetime(2025, 3, 1), updated_at=datetime.datetime(2025, 3, 2))
    old = raise_record(people, title="from 2024, still open", by="owner", source="meeting")
    _set(people, old, raised_at=datetime.datetime(2024, 10, 1))
    finished_2024 = raise_record(people, title="ended in 2024", by="owner", source="meeting")
    move_record(people, finished_2024, "cancelled", by="owner", comment="no longer needed")
    _set(people, finished_2024, raised_at=datetime.datetime(2024, 2, 1), updated_at=datetime.datetime(2024, 3, 1))

    plan = annual_plan(people, 2025)
    rows = plan.records.set_index("id")
    assert set(rows.index) == {on_time, late, cancelled, old}          # the one that ended in 2024 is not in 2025
    assert rows.loc[on_time, "bucket"] == "closed" and rows.loc[cancelled, "bucket"] == "stopped"
    assert rows.loc[old, "bucket"] == "planned"
    assert (rows.loc[on_time, "on_time"], rows.loc[late, "on_time"]) == (True, False)
    # before go-live: (9.0+9.2+8.8+9.1+8.9+9.0)/6 = 9.0; after: (6.0+6.2+5.8+6.1+5.9+6.0)/6 = 6.0
    assert rows.loc[on_time, "before_mean"] == pytest.approx(9.0)
    assert rows.loc[on_time, "after_mean"] == pytest.approx(6.0)
    # MTTR is lower-is-better: the change 6.0 - 9.0 = -3.0 is an effect of +3.0 (better)
    assert rows.loc[on_time, "change"] == pytest.approx(-3.0) and rows.loc[on_time, "effect"] == pytest.approx(3.0)
    assert rows.loc[on_time, "outcome"] == "improved" and rows.loc[on_time, "verdict"] == "effective"
    # raised in 2025: on time, late, cancelled (the 2024 ones were raised before)
    assert plan.summary == {"raised": 3, "closed": 2, "closed_on_time": 1, "closed_with_due_date": 2,
                            "effective": 2, "share_effective": 1.0, "open_at_year_end": 1}
    group = plan.by_group.set_index(["process", "category"])
    assert group.loc[("incident", "efficiency"), "closed"] == 2
    # a Chinese reader is told the process (and category) in Chinese, on the page and in the export
    assert localised_groups(plan, "zh").set_index(["process", "category"]).loc[("事件管理", "流程执行效率"), "closed"] == 2
    assert localised_records(plan, "zh").set_index("id").loc[on_time, "process"] == "事件管理"
    assert localised_records(plan, "en").set_index("id").loc[on_time, "process"] == "incident"
    assert group.loc[("–", "–"), ["planned", "stopped"]].tolist() == [1, 1]
    assert annual_plan(people, 2023).records.empty


def _record_on(store, metric, direction, before, after, title):
    """A record raised in June 2025 on a metric of its own: six months `before` (2025-01..06), go-live
    2025-07, then `after`."""
    import_catalogue(store, pd.DataFrame({"name": [metric], "process": ["service desk"], "category": ["quality"],
                                          "direction": [direction], "from_period": ["2025-01"]}), by="t")
    apply_ingest(store, plan_records(store, pd.DataFrame({
        "metric": metric, "period": [f"2025-{m:02d}" for m in range(1, 7 + len(after))],
        "value": before + after}), f"{metric}.csv"), by="t")
    rid = raise_record(store, title=title, by="owner", metric=metric, period="2025-06")
    move_record(store, rid, "approved", by="boss")
    move_record(store, rid, "implementing", by="owner", change_ref="CHG-2", go_live="2025-07")
    _set(store, rid, raised_at=datetime.datetime(2025, 6, 2))
    return rid


def test_effect_is_signed_so_that_plus_is_better(people):
    mttr = _closed(people, "shorter MTTR", "2025-12-31", datetime.datetime(2025, 12, 20))
    fcr = _record_on(people, "FCR", "increase", [80.0, 81.0, 79.0, 80.0, 81.0, 79.0], [79.0, 80.0, 78.0, 79.0],
                     "=HYPERLINK(\"http://x\")")
    calls = _record_on(people, "Calls", "neutral", [100.0] * 6, [110.0] * 3, "calls")

    rows = annual_plan(people, 2025).records.set_index("id")
    # MTTR, lower is better: change 6.0 - 9.0 = -3.0, effect +3.0, better
    assert (rows.loc[mttr, "change"], rows.loc[mttr, "effect"], rows.loc[mttr, "outcome"]) == (
        pytest.approx(-3.0), pytest.approx(3.0), "improved")
    # FCR, higher is better: before (80+81+79+80+81+79)/6 = 80, after (79+80+78+79)/4 = 79;
    # change 79 - 80 = -1, effect -1 (on the worse side): the same sign as MTTR's change, the opposite
    # meaning. A fall of 1 well inside its confidence interval: the verification says 'not yet', so the
    # outcome is no clear change, not 'worse' beside 'not yet' (found by exploratory testing)
    assert (rows.loc[fcr, "change"], rows.loc[fcr, "effect"], rows.loc[fcr, "outcome"], rows.loc[fcr, "verdict"]) == (
        pytest.approx(-1.0), pytest.approx(-1.0), "unchanged", "not_yet")
    # a neutral metric has no better side: the change (110 - 100 = 10) only
    assert rows.loc[calls, "change"] == pytest.approx(10.0)
    assert pd.isna(rows.loc[calls, "effect"]) and pd.isna(rows.loc[calls, "outcome"])


def test_plan_export_from_the_command_line(people, cli, tmp_path):
    import io

    import openpyxl

    mttr = _closed(people, "shorter MTTR", "2025-12-31", datetime.datetime(2025, 12, 20))
    fcr = _record_on(people, "FCR", "increase", [80.0, 81.0, 79.0, 80.0, 81.0, 79.0], [79.0, 80.0, 78.0, 79.0],
                     "=HYPERLINK(\"http://x\")")

    code, out, err = cli("plan", "--year", "2025", "--lang", "zh", "--format", "xlsx", "--output",
                         tmp_path / "plan.xlsx")
    assert (code, err) == (0, "") and "2 records" in out
    book = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    assert book.sheetnames == ["摘要", "改进记录"]
    figures = {row[0]: row[1] for row in book["摘要"].iter_rows(values_only=True) if row[0]}
    # raised in 2025: both; closed: MTTR on time (2025-12-20 <= 2025-12-31), verified effective: 1 of 1
    assert (figures["提出的记录"], figures["已关闭"], figures["按期关闭"], figures["验证有效"]) == (2, 1, 1, 1)
    assert (figures["计划中"], figures["进行中"], figures["已驳回或取消"]) == (0, 1, 0)
    rows = list(book["改进记录"].iter_rows(values_only=True))
    header = rows[0]
    records = {row[0]: dict(zip(header, row)) for row in rows[1:]}
    assert records[fcr]["标题"] == "=HYPERLINK(\"http://x\")"       # as typed, in a quote-prefixed text cell
    title = next(cell for cell in book["改进记录"]["B"] if cell.value == records[fcr]["标题"])
    assert title.data_type == "s" and title.quotePrefix                  # text, never a formula
    assert records[fcr]["效果(+ 为改善)"] == pytest.approx(-1.0) and records[fcr]["改善或变差"] == "无明显变化"
    assert records[mttr]["效果(+ 为改善)"] == pytest.approx(3.0) and records[mttr]["改善或变差"] == "改善"
    assert records[mttr]["阶段"] == "已关闭" and records[mttr]["指标"] == "MTTR" and records[mttr]["按期"] == "是"

    code, out, err = cli("plan", "--year", "2025", "--lang", "en", "--format", "csv")
    assert code == 0 and out.startswith("\ufeff#,Title,Stage")
    csv = pd.read_csv(io.StringIO(out.lstrip("\ufeff"))).set_index("#")
    assert csv.loc[fcr, "Title"] == "'=HYPERLINK(\"http://x\")"
    assert csv.loc[fcr, "Better or worse"] == "No clear change" and csv.loc[mttr, "Effect (+ = better)"] == pytest.approx(3.0)
    assert csv.loc[mttr, "Raised at"] == "2025-06-01 00:00"        # to the minute, not to the microsecond
    code, out, _ = cli("plan", "--year", "2025", "--format", "csv", "--output", tmp_path / "plan.csv")
    assert code == 0 and (tmp_path / "plan.csv").read_bytes().startswith(b"\xef\xbb\xbf")

    code, out, _ = cli("plan", "--year", "2025", "--format", "json")
    import json
    payload = json.loads(out)
    assert payload["summary"]["closed_on_time"] == 1 and payload["stages"]["closed"] == 1
    assert {r["id"]: r["outcome"] for r in payload["records"]} == {mttr: "improved", fcr: "unchanged"}
    code, out, _ = cli("plan", "--year", "2025")
    assert code == 0 and "stage closed: 1" in out and "unchanged" in out

    code, out, err = cli("plan", "--year", "2025", "--format", "xlsx", "--output", tmp_path / "no" / "plan.xlsx")
    assert code == 1 and "Traceback" not in err
    assert f"cannot write the annual plan to {tmp_path / 'no' / 'plan.xlsx'}: its folder does not exist" in err
    assert cli("plan", "--format", "xlsx")[0] == 2               # xlsx needs a file
    assert cli("plan", "--year", "25")[0] == 2


def test_plan_page_shows_the_effect_signed_and_offers_the_export(people, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    _closed(people, "shorter MTTR", "2025-12-31", datetime.datetime(2025, 12, 20))
    fcr = _record_on(people, "FCR", "increase", [80.0, 81.0, 79.0, 80.0, 81.0, 79.0], [79.0, 80.0, 78.0, 79.0],
                     "newer script")
    monkeypatch.setenv("CSI_DB", str(people.path))
    monkeypatch.setenv("CSI_AUTH", "off")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["lang"] = "zh"
    at.run()
    at.switch_page("pages/plan.py")
    at.run()
    at.selectbox(key="plan_year").set_value(2025).run()
    assert not at.exception, at.exception
    effect = at.dataframe[1].value.set_index("id")
    # FCR fell from 80 to 79 and higher is better: -1, 变差 (the view that fits 1400 px)
    assert list(effect.columns) == ["title", "metric", "before_mean", "after_mean", "effect", "outcome", "verdict"]
    assert effect.loc[fcr, "effect"] == pytest.approx(-1.0) and effect.loc[fcr, "outcome"] == "无明显变化"
    buttons = at.get("download_button")
    assert [b.proto.label for b in buttons] == ["下载年度计划(XLSX)"]


def test_the_plan_csv_writes_means_to_six_significant_digits(people):
    """Found by exploratory testing: 11.827272727272726 in the CSV a manager opens in Excel."""
    from analytics.annual_plan import plan_csv

    fcr = _record_on(people, "FCR", "increase", [80.0, 81.0, 79.0, 80.0, 81.0, 79.0], [79.0, 80.0, 78.0, 79.0], "fcr")
    plan = annual_plan(people, 2025)
    plan.records.loc[plan.records["id"] == fcr, "before_mean"] = 130.1 / 11
    rows = pd.read_csv(io.BytesIO(plan_csv(plan, "en")), dtype=str, encoding="utf-8-sig").set_index("#")
    assert rows.loc[str(fcr), "Before go-live"] == "11.8273" and rows.loc[str(fcr), "Effect (+ = better)"] == "-1"
