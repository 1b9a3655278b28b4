"""The bench: what the workshop has to do today, the devices of each step towards `ready`.

A device in the workshop (received, in diagnosis, in repair) waits for one step, read from
what its current cycle holds, the same facts the `mark_ready` guard checks (readiness.py):

- diagnosis: received, or in diagnosis without a passed functional test this cycle;
- repair: in repair without a passed test this cycle;
- erasure: the test passed, but a storage medium has no verified erasure (or destruction) this
  cycle, or a data-bearing device has no storage recorded nor declared absent;
- grading: the test passed, the storage is done, no cosmetic grade yet;
- ready: everything is done, the device only waits to be declared ready.

Computed in one query whatever the number of devices (a window per step, the oldest first);
"passed" is the outcome `ready_after_erasure`, which the workshop service refuses with a failed
item (functional_test.record_diagnosis), so the checklist's JSON is not read here.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import lazyload

from refurb.extensions import db
from refurb.i18n import lazy_gettext as _l
from refurb.inventory.enums import Category, DiagnosisOutcome, ErasureMethod, State
from refurb.inventory.models import Device, Diagnosis, Erasure, StorageMedium

WORKSHOP_STATES = (State.RECEIVED, State.DIAGNOSIS, State.REPAIR)
DATA_CATEGORIES = tuple(c for c in Category if c.holds_data)
SHOWN = 10  # devices listed per step; the counts are whole


class Step(StrEnum):
    DIAGNOSIS = "diagnosis"
    REPAIR = "repair"
    ERASURE = "erasure"
    GRADING = "grading"
    READY = "ready"

    @property
    def label(self) -> str:
        return str(STEP_LABELS[self][0])

    @property
    def hint(self) -> str:
        return str(STEP_LABELS[self][1])

    @property
    def states(self) -> tuple[State, ...]:
        """The states its devices are in (the device list's filters that hold them)."""
        if self == Step.DIAGNOSIS:
            return (State.RECEIVED, State.DIAGNOSIS)
        if self == Step.REPAIR:
            return (State.REPAIR,)
        return (State.DIAGNOSIS, State.REPAIR)


STEP_LABELS = {
    Step.DIAGNOSIS: (
        _l("À diagnostiquer"),
        _l("Reçus, ou en diagnostic sans test fonctionnel réussi depuis leur remise en état."),
    ),
    Step.REPAIR: (_l("À réparer"), _l("En réparation, sans test fonctionnel réussi depuis.")),
    Step.ERASURE: (
        _l("À effacer"),
        _l("Test réussi ; supports de stockage à enregistrer, à effacer ou à vérifier."),
    ),
    Step.GRADING: (
        _l("À noter"),
        _l("Test réussi, données effacées : indiquez l'état esthétique (A, B ou C)."),
    ),
    Step.READY: (
        _l("À déclarer prêts"),
        _l("Tout est fait : il reste à les déclarer prêts au réemploi."),
    ),
}


@dataclass
class Queue:
    step: Step
    total: int = 0
    devices: list[Device] = field(default_factory=list)


def _step_of_each_device():
    """(device id, waiting since, step) for every device in the workshop."""
    latest_test = (
        select(Diagnosis.outcome)
        .where(Diagnosis.device_id == Device.id, Diagnosis.performed_at >= Device.cycle_started_at)
        .order_by(Diagnosis.performed_at.desc(), Diagnosis.id.desc())
        .limit(1)
        .correlate(Device)
        .scalar_subquery()
    )
    erased = (
        select(Erasure.id)
        .where(
            Erasure.device_id == Device.id,
            Erasure.medium_id == StorageMedium.id,
            Erasure.performed_at >= Device.cycle_started_at,
            or_(Erasure.verified.is_(True), Erasure.method == ErasureMethod.DESTROY),
        )
        .exists()
    )
    to_erase = (
        select(StorageMedium.id)
        .where(StorageMedium.device_id == Device.id, StorageMedium.is_removed.is_(False), ~erased)
        .exists()
    )
    unknown = and_(
        Device.category.in_(DATA_CATEGORIES),
        Device.storage_absent.is_(False),
        ~select(StorageMedium.id).where(StorageMedium.device_id == Device.id).exists(),
    )
    devices = (
        select(
            Device.id,
            Device.state,
            Device.grade,
            Device.cycle_started_at,
            latest_test.label("test"),
            to_erase.label("to_erase"),
            unknown.label("unknown"),
        )
        .where(Device.state.in_(WORKSHOP_STATES))
        .subquery()
    )
    passed = devices.c.test == DiagnosisOutcome.READY_AFTER_ERASURE
    step = case(
        (devices.c.state == State.RECEIVED, Step.DIAGNOSIS.value),
        (and_(passed, or_(devices.c.to_erase, devices.c.unknown)), Step.ERASURE.value),
        (and_(passed, devices.c.grade.is_(None)), Step.GRADING.value),
        (passed, Step.READY.value),
        (devices.c.state == State.REPAIR, Step.REPAIR.value),
        else_=Step.DIAGNOSIS.value,
    )
    return select(devices.c.id, devices.c.cycle_started_at, step.label("step")).subquery()


def queues(shown: int = SHOWN) -> list[Queue]:
    """Each step with its number of devices and the `shown` oldest (waiting longest) first."""
    stepped = _step_of_each_device()
    ranked = select(
        stepped.c.id,
        stepped.c.step,
        func.row_number()
        .over(partition_by=stepped.c.step, order_by=(stepped.c.cycle_started_at, stepped.c.id))
        .label("rank"),
        func.count().over(partition_by=stepped.c.step).label("total"),
    ).subquery()
    rows = db.session.execute(
        select(Device, ranked.c.step, ranked.c.total)
        .join(ranked, ranked.c.id == Device.id)
        .where(ranked.c.rank <= shown)
        .order_by(ranked.c.rank)
        .options(lazyload(Device.media))
    ).all()
    found = {step: Queue(step) for step in Step}
    for device, step, total in rows:
        queue = found[Step(step)]
        queue.total = total
        queue.devices.append(device)
    return list(found.values())
