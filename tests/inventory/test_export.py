"""The device list's CSV export opens right in French Excel: UTF-8 with a BOM, `;`, French
headers and labels, decimal comma, dd/mm/yyyy, text a spreadsheet would run kept as text."""

import csv
import io
from datetime import UTC, datetime

from refurb.db_types import clock_at
from refurb.extensions import db
from refurb.inventory.enums import Category, Grade, State
from refurb.inventory.models import Device
from tests.conftest import sign_in


def test_the_export_is_for_french_excel(client, technician, make_device, in_app):
    sign_in(client, technician.email, technician.password)
    with clock_at(datetime(2026, 3, 31, 22, 30, tzinfo=UTC)):  # 1 April in Paris
        laptop = make_device(State.READY, serial_number="PF1ABC23", weight_kg=0.91)
    with in_app():
        device = db.session.get(Device, laptop.id)
        device.grade, device.model, device.os = Grade.B, '=HYPERLINK("http://x")', "Ubuntu"
        db.session.commit()
    make_device(State.RECEIVED, category=Category.SCREEN)

    answer = client.get("/appareils/export.csv?state=ready")
    assert answer.mimetype == "text/csv"
    assert answer.data.startswith("\ufeff".encode())  # the BOM
    rows = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig")), delimiter=";"))
    header, row = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert header[:4] == ["Étiquette", "Catégorie", "Marque", "Modèle"]
    assert "État" in header and "Reçu le" in header and "Poids (kg)" in header
    assert len(rows) == 2
    assert row["Étiquette"] == laptop.tag
    assert row["Catégorie"] == "Ordinateur portable"
    assert row["État"] == "Prêt au réemploi"
    assert row["État esthétique"] == "B — traces d'usage légères"
    assert row["Poids (kg)"] == "0,91"
    assert row["Reçu le"] == "01/04/2026"
    assert row["Appareil simplifié"] == "non"
    assert row["Modèle"] == '\'=HYPERLINK("http://x")'  # inert: text, not a formula
    assert row["Numéro de série"] == "PF1ABC23"


def test_an_export_of_thousands_of_rows_streams_to_its_end(client, technician, in_app):
    """Past the first chunk (1,000 rows), the stream keeps reading the same result."""
    import sqlalchemy as sa

    from refurb.db_types import utcnow

    now = utcnow()
    with in_app() as session:
        session.execute(
            sa.insert(Device),
            [
                {
                    "tag": f"GN-EXP{n:05d}",
                    "category": Category.LAPTOP,
                    "brand": "Dell",
                    "model": "Latitude",
                    "state": State.READY,
                    "version": 1,
                    "accessories": "",
                    "notes": "",
                    "cycle_started_at": now,
                    "state_changed_at": now,
                    "created_at": now,
                }
                for n in range(2500)
            ],
        )
        session.commit()
    sign_in(client, technician.email, technician.password)
    answer = client.get("/appareils/export.csv?state=ready")
    rows = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig")), delimiter=";"))
    assert answer.status_code == 200 and len(rows) == 2501
