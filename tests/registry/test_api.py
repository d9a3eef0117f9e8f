from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from registry_builders import household, person

from minsheng.api.app import create_app
from minsheng.api.deps import current_principal
from minsheng.registry import service
from minsheng.registry.schemas import AssetIn, PersonUpdate
from minsheng.security.principal import Principal
from minsheng.security.scope import REGION_WIDE, RegionScope
from minsheng.store.db import unit_of_work

FULL_ID = re.compile(r"\d{17}[\dX]")


def client_with(scope: RegionScope) -> TestClient:
    """A caller with the right to read the registry within `scope`."""
    reader = Principal("token", 0, "test", "test", None, frozenset({"registry.read"}), scope)
    app = create_app()
    app.dependency_overrides[current_principal] = lambda: reader
    return TestClient(app)


@pytest.fixture
def registry(engine):
    """Five households in 150426 (two members each) and one in 150102."""
    numbers = []
    with unit_of_work(engine) as session:
        ids = []
        for i in range(5):
            head = person("head", name=f"{'巴特尔' if i % 2 else '张'}{i}")
            numbers.append(head.id_number)
            h = service.register_household(
                session,
                household(
                    head,
                    person("spouse", name=f"其木格{i}"),
                    assets=[AssetIn(kind="deposit", value_yuan="100")],
                ),
                actor="t",
            )
            ids.append(h.id)
        other = service.register_household(
            session,
            household(person("head", hukou_region="150102", residence_region="150102"), banner="150102"),
            actor="t",
        )
        service.update_person(
            session,
            h.members[0].id,
            PersonUpdate(
                incomes=[{"category": "wages", "monthly_yuan": "800", "effective_from": "2024-01-01"}],
                tags=["dibao"],
            ),
            actor="t",
        )
    return {"banner": ids, "other": other.id, "numbers": numbers}


def test_households_are_keyset_paged_and_filtered(registry):
    client = client_with(REGION_WIDE)
    first = client.get("/api/households", params={"limit": 2}).json()
    assert first["total"] == 6 and len(first["items"]) == 2
    second = client.get("/api/households", params={"limit": 2, "after_id": first["next_after_id"]}).json()
    assert [h["id"] for h in second["items"]] == registry["banner"][2:4]
    last = client.get("/api/households", params={"limit": 5, "after_id": second["next_after_id"]}).json()
    assert len(last["items"]) == 2 and last["next_after_id"] is None
    in_banner = client.get("/api/households", params={"region": "150426"}).json()
    assert in_banner["total"] == 5
    assert client.get("/api/households", params={"region": "150100"}).json()["total"] == 1
    unknown = client.get("/api/households", params={"region": "150499"})
    assert unknown.status_code == 422 and unknown.json()["error"]["fields"][0]["field"] == "region"


def test_household_detail_and_history(registry):
    client = client_with(REGION_WIDE)
    household_id = registry["banner"][-1]
    answer = client.get(f"/api/households/{household_id}")
    assert answer.status_code == 200
    body = answer.json()
    head = body["members"][0]
    assert head["incomes"][0] == {
        "category": "wages",
        "monthly_fen": 80000,
        "effective_from": "2024-01-01",
        "effective_to": None,
    }
    assert head["tags"] == ["dibao"]
    assert body["assets"][0]["value_fen"] == 10000
    history = client.get(f"/api/households/{household_id}/history").json()
    assert [e["action"] for e in history] == ["registry.update_person", "registry.register_household"]
    assert history[0]["before"]["incomes"] == [] and history[0]["after"]["incomes"][0]["monthly_fen"] == 80000
    assert client.get("/api/households/999999").status_code == 404
    assert client.get("/api/households/999999/history").status_code == 404
    for path in (
        f"/api/households/{household_id}",
        f"/api/households/{household_id}/history",
        "/api/persons",
    ):
        assert not FULL_ID.search(client.get(path).text), path


def test_persons_filters(registry):
    client = client_with(REGION_WIDE)
    everyone = client.get("/api/persons", params={"limit": 500}).json()
    assert everyone["total"] == 11
    named = client.get("/api/persons", params={"name": "巴特尔"}).json()
    assert sorted(p["name"] for p in named["items"]) == ["巴特尔1", "巴特尔3"]
    number = registry["numbers"][2]
    found = client.get("/api/persons", params={"id_number": number}).json()
    assert found["total"] == 1 and found["items"][0]["name"] == "张2"
    assert found["items"][0]["id_number_masked"] == number[:6] + "********" + number[14:]
    assert client.get("/api/persons", params={"region": "150102"}).json()["total"] == 1
    page = client.get("/api/persons", params={"limit": 4, "after_id": 4}).json()
    assert [p["id"] for p in page["items"]] == [5, 6, 7, 8]


def test_scope_hides_what_is_outside_it(registry):
    client = client_with(RegionScope("150426"))
    assert client.get("/api/households").json()["total"] == 5
    assert client.get(f"/api/households/{registry['other']}").status_code == 404
    assert client.get(f"/api/households/{registry['other']}/history").status_code == 404
    assert client.get("/api/households", params={"region": "150102"}).status_code == 404
    assert client.get("/api/persons", params={"region": "150100"}).status_code == 404
    assert client.get("/api/persons").json()["total"] == 10
    assert client.get("/api/households", params={"region": "150400"}).json()["total"] == 5
