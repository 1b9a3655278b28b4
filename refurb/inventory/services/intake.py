"""Receiving devices: donors, partnerships, collections, and the devices themselves."""

from datetime import date

from sqlalchemy import select

from refurb import uploads
from refurb.auth.models import Organisation
from refurb.bounds import InvalidFields, check_fields
from refurb.errors import InvalidInput, check_version
from refurb.extensions import db
from refurb.history.services import record
from refurb.i18n import gettext as _
from refurb.inventory import tags
from refurb.inventory.enums import Category, DonorKind
from refurb.inventory.models import Collection, Device, Donor, IssuedTag, Partnership
from refurb.lookups import get_or_none
from refurb.numbering import next_reference
from refurb.sql import in_batches
from refurb.territory.models import Commune

DEVICE_FIELDS = (
    "category",
    "brand",
    "model",
    "serial_number",
    "year_of_manufacture",
    "weight_kg",
    "accessories",
    "notes",
    "collection_id",
)


def _check_donor(fields: dict, donor=None) -> None:
    if "name" in fields and not fields["name"].strip():
        raise InvalidInput(
            "name_required", _("Le nom du donateur est obligatoire."), details={"name": "required"}
        )
    check_fields(Donor, fields, donor)
    _check_references(fields, organisation_id=Organisation, commune_code=Commune)


def _check_references(fields: dict, **models) -> None:
    """Refuse ids of records that do not exist (a 400 naming the field, not a database error)."""
    for name, model in models.items():
        value = fields.get(name)
        if value in (None, ""):
            continue
        found = get_or_none(model, value) if isinstance(value, int) else None
        if found is None and isinstance(value, str):
            found = db.session.get(model, value)
        if found is None:
            raise InvalidInput(
                "unknown_reference",
                _("Valeur inconnue : choisissez-la dans la liste."),
                details={name: "unknown"},
            )


def create_donor(actor, name: str, kind: DonorKind, **fields) -> Donor:
    _check_donor({"name": name, **fields})
    donor = Donor(name=name.strip(), kind=kind, **fields)
    db.session.add(donor)
    db.session.flush()
    record("donor", donor.id, "donor.created", actor=actor, details={"kind": kind.value})
    return donor


def update_donor(donor: Donor, actor, version, **fields) -> None:
    check_version(donor, version)
    _check_donor(fields, donor)
    for key, value in fields.items():
        setattr(donor, key, value)
    record("donor", donor.id, "donor.updated", actor=actor, details={"changed": sorted(fields)})
    db.session.flush()


def add_partnership(
    donor: Donor,
    actor,
    signed_on: date,
    ends_on: date | None = None,
    notes: str = "",
    document: bytes | None = None,
    document_name: str = "",
) -> Partnership:
    """Record a partnership with a donor, with its signed agreement (a PDF) if given."""
    if ends_on is not None and ends_on < signed_on:
        raise InvalidInput(
            "ends_before_signed",
            _("La fin du partenariat précède sa signature."),
            details={"ends_on": "before_signed_on"},
        )
    document_path = ""
    if document:
        uploads.recognise(document, uploads.PDF_ONLY, "document")
        document_path = uploads.store("partnerships", document, str(donor.id), ".pdf")
        document_name = (document_name or "convention.pdf")[:255]
    partnership = Partnership(
        donor=donor,
        signed_on=signed_on,
        ends_on=ends_on,
        notes=notes,
        document_name=document_name,
        document_path=document_path,
    )
    db.session.add(partnership)
    db.session.flush()
    record(
        "donor",
        donor.id,
        "donor.partnership_signed",
        actor=actor,
        details={"partnership_id": partnership.id, "signed_on": signed_on.isoformat()},
    )
    return partnership


