"""What the person who sent a CSV file reads: each refusal whole (line, column, French
reason), the summary, the words a spreadsheet may use for a category, and what each imported
device and its event keep."""

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from refurb.auth.models import User
from refurb.errors import InvalidInput
from refurb.extensions import db
from refurb.history.models import Event
from refurb.inventory.enums import Category, DonorKind, State
from refurb.inventory.importer import (
    COLUMNS,
    ImportRejected,
    SerialWarning,
    decode,
    import_devices,
    serial_warnings,
)
from refurb.inventory.models import Device, Donor
from refurb.inventory.services import intake
from tests.conftest import TODAY


@pytest.fixture
def make_collection(in_app):
    """`make_collection()`: a donor's collection (id, reference), committed."""
    donor = []

    def make():
        with in_app() as session:
            if not donor:
                donor.append(
                    intake.create_donor(None, "Gascogne Logistique", DonorKind.ENTREPRISE).id
                )
            collection = intake.create_collection(None, session.get(Donor, donor[0]), TODAY)
            session.commit()
            return SimpleNamespace(id=collection.id, reference=collection.reference)

    return make


def rejected(in_app, technician, text: str) -> tuple[str, list[tuple]]:
    with in_app() as session:
        with pytest.raises(ImportRejected) as refused:
            import_devices(session.get(User, technician.id), text)
        session.rollback()
    errors = [(e.line, e.column, e.reason.replace("\u202f", " ")) for e in refused.value.errors]
    assert refused.value.code == "import_rejected"
    # the API's details: the same rows, named
    assert [
        (row["line"], row["column"], row["reason"].replace("\u202f", " "))
        for row in refused.value.details["rows"]
    ] == errors
    assert all(set(row) == {"line", "column", "reason"} for row in refused.value.details["rows"])
    return refused.value.message.replace("\u202f", " "), errors


def test_each_bad_row_is_told_in_full(in_app, technician, make_device):
    text = (
        "category;brand;year_of_manufacture;weight_kg;tag;collection\n"
        "laptop;HP;2018;2,1;;\n"
        "grille-pain;HP;2018;;;\n"
        ";HP;deux mille;lourd;;\n"
        "laptop;HP;2018;;GN-0000001;\n"
        "laptop;HP;2018;;;COL-1999-0001\n"
    )
    message, errors = rejected(in_app, technician, text)
    assert message == "Import refusé : 6 erreurs. Aucun appareil n'a été importé."
    assert errors[:4] == [
        (3, "category", "catégorie inconnue : « grille-pain »"),
        (4, "category", "catégorie inconnue : «  »"),
        (4, "year_of_manufacture", "nombre attendu : « deux mille »"),
        (4, "weight_kg", "nombre attendu : « lourd »"),
    ]
    assert errors[4][:2] == (5, "tag")  # the tag check's own sentence (tests/inventory/test_tags)
    assert errors[5] == (6, "collection", "collecte inconnue : COL-1999-0001")


def test_one_error_is_said_in_the_singular(in_app, technician):
    message, errors = rejected(in_app, technician, "category\nvélo\n")
    assert message == "Import refusé : 1 erreur. Aucun appareil n'a été importé."
    assert errors == [(2, "category", "catégorie inconnue : « vélo »")]


def test_a_header_is_told_what_is_missing_and_what_it_may_hold(in_app, technician):
    _message, errors = rejected(in_app, technician, "marque\nHP\n")
    assert errors == [
        (1, "category", "colonne obligatoire absente"),
        (1, "marque", f"colonne inconnue (colonnes possibles : {', '.join(COLUMNS)})"),
    ]


def test_a_file_of_headers_only_or_blank_lines_says_it_holds_no_device(in_app, technician):
    _message, errors = rejected(in_app, technician, "category;brand\n;\n  ;  \n")
    assert errors == [(2, "", "le fichier ne contient aucune ligne d'appareil")]


def test_an_unknown_encoding_is_said():
    with pytest.raises(InvalidInput) as refused:
        decode(b"\x81\x8d\x8f\x90\x9d")
    assert refused.value.code == "csv_encoding"
    assert refused.value.message == "Encodage du fichier non reconnu (utilisez UTF-8)."


@pytest.mark.parametrize(
    "typed, category",
    [
        ("laptop", Category.LAPTOP),
        ("Ordinateur portable", Category.LAPTOP),
        ("  PC   Portable ", Category.LAPTOP),
        ("notebook", Category.LAPTOP),
        ("portable", Category.LAPTOP),
        ("Fixe", Category.DESKTOP),
        ("pc fixe", Category.DESKTOP),
        ("ordinateur fixe", Category.DESKTOP),
        ("Tour", Category.DESKTOP),
        ("Unité centrale", Category.DESKTOP),
        ("Tablette", Category.TABLET),
        ("Téléphone", Category.SMARTPHONE),
        ("mobile", Category.SMARTPHONE),
        ("téléphone mobile", Category.SMARTPHONE),
        ("Smartphone", Category.SMARTPHONE),
        ("Écran", Category.SCREEN),
        ("moniteur", Category.SCREEN),
        ("Imprimante", Category.PRINTER),
        ("Périphérique", Category.PERIPHERAL),
        ("autre", Category.OTHER),
    ],
)
def test_the_words_a_spreadsheet_uses_for_a_category(in_app, technician, typed, category):
    with in_app() as session:
        (device_id,) = import_devices(session.get(User, technician.id), f"category\n{typed}\n")
        assert session.get(Device, device_id).category == category
        session.rollback()


