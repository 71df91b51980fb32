"""Hostile workbooks (XML entity expansion, external entities) and the hardened server settings.

Each file is a real .xlsx whose XML parts were rewritten by the test; the assertion is the one
the product promises: a clean refusal naming the file (or a correct ingest), quickly, and the
store untouched.
"""

from __future__ import annotations

import io
import time
import tomllib
import zipfile

import pytest
import xlsxwriter

from analytics.errors import InputRefused
from analytics.limits import Limits
from analytics.observations import current_observations
from analytics.parsing import parse_file
from tests.conftest import ROOT

LAUGHS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                     for i in range(1, 10)) + b"]>\n")
EXTERNAL = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n')


def _good_workbook() -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("数据")
    sheet.write_row(0, 0, ["指标", "月份", "数值"])
    sheet.write_row(1, 0, ["MTTR", "2026-05", 6.5])
    book.close()
    return buffer.getvalue()


def _with_doctype(part: str, doctype: bytes, reference: bytes) -> bytes:
    """The good workbook with a DOCTYPE put before the root of `part`, and an entity used in it."""
    source = zipfile.ZipFile(io.BytesIO(_good_workbook()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == part:
                body = data.split(b"?>", 1)[1].lstrip()
                if part.endswith("sharedStrings.xml"):
                    body = body.replace(b"<t>MTTR</t>", b"<t>" + reference + b"</t>")
                data = doctype + body
            archive.writestr(info, data)
    return buffer.getvalue()


CASES = [
    ("xl/workbook.xml", LAUGHS, b""),
    ("xl/sharedStrings.xml", LAUGHS, b"&lol9;"),
    ("xl/worksheets/sheet1.xml", LAUGHS, b""),
    ("[Content_Types].xml", LAUGHS, b""),
    ("xl/sharedStrings.xml", EXTERNAL, b"&secret;"),
]


@pytest.mark.parametrize("part, doctype, reference", CASES)
def test_entity_tricks_are_refused_or_inert_and_never_hang(part, doctype, reference):
    data = _with_doctype(part, doctype, reference)
    started = time.perf_counter()
    try:
        parsed = parse_file(data, file_name="evil.xlsx", limits=Limits())
    except InputRefused as refused:
        assert refused.problems and all(p.file == "evil.xlsx" for p in refused.problems)
    else:
        names = " ".join(map(str, parsed.records["metric"]))
        assert "lollollol" not in names and "root:" not in names      # never expanded, never read a file
    assert time.perf_counter() - started < 5


def test_a_hostile_workbook_leaves_the_store_untouched(store, cli, tmp_path):
    (tmp_path / "cat.csv").write_text("name\nMTTR\n", encoding="utf-8")
    assert cli("metrics", "import", tmp_path / "cat.csv")[0] == 0
    evil = tmp_path / "evil.xlsx"
    evil.write_bytes(_with_doctype("xl/sharedStrings.xml", LAUGHS, b"&lol9;"))
    code, _, err = cli("ingest", evil)
    assert code == 1 and "evil.xlsx" in err
    assert current_observations(store).empty


def test_server_settings_are_hardened():
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert settings["browser"]["gatherUsageStats"] is False
    assert settings["server"]["enableXsrfProtection"] is True
    assert settings["server"]["maxUploadSize"] == Limits().max_file_bytes / 2**20     # what the upload box says
    assert settings["client"]["showErrorDetails"] == "none"
    assert settings["client"]["toolbarMode"] == "viewer"


@pytest.mark.parametrize("value", ["1e300", "-1.7e308", "123456789012345678901234567890", "0.30000000000000004"])
def test_extreme_numbers_are_kept_finite_and_exact(tmp_path, value):
    path = tmp_path / "huge.csv"
    path.write_text(f"metric,period,value\nMTTR,2026-05,{value}\n", encoding="utf-8")
    stored = parse_file(path, file_name="huge.csv", limits=Limits()).records["value"].iloc[0]
    expected = 0.3 if value.startswith("0.3") else float(value)    # binary noise rounded away, nothing else
    assert stored == expected
