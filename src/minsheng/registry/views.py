"""Registry pages: search, household page, register and edit forms, the Excel import.

Every read goes through the registry service with the caller's RegionScope, so a record outside the
scope answers 404 here as in the API; ID numbers are shown masked, and revealing one is audited.
"""

from __future__ import annotations

import re
import secrets
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, RedirectResponse
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from minsheng import regions
from minsheng.api.deps import require
from minsheng.api.errors import DomainError, FieldError, NotFound
from minsheng.config import get_settings
from minsheng.registry import service
from minsheng.registry import vocabulary as vocab
from minsheng.registry.models import Household, Person
from minsheng.registry.schemas import HouseholdIn, PersonUpdate, field_errors
from minsheng.security import pii
from minsheng.security.principal import Principal
from minsheng.store import audit
from minsheng.store.db import unit_of_work
from minsheng.web import nav
from minsheng.web.forms import checked_form
from minsheng.web.nav import N_
from minsheng.web.redact import Revealed
from minsheng.web.templating import add_template_dir, language_of, render, translate

router = APIRouter(prefix="/registry", include_in_schema=False)
add_template_dir(Path(__file__).parent / "templates")
nav.register(nav.NavItem("/registry", N_("户籍登记"), "registry.read", 10))

PAGE_SIZE = 50
MEMBER_ROWS = 4  # empty member rows of the register form; rows left blank are ignored
ID_LIKE = re.compile(r"^\d{17}[\dXx]$")
HOUSEHOLD_NUMBER = re.compile(r"^\d{16}$")


def _client(request: Request) -> str | None:
    return request.client.host if request.client else None


def _errors_by_field(errors: list[FieldError], language: str) -> dict[str, str]:
    """Field → message in the page's language, without the repeated "field: " prefix."""
    found: dict[str, str] = {}
    for error in errors:
        message = error.message_zh if language == "zh" else error.message_en
        message = message.removeprefix(f"{error.field}: ")
        found[error.field] = f"{found[error.field]};{message}" if error.field in found else message
    return found


def _vocabularies(language: str) -> dict[str, list[tuple[str, str]]]:
    pick = 0 if language == "zh" else 1
    tables = {
        "sex": vocab.SEX,
        "hukou": vocab.HUKOU,
        "relationship": vocab.RELATIONSHIP,
        "education": vocab.EDUCATION,
        "employment_status": vocab.EMPLOYMENT_STATUS,
        "disability_type": vocab.DISABILITY_TYPE,
        "income_category": vocab.INCOME_CATEGORY,
        "asset_kind": vocab.ASSET_KIND,
        "tag": vocab.KEY_GROUP_TAG,
    }
    return {name: [(code, labels[pick]) for code, labels in table.items()] for name, table in tables.items()}


def _labels(language: str) -> dict[str, dict[str, str]]:
    return {name: dict(items) for name, items in _vocabularies(language).items()}


def _banners_in(principal: Principal) -> list[regions.Region]:
    scope = principal.scope
    if regions.get(scope.code).level == "banner":
        return [regions.get(scope.code)]
    return regions.banners(None if scope.is_region_wide else scope.code)


# ---------------------------------------------------------------- lists and search


@router.get("")
def registry_home(
    request: Request, after_id: int | None = None, principal: Principal = Depends(require("registry.read"))
):
    with unit_of_work() as session:
        listing = service.list_households(session, principal.scope, after_id=after_id, limit=PAGE_SIZE)
        rows = [_household_row(h) for h in listing.items]
    next_after = rows[-1]["id"] if len(rows) == PAGE_SIZE else None
    return render(
        request,
        "registry/home.html",
        {
            "households": rows,
            "total": listing.total,
            "next_after": next_after,
            "labels": _labels(language_of(request)),
        },
    )


