"""Refusals and errors in the reader's language.

analytics/ writes its messages in English: the command line prints them and batch jobs match
them, so that text is a contract. The dashboard shows the same messages to Chinese-speaking
managers; this module rewrites the place ("file, sheet 'S', row 3, column C (数值)") from the
Problem's fields and the message by a catalogue of patterns. A message without a pattern stays
in English, whole: a half-translated message would be worse than an English one.
"""

from __future__ import annotations

import re

from .errors import Problem

# (English pattern, Chinese template). Named groups carry the values over; most specific first.
_ZH: list[tuple[str, str]] = [
    (r"'(?P<v>.*)' is not a number", "“{v}”不是数字"),
    (r"'(?P<v>.*)' is not a month \(write it like 2026-05 or 2026年5月\)", "“{v}”不是月份(请写成 2026-05 或 2026年5月)"),
    (r"target '(?P<v>.*)' is not a number", "目标值“{v}”不是数字"),
    (r"unknown metric '(?P<name>.*)' \(closest in the catalogue: (?P<close>.*)\)",
     "指标目录中没有“{name}”(最接近的:{close})"),
    (r"unknown metric '(?P<name>.*)'", "指标目录中没有“{name}”"),
    ((r"(?P<n>\d+) unknown metric name\(s\): add them to the catalogue \(metrics import\) or load with "
     r"--create-metrics; nothing was written"),
     "{n} 个指标名称不在指标目录中:请先在“指标与基准”页导入目录,或勾选“创建新指标”后再导入;未写入任何数据"),
    (r"unknown metrics; load with --create-metrics", "有未知指标:请勾选“创建新指标”后再导入"),
    (r"'(?P<m>.*)' (?P<p>\S+) appears twice \(also in sheet '(?P<s>.*)' row (?P<r>\d+)\)",
     "“{m}” {p} 出现了两次(另见工作表“{s}”第 {r} 行)"),
    (r"'(?P<m>.*)' (?P<p>\S+) appears twice \(also on row (?P<r>\d+)\)", "“{m}” {p} 出现了两次(另见第 {r} 行)"),
    (r"'(?P<m>.*)' (?P<p>\S+) is also in (?P<f>.*); load one of the two files",
     "“{m}” {p} 也在 {f} 中;两个文件请只导入一个"),
    (r"this exact file was already loaded as upload #(?P<id>\d+) \('(?P<name>.*)', (?P<when>[^)]*)\).*",
     "同一个文件已于 {when} 导入过(第 {id} 次上传,“{name}”),不会重复导入"),
    (r"month (?P<p>\S+) has two columns \((?P<a>\w+) and (?P<b>\w+)\)", "月份 {p} 有两列({a} 列和 {b} 列)"),
    (r"the row has values but no metric name", "该行有数值,但没有指标名称"),
    (r"the file has no data rows.*", "文件中没有数据行"),
    (r"the file has a header but no rows", "文件只有表头,没有数据行"),
    (r"the file is empty", "文件是空的"),
    (r"file not found", "找不到文件"),
    (r"no header row found: .*", ("找不到表头行:需要指标列(指标/metric),以及月份和数值列(月份/period、数值/value)"
                                 "或每月一列(如 2026-01)")),
    (r"cannot tell the text encoding; save the file as UTF-8 CSV", "无法识别文本编码;请另存为 UTF-8 CSV"),
    (r"this is a binary file, not CSV or an Excel workbook", "这是二进制文件,不是 CSV 或 Excel 工作簿"),
    (r"this is not a real Excel workbook.*", "这不是真正的 Excel 工作簿(文件内容与扩展名不符)"),
    (r"not a readable Excel workbook.*", "无法读取的 Excel 工作簿(文件已损坏)"),
    (r"not an Excel workbook: .*", "不是 Excel 工作簿(缺少 xl/workbook.xml)"),
    (r"the workbook is damaged .*", "工作簿已损坏"),
    (r"the workbook has no worksheets", "工作簿中没有工作表"),
    (r"the file is (?P<size>[\d.,]+) MB, over the limit of (?P<limit>[\d.,]+) MB", "文件大小 {size} MB,超过上限 {limit} MB"),
    (r"the file has more than (?P<n>[\d,]+) rows, over the limit", "文件超过 {n} 行,超出上限"),
    (r"the file has (?P<n>[\d,]+) values, over the limit of (?P<limit>[\d,]+)", "文件有 {n} 个数值,超过上限 {limit}"),
    (r"the workbook has more than (?P<n>[\d,]+) cells, over the limit", "工作簿超过 {n} 个单元格,超出上限"),
    (r"the workbook would unpack to (?P<a>[\d,]+) MB, over the limit of (?P<b>[\d,]+) MB; nothing was read",
     "工作簿解压后将达 {a} MB,超过上限 {b} MB;未读取任何内容"),
    (r"part '(?P<p>.*)' is compressed (?P<r>[\d,]+) to 1.*", "文件部件“{p}”的压缩比为 {r}:1,疑似压缩炸弹,已拒绝"),
    ((r"(?P<u>.+) \((?P<role>\w+)\) uploads only for the processes: (?P<p>.*?); not for (?P<o>.*?); "
     r"and may not create metrics"),
     "{u}({role})只能上传所辖流程的数据:{p};不包括 {o};也不能创建新指标"),
    (r"(?P<u>.+) \((?P<role>\w+)\) uploads only for the processes: (?P<p>.*?); not for (?P<o>.*)",
     "{u}({role})只能上传所辖流程的数据:{p};不包括 {o}"),
    (r"(?P<u>.+) \((?P<role>\w+)\) uploads only for the processes: (?P<p>.*?); and may not create metrics",
     "{u}({role})只能上传所辖流程的数据:{p};也不能创建新指标"),
    (r"(?P<who>.+) may not (?P<what>[\w ]+); allowed roles: (?P<roles>.*)", "{who} 无权执行“{what}”;允许的角色:{roles}"),
    (r"wrong name or password \((?P<n>\d+) tries left before a (?P<m>\d+)-minute lock\)",
     "用户名或密码错误(再错 {n} 次将锁定 {m} 分钟)"),
    (r"wrong name or password; the name is now locked for a while", "用户名或密码错误;该用户名已被暂时锁定"),
    (r"wrong name or password", "用户名或密码错误"),
    (r"too many wrong passwords for this name: locked until (?P<t>\S+)", "该用户名密码错误次数过多,锁定至 {t}"),
    ((r"The store (?P<path>.+) is busy: another program(?P<who>.*) is using it\. Waited (?P<s>[\d.]+) s; nothing was "
     r"written\. Try again when it has finished\."),
     "数据库 {path} 正忙:另一个程序{who}正在使用。已等待 {s} 秒,未写入任何内容。请稍后再试。"),
    (r"the password must have at least (?P<n>\d+) characters", "密码至少需要 {n} 个字符"),
    (r"there is already a user '(?P<n>.*)'", "已有用户“{n}”"),
    (r"there is no user '(?P<n>.*)'", "没有用户“{n}”"),
    (r"'(?P<n>.*)' is the last active admin; make another admin first", "“{n}”是最后一个启用的管理员;请先设置另一名管理员"),
    (r"no metric in the catalogue has the process (?P<p>.*); known processes: (?P<k>.*)",
     "指标目录中没有流程 {p};已有流程:{k}"),
    (r"(?P<u>.+) \((?P<role>\w+)\) cannot raise records; the service improvement owner does",
     "{u}({role})不能登记改进记录;应由服务改进负责人登记"),
    (r"record #(?P<id>\d+) is (?P<state>\w+); it can move to (?P<states>.*), not (?P<to>\w+)",
     "记录 #{id} 当前为“{state}”,只能转到:{states};不能转到“{to}”"),
    (r"(?P<u>.+) \((?P<role>\w+)\) cannot move a record from (?P<state>\w+) to (?P<to>\w+); allowed: (?P<roles>.*)",
     "{u}({role})无权将记录从“{state}”转到“{to}”;允许的角色:{roles}"),
    (r"(?P<u>.+) \((?P<role>\w+)\) cannot add monitoring notes", "{u}({role})不能添加跟踪备注"),
    (r"record #(?P<id>\d+) is (?P<state>\w+); notes are for implementing or monitoring records",
     "记录 #{id} 当前为“{state}”;只有实施中或跟踪中的记录可以添加备注"),
    (r"(?P<u>.+) \((?P<role>\w+)\) cannot revise a record that is (?P<state>\w+)", "{u}({role})不能修改“{state}”状态的记录"),
    (r"say why the baseline or target changes \(--reason\)", "请说明修改基准或目标的原因"),
    (r"give a baseline, a target or both", "请填写基准、目标或两者"),
    (r"the window has no values to compute a baseline from", "所选区间内没有数值,无法计算基准"),
    (r"a record needs a title", "改进记录需要标题"),
    (r"a note needs text", "备注不能为空"),
    (r"say why the plan changes", "请说明计划变更的原因"),
]
_COMPILED = [(re.compile(pattern + r"\Z", re.DOTALL), template) for pattern, template in _ZH]
_COLUMN = re.compile(r"(?P<letter>[A-Z]+)(?: \((?P<header>.*)\))?\Z", re.DOTALL)


