"""The metric catalogue: import (English and Chinese headers), validation, matching, round trip."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
import xlsxwriter

from analytics.catalogue import (
    CATALOGUE_COLUMNS,
    edited_rows,
    import_catalogue,
    import_catalogue_file,
    list_metrics,
    metric_lookup,
    metrics_as_shown,
)
from analytics.errors import InputRefused, column_letter
from analytics.localise import message_text
from analytics.names import other_unit, process_shown
from analytics.parsing import EXAMPLE_SHEET
from tests.conftest import load_through_cli

CATALOGUE_CSV = """name,name_en,name_zh,aliases,unit,category,direction,service,process,owner,weight,tolerance,decimals,definition,baseline,target,from_period
Incident MTTR,Incident mean time to resolve,事件平均解决时间,MTTR;平均修复时间,h,efficiency,decrease,IT operations,incident,张伟,4,0.5,1,Mean hours from logging to resolution,8,6,2024-01
SLA attainment,SLA attainment,SLA 达成率,SLA达成率,%,quality,increase,IT operations,SLA,李娜,5,1,1,Share of tickets resolved within SLA,92,95,2024-01
Capacity utilisation,Capacity utilisation,容量利用率,,%,efficiency,neutral,Data centre,capacity,王强,1,5,0,Mean CPU utilisation,,,
"""


def _write_csv(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def test_import_from_csv_and_list(store, cli, tmp_path):
    path = _write_csv(tmp_path / "catalogue.csv", CATALOGUE_CSV, "utf-8-sig")
    code, out, err = cli("metrics", "import", path)
    assert code == 0, err
    assert "3 metrics created" in out and "2 baseline/target versions added" in out
    frame = list_metrics(store)
    assert frame["name"].tolist() == ["Incident MTTR", "SLA attainment", "Capacity utilisation"]
    mttr = frame.iloc[0]
    assert (mttr["direction"], mttr["category"], mttr["weight"], mttr["tolerance"]) == ("decrease", "efficiency", 4, 0.5)
    assert (mttr["baseline"], mttr["target"], mttr["from_period"]) == (8, 6, "2024-01")


def test_chinese_headers_and_words_are_accepted(store, cli, tmp_path):
    path = tmp_path / "目录.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("指标目录")
    ws.write_row(0, 0, ["名称", "中文名称", "单位", "类别", "方向", "流程", "权重", "容差", "小数位", "基准", "目标", "生效期间"])
    ws.write_row(1, 0, ["Change success rate", "变更成功率", "%", "服务质量", "越高越好", "change", 3, 1, 1, 90, 95, "2025-01"])
    wb.close()
    code, _, err = cli("metrics", "import", path)
    assert code == 0, err
    row = list_metrics(store).iloc[0]
    assert (row["name_zh"], row["category"], row["direction"], row["target"]) == ("变更成功率", "quality", "increase", 95)


def test_names_match_after_nfkc_casefold_trim_and_aliases(store, cli, tmp_path):
    cli("metrics", "import", _write_csv(tmp_path / "c.csv", CATALOGUE_CSV))
    with store.read() as con:
        lookup = metric_lookup(con)
    mttr = lookup.match("Incident MTTR")
    assert mttr is not None
    for spelling in ["  incident mttr ", "ＩＮＣＩＤＥＮＴ　ＭＴＴＲ", "INCIDENT  MTTR", "mttr", "平均修复时间", "事件平均解决时间",
                     "Incident mean time to resolve"]:
        assert lookup.match(spelling) == mttr, spelling
    assert lookup.match("Incident MTTA") is None
    assert "Incident MTTR" in lookup.closest("Incident MTTA")
    # a line break or space beside a Chinese character (a narrow Excel column) is not part of the name;
    # between Latin words it is
    for spelling in ["事件平均\n解决时间", "事件 平均解决时间", "平均修复\r\n时间"]:
        assert lookup.match(spelling) == mttr, spelling
    sla = lookup.match("SLA attainment")
    assert lookup.match("SLA 达成率") == lookup.match("SLA\n达成率") == sla
    assert lookup.match("IncidentMTTR") is None


def test_spaces_beside_chinese_do_not_decide_between_two_metrics(store):
    """When two catalogue names differ only there, neither is guessed from a third spelling."""
    import_catalogue(store, pd.DataFrame({"name": ["事件 平均解决时间", "事件平均 解决时间", "可用性"]}), by="t")
    with store.read() as con:
        lookup = metric_lookup(con)
    first, second = lookup.match("事件 平均解决时间"), lookup.match("事件平均 解决时间")
    assert first is not None and second is not None and first != second
    assert lookup.match("事件平均解决时间") is None
    assert lookup.match("可\n用 性") is not None


def test_export_import_round_trip(store, cli, tmp_path):
    cli("metrics", "import", _write_csv(tmp_path / "c.csv", CATALOGUE_CSV))
    code, exported, _ = cli("metrics", "--format", "csv")
    assert code == 0
    assert exported.splitlines()[0] == ",".join(CATALOGUE_COLUMNS)
    again = tmp_path / "again.csv"
    again.write_text(exported, encoding="utf-8")
    code, out, err = cli("metrics", "import", again)
    assert code == 0, err
    assert "0 metrics created, 0 updated, 0 baseline/target versions added" in out     # nothing to change
    code, exported_twice, _ = cli("metrics", "--format", "csv")
    assert exported_twice == exported


def _catalogue_changed(path, changes: dict[int, dict[str, str]]):
    """CATALOGUE_CSV with some cells changed ({row index: {column: text}}), written to path."""
    rows = list(csv.DictReader(io.StringIO(CATALOGUE_CSV)))
    for i, cells in changes.items():
        rows[i].update(cells)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CATALOGUE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return _write_csv(path, buffer.getvalue())


@pytest.mark.parametrize(
    "column, bad, message",
    [("direction", "upwards", "direction 'upwards' is not one of increase, decrease, neutral"),
     ("category", "speed", "category 'speed' is not one of"),
     ("weight", "heavy", "'heavy' is not a valid weight: write a number, 1 by default (2 counts its gaps twice"),
     ("target", "5分钟", "the target '5分钟' is in 分钟, but 'SLA attainment' is kept in %: write it in %"),
     ("decimals", "2.5", "decimals '2.5' must be a whole number"),
     ("from_period", "someday", "'someday' is not a month")],
)
def test_bad_catalogue_rows_are_refused_with_row_and_column(store, cli, tmp_path, column, bad, message):
    code, _, err = cli("metrics", "import", _catalogue_changed(tmp_path / "bad.csv", {1: {column: bad}}))
    assert code == 1
    assert message in err
    letter = column_letter(CATALOGUE_COLUMNS.index(column))
    assert f"bad.csv, row 3, column {letter} ({column})" in err
    assert list_metrics(store).empty


@pytest.mark.parametrize("column", ["baseline", "target"])
def test_a_baseline_or_target_below_zero_for_a_duration_is_refused(store, cli, tmp_path, column):
    """-6 h for a resolution time is a sign typed by mistake; SLA attainment, kept in %, is not judged."""
    code, _, err = cli("metrics", "import", _catalogue_changed(tmp_path / "bad.csv", {0: {column: "-6"},
                                                                                      1: {column: "-5"}}))
    assert code == 1
    letter = column_letter(CATALOGUE_COLUMNS.index(column))
    assert err.splitlines() == [(f"bad.csv, row 2, column {letter} ({column}): the {column} -6 is below zero, but "
                                "'Incident MTTR' is kept in h, which cannot be negative: check the sign")]
    assert list_metrics(store).empty


def test_an_alias_cannot_point_at_two_metrics(store):
    frame = pd.DataFrame([{"name": "A", "aliases": "shared"}, {"name": "B", "aliases": "Shared"}])
    with pytest.raises(InputRefused, match="row 3: 'Shared' is also a name of 'A' on row 2: a name or alias belongs"):
        import_catalogue(store, frame, by="t")
    assert list_metrics(store).empty


def test_duplicate_names_in_one_file_are_refused(store):
    frame = pd.DataFrame([{"name": "Backlog"}, {"name": " backlog "}])
    with pytest.raises(InputRefused, match=r"row 3.*'backlog' appears twice \(first on row 2\)"):
        import_catalogue(store, frame, by="t", file_name="cat.csv")


def test_a_file_with_some_columns_updates_only_those(store, cli, tmp_path):
    assert cli("metrics", "import", _write_csv(tmp_path / "full.csv", CATALOGUE_CSV))[0] == 0
    before = list_metrics(store).set_index("name")
    partial = "name,unit_cost\n" + before.index[0] + ",60\n"
    assert cli("metrics", "import", _write_csv(tmp_path / "partial.csv", partial))[0] == 0
    after = list_metrics(store).set_index("name")
    assert after.loc[before.index[0], "unit_cost"] == 60
    keep = ["unit", "direction", "weight", "tolerance", "name_zh", "aliases"]
    assert after.loc[before.index[0], keep].tolist() == before.loc[before.index[0], keep].tolist()


def test_a_target_written_as_a_bound_is_its_number(store, cli, tmp_path):
    """Chinese target columns say ≥95% or 不超过8 (the bound's side is the direction, kept apart)."""
    path = tmp_path / "目录.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("指标目录")
    ws.write_row(0, 0, ["名称", "单位", "方向", "基准", "目标", "生效期间"])
    ws.write_row(1, 0, ["SLA attainment", "%", "越高越好", 92, "≥95%", "2025-01"])
    ws.write_row(2, 0, ["Incident MTTR", "h", "越低越好", 9, "不超过8", "2025-01"])
    wb.close()
    code, out, err = cli("metrics", "import", path)
    assert code == 0, err
    assert "2 baseline/target versions added" in out
    assert list_metrics(store).set_index("name")["target"].to_dict() == {"SLA attainment": 95, "Incident MTTR": 8}


def test_a_baseline_tolerance_or_target_typed_with_the_metric_s_unit_is_its_number(store, cli, tmp_path):
    """A template's 考核目标 column says ≤4小时, its 基线值 5.2小时, for a metric kept in 小时; without a unit
    in the row, 4小时 says where the unit goes."""
    path = _write_csv(tmp_path / "目录.csv", "指标名称*,计量单位,指标方向,容差,基线值,考核目标,生效期间\n"
                      "事件平均解决时间,小时,越小越好,0.5小时,5.2小时,≤4小时,2026年1月\n重大事件数,起,负向,0,1起,0起,2026-01\n")
    code, _out, err = cli("metrics", "import", path)
    assert code == 0, err
    metrics = list_metrics(store).set_index("name")
    assert metrics.loc["事件平均解决时间", ["tolerance", "baseline", "target"]].tolist() == [0.5, 5.2, 4.0]
    assert metrics.loc["重大事件数", ["baseline", "target"]].tolist() == [1.0, 0.0]
    rate = _write_csv(tmp_path / "rate.csv", "名称,单位,目标,生效期间\n达成率,比例,≥95%,2026-01\n满意度,score,90%,2026-01\n")
    assert cli("metrics", "import", rate)[0] == 0          # a rate kept as 比例, a score: a percentage is theirs
    assert list_metrics(store).set_index("name").loc[["达成率", "满意度"], "target"].tolist() == [95.0, 90.0]
    code, _, err = cli("metrics", "import", _write_csv(tmp_path / "u.csv", "名称,目标,生效期间\nX,4小时,2026-01\n"))
    assert code == 1 and err.splitlines() == [
        "u.csv, row 2, column B (目标): '4小时' is not a valid target: write 4, and the unit (小时) in the unit column"]


def test_a_catalogue_problem_names_the_files_column_and_heading(store, cli, tmp_path):
    """Found by exploratory testing: problems were named by the catalogue's field (A (name)) and by the
    position among the columns read, so with an unread 序号 first, 权重 in column C was called B."""
    path = _write_csv(tmp_path / "c.csv", "序号,指标名称*,备注,权重\n1,SLA达成率,,很高\n2,,说明,1\n")
    code, _, err = cli("metrics", "import", path)
    assert code == 1 and sorted(err.splitlines()) == sorted([
        ("c.csv, row 2, column D (权重): '很高' is not a valid weight: write a number, 1 by default (2 counts its gaps "
         "twice in the priority order)"),
        "c.csv, row 3, column B (指标名称*): the metric has no name"])


@pytest.mark.parametrize("direction, category, expected", [
    ("越大越好", "服务质量类", ("increase", "quality")), ("正向指标", "质量指标", ("increase", "quality")),
    ("↑", "效率类", ("increase", "efficiency")), ("望小", "成本类指标", ("decrease", "cost")),
    ("负向", "流程效率", ("decrease", "efficiency")), ("逆向指标", "效果", ("decrease", "effectiveness")),
    ("越少越好", "服务成本", ("decrease", "cost")), ("↓", "Quality", ("decrease", "quality")),
    ("中性", "", ("neutral", None)), ("up", "process efficiency", ("increase", "efficiency")),
    # found by probing: a word and its arrow or its explanation, and the short words of KPI sheets, were refused
    ("越高越好↑", "质量", ("increase", "quality")), ("↓ 越低越好", "效率", ("decrease", "efficiency")),
    ("正向（越大越好）", "质量", ("increase", "quality")), ("高优", "质量", ("increase", "quality")),
    ("低优", "成本", ("decrease", "cost")), ("降低", "成本", ("decrease", "cost")), ("提升", "效果", ("increase", "effectiveness")),
])
def test_directions_and_categories_as_kpi_templates_write_them(store, cli, tmp_path, direction, category, expected):
    path = tmp_path / "目录.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("指标目录")
    ws.write(0, 0, "2026年IT服务指标目录")
    ws.write_row(2, 0, ["指标名称*", "指标方向*", "指标类别"])
    ws.write_row(3, 0, ["SLA attainment", direction, category])
    wb.close()
    code, _, err = cli("metrics", "import", path)
    assert code == 0, err
    row = list_metrics(store).iloc[0]
    assert (row["direction"], row["category"]) == expected


@pytest.mark.parametrize("direction", ["正向（越小越好）", "↑ / 越低越好", "越高越好（考核）"])
def test_a_direction_whose_parts_disagree_or_are_not_known_is_refused(store, cli, tmp_path, direction):
    """正向 says higher is better, 越小越好 lower: not guessed at; nor a part that names no direction."""
    code, _, err = cli("metrics", "import", _write_csv(tmp_path / "c.csv", f"指标名称,指标方向\nSLA attainment,{direction}\n"))
    assert code == 1 and err.splitlines() == [
        (f"c.csv, row 2, column B (指标方向): direction '{direction}' is not one of increase, decrease, neutral "
        "(increase = higher is better)")]


def test_columns_that_are_not_catalogue_columns_are_named_as_not_read(store, cli, tmp_path):
    path = _write_csv(tmp_path / "c.csv", "指标名称*,单位,考核频率,备注,指标方向\nSLA attainment,%,月度,x,越高越好\n")
    code, out, err = cli("metrics", "import", path)
    assert code == 0, err
    assert out.splitlines() == [f"{path}: 1 metrics created, 0 updated, 0 baseline/target versions added"]
    assert err.splitlines() == ["  note: columns not read (not catalogue columns): 考核频率, 备注"]
    assert list_metrics(store).iloc[0]["direction"] == "increase"
    assert import_catalogue(store, pd.DataFrame({"name": ["SLA attainment"], "unit": ["%"]}), by="t")["unread"] == []


@pytest.mark.parametrize("written, kept, other", [
    ("分钟", "h", True), ("小时", "h", False), ("h:mm", "小时", False), ("次/月", "h", False),    # unknown: not judged
    ("%", "h", True), ("%", "count", True), ("%", "万元", True), ("％", "‰", True),       # never a percentage
    ("%", "比例", False), ("%", "score", False), ("百分比", "%", False), ("%", None, False),  # may be one
    ("千元", "¥", True), ("万元", "元", True), ("元", "千元", True), ("千元", "千元", False), ("人民币", "¥", False),
    ("万张", "count", True), ("千次", "次", True), ("万次", "万次", False), ("张", "count", False),   # multiples
])
def test_which_written_units_are_another_than_the_catalogue_s(written, kept, other):
    assert other_unit(written, kept) is other


@pytest.mark.parametrize("partial", [
    "name,aliases\nIncident MTTR,MTTR;平均修复时间;故障平均修复时长\n",       # the 中文名称 is not in the file
    "name,name_en\nIncident MTTR,Incident MTTR (h)\n",                        # nor the 中文名称 and aliases
])
def test_a_partial_import_keeps_matching_the_names_the_catalogue_still_shows(store, cli, tmp_path, partial):
    """Found by exploratory testing: the alias rows were rebuilt from the file's row alone, so an
    upload naming the metric by its 中文名称 was refused while `metrics` still listed that name."""
    assert cli("metrics", "import", _write_csv(tmp_path / "full.csv", CATALOGUE_CSV))[0] == 0
    assert cli("metrics", "import", _write_csv(tmp_path / "partial.csv", partial))[0] == 0
    assert list_metrics(store).set_index("name").loc["Incident MTTR", "name_zh"] == "事件平均解决时间"
    values = _write_csv(tmp_path / "values.csv", "metric,period,value\n事件平均解决时间,2026-11,5.0\n平均修复时间,2026-12,4.0\n")
    code, _, err = cli("ingest", values)
    assert code == 0, err
    with store.read() as con:
        loaded = con.execute("SELECT m.name, count(*) FROM observation o JOIN metric m ON m.id = o.metric_id"
                             " GROUP BY m.name").fetchall()
    assert loaded == [("Incident MTTR", 2)]
    assert len(list_metrics(store)) == 3                           # no metric was made for a name it already has


def test_an_import_that_drops_an_alias_stops_matching_it(store, cli, tmp_path):
    """The aliases column as written is the metric's aliases: one left out no longer matches."""
    assert cli("metrics", "import", _write_csv(tmp_path / "full.csv", CATALOGUE_CSV))[0] == 0
    assert cli("metrics", "import", _write_csv(tmp_path / "a.csv", "name,aliases\nIncident MTTR,MTTR\n"))[0] == 0
    with store.read() as con:
        lookup = metric_lookup(con)
    mttr = lookup.match("Incident MTTR")
    assert (lookup.match("MTTR"), lookup.match("事件平均解决时间"), lookup.match("平均修复时间")) == (mttr, mttr, None)


def test_only_the_rows_a_person_edited_are_changed_rows(store, cli, tmp_path):
    """The editor gives back None, NaN or '' for an empty cell and 4 for a weight listed as 4.0:
    none of that is an edit (saving untouched rows said "updated 22 metrics")."""
    assert cli("metrics", "import", _write_csv(tmp_path / "full.csv", CATALOGUE_CSV))[0] == 0
    before = list_metrics(store)
    after = before.astype(object).copy()
    after.loc[2, "aliases"] = ""                      # Capacity utilisation has no aliases: still none
    after.loc[2, "volume_metric"] = float("nan")      # nor a volume metric (None in the store)
    after.loc[0, "weight"] = 4                        # Incident MTTR's weight 4.0, typed back as a whole number
    after.loc[0, "decimals"] = 1.0
    assert edited_rows(before, after).empty
    after.loc[1, "owner"] = "王芳"                     # SLA attainment's owner was 李娜
    after.loc[2, "unit_cost"] = 0                     # a cost where there was none is a change, though 0
    assert edited_rows(before, after)["name"].tolist() == ["SLA attainment", "Capacity utilisation"]


def _chinese_catalogue(path, rows):
    """A catalogue kept by Chinese names, as a KPI template has it: 指标名称 first, the English name beside it."""
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("指标目录")
    ws.write_row(0, 0, ["指标名称", "英文名称", "负责人", "别名", "考核目标", "生效月份"])
    for r, row in enumerate(rows, start=1):
        ws.write_row(r, 0, row)
    wb.close()
    return path


def test_a_catalogue_kept_by_chinese_names_updates_the_metrics_it_names(store, cli, tmp_path):
    """Found by exploratory testing: a row named 事件平均解决时间, the 中文名称 of Incident MTTR, was
    refused as a new metric holding another's name; it is Incident MTTR's row."""
    assert cli("metrics", "import", _write_csv(tmp_path / "full.csv", CATALOGUE_CSV))[0] == 0
    path = _chinese_catalogue(tmp_path / "目录.xlsx", [
        ["事件平均解决时间", "Incident MTTR", "王磊", "MTTR;平均修复时间", "≤4", "2026-01"],  # its 中文名称
        ["SLA达成率", "SLA attainment", "赵敏", "SLA达成率", "≥95%", "2026-01"],  # an alias, kept in its 别名 cell
        ["备份成功率", "Backup success rate", "李雷", "", "99", "2026-01"],     # a new metric
    ])
    code, out, err = cli("metrics", "import", path)
    assert code == 0, err
    assert "1 metrics created, 2 updated" in out
    frame = list_metrics(store).set_index("name")
    assert frame.index.tolist() == ["Incident MTTR", "SLA attainment", "Capacity utilisation", "备份成功率"]
    assert frame.loc["Incident MTTR", ["owner", "target", "from_period"]].tolist() == ["王磊", 4, "2026-01"]
    assert frame.loc["SLA attainment", ["name_zh", "owner", "target"]].tolist() == ["SLA 达成率", "赵敏", 95]
    values = _write_csv(tmp_path / "values.csv", "metric,period,value\n事件平均解决时间,2026-11,5.0\nSLA达成率,2026-11,96\n")
    assert cli("ingest", values)[0] == 0                   # the names the file wrote still match their metrics


INCIDENT_MTTR_ROW = ["Incident MTTR", "", "王磊", "MTTR;平均修复时间", "", ""]


@pytest.mark.parametrize("rows, message, chinese", [
    ([INCIDENT_MTTR_ROW, ["MTTR (P1)", "Incident MTTR", "", "", "", ""]],      # a new metric given another's name
     ("row 3: 'Incident MTTR' is already a name of metric 'Incident MTTR': write that metric's name in the name "
     "column to update it"), "“Incident MTTR”已是指标“Incident MTTR”的名称:要更新该指标,请在名称列填写“Incident MTTR”"),
    ([INCIDENT_MTTR_ROW, ["事件平均解决时间", "", "", "", "", ""]],              # row 2 is Incident MTTR already
     "row 3: '事件平均解决时间' is a name of metric 'Incident MTTR', which row 2 already updates",
     "“事件平均解决时间”是指标“Incident MTTR”的名称,而第 2 行已在更新该指标"),
    ([["平均修复时间", "", "", "MTTR", "", ""]],              # Incident MTTR by an alias its own aliases cell leaves out
     ("row 2: '平均修复时间' is a name of metric 'Incident MTTR' that this row removes: write 'Incident MTTR' in the "
     "name column to change its names"), ("“平均修复时间”是指标“Incident MTTR”的名称,但本行会删除这个名称:"
     "要修改该指标的名称,请在名称列填写“Incident MTTR”")),
])
def test_a_row_naming_a_metric_by_another_name_is_refused_when_not_unambiguous(store, cli, tmp_path, rows, message,
                                                                               chinese):
    assert cli("metrics", "import", _write_csv(tmp_path / "full.csv", CATALOGUE_CSV))[0] == 0
    before = list_metrics(store)
    code, _, err = cli("metrics", "import", _chinese_catalogue(tmp_path / "目录.xlsx", rows))
    assert code == 1
    assert err.splitlines() == [f"目录.xlsx, sheet '指标目录', {message}"]
    assert message_text(message.split(": ", 1)[1], "zh") == chinese
    pd.testing.assert_frame_equal(list_metrics(store), before)                   # nothing written


def test_a_new_unit_or_direction_for_a_metric_with_data_is_saved_with_a_warning(store, cli, tmp_path):
    """MTTR holds two months in hours; a catalogue that now says min and increase would show 8.1 h
    as 8.1 min and turn its gaps round without a word. It is saved (a unit entered wrong must stay
    correctable) and says so; a metric without data changes silently."""
    load_through_cli(cli, tmp_path, CATALOGUE_CSV,
                     "指标,月份,数值\nIncident MTTR,2026-09,8.1\nIncident MTTR,2026-10,7.9\n")
    changed = (CATALOGUE_CSV.replace(",h,efficiency,decrease,", ",min,efficiency,increase,")
               .replace("%,efficiency,neutral", "count,efficiency,increase"))           # capacity: no data
    code, out, err = cli("metrics", "import", _write_csv(tmp_path / "changed.csv", changed))
    assert code == 0, err
    assert "0 metrics created, 2 updated" in out            # SLA attainment's row is as it was
    assert err.splitlines() == [
        ("warning: metric 'Incident MTTR' has 2 month(s) of data in h: its unit is now min, and the values already "
         "loaded were not converted"),
        ("warning: metric 'Incident MTTR' has 2 month(s) of data: its direction is now increase (was decrease), so "
         "its gaps and signals read the other way")]
    assert list_metrics(store).set_index("name").loc["Incident MTTR", ["unit", "direction"]].tolist() == [
        "min", "increase"]
    assert message_text(err.splitlines()[1].removeprefix("warning: "), "zh") == (
        "指标“Incident MTTR”已有 2 个月的数据:方向现在为“越高越好”(原为“越低越好”),差距和信号的好坏随之反过来")
    code, out, err = cli("metrics", "import", tmp_path / "changed.csv")     # the same again: nothing changes
    assert (code, err) == (0, "")
    assert "0 metrics created, 0 updated" in out          # found by exploratory testing: it said 3 updated


def test_an_instructions_sheet_before_the_catalogue_is_passed_over(store, cli, tmp_path):
    """A template's 填报说明 sheet shows the header with one example row; the metrics are on
    指标目录. The example is not imported, and the note names both sheets; a file whose only
    header is on such a sheet is still read from it."""
    path = tmp_path / "目录模板.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("填报说明")
    ws.write_row(0, 0, ["名称", "单位", "方向"])
    ws.write_row(1, 0, ["示例指标", "%", "越高越好"])
    ws = wb.add_worksheet("指标目录")
    ws.write_row(0, 0, ["名称", "单位", "方向"])
    ws.write_row(1, 0, ["变更成功率", "%", "越高越好"])
    ws.write_row(2, 0, ["事件平均解决时间", "h", "越低越好"])
    wb.close()
    code, out, err = cli("metrics", "import", path)
    assert code == 0, err
    assert out.splitlines() == [f"{path}: 2 metrics created, 0 updated, 0 baseline/target versions added"]
    assert err.splitlines() == [("  note: sheet '填报说明' skipped: an example or instructions, as its name says "
                                 "(not read); read sheet '指标目录'")]
    assert list_metrics(store)["name"].tolist() == ["变更成功率", "事件平均解决时间"]
    counts = import_catalogue_file(store, path.read_bytes(), by="t", file_name=path.name)
    assert (counts["sheet"], counts["skipped_sheets"]) == ("指标目录", [("填报说明", EXAMPLE_SHEET)])

    only = tmp_path / "说明.xlsx"
    wb = xlsxwriter.Workbook(only)
    wb.add_worksheet("填报说明").write_row(0, 0, ["名称", "单位"])
    wb.worksheets()[0].write_row(1, 0, ["可用率", "%"])
    wb.close()
    counts = import_catalogue_file(store, only, by="t")
    assert (counts["created"], counts["sheet"], counts["skipped_sheets"]) == (1, "填报说明", [])


def test_a_total_row_under_the_metrics_is_no_metric(store, cli, tmp_path):
    """合计 and 平均 rows (a template's weights summed to 100) are left out with a note on stderr,
    in the words the dashboard shows in Chinese; the rows around them keep their numbers."""
    path = tmp_path / "目录.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("指标目录")
    ws.write_row(0, 0, ["名称", "单位", "权重"])
    ws.write_row(1, 0, ["变更成功率", "%", 60])
    ws.write_row(2, 0, ["事件平均解决时间", "h", 40])
    ws.write_row(3, 0, ["合　计", None, 100])
    ws.write_row(4, 0, ["平均值", None, 50])
    ws.write_row(5, 0, ["可用率", "%", "x"])                  # refused: still named as row 6
    wb.close()
    code, _, err = cli("metrics", "import", path)
    refusal = ("目录.xlsx, sheet '指标目录', row 6, column C (权重): 'x' is not a valid weight: write a number, 1 by "
               "default (2 counts its gaps twice in the priority order)")
    assert (code, err.splitlines()[-1], len(list_metrics(store))) == (1, refusal, 0)
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("指标目录")
    for r, row in enumerate([["名称", "单位", "权重"], ["变更成功率", "%", 60], ["事件平均解决时间", "h", 40],
                             ["合　计", None, 100], ["平均值", None, 50]]):
        ws.write_row(r, 0, row)
    wb.close()
    code, out, err = cli("metrics", "import", path)
    assert code == 0, err
    assert out.splitlines() == [f"{path}: 2 metrics created, 0 updated, 0 baseline/target versions added"]
    note = "sheet '指标目录': 2 total or average row(s) (合计/平均) were ignored (row 4–5)"
    assert err.splitlines() == [f"  note: {note}"]
    assert message_text(note, "zh") == "工作表“指标目录”:2 行合计/平均行已忽略(第 4–5 行)"
    assert list_metrics(store)["name"].tolist() == ["变更成功率", "事件平均解决时间"]


def test_a_fraction_for_a_higher_is_better_percentage_is_refused_in_the_catalogue(store, cli, tmp_path):
    """0.92 | 0.96 for SLA attainment (%, higher is better) would be kept as 0.92 % and 0.96 %. An
    error rate's target of 0.5 % (lower is better) and a new service's baseline of 0.5 % with a
    target of 30 are real; so is 0.96 for a metric whose values were loaded as fractions."""
    header = "name,unit,direction,baseline,target,from_period\n"
    rows = ("SLA attainment,%,increase,0.92,0.96,2026-01\nChange failure rate,%,decrease,2,0.5,2026-01\n"
            "Self-service adoption,%,increase,0.5,30,2026-01\n")
    code, out, err = cli("metrics", "import", _write_csv(tmp_path / "c.csv", header + rows))
    assert (code, out) == (1, "")
    assert err.splitlines()[-2:] == [
        ("c.csv, row 2, column D (baseline): the baseline 0.92 would be 0.92%, but 'SLA attainment' is kept in % and "
         "higher is better: write 92 for 92%"),
        ("c.csv, row 2, column E (target): the target 0.96 would be 0.96%, but 'SLA attainment' is kept in % and "
         "higher is better: write 96 for 96%")]
    assert message_text(err.splitlines()[-1].split(": ", 1)[1], "zh") == (
        "目标值 0.96 将按 0.96% 保存,但“SLA attainment”以 % 计、越高越好:96% 请写作 96")
    assert list_metrics(store).empty                                                     # nothing written
    load_through_cli(cli, tmp_path, header + rows.replace("0.92,0.96", "92,96"),
                     "指标,月份,数值\nSLA attainment,2026-01,0.95\nSelf-service adoption,2026-01,3\n")
    code, _, err = cli("metrics", "import", _write_csv(tmp_path / "d.csv", "name,target,from_period\n"
                                                       "SLA attainment,0.96,2026-02\nSelf-service adoption,0.4,2026-02\n"))
    assert (code, err.splitlines()[-1], "SLA attainment" in err) == (
        1, ("d.csv, row 3, column B (target): the target 0.4 would be 0.4%, but 'Self-service adoption' is kept in % "
            "and higher is better: write 40 for 40%"), False)      # SLA's values were loaded as fractions


def test_a_large_catalogue_is_written_and_edited_as_a_few_rows_would_be(store):
    """The catalogue is written in one statement per table (it took ~3 ms a metric, minutes for a
    group's tens of thousands). Over 3,000 metrics: a second import with three units changed, one
    alias dropped, one Chinese name added and two new metrics updates exactly those four (stamped,
    counted), creates the two, and every name still matches its own metric."""
    count = 3000
    frame = pd.DataFrame({"name": [f"metric {i}" for i in range(count)],
                          "name_zh": [f"指标 {i}" for i in range(count)],
                          "aliases": [f"M{i:04d};K{i:04d}" for i in range(count)],
                          "unit": ["h"] * count, "weight": [str(1 + i % 3) for i in range(count)],
                          "decimals": ["1"] * count, "owner": [f"工号{1000 + i}" for i in range(count)]})
    first = import_catalogue(store, frame, by="陈静")
    assert (first["created"], first["updated"]) == (count, 0)
    edited = frame.copy()
    edited.loc[[5, 600, 2999], "unit"] = "min"
    edited.loc[42, "aliases"] = "M0042"                      # K0042 dropped
    edited.loc[77, "name_zh"] = "指标 77(新)"               # a Chinese name changed: an alias changes too
    edited = pd.concat([edited, pd.DataFrame({"name": ["new one", "new two"], "unit": ["%", "%"],
                                              "aliases": ["N1", None]})], ignore_index=True)
    second = import_catalogue(store, edited, by="王芳")
    assert (second["created"], second["updated"]) == (2, 5)
    with store.read() as con:
        stamped = dict(con.execute("SELECT name, unit FROM metric WHERE updated_by = '王芳'").fetchall())
        weights = con.execute("SELECT weight, count(*) FROM metric GROUP BY weight ORDER BY weight").fetchall()
        lookup = metric_lookup(con)
    assert stamped == {"metric 5": "min", "metric 600": "min", "metric 2999": "min", "metric 42": "h",
                       "metric 77": "h"}
    assert weights == [(1.0, 1000 + 2), (2.0, 1000), (3.0, 1000)]      # the new two: weight 1 by default
    ids = {name: lookup.match(name) for name in ("metric 0", "metric 42", "metric 77", "new one", "new two")}
    assert len(set(ids.values())) == 5 and None not in ids.values()
    assert [lookup.match(f"M{i:04d}") for i in (0, 42, 77)] == [ids["metric 0"], ids["metric 42"], ids["metric 77"]]
    assert lookup.match("K0042") is None and lookup.match("K0077") == ids["metric 77"]
    assert lookup.match("指标 77(新)") == ids["metric 77"] and lookup.match("指标 77") is None
    assert lookup.match("N1") == ids["new one"]
    assert all(lookup.match(f"K{i:04d}") is not None for i in range(0, count, 97) if i != 42)


def test_an_english_process_name_in_another_case_or_with_management_is_the_process_kept(store, cli, tmp_path):
    """'Change Management', 'INCIDENT' or 'Service Level Management' made a process beside change,
    incident and SLA (filters and groups split in two, the second unnamed in Chinese); an own process
    in another case (Patching) is the catalogue's patching."""
    assert cli("metrics", "import", _write_csv(tmp_path / "first.csv", CATALOGUE_CSV))[0] == 0
    path = _write_csv(tmp_path / "english.csv", (
        "name,unit,direction,process\n"
        "Major incidents,count,decrease,INCIDENT\n"
        "Change success rate,%,increase,Change Management\n"
        "Emergency changes,%,decrease,change management process\n"
        "Response within SLA,%,increase,Service Level Management\n"
        "Patch compliance,%,increase,patching\n"
        "Patches late,count,decrease,Patching\n"))
    code, _, err = cli("metrics", "import", path)
    assert code == 0, err
    processes = list_metrics(store).set_index("name")["process"]
    assert processes.to_dict() == {
        "Incident MTTR": "incident", "SLA attainment": "SLA", "Capacity utilisation": "capacity",
        "Major incidents": "incident", "Change success rate": "change", "Emergency changes": "change",
        "Response within SLA": "SLA", "Patch compliance": "patching", "Patches late": "patching"}


def test_a_chinese_process_name_is_the_process_the_catalogue_keeps(store, cli, tmp_path):
    """Found by exploratory testing: a catalogue saying 变更管理 (事件管理, 服务级别管理) for the process
    made a second process beside change (incident, SLA), splitting filters and groups in two. A known
    Chinese name, with or without 管理 and with full-width spaces around it, is the process as the
    catalogue keeps it; an unknown one stays as written."""
    assert cli("metrics", "import", _write_csv(tmp_path / "first.csv", CATALOGUE_CSV))[0] == 0
    path = _write_csv(tmp_path / "流程.csv", (
        "指标名称,单位,改进方向,所属流程\n"
        "重大事件数,count,越低越好,\u3000事件管理\u3000\n"
        "变更成功率,%,越高越好,变更管理流程\n"
        "紧急变更占比,%,越低越好,变更\n"
        "SLA 达成率,%,越高越好,服务级别管理\n"
        "巡检完成率,%,越高越好,巡检管理\n"), "gb18030")
    code, _, err = cli("metrics", "import", path)
    assert code == 0, err
    processes = list_metrics(store).set_index("name")["process"]
    assert processes.to_dict() == {
        "Incident MTTR": "incident", "SLA attainment": "SLA", "Capacity utilisation": "capacity",
        "重大事件数": "incident", "变更成功率": "change", "紧急变更占比": "change", "巡检完成率": "巡检管理"}


def test_the_catalogue_editor_names_known_processes_in_chinese_and_saves_them_as_kept(store, cli, tmp_path):
    """Found by exploratory testing: the Chinese catalogue editor's process column said incident and SLA
    where every other Chinese page says 事件管理 and 服务级别管理. Shown in Chinese, a row saved with
    another cell edited keeps its process as the catalogue spells it (SLA, not a new 服务级别管理), an
    untouched row is no change, and a process typed in Chinese in the editor is the known one."""
    assert cli("metrics", "import", _write_csv(tmp_path / "first.csv", CATALOGUE_CSV))[0] == 0
    before = metrics_as_shown(store, "zh")
    assert before.set_index("name")["process"].to_dict() == {
        "Incident MTTR": "事件管理", "SLA attainment": "服务级别管理", "Capacity utilisation": "容量管理"}
    assert metrics_as_shown(store, "en")["process"].tolist() == list_metrics(store)["process"].tolist()

    after = before.copy()
    assert edited_rows(before, after).empty                      # nothing typed: nothing to save
    after.loc[after["name"] == "SLA attainment", "owner"] = "刘洋"
    after.loc[after["name"] == "Capacity utilisation", "process"] = "变更管理"
    changed = edited_rows(before, after)
    assert changed["name"].tolist() == ["SLA attainment", "Capacity utilisation"]
    import_catalogue(store, changed, by="tester")
    kept = list_metrics(store).set_index("name")
    assert kept["process"].to_dict() == {"Incident MTTR": "incident", "SLA attainment": "SLA",
                                         "Capacity utilisation": "change"}
    assert kept.loc["SLA attainment", "owner"] == "刘洋"


@pytest.mark.parametrize("process, lang, shown", [
    ("change", "zh", "变更管理"), ("Change Management", "zh", "变更管理"), ("SLA", "zh", "服务级别管理"),
    ("service level", "zh", "服务级别管理"), ("service desk", "zh", "服务台"), ("巡检管理", "zh", "巡检管理"),
    ("patching", "zh", "patching"), ("change", "en", "change"), (None, "zh", None)])
def test_a_known_process_is_named_in_chinese_on_a_chinese_page(process, lang, shown):
    assert process_shown(process, lang) == shown


def test_names_a_file_wrote_become_aliases_kept_beside_the_ones_there_in_one_write(store):
    """The upload page's mapping of unknown names: added to a metric's aliases, not put in their place."""
    from analytics.catalogue import add_aliases, alias_choices
    from analytics.ingest import plan_ingest

    import_catalogue(store, pd.DataFrame([{"name": "Incident MTTR", "name_zh": "事件平均解决时间", "aliases": "MTTR"},
                                          {"name": "First contact resolution", "name_zh": "一次解决率"},
                                          {"name": "SLA attainment", "name_zh": "SLA达成率"}]), by="t")
    data = "指标,月份,数值\n平均修复时长,2026-09,5.5\n一次性解决率,2026-09,70\n修复时长,2026-09,5.5\n".encode()
    with pytest.raises(InputRefused) as refused:
        plan_ingest(store, [(data, "九月.csv")])
    assert sorted(filter(None, [p.unknown_name for p in refused.value.problems])) == sorted(
        ["平均修复时长", "一次性解决率", "修复时长"])
    assert refused.value.problems[-1].unknown_name is None               # "3 unknown metric name(s): …"
    offered = alias_choices(store, ["一次性解决率", "平均修复时长"])
    assert offered["一次性解决率"][0] == "First contact resolution"        # the closest first
    assert sorted(offered["一次性解决率"]) == ["First contact resolution", "Incident MTTR", "SLA attainment"]
    assert sorted(offered["平均修复时长"]) == sorted(offered["一次性解决率"])
    add_aliases(store, {"平均修复时长": "Incident MTTR", "修复时长": "Incident MTTR",
                        "一次性解决率": "First contact resolution"}, by="t")
    aliases = list_metrics(store).set_index("name")["aliases"]
    assert aliases["Incident MTTR"] == "MTTR;平均修复时长;修复时长"
    assert aliases["First contact resolution"] == "一次性解决率"
    plan = plan_ingest(store, [(data, "九月.csv")])
    assert sorted(plan.files[0].changes["catalogue_name"]) == ["First contact resolution", "Incident MTTR"]  # once
    with pytest.raises(InputRefused, match="'修复时长' is already a name of metric 'Incident MTTR'"):
        add_aliases(store, {"修复时长": "SLA attainment"}, by="t")
    assert pd.isna(list_metrics(store).set_index("name").at["SLA attainment", "aliases"])      # nothing written
