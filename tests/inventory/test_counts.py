"""The device list's counts come from counters the database keeps (migration 0010), its text
search from an index, and neither the list nor the device page runs more queries as rows grow."""

import pytest
import sqlalchemy as sa

from refurb.auth.models import User
from refurb.auth.roles import Role
from refurb.extensions import db
from refurb.inventory.enums import Category, Grade, MediumKind, State
from refurb.inventory.models import Device, DeviceCount
from refurb.inventory.search import DeviceFilters, search_devices
from refurb.inventory.services import workshop
from tests.conftest import statements


def counted() -> dict:
    rows = db.session.execute(
        sa.select(DeviceCount.state, DeviceCount.category, DeviceCount.grade, DeviceCount.devices)
    )
    return {(s, c, g): n for s, c, g, n in rows if n}


def actual() -> dict:
    rows = db.session.execute(
        sa.text(
            "SELECT state, category, COALESCE(grade, ''), count(*) FROM devices"
            " GROUP BY state, category, COALESCE(grade, '')"
        )
    )
    return {(s, c, g): n for s, c, g, n in rows}


def test_counters_follow_every_way_a_device_changes(in_app, make_device):
    first = make_device(State.RECEIVED)
    second = make_device(State.DIAGNOSIS, Category.TABLET)
    with in_app():
        assert (
            counted()
            == actual()
            == {
                ("received", "laptop", ""): 1,
                ("diagnosis", "tablet", ""): 1,
            }
        )
        device = db.session.get(Device, first.id)
        device.state, device.grade = State.READY, Grade.A
        db.session.get(Device, second.id).category = Category.SMARTPHONE
        db.session.commit()
        assert (
            counted()
            == actual()
            == {("ready", "laptop", "A"): 1, ("diagnosis", "smartphone", ""): 1}
        )
        # a bulk insert and a bulk update, below the ORM, are counted too
        db.session.execute(
            sa.insert(Device),
            [
                {
                    **{
                        c: getattr(device, c)
                        for c in (
                            "category",
                            "brand",
                            "model",
                            "state",
                            "cycle_started_at",
                            "state_changed_at",
                            "created_at",
                        )
                    },
                    "tag": f"GN-BULK{n}",
                    "version": 1,
                    "accessories": "",
                    "notes": "",
                    "has_free_software": False,
                    "has_dys_software": False,
                    "simplified": False,
                    "storage_absent": False,
                }
                for n in range(3)
            ],
        )
        db.session.execute(sa.update(Device).where(Device.tag == "GN-BULK0").values(grade="C"))
        db.session.delete(db.session.get(Device, second.id))
        db.session.commit()
        assert (
            counted()
            == actual()
            == {
                ("ready", "laptop", "A"): 1,
                ("ready", "laptop", ""): 2,
                ("ready", "laptop", "C"): 1,
            }
        )
        db.session.execute(sa.update(Device).values(state=State.DEPLOYED))  # one statement, 4 rows
        db.session.rollback()  # ... rolled back: the counters with it
        assert counted() == actual()


def test_the_list_counts_what_its_filters_keep_and_links_keep_them(client, login_as, make_device):
    login_as(Role.TECHNICIAN)
    for _ in range(2):
        make_device(State.READY, Category.LAPTOP)
    make_device(State.READY, Category.TABLET)
    make_device(State.RECEIVED, Category.TABLET)
    page = client.get("/appareils?category=tablet").get_data(as_text=True)
    assert 'result-line">2 appareils' in page
    assert 'href="/appareils?state=ready&amp;category=tablet"' in page
    ready = page.split('state=ready&amp;category=tablet"')[1].split("</a>")[0]
    assert "<strong>1</strong>" in ready  # the tablets, not the 3 ready devices
    with_state = client.get("/appareils?category=tablet&state=ready").get_data(as_text=True)
    assert 'result-line">1 appareil\n' in with_state


