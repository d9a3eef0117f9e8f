"""Registry pages: scope (404 outside), masked ID numbers, audited reveal, forms with errors by the field."""

from __future__ import annotations

import re
from datetime import date

import pytest

from minsheng import idcard
from minsheng.registry import service
from minsheng.registry.schemas import HouseholdIn
from minsheng.store.audit import AuditRecord
from minsheng.store.db import unit_of_work


def _register(engine, banner: str, sequence: int, name: str = "巴特尔") -> tuple[int, int, str]:
    number = idcard.make(banner, date(1980, 3, 7), sequence)
    data = HouseholdIn.model_validate(
        {
            "banner_code": banner,
            "hukou": "rural",
            "address": "某嘎查",
            "members": [
                {
                    "id_number": number,
                    "name": name,
                    "relationship_to_head": "head",
                    "hukou": "rural",
                    "hukou_region": banner,
                    "residence_region": banner,
                    "incomes": [
                        {"category": "wages", "monthly_yuan": "1200.50", "effective_from": "2026-01-01"}
                    ],
                    "tags": ["veteran"],
                }
            ],
        }
    )
    with unit_of_work(engine) as session:
        household = service.register_household(session, data, actor="test")
        return household.id, household.members[0].id, number


@pytest.fixture
def two(engine):
    return {"a": _register(engine, "150426", 11, "巴特尔"), "b": _register(engine, "150102", 13, "其其格")}


def test_lists_and_pages_show_only_the_scope(login, two):
    client = login("clerk_a")
    listing = client.get("/registry").text
    assert "巴特尔" in listing and "其其格" not in listing
    assert client.get(f"/registry/households/{two['a'][0]}").status_code == 200
    other = client.get(f"/registry/households/{two['b'][0]}")
    assert other.status_code == 404 and "其其格" not in other.text
    assert client.get(f"/registry/persons/{two['b'][1]}/edit").status_code == 404
    league = login("league")
    assert league.get(f"/registry/households/{two['a'][0]}").status_code == 200
    assert league.get(f"/registry/households/{two['b'][0]}").status_code == 404


def test_search_by_id_number_is_scoped_and_masked(login, two, csrf):
    client = login("clerk_a")
    token = csrf(client.get("/registry").text)
    found = client.post("/registry/search", data={"q": two["a"][2], "csrf_token": token})
    assert "巴特尔" in found.text and two["a"][2] not in found.text
    assert idcard.mask(two["a"][2]) in found.text
    hidden = client.post("/registry/search", data={"q": two["b"][2], "csrf_token": token})
    assert "其其格" not in hidden.text and 'id="no-results"' in hidden.text
    by_name = client.post(
        "/registry/search", data={"q": "其其", "csrf_token": token}, headers={"HX-Request": "1"}
    )
    assert "其其格" not in by_name.text


def test_reveal_shows_the_number_once_and_is_audited(engine, login, two, csrf):
    client = login("clerk_a")
    household_id, person_id, number = two["a"]
    page = client.get(f"/registry/households/{household_id}").text
    assert number not in page and idcard.mask(number) in page
    answer = client.post(f"/registry/persons/{person_id}/reveal", data={"csrf_token": csrf(page)})
    assert answer.status_code == 200 and number in answer.text
    with unit_of_work(engine) as session:
        views = session.query(AuditRecord).filter(AuditRecord.action == "pii.view").all()
        assert [(v.actor, v.entity_id, v.region_code) for v in views] == [
            ("clerk_a", str(person_id), "150426")
        ]
        assert number not in str(views[0].after)
    assert (
        client.post(f"/registry/persons/{two['b'][1]}/reveal", data={"csrf_token": csrf(page)}).status_code
        == 404
    )
    assert client.post(f"/registry/persons/{person_id}/reveal", data={"csrf_token": "x"}).status_code == 403
    medic = login("medic_a")  # may read the registry, may not reveal
    assert (
        medic.post(
            f"/registry/persons/{person_id}/reveal", data={"csrf_token": csrf(medic.get("/").text)}
        ).status_code
        == 403
    )


def _form_page(client, csrf):
    page = client.get("/registry/households/new/form")
    assert page.status_code == 200
    return csrf(page.text)


