"""JSON error bodies that name the field and the rule, in Chinese and English.

Every error answer has the shape {"error": {"code", "message_zh", "message_en", "fields": [...]}}.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException


@dataclass
class FieldError:
    field: str
    rule: str
    message_zh: str
    message_en: str

    def as_dict(self) -> dict[str, str]:
        return {
            "field": self.field,
            "rule": self.rule,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }


@dataclass
class DomainError(Exception):
    """A request the domain refuses; nothing was changed."""

    code: str
    message_zh: str
    message_en: str
    status_code: int = 422
    fields: list[FieldError] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.message_zh} / {self.message_en}"


class NotFound(DomainError):
    """Absent, or outside the caller's region scope: both answer 404 so scope leaks nothing."""

    def __init__(self, what: str, key: object):
        super().__init__("not_found", f"未找到{what} {key}", f"{what} {key} not found", 404)


class Conflict(DomainError):
    def __init__(self, message_zh: str, message_en: str, fields: list[FieldError] | None = None):
        super().__init__("conflict", message_zh, message_en, 409, fields or [])


def _body(code: str, message_zh: str, message_en: str, fields: list[dict] | None = None) -> dict:
    return {
        "error": {"code": code, "message_zh": message_zh, "message_en": message_en, "fields": fields or []}
    }


_PYDANTIC_ZH = {
    "missing": "必填",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "string_too_long": "过长",
    "string_pattern_mismatch": "格式不符",
    "literal_error": "取值不在允许范围内",
    "enum": "取值不在允许范围内",
    "value_error": "取值无效",
}


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(_request: Request, error: DomainError) -> JSONResponse:
        return JSONResponse(
            _body(error.code, error.message_zh, error.message_en, [f.as_dict() for f in error.fields]),
            status_code=error.status_code,
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, error: RequestValidationError) -> JSONResponse:
        fields = []
        for item in error.errors():
            location = ".".join(str(part) for part in item["loc"] if part not in ("body", "query", "path"))
            message_en = str(item.get("msg", "invalid"))
            fields.append(
                {
                    "field": location,
                    "rule": item["type"],
                    "message_zh": f"{location}: {_PYDANTIC_ZH.get(item['type'], message_en)}",
                    "message_en": f"{location}: {message_en}",
                }
            )
        return JSONResponse(
            _body("invalid_request", "请求数据有误", "invalid request", fields), status_code=422
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        messages = {
            404: ("未找到", "not found"),
            401: ("需要登录", "login required"),
            403: ("无权限", "forbidden"),
        }
        zh, en = messages.get(error.status_code, (str(error.detail), str(error.detail)))
        return JSONResponse(
            _body(f"http_{error.status_code}", zh, en), status_code=error.status_code, headers=error.headers
        )
