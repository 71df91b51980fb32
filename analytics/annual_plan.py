"""The annual service improvement plan (年度服务改进计划) and what improvement achieved that year.

For a year: every record that was alive in it (raised in the year, or still open at its start,
or closed in it), bucketed as planned / in progress / closed / stopped, with the measured effect
(mean after go-live minus before, and that change signed so that + is better whichever way the
metric improves) and the verification verdict; and the procedure's own measure
of the results service improvement achieved (服务改进所取得的业绩): records raised, closed,
closed on time, and the share of closed records verified effective.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

import pandas as pd

from .i18n import t
from .names import process_shown
from .record_views import record_verification
from .records import get_record, list_records
from .report_content import neutralised_text
from .scorecard import display_names
from .store import Store

BUCKETS = {"raised": "planned", "approved": "planned", "implementing": "in_progress", "monitoring": "in_progress",
           "verified": "in_progress", "closed": "closed", "rejected": "stopped", "cancelled": "stopped"}
PLAN_COLUMNS = ["id", "title", "state", "bucket", "process", "category", "metric", "owner", "due_date", "go_live",
                "raised_at", "closed_at", "on_time", "verdict", "direction", "before_mean", "after_mean", "change",
                "effect", "outcome",
                "name", "name_en", "name_zh"]     # the metric's catalogue names, for showing it in either language


@dataclass
class AnnualPlan:
    year: int
    records: pd.DataFrame     # PLAN_COLUMNS
    summary: dict[str, float | int | None]
    by_group: pd.DataFrame    # process, category and a count per bucket


def annual_plan(store: Store, year: int) -> AnnualPlan:
    start, end = pd.Timestamp(datetime.date(year, 1, 1)), pd.Timestamp(datetime.date(year + 1, 1, 1))
    records = list_records(store)
    raised_at = pd.to_datetime(records["raised_at"])
    ended = records["state"].isin(["closed", "rejected", "cancelled"])
    ended_at = pd.to_datetime(records["updated_at"]).where(ended)
    alive = (raised_at < end) & (ended_at.isna() | (ended_at >= start))
    rows = records[alive].copy()
    rows["bucket"] = rows["state"].map(BUCKETS)
    due = pd.to_datetime(rows["due_date"])
    done = pd.to_datetime(rows["closed_at"])
    rows["on_time"] = [None if pd.isna(d) or pd.isna(c) else bool(c.normalize() <= d) for d, c in zip(due, done)]
    effects = [_effect(store, int(i)) for i in rows["id"]]
    rows["verdict"] = [e[0] for e in effects]
    rows["before_mean"] = [e[1] for e in effects]
    rows["after_mean"] = [e[2] for e in effects]
    rows["direction"] = rows["metric_id"].map(_directions(store))
    rows["change"] = rows["after_mean"] - rows["before_mean"]
    rows["effect"] = [better_by(c, d) for c, d in zip(rows["change"], rows["direction"])]
    rows["outcome"] = [outcome(v, e) for v, e in zip(rows["verdict"], rows["effect"])]
    rows = rows[PLAN_COLUMNS].sort_values(["bucket", "id"]).reset_index(drop=True)

    in_year_closed = rows[(rows["state"] == "closed") & (pd.to_datetime(rows["closed_at"]) >= start)
                          & (pd.to_datetime(rows["closed_at"]) < end)]
    judged = in_year_closed[in_year_closed["verdict"].isin(["effective", "not_yet", "worse"])]
    with_due = in_year_closed["on_time"].dropna()
    summary = {
        "raised": int(((raised_at >= start) & (raised_at < end)).sum()),
        "closed": len(in_year_closed),
        "closed_on_time": int(with_due.sum()) if len(with_due) else 0,
        "closed_with_due_date": len(with_due),
        "effective": int((judged["verdict"] == "effective").sum()),
        "share_effective": float((judged["verdict"] == "effective").mean()) if len(judged) else None,
        "open_at_year_end": int(rows["bucket"].isin(["planned", "in_progress"]).sum()),
    }
    by_group = (rows.assign(process=rows["process"].fillna("–"), category=rows["category"].fillna("–"))
                .pivot_table(index=["process", "category"], columns="bucket", values="id", aggfunc="count",
                             fill_value=0)
                .reindex(columns=["planned", "in_progress", "closed", "stopped"], fill_value=0)
                .reset_index()) if len(rows) else pd.DataFrame(
        columns=["process", "category", "planned", "in_progress", "closed", "stopped"])
    by_group.columns.name = None
    return AnnualPlan(year, rows, summary, by_group)


def better_by(change: float | None, direction: str | None) -> float | None:
    """The change after minus before, signed so that + is better: a fall of 2.97 h in MTTR is +2.97,
    a fall of 0.24 in first contact resolution is -0.24. None where the metric has no better side."""
    if change is None or pd.isna(change) or direction not in ("increase", "decrease"):
        return None
    return float(change) if direction == "increase" else -float(change)


def outcome(verdict: str | None, effect: float | None) -> str | None:
    """improved / worsened / unchanged (no clear change), as the verification of effect judged it;
    None without one, or without a better side (a neutral metric has no effect). The sign of the
    mean difference alone said 'worse' beside 'not yet' for a fall well inside its confidence
    interval, and 'better' beside 'worse' for a concern signal."""
    if effect is None or pd.isna(effect) or not isinstance(verdict, str):
        return None
    return {"effective": "improved", "worse": "worsened", "not_yet": "unchanged"}.get(verdict)


def _directions(store: Store) -> dict[int, str]:
    with store.read() as con:
        return dict(con.execute("SELECT id, direction FROM metric").fetchall())


def _effect(store: Store, record_id: int) -> tuple[str | None, float | None, float | None]:
    verification = record_verification(store, get_record(store, record_id))
    if verification is None:
        return None, None, None
    return verification.verdict, verification.pre_mean, verification.post_mean


def plan_years(store: Store) -> list[int]:
    """Years that have records, newest first, always including this year."""
    records = list_records(store)
    years = set(pd.to_datetime(records["raised_at"]).dt.year.tolist()) | {datetime.date.today().year}
    return sorted(years, reverse=True)


# The export (Excel or CSV) and the page show these columns, with these labels (i18n keys).
EXPORT_COLUMNS = {"id": "col.id", "title": "rec.field_title", "bucket": "plan.bucket", "state": "rec.state_filter",
                  "process": "sc.process", "category": "sc.category", "metric": "col.metric",
                  "owner": "rec.field_owner", "due_date": "rec.field_due_date", "go_live": "col.go_live",
                  "raised_at": "plan.raised_at", "closed_at": "plan.closed_at", "on_time": "col.on_time",
                  "verdict": "col.verdict", "direction": "field.direction", "before_mean": "col.before",
                  "after_mean": "col.after", "change": "plan.change", "effect": "plan.effect",
                  "outcome": "plan.outcome"}
CATEGORIES = ("quality", "effectiveness", "cost", "efficiency")
PLAN_FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "text/csv"}


def plan_headers(lang: str) -> dict[str, str]:
    return {key: t(label, lang) for key, label in EXPORT_COLUMNS.items()}


def category_text(category: object, lang: str) -> object:
    return t(f"category.{category}", lang) if category in CATEGORIES else category


def localised_groups(plan: AnnualPlan, lang: str) -> pd.DataFrame:
    """The counts per process and category, those named in the reader's language."""
    groups = plan.by_group
    return groups.assign(process=[process_shown(p, lang) for p in groups["process"]],
                         category=[category_text(c, lang) for c in groups["category"]])


