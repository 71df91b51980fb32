"""Name matching: the same metric is written many ways in process owners' files.

Names match after Unicode NFKC normalisation (full-width letters and digits become ASCII),
case-folding and trimming; runs of white space count as one space. Chinese text has no spaces
between words, so a space or a line break (Alt+Enter in a narrow Excel column) beside a Chinese
character does not count when a name is looked up: 事件平均⏎解决时间 is 事件平均解决时间.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_SPACES = re.compile(r"\s+")


def name_key(name: object) -> str:
    """The key two spellings of one name share: NFKC, case-folded, trimmed, spaces folded."""
    return _name_key(name if type(name) is str else str(name))


# characters that show nothing, pasted with a cell's text from a web page, WeChat or Word: a
# zero-width space after 12 made a '12' that was 'not a number', and a catalogue name 'unknown'
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad"))


def normal_text(text: str) -> str:
    """The text as cells are compared: NFKC (full-width letters and digits as ASCII), without
    the characters that show nothing. ASCII text is both already (most cells, looked at by the thousand)."""
    return text if text.isascii() else unicodedata.normalize("NFKC", text.translate(_INVISIBLE))


def without_text_mark(text: str) -> str:
    """The text without a leading apostrophe: Excel's mark for "keep this as text" ('2026-10, so
    that it is not made a date; '95.1), which Excel does not keep in the cell but a CSV written by
    another system, or a cell typed with two, does."""
    return text.removeprefix("'")


@functools.lru_cache(maxsize=1 << 16)
def _name_key(text: str) -> str:
    """Kept for the names seen lately: an ingest looks a file's thousands of names up several
    times (headings, totals, the catalogue), and the catalogue's own names at every upload."""
    return _SPACES.sub(" ", normal_text(text)).strip().casefold()


_CJK = r"\u2e80-\u9fff\uf900-\ufaff"
_SPACE_BY_CJK = re.compile(rf"\s+(?=[{_CJK}])|(?<=[{_CJK}])\s+")
_REQUIRED_MARK = re.compile(r"^[*※]+|[*※]+$")
_REQUIRED_MARKS = ("*", "※")                        # the characters _REQUIRED_MARK takes off


def compact_key(key: str) -> str:
    """A name_key without the spaces beside Chinese characters ('sla 达成率' -> 'sla达成率'); spaces
    between Latin words stay ('incident mttr'). ASCII text has no Chinese character to look around."""
    return key if key.isascii() else _SPACE_BY_CJK.sub("", key)


def header_key(cell: object) -> str:
    """The key of a column heading as templates write it: 指标⏎名称* is 指标名称 (a line break
    from a narrow column, the asterisk of a required field)."""
    return _header_key(cell if type(cell) is str else str(cell))


@functools.lru_cache(maxsize=1 << 16)
def _header_key(text: str) -> str:
    """Kept as _name_key is: every name of a file is also asked whether it is a heading or a total.
    A name_key is trimmed already: only one with a mark at an end is changed by taking it off."""
    key = _name_key(text)
    if key.startswith(_REQUIRED_MARKS) or key.endswith(_REQUIRED_MARKS):
        key = _REQUIRED_MARK.sub("", key).strip()
    return compact_key(key)


_UNIT_SUFFIX = re.compile(r"^(?P<base>.*?\S)\s*[(（\[【]\s*(?P<unit>[^()（）\[\]【】]{1,12}?)\s*[)）\]】]$")
_COUNTED = ("个", "次", "件", "单", "张", "起", "项", "台", "人")     # what a count counts
_UNIT_SPELLINGS = [
    {"h", "hr", "hrs", "hour", "hours", "小时", "时", "h:mm"},       # h:mm: a duration typed as 4:30
    {"min", "mins", "minute", "minutes", "分钟"},
    {"s", "sec", "secs", "second", "seconds", "秒"},
    {"d", "day", "days", "天", "日"},
    {"%", "percent", "百分比", "百分率"},
    {"‰", "permille", "per mille", "千分比", "千分率"},
    {"¥", "元", "rmb", "cny", "yuan", "人民币"},
    {"万元", "万元人民币"},
    {"千元", "千元人民币"},                        # other multiples of 元: 1.2 千元 is 1,200 元
    {"百万元"},
    {"亿元"},
    {"$", "us$", "usd", "美元", "美金"},            # other currencies: never taken for 元
    {"€", "eur", "欧元"},
    {"£", "gbp", "英镑"},
    {"count", "number", "no.", *_COUNTED, "个数", "次数", "数量"},
    {"score", "points", "分", "分数", "得分"},
    *({multiple + word for word in _COUNTED} for multiple in ("千", "万", "百万")),       # 1.2万张: 12,000
]
_SAME_UNIT = {name_key(spelling): i for i, group in enumerate(_UNIT_SPELLINGS) for spelling in group}


