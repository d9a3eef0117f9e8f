from fastapi.testclient import TestClient

from minsheng.api.app import create_app
from minsheng.security import service
from minsheng.store.db import unit_of_work


def test_health_and_regions(engine):
    client = TestClient(create_app())
    health = client.get("/api/health")
    assert health.status_code == 200
    assert health.json()["database"] == engine.dialect.name
    banners = client.get("/api/regions", params={"within": "150400", "level": "banner"}).json()
    assert {b["code"] for b in banners} >= {"150426", "150402"}
    assert all(b["code"].startswith("1504") for b in banners)


def test_unknown_region_answers_404_with_a_json_body(engine):
    client = TestClient(create_app())
    answer = client.get("/api/regions/150499")
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"


def test_households_filter_validates_the_region(engine):
    client = TestClient(create_app())
    assert client.get("/api/households").status_code == 401  # the registry answers only a known caller
    with unit_of_work(engine) as session:
        _, secret = service.issue_token(session, name="test", scopes=["registry.read"], region_code="150000")
    client.headers["Authorization"] = f"Bearer {secret}"
    answer = client.get("/api/households", params={"region": "150499"})
    assert answer.status_code == 422
    assert answer.json()["error"]["fields"][0]["field"] == "region"
    assert client.get("/api/households", params={"region": "150426"}).json()["total"] == 0
