"""tags end in a check symbol from the 32-symbol alphabet (Damm) instead of mod 37

Rewrites the tags of devices, of pre-printed batches and those named in events' details
("tag", "device", "tags"). The
payload of a tag does not change, so a tag stays unique. Both checks are written out here, as
they were on this date, so that this migration keeps its meaning if refurb's code changes.

Revision ID: 0012_tag_check_symbol
Revises: 0011_stored_files
Create Date: 2026-12-01 18:10:00

"""
import json
import re

from alembic import op
import sqlalchemy as sa

revision = '0012_tag_check_symbol'
down_revision = '0011_stored_files'
branch_labels = None
depends_on = None

SYMBOLS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
OLD_CHECKS = SYMBOLS + "*~$=U"
TAG = re.compile(r"^([A-Z0-9]+)-([0-9A-HJKMNP-TV-Z]{6})([0-9A-HJKMNP-TV-Z*~$=]|U)$")
BATCH = 2000


def _double(x):
    x <<= 1
    return x ^ 0b100101 if x & 32 else x


def damm(payload):
    interim = 0
    for symbol in payload:
        interim = _double(interim) ^ SYMBOLS.index(symbol)
    return SYMBOLS[_double(interim)]


def mod37(payload):
    value = 0
    for symbol in payload:
        value = value * 32 + SYMBOLS.index(symbol)
    return OLD_CHECKS[value % 37]


def _rewrite(tag, old, new):
    """The tag with its check computed by `new`, if it is a well-formed tag under `old`."""
    match = TAG.match(tag or "")
    if not match or old(match.group(2)) != match.group(3):
        return tag
    return f"{match.group(1)}-{match.group(2)}{new(match.group(2))}"


def _convert(old, new):
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("LOCK TABLE devices, issued_tags IN EXCLUSIVE MODE"))
    devices = connection.execute(sa.text("SELECT id, tag FROM devices")).all()
    changed = [
        {"id": id_, "tag": _rewrite(tag, old, new)}
        for id_, tag in devices
        if _rewrite(tag, old, new) != tag
    ]
    for start in range(0, len(changed), BATCH):
        connection.execute(
            sa.text("UPDATE devices SET tag = :tag WHERE id = :id"), changed[start : start + BATCH]
        )
    issued = connection.execute(sa.text("SELECT tag FROM issued_tags")).scalars().all()
    renamed = [
        {"old": tag, "new": _rewrite(tag, old, new)}
        for tag in issued
        if _rewrite(tag, old, new) != tag
    ]
    for start in range(0, len(renamed), BATCH):
        connection.execute(
            sa.text("UPDATE issued_tags SET tag = :new WHERE tag = :old"),
            renamed[start : start + BATCH],
        )
    # Events name devices by tag under "tag", "device" (loans, incidents) and "tags" (visits).
    events = connection.execute(
        sa.text(
            "SELECT id, details FROM events WHERE CAST(details AS TEXT) LIKE :tag"
            " OR CAST(details AS TEXT) LIKE :device OR CAST(details AS TEXT) LIKE :tags"
        ),
        {"tag": '%"tag"%', "device": '%"device"%', "tags": '%"tags"%'},
    ).all()
    mended = []
    for id_, details in events:
        details = json.loads(details) if isinstance(details, str) else dict(details or {})
        rewritten = dict(details)
        for key in ("tag", "device"):
            if isinstance(details.get(key), str):
                rewritten[key] = _rewrite(details[key], old, new)
        if isinstance(details.get("tags"), list):
            rewritten["tags"] = [
                _rewrite(t, old, new) if isinstance(t, str) else t for t in details["tags"]
            ]
        if rewritten != details:
            mended.append({"id": id_, "details": json.dumps(rewritten)})
    value = "CAST(:details AS JSON)" if connection.dialect.name == "postgresql" else ":details"
    for start in range(0, len(mended), BATCH):
        connection.execute(
            sa.text(f"UPDATE events SET details = {value} WHERE id = :id"),
            mended[start : start + BATCH],
        )


def upgrade():
    _convert(mod37, damm)


def downgrade():
    _convert(damm, mod37)
