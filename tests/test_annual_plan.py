"""The annual plan roll-up: which records belong to a year, buckets, on-time closure, effects."""

from __future__ import annotations

import datetime

import pandas as pd
import pytest

from analytics.annual_plan import annual_plan
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
    assert rows.loc[on_time, "effect"] == pytest.approx(-3.0) and rows.loc[on_time, "verdict"] == "effective"
    # raised in 2025: on time, late, cancelled (the 2024 ones were raised before)
    assert plan.summary == {"raised": 3, "closed": 2, "closed_on_time": 1, "closed_with_due_date": 2,
                            "effective": 2, "share_effective": 1.0, "open_at_year_end": 1}
    group = plan.by_group.set_index(["process", "category"])
    assert group.loc[("incident", "efficiency"), "closed"] == 2
    assert group.loc[("–", "–"), ["planned", "stopped"]].tolist() == [1, 1]
    assert annual_plan(people, 2023).records.empty
