"""CSV intake: every bad row reported (line, column, reason) and nothing half-imported."""

import re
from io import BytesIO

import pytest
from sqlalchemy import func, select

from refurb.auth.models import User
from refurb.auth.roles import Role
from refurb.extensions import db
from refurb.inventory.importer import ImportRejected, decode, import_devices
from refurb.inventory.models import Device
from refurb.inventory.tags import format_tag, parse_tag

GOOD = """category;brand;model;serial_number;year_of_manufacture;weight_kg;tag
laptop;Lenovo;ThinkPad T480;PF1ABC23;2018;1,9;
Ordinateur fixe;Dell;OptiPlex 7050;7HXYZ12;2017;;{tag}
"""


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(Device))


def post_import(client, text: str, **fields):
    """Send a CSV file through the import page, as the browser's form does."""
    return client.post(
        "/appareils/import",
        data={**fields, "file": (BytesIO(text.encode()), "lot.csv")},
        content_type="multipart/form-data",
    )


def test_a_good_file_is_imported_whole(in_app, technician):
    with in_app() as session:
        actor = session.get(User, technician.id)
        ids = import_devices(actor, GOOD.format(tag=format_tag("7HQ2MX")))
        session.commit()
        devices = [session.get(Device, device_id) for device_id in ids]
        assert [d.category.value for d in devices] == ["laptop", "desktop"]
        assert devices[0].weight_kg == 1.9
        assert devices[1].tag == format_tag("7HQ2MX")


def test_bad_rows_are_all_reported_and_nothing_is_imported(in_app, technician, make_device):
    taken = make_device().tag
    text = (
        "category,brand,serial_number,year_of_manufacture,weight_kg,tag,collection\n"
        "laptop,HP,A1,2018,2.1,,\n"
        "toaster,HP,A2,2018,2.1,,\n"
        "laptop,HP,A3,deux mille,2.1,,\n"
        f"laptop,HP,A4,2018,2.1,{taken},\n"
        "laptop,HP,A5,2018,2.1,GN-0000001,\n"
        "laptop,HP,A6,2018,2.1,,COL-1999-0001\n"
        "laptop,HP,A7,1850,2.1,,\n"
    )
    with in_app() as session:
        before = count(session)
        with pytest.raises(ImportRejected) as rejected:
            import_devices(session.get(User, technician.id), text)
        session.rollback()
        reported = [(e.line, e.column) for e in rejected.value.errors]
        assert reported == [
            (3, "category"),
            (4, "year_of_manufacture"),
            (5, "tag"),
            (6, "tag"),
            (7, "collection"),
            (8, "year_of_manufacture"),
        ]
        assert count(session) == before


def test_header_problems_are_reported(in_app, technician):
    with in_app() as session:
        with pytest.raises(ImportRejected) as rejected:
            import_devices(session.get(User, technician.id), "marque,modele\nHP,X\n")
        assert {e.column for e in rejected.value.errors} == {"category", "marque", "modele"}


def test_windows_spreadsheets_are_read():
    assert decode("catégorie".encode("cp1252")) == "catégorie"
    assert decode("\ufeffcategory".encode("utf-8")) == "category"


def test_the_upload_page_shows_each_bad_row(client, login_as, in_app):
    login_as(Role.TECHNICIAN)
    response = post_import(client, "category,brand\nlaptop,HP\nfrigo,Miele\n")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Aucun appareil n&#39;a été importé" in page or "Aucun appareil n'a été importé" in page
    assert "<td>3</td>" in page and "frigo" in page
    with in_app() as session:
        assert count(session) == 0