def _household_row(household: Household) -> dict[str, Any]:
    head = household.head
    return {
        "id": household.id,
        "household_number": household.household_number,
        "banner_code": household.banner_code,
        "hukou": household.hukou,
        "address": household.address,
        "head_name": head.name if head else "",
        "head_id_masked": head.id_number_masked if head else "",
        "members": len(household.members),
    }


@router.post("/search")
async def search(request: Request, principal: Principal = Depends(require("registry.read"))):
    """By name, ID number or household number; a POST so an ID number never lands in a URL or a log."""
    form = await checked_form(request)
    query = str(form.get("q", "")).strip()
    persons: list[Person] = []
    households: list[dict] = []
    with unit_of_work() as session:
        if ID_LIKE.match(query):
            found = service.find_person_by_id_number(session, principal.scope, query.upper())
            persons = [found] if found else []
        elif HOUSEHOLD_NUMBER.match(query):
            households = [_household_row(h) for h in _households_by_number(session, principal, query)]
        elif query:
            persons = service.list_persons(session, principal.scope, name=query, limit=PAGE_SIZE).items
        person_rows = [
            {
                "id": p.id,
                "name": p.name,
                "id_number_masked": p.id_number_masked,
                "sex": p.sex,
                "birth_date": p.birth_date,
                "household_id": p.household_id,
                "household_number": p.household.household_number if p.household else "",
            }
            for p in persons
        ]
    context = {
        "query": query,
        "persons": person_rows,
        "households": households,
        "labels": _labels(language_of(request)),
    }
    name = "registry/_results.html" if request.headers.get("hx-request") else "registry/search.html"
    return render(request, name, context)


def _households_by_number(session, principal: Principal, number: str) -> list[Household]:
    from sqlalchemy import select

    return list(
        session.scalars(
            select(Household).where(
                Household.household_number == number, principal.scope.where(Household.banner_code)
            )
        )
    )


# ---------------------------------------------------------------- the household page


def _history_rows(records, language: str) -> list[dict]:
    rows = []
    for record in records:
        before, after = record.before or {}, record.after or {}
        changes = []
        if isinstance(before, dict) and isinstance(after, dict):
            for key in after:
                if key in ("version",) or before.get(key) == after.get(key):
                    continue
                if before:
                    changes.append({"field": key, "before": before.get(key), "after": after.get(key)})
        rows.append(
            {
                "id": record.id,
                "at": record.at,
                "actor": record.actor,
                "action": record.action,
                "entity": record.entity,
                "entity_id": record.entity_id,
                "changes": changes,
            }
        )
    return rows


@router.get("/households/{household_id}")
def household_page(
    request: Request, household_id: int, principal: Principal = Depends(require("registry.read"))
):
    language = language_of(request)
    with unit_of_work() as session:
        household = service.get_household(session, principal.scope, household_id)
        history = service.household_history(session, principal.scope, household_id)
        context = {
            "household": household,
            "members": household.members,
            "assets": household.assets,
            "history": _history_rows(history, language),
            "labels": _labels(language),
            "can_write": principal.can("registry.write"),
            "can_reveal": principal.can("pii.view"),
        }
        return render(request, "registry/household.html", context)


@router.post("/persons/{person_id}/reveal")
async def reveal_id_number(
    request: Request, person_id: int, principal: Principal = Depends(require("pii.view"))
):
    """Show one full ID number to a role allowed to see it; the view is written to the audit chain."""
    await checked_form(request)
    with unit_of_work() as session:
        person = service.get_person(session, principal.scope, person_id)
        number = pii.decrypt(person.id_number_cipher)
        region = person.household.banner_code if person.household else person.residence_region
        audit.append(
            session,
            actor=principal.login,
            action="pii.view",
            entity="person",
            entity_id=person.id,
            region_code=region,
            subject=f"household:{person.household_id}" if person.household_id else f"person:{person.id}",
            after={"field": "id_number", "id_number_masked": person.id_number_masked},
            remote_address=_client(request),
        )
    return render(request, "registry/_revealed.html", {"number": Revealed(number)})


