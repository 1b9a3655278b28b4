"""What a lifecycle action carries (who, through which procedure, its parameters) and how it
is refused (a Refusal: a machine code and a French message). Shared by the lifecycle and the
rules of who holds a device."""

from dataclasses import dataclass, field
from enum import StrEnum

from refurb.errors import DomainError


class Via(StrEnum):
    """The procedures that own some actions: they cannot be performed on their own."""

    LOAN = "loan"
    RECYCLING_BATCH = "recycling_batch"


class Refusal(DomainError):
    """An action refused by a rule of the lifecycle (409, or 403 for a role)."""


@dataclass
class Context:
    """What an action may need besides the device: who, through what, and its parameters."""

    actor: object = None
    via: Via | None = None
    note: str = ""
    details: dict = field(default_factory=dict)
