"""The upload log, rolling an upload back, and the history of every value.

Rolling back restores exactly what the upload superseded. It is refused while a later upload
has replaced some of its values, or restated them unchanged (roll that one back first), so
history never tangles.
"""

from __future__ import annotations

import pandas as pd

from .errors import InputRefused, Problem
from .i18n import t
from .names import name_key
from .store import Store

PREVIEW_ORDER = {"changed": 0, "new": 1, "missing": 2, "unchanged": 3}


def preview_table(changes: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A file plan's changes as the upload preview lists them, changed first: the change in words,
    the current value and the value after loading. A blank cell is not loaded, so where a value is
    already stored it stays: shown as 'blank: current value kept' with that value, not as an empty
    new value beside the old one, which reads as if the blank would erase it."""
    kept = ((changes["status"] == "missing").to_numpy() & changes["old_value"].notna().to_numpy())
    words = {"new": t("upload.new", lang), "changed": t("upload.changed", lang),
             "unchanged": t("upload.unchanged", lang), "missing": t("upload.blank_not_loaded", lang)}
    status = changes["status"].astype(object).map(words).where(~kept, t("upload.blank_kept", lang))
    view = changes.assign(order=changes["status"].astype(object).map(PREVIEW_ORDER).astype("int64"), status=status,
                          value=changes["value"].where(~kept, changes["old_value"]))
    targets = ["target"] if changes["target"].notna().any() else []      # the file gives targets
    return view.sort_values(["order", "metric", "period"])[
        ["status", "catalogue_name", "period", "old_value", "value", *targets, "sheet", "row"]]


UPLOAD_COLUMNS = ["id", "file_name", "uploaded_by", "uploaded_at", "source", "rows_read", "values_new",
                  "values_changed", "values_unchanged", "values_missing", "metrics_created", "outcome",
                  "rolled_back_at", "rolled_back_by", "sha256"]


def list_uploads(store: Store) -> pd.DataFrame:
    with store.read() as con:
        return con.execute(f"SELECT {', '.join(UPLOAD_COLUMNS)} FROM upload ORDER BY id DESC").df()


def rollback_upload(store: Store, upload_id: int, *, by: str) -> dict:
    """Retract the upload's values and make the values it replaced current again. The metrics the
    upload created (--create-metrics) go too, unless something else now holds on to them (see
    _metrics_only_the_upload_made); 'removed' names those that went, 'records' the finished records
    whose verification read its values (records_verified_on), which the caller warns about."""
    with store.write() as con:
        row = con.execute("SELECT outcome, file_name FROM upload WHERE id = ?", [upload_id]).fetchone()
        if row is None:
            raise InputRefused(Problem(f"there is no upload #{upload_id}"))
        if row[0] != "applied":
            raise InputRefused(Problem(f"upload #{upload_id} ('{row[1]}') was already rolled back"))
        later = con.execute(
            "SELECT DISTINCT superseded_by FROM observation WHERE upload_id = ? AND superseded_by IS NOT NULL"
            " ORDER BY 1", [upload_id]).fetchall()
        problems = []
        if later:
            ids = ", ".join(f"#{r[0]}" for r in later)
            problems.append(Problem(
                f"upload #{upload_id} cannot be rolled back: some of its values were since replaced by "
                f"upload {ids}; roll back {ids} first"))
        if restated := _restated_by(con, upload_id):
            ids = ", ".join(f"#{i}" for i in restated)
            problems.append(Problem(
                f"upload #{upload_id} cannot be rolled back: upload {ids} loaded some of its values again unchanged "
                f"and still stands by them; roll back {ids} first"))
        if problems:
            raise InputRefused(problems)
        records = _records_verified_on(con, upload_id)
        retracted = con.execute(
            "UPDATE observation SET retracted = true WHERE upload_id = ? AND NOT retracted", [upload_id]
        ).fetchone()[0]
        restored = con.execute(
            "UPDATE observation SET superseded_by = NULL WHERE superseded_by = ?", [upload_id]
        ).fetchone()[0]
        con.execute("DELETE FROM suggestion WHERE upload_id = ?", [upload_id])
        removed = _metrics_only_the_upload_made(con, upload_id)
        if removed:
            ids = list(removed)
            con.execute("DELETE FROM observation WHERE metric_id = ANY(?)", [ids])    # this upload's, retracted
            con.execute("DELETE FROM metric_alias WHERE metric_id = ANY(?)", [ids])
            con.execute("DELETE FROM metric WHERE id = ANY(?)", [ids])
        con.execute(
            "UPDATE upload SET outcome = 'rolled_back', rolled_back_at = current_timestamp, rolled_back_by = ?"
            " WHERE id = ?", [by, upload_id])
    return {"retracted": int(retracted), "restored": int(restored), "removed": list(removed.values()),
            "records": records}


def _restated_by(con, upload_id: int) -> list[int]:
    """The applied uploads that restated some of this upload's current values unchanged (a cumulative
    file sent again): they wrote no value of their own there, so a rollback would bring back the
    values before this upload although they still say otherwise."""
    return [i for (i,) in con.execute(
        "SELECT DISTINCT r.upload_id FROM restatement r JOIN upload u ON u.id = r.upload_id"
        " WHERE r.restated_upload = ? AND u.outcome = 'applied' ORDER BY 1", [upload_id]).fetchall()]


def records_verified_on(store: Store, upload_id: int) -> list[int]:
    """The finished records a rollback of the upload would change the evidence of (the page warns
    before the click)."""
    with store.read() as con:
        return _records_verified_on(con, upload_id)


def _records_verified_on(con, upload_id: int) -> list[int]:
    """Verified or closed records whose verification read a current value of this upload: their
    effect is judged on the values up to the month they were verified in (record_views.verified_month),
    so rolling the upload back changes the evidence, and perhaps the verdict, of a finished record."""
    return [rid for (rid,) in con.execute(
        """
        SELECT r.id FROM improvement_record r
        JOIN (SELECT record_id, date_trunc('month', max(event_at)) AS month FROM record_event
              WHERE kind = 'transition' AND to_state = 'verified' GROUP BY record_id) v ON v.record_id = r.id
        WHERE r.state IN ('verified', 'closed') AND r.go_live IS NOT NULL
          AND EXISTS (SELECT 1 FROM current_observation o WHERE o.upload_id = ? AND o.metric_id = r.metric_id
                      AND o.period <= v.month)
        ORDER BY r.id
        """, [upload_id]).fetchall()]


def verified_records_note(record_ids: list[int]) -> str:
    """What a rollback did to finished records' evidence, in words (localise puts it in Chinese)."""
    named = ", ".join(f"#{rid}" for rid in record_ids)
    return (f"the verification of record{'s' * (len(record_ids) > 1)} {named} (verified or closed) read values of "
            "this upload; it now reads the values as they are after the rollback, and its verdict may differ")


