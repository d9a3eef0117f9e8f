"""Employment's closed vocabularies, each code with its Chinese and English label.

Skills are a closed list of at most 62 codes so that a set of skills is one BIGINT bit mask: the
matching rule counts shared skills with `bit_count(a & b)`, which DuckDB and Spark both run fast.
"""

from __future__ import annotations

# 职业(工种): code → (zh, en, sector). Sector ties an occupation to the employers who offer it.
OCCUPATION = {
    "farm_hand": ("农牧业生产人员", "farm and herding worker", "agriculture"),
    "dairy_worker": ("乳品加工工", "dairy processing worker", "manufacturing"),
    "food_processing": ("食品加工工", "food processing worker", "manufacturing"),
    "machine_operator": ("机械设备操作工", "machine operator", "manufacturing"),
    "welder": ("焊工", "welder", "manufacturing"),
    "electrician": ("电工", "electrician", "energy"),
    "miner": ("矿山作业人员", "mine worker", "mining"),
    "chemical_operator": ("化工操作工", "chemical plant operator", "energy"),
    "construction_worker": ("建筑工人", "construction worker", "construction"),
    "driver": ("驾驶员", "driver", "logistics"),
    "warehouse": ("仓储物流员", "warehouse and logistics clerk", "logistics"),
    "sales": ("营业员/销售", "sales assistant", "retail"),
    "cook": ("厨师", "cook", "hospitality"),
    "waiter": ("餐厅服务员", "waiter", "hospitality"),
    "cleaner": ("保洁员", "cleaner", "services"),
    "security_guard": ("保安员", "security guard", "services"),
    "care_worker": ("养老护理员", "elderly care worker", "care"),
    "nurse": ("护士", "nurse", "health"),
    "teacher": ("教师", "teacher", "education"),
    "accountant": ("会计", "accountant", "finance"),
    "clerk": ("办事员", "office clerk", "public"),
    "it_technician": ("信息技术人员", "IT technician", "it"),
    "tour_guide": ("导游", "tour guide", "tourism"),
    "ecommerce": ("电商运营", "e-commerce operator", "retail"),
}

SECTOR = {
    "agriculture": ("农牧业", "agriculture and herding"),
    "manufacturing": ("制造业", "manufacturing"),
    "energy": ("能源化工", "energy and chemicals"),
    "mining": ("采矿业", "mining"),
    "construction": ("建筑业", "construction"),
    "logistics": ("交通物流", "transport and logistics"),
    "retail": ("批发零售", "wholesale and retail"),
    "hospitality": ("住宿餐饮", "hotels and catering"),
    "services": ("居民服务", "household services"),
    "care": ("养老服务", "elderly care"),
    "health": ("卫生", "health"),
    "education": ("教育", "education"),
    "finance": ("金融", "finance"),
    "public": ("公共管理", "public administration"),
    "it": ("信息技术", "information technology"),
    "tourism": ("文化旅游", "culture and tourism"),
}

# 技能: the bit of each skill in a mask is its position in this dict (0 … 61).
SKILL = {
    "driving_c1": ("C1驾照", "driving licence C1"),
    "driving_a2": ("A2驾照", "driving licence A2"),
    "forklift": ("叉车", "forklift"),
    "welding": ("焊接", "welding"),
    "electrical": ("电工证", "electrician's certificate"),
    "machining": ("机加工", "machining"),
    "cnc": ("数控", "CNC"),
    "mining_safety": ("矿山安全", "mine safety"),
    "chemical_safety": ("危化品安全", "hazardous chemicals safety"),
    "masonry": ("砌筑", "masonry"),
    "carpentry": ("木工", "carpentry"),
    "plumbing": ("水暖", "plumbing"),
    "cooking": ("烹饪", "cooking"),
    "pastry": ("面点", "pastry"),
    "food_safety": ("食品安全", "food safety"),
    "dairy": ("乳品工艺", "dairy processing"),
    "livestock": ("养殖", "livestock rearing"),
    "crop": ("种植", "crop growing"),
    "farm_machinery": ("农机操作", "farm machinery"),
    "customer_service": ("客户服务", "customer service"),
    "cashier": ("收银", "cashier"),
    "sales": ("销售", "selling"),
    "ecommerce": ("电商", "e-commerce"),
    "livestreaming": ("直播带货", "live-stream selling"),
    "office": ("办公软件", "office software"),
    "accounting": ("会计", "accounting"),
    "programming": ("编程", "programming"),
    "networking": ("网络运维", "network operations"),
    "elderly_care": ("养老护理", "elderly care"),
    "nursing": ("护理", "nursing"),
    "first_aid": ("急救", "first aid"),
    "cleaning": ("保洁", "cleaning"),
    "security": ("安保", "security"),
    "teaching": ("教学", "teaching"),
    "mongolian": ("蒙古语", "Mongolian language"),
    "english": ("英语", "English"),
    "tour_guiding": ("导游", "tour guiding"),
    "warehousing": ("仓储", "warehousing"),
    "logistics": ("物流调度", "logistics dispatch"),
}
assert len(SKILL) <= 62, "a skill mask is a signed BIGINT"
SKILL_BIT = {code: bit for bit, code in enumerate(SKILL)}

