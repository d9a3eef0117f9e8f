"""The columns of the insurance lists exported to Excel (written by minsheng.spreadsheet)."""

from __future__ import annotations

from minsheng.spreadsheet import Column

COVERAGE_COLUMNS: list[Column] = [
    ("code", "区划代码", "code"),
    ("name_zh", "名称", "name"),
    ("persons", "户籍人口", "persons"),
    ("eligible", "应参保人数(16周岁以上非在校生)", "eligible (16+, not students)"),
    ("pension", "养老保险参保人数", "pension insured"),
    ("employee_pension", "职工养老", "employees' pension"),
    ("resident_pension", "居民养老", "residents' pension"),
    ("pension_rate", "参保率", "participation rate"),
    ("target", "目标", "target"),
    ("gap", "差距", "gap to target"),
    ("persons_to_enrol", "尚需参保人数", "persons still to enrol"),
    ("work_injury", "工伤保险参保人数", "work-injury insured"),
    ("unemployment", "失业保险参保人数", "unemployment insured"),
    ("employed", "就业人数", "employed"),
    ("medical", "基本医疗保险参保人数", "basic medical insured"),
]
STARTS_COLUMNS: list[Column] = [
    ("person_id", "人员编号", "person id"),
    ("name", "姓名", "name"),
    ("id_number_masked", "身份证号", "ID number"),
    ("banner_code", "旗县", "banner"),
    ("birth_date", "出生日期", "birth date"),
    ("start_month", "起领月份", "first month"),
    ("contribution_years", "缴费年限", "years paid"),
    ("basic_national_fen", "基础养老金(国家)", "basic pension (national)"),
    ("basic_topup_fen", "基础养老金(地方提高)", "basic pension (regional top-up)"),
    ("account_balance_fen", "个人账户储存额", "personal account"),
    ("account_pension_fen", "个人账户养老金", "account pension"),
    ("monthly_pension_fen", "月养老金", "monthly pension"),
    ("arrears_years", "可补缴年限", "arrears years offered"),
    ("arrears_fen", "补缴金额", "arrears amount"),
]
UNINSURED_COLUMNS: list[Column] = [
    ("person_id", "人员编号", "person id"),
    ("name", "姓名", "name"),
    ("id_number_masked", "身份证号", "ID number"),
    ("sex", "性别", "sex"),
    ("age", "年龄", "age"),
    ("banner_code", "旗县", "banner"),
    ("hukou", "户籍", "hukou"),
    ("employment_status", "就业状况", "employment status"),
]
