"""Device tags: PREFIX-XXXXXXC, six Crockford base32 symbols and a check symbol from the same
32 symbols (so a tag is typed on a phone's letter-and-digit keyboard and read aloud).

The check is Damm's algorithm over the quasigroup x ∘ y = 2·x + y of the field GF(32): each
row and column is a permutation (every single substitution is caught) and (c ∘ x) ∘ y ≠
(c ∘ y) ∘ x whenever x ≠ y (every adjacent transposition is caught); tests/inventory/test_tags.py
checks both over the whole table. Typed input is forgiving (case, dashes, spaces, O for 0,
I or L for 1); a mistyped tag is refused by its check symbol before anything is looked up.
"""

import re
import secrets

from flask import current_app

from refurb.errors import InvalidInput
from refurb.i18n import gettext as _

SYMBOLS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PAYLOAD_LENGTH = 6
_VALUE = {symbol: value for value, symbol in enumerate(SYMBOLS)}
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
_LABEL_PATH = re.compile(r"/t/", re.IGNORECASE)


def _double(x: int) -> int:
    """2·x in GF(32), modulo the primitive polynomial x⁵ + x² + 1."""
    x <<= 1
    return x ^ 0b100101 if x & 32 else x


# QUASIGROUP[interim][symbol]: the interim value after reading one more symbol.
QUASIGROUP = tuple(tuple(_double(x) ^ y for y in range(32)) for x in range(32))


def _interim(values) -> int:
    interim = 0
    for value in values:
        interim = QUASIGROUP[interim][value]
    return interim


def check_symbol(payload: str) -> str:
    """The symbol that brings the payload's interim back to 0 (Damm)."""
    return SYMBOLS[_double(_interim(_VALUE[s] for s in payload))]


def prefix() -> str:
    return current_app.config["TAG_PREFIX"].upper()


def format_tag(payload: str, tag_prefix: str | None = None) -> str:
    return f"{tag_prefix or prefix()}-{payload}{check_symbol(payload)}"


def generate_tag(tag_prefix: str | None = None) -> str:
    payload = "".join(secrets.choice(SYMBOLS) for _ in range(PAYLOAD_LENGTH))
    return format_tag(payload, tag_prefix)


def parse_tag(text: str, tag_prefix: str | None = None) -> str:
    """Return the canonical tag for what was typed or scanned, or raise InvalidInput.

    Accepts the URL of a label (…/t/GN-… or, as a QR code encodes it, …/T/GN-…), with or
    without the prefix.
    """
    tag_prefix = (tag_prefix or prefix()).upper()
    raw = _LABEL_PATH.split((text or "").strip())[-1]
    compact = "".join(raw.split()).replace("-", "").upper()
    if compact.startswith(tag_prefix) and len(compact) == len(tag_prefix) + PAYLOAD_LENGTH + 1:
        compact = compact[len(tag_prefix) :]
    if len(compact) != PAYLOAD_LENGTH + 1:
        raise InvalidInput(
            "tag_malformed",
            _(
                "Étiquette illisible : un code a la forme %(example)s.",
                example=f"{tag_prefix}-4K7PQ2M",
            ),
            details={"tag": "malformed"},
        )
    payload = compact[:PAYLOAD_LENGTH].translate(_CONFUSABLE)
    check = compact[PAYLOAD_LENGTH].translate(_CONFUSABLE)
    if any(symbol not in _VALUE for symbol in payload + check) or _interim(
        _VALUE[s] for s in payload + check
    ):
        raise InvalidInput(
            "tag_check_failed",
            _(
                "Ce code d'étiquette contient une faute de frappe : "
                "vérifiez-le caractère par caractère."
            ),
            details={"tag": "check_failed"},
        )
    return f"{tag_prefix}-{payload}{check}"
