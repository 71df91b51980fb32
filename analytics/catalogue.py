"""The metric catalogue (度量项): definitions, and matching the names people write to them.

A catalogue file has one row per metric with the columns in CATALOGUE_COLUMNS (Chinese
headers accepted). Importing updates metrics that exist (matched by name) and adds the others;
`metrics --format csv` writes the same columns, so export and import round-trip.
"""

from __future__ import annotations

import difflib
import math
import numbers
import re
from collections.abc import Iterator
from dataclasses import dataclass

import duckdb
import pandas as pd

from .errors import InputRefused, Problem, column_letter, spans
from .metric_rows import insert_metrics, replace_aliases, update_metrics
from .names import (
    below_zero_problem,
    compact_key,
    fraction_problem,
    header_key,
    is_unit,
    name_key,
    name_problem,
    other_unit,
    process_shown,
    process_spelling,
    same_unit,
    unit_key,
    unit_per_thing,
    unit_suffix,
    without_enumerator,
    without_marks,
)
from .store import Store
from .users import known_processes
from .values import number_typed_with_unit, without_bound

CATALOGUE_COLUMNS = [
    "name", "name_en", "name_zh", "aliases", "unit", "category", "direction", "service",
    "process", "owner", "weight", "tolerance", "decimals", "definition", "volume_metric", "unit_cost",
    "baseline", "target", "from_period",
]
METRIC_FIELDS = CATALOGUE_COLUMNS[:16]
CATEGORIES = ("quality", "effectiveness", "cost", "efficiency")
DIRECTIONS = ("increase", "decrease", "neutral")

HEADER_SYNONYMS = {
    "name": ["name", "metric", "指标", "指标名称", "名称", "度量项", "度量项名称", "指标项", "考核指标", "指标名",
             "kpi名称", "服务指标", "考核项目", "评价指标"],
    "name_en": ["name_en", "english name", "英文名称", "英文名", "指标英文名称"],
    "name_zh": ["name_zh", "chinese name", "中文名称", "中文名", "指标中文名称"],
    "aliases": ["aliases", "alias", "别名", "其他名称", "又称"],
    "unit": ["unit", "单位", "计量单位", "度量单位"],
    "category": ["category", "类别", "分类", "指标类别", "指标分类", "指标类型", "类型"],
    "direction": ["direction", "improvement_direction", "方向", "改进方向", "指标方向", "极性", "指标极性", "考核方向"],
    "service": ["service", "服务", "服务名称", "所属服务"],
    "process": ["process", "流程", "所属流程", "流程名称"],
    "owner": ["owner", "负责人", "流程负责人", "指标负责人", "责任人"],
    "weight": ["weight", "权重", "业务权重"],
    "tolerance": ["tolerance", "容差", "允许偏差"],
    "decimals": ["decimals", "小数位", "小数位数"],
    "definition": ["definition", "定义", "计算方法", "计算、收集办法", "指标定义", "计算公式", "统计口径"],
    "volume_metric": ["volume_metric", "volume", "业务量指标", "业务量"],
    "unit_cost": ["unit_cost", "cost per unit", "单位成本", "单位差距成本"],
    "baseline": ["baseline", "基准", "基准值", "基线", "基线值"],
    "target": ["target", "目标", "目标值", "考核目标", "目标要求", "计划值"],
    "from_period": ["from_period", "from", "生效期间", "起始期间", "生效月份", "生效日期", "起始月份"],
}
_HEADER_LOOKUP = {header_key(s): col for col, syns in HEADER_SYNONYMS.items() for s in syns}

_CATEGORY_SPELLINGS = {
    "quality": ["quality", "服务质量", "质量"],
    "effectiveness": ["effectiveness", "服务效果", "效果"],
    "cost": ["cost", "服务成本", "成本"],
    "efficiency": ["efficiency", "process efficiency", "流程执行效率", "流程效率", "执行效率", "效率"],
}
# as KPI templates write them: 服务质量类, 质量指标 are 服务质量
CATEGORY_WORDS = {header_key(f"{word}{suffix}"): category for category, words in _CATEGORY_SPELLINGS.items()
                  for word in words for suffix in ("", "类", "指标", "类指标")}
