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
    # navigation
    "nav.scorecard": ("Monthly review", "月度评审"),
    "nav.metric": ("Metric detail", "指标详情"),
    # scorecard
    "sc.title": ("Monthly review", "月度评审"),
    "sc.caption": ("Exceptions first: metrics that missed target or show a concern signal, in priority order. "
                   "Click a row to open the metric.",
                   "异常优先:未达标或出现需关注信号的指标按优先级排在前面。点击一行查看指标详情。"),
    "sc.period": ("Period", "期间"),
    "sc.process": ("Process", "流程"),
    "sc.category": ("Category", "类别"),
    "sc.owner": ("Owner", "负责人"),
    "sc.status": ("Status", "状态"),
    "sc.search": ("Search", "搜索"),
    "sc.all": ("All", "全部"),
    "sc.search_help": ("Part of a metric name, process or owner", "指标名称、流程或负责人的一部分"),
    "sc.met": ("Met", "达标"),
    "sc.near": ("Near target", "接近目标"),
    "sc.missed": ("Missed", "未达标"),
    "sc.improvements": ("Improvement signals", "改进信号"),
    "sc.concerns": ("Concern signals", "关注信号"),
    "sc.none_match": ("No metric matches these filters.", "没有符合筛选条件的指标。"),
    "sc.no_data": ("No data yet. Load the demo or upload files on the Upload page.",
                   "还没有数据。请在首页加载演示数据,或在“上传数据”页面上传文件。"),
    "sc.legend": ("How to read the icons", "图标说明"),
    "sc.legend_body": (
        "**Variation** (last month's point, Making Data Count): grey = common cause (only natural variation); "
        "blue = special cause of improvement; orange = special cause of concern; purple = a signal on a metric "
        "without a better direction; H/L = high or low.  \n**Assurance** (can the process meet its target?): "
        "P = consistently passes (the target lies outside the process limits on the good side), F = consistently "
        "fails, ? = hit and miss (the target lies within the limits).  \n**Priority**: severity = business "
        "weight × (gap ÷ natural variation σ + 0.5 × months missed in a row, up to 6, + 1 for a concern signal); "
        "1 is the most urgent.",
        "**变异**(当月数据点,Making Data Count 方法):灰色 = 普通原因(仅自然波动);蓝色 = 改进的特殊原因;"
        "橙色 = 需关注的特殊原因;紫色 = 无改进方向指标的信号;H/L 表示偏高或偏低。  \n**保证**(流程能否达到目标):"
        "P = 稳定达标(目标位于过程上下限之外的有利一侧),F = 稳定不达标,? = 时而达标时而未达标(目标在上下限之间)。"
        "  \n**优先级**:严重度 = 业务权重 × (差距 ÷ 自然波动 σ + 0.5 × 连续未达标月数(最多 6)+ 出现关注信号时加 1);"
        "1 为最紧急。"),
    "col.variation": ("Variation", "变异"),
    "col.assurance": ("Assurance", "保证"),
    "col.actual": ("Actual", "实际值"),
    "col.target": ("Target", "目标"),
    "col.baseline": ("Baseline", "基准"),
    "col.gap": ("Gap", "差距"),
    "col.gap_pct": ("Gap %", "差距%"),
    "col.status": ("Status", "状态"),
    "col.trend": ("Trend", "趋势"),
    "col.last_months": ("Last 18 months", "近18个月"),
    "col.priority": ("Priority", "优先级"),
    "col.reason": ("Why", "原因"),
    "status.met": ("Met", "达标"),
    "status.near": ("Near", "接近"),
    "status.missed": ("Missed", "未达标"),
    "status.no_target": ("No target", "无目标"),
    "status.no_data": ("No data", "无数据"),
    "trend.improving": ("↗ Improving", "↗ 改善"),
    "trend.worsening": ("↘ Worsening", "↘ 恶化"),
    "trend.no_trend": ("→ No trend", "→ 无显著趋势"),
    "variation.common_cause": ("Common cause", "普通原因变异"),
    "variation.improvement_high": ("Improvement (high)", "改进(偏高)"),
    "variation.improvement_low": ("Improvement (low)", "改进(偏低)"),
    "variation.concern_high": ("Concern (high)", "需关注(偏高)"),
    "variation.concern_low": ("Concern (low)", "需关注(偏低)"),
    "variation.neutral_high": ("Neutral signal (high)", "中性信号(偏高)"),
    "variation.neutral_low": ("Neutral signal (low)", "中性信号(偏低)"),
    "assurance.consistent_pass": ("Consistently passes", "稳定达标"),
    "assurance.consistent_fail": ("Consistently fails", "稳定不达标"),
    "assurance.hit_and_miss": ("Hit and miss", "时而达标时而未达标"),
    "assurance.none": ("No assurance (no target)", "无法判断(无目标)"),
    # metric detail
    "md.pick": ("Metric", "指标"),
    "md.two_sigma": ("Show the 2-sigma band", "显示 2σ 区间"),
    "md.chart_title": ("{name}: XmR chart", "{name}:XmR 控制图"),
    "md.numbers": ("Values and limits", "数值与控制限"),
    "md.versions": ("Baseline and target versions", "基准与目标版本"),
    "md.history": ("Upload history of each value", "每个数值的上传历史"),
    "md.trend": ("Trend and forecast", "趋势与预测"),
    "md.trend_body": ("Mann–Kendall over the current cycle ({n} months): S = {S}, p = {p}. Sen's slope {slope} "
                      "per month. {forecast}",
                      "当前周期({n} 个月)Mann–Kendall 检验:S = {S},p = {p}。Sen 斜率 每月 {slope}。{forecast}"),
    "md.forecast_months": ("At this slope the target is reached in about {n} months.",
                           "按此斜率约 {n} 个月后达到目标。"),
    "md.forecast_met": ("The target is met.", "当前已达标。"),
    "md.forecast_never": ("At this slope the target is never reached.", "按此斜率无法达到目标。"),
    "md.forecast_none": ("No forecast (no target or no direction).", "无预测(无目标或中性指标)。"),
    "md.definition": ("Definition", "定义"),
    "md.no_metric": ("Pick a metric.", "请选择一个指标。"),
    "md.unknown": ("There is no metric #{id}; pick one from the list.", "不存在编号为 {id} 的指标,请从列表中选择。"),
    "md.point": ("Point", "数据点"),
    "md.reason": ("Reason", "原因"),
    "md.state": ("State", "状态"),
    "md.back": ("Back to the monthly review", "返回月度评审"),
    # metrics & baselines
    "nav.catalogue": ("Metrics & baselines", "指标与基准"),
    "cat.title": ("Metrics and baselines", "指标与基准"),
    "cat.tab_catalogue": ("Catalogue", "指标目录"),
    "cat.tab_baselines": ("Baselines and targets", "基准与目标"),
    "cat.editor_help": ("Edit cells, then save. Names are matched after normalisation; aliases are separated by ';'.",
                        "直接编辑单元格后保存。名称匹配忽略大小写和全半角;别名用“;”分隔。"),
    "cat.save": ("Save catalogue changes", "保存目录修改"),
    "cat.saved": ("Saved: {updated} metrics updated.", "已保存:更新 {updated} 个指标。"),
    "cat.no_changes": ("No changes to save.", "没有需要保存的修改。"),
    "cat.import": ("Import a catalogue file (CSV or XLSX)", "导入指标目录文件(CSV 或 XLSX)"),
    "cat.import_button": ("Import", "导入"),
    "cat.imported": ("{file}: {created} metrics created, {updated} updated, {baselines} baseline/target versions added.",
                     "{file}:新建 {created} 个指标,更新 {updated} 个,新增 {baselines} 个基准/目标版本。"),
    "cat.by": ("Changed by", "修改人"),
    "cat.set_header": ("Set a new baseline and target (starts a new cycle)", "设定新的基准与目标(开始新周期)"),
    "cat.from": ("Effective from", "生效月份"),
    "cat.reason": ("Why (required)", "原因(必填)"),
    "cat.set_button": ("Save the new version", "保存新版本"),
    "cat.set_done": ("{metric}: version saved, cycle {cycle} starts {period}.", "{metric}:已保存,第 {cycle} 周期自 {period} 开始。"),
    "cat.compute_header": ("Compute the baseline from a window of months", "用一段月份的数据计算基准"),
    "cat.window_from": ("Window from", "窗口起始"),
    "cat.window_to": ("Window to", "窗口结束"),
    "cat.stat": ("Statistic", "统计量"),
    "cat.stat_mean": ("Mean", "均值"),
    "cat.stat_median": ("Median", "中位数"),
    "cat.computed": ("The {stat} of {n} months is {value}.", "{n} 个月的{stat}为 {value}。"),
    "cat.compute_button": ("Save as the new baseline", "保存为新基准"),
    "cat.keep": ("(keep)", "(保持不变)"),
    "cat.window": ("window", "窗口"),
    "field.name_en": ("English name", "英文名称"),
    "field.name_zh": ("Chinese name", "中文名称"),
    "field.aliases": ("Aliases (;)", "别名(;分隔)"),
    "field.unit": ("Unit", "单位"),
    "field.category": ("Category", "类别"),
    "field.direction": ("Direction", "方向"),
    "field.service": ("Service", "服务"),
    "field.process": ("Process", "流程"),
    "field.owner": ("Owner", "负责人"),
    "field.weight": ("Weight", "权重"),
    "field.tolerance": ("Tolerance", "容差"),
    "field.decimals": ("Decimals", "小数位"),
    "field.volume_metric": ("Volume metric", "业务量指标"),
    "field.unit_cost": ("Unit cost (¥)", "单位成本(¥)"),
    "field.definition": ("Definition", "定义"),
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
