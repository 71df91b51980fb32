"""Refusals and errors in the reader's language.

analytics/ writes its messages in English: the command line prints them and batch jobs match
them, so that text is a contract. The dashboard shows the same messages to Chinese-speaking
managers; this module rewrites the place ("file, sheet 'S', row 3, column C (数值)") from the
Problem's fields and the message by a catalogue of patterns. A message without a pattern stays
in English, whole: a half-translated message would be worse than an English one.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

from .errors import Problem
from .i18n import t

# (English pattern, Chinese template). Named groups carry the values over; most specific first.
_ZH: list[tuple[str, str]] = [
    ((r"(?P<what>target )?'(?P<v>.*)' is not a number: it is a formula whose result the file does not hold; open "
      r"the file in Excel or WPS and save it again"),
     "{what}“{v}”是公式,文件中没有保存它的计算结果:请用 Excel 或 WPS 打开此文件并重新保存"),
    ((r"(?P<what>target )?'(?P<v>.*)' is not a number: the cell shows an Excel error; correct its formula, or clear "
      r"the cell if there is no value"), "{what}“{v}”不是数字,而是 Excel 错误值:请修正公式;没有数值时请清空该单元格"),
    ((r"(?P<what>target )?'(?P<v>.*)' is not a number: write (?P<n>[\d,.]+) \((?P<shown>.*) = (?P<x>[\d.]+) × "
      r"(?P<m>[\d,]+)\)"), "{what}“{v}”不是数字:请写作 {n}({shown} = {x} × {m})"),
    ((r"(?P<what>target )?'(?P<v>.*)' is not a number: write 0 if none happened, or leave the cell blank if it was "
      r"not measured"), "{what}“{v}”不是数字:如未发生请填 0;如未统计请留空"),
    ((r"(?P<what>target )?'(?P<v>.*)' is not a number: if the comma is the decimal point, write (?P<n>\S+)"),
     "{what}“{v}”不是数字:如果逗号是小数点,请写作 {n}"),
    ((r"(?P<what>target )?'(?P<v>.*)' is not a number: write (?P<n>\S+) and put the footnote's text in a note "
      r"\(备注\) column"), "{what}“{v}”不是数字:请写作 {n},脚注内容请写在备注列"),
    ((r"(?P<what>target )?'(?P<v>.*)' is not a number: write (?P<n>.+) and put '(?P<remark>.*)' in a note "
      r"\(备注\) column"), "{what}“{v}”不是数字:请写作 {n},“{remark}”请写在备注列"),
    (r"'(?P<v>.*)' is not a number", "“{v}”不是数字"),
    (r"'(?P<v>.*)' is not a month \(write it like 2026-05 or 2026年5月\)", "“{v}”不是月份(请写成 2026-05 或 2026年5月)"),
    ((r"'(?P<v>.*)' may be (?P<october>\S+) saved as a number \(Excel drops the 0 of (?P<typed>\S+)\): write the month "
      r"as (?P<january>\S+) or (?P<again>\S+)"),
     "“{v}”可能是被存成数字的 {october}(Excel 会去掉 {typed} 末尾的 0):请把月份写成 {january} 或 {october}"),
    ((r"the cell holds the number (?P<v>\S+) \(shown as (?P<short>\S+) or (?P<long>\S+)\), not a month: type the month "
      r"as text, (?P<october>\S+) or (?P<january>\S+)"),
     "单元格中是数字 {v}(显示为 {short} 或 {long}),不是月份:请把月份以文本填写,如 {october} 或 {january}"),
    (r"the cell holds the number (?P<v>\S+), not a month: type the month as text, like (?P<p>\S+)",
     "单元格中是数字 {v},不是月份:请把月份以文本填写,如 {p}"),
    ((r"the heading (?P<c>[A-Z]+) \((?P<a>.*)\) is a number, not a month \(Excel keeps (?P<typed>\S+) typed in a "
      r"cell as the number (?P<kept>\S+)\): type the month as text, like (?P<p>\S+) or (?P<q>\S+)"),
     ("{c} 列的表头({a})是数字,不是月份(Excel 会把单元格中输入的 {typed} 存成数字 {kept},{a} 可能是 1 月也可能是 10 月):"
      "请把月份以文本填写,如 {p} 或 {q}")),
    ((r"the heading (?P<c>[A-Z]+) \((?P<a>.*)\) is a number, not a month \(Excel keeps (?P<typed>\S+) typed in a "
      r"cell as the number (?P<kept>\S+)\): type the month as text, like (?P<p>\S+)"),
     "{c} 列的表头({a})是数字,不是月份(Excel 会把单元格中输入的 {typed} 存成数字 {kept}):请把月份以文本填写,如 {p}"),
    ((r"the heading (?P<c>[A-Z]+) \((?P<a>.*)\) does not name a month for certain \(26\.10 may be October 2026 or the "
      r"26th of October\): write the month with its year in full, like 2026-10"),
     "{c} 列的表头({a})不能确定是哪个月(26.10 可能是 2026 年 10 月,也可能是 10 月 26 日):请写出完整的年份,例如 2026-10"),
    ((r"the headings (?P<first>[A-Z]+)–(?P<last>[A-Z]+) \((?P<a>.*) … (?P<b>.*)\) do not name a month for certain "
      r"\(26\.10 may be October 2026 or the 26th of October\): write each month with its year in full, like 2026-10"),
     ("{first}–{last} 列的表头({a} … {b})不能确定是哪个月(26.10 可能是 2026 年 10 月,也可能是 10 月 26 日):"
     "请把每个月写出完整的年份,例如 2026-10")),
    ((r"the headings (?P<first>[A-Z]+)–(?P<last>[A-Z]+) \((?P<a>.*) … (?P<b>.*)\) are numbers, not months \(Excel keeps "
      r"(?P<typed>\S+) typed in a cell as the number (?P<kept>\S+)\): type each month as text, like (?P<p>\S+)"),
     ("{first}–{last} 列的表头({a} … {b})是数字,不是月份(Excel 会把单元格中输入的 {typed} 存成数字 {kept}):"
      "请把每个月份以文本填写,如 {p}")),
    ((r"'(?P<v>.*)' is a quarter, not a month: the dashboard follows metrics month by month; write each month's value "
      r"on a row of its own \(for 2026Q3: 2026-07, 2026-08 and 2026-09\)"),
     "“{v}”是季度,不是月份:看板按月跟踪指标;请把每个月的数值各写一行(如 2026Q3 写成 2026-07、2026-08、2026-09 三行)"),
    ((r"'(?P<v>.*)' names a month but no year, and the months beside it do not make the year certain: write it with "
      r"its year, like (?P<p>\S+) or (?P<zh>\S+)"), "“{v}”只写了月份、没有年份,旁边的月份也无法确定其年份:请写明年份,如 {p} 或 {zh}"),
    (r"target '(?P<v>.*)' is not a number", "目标值“{v}”不是数字"),
    ((r"unknown metric '(?P<name>.*)': the catalogue keeps '(?P<catalogue>.*)' in (?P<u>.*), not (?P<w>.*); convert the values "
      r"to (?P<to>.*) first"), "“{name}”的单位是 {w},而指标目录中“{catalogue}”的单位是 {u}:请先把数值换算为 {to}"),
    ((r"(?P<v>\S+) is below zero, but '(?P<catalogue>.*)' is kept in (?P<u>.*), which cannot be negative: check the "
      r"sign"), "{v} 小于 0,但“{catalogue}”以 {u} 计,不可能为负数:请检查正负号"),
    ((r"the (?P<field>\w+) (?P<v>\S+) is below zero, but '(?P<catalogue>.*)' is kept in (?P<u>.*), which cannot be "
      r"negative: check the sign"), "{field}值 {v} 小于 0,但“{catalogue}”以 {u} 计,不可能为负数:请检查正负号"),
    ((r"the (?P<field>\w+) (?P<v>\S+) would be (?P<p>\S+), but '(?P<catalogue>.*)' is kept in % and higher is better: "
      r"write (?P<n>\S+) for (?P<np>\S+)"), "{field}值 {v} 将按 {p} 保存,但“{catalogue}”以 % 计、越高越好:{np} 请写作 {n}"),
    ((r"(?:.* )?(?P<v>\S+) would be (?P<p>\S+), but '(?P<catalogue>.*)' is kept in % and higher is better: write "
      r"(?P<n>\S+) for (?P<np>\S+)"), "{v} 将按 {p} 保存,但“{catalogue}”以 % 计、越高越好:{np} 请写作 {n}"),
    (r"'(?P<v>.*)' is in (?P<w>.*), but the row's unit is (?P<u>.*): write the row's numbers in one unit",
     "“{v}”以 {w} 计,但该行的单位是 {u}:请用同一单位填写该行的数字"),
    (r"'(?P<v>.*)' is in (?P<w>.*), but the column's unit is (?P<u>.*): write the column's numbers in one unit",
     "“{v}”以 {w} 计,但该列的单位是 {u}:请用同一单位填写该列的数字"),
    ((r"'(?P<v>\S+)' is a percentage, but '(?P<catalogue>.*)' is kept in (?P<u>.*): check that this row is that "
      r"metric's, and write its value in (?P<to>.*), without %"),
     "“{v}”是百分数,但“{catalogue}”以 {u} 计:请核对这一行是否属于该指标,并以 {to} 填写数值,不带 %"),
    ((r"'(?P<catalogue>.*)' is written as a time here \(read as (?P<h>\S+) h\), but the catalogue keeps it in "
      r"(?P<u>.*): write it as a number of (?P<to>.*) \(this one is (?P<n>\S+)\)"),
     "“{catalogue}”在此处写成了时间(按 {h} 小时读取),而指标目录中的单位是 {u}:请填写以 {to} 计的数值(此处为 {n})"),
    ((r"'(?P<catalogue>.*)' is in (?P<w>.*) here, but the catalogue keeps it in (?P<u>.*); convert the values to "
      r"(?P<to>.*) first"), "“{catalogue}”在此处的单位是 {w},而指标目录中的单位是 {u}:请先把数值换算为 {to}"),
    (r"unknown metric '(?P<name>.*)' \(closest(?: in the catalogue)?: (?P<close>.*)\)",
     "指标目录中没有“{name}”(最接近的:{close})"),
    (r"unknown metric '(?P<name>.*)'", "指标目录中没有“{name}”"),
    ((r"(?P<n>\d+) unknown metric name\(s\): add them to the catalogue \(metrics import\) or load with "
     r"--create-metrics; nothing was written"),
     "{n} 个指标名称不在指标目录中:请先在“指标与基准”页导入目录,或勾选“" + t("upload.create_metrics", "zh")
     + "”后再导入;未写入任何数据"),
    (r"unknown metrics; load with --create-metrics", "有未知指标:请勾选“" + t("upload.create_metrics", "zh") + "”后再导入"),
    ((r"'(?P<m>.*)' (?P<p>\S+) appears twice \(also in sheet '(?P<s>.*)' row (?P<r>\d+)\): the rows are for "
      r"different services \((?P<a>.*), (?P<b>.*)\); the catalogue needs a metric for each, e\.g\. '(?P<e>.*)'"),
     ("“{m}” {p} 出现了两次(另见工作表“{s}”第 {r} 行):这些行属于不同的服务({a}、{b});指标目录中需要为每个服务各建一个指标,"
      "如“{e}”")),
    ((r"'(?P<m>.*)' (?P<p>\S+) appears twice \(also on row (?P<r>\d+)\): the rows are for different services "
      r"\((?P<a>.*), (?P<b>.*)\); the catalogue needs a metric for each, e\.g\. '(?P<e>.*)'"),
     "“{m}” {p} 出现了两次(另见第 {r} 行):这些行属于不同的服务({a}、{b});指标目录中需要为每个服务各建一个指标,如“{e}”"),
    ((r"'(?P<m>.*)' (?P<p>\S+) appears twice \(also in sheet '(?P<s>.*)' row (?P<r>\d+)\): (?P<reading>value|target) "
      r"(?P<mine>\S+) here, (?P<theirs>\S+) there"),
     "“{m}” {p} 出现了两次(另见工作表“{s}”第 {r} 行):此处{reading}为 {mine},该处为 {theirs}"),
    ((r"'(?P<m>.*)' (?P<p>\S+) appears twice \(also on row (?P<r>\d+)\): (?P<reading>value|target) (?P<mine>\S+) "
      r"here, (?P<theirs>\S+) there"), "“{m}” {p} 出现了两次(另见第 {r} 行):此行{reading}为 {mine},第 {r} 行为 {theirs}"),
    (r"'(?P<m>.*)' (?P<p>\S+) appears twice \(also in sheet '(?P<s>.*)' row (?P<r>\d+)\)",
     "“{m}” {p} 出现了两次(另见工作表“{s}”第 {r} 行)"),
    (r"'(?P<m>.*)' (?P<p>\S+) appears twice \(also on row (?P<r>\d+)\)", "“{m}” {p} 出现了两次(另见第 {r} 行)"),
    ((r"'(?P<m>.*)' (?P<p>\S+) on sheet '(?P<s>.*)' row (?P<r>\d+) repeats the value on sheet '(?P<s2>.*)' row "
      r"(?P<r2>\d+): read once"), "“{m}” {p}:工作表“{s}”第 {r} 行与工作表“{s2}”第 {r2} 行的数值相同,只读取一次"),
    (r"'(?P<m>.*)' (?P<p>\S+) on row (?P<r>\d+) repeats the value on row (?P<r2>\d+): read once",
     "“{m}” {p}:第 {r} 行与第 {r2} 行的数值相同,只读取一次"),
    (r"'(?P<m>.*)' (?P<p>\S+) is also in (?P<f>.*) with the same value: read from there",
     "“{m}” {p} 也在 {f} 中,数值相同:只从该文件读取"),
    ((r"'(?P<m>.*)' (?P<p>\S+) is also in (?P<f>.*); load one of the two files: (?P<reading>value|target) "
      r"(?P<mine>\S+) here, (?P<theirs>\S+) in (?P=f) sheet '(?P<s>.*)' row (?P<r>\d+)"),
     "“{m}” {p} 也在 {f} 中;两个文件请只导入一个:此处{reading}为 {mine},{f} 工作表“{s}”第 {r} 行为 {theirs}"),
    ((r"'(?P<m>.*)' (?P<p>\S+) is also in (?P<f>.*); load one of the two files: (?P<reading>value|target) "
      r"(?P<mine>\S+) here, (?P<theirs>\S+) in (?P=f) row (?P<r>\d+)"),
     "“{m}” {p} 也在 {f} 中;两个文件请只导入一个:此处{reading}为 {mine},{f} 第 {r} 行为 {theirs}"),
    (r"'(?P<m>.*)' (?P<p>\S+) is also in (?P<f>.*); load one of the two files",
     "“{m}” {p} 也在 {f} 中;两个文件请只导入一个"),
    (r"this exact file was already loaded as upload #(?P<id>\d+) \('(?P<name>.*)', (?P<when>[^)]*)\).*",
     "同一个文件已于 {when} 导入过(第 {id} 次上传,“{name}”),不会重复导入"),
    ((r"metric '(?P<m>.*)' has (?P<n>\d+) month\(s\) of data in (?P<was>.*): its unit is now (?P<now>.*), and the "
      r"values already loaded were not converted"),
     "指标“{m}”已有 {n} 个月的数据,单位为 {was}:现在单位改为 {now},已导入的数值没有换算"),
    ((r"metric '(?P<m>.*)' has (?P<n>\d+) month\(s\) of data: its direction is now (?P<direction>\S+) \(was (?P<olddirection>\S+)\), "
      r"so its gaps and signals read the other way"),
     "指标“{m}”已有 {n} 个月的数据:方向现在为“{direction}”(原为“{olddirection}”),差距和信号的好坏随之反过来"),
    (r"month (?P<p>\S+) has two columns \((?P<a>\w+) and (?P<b>\w+)\)", "月份 {p} 有两列({a} 列和 {b} 列)"),
    ((r"column (?P<c>\w+) \((?P<h>.*)\) starts a second table beside the first: put each table on a sheet of its "
      r"own"), "{c} 列({h})开始了并排的第二个表格:请把每个表格放在单独的工作表中"),
    ((r"columns (?P<a>\w+) \((?P<ha>.*)\) and (?P<b>\w+) \((?P<hb>.*)\) are both headed as the value: keep one, or "
      r"rename the other \(e\.g\. 目标 for a target\)"),
     "{a} 列({ha})和 {b} 列({hb})的标题都表示数值:请只保留一列,或把另一列改名(例如目标值请用“目标”)"),
    (r"month (?P<p>\S+) has two target columns \((?P<a>\w+) and (?P<b>\w+)\)", "月份 {p} 有两个目标列({a} 列和 {b} 列)"),
    (r"metric '(?P<m>.*)' has two columns \((?P<a>\w+) and (?P<b>\w+)\)", "指标“{m}”有两列({a} 列和 {b} 列)"),
    ((r"sheet '(?P<s>.*)': the target column (?P<c>\w+) was not read: with one column per metric it does not say "
      r"whose target it is"), "工作表“{s}”:目标列 {c} 未读取:每个指标各占一列时,无法判断它是哪个指标的目标"),
    (r"the target column (?P<c>\w+) was not read: with one column per metric it does not say whose target it is",
     "目标列 {c} 未读取:每个指标各占一列时,无法判断它是哪个指标的目标"),
    ((r"'(?P<t>.*)' names another month than (?P<p>\S+), the month the rows above it were read as, over rows "
      r"of values: put those rows on a sheet of their own, or add a month column \(月份\)"),
     "“{t}”写的是 {p} 以外的月份,而上方各行按 {p} 读取,它下面还有数值行:请把这些行放到单独的工作表,或加一列月份(月份)"),
    (r"the row has values but no metric name", "该行有数值,但没有指标名称"),
    ((r"the value (?P<v>\S+) and the \w+ (?P<t>\d+) beside it read as (?P<n>\S+) split at its comma: "
      r"a value with a comma in it \(1,234\.5\) must be in quotes or written without the comma"),
     "数值 {v} 和其后一列的 {t} 像是在逗号处被拆开的 {n}:含逗号的数值(如 1,234.5)须加引号或去掉逗号"),
    ((r"the row has (?P<n>\d+) fields but the heading row has (?P<m>\d+): a value with a comma in it \(1,234\.5\) must "
      r"be in quotes or written without the comma; a note beside the table needs a heading"),
     "该行有 {n} 个字段,而表头行只有 {m} 个:含逗号的数值(如 1,234.5)须加引号或去掉逗号;表格旁的备注需要表头"),
    ((r"sheet '(?P<s>.*)': (?P<n>\d+) row\(s\) with a name but no period or value were ignored "
      r"\(row (?P<r>[\d, –]+)\)"), "工作表“{s}”:{n} 行只有指标名称、没有月份和数值,已忽略(第 {r} 行)"),
    (r"(?P<n>\d+) row\(s\) with a name but no period or value were ignored \(row (?P<r>[\d, –]+)\)",
     "{n} 行只有指标名称、没有月份和数值,已忽略(第 {r} 行)"),
    ((r"sheet '(?P<s>.*)': (?P<n>\d+) cells? of months to come \((?P<m>.*)\) holds? 0, read as blank: a formula's "
      r"placeholder for a month not yet reported"),
     "工作表“{s}”:尚未开始的月份({m})有 {n} 个单元格为 0,已按空白读取:这是公式为未填报月份留的占位值"),
    ((r"(?P<n>\d+) cells? of months to come \((?P<m>.*)\) holds? 0, read as blank: a formula's placeholder for a month "
      r"not yet reported"), "尚未开始的月份({m})有 {n} 个单元格为 0,已按空白读取:这是公式为未填报月份留的占位值"),
    (r"sheet '(?P<s>.*)': (?P<n>\d+) example row\(s\) \(示例\) were ignored \(row (?P<r>[\d, –]+)\)",
     "工作表“{s}”:{n} 行示例已忽略(第 {r} 行)"),
    (r"(?P<n>\d+) example row\(s\) \(示例\) were ignored \(row (?P<r>[\d, –]+)\)", "{n} 行示例已忽略(第 {r} 行)"),
    ((r"sheet '(?P<s>.*)': (?P<n>\d+) row\(s\) that are not the months' values \(完成率/差异/预测\) were ignored "
      r"\(row (?P<r>[\d, –]+)\)"), "工作表“{s}”:{n} 行不是各月实际值(完成率/差异/预测),已忽略(第 {r} 行)"),
    (r"(?P<n>\d+) row\(s\) that are not the months' values \(完成率/差异/预测\) were ignored \(row (?P<r>[\d, –]+)\)",
     "{n} 行不是各月实际值(完成率/差异/预测),已忽略(第 {r} 行)"),
    ((r"sheet '(?P<s>.*)': (?P<n>\d+) row\(s\) marked as targets or forecasts in column (?P<c>\w+) \((?P<h>.*)\), "
      r"not values, were ignored \(row (?P<r>[\d, –]+)\)"),
     "工作表“{s}”:{c} 列({h})标为目标或预测的 {n} 行不是实际值,已忽略(第 {r} 行)"),
    ((r"(?P<n>\d+) row\(s\) marked as targets or forecasts in column (?P<c>\w+) \((?P<h>.*)\), not values, were "
      r"ignored \(row (?P<r>[\d, –]+)\)"), "{c} 列({h})标为目标或预测的 {n} 行不是实际值,已忽略(第 {r} 行)"),
    (r"sheet '(?P<s>.*)': (?P<n>\d+) note row\(s\) under the table were ignored \(row (?P<r>[\d, –]+)\)",
     "工作表“{s}”:表格下方的 {n} 行备注已忽略(第 {r} 行)"),
    (r"(?P<n>\d+) note row\(s\) under the table were ignored \(row (?P<r>[\d, –]+)\)",
     "表格下方的 {n} 行备注已忽略(第 {r} 行)"),
    (r"sheet '(?P<s>.*)': (?P<n>\d+) row\(s\) repeating the table's headings were ignored \(row (?P<r>[\d, –]+)\)",
     "工作表“{s}”:{n} 行重复的表头已忽略(第 {r} 行)"),
    ((r"sheet '(?P<s>.*)', row (?P<r>\d+): '(?P<m>.*)' has no values and names no catalogue metric: read as a "
      r"heading and ignored"), "工作表“{s}”第 {r} 行:“{m}”没有数值,也不是目录中的指标:视为分组标题,已忽略"),
    (r"row (?P<r>\d+): '(?P<m>.*)' has no values and names no catalogue metric: read as a heading and ignored",
     "第 {r} 行:“{m}”没有数值,也不是目录中的指标:视为分组标题,已忽略"),
    ((r"sheet '(?P<s>.*)': columns? (?P<c>.*) (?:holds numbers but has|hold numbers but have) no heading, so not "
      r"read: if they are a month's values, write the month above them \(e\.g\. 2026-11\)"),
     "工作表“{s}”:{c} 列有数字但没有表头,未读取:如果是某个月的数值,请在其上方写明月份(如 2026-11)"),
    ((r"columns? (?P<c>.*) (?:holds numbers but has|hold numbers but have) no heading, so not read: if they are a "
      r"month's values, write the month above them \(e\.g\. 2026-11\)"), "{c} 列有数字但没有表头,未读取:如果是某个月的数值,请在其上方写明月份(如 2026-11)"),
    ((r"sheet '(?P<s>.*)': the columns (?P<headed>.*) name a quarter or half-year, not a month, so were not read: the "
      r"dashboard follows metrics month by month"),
     "工作表“{s}”:{headed}是季度或半年,不是月份,未读取:看板按月跟踪指标"),
    ((r"the columns (?P<headed>.*) name a quarter or half-year, not a month, so were not read: the dashboard follows "
      r"metrics month by month"),
     "{headed}是季度或半年,不是月份,未读取:看板按月跟踪指标"),
    ((r"sheet '(?P<s>.*)': the columns (?P<headed>.*) name a month but were not read: only a month heading alone, or "
      r"marked \(实际\), holds that month's values"),
     "工作表“{s}”:{headed}含有月份但未读取:只有单独的月份表头或注明(实际)的月份列才作为该月的数值读取"),
    ((r"the columns (?P<headed>.*) name a month but were not read: only a month heading alone, or marked \(实际\), "
      r"holds that month's values"),
     "{headed}含有月份但未读取:只有单独的月份表头或注明(实际)的月份列才作为该月的数值读取"),
    ((r"(?P<hidden>.*) (?:is|are) hidden \(or filtered out\) and not read: unhide them if the table's "
      r"heading is there"), "{hidden}被隐藏(或被筛选掉),未读取:如果表头在其中,请取消隐藏"),
    ((r"sheet '(?P<s>.*)': (?P<rowspan>rows? [\d–, ]+) names? no metric: read as the metric named above \(a name "
      r"written once over its months\)"), "工作表“{s}”:{rowspan}没有指标名称,已按上方的指标读取(指标名称只写在其各月的第一行)"),
    ((r"(?P<rowspan>rows? [\d–, ]+) names? no metric: read as the metric named above \(a name written once over its "
      r"months\)"), "{rowspan}没有指标名称,已按上方的指标读取(指标名称只写在其各月的第一行)"),
    ((r"sheet '(?P<s>.*)': (?P<cells>.*) (?:is a formula|are formulas) whose result the file does not hold \(a "
      r"program wrote it, and it was not saved in Excel or WPS since\): read as blank or 0\. If Excel shows values "
      r"there, open the file in Excel or WPS and save it again"),
     ("工作表“{s}”:{cells} 是公式,文件中没有保存其计算结果(文件由程序生成,此后未在 Excel 或 WPS 中保存过),"
      "已按空白或 0 读取。如果 Excel 中显示了数值,请用 Excel 或 WPS 打开此文件并重新保存")),
    ((r"sheet '(?P<s>.*)': the unit noted over the table \((?P<unit>[^,]+), row (?P<r>\d+)\) is not the unit of "
      r"(?P<kept>.*): (?:their|its) values were read in the catalogue's units"),
     "工作表“{s}”:表格上方注明的单位({unit},第 {r} 行)不是{kept}的单位:其数值已按指标目录中的单位读取"),
    ((r"the unit noted over the table \((?P<unit>[^,]+), row (?P<r>\d+)\) is not the unit of (?P<kept>.*): "
      r"(?:their|its) values were read in the catalogue's units"),
     "表格上方注明的单位({unit},第 {r} 行)不是{kept}的单位:其数值已按指标目录中的单位读取"),
    (r"sheet '(?P<s>.*)': (?P<hidden>.*) (?:is|are) hidden \(or filtered out\) and not read",
     "工作表“{s}”:{hidden}被隐藏(或被筛选掉),未读取"),
    (r"(?P<hidden>(?:rows?|columns?) .*) (?:is|are) hidden \(or filtered out\) and not read",
     "{hidden}被隐藏(或被筛选掉),未读取"),
    ((r"'(?P<catalogue>.*)': the file's target \((?P<f>\S+)\) differs from the catalogue's \((?P<c>\S+)\) for "
      r"(?P<months>.*); values are compared with the catalogue's: change it under Metrics & baselines if the file is "
      r"right"), ("“{catalogue}”:文件中的目标({f})与指标目录中的目标({c})不同({months});数值按指标目录的目标比较:"
                  "如以文件为准,请在“指标与基准”页修改")),
    ((r"'(?P<catalogue>.*)' has no value for (?P<months>.*) \(from sheet '(?P<sheet>.*)' row (?P<r>\d+)\): a blank, 无 "
      r"or N/A is read as not reported, not as 0, and a value already stored stays; write 0 where none happened"),
     ("“{catalogue}”{months} 没有数值(自工作表“{sheet}”第 {r} 行起):空白、无或 N/A 按未填报读取,不算 0,"
      "已存储的数值保留;如果没有发生,请填 0")),
    ((r"'(?P<catalogue>.*)' has no value for (?P<months>.*) \(from row (?P<r>\d+)\): a blank, 无 or N/A is read as "
      r"not reported, not as 0, and a value already stored stays; write 0 where none happened"),
     ("“{catalogue}”{months} 没有数值(自第 {r} 行起):空白、无或 N/A 按未填报读取,不算 0,"
      "已存储的数值保留;如果没有发生,请填 0")),
    ((r"the rows for (?P<s>.*) \(from sheet '(?P<sheet>.*)' row (?P<r>\d+)\) were loaded as (?P<names>.*), which the "
      r"catalogue keeps for no service: if they are (?P=s)'s own figures, add '(?P<first>.*)' and the others to the "
      r"catalogue first"),
     ("{s} 的各行(自工作表“{sheet}”第 {r} 行起)已作为 {names} 导入,而指标目录中这些指标不属于任何服务:"
     "如果这是 {s} 自己的数据,请先在指标目录中添加“{first}”等指标")),
    ((r"the rows for (?P<s>.*) \(from row (?P<r>\d+)\) were loaded as (?P<names>.*), which the catalogue keeps for no "
      r"service: if they are (?P=s)'s own figures, add '(?P<first>.*)' and the others to the catalogue first"),
     ("{s} 的各行(自第 {r} 行起)已作为 {names} 导入,而指标目录中这些指标不属于任何服务:"
     "如果这是 {s} 自己的数据,请先在指标目录中添加“{first}”等指标")),
    ((r"'(?P<catalogue>.*)' on sheet '(?P<sheet>.*)' row (?P<r>\d+) is for service (?P<s>.*), but the catalogue keeps "
      r"it for (?P<k>.*): loaded as that metric; if (?P=s) has its own, add '(?P<own>.*)' to the catalogue first"),
     ("“{catalogue}”(工作表“{sheet}”第 {r} 行)属于服务 {s},而指标目录中该指标属于 {k}:已按该指标导入;"
      "如 {s} 有自己的指标,请先在指标目录中添加“{own}”")),
    ((r"'(?P<catalogue>.*)' on row (?P<r>\d+) is for service (?P<s>.*), but the catalogue keeps it for (?P<k>.*): "
      r"loaded as that metric; if (?P=s) has its own, add '(?P<own>.*)' to the catalogue first"),
     ("“{catalogue}”(第 {r} 行)属于服务 {s},而指标目录中该指标属于 {k}:已按该指标导入;"
      "如 {s} 有自己的指标,请先在指标目录中添加“{own}”")),
    (r"… and (?P<n>\d+) more metrics whose file targets differ from the catalogue's",
     "……另有 {n} 个指标的文件目标与指标目录不同"),
    (r"(?P<n>\d+) row\(s\) repeating the table's headings were ignored \(row (?P<r>[\d, –]+)\)",
     "{n} 行重复的表头已忽略(第 {r} 行)"),
    (r"this row starts another table, with other headings than row (?P<r>\d+)'s: put each table on a sheet of its own",
     "此行开始了另一个表格,表头与第 {r} 行不同:请把每个表格放在单独的工作表中"),
    (r"sheet '(?P<s>.*)': (?P<n>\d+) total or average row\(s\) \(合计/平均\) were ignored \(row (?P<r>[\d, –]+)\)",
     "工作表“{s}”:{n} 行合计/平均行已忽略(第 {r} 行)"),
    (r"(?P<n>\d+) total or average row\(s\) \(合计/平均\) were ignored \(row (?P<r>[\d, –]+)\)",
     "{n} 行合计/平均行已忽略(第 {r} 行)"),
    ((r"sheet '(?P<s>.*)': the month column (?P<a>[A-Z]+) gives no year; (?P<years>\d{4}) was taken from "
      r"(?P<yearsource>.*)"), "工作表“{s}”:月份列 {a} 未写年份,已按{yearsource}读作 {years} 年"),
    (r"the month column (?P<a>[A-Z]+) gives no year; (?P<years>\d{4}) was taken from (?P<yearsource>.*)",
     "月份列 {a} 未写年份,已按{yearsource}读作 {years} 年"),
    ((r"sheet '(?P<s>.*)': the month columns (?P<a>[A-Z]+)–(?P<b>[A-Z]+) give no year; (?P<years>\d{4}(?: and \d{4})*) "
      r"(?:was|were) taken from (?P<yearsource>.*)"), "工作表“{s}”:月份列 {a}–{b} 未写年份,已按{yearsource}读作 {years} 年"),
    ((r"the month columns (?P<a>[A-Z]+)–(?P<b>[A-Z]+) give no year; (?P<years>\d{4}(?: and \d{4})*) "
      r"(?:was|were) taken from (?P<yearsource>.*)"), "月份列 {a}–{b} 未写年份,已按{yearsource}读作 {years} 年"),
    ((r"sheet '(?P<s>.*)': the month columns (?P<headed>[A-Z]+ \(.*\)) give no year; each took the year of the month "
      r"heading to its left"), "工作表“{s}”:{headed}未写年份,已按其左侧最近的带年份的月份表头取年份"),
    (r"the month columns (?P<headed>[A-Z]+ \(.*\)) give no year; each took the year of the month heading to its left",
     "{headed}未写年份,已按其左侧最近的带年份的月份表头取年份"),
    ((r"sheet '(?P<s>.*)': the month columns (?P<headed>[A-Z]+ \(.*\)) give no year; the headings run month by month, "
      r"and each took the year that counting on from the dated one gives"),
     "工作表“{s}”:{headed}未写年份,表头逐月相连,已从带年份的表头逐月推算年份"),
    ((r"the month columns (?P<headed>[A-Z]+ \(.*\)) give no year; the headings run month by month, and each took the "
      r"year that counting on from the dated one gives"), "{headed}未写年份,表头逐月相连,已从带年份的表头逐月推算年份"),
    ((r"sheet '(?P<s>.*)': the months in column (?P<headed>[A-Z]+ \(.*\)) without their year \((?P<rowspan>rows? "
      r"[\d–, ]+)\) run month by month, and took the year that counting on from the dated month gives"),
     "工作表“{s}”:{headed}中{rowspan}的月份未写年份,各月逐月相连,已从带年份的月份逐月推算年份"),
    ((r"the months in column (?P<headed>[A-Z]+ \(.*\)) without their year \((?P<rowspan>rows? [\d–, ]+)\) run month "
      r"by month, and took the year that counting on from the dated month gives"),
     "{headed}中{rowspan}的月份未写年份,各月逐月相连,已从带年份的月份逐月推算年份"),
    ((r"sheet '(?P<s>.*)': the months in column (?P<headed>[A-Z]+ \(.*\)) give no year; (?P<years>\d{4}) was taken "
      r"from (?P<yearsource>.*)"), "工作表“{s}”:{headed}中的月份未写年份,已按{yearsource}读作 {years} 年"),
    ((r"sheet '(?P<s>.*)': the months in column (?P<headed>[A-Z]+ \(.*\)) without their year \((?P<rowspan>rows? [\d–, ]+)\) "
      r"took the year of the dated month above them"), "工作表“{s}”:{headed}中{rowspan}的月份未写年份,已按其上方最近的带年份的月份取年份"),
    ((r"the months in column (?P<headed>[A-Z]+ \(.*\)) without their year \((?P<rowspan>rows? [\d–, ]+)\) took the year "
      r"of the dated month above them"), "{headed}中{rowspan}的月份未写年份,已按其上方最近的带年份的月份取年份"),
    (r"the months in column (?P<headed>[A-Z]+ \(.*\)) give no year; (?P<years>\d{4}) was taken from (?P<yearsource>.*)",
     "{headed}中的月份未写年份,已按{yearsource}读作 {years} 年"),
    ((r"the cells under (?P<a>[A-Z]+) \((?P<heading>.*)\) are quarters \((?P<first>.*) …\), not months: the dashboard "
      r"follows metrics month by month; write one row per month \(e\.g\. 2026-07\)"),
     "{a} 列({heading})下的单元格是季度({first} …),不是月份:看板按月跟踪指标;请每月写一行(如 2026-07)"),
    ((r"the columns (?P<a>[A-Z]+)–(?P<b>[A-Z]+) \((?P<first>.*) … (?P<last>.*)\) are quarters, not months: the dashboard "
      r"follows metrics month by month; send one column per month \(e\.g\. 2026-01\)"),
     "{a}–{b} 列({first} … {last})是季度而不是月份:看板按月跟踪指标,请每月一列(如 2026-01)"),
    ((r"the month columns (?P<a>[A-Z]+)–(?P<b>[A-Z]+) \((?P<first>.*) … (?P<last>.*)\) give no year that is certain: "
      r"put the year above them \(e\.g\. 2026年\) or write each month as 2026-01"),
     "月份列 {a}–{b}({first} … {last})没有可确定的年份:请在这些列上方写明年份(如 2026年),或把每个月写成 2026-01"),
    (r"sheet '(?P<s>.*)': column (?P<c>\w+) \((?P<h>.*)\) was read as (?P<p>\d{4}-\d{2}), the month (?P<yearsource>.*) names",
     "工作表“{s}”:{c} 列({h})按{yearsource}所写的月份读作 {p}"),
    (r"column (?P<c>\w+) \((?P<h>.*)\) was read as (?P<p>\d{4}-\d{2}), the month (?P<yearsource>.*) names",
     "{c} 列({h})按{yearsource}所写的月份读作 {p}"),
    ((r"sheet '(?P<s>.*)': column (?P<c>\w+) \((?P<h>.*)\) was not read: the table's months are in its headings, and "
      r"the title, sheet name and file name name no other month for it; head it with its month \(e\.g\. 2026-11\)"),
     "工作表“{s}”:{c} 列({h})未读取:表格的月份在各列标题中,而标题、工作表名和文件名都没有为它写出另一个月份;请在该列标题写上月份(例如 2026-11)"),
    ((r"column (?P<c>\w+) \((?P<h>.*)\) was not read: the table's months are in its headings, and the title, sheet "
      r"name and file name name no other month for it; head it with its month \(e\.g\. 2026-11\)"),
     "{c} 列({h})未读取:表格的月份在各列标题中,而标题、工作表名和文件名都没有为它写出另一个月份;请在该列标题写上月份(例如 2026-11)"),
    (r"sheet '(?P<s>.*)': the table has no month column; (?P<p>\d{4}-\d{2}) was taken from (?P<yearsource>.*)",
     "工作表“{s}”:表格没有月份列,已按{yearsource}取为 {p}"),
    (r"the table has no month column; (?P<p>\d{4}-\d{2}) was taken from (?P<yearsource>.*)",
     "表格没有月份列,已按{yearsource}取为 {p}"),
    ((r"the table has a value column but no month column, and (?P<named>.* names .*): correct the one that is wrong, "
      r"or add a month column \(月份\)"),
     "表格有数值列但没有月份列,且{named},彼此不一致:请改正错误的一处,或添加“月份”列"),
    ((r"the month columns (?P<a>[A-Z]+)–(?P<b>[A-Z]+) \((?P<first>.*) … (?P<last>.*)\) give no year, and "
      r"(?P<named>.* names .*): correct the one that is wrong, or write each month as 2026-01"),
     "月份列 {a}–{b}({first} … {last})没有年份,且{named},彼此不一致:请改正错误的一处,或把每个月写成 2026-01"),
    ((r"the table has a value column but no month column, and its title, sheet name and file name do not name one "
      r"month: add a month column \(月份\) or put the month in the title \(e\.g\. 2026年10月\)"),
     "表格有数值列但没有月份列,且标题、工作表名称和文件名中没有唯一的月份:请添加“月份”列,或在标题中写明月份(如 2026年10月)"),
    ((r"'(?P<m>.*)' is kept in (?P<u>.*), but its values in this file \(median (?P<f>\S+)\) are about a hundredth of its "
      r"values so far \(median (?P<r>\S+)\): were fractions written for percentages \(0\.95 for 95%\)\?"),
     "“{m}”以 {u} 计,但本文件中的数值(中位数 {f})只有以往数值(中位数 {r})的约百分之一:是否把百分比写成了小数(如 95% 写成 0.95)?"),
    ((r"'(?P<m>.*)' is kept in (?P<u>.*), but its values in this file \(median (?P<f>\S+)\) are about 100 times its "
      r"values so far \(median (?P<r>\S+)\): were percentages typed into cells formatted as percent \(95 shown as "
      r"9500%\)\?"),
     "“{m}”以 {u} 计,但本文件中的数值(中位数 {f})约为以往数值(中位数 {r})的 100 倍:是否在设为百分比格式的单元格中填了百分数(95 显示为 9500%)?"),
    ((r"'(?P<m>.*)' is kept in (?P<u>.*), but its values in this file \(median (?P<f>\S+)\) are about 60 times its "
      r"values so far \(median (?P<r>\S+)\): were minutes written for hours\?"),
     "“{m}”以 {u} 计,但本文件中的数值(中位数 {f})约为以往数值(中位数 {r})的 60 倍:是否把分钟数当成了小时数?"),
    ((r"'(?P<m>.*)' is kept in (?P<u>.*), but its values in this file \(median (?P<f>\S+)\) are about a sixtieth of its "
      r"values so far \(median (?P<r>\S+)\): were hours written for minutes\?"),
     "“{m}”以 {u} 计,但本文件中的数值(中位数 {f})只有以往数值(中位数 {r})的约六十分之一:是否把小时数当成了分钟数?"),
    ((r"'(?P<m>.*)' is kept in (?P<u>.*), but its values in this file \(median (?P<f>\S+)\) are about 60 times its "
      r"values so far \(median (?P<r>\S+)\): were seconds written for minutes\?"),
     "“{m}”以 {u} 计,但本文件中的数值(中位数 {f})约为以往数值(中位数 {r})的 60 倍:是否把秒数当成了分钟数?"),
    ((r"'(?P<m>.*)' is kept in (?P<u>.*), but its values in this file \(median (?P<f>\S+)\) are about a sixtieth of its "
      r"values so far \(median (?P<r>\S+)\): were minutes written for seconds\?"),
     "“{m}”以 {u} 计,但本文件中的数值(中位数 {f})只有以往数值(中位数 {r})的约六十分之一:是否把分钟数当成了秒数?"),
    ((r"'(?P<m>.*)' is kept in (?P<u>.*), but its values in this file \(median (?P<f>\S+)\) are about a twenty-fourth of "
      r"its values so far \(median (?P<r>\S+)\): were days written for hours\?"),
     "“{m}”以 {u} 计,但本文件中的数值(中位数 {f})只有以往数值(中位数 {r})的约二十四分之一:是否把天数当成了小时数?"),
    ((r"'(?P<m>.*)' is kept in (?P<u>.*), but its values in this file \(median (?P<f>\S+)\) are about 24 times its "
      r"values so far \(median (?P<r>\S+)\): were hours written for days\?"),
     "“{m}”以 {u} 计,但本文件中的数值(中位数 {f})约为以往数值(中位数 {r})的 24 倍:是否把小时数当成了天数?"),
    ((r"'(?P<m>.*)' is kept in (?P<u>.*), but its values in this file \(median (?P<f>\S+)\) are about 10 to 40 times "
      r"its values so far \(median (?P<r>\S+)\): was a percentage \(满意率 89%\) or a score out of 100 written for "
      r"this score\?"),
     ("“{m}”以 {u} 计,但本文件中的数值(中位数 {f})约为以往数值(中位数 {r})的 10 到 40 倍:是否把百分比(满意率 89%)"
     "或百分制得分当成了这一得分?")),
    ((r"'(?P<m>.*)' is 0 in (?P<cells>.*) in this file, but has never been 0 \(median (?P<level>\S+)\): a formula's "
      r"placeholder for a month not yet reported\? Leave such a cell blank"),
     "“{m}”在本文件的 {cells} 为 0,但以往从未为 0(中位数 {level}):是否是公式为尚未填报的月份留的占位值?如是,请让该单元格留空"),
    ((r"'(?P<m>.*)' is a count, but (?P<cells>.*) in this file (?:is|are) not whole: was a dot written to group "
      r"thousands \(1\.234 for 1234\), or an average for a count\?"),
     "“{m}”是计数指标,但本文件中的 {cells} 不是整数:是否用点号分隔了千位(1.234 表示 1234),或把平均数填成了计数?"),
    ((r"'(?P<m>.*)' is kept in %, but (?P<cells>.*) in this file (?:is|are) about a hundredth of its other values "
      r"\(median (?P<l>\S+)\): was a fraction written for a percentage \(0\.95 for 95%\)\?"),
     "“{m}”以 % 计,但本文件中的 {cells} 只有其他数值(中位数 {l})的约百分之一:是否把百分比写成了小数(如 95% 写成 0.95)?"),
    ((r"'(?P<m>.*)' is kept in %, but (?P<cells>.*) in this file (?:is|are) about 100 times its other values "
      r"\(median (?P<l>\S+)\): was a percentage typed into a cell formatted as percent \(95 shown as 9500%\)\?"),
     "“{m}”以 % 计,但本文件中的 {cells} 约为其他数值(中位数 {l})的 100 倍:是否在设为百分比格式的单元格中填了百分数(95 显示为 9500%)?"),
    ((r"'(?P<m>.*)' is kept in (?P<u>.*), but its values in this file \(median (?P<f>\S+)\) are about a "
      r"ten-thousandth of its values so far \(median (?P<r>\S+)\): were amounts in 万元 written for 元\?"),
     "“{m}”以 {u} 计,但本文件中的数值(中位数 {f})只有以往数值(中位数 {r})的约万分之一:是否把以万元计的金额当成了元?"),
    ((r"'(?P<m>.*)' is kept in (?P<u>.*), but its values in this file \(median (?P<f>\S+)\) are about 10,000 times "
      r"its values so far \(median (?P<r>\S+)\): were amounts in 元 written for 万元\?"),
     "“{m}”以 {u} 计,但本文件中的数值(中位数 {f})约为以往数值(中位数 {r})的 1 万倍:是否把以元计的金额当成了万元?"),
    ((r"'(?P<p>.*)' has not begun \(this month is (?P<now>.*)\): check the year; values are for months that have "
      r"ended, or this one"), "“{p}”尚未开始(本月为 {now}):请检查年份;只能填写已结束的月份或本月的数值"),
    (r"a second target row \(the first is row (?P<r>\d+)\): keep one", "第二行目标值(第一行是第 {r} 行):请只保留一行"),
    (r"'(?P<m>.*)' has two target rows \(also row (?P<r>\d+)\)", "“{m}”有两行目标值(另见第 {r} 行)"),
    ((r"sheet '(?P<s>.*)': (?P<n>\d+) target row\(s\) without a row of actual values were ignored "
      r"\(row (?P<r>[\d, –]+)\)"), "工作表“{s}”:{n} 行目标值没有对应的实际值行,已忽略(第 {r} 行)"),
    (r"(?P<n>\d+) target row\(s\) without a row of actual values were ignored \(row (?P<r>[\d, –]+)\)",
     "{n} 行目标值没有对应的实际值行,已忽略(第 {r} 行)"),
    ((r"the workbook is protected by a password, so it cannot be read: open it in Excel or WPS, remove the password "
      r"\(File > Info > Protect Workbook\), save it and upload it again"),
     "工作簿设置了打开密码,无法读取:请在 Excel 或 WPS 中打开,取消密码(文件 > 信息 > 保护工作簿),保存后重新上传"),
    (r"the file has no data rows \(sheets: (?P<sheets>.*)\)", "文件中没有数据行(工作表:{sheets})"),
    (r"the file has no data rows.*", "文件中没有数据行"),
    (r"the file has a header but no rows", "文件只有表头,没有数据行"),
    (r"the file is empty", "文件是空的"),
    (r"file not found", "找不到文件"),
    ((r"no header row found: .*; row (?P<r>\d+) \((?P<headings>.*)\) seems to be the heading row, but no column in it "
      r"is named as (?P<unnamed>.+?): name (?:it|them) (?P<words>.+?)(?P<wide>, or head each month's column with its "
      r"month \(2026-10\))?"),
     ("找不到表头行:需要指标列(指标/metric),以及月份和数值列(月份/period、数值/value)或每月一列(如 2026-01);"
      "第 {r} 行({headings})似乎是表头行,但其中没有名为{words}的列:请按此命名{wide}")),
    (r"no header row found: .*; row (?P<r>\d+) \((?P<headings>.*)\) seems to be the heading row: name its columns so",
     ("找不到表头行:需要指标列(指标/metric),以及月份和数值列(月份/period、数值/value)或每月一列(如 2026-01);"
      "第 {r} 行({headings})似乎是表头行:请照此命名各列")),
    (r"no header row found: .*", ("找不到表头行:需要指标列(指标/metric),以及月份和数值列(月份/period、数值/value)"
                                 "或每月一列(如 2026-01)")),
    (r"cannot tell the text encoding; save the file as UTF-8 CSV", "无法识别文本编码;请另存为 UTF-8 CSV"),
    (r"this is a binary file, not CSV or an Excel workbook", "这是二进制文件,不是 CSV 或 Excel 工作簿"),
    (r"this is not a real Excel workbook.*", "这不是真正的 Excel 工作簿(文件内容与扩展名不符)"),
    (r"the page's tables have more than (?P<n>[\d,]+) (?P<countof>cells|rows), over the limit",
     "网页中的表格超过 {n} {countof},超出上限"),
    (r"this is an Excel 2003 XML spreadsheet, which cannot be read: open it in Excel or WPS and save it as \.xlsx",
     "这是 Excel 2003 XML 电子表格,无法读取:请在 Excel 或 WPS 中打开并另存为 .xlsx"),
    ((r"the file is (?P<pagekind>a web page|text) saved under the name (?P<suffix>\S+) \(as systems that export to "
      r"Excel write it\), not a workbook: its cells were read as Excel shows them"),
     "文件是以 {suffix} 为扩展名保存的{pagekind}(一些系统“导出到 Excel”时如此),不是工作簿:已按 Excel 显示的内容读取单元格"),
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
    ((r"(?P<u>.+) \((?P<role>\w+)\) uploads only for the processes: none linked to the account yet "
      r"\(ask an admin\); not for (?P<outside>.*?); and may not create metrics"),
     "{u}({role})的账户尚未关联任何流程(请联系管理员),不能上传 {outside};也不能创建新指标"),
    ((r"(?P<u>.+) \((?P<role>\w+)\) uploads only for the processes: none linked to the account yet "
      r"\(ask an admin\); not for (?P<outside>.*)"),
     "{u}({role})的账户尚未关联任何流程(请联系管理员),不能上传 {outside}"),
    ((r"(?P<u>.+) \((?P<role>\w+)\) uploads only for the processes: none linked to the account yet "
      r"\(ask an admin\); and may not create metrics"),
     "{u}({role})的账户尚未关联任何流程(请联系管理员),也不能创建新指标"),
    ((r"(?P<u>.+) \((?P<role>\w+)\) uploads only for the processes: (?P<p>.*?); not for (?P<outside>.*?); "
     r"and may not create metrics"),
     "{u}({role})只能上传所辖流程的数据:{p};不包括 {outside};也不能创建新指标"),
    (r"(?P<u>.+) \((?P<role>\w+)\) uploads only for the processes: (?P<p>.*?); not for (?P<outside>.*)",
     "{u}({role})只能上传所辖流程的数据:{p};不包括 {outside}"),
    (r"(?P<u>.+) \((?P<role>\w+)\) uploads only for the processes: (?P<p>.*?); and may not create metrics",
     "{u}({role})只能上传所辖流程的数据:{p};也不能创建新指标"),
    (r"nobody signed in may not (?P<action>[\w ]+); allowed roles: (?P<roles>.*)",
     "尚未登录,无权{action};允许的角色:{roles}"),
    (r"(?P<u>.+) \((?P<role>\w+)\) may not (?P<action>[\w ]+); allowed roles: (?P<roles>.*)",
     "{u}({role})无权{action};允许的角色:{roles}"),
    (r"(?P<who>.+) may not (?P<what>[\w ]+); allowed roles: (?P<roles>.*)", "{who} 无权执行“{what}”;允许的角色:{roles}"),
    (r"wrong name or password \((?P<n>\d+) tries left before a (?P<m>\d+)-minute lock\)",
     "用户名或密码错误(再错 {n} 次将锁定 {m} 分钟)"),
    (r"wrong name or password; the name is now locked for a while", "用户名或密码错误;该用户名已被暂时锁定"),
    (r"wrong name or password", "用户名或密码错误"),
    (r"enter your name and password", "请输入用户名和密码"),
    (r"this account is deactivated: ask an admin to activate it", "该账户已停用:请联系管理员重新启用"),
    (r"too many wrong passwords for this name: locked until (?P<t>\S+)", "该用户名密码错误次数过多,锁定至 {t}"),
    ((r"The store (?P<path>.+) is busy: another program \(process (?P<pid>\d+), (?P<prog>.*)\) is using it\. "
      r"Waited (?P<s>[\d.]+) s; nothing was written\. Try again when it has finished\."),
     "数据库 {path} 正忙:另一个程序(进程 {pid},{prog})正在使用。已等待 {s} 秒,未写入任何内容。请稍后再试。"),
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
    (r"record #(?P<id>\d+) is (?P<state>\w+); it can move to nothing, not (?P<to>\w+)",
     "记录 #{id} 当前为“{state}”,已不能再转换状态(不能转到“{to}”)"),
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
    # files: reading and parsing (readers, parsing, sheet_layout, xlsx_package)
    (r"the period is blank", "月份为空"),
    (r"the year is blank", "年份为空"),
    (r"\.\.\. and more problems; fix these first", "……还有更多问题;请先修正以上问题"),
    (r"the CSV cannot be read: .*", "无法读取 CSV 文件(格式有误)"),
    (r"the workbook cannot be opened \(.*\)", "无法打开工作簿(文件可能已损坏或设有密码)"),
    (r"the sheet cannot be read \(.*\)", "无法读取该工作表(内容可能已损坏)"),
    ((r"reading the file crashed the reader \(.*\); nothing was written\. The file is damaged, or the program that "
      r"wrote it wrote it wrongly \(for example a cell far outside the table\)\. Open it in Excel or WPS, save it "
      r"again as \.xlsx, and upload the new copy"),
     ("此文件导致读取程序崩溃,未写入任何数据。文件已损坏,或生成它的程序写法有误(例如在表格之外很远处有单元格)。"
      "请用 Excel 或 WPS 打开,另存为 .xlsx,再上传新文件")),
    ((r"reading the file took more than (?P<s>.*) s and was stopped; nothing was written\. Check that it is the "
      r"monthly metric file \(not a whole data export\), or split it into smaller files"),
     "读取此文件超过 {s} 秒,已停止,未写入任何数据。请确认这是月度指标文件(而不是整库导出),或把它拆成几个较小的文件"),
    (r"the workbook has (?P<n>[\d,]+) parts, over the limit of (?P<limit>[\d,]+)",
     "工作簿有 {n} 个文件部件,超过上限 {limit}"),
    (r"the workbook has (?P<n>[\d,]+) cells \(sheet '(?P<s>.*)' spans .*\), over the limit of (?P<limit>[\d,]+)",
     "工作簿有 {n} 个单元格(工作表“{s}”),超过上限 {limit}"),
    # uploads (ingest, uploads)
    (r"cannot create metric ['\"](?P<name>.*)['\"]: (?P<reason>the name .*)", "无法创建指标“{name}”:{reason}"),
    (r"the name is (?P<n>\d+) characters long; at most (?P<m>\d+) are allowed", "名称长 {n} 个字符,最多允许 {m} 个"),
    (r"the name contains right-to-left or other direction control characters", "名称含有从右到左等文字方向控制字符"),
    (r"the name contains control or invisible characters", "名称含有控制字符或不可见字符"),
    (r"source '(?P<v>.*)' is not one of (?P<recsources>(?:.*, )?gap(?:, .*)?)",   # an improvement record's
     "来源“{v}”无效,可选:{recsources}"),
    (r"source '(?P<v>.*)' is not one of (?P<sources>.*)", "来源“{v}”无效,可选:{sources}"),
    ((r"the store changed since this preview was made \(another upload touched the same values\); "
      r"check the file again"),
     "生成预览后数据库已有变化(另一次上传改动了相同的数值);请重新检查文件"),
    (r"there is no upload #(?P<id>\d+)", "上传 #{id} 不存在"),
    (r"upload #(?P<id>\d+) \('(?P<name>.*)'\) was already rolled back", "上传 #{id}(“{name}”)已经回滚过了"),
    ((r"upload #(?P<id>\d+) cannot be rolled back: some of its values were since replaced by upload (?P<ids>.*); "
      r"roll back (?P<again>.*) first"),
     "上传 #{id} 无法回滚:其中部分数值后来已被上传 {ids} 替换;请先回滚 {again}"),
    ((r"upload #(?P<id>\d+) cannot be rolled back: upload (?P<ids>.*) loaded some of its values again unchanged "
      r"and still stands by them; roll back (?P<again>.*) first"),
     "上传 #{id} 无法回滚:上传 {ids} 再次载入了其中部分数值(未改动),且仍然有效;请先回滚 {again}"),
    # the catalogue (catalogue)
    ((r"no 'name' \(名称\) column: a catalogue has one row per metric with the columns (?P<cols>.*)"),
     "缺少“名称”(name)列:指标目录每行一个指标,列为 {cols}"),
    ((r"no catalogue header found: the first rows need a 'name' \(名称\) column and the columns (?P<cols>.*)"),
     "找不到指标目录的表头:前几行需要有“名称”(name)列,以及这些列:{cols}"),
    (r"the metric has no name", "指标没有名称"),
    (r"'(?P<m>.*)' appears twice \(first on row (?P<r>\d+)\)", "“{m}”出现了两次(首次在第 {r} 行)"),
    (r"process '(?P<v>.*)' is not one of (?P<ps>.*)", "流程“{v}”无效,可选:{ps}"),     # a report's filter
    (r"cannot write the report to (?P<file>.*): it is a folder", "无法把报告写入 {file}:这是一个文件夹"),
    (r"cannot write the report to (?P<file>.*): its folder does not exist", "无法把报告写入 {file}:所在文件夹不存在"),
    (r"cannot write the report to (?P<file>.*): (?P<why>.*)", "无法把报告写入 {file}:{why}"),   # the system's words
    (r"cannot write the annual plan to (?P<file>.*): it is a folder", "无法把年度计划写入 {file}:这是一个文件夹"),
    (r"cannot write the annual plan to (?P<file>.*): its folder does not exist", "无法把年度计划写入 {file}:所在文件夹不存在"),
    (r"cannot write the annual plan to (?P<file>.*): (?P<why>.*)", "无法把年度计划写入 {file}:{why}"),
    (r"category '(?P<v>.*)' is not one of .* \(服务质量/服务效果/服务成本/流程执行效率\)",
     "类别“{v}”无效,可选:服务质量、服务效果、服务成本、流程执行效率"),
    (r"direction '(?P<v>.*)' is not one of .* \(increase = higher is better\)",
     "方向“{v}”无效,可选:越高越好(increase)、越低越好(decrease)、中性(neutral)"),
    (r"'(?P<v>.*)' is not a valid (?P<field>\w+): write (?P<n>\S+), and the unit \((?P<w>.*)\) in the unit column",
     "“{v}”不是有效的{field}:请写 {n},并把单位({w})写在单位列"),
    (r"'(?P<v>.*)' is not a valid weight: write a number, 1 by default \(2 counts its gaps twice in the priority order\)",
     "“{v}”不是有效的权重:请写数字,默认为 1(为 2 时其差距在优先级中按两倍计)"),
    (r"the (?P<field>\w+) '(?P<v>.*)' is in (?P<w>.*), but '(?P<catalogue>.*)' is kept in (?P<u>.*): write it in (?P<to>.*)",
     "{field}“{v}”以 {w} 计,但“{catalogue}”以 {u} 计:请以 {to} 填写"),
    (r"'(?P<v>.*)' is not a valid (?P<field>\w+)", "“{v}”不是有效的{field}"),
    (r"decimals '(?P<v>.*)' must be a whole number 0-6", "小数位“{v}”必须是 0 到 6 的整数"),
    (r"'(?P<v>.*)' is not a month \(use YYYY-MM\)", "“{v}”不是月份(请写成 YYYY-MM)"),
    (r"a baseline or target needs from_period \(the first month it applies to\)",
     "填写基准或目标时需要生效月份(from_period,即开始适用的第一个月)"),
    (r"the catalogue has no metric rows", "指标目录中没有指标行"),
    (r"'(?P<v>.*)' is already a name of metric '(?P<m>.*)': write that metric's name in the name column to update it",
     "“{v}”已是指标“{m}”的名称:要更新该指标,请在名称列填写“{m}”"),
    (r"'(?P<v>.*)' is also a name of '(?P<m>.*)' on row (?P<r>\d+): a name or alias belongs to one metric",
     "“{v}”也是第 {r} 行“{m}”的名称:一个名称或别名只能属于一个指标"),
    (r"'(?P<v>.*)' is a name of metric '(?P<m>.*)', which row (?P<r>\d+) already updates",
     "“{v}”是指标“{m}”的名称,而第 {r} 行已在更新该指标"),
    ((r"'(?P<v>.*)' is a name of metric '(?P<m>.*)' that this row removes: write '.*' in the name column to change "
     r"its names"), "“{v}”是指标“{m}”的名称,但本行会删除这个名称:要修改该指标的名称,请在名称列填写“{m}”"),
    (r"volume_metric '(?P<v>.*)' is not a metric in the catalogue", "业务量指标“{v}”不在指标目录中"),
    # baselines and targets (baselines)
    (r"--from '(?P<v>.*)' is not a month; use YYYY-MM", "生效月份“{v}”不是月份;请写成 YYYY-MM"),
    ((r"metric '(?P<catalogue>.*)': its latest baseline/target version \(cycle (?P<c>\d+)\) starts (?P<start>\S+); a "
      r"version from (?P<p>\S+) would change months already reviewed: start it in \S+ or later, or give --backdate to "
      r"set it anyway"),
     "指标“{catalogue}”的最新基准/目标版本(第 {c} 周期)自 {start} 起生效;自 {p} 起的版本会改写已评审月份的基准与目标:"
     "请从 {start} 或之后开始,或勾选“" + t("cat.backdate", "zh") + "”后再保存"),
    (r"window start '(?P<v>.*)' is not a month; use YYYY-MM", "窗口起始“{v}”不是月份;请写成 YYYY-MM"),
    (r"window end '(?P<v>.*)' is not a month; use YYYY-MM", "窗口结束“{v}”不是月份;请写成 YYYY-MM"),
    (r"--period '(?P<v>.*)' is not a month; use YYYY-MM", "月份“{v}”无效;请写成 YYYY-MM"),
    (r"(?P<what>.+) '(?P<v>.*)' is not a month; use YYYY-MM", "“{v}”不是月份;请写成 YYYY-MM"),
    (r"--stat must be mean or median, not '(?P<v>.*)'", "统计量只能是均值(mean)或中位数(median),不能是“{v}”"),
    (r"--window '(?P<v>.*)' must be FROM:TO, e.g\. 2025-01:2025-12", "窗口“{v}”应写成 起始:结束,例如 2025-01:2025-12"),
    (r"--window '(?P<v>.*)' ends before it starts", "窗口“{v}”的结束月份早于起始月份"),
    # improvement records (records, record_views)
    (r"'(?P<n>.*)' is not a user of this store \(add one with `users add NAME --role ROLE`\)",
     "“{n}”不是本数据库的用户(请用 `python -m analytics users add 姓名 --role 角色` 添加)"),
    (r"a record raised from a gap names its --metric and --period", "由评审差距提出的记录需要指定指标和月份"),
    (r"unknown record fields: (?P<f>.*)", "未知的记录字段:{f}"),
    (r"expected value '(?P<v>.*)' is not a number", "预期效果(目标值)“{v}”不是数字"),
    (r"due_date '(?P<v>.*)' is not a date \(YYYY-MM-DD\)", "完成期限“{v}”不是日期(请写成 YYYY-MM-DD)"),
    (r"expected_by '(?P<v>.*)' is not a date \(YYYY-MM-DD\)", "预期达成日期“{v}”不是日期(请写成 YYYY-MM-DD)"),
    (r"(?P<k>\w+) '(?P<v>.*)' is not a date \(YYYY-MM-DD\)", "“{v}”不是日期(请写成 YYYY-MM-DD)"),
    (r"state '(?P<state>.*)' is not one of (?P<states>.*)", "状态“{state}”无效,可选:{states}"),
    (r"there is no record #(?P<id>\d+)", "记录 #{id} 不存在"),
    (r"cancelling a record needs a reason \(--comment\)", "取消记录时必须填写意见(原因)"),
    (r"rejecting a record needs a reason \(--comment\)", "驳回记录时必须填写意见(原因)"),
    (r"implementing goes through change management: give the change reference \(--change-ref\)",
     "实施须经过变更管理:请填写变更单号"),
    (r"give the month the change goes live \(--go-live YYYY-MM\)", "请填写变更上线月份(YYYY-MM)"),
    (r"the record's metric has no data yet; a new baseline cannot be set", "该记录的指标还没有数据,无法设定新基准"),
    (r"no go-live month recorded; give the new baseline explicitly", "记录中没有上线月份;请直接填写新基准"),
    (r"there are no values since the change went live; give the new baseline explicitly or wait for data",
     "变更上线以来还没有数据;请直接填写新基准,或等有数据后再关闭"),
    (r"record #(?P<id>\d+) changed meanwhile: it is now '(?P<state>\w+)'; reload the page",
     "记录 #{id} 已被他人更改,现在为“{state}”;请刷新页面后再操作"),
    ((r"record #(?P<id>\d+): the verification of effect is '(?P<verdict>\w+)', not effective; say why it is "
      r"verified anyway \(--comment\)"), "记录 #{id} 的效果验证结论为“{verdict}”,不是“有效”:请在意见中说明为何仍确认已验证"),
    ((r"record #(?P<id>\d+) goes live in (?P<p>\S+), after this month \((?P<m>\S+)\): a change that has not gone "
      r"live cannot move to (?P<to>\w+)"), "记录 #{id} 的上线月份是 {p},晚于本月({m}):尚未上线的变更不能转为“{to}”"),
    ((r"only (?P<n>\d+) month\(s\) of values since the change went live; a new baseline needs (?P<k>\d+): give the "
      r"new baseline explicitly \(--baseline\) or wait for data"),
     "变更上线以来只有 {n} 个月的数据,计算新基准至少需要 {k} 个月:请直接填写新基准,或等有足够数据后再关闭"),
    (r"nothing to change", "没有需要修改的内容"),
    (r"these fields cannot be cleared: (?P<fields>.+)", "以下字段不能清空:{fields}"),
    (r"a field cannot be both given and cleared: (?P<fields>.+)", "同一字段不能既填写又清空:{fields}"),
    ((r"record #(?P<id>\d+) was changed by someone else meanwhile; reload the page to see the plan as it is now, "
      r"then revise it"), "记录 #{id} 已被他人修改:请刷新页面查看最新计划后再调整"),
    # the reasons the system writes for a baseline version (shown in the versions tables)
    (r"record #(?P<id>\d+) closed: new cycle", "改进记录 #{id} 关闭:新周期"),
    (r"catalogue import", "指标目录导入"),
    (r"mean of (?P<n>\d+) months (?P<a>\S+) to (?P<b>\S+)", "{a} 至 {b} 共 {n} 个月的均值"),
    (r"median of (?P<n>\d+) months (?P<a>\S+) to (?P<b>\S+)", "{a} 至 {b} 共 {n} 个月的中位数"),
    ((r"a title is at most (?P<n>\d+) characters \(this one has (?P<k>[\d,]+)\): put the rest in the description"),
     "标题最多 {n} 个字(现为 {k} 个):其余内容请写在描述中"),
    ((r"--period (?P<p>\S+) has not begun \(this month is (?P<m>\S+)\): a gap is found in a month with data; "
      r"check the year"), "差距月份 {p} 尚未开始(本月为 {m}):差距只能出现在有数据的月份,请检查年份"),
    (r"go-live '(?P<v>.*)' is not a month \(YYYY-MM\)", "上线月份“{v}”不是月份(请写成 YYYY-MM)"),
    # accounts (users, cli)
    (r"role '(?P<role>.*)' is not one of (?P<roles>.*)", "角色“{role}”无效,可选:{roles}"),
    (r"a user needs a name", "请填写用户名"),
    (r"the two passwords differ; no user was added", "两次输入的密码不一致,未新增用户"),
    # reports
    (r"cannot make the PDF: chromium not found; install chromium \(make system-packages\)",
     "无法生成 PDF:找不到 Chromium 浏览器;请安装 Chromium(运行 make system-packages)"),
    (r"cannot make the PDF: .*; install chromium \(make system-packages\)",
     "无法生成 PDF:Chromium 未能打印报告;请检查服务器上的 Chromium(make system-packages)"),
    (r"format '(?P<v>.*)' is not one of (?P<k>.*)", "格式“{v}”无效,可选:{k}"),
    # the store: opening, versions, backups, the demo (store, backup, demo)
    ((r"(?P<path>.+) is damaged and cannot be read \((?P<detail>.*)\): restore the last backup with 'python -m "
      r"analytics restore <backup file>'; the damaged store is kept beside it"),
     "{path} 已损坏,无法读取({detail}):请用“python -m analytics restore <备份文件>”恢复最近的备份;损坏的数据库会保留在原位置旁边"),
    (r"(?P<path>.+) cannot be opened as a store: (?P<detail>.*)", "无法将 {path} 作为数据库打开:{detail}"),
    (r"The write was not committed by the database; nothing was changed\.", "数据库未能提交本次写入;未做任何修改。"),
    ((r"(?P<path>.+) was written by a newer version of this product \(schema (?P<v>\d+); this version knows up to "
      r"(?P<latest>\d+)\)\. Upgrade the product; the file was not changed\."),
     "{path} 由本产品的较新版本写入(结构版本 {v};当前版本最高支持 {latest})。请先升级本产品;文件未被修改。"),
    (r"(?P<path>.+) is a DuckDB file but not a store of this product; it was not changed\.",
     "{path} 是 DuckDB 文件,但不是本产品的数据库;文件未被修改。"),
    (r"The schema migration was not committed; the file was not changed\.", "数据库结构升级未能提交;文件未被修改。"),
    (r"the backup cannot overwrite the store itself", "备份不能覆盖数据库本身"),
    (r"the file exists and is not a store or a backup, so it was not overwritten: give the backup a name of its own",
     "该文件已存在,且不是数据库或备份,因此没有覆盖它:请为备份另取一个文件名"),
    (r"not a store of this product \(.*\)", "不是本产品的数据库"),
    (r"this is a folder, not a backup: name the backup file in it", "这是文件夹,不是备份:请指定其中的备份文件"),
    (r"the file is an empty database, not a store of this product", "该文件是空数据库,不是本产品的数据库"),
    ((r"the backup is from a newer version of this product \(schema (?P<v>\d+); this version knows up to "
      r"(?P<latest>\d+)\); upgrade first"),
     "该备份来自本产品的较新版本(结构版本 {v};当前版本最高支持 {latest});请先升级本产品"),
    (r"the store (?P<path>.+) could not be written \((?P<why>.*)\); nothing was written",
     "数据库 {path} 无法写入({why});未写入任何数据"),
    (r"the backup is damaged and cannot be restored \((?P<why>.*)\); nothing was changed",
     "备份文件已损坏,无法恢复({why});未做任何更改"),
    (r"no free name beside (?P<path>.+) for the store as it was; nothing was changed",
     "无法在 {path} 旁为原数据库副本找到可用的文件名;未做任何更改"),
    (r"the store (?P<path>.+) already has data or accounts; the demo only loads into an empty store",
     "数据库 {path} 中已有数据或账户;演示数据只能加载到空数据库"),
    (r"the store (?P<path>.+) cannot be used: (?P<reason>.+)", "数据库 {path} 无法使用:{reason}"),
    (r"no store at (?P<path>.+): check --db / CSI_DB, or create it with `init`",
     "{path} 处没有数据库:请检查 --db / CSI_DB,或用 `init` 创建"),
    (r"this is a folder; give the backup a file name in it, e\.g\. (?P<x>.+)", "这是文件夹;请为备份指定其中的文件名,如 {x}"),
    (r"the backup cannot be written: (?P<reason>.+)", "无法写入备份:{reason}"),
    # the reasons of store.unusable_path_problem, alone or after "cannot be used:" / "cannot be written:"
    (r"(?P<blocker>.+) is a file, not a folder", "{blocker} 是文件,不是文件夹"),
    (r"(?P<p>.+) is a folder", "{p} 是文件夹"),
    (r"cannot create (?P<p>[^:]+) \((?P<why>[^()]*)\)", "无法创建 {p}({why})"),
    (r"the baseline must be a finite number, not (?P<v>\S+)", "基准必须是有限的数值,不能是 {v}"),
    (r"the target must be a finite number, not (?P<v>\S+)", "目标必须是有限的数值,不能是 {v}"),
    (r"this is a folder, not a file: name the files in it, e\.g\. (?P<x>.+)", "这是文件夹,不是文件:请列出其中的文件,如 {x}"),
    # the SPC command's CSV (spc_io)
    (r"cannot read the file \(.*\)", "无法读取文件"),
    (r"not a readable CSV file \(.*\)", "无法读取的 CSV 文件"),
    ((r"missing column\(s\) (?P<cols>.*); the header needs metric, period, value and may have target, "
      r"improvement_direction, rebase"),
     "缺少列:{cols};表头需要 metric、period、value 列,可选 target、improvement_direction、rebase 列"),
    (r"the row has (?P<n>\d+) cells but the header only (?P<m>\d+) \(a decimal comma\? quote the number or use a point\)",
     "该行有 {n} 个单元格,但表头只有 {m} 列(是否用逗号作了小数点?请给数字加引号或改用小数点)"),
    (r"the metric is blank", "指标为空"),
    (r"'(?P<v>.*)' is not a period \(use YYYY-MM or YYYY-MM-DD\)", "“{v}”不是月份(请写成 YYYY-MM 或 YYYY-MM-DD)"),
    (r"improvement_direction '(?P<v>.*)' is not increase, decrease or neutral",
     "改进方向(improvement_direction)“{v}”无效,只能是 increase、decrease 或 neutral"),
    (r"metric '(?P<m>.*)' is '(?P<a>.*)' on an earlier row but '(?P<b>.*)' here; a metric has one improvement_direction",
     "指标“{m}”在前面的行中是“{a}”,此处却是“{b}”;同一指标只能有一个改进方向"),
    (r"rebase '(?P<v>.*)' must be 1 \(a new segment starts here\), 0 or blank",
     "rebase“{v}”只能是 1(从此处开始新分段)、0 或留空"),
    (r"'(?P<m>.*)' (?P<p>\S+) appears twice \(first on row (?P<r>\d+)\)", "“{m}” {p} 出现了两次(首次在第 {r} 行)"),
]
_COMPILED = [(re.compile(pattern + r"\Z", re.DOTALL), template) for pattern, template in _ZH]
_COLUMN = re.compile(r"(?P<letter>[A-Z]+)(?: \((?P<header>.*)\))?\Z", re.DOTALL)


def _label(prefixes: tuple[str, ...], words: str) -> str:
    """Record states, roles and sources by their Chinese labels; a comma-separated list word by word."""
    from .i18n import STRINGS

    def one(word: str) -> str:
        return next((STRINGS[f"{p}.{word}"][1] for p in prefixes if f"{p}.{word}" in STRINGS), word)

    return "、".join(one(w.strip()) for w in words.split(","))


# Groups named so are shown by their Chinese labels (i18n.STRINGS keys under these prefixes).
_KINDS = {"state": ("state",), "to": ("state",), "states": ("state",), "role": ("role",), "roles": ("role",),
          "sources": ("source",), "recsources": ("recsource",), "verdict": ("verdict",),
          "direction": ("direction",), "olddirection": ("direction",)}

_ACTIONS = {"upload": "上传数据", "rollback": "回滚上传", "edit catalogue": "编辑指标目录",
            "set baseline": "设定基准与目标", "records": "处理改进记录", "read": "查看数据",
            "manage users": "管理用户", "backup": "备份数据库"}
# parsing's reasons for skipping a sheet: (after the sheet's name in a list, said alone)
_SKIPPED = {"empty": ("为空", "工作表为空"), "hidden": ("已隐藏,未读取", "工作表已隐藏,未读取"),
            "no data table (instructions or notes)": ("只有说明或备注,没有数据表", "只有说明或备注,没有数据表"),
            "an example or instructions, as its name says (not read)": ("按名称是示例或填写说明,未读取",
                                                                         "按名称是示例或填写说明,未读取"),
            "holds targets, forecasts or past figures, as its name says (not read)": (
                "按名称是目标、预测或往期数据,不是实际值,未读取", "按名称是目标、预测或往期数据,不是实际值,未读取"),
            "holds targets, forecasts or past figures, as its title says (not read)": (
                "按标题是目标、预测或往期数据,不是实际值,未读取", "按标题是目标、预测或往期数据,不是实际值,未读取"),
            "holds targets, forecasts or past figures, as the file name says (not read)": (
                "按文件名是目标、预测或往期数据,不是实际值,未读取", "按文件名是目标、预测或往期数据,不是实际值,未读取"),
            "a year-to-date or yearly summary, as its name says, without a month column (not read)": (
                "按名称是本年累计或全年汇总,且没有月份列,未读取", "按名称是本年累计或全年汇总,且没有月份列,未读取"),
            "the table has no rows": ("的表格没有数据行", "表格没有数据行"),
            "its rows are all hidden (or filtered out)": ("的数据行全部被隐藏(或被筛选掉)",
                                                                   "数据行全部被隐藏(或被筛选掉)")}


def skipped_sheet_reason(reason: str, lang: str) -> str:
    """Why a sheet was skipped (parsing's short reasons), in `lang`, for the upload preview."""
    return _SKIPPED[reason][1] if lang == "zh" and reason in _SKIPPED else reason


_SKIPPED_SHEET = re.compile(r"'(?P<sheet>.*?)' (?P<why>" + "|".join(map(re.escape, _SKIPPED)) + r")(?:, (?=')|\Z)",
                            re.DOTALL)


def _field(text: str) -> str | None:
    from .i18n import STRINGS

    key = next((k for k in (f"field.{text}", f"col.{text}") if k in STRINGS), None)
    return STRINGS[key][1].split("(")[0] if key else None


def _outside(text: str) -> str:
    """Metrics outside an uploader's processes: "'A' (SLA), 'B' (no process) and 3 more"."""
    return re.sub(r" and (\d+) more\Z", r" 等另外 \1 个", text.replace(" (no process)", " (未关联流程)"))


def _sheets(text: str) -> str | None:
    """Sheets skipped as not data, each with why: "'说明' empty, 'Notes' no data table (...)"."""
    found = list(_SKIPPED_SHEET.finditer(text))
    if not found or "".join(m.group(0) for m in found) != text:
        return None
    return ";".join(f"“{m.group('sheet')}”{_SKIPPED[m.group('why')][0]}" for m in found)


def _reason(text: str) -> str | None:
    translated = message_text(text, "zh")
    return translated if translated != text else None


# Groups named so are rewritten by these; None means "no translation": the pattern does not apply.
_YEAR_SOURCES = {"the year heading above them": "上方的年份标题", "the title above the table": "表格上方的标题",
                 "the sheet name": "工作表名称", "the file name": "文件名",
                 "the sheet name, with the year from the file name": "工作表名称(年份取自文件名)",
                 "the sheet name, with the year from the title above the table": "工作表名称(年份取自表格上方的标题)"}
_COLUMN_AND_HEADING = re.compile(r"([A-Z]+) \((.*?)\)(?=, [A-Z]+ \(|\Z)", re.DOTALL)


def _columns(text: str) -> str:
    """'D (2026-10(预估)), E (10月目标)' as a Chinese reader writes columns: D 列(2026-10(预估))、E 列(10月目标)."""
    return "、".join(f"{letter} 列({heading})" for letter, heading in _COLUMN_AND_HEADING.findall(text))


def _hidden(text: str) -> str | None:
    """'rows 5–9, 12 and columns C–D' as 第 5–9、12 行和 C–D 列."""
    match = re.fullmatch(r"(?:rows? (?P<rows>[^a-z]+?))?(?: and )?(?:columns? (?P<cols>[^a-z]+))?", text)
    if match is None:
        return None
    parts = ([f"第 {match['rows'].replace(', ', '、')} 行"] if match["rows"] else []) + (
        [f"{match['cols'].replace(', ', '、')} 列"] if match["cols"] else [])
    return "和 ".join(parts)


def _blank(text: str) -> str:
    return "空白" if text == "blank" else text


_CONVERT = {"action": _ACTIONS.get, "field": _field, "outside": _outside, "sheets": _sheets, "reason": _reason,
            "yearsource": _YEAR_SOURCES.get, "years": lambda text: text.replace(" and ", " 和 "),
            "what": lambda text: "目标值", "reading": {"value": "数值", "target": "目标值"}.get,
            "mine": _blank, "theirs": _blank, "unnamed": str, "pagekind": {"a web page": "网页表格", "text": "文本表格"}.get,
            "countof": {"cells": "个单元格", "rows": "行"}.get,
            "named": lambda text: ",".join(
                f"{_YEAR_SOURCES.get(source, source)}为 {what.replace(' and ', ' 和 ')}"
                for source, what in re.findall(r"(the .+?) names (.+?)(?= and the |\Z)", text)),
            "kept": lambda text: re.sub(r" \(kept in ([^)]*)\)", r"(以 \1 计)", text).replace(" or ", "、"),
            "words": lambda text: "、".join(f"“{word}”" for word in re.split(r", | and ", text)),
            "wide": lambda text: ",或每个月的列以该月为列名(如 2026-10)", "headed": _columns, "hidden": _hidden, "rowspan": _hidden}


_QUOTED = re.compile(r"'([^']*)'")
_LISTED = re.compile(r"(”|\)), (?=“)")                 # the comma between two names in a Chinese list


def _value(group: str, text: str | None, names: Mapping[str, str]) -> str | None:
    if not text:
        return ""
    if group in _KINDS:
        return _label(_KINDS[group], text)
    if names and group in ("close", "outside", "kept"):   # 'A', 'B' or 'A' (SLA), 'B' (no process): catalogue names
        text = _LISTED.sub(r"\1、", _QUOTED.sub(lambda quoted: f"“{names.get(quoted[1], quoted[1])}”", text))
    if group in _CONVERT:
        return _CONVERT[group](text)
    if names and group == "catalogue":            # a catalogue metric by the name the reader knows it by
        return names.get(text, text)
    return text


# The command line's advice (an option to add) said in the dashboard's English by what to do there.
_EN_DASHBOARD = [(re.compile(pattern + r"\Z", re.DOTALL), template) for pattern, template in [
    ((r"(?P<n>\d+) unknown metric name\(s\): add them to the catalogue \(metrics import\) or load with "
      r"--create-metrics; nothing was written"),
     "{n} unknown metric name(s): import them on the Metrics & baselines page, or tick “"
     + t("upload.create_metrics", "en") + "” and load again; nothing was written"),
    (r"unknown metrics; load with --create-metrics",
     "unknown metrics: tick “" + t("upload.create_metrics", "en") + "” and load again"),
    ((r"(?P<head>metric '.*': its latest baseline/target version \(cycle \d+\) starts \S+; a version from \S+ "
      r"would change months already reviewed: start it in \S+ or later), or give --backdate to set it anyway"),
     "{head}, or tick “" + t("cat.backdate", "en") + "” and save again"),
]]


_ROWS_SUFFIX = re.compile(r"(?P<head>.*) \((?P<n>\d+) rows: (?P<r>[\d, –]+)\)\Z", re.DOTALL)


def message_text(message: str, lang: str, names: Mapping[str, str] | None = None) -> str:
    """The message in `lang`; English (as written) when it has no translation. `names` maps
    catalogue names to the names the reader knows the metrics by (their 中文名)."""
    if lang != "zh":
        return next((template.format(**match.groupdict()) for pattern, template in _EN_DASHBOARD
                     if (match := pattern.match(message))), message)
    rows = _ROWS_SUFFIX.match(message)        # one rule for every message's "(3 rows: 4–6)"
    head = rows["head"] if rows else message
    for pattern, template in _COMPILED:
        match = pattern.match(head)
        if match:
            values = {k: _value(k, v, names or {}) for k, v in match.groupdict().items()}
            if None not in values.values():
                return template.format(**values) + (f"(共 {rows['n']} 行:第 {rows['r']} 行)" if rows else "")
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


def problem_text(problem: Problem, lang: str, names: Mapping[str, str] | None = None) -> str:
    """One problem, place first, as the spreadsheet user sees it, in `lang` (names: as message_text)."""
    if lang != "zh":
        return str(dataclasses.replace(problem, message=message_text(problem.message, lang)))
    where, message = _where_zh(problem), message_text(problem.message, lang, names)
    return f"{where}:{message}" if where else message
