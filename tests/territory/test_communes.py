"""The Gers communes and their EPCI, loaded from the shipped reference file."""

import pytest
from sqlalchemy import func, select

from refurb.auth.roles import Role
from refurb.territory.models import Commune, Epci
from refurb.territory.services import find_commune, load_communes, search_communes


def test_all_458_communes_and_their_17_epci_are_loaded(in_app):
    with in_app() as session:
        assert session.scalar(select(func.count()).select_from(Commune)) == 458
        assert session.scalar(select(func.count()).select_from(Epci)) == 17
        auch = session.get(Commune, "32013")
        assert (auch.name, auch.postal_codes, auch.epci.name) == (
            "Auch",
            "32000",
            "CA Grand Auch Coeur de Gascogne",
        )


def test_loading_again_changes_nothing(in_app):
    with in_app() as session:
        assert load_communes() == 458
        session.commit()
        assert session.scalar(select(func.count()).select_from(Commune)) == 458


@pytest.mark.parametrize(
    "typed, insee",
    [
        ("32013", "32013"),
        ("Auch (32000)", "32013"),
        ("auch", "32013"),
        ("eauze", "32119"),
        ("l isle jourdain", "32160"),
        ("L'ISLE-JOURDAIN (32600)", "32160"),
    ],
)
def test_a_commune_is_found_however_it_is_typed(in_app, typed, insee):
    with in_app():
        assert find_commune(typed).insee_code == insee


@pytest.mark.parametrize("typed", ["", "Toulouse", "31555", "Auch (31000)"])
def test_communes_outside_the_gers_are_not_found(in_app, typed):
    with in_app():
        assert find_commune(typed) is None


def test_search_by_postal_code_and_by_name(in_app):
    with in_app():
        assert {c.name for c in search_communes("32230")} >= {"Marciac"}
        found = search_communes("mar")
        assert found and all(c.name.startswith("Mar") for c in found)
        assert len(search_communes("")) == 20


def test_the_api_searches_communes(client, api_token):
    headers, _user = api_token(Role.TECHNICIAN)
    found = client.get("/api/v1/communes?q=32300", headers=headers).json["items"]
    assert any(
        c["name"] == "Mirande" and c["epci"] == "CC Coeur d'Astarac en Gascogne" for c in found
    )