_DIRECTION_SPELLINGS = {
    "increase": ["increase", "higher is better", "higher", "up", "max", "越高越好", "越大越好", "越多越好", "正向",
                 "正向指标", "望大", "望大特性", "↑", "高", "高优", "越高越优", "越大越优", "提升", "提高", "增加"],
    "decrease": ["decrease", "lower is better", "lower", "down", "min", "越低越好", "越小越好", "越少越好", "负向",
                 "负向指标", "逆向", "逆向指标", "反向", "反向指标", "望小", "望小特性", "↓", "低", "低优", "越低越优",
                 "越小越优", "降低", "减少", "下降"],
    "neutral": ["neutral", "中性", "适中", "望目", "无", ""],
}
DIRECTION_WORDS = {header_key(word): direction for direction, words in _DIRECTION_SPELLINGS.items() for word in words}
_DIRECTION_PARTS = re.compile(r"[↑↓]|[^↑↓()（）\[\]【】,，;；/、\s]+")


def direction_of(written: object) -> str | None:
    """The direction a catalogue's cell names, or None: a spelling as a whole (越高越好), or parts
    that all name one (正向（越大越好）, 越高越好↑, ↓ 越低越好), as KPI templates write it."""
    found = DIRECTION_WORDS.get(header_key(written or ""))
    if found is not None or not isinstance(written, str):
        return found
    parts = {DIRECTION_WORDS.get(header_key(part)) for part in _DIRECTION_PARTS.findall(written)}
    return parts.pop() if len(parts) == 1 else None


@dataclass(frozen=True)
class Metric:
    id: int
    name: str
    name_en: str | None
    name_zh: str | None
    unit: str | None
    category: str | None
    direction: str
    process: str | None
    owner: str | None
    weight: float
    tolerance: float
    decimals: int

    def display_name(self, lang: str = "en") -> str:
        """The name to show in a language, falling back to the catalogue name."""
        preferred = self.name_zh if lang == "zh" else self.name_en
        return preferred or self.name


class MetricLookup:
    """Maps any spelling (name, English/Chinese names, aliases) to a metric id."""

    def __init__(self, keys: dict[str, int], names: dict[int, str], units: dict[int, str | None] | None = None):
        self.keys = keys
        self.names = names
        self.units = units or {}
        compact: dict[str, set[int]] = {}
        for key, metric in keys.items():
            compact.setdefault(compact_key(key), set()).add(metric)
        self._compact = {key: metrics.pop() for key, metrics in compact.items() if len(metrics) == 1}

    def _find(self, name: str) -> int | None:
        """The metric a spelling names, spaces beside Chinese characters aside (when that leaves one)."""
        key = name_key(name)
        found = self.keys.get(key)
        return found if found is not None else self._compact.get(compact_key(key))

    def match(self, written: str) -> int | None:
        """The metric a name means. A list number before it (1、SLA达成率), the metric's own unit in
        brackets after it (事件平均解决时间（小时） for a metric kept in h; （%） for a rate kept as 比例)
        and a line break or space beside a Chinese character (事件平均⏎解决时间) do not change that."""
        for name in self._spellings(written):                 # lazily: most names are found as written
            found = self._find(name)
            if found is None and (split := unit_suffix(name)):
                base = self._find(split[0])
                if base is not None and self._says_the_same(base, split[1]):
                    found = base
            if found is not None:
                return found
        return None

    def _says_the_same(self, base: int, bracketed: str) -> bool:
        """Whether a bracket after a metric's name leaves it that metric: its own unit (小时 for one
        kept in h), its alias (一次解决率（FCR）), or its unit per thing counted (单张工单成本(元/张) for
        one kept in 元). A qualifier (核心) or another unit is not."""
        kept = self.units.get(base)
        if kept and is_unit(bracketed):
            return not other_unit(bracketed, kept)
        per = unit_per_thing(bracketed)
        return self._find(bracketed) == base or bool(kept and per and same_unit(per, kept))

    @staticmethod
    def _spellings(written: str) -> Iterator[str]:
        """The name as written, then without its list number, then without its marks, then, if a
        line break was typed in it, joined there: a break wraps a narrow column's heading, between
        words (Incident⏎MTTR) or inside one (SL⏎A达成率)."""
        spelling = str(written)
        yield spelling
        for strip in (without_enumerator, without_marks):
            if (bare := strip(spelling)) is not None:
                spelling = bare
                yield spelling
        if "\n" in spelling or "\r" in spelling:
            yield re.sub(r"\s*[\r\n]+\s*", "", spelling)

    def unit_conflict(self, written: str) -> str | None:
        """Why a name with a unit in brackets is not taken as the metric it otherwise names: the
        catalogue keeps that metric in another unit (minutes are not hours)."""
        split = unit_suffix(list(self._spellings(written))[-1])
        base = self._find(split[0]) if split else None
        unit = self.units.get(base) if base is not None else None
        if unit is None or not other_unit(split[1], unit):
            return None
        return f"the catalogue keeps '{self.names[base]}' in {unit}, not {split[1]}; convert the values to {unit} first"

    def closest(self, written: str, n: int = 3) -> list[str]:
        """Catalogue names most like an unknown one, for the refusal message."""
        hits = difflib.get_close_matches(name_key(written), list(self.keys), n=n * 3, cutoff=0.5)
        out: list[str] = []
        for key in hits:
            name = self.names[self.keys[key]]
            if name not in out:
                out.append(name)
        return out[:n]