# The skills an occupation usually asks for (synthetic data draws from these; matching does not).
OCCUPATION_SKILLS = {
    "farm_hand": ("livestock", "crop", "farm_machinery"),
    "dairy_worker": ("dairy", "food_safety", "machining"),
    "food_processing": ("food_safety", "machining", "pastry"),
    "machine_operator": ("machining", "cnc", "forklift"),
    "welder": ("welding", "machining", "electrical"),
    "electrician": ("electrical", "networking", "first_aid"),
    "miner": ("mining_safety", "driving_a2", "electrical"),
    "chemical_operator": ("chemical_safety", "machining", "first_aid"),
    "construction_worker": ("masonry", "carpentry", "plumbing"),
    "driver": ("driving_c1", "driving_a2", "logistics"),
    "warehouse": ("warehousing", "forklift", "logistics"),
    "sales": ("sales", "cashier", "customer_service"),
    "cook": ("cooking", "pastry", "food_safety"),
    "waiter": ("customer_service", "cashier", "mongolian"),
    "cleaner": ("cleaning", "customer_service", "first_aid"),
    "security_guard": ("security", "first_aid", "driving_c1"),
    "care_worker": ("elderly_care", "first_aid", "nursing"),
    "nurse": ("nursing", "first_aid", "elderly_care"),
    "teacher": ("teaching", "mongolian", "english"),
    "accountant": ("accounting", "office", "english"),
    "clerk": ("office", "mongolian", "customer_service"),
    "it_technician": ("programming", "networking", "office"),
    "tour_guide": ("tour_guiding", "mongolian", "english"),
    "ecommerce": ("ecommerce", "livestreaming", "office"),
}

# Education as an order, so "meets the minimum" is a comparison.
EDUCATION_RANK = {
    "none": 0,
    "primary": 1,
    "junior": 2,
    "senior": 3,
    "college": 4,
    "bachelor": 5,
    "postgraduate": 6,
}

ENTERPRISE_TYPE = {
    "enterprise": ("企业", "enterprise"),
    "social_group": ("社会团体", "social group"),
    "foundation": ("基金会", "foundation"),
    "law_firm": ("律师事务所", "law firm"),
    "accounting_firm": ("会计师事务所", "accounting firm"),
    "individual_business": ("以单位方式参保的个体工商户", "individual business insured as a unit"),
}
SIZE = {"large": ("大型企业", "large"), "sme": ("中小微企业", "small or medium")}

# Key groups (重点群体) and hardship tags (困难人员) among registry tags.
KEY_GROUPS = ("graduate", "veteran", "migrant_worker", "unemployed")
HARDSHIP_GROUPS = ("poverty_alleviated", "dibao", "zero_employment_household", "disabled")

# The work-relief rule's share_status: labour pay against 30 % of central funds.
WORK_RELIEF_SHARE_STATUS = {
    "met": ("已达标", "met"),
    "in_progress": ("进行中", "in progress"),
    "warning": ("临近竣工未达标", "warning: closing soon"),
    "failed": ("未达标", "failed"),
}
REFERRAL_STATUS = {
    "referred": ("已推荐", "referred"),
    "interviewed": ("已面试", "interviewed"),
    "placed": ("已录用", "placed"),
    "rejected": ("未录用", "not hired"),
    "refused": ("求职者拒绝", "refused by the seeker"),
}
WORK_RELIEF_TARGET_GROUP = {
    "poverty_alleviated": ("脱贫人口", "lifted out of poverty"),
    "relapse_watch": ("防止返贫监测对象", "watched for relapse"),
    "returning_migrant": ("返乡农民工", "returning migrant worker"),
    "low_income": ("农村低收入人口", "rural low-income"),
    "other": ("其他当地群众", "other local people"),
}


def skills_mask(skills: list[str] | tuple[str, ...]) -> int:
    """The bit mask of a set of skill codes; unknown codes raise KeyError (validated upstream)."""
    mask = 0
    for skill in skills:
        mask |= 1 << SKILL_BIT[skill]
    return mask


def skills_of(mask: int) -> list[str]:
    return [code for code, bit in SKILL_BIT.items() if mask >> bit & 1]