# ---------------------------------------------------------------- register


def _blank(value: Any) -> bool:
    return value is None or str(value).strip() == ""


def _household_input(form, banner_default: str) -> dict[str, Any]:
    banner = str(form.get("banner_code") or banner_default)
    hukou = str(form.get("hukou") or "")
    members = []
    for i in range(MEMBER_ROWS):
        key = f"members.{i}."
        if all(_blank(form.get(key + f)) for f in ("id_number", "name")):
            continue
        member: dict[str, Any] = {
            "id_number": str(form.get(key + "id_number") or ""),
            "name": str(form.get(key + "name") or ""),
            "relationship_to_head": str(form.get(key + "relationship_to_head") or ""),
            "hukou": hukou,
            "hukou_region": banner,
            "residence_region": banner,
        }
        for optional in ("ethnicity", "education", "employment_status", "phone"):
            if not _blank(form.get(key + optional)):
                member[optional] = str(form.get(key + optional))
        if not _blank(form.get(key + "incomes.0.monthly_yuan")):
            member["incomes"] = [
                {
                    "category": str(form.get(key + "incomes.0.category") or "wages"),
                    "monthly_yuan": str(form.get(key + "incomes.0.monthly_yuan")),
                    "effective_from": str(
                        form.get(key + "incomes.0.effective_from") or date.today().replace(day=1)
                    ),
                }
            ]
        members.append((i, member))
    data = {"banner_code": banner, "hukou": hukou, "address": str(form.get("address") or "") or None}
    data["members"] = [m for _i, m in members]
    if not _blank(form.get("deposit_yuan")):
        data["assets"] = [{"kind": "deposit", "value_yuan": str(form.get("deposit_yuan"))}]
    return data, [i for i, _m in members]


def _renumber(errors: list[FieldError], rows: list[int]) -> list[FieldError]:
    """Errors of members.N (N among the filled rows) back to the form's row numbers."""
    renamed = []
    for error in errors:
        match = re.match(r"^members\.(\d+)\.(.*)$", error.field)
        if match and int(match.group(1)) < len(rows):
            field = f"members.{rows[int(match.group(1))]}.{match.group(2)}"
            renamed.append(FieldError(field, error.rule, error.message_zh, error.message_en))
        else:
            renamed.append(error)
    return renamed


def _register_context(request: Request, principal: Principal, values: dict, errors: dict) -> dict:
    return {
        "values": values,
        "errors": errors,
        "banners": _banners_in(principal),
        "vocab": _vocabularies(language_of(request)),
        "ethnicities": vocab.ETHNICITIES,
        "member_rows": range(MEMBER_ROWS),
    }


@router.get("/households/new/form")
def register_form(request: Request, principal: Principal = Depends(require("registry.write"))):
    values = {"banner_code": _banners_in(principal)[0].code, "members.0.relationship_to_head": "head"}
    return render(request, "registry/register.html", _register_context(request, principal, values, {}))


@router.post("/households/new/form")
async def register(request: Request, principal: Principal = Depends(require("registry.write"))):
    form = await checked_form(request)
    values = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    data, rows = _household_input(form, _banners_in(principal)[0].code)
    language = language_of(request)
    problems: list[FieldError] = []
    if not rows:
        problems = [
            FieldError("members.0.id_number", "required", "至少登记一名成员", "register at least one member")
        ]
    else:
        try:
            household_in = HouseholdIn.model_validate(data)
        except ValidationError as error:
            problems = _renumber(field_errors(error), rows)
        else:
            try:
                with unit_of_work() as session:
                    household = service.register_household(
                        session, household_in, actor=principal.login, scope=principal.scope
                    )
                    household_id = household.id
                return RedirectResponse(f"/registry/households/{household_id}", status_code=303)
            except DomainError as error:
                if error.status_code == 404:
                    raise
                problems = _renumber(error.fields, rows) or [
                    FieldError("__root__", error.code, error.message_zh, error.message_en)
                ]
    errors = _errors_by_field(problems, language)
    context = _register_context(request, principal, values, errors)
    return render(request, "registry/register.html", context, status_code=422)


