"""Current values: one per metric and period, as the analytics and exports see them."""

from __future__ import annotations

import pandas as pd

from .store import Store


def current_observations(store: Store, metric: str | None = None) -> pd.DataFrame:
    """Columns metric (catalogue name), period ('YYYY-MM'), value; ordered by metric then period.
    `metric` is read as every command reads a metric's name (any spelling the catalogue knows)."""
    from .catalogue import catalogue_metric_id

    with store.read() as con:
        metric_id = None if metric is None else catalogue_metric_id(con, metric)
        return con.execute(
            """
            SELECT m.name AS metric, strftime(o.period, '%Y-%m') AS period, o.value
            FROM current_observation o JOIN metric m ON m.id = o.metric_id
            WHERE ? IS NULL OR m.id = ?
            ORDER BY m.id, o.period
            """,
            [metric_id, metric_id],
        ).df()


def observation_frame(store: Store) -> pd.DataFrame:
    """All current values with metric ids and real dates, for the statistics."""
    with store.read() as con:
        return con.execute(
            "SELECT metric_id, period, value, target FROM current_observation ORDER BY metric_id, period"
        ).df()
