"""Printing labels: for devices (recorded in their history) or pre-printed, unclaimed tags."""

from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import insert

from refurb.db_types import utcnow
from refurb.errors import InvalidInput
from refurb.extensions import db
from refurb.history.models import Event
from refurb.history.services import record
from refurb.i18n import gettext as _
from refurb.inventory.label_sheets import TEMPLATES, Label, Template, render_labels
from refurb.inventory.models import Device, IssuedTag
from refurb.inventory.services.intake import new_tags
from refurb.numbering import next_reference
from refurb.web import public_url_for

MAX_LABELS = 5000
QR_ALPHANUMERIC = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")


def label_url(tag: str) -> str:
    """What a label's QR code encodes: the public address of /t/<tag>, written in upper case
    (HTTPS://HOST/T/GN-…) whenever all of it is then in the QR alphanumeric set, which takes
    a code a version smaller, so larger modules on the same label. A public URL with a path of
    its own keeps its case (the path may be case-sensitive behind a proxy)."""
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    upper = f"{base.upper()}/T/{tag}"
    if urlsplit(base).path or not set(upper) <= QR_ALPHANUMERIC:
        return public_url_for("inventory.scanned", tag=tag)
    return upper


def template_named(key: str) -> Template:
    template = TEMPLATES.get(key)
    if template is None:
        raise InvalidInput(
            "unknown_template",
            _("Modèle d'étiquettes inconnu : %(key)s.", key=key),
            details={"template": "unknown"},
        )
    return template


def check_start(template: Template, start: int) -> None:
    if not 0 <= start < template.per_page:
        raise InvalidInput(
            "start_out_of_range",
            _("La position de départ va de 1 à %(n)d sur cette planche.", n=template.per_page),
            details={"start": "out_of_range"},
        )


def device_label(device: Device) -> Label:
    line = " · ".join(p for p in (str(device.category.label), device.brand_and_model) if p)
    return Label(device.tag, label_url(device.tag), line)


def print_device_labels(devices: list[Device], actor, template: Template, start: int = 0) -> bytes:
    """The labels of these devices; each print is written to the device's history."""
    check_start(template, start)
    if not devices:
        raise InvalidInput(
            "no_devices", _("Aucun appareil sélectionné."), details={"tags": "empty"}
        )
    if len(devices) > MAX_LABELS:
        raise InvalidInput("too_many", _("Au plus %(n)d étiquettes à la fois.", n=MAX_LABELS))
    pdf = render_labels([device_label(d) for d in devices], template, start)
    now = utcnow()
    db.session.execute(
        insert(Event),
        [
            {
                "subject_type": "device",
                "subject_id": d.id,
                "action": "device.labels_printed",
                "actor_id": getattr(actor, "id", None),
                "occurred_at": now,
                "details": {"template": template.key},
            }
            for d in devices
        ],
    )
    return pdf


def issue_unclaimed(count: int, actor, template: Template, start: int = 0) -> tuple[str, bytes]:
    """Print `count` new tags that no device carries yet; return the batch reference and PDF."""
    check_start(template, start)
    if not 1 <= count <= MAX_LABELS:
        raise InvalidInput(
            "count_out_of_range",
            _("Nombre d'étiquettes entre 1 et %(n)d.", n=MAX_LABELS),
            details={"count": "out_of_range"},
        )
    batch = next_reference("ETQ")
    issued = new_tags(count)
    db.session.execute(
        insert(IssuedTag),
        [
            {
                "tag": tag,
                "batch": batch,
                "issued_at": utcnow(),
                "issued_by_id": getattr(actor, "id", None),
            }
            for tag in issued
        ],
    )
    record(
        "label_batch",
        0,
        "labels.issued",
        actor=actor,
        details={"batch": batch, "count": count, "template": template.key},
    )
    labels = [Label(tag, label_url(tag)) for tag in issued]
    return batch, render_labels(labels, template, start)
