"""Device tags: PREFIX-XXXXXXC, six Crockford base32 symbols and a mod-37 check symbol.

Typed input is forgiving (case, dashes, spaces, O for 0, I or L for 1); a mistyped tag is
refused by its check symbol before anything is looked up.
"""

import secrets

from flask import current_app

from refurb.errors import InvalidInput
from refurb.i18n import gettext as _

SYMBOLS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_SYMBOLS = SYMBOLS + "*~$=U"
PAYLOAD_LENGTH = 6
_VALUE = {symbol: value for value, symbol in enumerate(SYMBOLS)}
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})


def check_symbol(payload: str) -> str:
    value = 0
    for symbol in payload:
        value = value * 32 + _VALUE[symbol]
    return CHECK_SYMBOLS[value % 37]


def prefix() -> str:
    return current_app.config["TAG_PREFIX"].upper()


def format_tag(payload: str, tag_prefix: str | None = None) -> str:
    return f"{tag_prefix or prefix()}-{payload}{check_symbol(payload)}"


def generate_tag(tag_prefix: str | None = None) -> str:
    payload = "".join(secrets.choice(SYMBOLS) for _ in range(PAYLOAD_LENGTH))
    return format_tag(payload, tag_prefix)


def parse_tag(text: str, tag_prefix: str | None = None) -> str:
    """Return the canonical tag for what was typed or scanned, or raise InvalidInput.

    Accepts the URL of a label (…/t/GN-…), with or without the prefix.
    """
    tag_prefix = (tag_prefix or prefix()).upper()
    raw = (text or "").strip()
    if "/t/" in raw:
        raw = raw.rsplit("/t/", 1)[1]
    compact = "".join(raw.split()).replace("-", "").upper()
    if compact.startswith(tag_prefix) and len(compact) == len(tag_prefix) + PAYLOAD_LENGTH + 1:
        compact = compact[len(tag_prefix) :]
    if len(compact) != PAYLOAD_LENGTH + 1:
        raise InvalidInput(
            "tag_malformed",
            _(
                "Étiquette illisible : un code a la forme %(example)s.",
                example=f"{tag_prefix}-4K7PQ2X",
            ),
            details={"tag": "malformed"},
        )
    payload = compact[:PAYLOAD_LENGTH].translate(_CONFUSABLE)
    check = compact[PAYLOAD_LENGTH]
    if check in "OIL":
        check = check.translate(_CONFUSABLE)
    if any(symbol not in _VALUE for symbol in payload) or check_symbol(payload) != check:
        raise InvalidInput(
            "tag_check_failed",
            _(
                "Ce code d'étiquette contient une faute de frappe : "
                "vérifiez-le caractère par caractère."
            ),
            details={"tag": "check_failed"},
        )
    return f"{tag_prefix}-{payload}{check}"
