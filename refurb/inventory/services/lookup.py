"""Tag → device, written once for pages, API and procedures: a mistyped tag (refused by its
check symbol) and an unknown one are both a NotFound that says which."""

from functools import cache

from sqlalchemy import bindparam, select
from sqlalchemy.orm import lazyload

from refurb.errors import DomainError, NotFound
from refurb.extensions import db
from refurb.i18n import gettext as _
from refurb.inventory import tags
from refurb.inventory.models import Device


@cache
def _by_tag(media: bool):
    """Built once per process (a label scanned is the commonest request): building the statement
    cost as much as running it."""
    query = select(Device).where(Device.tag == bindparam("tag"))
    return query if media else query.options(lazyload(Device.media))


def device_by_tag(tag: str, media: bool = True) -> Device:
    """The device with `tag`; `media=False` leaves its storage media to be loaded if touched
    (the label page never shows them)."""
    try:
        canonical = tags.parse_tag(tag)
    except DomainError as typo:
        raise NotFound("unknown_device", typo.message, details={"tag": "invalid"}) from typo
    device = db.session.scalar(_by_tag(media), {"tag": canonical})
    if device is None:
        raise NotFound(
            "unknown_device",
            _("Aucun appareil ne porte cette étiquette."),
            details={"tag": "unknown"},
        )
    return device
