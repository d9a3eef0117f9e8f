"""The registry's closed vocabularies, each code with its Chinese and English label."""

from __future__ import annotations

SEX = {"M": ("男", "male"), "F": ("女", "female")}
HUKOU = {"urban": ("城镇", "urban"), "rural": ("农村牧区", "rural")}
RELATIONSHIP = {
    "head": ("户主", "head"),
    "spouse": ("配偶", "spouse"),
    "child": ("子女", "child"),
    "parent": ("父母", "parent"),
    "grandchild": ("孙子女", "grandchild"),
    "grandparent": ("祖父母", "grandparent"),
    "sibling": ("兄弟姐妹", "sibling"),
    "other": ("其他", "other"),
}
EDUCATION = {
    "none": ("未上学", "no schooling"),
    "primary": ("小学", "primary"),
    "junior": ("初中", "junior secondary"),
    "senior": ("高中/中专", "senior secondary"),
    "college": ("大专", "college"),
    "bachelor": ("本科", "bachelor"),
    "postgraduate": ("研究生", "postgraduate"),
}
EMPLOYMENT_STATUS = {
    "employed": ("就业", "employed"),
    "farming": ("务农牧", "farming or herding"),
    "self_employed": ("个体经营", "self-employed"),
    "unemployed": ("失业", "unemployed"),
    "student": ("在校学生", "full-time student"),
    "preschool": ("学龄前", "pre-school child"),
    "retired": ("退休", "retired"),
    "unable": ("无劳动能力", "unable to work"),
    "other": ("其他", "other"),
}
DISABILITY_TYPE = {
    "visual": ("视力残疾", "visual"),
    "hearing": ("听力残疾", "hearing"),
    "speech": ("言语残疾", "speech"),
    "physical": ("肢体残疾", "physical"),
    "intellectual": ("智力残疾", "intellectual"),
    "mental": ("精神残疾", "mental"),
    "multiple": ("多重残疾", "multiple"),
}
# Income categories as the 低保 rules count them (民发〔2021〕57号 Art. 13); the last ones are excluded.
INCOME_CATEGORY = {
    "wages": ("工资性收入", "wages"),
    "business": ("经营净收入", "net business income"),
    "property": ("财产净收入", "net property income"),
    "transfer": ("转移净收入", "net transfer income"),
    "other": ("其他收入", "other income"),
    "basic_pension": ("城乡居民基础养老金", "residents' basic pension (excluded)"),
    "preferential": ("优抚金/计生奖扶/奖学金", "preferential care, awards, scholarships (excluded)"),
    "assistance": ("社会救助金", "social assistance (excluded)"),
}
EXPENSE_CATEGORY = {
    "employment_cost": ("必要就业成本", "necessary employment cost"),
    "maintenance_paid": ("支付的赡养抚养费", "maintenance paid out"),
    "disability_rigid": ("残疾刚性支出", "disability rigid expense"),
    "illness_rigid": ("疾病刚性支出", "illness rigid expense"),
    "education": ("教育支出", "education expense"),
    "medical_self_pay": ("医疗自付", "medical self-pay"),
}
ASSET_KIND = {
    "deposit": ("存款", "deposits"),
    "securities": ("有价证券/基金/理财", "securities and funds"),
    "vehicle": ("机动车辆", "motor vehicle"),
    "dwelling": ("房产", "dwelling"),
    "business": ("经营性资产", "business assets"),
    "other": ("其他财产", "other assets"),
}
KEY_GROUP_TAG = {
    "graduate": ("高校毕业生", "college graduate"),
    "veteran": ("退役军人", "veteran"),
    "migrant_worker": ("农民工", "migrant worker"),
    "unemployed": ("失业人员", "unemployed"),
    "poverty_alleviated": ("脱贫人口", "lifted out of poverty"),
    "dibao": ("低保对象", "dibao recipient"),
    "zero_employment_household": ("零就业家庭", "zero-employment household"),
    "disabled": ("残疾人", "person with disability"),
}
ETHNICITIES = ("汉族", "蒙古族", "满族", "回族", "达斡尔族", "鄂温克族", "鄂伦春族", "朝鲜族", "其他")


def label(vocabulary: dict[str, tuple[str, str]], code: str | None, language: str = "zh") -> str:
    if code is None:
        return ""
    zh, en = vocabulary.get(code, (code, code))
    return zh if language == "zh" else en
