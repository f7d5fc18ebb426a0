"""Every problem code booklet reports, in one catalogue (as pyxform's ErrorCode):
code → level and a short Chinese description. Call sites pass the code
string (`problems.error(..., code="unknown-item")`); tests/test_codes.py
checks that every code used is listed here and in docs/errors.md, and that
nothing listed here is unused.
"""
from __future__ import annotations

from typing import NamedTuple

ERROR, WARNING = "error", "warning"


class Code(NamedTuple):
    level: str          # error: stops build/score; warning: printed, not fatal
    text: str           # what the code means, in the user's language


# JSON Schema keywords that can fail in schema/*.json (schemacheck reports
# `schema-<keyword>`; $ref and items only delegate, format is not checked).
SCHEMA_VALIDATORS = {
    "additionalProperties": "出现了格式中没有的键",
    "anyOf": "值不符合任何一种允许的写法",
    "enum": "值不在允许的选项中",
    "exclusiveMinimum": "数值必须大于下限",
    "maxItems": "列表项目过多",
    "maxProperties": "映射中的键过多",
    "maximum": "数值超过上限",
    "minItems": "列表项目过少",
    "minLength": "文字不能为空或过短",
    "minProperties": "映射不能为空",
    "minimum": "数值低于下限",
    "oneOf": "值必须恰好符合一种允许的写法",
    "pattern": "文字格式不对（如编号、期间、电话）",
    "required": "缺少必填的键",
    "type": "值的类型不对（如应为数字却写了文字）",
}

