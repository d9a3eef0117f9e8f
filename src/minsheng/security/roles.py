"""Roles and what each may do: the one table that `require(permission)` consults."""

from __future__ import annotations

# Permissions are "<domain>.<verb>"; pii.view reveals one unmasked ID number (audited).
PERMISSIONS: dict[str, tuple[str, str]] = {
    "registry.read": ("查看户籍与家庭信息", "read the registry"),
    "registry.write": ("登记与修改家庭信息", "register and edit households"),
    "registry.import": ("批量导入", "import workbooks"),
    "pii.view": ("查看完整身份证号", "reveal full ID numbers"),
    "assistance.read": ("查看救助案件", "read assistance cases"),
    "assistance.write": ("受理与审核救助", "take and review assistance applications"),
    "assistance.approve": ("审批救助", "approve assistance"),
    "monitoring.read": ("查看低收入人口监测预警", "read low-income monitoring alerts"),
    "monitoring.write": ("处置监测预警与走访", "handle monitoring alerts and visits"),
    "employment.read": ("查看就业信息", "read employment records"),
    "employment.write": ("办理就业业务", "run employment services"),
    "medical.read": ("查看医保信息", "read medical-insurance records"),
    "medical.write": ("办理医保结算", "settle medical claims"),
    "housing_fund.read": ("查看公积金", "read housing-fund accounts"),
    "housing_fund.write": ("办理公积金业务", "run housing-fund business"),
    "dashboard.read": ("查看统计", "read dashboards"),
    "audit.read": ("查看审计日志", "read the audit log"),
    "users.manage": ("管理用户与令牌", "manage users and tokens"),
}

ROLES: dict[str, tuple[str, str]] = {
    "registry_clerk": ("户籍登记员", "registry clerk"),
    "assistance_caseworker": ("救助经办员", "assistance caseworker"),
    "assistance_approver": ("救助审批人", "assistance approver"),
    "employment_officer": ("就业服务专员", "employment officer"),
    "medical_officer": ("医保经办员", "medical-insurance officer"),
    "housing_fund_officer": ("公积金经办员", "housing-fund officer"),
    "auditor": ("审计监督员", "auditor"),
    "administrator": ("系统管理员", "administrator"),
}

_READ_ALL = {p for p in PERMISSIONS if p.endswith(".read")}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    # Caseworkers read their own region's audit log: they answer for the changes made there.
    "registry_clerk": frozenset(
        {"registry.read", "registry.write", "registry.import", "pii.view", "dashboard.read", "audit.read"}
    ),
    "assistance_caseworker": frozenset(
        {
            "registry.read",
            "registry.write",
            "registry.import",
            "pii.view",
            "assistance.read",
            "assistance.write",
            "monitoring.read",
            "monitoring.write",
            "dashboard.read",
            "audit.read",
        }
    ),
    "assistance_approver": frozenset(
        {
            "registry.read",
            "pii.view",
            "assistance.read",
            "assistance.approve",
            "monitoring.read",
            "dashboard.read",
        }
    ),
    "employment_officer": frozenset(
        {"registry.read", "employment.read", "employment.write", "dashboard.read"}
    ),
    "medical_officer": frozenset({"registry.read", "medical.read", "medical.write", "dashboard.read"}),
    "housing_fund_officer": frozenset(
        {"registry.read", "housing_fund.read", "housing_fund.write", "dashboard.read"}
    ),
    # An auditor reads everything in scope and the audit log, and changes nothing.
    "auditor": frozenset(_READ_ALL),
    "administrator": frozenset(_READ_ALL | {"users.manage", "registry.write", "registry.import"}),
}

# What a machine token may be granted: the same permission names, never users.manage.
TOKEN_SCOPES = frozenset(PERMISSIONS) - {"users.manage"}


def permissions_of(role: str) -> frozenset[str]:
    return ROLE_PERMISSIONS.get(role, frozenset())


def role_label(role: str, language: str = "zh") -> str:
    zh, en = ROLES.get(role, (role, role))
    return zh if language == "zh" else en
