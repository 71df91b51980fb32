"""Did the improvement work? Automatic verification of effect for a record's metric.

Three independent pieces of evidence, all computed on the metric's monthly values:
1. SPC with the limits of the months before go-live projected forward (XmR limits fixed from
   the pre-change points): after go-live, a sustained shift (7+ points on the improvement side
   of the old mean) or points beyond the old limits on the improvement side are a signal that
   the process changed, not noise.
2. The change in mean, after minus before, with a 95% Welch confidence interval: how big is
   the effect, and could it be zero?
3. Whether the target is now consistently met: the post-change process limits against the
   target (the assurance verdict of Making Data Count).

Verdict: no_evidence (fewer than MIN_POST months after go-live, or fewer than MIN_PRE before),
worse (the interval lies wholly on the worse side, or a concern signal without a better interval), effective (an
improvement signal and the interval lies wholly on the better side), not_yet (anything else).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .spc import spc

MIN_PRE = 6
MIN_POST = 3


@dataclass
class Verification:
    verdict: str                 # effective | not_yet | no_evidence | worse
    pre_n: int
    post_n: int
    pre_mean: float | None
    post_mean: float | None
    difference: float | None     # post - pre
    ci_low: float | None
    ci_high: float | None
    improvement_signals: int     # post points that are special causes of improvement vs the old limits
    concern_signals: int
    sustained_shift: bool        # a run of 7+ post points on the improvement side of the old mean
    assurance_after: str | None  # consistent_pass | hit_and_miss | consistent_fail | none
    points: pd.DataFrame         # period, value, phase (before/after), mean, lpl, upl, point_type

    def explain(self, lang: str = "en") -> str:
        """The verdict in plain words, with the numbers behind it."""
        if self.verdict == "no_evidence":
            return (f"证据不足:上线前有 {self.pre_n} 个月、上线后有 {self.post_n} 个月的数据"
                    f"(分别至少需要 {MIN_PRE} 和 {MIN_POST} 个月)。" if lang == "zh" else
                    f"Not enough data yet: {self.pre_n} months before and {self.post_n} after go-live "
                    f"(at least {MIN_PRE} and {MIN_POST} are needed).")
        diff = f"{self.difference:+.3g}"
        ci = f"[{self.ci_low:+.3g}, {self.ci_high:+.3g}]"
        if lang == "zh":
            parts = [f"上线后均值 {self.post_mean:.3g},上线前 {self.pre_mean:.3g},变化 {diff}(95% 置信区间 {ci})。"]
            if self.sustained_shift:
                parts.append("上线后连续 7 个及以上数据点位于原均值的改进一侧(持续位移)。")
            if self.improvement_signals:
                parts.append(f"{self.improvement_signals} 个数据点相对原控制限出现改进类特殊原因变异。")
            if self.concern_signals:
                parts.append(f"{self.concern_signals} 个数据点出现需关注的特殊原因变异。")
            verdict = {"effective": "结论:改进有效。", "not_yet": "结论:尚未看到确定的改进效果。",
                       "worse": "结论:指标变差了。"}[self.verdict]
            return "".join(parts) + verdict
        parts = [(f"After go-live the mean is {self.post_mean:.3g} against {self.pre_mean:.3g} before: "
                 f"a change of {diff} (95% confidence interval {ci}).")]
        if self.sustained_shift:
            parts.append("7 or more points in a row sit on the better side of the old mean (a sustained shift).")
        if self.improvement_signals:
            parts.append(f"{self.improvement_signals} points are special causes of improvement against the old limits.")
        if self.concern_signals:
            parts.append(f"{self.concern_signals} points are special causes of concern.")
        verdict = {"effective": "Verdict: the improvement is effective.",
                   "not_yet": "Verdict: no clear effect yet.", "worse": "Verdict: the metric got worse."}[self.verdict]
        return " ".join(parts + [verdict])


def verify_effect(values: pd.DataFrame, go_live: str | pd.Timestamp, direction: str,
                  target: float | None = None) -> Verification:
    """values: period (month) and value of one metric; go_live: first month of the change."""
    frame = values[["period", "value"]].copy()
    frame["period"] = pd.to_datetime(frame["period"]).dt.to_period("M").dt.to_timestamp()
    frame = frame.sort_values("period").reset_index(drop=True)
    start = pd.Timestamp(go_live).to_period("M").to_timestamp()
    before = frame[frame["period"] < start]
    after = frame[frame["period"] >= start]
    pre, post = before["value"].dropna(), after["value"].dropna()
    empty = pd.DataFrame(columns=["period", "value", "phase", "mean", "lpl", "upl", "point_type"])
    if len(pre) < MIN_PRE or len(post) < MIN_POST:
        return Verification("no_evidence", len(pre), len(post), _mean(pre), _mean(post), None, None, None, 0, 0,
                            False, None, empty)

    # 1. the pre-change limits projected forward: one segment, limits fixed from the pre points
    fixed = spc(pd.DataFrame({"metric": "m", "period": frame["period"], "value": frame["value"],
                              "improvement_direction": direction}), fix_after=len(pre)).points
    after_points = fixed[frame["period"] >= start]
    improvement = int((after_points["point_type"] == "special_cause_improvement").sum())
    concern = int((after_points["point_type"] == "special_cause_concern").sum())
    better_side = (after_points["value"] > after_points["mean"]) if direction == "increase" else (
        after_points["value"] < after_points["mean"])
    sustained = bool(after_points["shift"].astype(bool).where(better_side, False).sum() >= 7)

    # 2. the change in mean with a Welch interval
    difference = float(post.mean() - pre.mean())
    se = float(np.sqrt(pre.var(ddof=1) / len(pre) + post.var(ddof=1) / len(post)))
    if se > 0:
        dof = se**4 / ((pre.var(ddof=1) / len(pre)) ** 2 / (len(pre) - 1)
                       + (post.var(ddof=1) / len(post)) ** 2 / (len(post) - 1))
        half = float(stats.t.ppf(0.975, dof)) * se
    else:
        half = 0.0
    low, high = difference - half, difference + half

    # 3. assurance after the change: post-change limits against the target
    assurance = None
    if target is not None and not pd.isna(target) and direction in ("increase", "decrease"):
        post_spc = spc(pd.DataFrame({"metric": "m", "period": after["period"], "value": after["value"],
                                     "improvement_direction": direction, "target": target}))
        assurance = str(post_spc.summary["assurance"].iloc[0])

    increase = direction == "increase"
    better_interval = low > 0 if increase else high < 0
    worse_interval = high < 0 if increase else low > 0
    if direction == "neutral":
        verdict = "not_yet"
    elif worse_interval or (concern and not better_interval):
        verdict = "worse"
    elif (improvement or sustained) and better_interval:
        verdict = "effective"
    else:
        verdict = "not_yet"
    points = fixed[["period", "value", "mean", "lpl", "upl", "point_type"]].copy()
    points.insert(2, "phase", np.where(frame["period"] >= start, "after", "before"))
    return Verification(verdict, len(pre), len(post), float(pre.mean()), float(post.mean()), difference, low, high,
                        improvement, concern, sustained, assurance, points)


def _mean(values: pd.Series) -> float | None:
    return float(values.mean()) if len(values) else None
