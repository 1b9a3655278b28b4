"""Devices and loans driven through random sequences of allowed and refused actions
(hypothesis' RuleBasedStateMachine). After every step: a refused action changed nothing, and the
device's state, its loan's status and its history agree."""

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import select

from refurb.auth.models import Organisation, User
from refurb.auth.roles import Role
from refurb.errors import DomainError
from refurb.extensions import db
from refurb.history.models import Event
from refurb.inventory.checklists import default_checklist
from refurb.inventory.enums import Category, DiagnosisOutcome, Grade, State
from refurb.inventory.lifecycle import Action, Context, perform
from refurb.inventory.models import Device
from refurb.inventory.services import functional_test, intake
from refurb.loans.enums import Criterion, LoanStatus
from refurb.loans.models import Household, Loan
from refurb.loans.services import households, lending
from tests.conftest import TODAY, VERIFIED_ON

DIRECT = [
    Action.START_DIAGNOSIS,
    Action.SEND_TO_REPAIR,
    Action.MARK_READY,
    Action.RELEASE,
    Action.GIVE,
    Action.DEPLOY,
    Action.WITHDRAW,
    Action.DISMANTLE,
    Action.DECLARE_LOST,
]
LOAN_STEPS = [
    "reserve",
    "checkout",
    "renew",
    "take_back",
    "convert_to_gift",
    "declare_lost",
    "cancel",
]


def machine_for(app, ids):
    class DeviceAndLoans(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.context = app.app_context()
            self.context.push()
            self.technician = db.session.get(User, ids["technician"])
            self.lender = db.session.get(User, ids["lender"])
            self.admin = db.session.get(User, ids["admin"])
            device = intake.receive_device(self.technician, category=Category.SCREEN)
            household = households.create_household(
                None,
                db.session.get(Organisation, ids["lender_org"]),
                commune_code="32013",
                size=2,
                criterion=Criterion.RSA,
                verified_on=VERIFIED_ON,
            )
            db.session.commit()
            self.device_id, self.household_id = device.id, household.id

        def teardown(self):
            db.session.remove()
            self.context.pop()

        @property
        def device(self) -> Device:
            return db.session.get(Device, self.device_id)

        def open_loans(self) -> list[Loan]:
            return list(
                db.session.scalars(
                    select(Loan).where(
                        Loan.device_id == self.device_id,
                        Loan.status.in_([LoanStatus.RESERVED, LoanStatus.ACTIVE]),
                    )
                )
            )

        def snapshot(self):
            loans = sorted((loan.id, loan.status, loan.version) for loan in self.open_loans())
            return self.device.state, self.device.version, loans

        def attempt(self, do) -> None:
            before = self.snapshot()
            try:
                do()
            except DomainError:
                db.session.rollback()
                assert self.snapshot() == before, "a refused action changed something"
            else:
                db.session.commit()

        def _prepare_ready(self):
            """What the workshop does before mark_ready: a passed test, no storage, a grade."""
            device = self.device
            if device.state in (State.DIAGNOSIS, State.REPAIR):
                answers = {
                    item.key: {"result": "pass"} for item in default_checklist(device.category)
                }
                functional_test.record_diagnosis(
                    device, self.technician, answers, DiagnosisOutcome.READY_AFTER_ERASURE
                )
                device.grade = Grade.B
                db.session.flush()

        @rule(action=st.sampled_from(DIRECT), as_admin=st.booleans())
        def direct(self, action, as_admin):
            actor = self.admin if as_admin else self.technician

            def do():
                if action == Action.MARK_READY:
                    self._prepare_ready()
                perform(
                    self.device,
                    action,
                    Context(
                        actor=actor,
                        note="Remis à une association",
                        details={"rotation_pool": True, "purpose": "site"},
                    ),
                )

            self.attempt(do)

        @rule(step=st.sampled_from(LOAN_STEPS))
        def loan_step(self, step):
            def do():
                actor = self.lender
                if step == "reserve":
                    lending.reserve(
                        actor, db.session.get(Household, self.household_id), self.device, None, "x"
                    )
                    return
                loans = self.open_loans()
                if not loans:
                    raise DomainError("no_loan", "aucun prêt ouvert")
                loan = loans[0]
                if step == "checkout":
                    lending.checkout(actor, loan, loan.version, [], 0, True, TODAY)
                elif step == "take_back":
                    lending.take_back(actor, loan, loan.version, "Bon état", [])
                elif step == "declare_lost":
                    lending.declare_lost(actor, loan, loan.version, "Perdu")
                else:
                    getattr(lending, step)(actor, loan, loan.version)

            self.attempt(do)

        @invariant()
        def device_and_loans_agree(self):
            device, loans = self.device, self.open_loans()
            assert len(loans) <= 1, "one open loan per device at most"
            if loans:
                expected = {LoanStatus.RESERVED: State.RESERVED, LoanStatus.ACTIVE: State.ON_LOAN}
                assert device.state == expected[loans[0].status]
            else:
                assert device.state != State.ON_LOAN

        @invariant()
        def the_history_ends_in_the_current_state(self):
            last = db.session.scalar(
                select(Event.to_state)
                .where(
                    Event.subject_type == "device",
                    Event.subject_id == self.device_id,
                    Event.to_state.is_not(None),
                )
                .order_by(Event.id.desc())
                .limit(1)
            )
            assert (last or State.RECEIVED.value) == self.device.state.value

    return DeviceAndLoans


@pytest.fixture
def ids(create_user, lender_org):
    return {
        "technician": create_user(Role.TECHNICIAN).id,
        "lender": create_user(Role.LENDER, lender_org).id,
        "admin": create_user(Role.ADMIN).id,
        "lender_org": lender_org.id,
    }


def test_devices_and_loans_stay_consistent(app, ids):
    run_state_machine_as_test(
        machine_for(app, ids),
        settings=settings(
            max_examples=25,
            stateful_step_count=30,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