def test_what_an_imported_device_and_its_event_keep(in_app, technician, make_collection):
    collection = make_collection()
    text = (
        "category,brand,model,serial_number,year_of_manufacture,weight_kg,accessories,notes\n"
        ' laptop , Lenovo , T480 , pf-1 abc ,2018,"1,9", chargeur , rayure \n'
    )
    with in_app() as session:
        actor = session.get(User, technician.id)
        (device_id,) = import_devices(actor, text, collection)
        device = session.get(Device, device_id)
        assert (device.brand, device.model, device.accessories, device.notes) == (
            "Lenovo",
            "T480",
            "chargeur",
            "rayure",
        )
        assert device.serial_number == intake.normalise_serial("pf-1 abc")
        assert (device.year_of_manufacture, device.weight_kg) == (2018, 1.9)
        assert (device.state, device.collection_id, device.created_by_id) == (
            State.RECEIVED,
            collection.id,
            technician.id,
        )
        assert device.created_at == device.state_changed_at == device.cycle_started_at
        event = session.scalar(
            select(Event).where(Event.subject_type == "device", Event.subject_id == device_id)
        )
        assert (event.subject_type, event.action, event.actor_id, event.to_state) == (
            "device",
            "device.received",
            technician.id,
            "received",
        )
        assert event.details == {"tag": device.tag, "collection_id": collection.id}
        assert event.occurred_at == device.created_at
        session.rollback()


def test_a_row_naming_a_collection_wins_over_the_one_chosen_for_the_file(
    in_app, technician, make_collection
):
    chosen, named = make_collection(), make_collection()
    with in_app() as session:
        ids = import_devices(
            session.get(User, technician.id),
            f"category,collection\nlaptop,\nlaptop,{named.reference}\n",
            chosen,
        )
        assert [session.get(Device, i).collection_id for i in ids] == [chosen.id, named.id]
        session.rollback()


def test_repeated_serials_are_said_not_refused(in_app, technician, make_device):
    carried = make_device(serial_number="SN-OLD")
    rows = [
        (2, {"serial_number": "SN-1"}),
        (3, {"serial_number": ""}),
        (4, {"serial_number": "SN-1"}),
        (5, {"serial_number": "SN-OLD"}),
        (6, {"serial_number": "SN-1"}),
    ]
    with in_app():
        warnings = serial_warnings(rows)
    assert warnings == [
        SerialWarning(4, "SN-1", "ligne 2"),
        SerialWarning(5, "SN-OLD", f"sur {carried.tag}"),
        SerialWarning(6, "SN-1", "ligne 2"),
    ]
    assert (
        warnings[1].sentence().replace("\u202f", " ") == f"ligne 5 : SN-OLD, déjà sur {carried.tag}"
    )


def test_the_import_hands_its_warnings_to_the_page(in_app, technician):
    warnings = []
    with in_app() as session:
        import_devices(
            session.get(User, technician.id),
            "category,serial_number\nlaptop,SN-9\ntablet,SN-9\n",
            warnings=warnings,
        )
        session.rollback()
    assert warnings == [SerialWarning(3, "SN-9", "ligne 2")]


def test_a_header_missing_the_category_alone_is_told_so(in_app, technician):
    assert rejected(in_app, technician, "brand\nHP\n")[1] == [
        (1, "category", "colonne obligatoire absente")
    ]
    assert [e[:2] for e in rejected(in_app, technician, "category,marque\nlaptop,HP\n")[1]] == [
        (1, "marque")
    ]


def test_a_text_too_long_is_told_its_limit(in_app, technician):
    _message, errors = rejected(in_app, technician, "category;brand\nlaptop;" + "B" * 81 + "\n")
    ((line, column, reason),) = errors
    assert (line, column) == (2, "brand") and "80" in reason


def test_columns_left_out_are_empty_not_invented(in_app, technician):
    with in_app() as session:
        (device_id,) = import_devices(session.get(User, technician.id), "category\nlaptop\n")
        device = session.get(Device, device_id)
        assert (device.brand, device.model, device.serial_number, device.notes) == (
            "",
            "",
            None,
            "",
        )
        assert (device.accessories, device.weight_kg, device.year_of_manufacture) == (
            "",
            None,
            None,
        )
        session.rollback()


def test_a_blank_line_in_the_middle_is_skipped_not_the_end(in_app, technician):
    with in_app() as session:
        ids = import_devices(
            session.get(User, technician.id), "category;brand\nlaptop;HP\n;\ntablet;Apple\n"
        )
        assert [session.get(Device, i).brand for i in ids] == ["HP", "Apple"]
        session.rollback()


def test_a_category_may_be_written_in_the_reader_s_language(app, technician):
    from flask import session as browser_session

    with app.test_request_context():
        browser_session["lang"] = "en"  # the page's language, chosen by the person
        label = str(Category.DESKTOP.label)
        assert label != "Ordinateur fixe"  # the English catalogue's
        (device_id,) = import_devices(db.session.get(User, technician.id), f"category\n{label}\n")
        assert db.session.get(Device, device_id).category == Category.DESKTOP
        db.session.rollback()