def metric_lookup(con: duckdb.DuckDBPyConnection) -> MetricLookup:
    keys = dict(con.execute("SELECT alias_key, metric_id FROM metric_alias").fetchall())
    rows = con.execute("SELECT id, name, unit FROM metric").fetchall()
    return MetricLookup(keys, {i: name for i, name, _ in rows}, {i: unit for i, _, unit in rows})


def catalogue_metric_id(con: duckdb.DuckDBPyConnection, metric: str) -> int:
    """The metric a name means, as every command reads names (any spelling the catalogue knows);
    an unknown one is refused with the closest catalogue names."""
    lookup = metric_lookup(con)
    metric_id = lookup.match(metric)
    if metric_id is None:
        closest = lookup.closest(metric)
        hint = f" (closest: {', '.join(closest)})" if closest else ""
        raise InputRefused(Problem(f"unknown metric '{metric}'{hint}"))
    return metric_id


def list_metrics(store: Store) -> pd.DataFrame:
    """The catalogue in CATALOGUE_COLUMNS order, with the baseline version in force last."""
    with store.read() as con:
        return con.execute(
            """
            SELECT m.name, m.name_en, m.name_zh, m.aliases, m.unit, m.category, m.direction,
                   m.service, m.process, m.owner, m.weight, m.tolerance, m.decimals, m.definition,
                   m.volume_metric, m.unit_cost, b.baseline, b.target, strftime(b.from_period, '%Y-%m') AS from_period
            FROM metric m
            LEFT JOIN (
                SELECT * FROM baseline
                QUALIFY row_number() OVER (PARTITION BY metric_id ORDER BY from_period DESC, id DESC) = 1
            ) b ON b.metric_id = m.id
            ORDER BY m.id
            """
        ).df()


def metrics_as_shown(store: Store, lang: str) -> pd.DataFrame:
    """list_metrics for the catalogue editor, a known process in the reader's language (变更管理 where
    the catalogue keeps change). Saved, an edited row's process is spelled as kept again
    (process_spelling), and an untouched row is no change (edited_rows): both sides read alike."""
    metrics = list_metrics(store)
    metrics["process"] = [process_shown(process, lang) for process in metrics["process"]]
    return metrics


def get_metrics(con: duckdb.DuckDBPyConnection) -> dict[int, Metric]:
    rows = con.execute(
        "SELECT id, name, name_en, name_zh, unit, category, direction, process, owner,"
        " weight, tolerance, decimals FROM metric ORDER BY id"
    ).fetchall()
    return {r[0]: Metric(*r) for r in rows}