def _metrics_only_the_upload_made(con, upload_id: int) -> dict[int, str]:
    """{id: name} of the metrics the upload created that nothing else holds: no value from another
    upload still current or superseded (a later upload rolled back first does not hold it), not
    edited in the catalogue since, no baseline or target, no improvement record, not
    the volume metric of another. A mistyped name loaded with --create-metrics goes with its upload;
    a metric someone has since worked on stays."""
    found = con.execute(
        """
        SELECT m.id, m.name FROM metric m
        WHERE m.created_by_upload = ? AND m.updated_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM observation o WHERE o.metric_id = m.id AND o.upload_id <> ? AND NOT o.retracted)
          AND NOT EXISTS (SELECT 1 FROM suggestion s WHERE s.metric_id = m.id)
          AND NOT EXISTS (SELECT 1 FROM baseline b WHERE b.metric_id = m.id)
          AND NOT EXISTS (SELECT 1 FROM improvement_record r WHERE r.metric_id = m.id)
          AND NOT EXISTS (SELECT 1 FROM record_metric r WHERE r.metric_id = m.id)
        ORDER BY m.name
        """, [upload_id, upload_id]).fetchall()
    if not found:
        return {}
    aliases = dict(con.execute("SELECT alias_key, metric_id FROM metric_alias").fetchall())
    volume_of = [(metric_id, aliases.get(name_key(volume))) for metric_id, volume in con.execute(
        "SELECT id, volume_metric FROM metric WHERE volume_metric IS NOT NULL").fetchall()]
    going = dict(found)
    while True:           # a metric that stays keeps the volume metric it names, even one this upload made
        held = {volume for metric_id, volume in volume_of if metric_id not in going} & going.keys()
        if not held:
            return going
        going = {metric_id: name for metric_id, name in going.items() if metric_id not in held}


def value_history(store: Store, metric_id: int) -> pd.DataFrame:
    """Every value ever loaded for a metric, newest first per period, with its upload."""
    with store.read() as con:
        return con.execute(
            """
            SELECT strftime(o.period, '%Y-%m') AS period, o.value, o.upload_id, u.file_name, u.uploaded_by,
                   u.uploaded_at, o.sheet, o.row_number,
                   CASE WHEN o.retracted THEN 'rolled back'
                        WHEN o.superseded_by IS NOT NULL THEN 'superseded by #' || o.superseded_by
                        ELSE 'current' END AS state, o.superseded_by
            FROM observation o JOIN upload u ON u.id = o.upload_id
            WHERE o.metric_id = ?
            ORDER BY o.period DESC, o.upload_id DESC
            """,
            [metric_id],
        ).df()


def list_suggestions(store: Store) -> pd.DataFrame:
    """Improvement suggestions (改进建议) process owners sent with their data, newest first."""
    with store.read() as con:
        return con.execute(
            """
            SELECT s.upload_id, m.name AS metric, strftime(s.period, '%Y-%m') AS period, s.text,
                   u.file_name, u.uploaded_by, s.sheet, s.row_number, m.name AS name, m.name_en, m.name_zh
            FROM suggestion s JOIN upload u ON u.id = s.upload_id LEFT JOIN metric m ON m.id = s.metric_id
            ORDER BY s.upload_id DESC, s.row_number
            """
        ).df()
