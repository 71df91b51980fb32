"""The command line as a batch job and a person use it: names, numbers and messages at its edges."""

from __future__ import annotations

import json
import math

import pytest

from analytics.baselines import list_versions, set_version
from analytics.errors import InputRefused, StoreError
from tests.conftest import load_through_cli

CATALOGUE = """name,name_zh,aliases,unit,category,direction,baseline,target,from_period
SLA attainment,SLA达成率,,%,quality,increase,90,95,2026-01
Incident MTTR,事件平均解决时间,MTTR,h,efficiency,decrease,,,
"""


@pytest.fixture
def catalogue(store, cli, tmp_path):
    load_through_cli(cli, tmp_path, CATALOGUE, "metric,period,value\nSLA attainment,2026-01,93\nMTTR,2026-01,7\n")
    return store


@pytest.mark.parametrize("spelling", ["SLA达成率", "sla attainment", " SLA Attainment "])
def test_the_listings_read_a_metric_name_as_the_write_commands_do(catalogue, cli, spelling):
    """Chinese name, case and spaces: observations and baselines find what baselines set accepts."""
    assert cli("observations", "--metric", spelling, "--format", "csv") == (
        0, "metric,period,value\nSLA attainment,2026-01,93.0\n", "")
    code, out, err = cli("baselines", "--metric", spelling, "--format", "csv")
    assert (code, err) == (0, "")
    assert [line.split(",")[:5] for line in out.splitlines()] == [
        ["metric", "cycle", "from_period", "baseline", "target"], ["SLA attainment", "1", "2026-01", "90.0", "95.0"]]
    assert cli("baselines", "set", "--by", "t", "--metric", spelling, "--target", "96", "--from", "2026-02", "--reason", "r")[0] == 0


@pytest.mark.parametrize("command", ["observations", "baselines"])
def test_an_unknown_metric_is_refused_with_the_closest_names(catalogue, cli, command):
    assert cli(command, "--metric", "SLA attainmnt") == (
        1, "", "unknown metric 'SLA attainmnt' (closest: SLA attainment)\n")


@pytest.mark.parametrize("option, text", [("--baseline", "inf"), ("--target", "nan"), ("--baseline", "Infinity")])
def test_a_baseline_or_target_that_is_no_finite_number_is_a_usage_error_like_any_bad_number(catalogue, cli, option,
                                                                                             text):
    code, out, err = cli("baselines", "set", "--by", "t", "--metric", "SLA attainment", option, text, "--from", "2026-02",
                         "--reason", "r")
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == f"python -m analytics baselines: argument {option}: '{text}' is not a finite number"
    assert cli("baselines", "set", "--by", "t", "--metric", "SLA attainment", option, "abc", "--from", "2026-02", "--reason",
               "r")[0] == 2                                                         # as a word was already
    code, out, _ = cli("baselines", "--format", "json")
    assert code == 0 and [v["target"] for v in json.loads(out)] == [95.0]              # valid JSON, one version


@pytest.mark.parametrize("baseline, target", [(math.inf, None), (None, math.nan)])
def test_the_library_refuses_a_non_finite_baseline_or_target_for_every_caller(catalogue, baseline, target):
    """The dashboard and a closing record reach set_version/add_version without the command line's parser."""
    with pytest.raises(InputRefused, match="must be a finite number, not (inf|nan)"):
        set_version(catalogue, "SLA attainment", baseline=baseline, target=target, from_period="2026-02", by="me",
                    reason="r")
    assert len(list_versions(catalogue)) == 1


