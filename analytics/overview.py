"""Headline figures about what the store holds, for the home page and `status`."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .store import Store


@dataclass(frozen=True)
class Overview:
    metrics: int
    values: int
    first_period: str | None
    latest_period: str | None
    months: int
    uploads: int
    by_category: pd.DataFrame  # category, metrics

    @property
    def empty(self) -> bool:
        return self.metrics == 0 and self.values == 0


def store_overview(store: Store) -> Overview:
    with store.read() as con:
        metrics, values, first, latest, months, uploads = con.execute(
            """
            SELECT (SELECT count(*) FROM metric),
                   count(*), strftime(min(period), '%Y-%m'), strftime(max(period), '%Y-%m'),
                   count(DISTINCT period),
                   (SELECT count(*) FROM upload WHERE outcome = 'applied')
            FROM current_observation
            """
        ).fetchone()
        by_category = con.execute(
            "SELECT coalesce(category, 'none') AS category, count(*) AS metrics FROM metric GROUP BY 1 ORDER BY 1"
        ).df()
    return Overview(metrics, values, first, latest, months, uploads, by_category)