def _kept_as(value: object) -> object:
    """A cell as the catalogue keeps it: None when missing (None, NaN, <NA>, blank text), a float
    for a number (the editor gives back 4 for a weight listed as 4.0), else its trimmed text."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        return float(value)
    return _text(value)


def edited_rows(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """The rows of the catalogue editor (same rows, same order) a person changed, to import: an
    empty cell left empty or a number shown again is no change, so saving untouched rows does not
    stamp every metric as updated."""
    changed = [any(_kept_as(a) != _kept_as(b) for a, b in zip(after_row, before_row, strict=True))
               for after_row, before_row in zip(after.itertuples(index=False),
                                                before[list(after.columns)].itertuples(index=False), strict=True)]
    return after[changed]


# -- import ------------------------------------------------------------------------------

def normalise_catalogue_headers(frame: pd.DataFrame, file_name: str,
                                sheet: str | None) -> tuple[pd.DataFrame, dict[str, tuple[int, str]]]:
    """Rename Chinese/English headers to CATALOGUE_COLUMNS; refuse when `name` is missing. Also
    returns where each read column is in the file and its heading there, for the messages: a
    problem is named by the file's column (C (权重)), not the position among the read columns."""
    renamed, headings = {}, {}
    for position, col in enumerate(frame.columns):
        key = _HEADER_LOOKUP.get(header_key(col))
        if key and key not in renamed.values():
            renamed[col] = key
            headings[key] = (position, " ".join(str(col).split()))
    out = frame.rename(columns=renamed)
    if "name" not in out.columns:
        raise InputRefused(Problem(
            "no 'name' (名称) column: a catalogue has one row per metric with the columns "
            + ", ".join(CATALOGUE_COLUMNS), file=file_name, sheet=sheet, row=1))
    return out[[c for c in out.columns if c in CATALOGUE_COLUMNS]], headings


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def validate_catalogue(frame: pd.DataFrame, file_name: str = "catalogue", sheet: str | None = None,
                       first_row: int = 2, headings: dict[str, tuple[int, str]] | None = None,
                       stored: dict[str, tuple] | None = None) -> list[dict]:
    """Check every row; return clean dicts or raise InputRefused listing every problem. `stored`
    (see _stored_facts) gives a metric's unit, direction and least loaded value where the file
    leaves them out, to judge a baseline or target written as a fraction (0.96 for 96 %)."""
    from .periods import parse_period  # local: keeps import order simple for the CLI

    problems: list[Problem] = []
    rows: list[dict] = []
    seen: dict[str, int] = {}
    columns = list(frame.columns)

    def where(i: int, col: str) -> dict:
        position, heading = (headings or {}).get(col) or (columns.index(col) if col in columns else None, col)
        letter = column_letter(position) if position is not None else None
        return {"file": file_name, "sheet": sheet, "row": first_row + i,
                "column": f"{letter} ({heading})" if letter else col}

    for i, raw in enumerate(frame.to_dict("records")):
        rec = {c: _text(raw.get(c)) for c in CATALOGUE_COLUMNS}
        if not any(rec.values()):
            continue
        if not rec["name"]:
            problems.append(Problem("the metric has no name", **where(i, "name")))
            continue
        bad_name = name_problem(rec["name"])
        if bad_name:
            problems.append(Problem(bad_name, **where(i, "name")))
            continue
        key = name_key(rec["name"])
        if key in seen:
            problems.append(Problem(f"'{rec['name']}' appears twice (first on row {seen[key]})", **where(i, "name")))
            continue
        seen[key] = first_row + i
        if rec["category"] is not None:
            cat = CATEGORY_WORDS.get(header_key(rec["category"]))
            if cat is None:
                problems.append(Problem(
                    f"category '{rec['category']}' is not one of {', '.join(CATEGORIES)} "
                    "(服务质量/服务效果/服务成本/流程执行效率)", **where(i, "category")))
            rec["category"] = cat
        direction = direction_of(rec["direction"])
        if direction is None:
            problems.append(Problem(
                f"direction '{rec['direction']}' is not one of {', '.join(DIRECTIONS)} "
                "(increase = higher is better)", **where(i, "direction")))
        rec["direction"] = direction or "neutral"
        for col, default, lo, hi in (("weight", 1.0, 0, 1000), ("tolerance", 0.0, 0, 1e12),
                                     ("baseline", None, -1e15, 1e15), ("target", None, -1e15, 1e15),
                                     ("unit_cost", None, 0, 1e12)):
            if rec[col] is None:
                rec[col] = default
                continue
            written = without_bound(rec[col]) if col == "target" else rec[col]         # ≥95% is a target of 95
            typed = number_typed_with_unit(written)          # 4小时 (or 4:00) for a metric kept in 小时: its number
            if typed is not None and rec["unit"] and other_unit(typed[1], rec["unit"]):
                problems.append(Problem(f"the {col} '{rec[col]}' is in {typed[1]}, but '{rec['name']}' is kept in "
                                        f"{rec['unit']}: write it in {rec['unit']}", **where(i, col)))
                continue
            try:
                number = typed[0] if typed and rec["unit"] else float(str(written).replace(",", "").rstrip("%"))
                if not (lo <= number <= hi) or math.isnan(number):
                    raise ValueError
                rec[col] = number
            except ValueError:
                hint = (f": write {typed[0]:g}, and the unit ({typed[1]}) in the unit column" if typed else
                        ": write a number, 1 by default (2 counts its gaps twice in the priority order)" if col == "weight"
                        else "")
                problems.append(Problem(f"'{rec[col]}' is not a valid {col}{hint}", **where(i, col)))
                continue
            why = below_zero_problem(number, rec["name"], rec["unit"], f"the {col}") if col in ("baseline", "target") \
                else None
            if why:
                problems.append(Problem(why, **where(i, col)))
        unit, direction, lowest = (stored or {}).get(key, (None, None, None))
        unit, direction = (rec["unit"] if "unit" in columns else unit,
                           rec["direction"] if "direction" in columns else direction)
        target = rec["target"] if isinstance(rec["target"], (int, float)) else None
        for col in ("baseline", "target"):
            why = fraction_problem(rec[col], rec["name"], unit, direction, lowest, target, f"the {col}") \
                if isinstance(rec[col], (int, float)) else None
            if why:
                problems.append(Problem(why, **where(i, col)))
        if rec["decimals"] is None:
            rec["decimals"] = 1
        else:
            try:
                decimals = float(rec["decimals"])
                if decimals != int(decimals) or not 0 <= decimals <= 6:
                    raise ValueError
                rec["decimals"] = int(decimals)
            except ValueError:
                problems.append(Problem(f"decimals '{rec['decimals']}' must be a whole number 0-6",
                                        **where(i, "decimals")))
        if rec["from_period"] is not None:
            period = parse_period(raw.get("from_period"))
            if period is None:
                problems.append(Problem(f"'{rec['from_period']}' is not a month (use YYYY-MM)",
                                        **where(i, "from_period")))
            rec["from_period"] = period
        elif rec["baseline"] is not None or rec["target"] is not None:
            problems.append(Problem("a baseline or target needs from_period (the first month it applies to)",
                                    **where(i, "from_period")))
        rec["_row"] = first_row + i
        rows.append(rec)
    if problems:
        raise InputRefused(problems)
    if not rows:
        raise InputRefused(Problem("the catalogue has no metric rows", file=file_name, sheet=sheet))
    return rows