# a dot before a digit is a decimal point (1.5), where 、 and ) end a list number (2、30天以上积压)
_ENUMERATOR = re.compile(r"^\s*(?:[(（]\s*(?:\d{1,3}|[一二三四五六七八九十]{1,3})\s*[)）]|(?:\d{1,3}|[一二三四五六七八九十]{1,3})"
                         r"\s*(?:[.．](?!\d)|[、)）])|\d{1,2}(?:[.．]\d{1,2}){1,3}[.．]?\s+|[①-⑳⑴-⒇])"   # 1.1 , 2.3.1 , ①
                         r"\s*(?P<rest>\S.*)$")


def without_enumerator(name: str) -> str | None:
    """The name without the list number people put before it (1. 1、 (1) 一、 （二）), or None
    when it has none."""
    match = _ENUMERATOR.match(name)
    return match.group("rest") if match else None


_MARKS = "*※★☆▲△●◆■◎"
_MARKED = re.compile(rf"^[{_MARKS}\s]*(?P<rest>.*?\S)\s*(?:[{_MARKS}]+|[¹²³⁴⁵⁶⁷⁸⁹⁰]+|[(（\[【]\s*注\s*\d{{0,2}}\s*[)）\]】]"
                     rf"|\[\d{{1,2}}\]|注\d{{1,2}})?$")


def without_marks(name: str) -> str | None:
    """The name without the marks people put on it: a star or asterisk before or after it (★ 新增指标,
    SLA达成率*), a footnote reference after it (SLA达成率¹, SLA达成率（注1）, SLA达成率[2]); None
    when it has none."""
    match = _MARKED.match(name)
    return match.group("rest") if match and match.group("rest") != name.strip() else None


_PERCENT_SUFFIX = re.compile(r"^(?P<base>.*?[^\s%])\s*(?P<unit>%)$")
_SLASH_SUFFIX = re.compile(r"^(?P<base>.*?\S)\s*/\s*(?P<unit>[^/\s][^/]{0,7})$")


def unit_suffix(name: str) -> tuple[str, str] | None:
    """(name, unit) for a name with its unit at the end, as headers often carry it: in brackets
    (事件平均解决时间（小时）, MTTR (h)), a bare percent sign (SLA达成率%) or after a slash when it is a
    unit (MTTR/h; 工单量/月 is a rate, not a unit). None when there is none."""
    text = normal_text(name).strip()
    match = _UNIT_SUFFIX.match(text) or _PERCENT_SUFFIX.match(text)
    if (match is None and (slash := _SLASH_SUFFIX.match(text)) and is_unit(slash.group("unit"))
            and not _counts_things(slash.group("unit"))):
        match = slash
    return (match.group("base"), match.group("unit")) if match else None


def _counts_things(unit: str) -> bool:
    """A unit that counts (次, 张, 万次): after a slash it is what a rate is per (故障数/万次: failures
    per ten thousand transactions, 成本/张), not the unit of the values."""
    return name_key(unit).lstrip("千万百") in _COUNTED or unit_key(unit) == unit_key("count")


def unit_per_thing(text: str) -> str | None:
    """The unit of an amount per thing counted (元/张 is 元 per ticket, 小时/单 hours per order), or
    None: 单张工单成本(元/张) is kept in 元 by a catalogue."""
    unit, slash, per = normal_text(text).partition("/")
    return unit.strip() if slash and is_unit(unit.strip()) and _counts_things(per.strip()) else None


def is_unit(text: str) -> bool:
    """Whether a bracketed word is a unit (小时, min, %) rather than a qualifier (核心, 外包)."""
    return name_key(text) in _SAME_UNIT


def other_unit(written: str, kept: str | None) -> bool:
    """Whether `written` is a unit this module knows and not the catalogue's `kept` one (分钟 for
    h): values in it would be stored in the wrong unit. Unknown words (次/月) are not judged, and a
    percentage is another unit only for a metric that can never be one (see percent_problem): a
    catalogue may keep a rate as 比例 or 达成率."""
    if not kept or not is_unit(written):
        return False
    if is_percent(written):
        return never_percent(kept)
    return not same_unit(written, kept)


_KINDS_OF_UNIT = {kind: {_SAME_UNIT[name_key(unit)] for unit in units} for kind, units in {
    "time": ("h", "min", "s", "d"), "rate": ("%", "‰"), "money": ("元", "万元", "千元", "百万元", "亿元", "$", "€", "£"),
    "count": ("count", "千个", "万个", "百万个"), "score": ("score",)}.items()}


