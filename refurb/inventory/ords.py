"""Export of repairs to the Open Repair Data Standard (ORDS 0.3) CSV columns."""

import io
import re
from collections.abc import Iterator

from flask import current_app
from sqlalchemy import select

from refurb.auth.models import Organisation
from refurb.extensions import db
from refurb.inventory.enums import Category
from refurb.inventory.models import Device, Repair
from refurb.spreadsheets import SafeWriter

COLUMNS = (
    "id",
    "data_provider",
    "country",
    "partner_product_category",
    "product_category",
    "product_category_id",
    "brand",
    "year_of_manufacture",
    "product_age",
    "repair_status",
    "repair_barrier_if_end_of_life",
    "group_identifier",
    "event_date",
    "problem",
)

ORDS_CATEGORIES = {
    Category.DESKTOP: (4, "Desktop computer"),
    Category.SCREEN: (8, "Flat screen"),
    Category.LAPTOP: (16, "Laptop"),
    Category.OTHER: (18, "Misc"),
    Category.SMARTPHONE: (19, "Mobile"),
    Category.PERIPHERAL: (22, "PC accessory"),
    Category.PRINTER: (25, "Printer/scanner"),
    Category.TABLET: (30, "Tablet"),
}

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# French numbers (06 12 34 56 78, 06.12.34.56.78, +33 6 12 34 56 78) and other long digit runs.
PHONE = re.compile(r"(?<!\w)(\+\d{1,3}[\s.-]?)?\(?\d{1,4}\)?([\s.-]?\d{2,4}){3,5}(?!\w)")


def scrub(text: str) -> str:
    """Remove e-mail addresses and phone numbers from free text."""
    return PHONE.sub("[numéro retiré]", EMAIL.sub("[e-mail retiré]", text or "")).strip()


def export_ords() -> Iterator[str]:
    provider = current_app.config.get("ORDS_DATA_PROVIDER", "Gers Numérique")
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    writer.writerow(COLUMNS)
    statement = (
        select(Repair, Device, Organisation.name)
        .join(Device, Device.id == Repair.device_id)
        .outerjoin(Organisation, Organisation.id == Repair.organisation_id)
        .order_by(Repair.id)
        .execution_options(yield_per=2000)
    )
    for repair, device, workshop in db.session.execute(statement):
        category_id, category = ORDS_CATEGORIES[device.category]
        year = device.year_of_manufacture
        event_date = repair.performed_at.date()
        writer.writerow(
            [
                f"refurb-{repair.id}",
                provider,
                "FRA",
                str(device.category.label),
                category,
                category_id,
                device.brand,
                year or "",
                (event_date.year - year) if year else "",
                repair.status.value,
                repair.barrier.value if repair.barrier else "",
                workshop or provider,
                event_date.isoformat(),
                scrub(repair.problem),
            ]
        )
    yield buffer.getvalue()