NAME_FIELDS = ("name_en", "name_zh", "aliases")


def _names_after_write(rec: dict, stored: dict | None, columns: set[str] | None) -> dict:
    """The metric's names once the row is written: the file's where it has the column, the stored
    ones where it has not (a file of name and unit keeps the 中文名称 and aliases matching)."""
    if stored is None or columns is None:
        return rec
    return {**rec, **{f: stored[f] for f in NAME_FIELDS if f not in columns}}


def _spellings(rec: dict) -> dict[str, str]:
    """Each name a row gives its metric (name, name_en, name_zh, aliases) by its key, as written."""
    written = [rec["name"], rec.get("name_en"), rec.get("name_zh"), *(rec.get("aliases") or "").split(";")]
    spellings: dict[str, str] = {}
    for spelling in written:
        if spelling and spelling.strip():
            spellings.setdefault(name_key(spelling), spelling.strip())
    return spellings


def _alias_keys(rec: dict) -> list[str]:
    return list(_spellings(rec))


def _rows_by_stored_name(rows: list[dict], existing: dict[str, int], owners: dict[str, int],
                         names_by_id: dict[int, str]) -> list[dict]:
    """A row named by a metric's 中文名称 or alias (a catalogue kept by its Chinese names) is that
    metric's row, under its stored name: it updates the metric, where it would be a new metric
    holding another's name. `_written` keeps the name as the file wrote it, for messages."""
    resolved = []
    for rec in rows:
        key = name_key(rec["name"])
        holder = owners.get(key) if key not in existing else None
        resolved.append(rec if holder is None else {**rec, "name": names_by_id[holder], "_written": rec["name"]})
    return resolved