def test_register_form_puts_errors_next_to_the_field_and_changes_nothing(engine, login, csrf):
    client = login("clerk_a")
    token = _form_page(client, csrf)
    bad = client.post(
        "/registry/households/new/form",
        data={
            "csrf_token": token,
            "banner_code": "150426",
            "hukou": "rural",
            "members.0.id_number": "150426198003070012",  # wrong check digit
            "members.0.name": "测试",
            "members.0.relationship_to_head": "head",
            "members.1.id_number": idcard.make("150426", date(1990, 1, 1), 21),
            "members.1.name": "",
            "members.1.relationship_to_head": "child",
            "members.1.incomes.0.monthly_yuan": "-5",
        },
    )
    assert bad.status_code == 422
    errors = dict(re.findall(r'<span class="field-error" id="e-([^"]+)">([^<]+)</span>', bad.text))
    assert "members.0.id_number" in errors and "校验码" in errors["members.0.id_number"]
    assert "members.1.name" in errors
    assert "members.1.incomes.0.monthly_yuan" in errors and "负" in errors["members.1.incomes.0.monthly_yuan"]
    assert 'value="测试"' in bad.text  # what was typed stays in the form
    with unit_of_work(engine) as session:
        assert service.count_households(session, service.REGION_WIDE) == 0


def test_register_outside_the_scope_is_refused(login, csrf):
    client = login("clerk_a")
    token = _form_page(client, csrf)
    answer = client.post(
        "/registry/households/new/form",
        data={
            "csrf_token": token,
            "banner_code": "150102",
            "hukou": "urban",
            "members.0.id_number": idcard.make("150102", date(1970, 1, 1), 31),
            "members.0.name": "越界",
            "members.0.relationship_to_head": "head",
        },
    )
    assert answer.status_code == 404


def test_register_then_edit_an_income_shows_in_history_and_audit_log(engine, login, csrf):
    client = login("clerk_a")
    token = _form_page(client, csrf)
    number = idcard.make("150426", date(1975, 5, 5), 41)
    answer = client.post(
        "/registry/households/new/form",
        data={
            "csrf_token": token,
            "banner_code": "150426",
            "hukou": "rural",
            "address": "乌丹镇",
            "members.0.id_number": number,
            "members.0.name": "格日勒",
            "members.0.relationship_to_head": "head",
            "members.0.incomes.0.category": "business",
            "members.0.incomes.0.monthly_yuan": "800",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    household_url = answer.headers["location"]
    page = client.get(household_url).text
    assert "格日勒" in page and "800.00" in page and number not in page
    person_id = re.search(r"/registry/persons/(\d+)/edit", page).group(1)
    form = client.get(f"/registry/persons/{person_id}/edit").text
    version = re.search(r'name="version" value="(\d+)"', form).group(1)
    saved = client.post(
        f"/registry/persons/{person_id}/edit",
        data={
            "csrf_token": csrf(form),
            "version": version,
            "name": "格日勒",
            "incomes.0.category": "business",
            "incomes.0.monthly_yuan": "950.25",
            "incomes.0.effective_from": "2026-01-01",
            "incomes.1.monthly_yuan": "",
            "tags": ["veteran"],
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    page = client.get(household_url).text
    assert "950.25" in page and "registry.update_person" in page and "95025" in page
    stale = client.post(
        f"/registry/persons/{person_id}/edit",
        data={"csrf_token": csrf(form), "version": version, "name": "格日勒", "incomes.0.monthly_yuan": ""},
    )
    assert stale.status_code == 422 and 'id="form-errors"' in stale.text
    audit_page = login("auditor_a").get("/audit?action=registry.update_person").text
    assert "95025" in audit_page and number not in audit_page


def test_edit_with_a_bad_amount_names_the_field(login, two, csrf):
    client = login("clerk_a")
    person_id = two["a"][1]
    form = client.get(f"/registry/persons/{person_id}/edit").text
    answer = client.post(
        f"/registry/persons/{person_id}/edit",
        data={
            "csrf_token": csrf(form),
            "name": "巴特尔",
            "incomes.0.category": "wages",
            "incomes.0.monthly_yuan": "abc",
            "incomes.0.effective_from": "2026-01-01",
        },
    )
    assert answer.status_code == 422
    assert 'id="e-incomes.0.monthly_yuan"' in answer.text
