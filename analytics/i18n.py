"""Every user-facing label in English and Chinese, in one place (pages and reports use it).

`t(key, lang, **values)` returns the text in the language, formatted with the values. A key
missing from the table is a bug the tests catch (test_i18n), not a blank label.
"""

from __future__ import annotations

LANGUAGES = {"zh": "中文", "en": "English"}
DEFAULT_LANGUAGE = "zh"

STRINGS: dict[str, tuple[str, str]] = {
    # app frame
    "app.title": ("Service Improvement Dashboard", "服务改进看板"),
    "app.language": ("Language", "语言"),
    "app.store": ("Store", "数据库"),
    "app.error": ("Something went wrong: {message}", "出现问题:{message}"),
    "nav.home": ("Home", "首页"),
    "nav.upload": ("Upload data", "上传数据"),
    # home
    "home.title": ("Service Improvement Dashboard", "服务改进看板"),
    "home.subtitle": (
        "Monthly metrics against baselines and targets, for the continual service improvement review.",
        "按月对照基准与目标跟踪各项指标,支持持续服务改进评审。"),
    "home.metrics": ("Metrics", "指标数"),
    "home.values": ("Values", "数据点"),
    "home.periods": ("Months covered", "覆盖月份"),
    "home.latest": ("Latest month", "最新月份"),
    "home.uploads": ("Uploads", "上传次数"),
    "home.recent_uploads": ("Recent uploads", "最近上传"),
    "home.by_category": ("Metrics by category", "各类别指标"),
    "home.suggestions": ("Improvement suggestions from process owners", "流程负责人提出的改进建议"),
    "home.no_suggestions": ("No suggestions were sent with the data yet.", "目前上传的数据中没有改进建议。"),
    "home.go_upload": ("Upload this month's data", "上传本月数据"),
    "empty.title": ("Welcome: the store is empty", "欢迎使用:数据库还是空的"),
    "empty.body": (
        "Load your metric catalogue and monthly data to start, or try the product with the demo data.",
        "请先导入指标目录和月度数据,或者加载演示数据试用。"),
    "empty.steps": (
        "1. Load the demo: `python -m analytics demo` (or `make run` on a new store).\n"
        "2. Or import your catalogue: `python -m analytics metrics import catalogue.xlsx`.\n"
        "3. Then upload monthly files on the **Upload data** page, or `python -m analytics ingest FILE`.",
        "1. 加载演示数据:`python -m analytics demo`(新数据库上运行 `make run` 会自动加载)。\n"
        "2. 或导入指标目录:`python -m analytics metrics import catalogue.xlsx`。\n"
        "3. 然后在 **上传数据** 页面上传月度文件,或运行 `python -m analytics ingest 文件`。"),
    "empty.load_demo": ("Load the demo data", "加载演示数据"),
    "empty.demo_loaded": ("Demo data loaded: {metrics} metrics, {first} to {last}.",
                          "演示数据已加载:{metrics} 个指标,{first} 至 {last}。"),
    # charts
    "chart.upl": ("Upper process limit", "控制上限"),
    "chart.lpl": ("Lower process limit", "控制下限"),
    "chart.mean": ("Mean", "均值"),
    "chart.two_sigma": ("2-sigma line", "2σ 线"),
    "chart.target": ("Target", "目标"),
    "chart.new_cycle": ("new cycle", "新周期"),
    "chart.go_live": ("change live", "变更上线"),
    "point.common_cause": ("Common cause", "普通原因变异"),
    "point.special_cause_improvement": ("Special cause: improvement", "特殊原因:改进"),
    "point.special_cause_concern": ("Special cause: concern", "特殊原因:需关注"),
    "point.special_cause_neutral_high": ("Special cause: neutral (high)", "特殊原因:中性(偏高)"),
    "point.special_cause_neutral_low": ("Special cause: neutral (low)", "特殊原因:中性(偏低)"),
    "rule.outside_limits": ("a point beyond a process limit", "超出控制限"),
    "rule.trend": ("a trend of 7 rising or falling points", "连续 7 点上升或下降"),
    "rule.two_of_three": ("2 of 3 points beyond the 2-sigma line", "3 点中有 2 点超出 2σ 线"),
    "rule.shift": ("a run of 7 points on one side of the mean", "连续 7 点位于均值同侧"),
    # categories, directions
    "category.quality": ("Quality", "服务质量"),
    "category.effectiveness": ("Effectiveness", "服务效果"),
    "category.cost": ("Cost", "服务成本"),
    "category.efficiency": ("Process efficiency", "流程执行效率"),
    "category.none": ("Uncategorised", "未分类"),
    "direction.increase": ("Higher is better", "越高越好"),
    "direction.decrease": ("Lower is better", "越低越好"),
    "direction.neutral": ("Neutral", "中性"),
    # upload
    "upload.title": ("Upload monthly data", "上传月度数据"),
    "upload.intro": (
        "Drop the CSV or Excel files process owners sent. Nothing is written until you confirm; "
        "every value that replaces an earlier one keeps the earlier one, and a whole upload can be rolled back.",
        "拖入各流程负责人发送的 CSV 或 Excel 文件。确认之前不会写入任何数据;被替换的旧值会保留,"
        "整次上传也可以回滚。"),
    "upload.files": ("Metric files (CSV, XLSX)", "指标文件(CSV、XLSX)"),
    "upload.source": ("Source", "数据来源"),
    "upload.by": ("Uploaded by", "上传人"),
    "upload.create_metrics": ("Create metrics that are not in the catalogue", "自动创建目录中没有的指标"),
    "upload.checking": ("Checking {file}...", "正在检查 {file}..."),
    "upload.preview": ("Preview: what will change", "预览:将要发生的变化"),
    "upload.summary_line": ("**{file}**: {rows} rows: {new} new, {changed} changed, {unchanged} unchanged, "
                            "{missing} missing",
                            "**{file}**:共 {rows} 行:新增 {new},变更 {changed},未变 {unchanged},缺失 {missing}"),
    "upload.refused": ("The files cannot be loaded. Nothing was written. Fix these problems and upload again:",
                       "文件无法导入,未写入任何数据。请修正以下问题后重新上传:"),
    "upload.new": ("New", "新增"),
    "upload.changed": ("Changed", "变更"),
    "upload.unchanged": ("Unchanged", "未变"),
    "upload.missing": ("Missing (blank)", "缺失(空白)"),
    "upload.new_metrics": ("New metrics", "新指标"),
    "upload.rows": ("Rows", "行数"),
    "upload.suggestions": ("Suggestions", "改进建议"),
    "upload.sheet_skipped": ("Sheet '{sheet}' skipped: {reason}", "已跳过工作表“{sheet}”:{reason}"),
    "upload.confirm": ("Confirm and load {n} files", "确认导入 {n} 个文件"),
    "upload.confirm_one": ("Confirm and load", "确认导入"),
    "upload.nothing_to_load": ("Every value is already in the store: nothing to load.",
                               "所有数值都已在数据库中,无需导入。"),
    "upload.writing": ("Writing to the store...", "正在写入数据库..."),
    "upload.done": ("Loaded as upload {ids}: {new} new and {changed} changed values.",
                    "已导入(上传编号 {ids}):新增 {new} 个、变更 {changed} 个数值。"),
    "upload.history": ("Upload history", "上传历史"),
    "upload.rollback": ("Roll back an upload", "回滚上传"),
    "upload.rollback_pick": ("Upload to roll back", "选择要回滚的上传"),
    "upload.rollback_button": ("Roll back", "回滚"),
    "upload.rollback_done": ("Upload #{id} rolled back: {retracted} values retracted, {restored} restored.",
                             "上传 #{id} 已回滚:撤回 {retracted} 个数值,恢复 {restored} 个旧值。"),
    "upload.no_uploads": ("No uploads yet.", "还没有上传记录。"),
    "upload.changes_table": ("Values in {file}", "{file} 中的数值"),
    "upload.status": ("Change", "变化"),
    "upload.old_value": ("Current value", "当前值"),
    "upload.new_value": ("New value", "新值"),
    "upload.format_help": (
        "Accepted: one row per metric and month (columns 指标/metric, 月份/period, 数值/value, optional "
        "目标/target, 备注/note, 改进建议/suggestion), or one row per metric with one column per month. "
        "Blank, N/A and - are missing values, never zero.",
        "支持两种格式:每行一个指标和月份(列:指标、月份、数值,可选 目标、备注、改进建议);或每行一个指标、"
        "每月一列。空白、N/A、- 表示缺失,不会当作 0。"),
    # sources
    "source.service_report": ("Service report", "服务报告"),
    "source.survey": ("Satisfaction survey", "满意度调查"),
    "source.audit": ("Internal audit", "内部审核"),
    "source.meeting": ("Weekly meeting minutes", "部门例会纪要"),
    "source.customer_feedback": ("Customer feedback", "客户反馈"),
    "source.management_review": ("Management review", "管理评审"),
    "source.other": ("Other", "其他"),
    # columns
    "col.metric": ("Metric", "指标"),
    "col.period": ("Month", "月份"),
    "col.value": ("Value", "数值"),
    "col.file": ("File", "文件"),
    "col.sheet": ("Sheet", "工作表"),
    "col.row": ("Row", "行"),
    "col.id": ("#", "编号"),
    "col.by": ("By", "操作人"),
    "col.when": ("When", "时间"),
    "col.outcome": ("Outcome", "结果"),
    "col.suggestion": ("Suggestion", "建议"),
    "outcome.applied": ("Applied", "已导入"),
    "outcome.rolled_back": ("Rolled back", "已回滚"),
}


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The text for key in lang ('en' or 'zh'), formatted with values."""
    en, zh = STRINGS[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text


def language(value: object) -> str:
    """A supported language code from a query parameter or setting, else the default."""
    return value if value in LANGUAGES else DEFAULT_LANGUAGE