def test_two_files_of_one_run_with_the_same_base_name_are_each_named_by_their_path(catalogue, cli, tmp_path,
                                                                                   monkeypatch):
    monkeypatch.chdir(tmp_path)
    for owner, row in (("a", "SLA attainment,2026-02,x"), ("b", "SLA attainment,2026-03,93")):
        (tmp_path / "owners" / owner).mkdir(parents=True)
        (tmp_path / "owners" / owner / "data.csv").write_text(f"metric,period,value\n{row}\n", encoding="utf-8")
    code, out, err = cli("ingest", "owners/a/data.csv", "owners/b/data.csv")
    assert (code, out, err) == (1, "", "owners/a/data.csv, row 2, column C (value): 'x' is not a number\n")
    (tmp_path / "owners" / "a" / "data.csv").write_text("metric,period,value\nMTTR,2026-02,6\n", encoding="utf-8")
    code, out, err = cli("ingest", "owners/a/data.csv", "owners/b/data.csv")
    assert code == 0, err
    assert [line.split(":")[0] for line in out.splitlines()[:2]] == ["owners/a/data.csv", "owners/b/data.csv"]
    (tmp_path / "owners" / "b" / "april.csv").write_text("metric,period,value\nMTTR,2026-04,5\n", encoding="utf-8")
    code, out, err = cli("ingest", "owners/b/april.csv", "--dry-run")
    assert (code, out.splitlines()[0].split(":")[0]) == (0, "april.csv")           # no shared name: the base name


def test_a_folder_given_to_ingest_is_refused_as_a_folder(catalogue, cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "owners").mkdir()
    assert cli("ingest", "owners/", "values.csv") == (
        1, "", "owners: this is a folder, not a file: name the files in it, e.g. owners/*.xlsx\n")


def test_the_new_refusals_read_in_chinese(catalogue, cli, tmp_path):
    """The dashboard shows the same messages to Chinese-speaking managers (analytics.localise)."""
    from analytics.backup import backup
    from analytics.localise import message_text, problem_text
    from analytics.store import Store

    (tmp_path / "notes.csv").write_text("x\n")
    (tmp_path / "folder").mkdir()
    with pytest.raises(StoreError) as caught:
        Store(tmp_path / "notes.csv" / "x.duckdb").ensure_schema()
    assert message_text(str(caught.value), "zh") == (
        f"数据库 {tmp_path}/notes.csv/x.duckdb 无法使用:{tmp_path}/notes.csv 是文件,不是文件夹")
    with pytest.raises(InputRefused) as caught:
        backup(catalogue, tmp_path / "folder")
    assert problem_text(caught.value.problems[0], "zh").endswith(
        f"这是文件夹;请为备份指定其中的文件名,如 {tmp_path}/folder/csi-backup.duckdb")
    with pytest.raises(InputRefused) as caught:
        set_version(catalogue, "SLA attainment", baseline=None, target=math.nan, from_period="2026-02", by="me",
                    reason="r")
    assert problem_text(caught.value.problems[0], "zh") == "目标必须是有限的数值,不能是 nan"
    _, _, err = cli("--db", tmp_path / "typo.duckdb", "analyse")
    assert message_text(err.strip(), "zh") == f"{tmp_path}/typo.duckdb 处没有数据库:请检查 --db / CSI_DB,或用 `init` 创建"


def test_a_folder_given_to_restore_is_refused_as_a_folder(catalogue, cli, tmp_path):
    (tmp_path / "backups").mkdir()
    assert cli("restore", tmp_path / "backups") == (
        1, "", f"{tmp_path / 'backups'}: this is a folder, not a backup: name the backup file in it\n")
    assert cli("observations", "--format", "csv")[1].count("\n") == 3            # the store as it was


def test_analyse_without_a_period_says_when_its_month_has_not_ended_and_what_the_report_shows(catalogue, cli,
                                                                                           tmp_path):
    """A value for this month, loaded on its first day, makes analyse (the newest month with data)
    and report (the newest month that has ended) describe two months: a batch job running both is
    told so, and which month to give."""
    import pandas as pd

    this_month = pd.Timestamp.today().to_period("M")
    previous = (this_month - 1).strftime("%Y-%m")
    values = tmp_path / "values2.csv"
    values.write_text(f"metric,period,value\nSLA attainment,{previous},94\nMTTR,{previous},6\n"
                      f"SLA attainment,{this_month.strftime('%Y-%m')},92\n", encoding="utf-8")
    assert cli("ingest", values)[0] == 0
    code, out, err = cli("analyse", "--format", "csv")
    assert code == 0 and {line.split(",")[1] for line in out.splitlines()[1:]} == {this_month.strftime("%Y-%m")}
    assert err == (f"note: {this_month.strftime('%Y-%m')} has not ended yet; `report` and the dashboard default to "
                   f"{previous} (give --period to choose)\n")
    assert cli("analyse", "--period", previous, "--format", "csv")[2] == ""
