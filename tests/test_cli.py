"""The command line as a batch job and a person use it: names, numbers and messages at its edges."""

from __future__ import annotations

import pytest

CATALOGUE = """name,name_zh,aliases,unit,category,direction,baseline,target,from_period
SLA attainment,SLA达成率,,%,quality,increase,90,95,2026-01
Incident MTTR,事件平均解决时间,MTTR,h,efficiency,decrease,,,
"""


@pytest.fixture
def catalogue(store, cli, tmp_path):
    (tmp_path / "catalogue.csv").write_text(CATALOGUE, encoding="utf-8")
    assert cli("metrics", "import", tmp_path / "catalogue.csv")[0] == 0
    (tmp_path / "v.csv").write_text("metric,period,value\nSLA attainment,2026-01,93\nMTTR,2026-01,7\n", encoding="utf-8")
    assert cli("ingest", tmp_path / "v.csv")[0] == 0
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
    assert cli("baselines", "set", "--metric", spelling, "--target", "96", "--from", "2026-02", "--reason", "r")[0] == 0


@pytest.mark.parametrize("command", ["observations", "baselines"])
def test_an_unknown_metric_is_refused_with_the_closest_names(catalogue, cli, command):
    assert cli(command, "--metric", "SLA attainmnt") == (
        1, "", "unknown metric 'SLA attainmnt' (closest: SLA attainment)\n")