def localised_records(plan: AnnualPlan, lang: str) -> pd.DataFrame:
    """The year's records in the reader's language (stage, state, verdict, direction, outcome, process and
    the metric's name), in EXPORT_COLUMNS order: what the page shows and the export writes."""
    rows = plan.records

    def words(column: str, prefix: str) -> list:
        return [t(f"{prefix}.{v}", lang) if isinstance(v, str) else None for v in rows[column]]

    return rows.assign(
        bucket=words("bucket", "bucket"), state=words("state", "state"), verdict=words("verdict", "verdict"),
        direction=words("direction", "direction"), outcome=words("outcome", "outcome"),
        category=[category_text(c, lang) for c in rows["category"]],
        process=[process_shown(p, lang) for p in rows["process"]],
        metric=display_names(rows, lang) if len(rows) else [],
        on_time=[None if v is None or pd.isna(v) else t("plan.yes" if v else "plan.no", lang)
                 for v in rows["on_time"]],
    )[list(EXPORT_COLUMNS)]


def stage_counts(plan: AnnualPlan) -> dict[str, int]:
    """Records of the year per stage (planned, in progress, closed, stopped)."""
    counts = plan.records["bucket"].value_counts()
    return {bucket: int(counts.get(bucket, 0)) for bucket in ("planned", "in_progress", "closed", "stopped")}