# ---------------------------------------------------------------- edit a person


def _person_values(person: Person) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": person.name,
        "phone": person.phone or "",
        "education": person.education or "",
        "employment_status": person.employment_status or "",
        "version": str(person.version),
        "tags": [t.tag for t in person.tags],
    }
    for i, income in enumerate(person.incomes):
        values[f"incomes.{i}.category"] = income.category
        values[f"incomes.{i}.monthly_yuan"] = f"{Decimal(income.monthly_fen) / 100:.2f}"
        values[f"incomes.{i}.effective_from"] = income.effective_from.isoformat()
        values[f"incomes.{i}.effective_to"] = income.effective_to.isoformat() if income.effective_to else ""
    return values


def _edit_context(request: Request, person: Person, values: dict, errors: dict) -> dict:
    count = sum(1 for k in values if k.endswith(".monthly_yuan"))
    return {
        "person": person,
        "values": values,
        "errors": errors,
        "vocab": _vocabularies(language_of(request)),
        "income_rows": range(count + 1),  # one empty row to add an income
    }


@router.get("/persons/{person_id}/edit")
def edit_person_form(
    request: Request, person_id: int, principal: Principal = Depends(require("registry.write"))
):
    with unit_of_work() as session:
        person = service.get_person(session, principal.scope, person_id)
        return render(
            request, "registry/edit_person.html", _edit_context(request, person, _person_values(person), {})
        )


@router.post("/persons/{person_id}/edit")
async def edit_person(
    request: Request, person_id: int, principal: Principal = Depends(require("registry.write"))
):
    form = await checked_form(request)
    values: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    values["tags"] = [t for t in form.getlist("tags") if isinstance(t, str)]
    incomes = []
    i = 0
    while f"incomes.{i}.monthly_yuan" in form:
        if not _blank(form.get(f"incomes.{i}.monthly_yuan")):
            income = {
                "category": str(form.get(f"incomes.{i}.category") or ""),
                "monthly_yuan": str(form.get(f"incomes.{i}.monthly_yuan")),
                "effective_from": str(form.get(f"incomes.{i}.effective_from") or ""),
            }
            if not _blank(form.get(f"incomes.{i}.effective_to")):
                income["effective_to"] = str(form.get(f"incomes.{i}.effective_to"))
            incomes.append(income)
        i += 1
    changes = {
        "name": values.get("name", ""),
        "phone": values.get("phone") or None,
        "education": values.get("education") or None,
        "employment_status": values.get("employment_status") or None,
        "incomes": incomes,
        "tags": values["tags"],
    }
    language = language_of(request)
    version = int(values["version"]) if str(values.get("version", "")).isdigit() else None
    problems: list[FieldError] = []
    try:
        update = PersonUpdate.model_validate(changes)
    except ValidationError as error:
        problems = field_errors(error)
    else:
        try:
            with unit_of_work() as session:
                person = service.update_person(
                    session,
                    person_id,
                    update,
                    actor=principal.login,
                    expected_version=version,
                    scope=principal.scope,
                )
                household_id = person.household_id
            target = f"/registry/households/{household_id}" if household_id else "/registry"
            return RedirectResponse(target, status_code=303)
        except DomainError as error:
            if error.status_code == 404:
                raise
            problems = error.fields or [
                FieldError("__root__", error.code, error.message_zh, error.message_en)
            ]
    with unit_of_work() as session:
        person = service.get_person(session, principal.scope, person_id)
        context = _edit_context(request, person, values, _errors_by_field(problems, language))
        return render(request, "registry/edit_person.html", context, status_code=422)


# ---------------------------------------------------------------- Excel import

IMPORT_ERRORS_KEPT = 5  # error workbooks a session can still download


