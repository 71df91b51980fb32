"""The monthly review scorecard as data: one display row per metric, exceptions first.

The page only renders this frame; filters, ordering, headline counts and the number/unit
formatting are decided here so they are tested without a browser and shared by the reports.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pandas as pd

from .analysis import Analysis
from .icons import assurance_svg, data_uri, variation_svg
from .names import process_shown, reading_order
from .units import format_difference, format_number, pct_shown, unit_shown

STATUS_ORDER = {"missed": 0, "near": 1, "met": 2, "no_target": 3, "no_data": 4}
STATUSES = tuple(STATUS_ORDER)
STATUS_COLOURS = {"met": "#d5ecd4", "near": "#fff1c2", "missed": "#f9d0cc", "no_target": "#eeeeee",
                  "no_data": "#eeeeee", "off_target": "#fff1c2"}
IMPROVEMENT = ("improvement_high", "improvement_low")
CONCERN = ("concern_high", "concern_low")


def shown_status(status: object, direction: object) -> object:
    """The status as a reader is told it: a neutral metric beyond its tolerance is 'off target',
    neither better nor worse; 'near' (its status, which ranks and counts it) would say it is close."""
    return "off_target" if status == "near" and direction == "neutral" else status


@dataclass(frozen=True)
class Filters:
    processes: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    search: str = ""


@functools.lru_cache(maxsize=32)
def _variation_uri(variation: object) -> str | None:
    return data_uri(variation_svg(variation if isinstance(variation, str) else None))


@functools.lru_cache(maxsize=32)
def _assurance_uri(assurance: object) -> str | None:
    return data_uri(assurance_svg(assurance if isinstance(assurance, str) else None))


def display_name(row: pd.Series | dict, lang: str) -> str:
    preferred = row.get("name_zh") if lang == "zh" else row.get("name_en")
    return preferred if isinstance(preferred, str) and preferred.strip() else row["name"]


def display_names(frame: pd.DataFrame, lang: str, fallback: str = "metric") -> list:
    """display_name of each row that names a catalogue metric (name, name_en, name_zh), else the
    row's `fallback` column (a record or suggestion not tied to a metric)."""
    return [display_name(row, lang) if isinstance(row["name"], str) else row[fallback]
            for row in frame.to_dict("records")]


def scorecard_rows(analysis: Analysis, lang: str, filters: Filters = Filters(), months: int = 18) -> pd.DataFrame:
    """Rows in review order: priority (most urgent first), then status, then name."""
    table = analysis.table
    if analysis.empty or table.empty:
        return pd.DataFrame(columns=["metric_id", "name", "status", "priority"])
    rows = table.copy()
    rows["display_name"] = [display_name(r, lang) for r in rows.to_dict("records")]
    keep = pd.Series(True, index=rows.index)
    if filters.processes:
        keep &= rows["process"].isin(filters.processes)
    if filters.categories:
        keep &= rows["category"].isin(filters.categories)
    if filters.owners:
        keep &= rows["owner"].isin(filters.owners)
    if filters.statuses:
        keep &= rows["status"].isin(filters.statuses)
    if filters.search.strip():
        needle = filters.search.strip().casefold()
        haystack = (rows["name"].fillna("") + " " + rows["name_en"].fillna("") + " " + rows["name_zh"].fillna("")
                    + " " + rows["process"].fillna("") + " " + rows["process"].map(lambda p: process_shown(p, "zh")).fillna("")
                    + " " + rows["owner"].fillna(""))
        keep &= haystack.str.casefold().str.contains(needle, regex=False)
    rows = rows[keep].copy()
    spark = analysis.sparklines(months)
    rows["sparkline"] = rows["metric_id"].map(spark)
    rows["decimals"] = rows["decimals_shown"]             # the reports write the rows' numbers with them too
    rows["status_shown"] = [shown_status(s, d) for s, d in zip(rows["status"], rows["direction"], strict=True)]
    units = [unit_shown(u, lang) for u in rows["unit"]]           # 小时 on a Chinese page; stored as h
    rows["actual_text"] = [format_number(v, u, d) for v, u, d in zip(rows["actual"], units, rows["decimals"])]
    rows["target_text"] = [format_number(v, u, d) for v, u, d in zip(rows["target"], units, rows["decimals"])]
    rows["gap_text"] = [format_difference(v, u, d, lang=lang) for v, u, d in zip(rows["gap"], units, rows["decimals"])]
    rows["gap_pct_shown"] = [pct_shown(p, g, d) for p, g, d in zip(rows["gap_pct"], rows["gap"], rows["decimals"])]
    rows["variation_icon"] = rows["variation"].map(_variation_uri)
    rows["assurance_icon"] = rows["assurance"].map(_assurance_uri)
    rows["reason"] = rows["reason_zh" if lang == "zh" else "reason_en"]
    rows["_status_order"] = rows["status"].map(STATUS_ORDER)
    rows["_name_order"] = rows["display_name"].map(reading_order)
    rows = rows.sort_values(["priority", "_status_order", "_name_order"], na_position="last", kind="stable")
    return rows.drop(columns=["_status_order", "_name_order"]).reset_index(drop=True)


def headline(rows: pd.DataFrame) -> dict[str, int]:
    """Counts for the top of the page: met / near / missed, improvements / concerns."""
    status = rows["status"] if "status" in rows else pd.Series(dtype=object)
    variation = rows["variation"] if "variation" in rows else pd.Series(dtype=object)
    return {
        "met": int((status == "met").sum()), "near": int((status == "near").sum()),
        "missed": int((status == "missed").sum()),
        "improvements": int(variation.isin(IMPROVEMENT).sum()), "concerns": int(variation.isin(CONCERN).sum()),
    }


def filter_options(analysis: Analysis, lang: str = "en") -> dict[str, list[str]]:
    """The processes, categories and owners of the analysed metrics, each list in the order its names
    read in `lang` (a Chinese page lists change as 变更管理, so among the Chinese names)."""
    table = analysis.table
    if table.empty:
        return {"process": [], "category": [], "owner": []}
    return {col: sorted((v for v in table[col].dropna().unique() if str(v).strip()),
                        key=lambda v, col=col: reading_order(process_shown(v, lang) if col == "process" else v))
            for col in ("process", "category", "owner")}