def create_collection(
    actor,
    donor: Donor,
    collected_on: date,
    place: str = "",
    workshop_id: int | None = None,
    notes: str = "",
) -> Collection:
    check_fields(Collection, {"collected_on": collected_on, "place": place, "notes": notes})
    _check_references({"workshop_id": workshop_id}, workshop_id=Organisation)
    collection = Collection(
        reference=next_reference("COL", on=collected_on),
        donor=donor,
        collected_on=collected_on,
        place=place,
        workshop_id=workshop_id,
        notes=notes,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(collection)
    db.session.flush()
    record(
        "collection",
        collection.id,
        "collection.created",
        actor=actor,
        organisation_id=workshop_id,
        details={"donor_id": donor.id},
    )
    return collection


def tag_in_use(tag: str) -> Device | None:
    return db.session.scalar(select(Device).where(Device.tag == tag))


def tags_taken(candidates: set[str], reserved: bool = False) -> set[str]:
    """Which of `candidates` a device carries, or (`reserved`) a pre-printed sheet holds for a
    device to come: a typed tag may be pre-printed, a generated one must not (batched IN)."""
    found: set[str] = set()
    for batch in in_batches(sorted(candidates)):
        found.update(db.session.scalars(select(Device.tag).where(Device.tag.in_(batch))))
        if reserved:
            found.update(db.session.scalars(select(IssuedTag.tag).where(IssuedTag.tag.in_(batch))))
    return found


def new_tags(count: int, avoid: set[str] = frozenset()) -> list[str]:
    """`count` distinct fresh tags, none carried, pre-printed or in `avoid` (a few queries
    whatever the count)."""
    chosen: set[str] = set()
    while len(chosen) < count:
        fresh = {tags.generate_tag() for _ in range(count - len(chosen))} - avoid - chosen
        chosen |= fresh - tags_taken(fresh, reserved=True)
    return list(chosen)


def unique_new_tag() -> str:
    """A tag carried by no device and printed on no pre-printed label."""
    return new_tags(1)[0]


def claim_tag(typed: str | None) -> str:
    """The tag for a new device: the typed (pre-printed) one if valid and free, or a new one."""
    if not typed or not typed.strip():
        return unique_new_tag()
    tag = tags.parse_tag(typed)
    holder = tag_in_use(tag)
    if holder is not None:
        raise InvalidInput(
            "tag_taken",
            _("L'étiquette %(tag)s est déjà sur un autre appareil.", tag=tag),
            details={"tag": "taken"},
        )
    return tag


def normalise_serial(serial: str | None) -> str | None:
    """Serial numbers compare case-insensitively: stored upper-case, empty as None."""
    serial = " ".join((serial or "").split()).upper()
    return serial or None


def check_device_fields(fields: dict) -> None:
    """Refuse implausible values in device fields (bounds.py) and an unknown collection."""
    check_fields(Device, fields)
    if (
        fields.get("collection_id") is not None
        and get_or_none(Collection, fields["collection_id"]) is None
    ):
        raise InvalidInput(
            "unknown_collection", _("Collecte inconnue."), details={"collection_id": "unknown"}
        )


def receive_device(actor, *, category: Category, tag: str | None = None, **fields) -> Device:
    """Record a device received into the inventory, in state `received`."""
    unknown = set(fields) - set(DEVICE_FIELDS)
    if unknown:
        raise TypeError(f"unknown device fields: {sorted(unknown)}")
    fields = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    fields["serial_number"] = normalise_serial(fields.get("serial_number"))
    refusals = []  # every field's problem at once, the tag's included
    try:
        check_device_fields(fields)
    except InvalidInput as refusal:
        refusals.append(refusal)
    try:
        claimed = claim_tag(tag)
    except InvalidInput as refusal:
        refusals.append(refusal)
    if len(refusals) == 1:
        raise refusals[0]  # its own code, as the API documents it
    if refusals:
        problems = {}
        for refusal in refusals:
            problems.update(
                getattr(refusal, "messages", None)
                or dict.fromkeys(refusal.details, refusal.message)
            )
        raise InvalidFields(problems)
    device = Device(
        tag=claimed, category=category, created_by_id=getattr(actor, "id", None), **fields
    )
    db.session.add(device)
    db.session.flush()
    record(
        "device",
        device.id,
        "device.received",
        actor=actor,
        to_state=device.state.value,
        details={"tag": device.tag, "collection_id": device.collection_id},
    )
    return device


def duplicate_serials(device: Device) -> list[str]:
    """Tags of other devices carrying the same serial number (flagged, not refused)."""
    if not device.serial_number:
        return []
    return list(
        db.session.scalars(
            select(Device.tag)
            .where(Device.serial_number == device.serial_number, Device.id != device.id)
            .order_by(Device.id)
        )
    )