def _imports_dir() -> Path:
    folder = get_settings().var_dir / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _scope_errors(prepared, scope) -> list:
    """A household outside the importer's scope is a row error: the whole file is refused."""
    from minsheng.registry.importer import RowError

    errors = []
    for household in prepared:
        if not scope.allows(household.banner_code):
            row = household.members[0].row if household.members else 0
            errors.append(
                RowError(
                    row,
                    "banner_code",
                    f"旗县区 {household.banner_code} 不在您的管辖范围内",
                    f"banner {household.banner_code} is outside your region",
                )
            )
    return errors


@router.get("/import")
def import_form(request: Request, principal: Principal = Depends(require("registry.import"))):
    return render(request, "registry/import.html", {"report": None})


@router.get("/import/template")
def import_template(principal: Principal = Depends(require("registry.import"))):
    from minsheng.registry.importer import write_template

    path = write_template(_imports_dir() / "registry-template.xlsx")
    return FileResponse(path, filename="registry-template.xlsx", media_type=XLSX)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.post("/import")
async def import_upload(request: Request, principal: Principal = Depends(require("registry.import"))):
    from minsheng.registry import importer

    form = await checked_form(request)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        message = translate(request, "请选择要导入的 Excel 文件")
        return render(
            request, "registry/import.html", {"report": None, "file_error": message}, status_code=422
        )
    token = secrets.token_urlsafe(12)
    suffix = (
        Path(upload.filename).suffix.lower()
        if Path(upload.filename).suffix.lower() in (".xlsx", ".xls")
        else ".xlsx"
    )
    upload_path = _imports_dir() / f"{token}-upload{suffix}"
    upload_path.write_bytes(await upload.read())
    error_link = None
    try:
        with unit_of_work() as session:
            try:
                sheet = importer.read_sheet(upload_path)
            except Exception:  # not a workbook we can read: say so, keep nothing
                message = translate(request, "无法读取该文件,请使用导入模板(.xlsx)")
                return render(
                    request, "registry/import.html", {"report": None, "file_error": message}, status_code=422
                )
            prepared, errors = importer.check_sheet(session, sheet)
            outside = _scope_errors(prepared, principal.scope)
            if outside:
                report = importer.ImportReport(
                    file_name=upload.filename, sha256=importer.file_sha256(upload_path)
                )
                report.rows = sum(1 for row in sheet.rows if any(row))
                report.errors = sorted([*errors, *outside], key=lambda e: e.row)
            else:
                report, sheet = importer.import_file(session, upload_path, actor=principal.login)
                report.file_name = upload.filename
            if report.errors:
                importer.write_error_workbook(sheet, report.errors, _imports_dir() / f"{token}-errors.xlsx")
                kept = [*request.session.get("import_errors", []), token][-IMPORT_ERRORS_KEPT:]
                request.session["import_errors"] = kept
                error_link = f"/registry/import/errors/{token}"
    finally:
        upload_path.unlink(
            missing_ok=True
        )  # the upload holds ID numbers in clear: keep it no longer than needed
    status = 200 if report.ok else 422
    return render(
        request, "registry/import.html", {"report": report, "error_link": error_link}, status_code=status
    )


@router.get("/import/errors/{token}")
def import_errors(request: Request, token: str, principal: Principal = Depends(require("registry.import"))):
    """The caller's own error workbook (it repeats the uploaded rows, ID numbers included): audited."""
    path = _imports_dir() / f"{token}-errors.xlsx"
    if token not in request.session.get("import_errors", []) or not path.exists():
        raise NotFound("错误报告 / error report", token)
    with unit_of_work() as session:
        audit.append(
            session,
            actor=principal.login,
            action="pii.view",
            entity="import_errors",
            entity_id=token,
            region_code=principal.scope.code,
            remote_address=_client(request),
        )
    return FileResponse(path, filename="import-errors.xlsx", media_type=XLSX)