@pytest.mark.parametrize(
    "typed, found",
    [
        ("MODÈLE", {"first", "second"}),
        ("dèle 4", {"first"}),
        ("Zenbook", {"second"}),
        ("iPhone", set()),
    ],
)
def test_text_search_finds_a_part_of_any_column_whatever_the_case(
    in_app, make_device, typed, found
):
    devices = {"first": make_device(), "second": make_device()}
    with in_app():
        for name, model in [("first", "Modèle 42"), ("second", "Modèle Zenbook 14")]:
            db.session.get(Device, devices[name].id).model = model
        db.session.commit()
        rows, total, _counts = search_devices(DeviceFilters(q=typed))
        assert {row[0].tag for row in rows} == {devices[name].tag for name in found}
        assert total == len(found)


def test_a_searched_list_counts_each_state_on_every_page_in_one_statement(in_app, make_device):
    """A text search counts its states in the page's own statement: the same counts on the
    first page, on a later one, past the end and beside a state filter."""
    states = [State.READY] * 3 + [State.REPAIR] * 2 + [State.RECEIVED]
    made = [make_device(state) for state in states]
    other = make_device(State.READY)
    with in_app():
        for device in made:
            db.session.get(Device, device.id).model = "Latitude 5490"
        db.session.get(Device, other.id).model = "Zenbook 14"
        db.session.commit()
        expected = {"ready": 3, "repair": 2, "received": 1}
        seen = set()
        for page in (1, 2, 3, 4):
            rows, total, counts = search_devices(DeviceFilters(q="latitude", per_page=2, page=page))
            assert (counts, total) == (expected, 6), page
            seen |= {row[0].tag for row in rows}
        assert seen == {device.tag for device in made}  # pages 1 to 3, page 4 past the end
        rows, total, counts = search_devices(DeviceFilters(q="latitude", state="repair"))
        assert (counts, total, len(rows)) == (expected, 2, 2)
        listed, total, counts = search_devices(DeviceFilters(q="latitude"), listed_only=True)
        assert (counts, total, len(listed)) == (expected, 6, 6)
        assert all(row[0].model == "Latitude 5490" for row in listed)


def test_the_list_runs_the_same_few_queries_for_2_rows_or_40(app, client, login_as, make_device):
    login_as(Role.TECHNICIAN)
    make_device()
    make_device()

    def run(path):
        with app.app_context(), statements() as seen:
            assert client.get(path).status_code == 200
        return len(seen)

    few = {path: run(path) for path in ("/appareils", "/appareils?q=thinkpad")}
    for _ in range(38):
        make_device()
    assert {path: run(path) for path in few} == few
    # SQLite's BEGIN, the session's user, the counts, the rows (only the columns listed: no
    # media); a text search counts its states in the page's own statement.
    assert few["/appareils"] <= 4
    assert few["/appareils?q=thinkpad"] <= 3


def test_the_device_page_runs_the_same_queries_whatever_its_history(
    app, client, in_app, login_as, make_device, technician
):
    login_as(Role.TECHNICIAN)
    device = make_device(State.DIAGNOSIS)
    with app.app_context(), statements() as few:
        assert client.get(f"/appareils/{device.tag}").status_code == 200
    with in_app():
        found = db.session.get(Device, device.id)
        actor = db.session.get(User, technician.id)
        for n in range(4):
            workshop.add_medium(found, actor, MediumKind.SSD, serial=f"S{n}", size_gb=128)
        for n in range(10):
            workshop.update_device(found, actor, found.version, notes=f"note {n}")
        db.session.commit()
    with app.app_context(), statements() as many:
        assert client.get(f"/appareils/{device.tag}").status_code == 200
    assert len(many) == len(few)
    assert len(few) <= 10  # the holder asked once for all actions, the erasures read once


def test_every_sort_ends_on_a_unique_column_so_pages_neither_repeat_nor_drop_a_device():
    """Devices received at the same instant (an import) are ordered by id or tag in the end:
    otherwise the database may give tied rows in another order from one page to the next."""
    from refurb.inventory.search import SORTS

    unique = {Device.id.key, Device.tag.key}
    for name, order in SORTS.items():
        last = getattr(order[-1], "element", order[-1])  # the column under .desc()
        assert last.key in unique, name
