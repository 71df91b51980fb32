"""Loading the demo data set into an empty store, through the same checks as real files."""

from __future__ import annotations

import datetime

import pandas as pd

from . import demo_data
from .catalogue import import_catalogue
from .errors import InputRefused, Problem
from .ingest import apply_ingest, plan_records
from .store import Store

DEMO_USER = "demo"


def load_demo(store: Store, today: datetime.date) -> dict[str, object]:
    """Catalogue, baselines (two cycles for the improvement stories) and 36 months of values."""
    if not store.is_empty():
        raise InputRefused(Problem(f"the store {store.path} already has data or accounts; the demo only loads into "
                                   "an empty store"))
    last = demo_data.last_complete_month(today)
    catalogue = demo_data.demo_catalogue()
    import_catalogue(store, catalogue, by=DEMO_USER, file_name="demo catalogue")
    _add_later_baselines(store, last)
    values = demo_data.demo_observations(last)
    suggestions = demo_data.demo_suggestions(last)
    records = values.merge(suggestions, how="left", on=["metric", "period"])
    plan = plan_records(store, records, "demo-data.csv")
    apply_ingest(store, plan, by=DEMO_USER, source="service_report")
    accounts = _add_people_and_records(store, last)
    return {
        "accounts": accounts,
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


DEMO_PEOPLE = [("陈静", "improvement_owner"), ("刘洋", "service_owner"), ("王磊", "process_owner"),
               ("周敏", "quality"), ("demo-admin", "admin"), ("访客", "viewer")]
DEMO_PROCESSES = {"王磊": ["incident"]}  # the demo process owner uploads the incident metrics he owns


def _add_people_and_records(store: Store, last: str) -> None:
    """One account per role (no password: attribution only until sign-in is set up) and the
    improvement records of the stories, in the states a meeting would find them."""
    import json
    import secrets

    from .record_views import gap_snapshot
    from .records import move_record, raise_record
    from .users import add_user

    accounts = []
    for name, role in DEMO_PEOPLE:
        password = "demo-" + secrets.token_urlsafe(6)
        add_user(store, name, role, password=password, by=DEMO_USER,
                 processes=DEMO_PROCESSES.get(name))
        accounts.append({"name": name, "role": role, "password": password})
    with store.write() as con:
        # demo mode only: the sign-in page shows these accounts so a meeting can try every role
        con.execute("INSERT INTO store_meta VALUES ('demo_accounts', ?)", [json.dumps(accounts, ensure_ascii=False)])
    owner, approver, quality = "陈静", "刘洋", "周敏"
    for story in demo_data.demo_stories(last):
        if story["story"] == "successful_improvement":
            stage, change = "monitoring", "CHG-2025-0412"
        elif story["story"] == "failed_improvement":
            stage, change = "monitoring", "CHG-2026-0117"
        elif story["story"] == "deterioration":
            stage, change = "raised", None
        else:
            continue
        go_live = story["go_live"]
        # raised from the gap two months before the change went live (or from the latest month)
        raised_in = str(pd.Period(go_live, freq="M") - 2) if go_live else last
        record_id = raise_record(
            store, title=story["title_zh"], by=owner, source="gap", metric=story["metric"], period=raised_in,
            snapshot=gap_snapshot(store, story["metric"], raised_in), description=story["description_zh"],
            owner=owner, priority="high" if stage == "raised" else "medium")
        if stage == "raised":
            continue
        move_record(store, record_id, "approved", by=approver, comment="同意实施")
        move_record(store, record_id, "implementing", by=owner, change_ref=change, go_live=go_live)
        move_record(store, record_id, "monitoring", by=quality, comment="已上线,进入效果跟踪")
    return accounts


def demo_accounts(store: Store) -> list[dict]:
    """The demo accounts and passwords, when the store holds the demo data (else empty); only those
    that still sign in: an account an admin deactivated (or renamed) would be offered in vain."""
    import json

    with store.read() as con:
        row = con.execute("SELECT value FROM store_meta WHERE key = 'demo_accounts'").fetchone()
        active = {name for (name,) in con.execute("SELECT name FROM app_user WHERE active").fetchall()}
    return [account for account in json.loads(row[0]) if account["name"] in active] if row else []
