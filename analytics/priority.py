"""Which gaps the review meeting should discuss first, and why.

Only metrics that need attention are ranked: the period's status is missed or near, or the
latest point is a special cause of concern. Their severity is

    severity = weight x (gap in sigmas + 0.5 x consecutive months missed (at most 6) + 1 if concern)

where "gap in sigmas" is the gap to target (positive = worse) divided by the metric's natural
variation (sigma = (upper process limit - mean) / 3, from its current SPC segment), so a gap
that is large for that metric's noise ranks above a gap that is within everyday wobble. When
the metric has no limits yet, the gap in percent of target / 10 stands in. Ties go to the
higher business weight, then the name. Priority 1 is the most urgent.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .units import format_difference, unit_shown

MISSED_RUN_WEIGHT = 0.5
MISSED_RUN_CAP = 6
CONCERN_WEIGHT = 1.0


def rank_priorities(table: pd.DataFrame, sigma: pd.Series) -> pd.DataFrame:
    """Adds severity, priority (1 = most urgent, empty when no attention needed), reason_en/zh."""
    out = table.copy()
    gap = out["gap"].clip(lower=0).fillna(0)
    usable = (sigma > 0) & sigma.notna()
    gap_sigmas = np.where(usable, gap / sigma.where(usable, 1.0), out["gap_pct"].clip(lower=0).fillna(0) / 10)
    run = out["months_missed"].fillna(0).clip(upper=MISSED_RUN_CAP)
    concern = out["variation"].fillna("").str.startswith("concern")
    weight = out["weight"].fillna(1.0)
    severity = weight * (gap_sigmas + MISSED_RUN_WEIGHT * run + CONCERN_WEIGHT * concern)
    # a neutral metric has no worse side: off its target it is 'near', which the meeting need not rank
    neutral = out["direction"].eq("neutral") if "direction" in out else pd.Series(False, index=out.index)
    attention = (out["status"].eq("missed") | (out["status"].eq("near") & ~neutral)) | concern
    out["gap_sigmas"] = np.where(usable, gap_sigmas, np.nan)      # no limits yet: no sigmas to speak of
    out["severity"] = np.where(attention, severity, np.nan)
    order = out[attention].assign(_w=weight[attention], _n=out.loc[attention, "name"]).sort_values(
        ["severity", "_w", "_n"], ascending=[False, False, True])
    out["priority"] = pd.Series(np.arange(1, len(order) + 1), index=order.index).reindex(out.index).astype("Int64")
    out["reason_en"] = [_reason(r, "en") if a else None for r, a in zip(out.itertuples(), attention)]
    out["reason_zh"] = [_reason(r, "zh") if a else None for r, a in zip(out.itertuples(), attention)]
    return out


def _reason(row, lang: str) -> str:
    unit = unit_shown(row.unit, lang)                  # 差距 1.2 小时 in Chinese, as the table beside it
    decimals = int(row.decimals) if pd.notna(row.decimals) else 1

    def amount(value: float, places: int) -> str:
        return format_difference(value, unit, places, signed=False, lang=lang)

    parts = []
    if row.status in ("missed", "near") and pd.notna(row.gap):
        gap_text = amount(row.gap, int(getattr(row, "decimals_shown", decimals)))     # as the table beside it
        sigmas = row.gap_sigmas if pd.notna(row.gap_sigmas) else None
        if lang == "zh":
            parts.append(f"{'未达标' if row.status == 'missed' else '接近目标'},差距 {gap_text}"
                         + (f"(约 {sigmas:.1f}σ)" if sigmas is not None else ""))
        else:
            parts.append(f"{'missed' if row.status == 'missed' else 'near'} target by {gap_text}"
                         + (f" ({sigmas:.1f}σ of its natural variation)" if sigmas is not None else ""))
    if row.months_missed and row.months_missed > 1:
        parts.append(f"连续 {int(row.months_missed)} 个月未达标" if lang == "zh"
                     else f"{int(row.months_missed)} months in a row")
    if isinstance(row.variation, str) and row.variation.startswith("concern"):
        parts.append("出现需关注的特殊原因变异" if lang == "zh" else "special cause of concern")
    impact = getattr(row, "impact", None)
    if impact is not None and pd.notna(impact) and impact > 0:
        cost = getattr(row, "impact_cost", None)
        cost_text = f", ¥{cost:,.0f}" if cost is not None and pd.notna(cost) else ""
        own = getattr(row, f"volume_unit_name_{lang}", None)        # its name in the reader's language, if any
        volume = (own if isinstance(own, str) and own.strip() else None) or getattr(row, "volume_unit_name", None) or ""
        parts.append(f"业务影响约 {amount(impact, 0)}(按 {volume}){cost_text}" if lang == "zh"
                     else f"business impact about {amount(impact, 0)} across {volume}{cost_text}")
    parts.append(f"业务权重 {row.weight:g}" if lang == "zh" else f"business weight {row.weight:g}")
    if lang == "en":
        return "; ".join(parts)
    # Chinese lines may break between any two characters, and did at the spaces, mid-phrase: 连续 6⏎个月未达标;
    # no-break spaces keep a number with its words (the line breaks between Chinese characters instead)
    return ";".join(parts).replace(" ", "\u00a0")
