"""What the command line writes for scripts and people: numbers without floating-point noise,
missing values as empty cells, null or blanks (never NaN, NaT or None)."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest

from analytics.output import render

CATALOGUE = "name,unit,direction,tolerance,baseline,target,from_period\nMTTR,h,decrease,0.1,9,8,2025-01\n"


@pytest.fixture
def loaded(store, cli, tmp_path):
    (tmp_path / "cat.csv").write_text(CATALOGUE, encoding="utf-8")
    assert cli("metrics", "import", tmp_path / "cat.csv")[0] == 0
    rows = "\n".join(f"MTTR,2025-{m:02d},{v}" for m, v in enumerate([9.0, 8.6, 9.4, 8.8, 9.0, 8.6], start=1))
    (tmp_path / "values.csv").write_text("metric,period,value\n" + rows + "\n", encoding="utf-8")
    assert cli("ingest", tmp_path / "values.csv")[0] == 0
    return store


def test_analyse_writes_the_gap_without_floating_point_noise(loaded, cli):
    # June 8.6 h against 8 h: 8.6 - 8 is 0.5999999999999996 in floating point, written as 0.6;
    # gap % = 0.6 / 8 * 100 = 7.5 (7.499999999999995 unrounded)
    code, out, _ = cli("analyse", "--format", "csv")
    row = next(csv.DictReader(io.StringIO(out)))
    assert code == 0 and 8.6 - 8 != 0.6
    assert (row["gap"], row["gap_pct"]) == ("0.6", "7.5")
    code, out, _ = cli("analyse", "--format", "json")
    assert (json.loads(out)[0]["gap"], json.loads(out)[0]["gap_pct"]) == (0.6, 7.5)


def test_json_writes_null_for_a_missing_date(loaded, cli):
    # an upload never rolled back has no rolled_back_at: null, where "NaT" read as a date to a script
    code, out, _ = cli("uploads", "--format", "json")
    upload = json.loads(out)[-1]
    assert code == 0 and "rolled_back_at" in upload and upload["rolled_back_at"] is None
    assert "NaT" not in out and "NaN" not in out


def test_a_table_leaves_missing_cells_blank(loaded, cli):
    code, out, _ = cli("uploads")
    assert code == 0 and "rolled_back_at" in out
    assert not any(word in out.split() for word in ("NaN", "NaT", "None", "<NA>"))


@pytest.mark.parametrize("value, written", [
    (0.1 + 0.2, "0.3"),                          # 0.30000000000000004
    (110.00000000000001, "110.0"),
    (0.022499999999999975, "0.0225"),
    (95.29, "95.29"),                            # a typed number keeps every digit
    (0.123456789012345, "0.123456789012345"),    # fifteen significant digits: kept
    (1234567.25, "1234567.25"),
])
def test_csv_rounds_only_the_noise_past_fifteen_digits(value, written):
    frame = pd.DataFrame({"metric": ["m"], "value": [value], "empty": [float("nan")]})
    assert render(frame, "csv").splitlines()[1] == f"m,{written},"
    assert json.loads(render(frame, "json")) == [{"metric": "m", "value": float(written), "empty": None}]
