"""Loading the demo data set into an empty store, through the same checks as real files."""

from __future__ import annotations

import datetime

from . import demo_data
from .catalogue import import_catalogue
from .errors import InputRefused, Problem
from .ingest import apply_ingest, plan_records
from .store import Store

DEMO_USER = "demo"


def load_demo(store: Store, today: datetime.date) -> dict[str, object]:
    """Catalogue, baselines (two cycles for the improvement stories) and 36 months of values."""
    if not store.is_empty():
        raise InputRefused(Problem(f"the store {store.path} already has data; the demo only loads into an empty store"))
    last = demo_data.last_complete_month(today)
    catalogue = demo_data.demo_catalogue()
    import_catalogue(store, catalogue, by=DEMO_USER, file_name="demo catalogue")
    _add_later_baselines(store, last)
    values = demo_data.demo_observations(last)
    suggestions = demo_data.demo_suggestions(last)
    records = values.merge(suggestions, how="left", on=["metric", "period"])
    plan = plan_records(store, records, "demo-data.csv")
    apply_ingest(store, plan, by=DEMO_USER, source="service_report")
    return {
        "metrics": len(catalogue),
        "values": int(values["value"].notna().sum()),
        "first_period": values["period"].min(),
        "last_period": values["period"].max(),
    }


def _add_later_baselines(store: Store, last: str) -> None:
    """Versions after the catalogue's first one: the new cycles the stories start."""
    from .baselines import add_version_if_changed
    from .catalogue import metric_lookup

    versions = demo_data.demo_baselines(last)
    with store.write() as con:
        lookup = metric_lookup(con)
        for row in versions.itertuples(index=False):
            add_version_if_changed(con, lookup.match(row.metric), row.from_period, row.baseline, row.target,
                                   row.by, row.reason, "demo")