def _name_problems(rows: list[dict], after: list[dict], existing: dict[str, int], owners: dict[str, int],
                   names_by_id: dict[int, str]) -> Iterator[tuple[dict, str]]:
    """Why rows cannot be written as they name their metrics: a spelling that is another metric's
    name, or another row's, and two rows for one metric."""
    claimed: dict[str, dict] = {}
    updating: dict[str, dict] = {}
    for rec, names in zip(rows, after, strict=True):
        metric_key, written = name_key(rec["name"]), rec.get("_written", rec["name"])
        if (first := updating.setdefault(metric_key, rec)) is not rec:
            yield rec, f"'{written}' is a name of metric '{rec['name']}', which row {first['_row']} already updates"
            continue
        spellings = _spellings(names)
        if written != rec["name"] and name_key(written) not in spellings:
            yield rec, (f"'{written}' is a name of metric '{rec['name']}' that this row removes: write "
                        f"'{rec['name']}' in the name column to change its names")
        for key, spelling in spellings.items():
            holder = owners.get(key)
            if holder is not None and holder != existing.get(metric_key):
                yield rec, (f"'{spelling}' is already a name of metric '{names_by_id[holder]}': write that "
                            "metric's name in the name column to update it")
            elif (other := claimed.setdefault(key, rec)) is not rec:
                yield rec, (f"'{spelling}' is also a name of '{other['name']}' on row {other['_row']}: a name or alias "
                             "belongs to one metric")


def upsert_metrics(con: duckdb.DuckDBPyConnection, rows: list[dict], by: str,
                   file_name: str = "catalogue", sheet: str | None = None,
                   columns: set[str] | None = None) -> dict[str, int]:
    """Insert or update metrics inside the caller's transaction; returns counts.

    An existing metric is updated only in the columns the file has (`columns`; None = all), so a
    file with just name and unit_cost does not wipe anyone's units or weights. A row named by a
    metric's other name updates that metric. Refuses (InputRefused) when a spelling would point at
    two metrics.
    """
    update_fields = [f for f in METRIC_FIELDS if columns is None or f in columns or f == "name"]
    from .baselines import add_version_if_changed

    stored = {row[0]: dict(zip(("id", "name", *NAME_FIELDS), row[1:])) for row in con.execute(
        "SELECT name_key, id, name, " + ", ".join(NAME_FIELDS) + " FROM metric").fetchall()}
    existing = {key: metric["id"] for key, metric in stored.items()}
    names_by_id = {metric["id"]: metric["name"] for metric in stored.values()}
    owners = dict(con.execute("SELECT alias_key, metric_id FROM metric_alias").fetchall())
    rows = _rows_by_stored_name(_processes_spelled(con, rows), existing, owners, names_by_id)
    after = [_names_after_write(r, stored.get(name_key(r["name"])), columns) for r in rows]
    problems = [Problem(why, file=file_name, sheet=sheet, row=rec["_row"])
                for rec, why in _name_problems(rows, after, existing, owners, names_by_id)]
    file_keys = {k for r in rows for k in _alias_keys(r)}
    for rec in rows:
        volume = rec.get("volume_metric")
        if volume and name_key(volume) not in owners and name_key(volume) not in file_keys:
            problems.append(Problem(f"volume_metric '{volume}' is not a metric in the catalogue", file=file_name,
                                    sheet=sheet, row=rec["_row"]))
    if problems:
        raise InputRefused(problems)

    counts = {"created": 0, "updated": 0, "baselines": 0, "warnings": []}
    held = _data_held(con)
    updates, inserts = [], []
    keys_of: dict[int, set[str]] = {}             # each stored metric's names for matching
    for alias, owner in owners.items():
        keys_of.setdefault(owner, set()).add(alias)
    alias_keys = [_alias_keys(names) for names in after]
    for rec, keys in zip(rows, alias_keys, strict=True):
        key = name_key(rec["name"])
        if key in existing:
            metric_id = existing[key]
            if metric_id in held:
                counts["warnings"] += _meaning_changed(rec, held[metric_id], update_fields)
            updates.append({**rec, "id": metric_id, "name_key": key,
                            "aliases_changed": set(keys) != keys_of.get(metric_id, set())})
        else:
            inserts.append({**rec, "name_key": key})
    # only a metric the file changes is stamped and counted as updated
    counts["updated"] = update_metrics(con, updates, update_fields, by)
    existing |= insert_metrics(con, inserts, METRIC_FIELDS, by)
    counts["created"] = len(inserts)
    ids = [existing[name_key(rec["name"])] for rec in rows]
    replace_aliases(con, {metric_id: keys for metric_id, keys in zip(ids, alias_keys, strict=True)
                          if set(keys) != keys_of.get(metric_id, set())})
    for rec, metric_id in zip(rows, ids, strict=True):
        versioned = rec.get("from_period") and (rec.get("baseline") is not None or rec.get("target") is not None)
        if versioned and add_version_if_changed(con, metric_id, rec["from_period"], rec.get("baseline"),
                                                rec.get("target"), by, "catalogue import", "catalogue"):
            counts["baselines"] += 1
    return counts