def plan_csv(plan: AnnualPlan, lang: str) -> bytes:
    """Every record of the year as CSV in UTF-8 with BOM, text neutralised against formulas, as the
    gap report's CSV (Excel on Chinese Windows opens it correctly and runs nothing)."""
    frame = neutralised_text(localised_records(plan, lang))
    for column in ("raised_at", "closed_at"):        # to the minute, as the page shows them (not .905894 seconds)
        frame[column] = pd.to_datetime(frame[column]).dt.strftime("%Y-%m-%d %H:%M")
    for column in ("before_mean", "after_mean", "change", "effect"):   # 11.8273, not 11.827272727272726
        frame[column] = [None if pd.isna(v) else f"{v:.6g}" for v in frame[column]]
    return frame.rename(columns=plan_headers(lang)).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def plan_xlsx(plan: AnnualPlan, lang: str) -> bytes:
    """A Summary sheet (the page's figures: results, counts per stage, per process and category) and a
    Records sheet (every record of the year), written by the gap report's cell writer, so numbers stay
    numbers and text is neutralised against formulas in the same way."""
    from .report_xlsx import HEADER, SheetWriter

    buffer = io.BytesIO()
    writer = SheetWriter(buffer)
    sheet = writer.book.add_worksheet(t("report.summary", lang))
    sheet.set_column(0, 1, 24)
    sheet.set_column(2, 5, 14)
    sheet.write_string(0, 0, f"{t('plan.title', lang)} {plan.year}", writer.fmt(bold=True, font_size=16))
    sheet.write_string(1, 0, t("report.generated", lang, when=datetime.datetime.now().strftime("%Y-%m-%d %H:%M")),
                       writer.fmt(italic=True, font_color="#666666"))
    row = _write_figures(writer, sheet, plan, lang, 3)
    _write_by_group(writer, sheet, plan, lang, row + 1, HEADER)
    sheet.activate()
    writer.table(t("plan.records_sheet", lang), localised_records(plan, lang), plan_headers(lang),
                 fixed_decimals={"id": 0})
    writer.book.close()
    return buffer.getvalue()


def _write_figures(writer, sheet, plan: AnnualPlan, lang: str, row: int) -> int:
    """The results and the counts per stage, one label and number a row; returns the next free row."""
    summary = plan.summary
    sheet.write_string(row, 0, t("plan.results", lang), writer.fmt(bold=True, font_size=13))
    figures = [(t("plan.raised", lang), summary["raised"]), (t("plan.closed", lang), summary["closed"]),
               (t("plan.on_time", lang), summary["closed_on_time"]),
               (t("plan.with_due_date", lang), summary["closed_with_due_date"]),
               (t("plan.effective", lang), summary["effective"]),
               (t("plan.effective_share", lang), summary["share_effective"]),
               (t("plan.open", lang), summary["open_at_year_end"])]
    figures += [(t("plan.by_stage", lang), "")]
    figures += [(t(f"bucket.{bucket}", lang), count) for bucket, count in stage_counts(plan).items()]
    for i, (label, value) in enumerate(figures, start=row + 1):
        sheet.write_string(i, 0, label, writer.fmt(bold=True, font_size=13 if value == "" else 11))
        if value == "":
            continue
        if value is None:
            sheet.write_string(i, 1, "–", writer.fmt(align="right"))
        elif label == t("plan.effective_share", lang):
            sheet.write_number(i, 1, value, writer.fmt(num_format="0%"))
        else:
            sheet.write_number(i, 1, value, writer.fmt(num_format="0"))
    return row + 1 + len(figures)


def _write_by_group(writer, sheet, plan: AnnualPlan, lang: str, row: int, header: dict) -> None:
    sheet.write_string(row, 0, t("plan.by_group", lang), writer.fmt(bold=True, font_size=13))
    columns = {"process": t("sc.process", lang), "category": t("sc.category", lang),
               **{b: t(f"bucket.{b}", lang) for b in ("planned", "in_progress", "closed", "stopped")}}
    for j, text in enumerate(columns.values()):
        sheet.write_string(row + 1, j, text, writer.fmt(**header))
    for i, values in enumerate(localised_groups(plan, lang)[list(columns)].itertuples(index=False), start=row + 2):
        for j, value in enumerate(values):
            writer.cell(sheet, i, j, value)


def plan_file_name(year: int, lang: str, fmt: str) -> str:
    return f"annual-plan-{year}-{lang}.{fmt}"


def plan_output(plan: AnnualPlan) -> dict:
    """The plan for scripts (JSON): year, summary, counts per stage, by process/category, records."""
    records = plan.records.drop(columns=["name", "name_en", "name_zh"])
    return {"year": plan.year, "summary": plan.summary, "stages": stage_counts(plan),
            "by_group": plan.by_group.to_dict("records"), "records": records.to_dict("records")}