def test_the_command_imports_a_file(app, tmp_path, in_app):
    path = tmp_path / "lot.csv"
    path.write_text("category;brand;model\nsmartphone;Samsung;Galaxy A40\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import-devices", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 appareil importé." in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("category\nvélo\n", encoding="utf-8")
    refused = app.test_cli_runner().invoke(args=["import-devices", str(bad)])
    assert refused.exit_code != 0 and "ligne 2, colonne category" in refused.output
    with in_app() as session:
        assert count(session) == 1


def big_file(rows: int, tagged: dict[int, str] | None = None) -> str:
    tagged = tagged or {}
    lines = ["category;brand;model;serial_number;weight_kg;tag"]
    lines += [f"laptop;Lenovo;T{n};SN{n:06d};1,8;{tagged.get(n, '')}" for n in range(rows)]
    return "\n".join(lines) + "\n"


def test_ten_thousand_rows_are_written_in_a_few_statements(app, in_app, technician):
    from sqlalchemy import event

    from refurb.history.models import Event
    from refurb.inventory.models import DeviceCount, IssuedTag

    statements = []
    with in_app() as session:
        preprinted = format_tag("PRE123")
        session.add(IssuedTag(tag=preprinted, batch="PRE-1"))
        session.commit()
        listener = lambda *args: statements.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            ids = import_devices(
                session.get(User, technician.id), big_file(10_000, {7: preprinted})
            )
            session.commit()
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert len(ids) == 10_000
        assert len(statements) < 60  # batches of 2,000, not five queries a row
        tags = session.scalars(select(Device.tag).order_by(Device.id)).all()
        assert len(set(tags)) == 10_000 and tags[7] == preprinted
        assert all(parse_tag(tag) == tag for tag in tags)
        assert session.get(Device, ids[9_999]).model == "T9999"
        assert session.get(Device, ids[9_999]).serial_number == "SN009999"
        received = select(func.count()).where(Event.action == "device.received")
        assert session.scalar(received.select_from(Event)) == 10_000
        assert session.scalar(select(func.sum(DeviceCount.devices))) == 10_000


def test_the_row_limit_is_a_setting(app, in_app, technician):
    app.config["IMPORT_MAX_ROWS"] = 3
    try:
        with in_app() as session:
            with pytest.raises(ImportRejected) as rejected:
                import_devices(session.get(User, technician.id), big_file(4))
            assert [(e.line, e.column, e.reason) for e in rejected.value.errors] == [
                (5, "", "plus de 3 lignes\u202f: découpez le fichier")
            ]
            assert count(session) == 0
    finally:
        app.config["IMPORT_MAX_ROWS"] = 50_000


def test_every_problem_of_a_row_is_reported_with_its_column(in_app, technician):
    text = "category;brand;model;weight_kg;tag\nlaptop;" + "B" * 81 + ";" + "M" * 121 + ";-2;\n"
    with in_app() as session:
        with pytest.raises(ImportRejected) as rejected:
            import_devices(session.get(User, technician.id), text)
        assert {(e.line, e.column) for e in rejected.value.errors} == {
            (2, "brand"),
            (2, "model"),
            (2, "weight_kg"),
        }


def test_a_long_file_shows_its_progress_then_the_outcome(client, login_as, in_app):
    login_as(Role.TECHNICIAN)
    response = post_import(client, big_file(4_500))
    assert response.is_streamed and response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Vérification\u202f: 2\u202f000 lignes sur 4\u202f500" in page
    assert "Enregistrement\u202f: 4\u202f500 appareils sur 4\u202f500" in page
    assert "4\u202f500 appareils importés." in page
    with in_app() as session:
        assert count(session) == 4_500


def test_a_long_file_with_a_bad_row_keeps_nothing_and_shows_the_row(client, login_as, in_app):
    login_as(Role.TECHNICIAN)
    text = big_file(4_500).replace("laptop;Lenovo;T4000;", "grille-pain;Lenovo;T4000;")
    response = post_import(client, text)
    page = response.get_data(as_text=True)
    assert "Aucun appareil n&#39;a été importé" in page
    assert "<td>4002</td>" in page and "grille-pain" in page
    assert 'type="file"' in page  # the form again, to send the corrected file
    with in_app() as session:
        assert count(session) == 0


def test_a_refreshed_import_page_does_not_import_the_file_twice(client, login_as, in_app):
    login_as(Role.TECHNICIAN)
    form = client.get("/appareils/import").get_data(as_text=True)
    sending = re.search(r'name="sending" type="hidden" value="([^"]+)"', form).group(1)
    data = {"sending": sending}

    def send():
        return post_import(client, big_file(4_500), **data)

    first = send().get_data(as_text=True)
    assert "4\u202f500 appareils importés." in first
    again = send()  # the browser's "resend the form" after a refresh
    assert again.status_code == 409
    assert "déjà été envoyé depuis cette page" in again.get_data(as_text=True)
    with in_app() as session:
        assert count(session) == 4_500
    fresh = re.search(r'name="sending" type="hidden" value="([^"]+)"', first).group(1)
    assert fresh != sending  # the form shown after the import is a new sending


def test_a_weight_that_is_not_a_number_is_refused(in_app, technician):
    with in_app() as session:
        with pytest.raises(ImportRejected) as rejected:
            import_devices(session.get(User, technician.id), "category;weight_kg\nlaptop;nan\n")
        assert [(e.line, e.column) for e in rejected.value.errors] == [(2, "weight_kg")]


def test_a_long_import_stopped_by_a_failure_says_so_and_keeps_nothing(
    client, login_as, in_app, monkeypatch
):
    from refurb.inventory.views import imports as views

    def failing_commit():
        raise RuntimeError("connexion perdue")

    monkeypatch.setattr(views, "commit_streamed", failing_commit)
    login_as(Role.TECHNICIAN)
    page = post_import(client, big_file(4_500)).get_data(as_text=True)
    assert "L&#39;import s&#39;est interrompu" in page and "aucun appareil n&#39;a été" in page
    assert "appareils importés." not in page
    with in_app() as session:
        assert count(session) == 0


def test_a_tag_repeated_in_the_file_and_one_already_on_a_device_are_each_named(
    in_app, technician, make_device
):
    # The repeat is caught row by row; the tag already carried is caught by the batched
    # second pass: both with their line, column and a reason that says which.
    taken = make_device().tag
    fresh = format_tag("Q1Q2Q3", "GN")
    text = (
        "category,tag\n"
        f"laptop,{fresh}\n"
        f"tablet,{fresh.lower()}\n"  # the same tag, typed differently
        f"laptop,{taken}\n"
    )
    with in_app() as session:
        with pytest.raises(ImportRejected) as rejected:
            import_devices(session.get(User, technician.id), text)
        session.rollback()
    errors = [(e.line, e.column, e.reason) for e in rejected.value.errors]
    assert errors == [
        (3, "tag", "étiquette déjà utilisée ligne 2"),
        (4, "tag", "étiquette déjà sur un appareil"),
    ]


def test_a_file_of_a_whole_number_of_batches_shows_its_own_total(client, login_as, in_app):
    login_as(Role.TECHNICIAN)
    response = post_import(client, big_file(4_000))
    page = response.get_data(as_text=True)
    assert "Vérification\u202f: 4\u202f000 lignes sur 4\u202f000" in page
    assert "4\u202f000 appareils importés." in page