def _processes_spelled(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> list[dict]:
    """The rows with each process as the catalogue keeps it (变更管理 is change): filters and groups
    by process would otherwise show one process twice."""
    known = known_processes(con) + [r["process"] for r in rows if r.get("process")]
    return [{**r, "process": process_spelling(r["process"], known)} if r.get("process") else r for r in rows]


def _data_held(con: duckdb.DuckDBPyConnection) -> dict[int, tuple[str, str | None, str, int]]:
    """{metric id: (name, unit, direction, months of data)} of the metrics that hold data."""
    return {row[0]: row[1:] for row in con.execute(
        "SELECT m.id, m.name, m.unit, m.direction, count(DISTINCT o.period) FROM metric m "
        "JOIN current_observation o ON o.metric_id = m.id GROUP BY ALL").fetchall()}


def _meaning_changed(rec: dict, held: tuple[str, str | None, str, int], fields: list[str]) -> list[str]:
    """Warnings for a new unit or direction of a metric that holds data: the months already loaded
    keep their numbers (4.5 h would read as 4.5 min) and their gaps turn round. Said, not refused:
    a unit or direction entered wrong must stay correctable."""
    name, unit, direction, months = held
    warnings = []
    if "unit" in fields and unit_key(rec.get("unit") or "") != unit_key(unit or ""):
        warnings.append(f"metric '{name}' has {months} month(s) of data in {unit or 'no unit'}: its unit is now "
                        f"{rec.get('unit') or 'none'}, and the values already loaded were not converted")
    if "direction" in fields and rec.get("direction") and rec["direction"] != direction:
        warnings.append(f"metric '{name}' has {months} month(s) of data: its direction is now {rec['direction']} "
                        f"(was {direction}), so its gaps and signals read the other way")
    return warnings


def create_metrics_for_names(con: duckdb.DuckDBPyConnection, written_names: list[str], by: str,
                             fields: list[dict] | None = None) -> int:
    """Create metrics for names an upload introduced (--create-metrics): bare (neutral, no unit, 2
    decimals) except for what the file said of each (`fields`, aligned with the names)."""
    rows = []
    for written, said in zip(written_names, fields or [{}] * len(written_names), strict=True):
        rows.append({c: None for c in CATALOGUE_COLUMNS} | {
            "name": written, "direction": "neutral", "weight": 1.0, "tolerance": 0.0, "decimals": 2,
            "_row": None} | said)
    upsert_metrics(con, rows, by)
    return len(rows)


def import_catalogue(store: Store, frame: pd.DataFrame, by: str, file_name: str = "catalogue",
                     sheet: str | None = None, first_row: int = 2) -> dict:
    """Validate then write the whole catalogue in one transaction. Returns the counts, and under
    'unread' the file's columns that are not catalogue columns (考核频率, 备注), which were not read."""
    unread = [str(c) for c in frame.columns
              if _HEADER_LOOKUP.get(header_key(c)) is None and not re.fullmatch(r"_\d+", str(c))]
    frame, headings = normalise_catalogue_headers(frame, file_name, sheet)
    frame, notes = _without_total_rows(frame, sheet, first_row)
    with store.read() as con:
        stored = _stored_facts(con)
    rows = validate_catalogue(frame, file_name, sheet, first_row, headings, stored)
    with store.write() as con:
        return {**upsert_metrics(con, rows, by, file_name, sheet, columns=set(frame.columns)), "unread": unread,
                "notes": notes}


def alias_choices(store: Store, written: list[str]) -> dict[str, list[str]]:
    """For each name a file wrote that the catalogue lacks, the catalogue's metrics to offer: the
    closest first (as the refusal names them), then the others in catalogue order. One read."""
    with store.read() as con:
        lookup = metric_lookup(con)
        names = [name for (name,) in con.execute("SELECT name FROM metric ORDER BY id").fetchall()]
    choices = {}
    for name in written:
        closest = lookup.closest(name)
        choices[name] = closest + [other for other in names if other not in closest]
    return choices


def add_aliases(store: Store, aliases: dict[str, str], by: str, file_name: str = "catalogue") -> dict:
    """Each name a file wrote (key) becomes an alias of the catalogue metric (value), all in one
    transaction, as a catalogue import of the metrics' aliases column: so the next check of the
    file finds them. A name another metric already has is refused as an import's would be."""
    held = list_metrics(store).set_index("name")["aliases"]
    added: dict[str, list[str]] = {}
    for written, metric in aliases.items():
        added.setdefault(metric, []).append(written.strip())
    frame = pd.DataFrame({
        "name": list(added),
        "aliases": [";".join(dict.fromkeys([*filter(None, (_text(held.get(metric)) or "").split(";")), *names]))
                    for metric, names in added.items()]})
    return import_catalogue(store, frame, by=by, file_name=file_name)


def _stored_facts(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str | None, str, float | None]]:
    """{each name key of a metric: (its unit, direction, least loaded value or None)}."""
    return {row[0]: row[1:] for row in con.execute(
        "SELECT a.alias_key, m.unit, m.direction, (SELECT min(value) FROM current_observation o "
        "WHERE o.metric_id = m.id) FROM metric_alias a JOIN metric m ON m.id = a.metric_id").fetchall()}