def of_another_kind(written: str, kept: str | None) -> bool:
    """Whether two units this module knows measure different things (元 and %, 小时 and 元), not
    one thing in another size (万元 and 元, 分钟 and h): a note over a table of amounts (单位：元) is
    not said of its rates and hours."""
    kinds = [next((kind for kind, keys in _KINDS_OF_UNIT.items() if unit_key(unit) in keys), None)
             for unit in (written, kept or "")]
    return None not in kinds and kinds[0] != kinds[1] and not same_unit(written, kept)


def is_percent(unit: str) -> bool:
    """Whether a unit is a percentage (%, ％, 百分比)."""
    return unit_key(unit) == unit_key("%")


_NEVER_NEGATIVE = {_SAME_UNIT[name_key(unit)]                                       # durations, counts (万张 too)
                   for unit in ("h", "min", "s", "d", "count", "千个", "万个", "百万个")}


def never_negative(unit: str | None) -> bool:
    """Whether a metric kept in `unit` cannot go below zero: a duration or a count (a percentage
    or an amount can be a change or a balance, so they are not judged)."""
    return bool(unit) and unit_key(unit) in _NEVER_NEGATIVE


def below_zero_problem(number: float, name: str, unit: str | None, what: str = "") -> str | None:
    """Why `number` cannot be a value (what: 'the target', 'the baseline') of the metric `name` kept
    in `unit`: a duration or a count below zero, a minus typed by mistake. None when it can be."""
    if not (number < 0 and never_negative(unit)):                # NaN is not below zero
        return None
    return (f"{what + ' ' if what else ''}{number:g} is below zero, but '{name}' is kept in {unit}, which cannot be "
            "negative: check the sign")


def fraction_problem(number: float, name: str, unit: str | None, direction: str | None, lowest: float | None,
                     target: float | None, what: str) -> str | None:
    """Why `number` (what: 'the baseline', 'the target') of the metric `name` looks like a fraction
    written for a percentage (0.96 for 96 %), which would be kept as 0.96 %; None when it may be meant.

    Only for a metric kept in % where higher is better (SLA attainment, availability), a number
    strictly between 0 and 1, and only with evidence: the metric's loaded values (`lowest` is the
    least) are all 1 or more, or, with none loaded yet, the target is such a fraction too (a
    baseline of 0.5 % for a new service's adoption, with a target of 30, is real). A target of
    0.5 % for an error rate (lower is better) or a set point (neutral) is never questioned, nor a
    metric whose values were loaded as fractions."""
    if not (unit and is_percent(unit) and direction == "increase" and 0 < number < 1):
        return None
    if (lowest < 1) if lowest is not None else not (target is not None and 0 < target < 1):
        return None
    return (f"{what} {number:g} would be {number:g}%, but '{name}' is kept in % and higher is better: "
            f"write {number * 100:g} for {number * 100:g}%")


def is_count(unit: str | None) -> bool:
    """Whether a metric is kept as a count (件, 次, count): none of it is 0, not a missing figure."""
    return bool(unit) and unit_key(unit) == unit_key("count")


_NEVER_PERCENT = _NEVER_NEGATIVE | {_SAME_UNIT[name_key(unit)]                      # amounts, ‰
                                    for unit in ("元", "万元", "千元", "百万元", "亿元", "$", "€", "£", "‰")}


def never_percent(unit: str | None) -> bool:
    """Whether a metric kept in `unit` can never be a percentage: a duration, a count, an amount or
    a permille (a score, or a rate kept under a word of its own such as 比例, can be)."""
    return bool(unit) and unit_key(unit) in _NEVER_PERCENT


def percent_problem(number: float, name: str, unit: str | None) -> str | None:
    """Why `number`, written as a percentage, cannot be a value of the metric `name` kept in `unit`
    (see never_percent); None when it can be."""
    if not never_percent(unit):
        return None
    return (f"'{number:g}%' is a percentage, but '{name}' is kept in {unit}: check that this row is that metric's, "
            f"and write its value in {unit}, without %")


def unit_key(unit: str) -> object:
    """What the spellings of one unit share (h, 小时 and hours one key; a word it does not know, 次/月,
    itself): two units are the same when their keys are."""
    key = name_key(unit)
    return _SAME_UNIT.get(key, key)


def same_unit(written: str, kept: str | None) -> bool:
    """Whether two spellings name one unit (h, 小时, hours; %, ％; 元, ¥). 分 is points (得分) or
    minutes (响应时间（分）): for a metric kept in minutes it is minutes."""
    return bool(kept) and (unit_key(written) == unit_key(kept)
                           or name_key(written) == "分" and unit_key(kept) == unit_key("min"))


