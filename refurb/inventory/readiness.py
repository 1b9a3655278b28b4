"""What the current refurbishing cycle of a device holds: its latest functional test and the
media still to erase. Read by the lifecycle's guards and by the pages that explain them."""

from sqlalchemy import select

from refurb.extensions import db
from refurb.inventory.enums import ErasureMethod
from refurb.inventory.models import Device, Diagnosis, Erasure


def latest_diagnosis(device: Device) -> Diagnosis | None:
    return db.session.scalar(
        select(Diagnosis)
        .where(Diagnosis.device_id == device.id)
        .order_by(Diagnosis.performed_at.desc(), Diagnosis.id.desc())
        .limit(1)
    )


_LOOK_UP = object()


def known_defects(
    device: Device, diagnosis: Diagnosis | None | object = _LOOK_UP, *, french: bool = False
) -> list[str]:
    """The labels of the non-blocking faults found by the current cycle's test. `diagnosis`:
    the device's latest test (None: it has none) when the caller has already read it;
    `french`: in French whatever the reader's language (the loan agreement)."""
    from refurb.i18n import in_french
    from refurb.inventory.checklists import default_checklist

    if diagnosis is _LOOK_UP:
        diagnosis = latest_diagnosis(device)
    if diagnosis is None or diagnosis.performed_at < device.cycle_started_at:
        return []
    shown = in_french if french else str
    labels = {item.key: shown(item.label) for item in default_checklist(device.category)}
    return [labels.get(key, key) for key in diagnosis.known_defects]


def erasures_this_cycle(device: Device) -> list[Erasure]:
    return list(
        db.session.scalars(
            select(Erasure).where(
                Erasure.device_id == device.id, Erasure.performed_at >= device.cycle_started_at
            )
        )
    )


def media_not_erased(
    device: Device, *, destroyed_counts: bool = True, erasures: list[Erasure] | None = None
) -> list:
    """Active media with no verified erasure in the current cycle. `erasures`: the cycle's
    erasures when the caller has already read them (erasures_this_cycle)."""
    if erasures is None:
        erasures = erasures_this_cycle(device)
    done = {
        e.medium_id
        for e in erasures
        if e.verified or (destroyed_counts and e.method == ErasureMethod.DESTROY)
    }
    return [m for m in device.active_media if m.id not in done]