def _without_total_rows(frame: pd.DataFrame, sheet: str | None, first_row: int) -> tuple[pd.DataFrame, list[str]]:
    """The frame with its total or average rows (合计, 平均: TOTAL_WORDS as the name) blanked, which
    validation passes over as empty rows (so the other rows keep their numbers), and the note that
    says so: a 合计 row under the metrics is no metric. The note has the words of the values
    ingest's, so the dashboard shows it in Chinese."""
    from .sheet_layout import total_rows

    totals = total_rows(frame["name"]).to_numpy()
    if not totals.any():
        return frame, []
    rows = [first_row + i for i in totals.nonzero()[0]]
    where = f"sheet '{sheet}': " if sheet else ""
    return (frame.mask(pd.Series(totals, index=frame.index), None),
            [f"{where}{len(rows)} total or average row(s) (合计/平均) were ignored (row {spans(rows)})"])


def import_catalogue_file(store: Store, source, by: str, file_name: str | None = None, *,
                          isolated: bool = False) -> dict:
    """Import a catalogue from a .csv/.xlsx file (a path, or bytes with their file name): the first
    sheet whose header names the `name` column, passing over a sheet named as an example or
    instructions (填报说明 with its one example row) when another sheet has such a header, as
    values ingest does. The result says which sheet was read ('sheet') and which were passed over
    ('skipped_sheets', as (sheet, why)). isolated: read it in a child process, as plan_ingest does,
    so that a file that crashes the reader is refused."""
    from pathlib import Path

    from .isolation import read_apart_if_workbook
    from .limits import Limits
    from .parsing import EXAMPLE_SHEET, named_as_an_example
    from .readers import read_bytes, read_sheets

    if isinstance(source, (bytes, bytearray)):
        name = file_name or "catalogue"
    else:
        name = file_name or Path(source).name
        if not Path(source).is_file():
            raise InputRefused(Problem("file not found", file=name))
    limits, data = Limits.from_env(), read_bytes(source)
    sheets = read_apart_if_workbook(isolated, data, name, limits, read_sheets, data, name, limits)
    path = Path(name)
    found = [(sheet, r) for sheet in sheets for r in [_header_row(sheet.rows)] if r is not None]
    if not found:
        raise InputRefused(Problem("no catalogue header found: the first rows need a 'name' (名称) column and the "
                                   "columns " + ", ".join(CATALOGUE_COLUMNS), file=path.name))
    read = [(sheet, r) for sheet, r in found if not named_as_an_example(sheet.name)] or found[:1]
    sheet, r = read[0]
    skipped = [(other.name, EXAMPLE_SHEET) for other, _ in found[:found.index(read[0])]]
    row = sheet.rows[r]
    headers = [str(c).strip() if c not in (None, "") else f"_{i}" for i, c in enumerate(row)]
    body = [list(x) + [""] * (len(headers) - len(x)) for x in sheet.rows[r + 1:]]
    frame = pd.DataFrame([x[: len(headers)] for x in body], columns=headers, dtype=object)
    frame = frame.replace("", None)
    counts = import_catalogue(store, frame, by, file_name=path.name, sheet=sheet.name, first_row=r + 2)
    return {**counts, "sheet": sheet.name, "skipped_sheets": skipped}


def _header_row(rows: list) -> int | None:
    """The index of the first of the first ten rows that names the `name` column, if one does."""
    for r, row in enumerate(rows[:10]):
        if any(_HEADER_LOOKUP.get(header_key(c)) == "name" for c in row if c not in (None, "")):
            return r
    return None