MAX_NAME_LENGTH = 200
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def name_problem(name: str) -> str | None:
    """Why a new metric name cannot be accepted (control characters, direction overrides that
    make text display differently from what it is, absurd lengths), or None."""
    if len(name) > MAX_NAME_LENGTH:
        return f"the name is {len(name)} characters long; at most {MAX_NAME_LENGTH} are allowed"
    if any(ch in _BIDI for ch in name):
        return "the name contains right-to-left or other direction control characters"
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs") and ch not in _BIDI for ch in name):
        return "the name contains control or invisible characters"
    return None


# The service-management processes (ISO/IEC 20000, ITSS) a catalogue names, by the key the
# catalogue keeps: {key: (Chinese names, other English names)}. A Chinese name is matched with or
# without 管理/流程 after it (变更, 变更管理, 变更管理流程).
PROCESS_NAMES = {
    "incident": (("事件管理", "事故管理", "故障管理"), ()),
    "problem": (("问题管理",), ()),
    "change": (("变更管理",), ()),
    "release": (("发布管理", "发布和部署管理", "发布与部署管理"), ()),
    "configuration": (("配置管理",), ()),
    "service desk": (("服务台",), ()),
    "service request": (("服务请求管理", "请求管理"), ()),
    "service level": (("服务级别管理", "服务水平管理", "SLA管理"), ("SLA", "service level management")),
    "availability": (("可用性管理",), ()),
    "capacity": (("容量管理",), ()),
    "continuity": (("连续性管理", "服务连续性管理", "业务连续性管理"), ()),
    "information security": (("信息安全管理",), ()),
    "supplier": (("供应商管理",), ()),
    "cost": (("成本管理", "预算与核算管理"), ()),
    "business relationship": (("业务关系管理",), ()),
    "knowledge": (("知识管理",), ()),
}


def _process_word(text: str) -> str:
    """A process name without 管理 or 流程 after it (变更管理流程 -> 变更), to look Chinese names up."""
    return re.sub(r"(?:管理)?(?:流程)?$", "", compact_key(name_key(text)))


_PROCESS_BY_ZH = {_process_word(zh): key for key, (names, _) in PROCESS_NAMES.items() for zh in names}
_ENGLISH_SUFFIX = re.compile(r"(?:\s+management)?(?:\s+process)?$")
_PROCESS_BY_EN = {_ENGLISH_SUFFIX.sub("", name_key(spelling)): key for key, (_, others) in PROCESS_NAMES.items()
                  for spelling in (key, *others)}


def _known_process(written: str) -> str | None:
    """The key of a process PROCESS_NAMES knows, by a Chinese or an English name of it, or None."""
    return _PROCESS_BY_ZH.get(_process_word(written)) or _PROCESS_BY_EN.get(_ENGLISH_SUFFIX.sub("", name_key(written)))


def process_spelling(written: str, known: list[str] | tuple[str, ...] = ()) -> str:
    """The process a catalogue row names, as the catalogue keeps it: a Chinese name (变更管理) or an
    English one in any case, with or without 'management' (Change Management), is the key (change),
    spelled as a `known` process already is (SLA for 服务级别管理 where the catalogue says SLA), so one
    process is not split in two; another name is spelled as a known one of the same letters
    (Patching for patching), else stays as written."""
    key = _known_process(written)
    if key is None:
        return next((p for p in known if p and name_key(p) == name_key(written)), written)
    spellings = {name_key(key), *map(name_key, PROCESS_NAMES[key][1])}
    return next((p for p in known if p and name_key(p) in spellings), key)


def process_shown(process: object, lang: str) -> object:
    """A process as a reader of `lang` is told it. The catalogue keeps a known process by its English
    key even when a Chinese catalogue wrote 变更管理 (process_spelling), so a Chinese page names it
    again: change is 变更管理, SLA 服务级别管理; a process of the organisation's own stays as written."""
    if lang != "zh" or not isinstance(process, str):
        return process
    key = _known_process(process)
    return PROCESS_NAMES[key][0][0] if key else process


def reading_order(text: str) -> bytes:
    """Sort key for names a reader scans down: letters whatever their case, Chinese by pinyin. By code
    point, Chinese names were in no order a reader could follow; GB2312 (which GB18030 keeps) orders
    its 3,755 common characters by pinyin, as Chinese software sorts them (陈 < 刘 < 孙 < 王)."""
    return text.casefold().encode("gb18030")
