"""A caseworker finds a person by name as it is typed on a phone: without accents, in
any case; and a database made before the folded name existed is searched the same."""

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from service.db import MIGRATIONS, make_engine, migrate
from tests.integration.api.test_records import NEW


def _found(service, words: str) -> set[str]:
    got = service.client.get(
        "/participants", params={"q": words, "limit": 200}, headers=service.as_("caseworker")
    )
    assert got.status_code == 200
    return {p["display_name"] for p in got.json()["items"]}


def test_a_name_is_found_without_its_accents_and_in_any_case(service):
    cw = service.as_("caseworker")
    name = "Íñigo Álvarez Peñalver"
    body = {**NEW, "display_name": name}
    assert service.client.post("/participants", json=body, headers=cw).status_code == 201
    for typed in ("alvarez", "ÁLVAREZ", "inigo penalver", "Íñigo", "varez"):
        assert name in _found(service, typed), typed
    assert name not in _found(service, "alvares")
    moved = service.client.get("/participants", params={"q": "penalver"}, headers=cw).json()
    renamed = {"display_name": "Íñigo Ruiz"}
    pid = moved["items"][0]["participant_id"]
    assert service.client.patch(f"/participants/{pid}", json=renamed, headers=cw).is_success
    assert "Íñigo Ruiz" in _found(service, "inigo ruiz")
    assert not _found(service, "penalver")


def _filled(table: sa.Table, given: dict) -> dict:
    """A row of ``table`` with ``given``, and a plain value in every other required column."""
    plain = {sa.Integer: 1, sa.Boolean: False, sa.JSON: "[]", sa.DateTime: datetime.now(UTC)}
    row = dict(given)
    for column in table.columns:
        if column.name not in row and not column.nullable and column.server_default is None:
            kind = next((v for k, v in plain.items() if isinstance(column.type, k)), "x")
            row[column.name] = kind
    return row


def test_the_folded_names_are_filled_in_for_people_stored_before(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0007")
        old = sa.MetaData()
        old.reflect(connection)
        edition = {"id": 1, "start_date": date(2025, 1, 1), "end_date": date(2025, 6, 30)}
        connection.execute(
            old.tables["editions"].insert(), _filled(old.tables["editions"], edition)
        )
        person = {"id": 1, "edition_id": 1, "display_name": "Begoña Núñez", "pseudonym": "T-1"}
        people = old.tables["participants"]
        connection.execute(people.insert(), _filled(people, person))
    migrate(engine)
    with engine.connect() as connection:
        folded = connection.execute(sa.text("SELECT search_name FROM participants")).scalar()
    assert folded == "begona nunez"