CODES: dict[str, Code] = {
    # ---- reading files (yamlio, load)
    "io": Code(ERROR, "文件无法读取"),
    "encoding": Code(ERROR, "文件不是 UTF-8 编码"),
    "tab": Code(ERROR, "缩进中有制表符（Tab）"),
    "yaml-syntax": Code(ERROR, "YAML 语法错误"),
    "yaml-tag": Code(ERROR, "使用了不允许的 YAML 标签"),
    "yaml-key": Code(ERROR, "键是列表或映射"),
    "yaml-merge": Code(ERROR, "使用了不支持的 YAML 合并键 <<"),
    "alias-bomb": Code(ERROR, "YAML 别名展开过多"),
    "alias-recursive": Code(ERROR, "YAML 别名循环引用自身"),
    "too-deep": Code(ERROR, "列表或映射嵌套过深"),
    "control-char": Code(ERROR, "文件中有控制字符"),
    "invisible-char": Code(ERROR, "文件中有文字方向控制符或看不见的格式字符"),
    "duplicate-key": Code(ERROR, "同一映射中键重复"),
    "bad-date": Code(ERROR, "日期无法识别或不存在"),
    "bad-number": Code(ERROR, "数字无法识别或大小不合理"),
    "empty": Code(ERROR, "文件是空的"),
    "top-level": Code(ERROR, "文件顶层不是“键: 值”的映射"),
    "no-config": Code(ERROR, "找不到项目配置 booklet.yml"),
    "duplicate-rubric": Code(ERROR, "考核细则编号重复"),
    **{f"schema-{v}": Code(ERROR, f"格式检查：{t}") for v, t in SCHEMA_VALIDATORS.items()},
    # ---- booklet.yml
    "duplicate-unit": Code(ERROR, "单位编号重复"),
    "duplicate-unit-name": Code(WARNING, "两个单位同名"),
    "unknown-unit": Code(ERROR, "单位不存在"),
    "unknown-rubric": Code(ERROR, "考核细则不存在"),
    "empty-assign": Code(ERROR, "assign 的单位条件没有选中任何单位"),
    "kind-mismatch": Code(WARNING, "单位类别与考核细则考核的对象不符"),
    "bad-period": Code(ERROR, "期间格式不对，或与考核日历不符"),
    "year-end-kind": Code(ERROR, "年底汇总记录中记了按各期考核计分的规则（同比、折算等）"),
    # ---- rubrics
    "duplicate-item": Code(ERROR, "条目编号重复"),
    "duplicate-rule": Code(ERROR, "同一条目中规则编号重复"),
    "missing-points": Code(ERROR, "条目缺少分值"),
    "points-sum": Code(WARNING, "各项分值合计与总分不一致"),
    "rule-field": Code(ERROR, "规则缺少该类规则必需的字段"),
    "unknown-column": Code(ERROR, "打印列的 key 不认识"),
    "title-lines": Code(ERROR, "标题分行 title_lines 连起来与标题不一致"),
    # ---- records
    "duplicate-record": Code(ERROR, "同一单位同一期间有两份记录"),
    "not-assigned": Code(ERROR, "单位没有被分配该考核细则"),
    "layout": Code(WARNING, "记录文件的位置与内容不符"),
    "unknown-item": Code(ERROR, "条目不存在"),
    "unknown-rule": Code(ERROR, "规则不存在"),
    "unknown-veto": Code(ERROR, "一票否决条件不存在"),
    "unknown-flag": Code(ERROR, "等次条件不存在或不能手工标记"),
    "not-applicable": Code(ERROR, "规则不适用于该单位"),
    "count-not-allowed": Code(ERROR, "不按次数计的规则写了 count"),
    "missing-amount": Code(ERROR, "由考核人选定分值的规则缺少 amount"),
    "amount-range": Code(ERROR, "选定的分值超出范围"),
    "amount-not-allowed": Code(ERROR, "分值固定的规则写了 amount"),
    "missing-value": Code(ERROR, "缺少测量值 value"),
    "missing-baseline": Code(ERROR, "缺少上年同期的数 baseline"),
    "missing-scale": Code(ERROR, "折算缺少满分 scale"),
    "negative": Code(ERROR, "测量值为负数"),
    "value-range": Code(ERROR, "测量值超出范围"),
    "date-range": Code(ERROR, "日期不在记录的期间内"),
    "bad-photo": Code(ERROR, "照片路径不对或文件不存在"),
    "annex-decides": Code(WARNING, "该规则由附件数据计算，手工填写的不计分"),
    "annex-rule": Code(ERROR, "考核细则中由附件数据决定的规则写得不对"),
    "annex-unread": Code(WARNING, "单位的附件数据没有考核规则读取"),
    "annex-lacking": Code(WARNING, "考核规则读取的附件数据该单位没有"),
    "personal-data": Code(ERROR, "要公布的文字中含有花名册人员的住址、姓名和年龄、电话或身份证号码"),
    "patrol-whereabouts": Code(WARNING, "要公布的文字中写有排班表的巡逻地点和时间"),
    # ---- annex files (附件2 花名册、附件3 执勤排班表、附件4 用款审批表)
    "annex-empty": Code(ERROR, "附件文件是空的"),
    "annex-missing": Code(ERROR, "附件中缺少必填项"),
    "annex-unknown-unit": Code(ERROR, "附件文件夹不是已有的单位编号"),
    "annex-unit-mismatch": Code(ERROR, "附件中的单位编号与所在文件夹不一致"),
    "annex-stray-file": Code(WARNING, "附件文件夹中有不认识的文件"),
    "annex-year": Code(ERROR, "附件年度不是四位数的年份"),
    "annex-year-folder": Code(ERROR, "附件中的年度与所在的年度文件夹不一致"),
    "annex-year-dup": Code(ERROR, "同一单位同一年度的附件数据有两份（新旧两种目录各一份）"),
    "annex-period": Code(ERROR, "附件的报备期格式不对"),
    "annex-period-dup": Code(ERROR, "附件中报备期重复"),
    "annex-date": Code(ERROR, "附件中的日期无法识别"),
    "annex-date-year": Code(ERROR, "附件中的日期不在该年度内"),
    "annex-date-period": Code(ERROR, "巡逻日期不在所在报备期内"),
    "annex-filed-date": Code(ERROR, "排班表的报备日期不合理"),
    "annex-age": Code(ERROR, "年龄无法识别"),
    "annex-age-range": Code(WARNING, "年龄不在适合巡逻执勤的范围内"),
    "annex-phone": Code(ERROR, "电话号码格式不对"),
    "annex-role": Code(ERROR, "职务没有填写，或不是队长、组长、队员"),
    "annex-leaders": Code(WARNING, "一支队伍有多名队长"),
    "annex-team-dup": Code(ERROR, "队伍名称重复"),
    "annex-team-type": Code(WARNING, "队伍类型与考核细则的专职化队伍不一致"),
    "annex-member-dup": Code(WARNING, "同一人在队伍中出现两次"),
    "annex-unknown-member": Code(WARNING, "巡逻人员不在花名册中"),
    "annex-no-roster": Code(WARNING, "有排班表却没有花名册"),
    "annex-slot": Code(ERROR, "巡逻时段格式不对（如被读成了数字）"),
    "annex-slot-order": Code(ERROR, "巡逻时段的结束早于开始"),
    "annex-amount": Code(ERROR, "金额格式不对"),
    "annex-approved-gt-requested": Code(ERROR, "批准金额大于申请金额"),
    # ---- booklet import
    "import-missing": Code(ERROR, "要导入的文件不存在"),
    "import-format": Code(ERROR, "不能导入该格式的文件"),
    "import-open": Code(ERROR, "Excel 文件无法打开"),
    "import-encoding": Code(ERROR, "CSV 文件的编码无法识别"),
    "import-empty": Code(ERROR, "要导入的表格是空的"),
    "import-header": Code(ERROR, "找不到表头行，或缺少必需的列"),
    "import-unknown-unit": Code(ERROR, "导入时指定的单位不存在"),
    "import-exists": Code(ERROR, "目标文件已存在，没有覆盖"),
    "import-no-team": Code(ERROR, "花名册中一行没有队伍名称"),
    "import-no-period": Code(ERROR, "排班表中一行没有报备期，也没有可识别的日期"),
    "import-no-filed": Code(WARNING, "报备期没有填写报备日期（按漏报计）"),
    "import-filed-conflict": Code(ERROR, "同一报备期的报备日期不一致"),
    "import-formula": Code(ERROR, "单元格是公式，但文件中没有保存计算结果"),
    "import-shrink": Code(ERROR, "导入会删除已有文件中的大部分数据（需 --allow-shrink）"),
    "import-implausible": Code(ERROR, "读出的花名册不合常理（队伍名像表头，或全部队员在同一支队伍）"),
    "import-year-conflict": Code(ERROR, "表格中填写的年度不一致"),
    "import-year": Code(ERROR, "不能确定导入数据的年度（日期跨了年度、与 --year 不一致，或没有年度）"),
    # ---- booklet import records (entry workbooks)
    "records-workbook": Code(ERROR, "不是 booklet 导出的考核记录录入表，或表中的记录编号在本项目中找不到"),
    "records-sheet-skipped": Code(WARNING, "录入表中的一张表不是记录表，已跳过"),
    "records-cell": Code(ERROR, "录入表的单元格填写有误（不是数字、日期、次数或“是”）"),
    "records-unknown-row": Code(ERROR, "录入表 A 列的编号不认识（被修改过，或细则已改）"),
    "records-duplicate-sheet": Code(ERROR, "录入表中两张表是同一份记录"),
    "records-differs": Code(ERROR, "已有记录与录入表不同，没有覆盖（需 --force）"),
    "records-self-only": Code(WARNING, "只导入自评时，表中考核人填写的改动被忽略"),
    # ---- project templates (templates/)
    "template": Code(ERROR, "项目模板有语法错误或用到了不存在的变量"),
    "template-unsafe": Code(ERROR, "项目模板试图访问不允许的内容（模板不能执行代码）"),
    "site-ref": Code(ERROR, "网站模板引用了网站以外的文件、网络资源或不允许的协议"),
}


def describe(code: str) -> str:
    """The Chinese description of `code` (empty for an uncatalogued one)."""
    c = CODES.get(code)
    return c.text if c else ""