def _label(kind: str, words: str) -> str:
    """Record states and roles by their Chinese labels; a comma-separated list word by word."""
    from .i18n import STRINGS

    return ", ".join(STRINGS.get(f"{kind}.{w.strip()}", (w, w.strip()))[1] for w in words.split(","))


_KINDS = {"state": "state", "to": "state", "states": "state", "role": "role", "roles": "role"}


def message_text(message: str, lang: str) -> str:
    """The message in `lang`; English (as written) when it has no translation."""
    if lang != "zh":
        return message
    for pattern, template in _COMPILED:
        match = pattern.match(message)
        if match:
            values = {k: _label(_KINDS[k], v) if k in _KINDS and v else (v or "")
                      for k, v in match.groupdict().items()}
            return template.format(**values)
    return message


def _where_zh(problem: Problem) -> str:
    parts = []
    if problem.file:
        parts.append(problem.file)
    if problem.sheet:
        parts.append(f"工作表“{problem.sheet}”")
    if problem.row is not None:
        parts.append(f"第 {problem.row} 行")
    if problem.column:
        match = _COLUMN.match(problem.column)
        if match:
            header = match.group("header")
            parts.append(f"{match.group('letter')} 列" + (f"({header})" if header else ""))
        else:
            parts.append(f"{problem.column} 列")
    return ",".join(parts)


def problem_text(problem: Problem, lang: str) -> str:
    """One problem, place first, as the spreadsheet user sees it, in `lang`."""
    if lang != "zh":
        return str(problem)
    where, message = _where_zh(problem), message_text(problem.message, lang)
    return f"{where}:{message}" if where else message
