"""One transaction per request, committed in one place.

Views and API routes never commit: they parse, call one service and answer. When the view has
answered, `finish()` commits if the answer is a success (< 400) and rolls back otherwise; the
error handlers of `refurb.errors` roll back what an exception interrupted. A commit that fails
(a concurrent edit, a constraint) raises from here into those handlers, so the user gets the
same answer as for any refused request.

A GET, HEAD or OPTIONS request never writes records: the only rows it may add are the audit
events that reading writes (who saw a household's identity) and the bearer token's last use.
On SQLite, a request that may write begins its transaction with the write lock (see
`refurb._sqlite_begin`).
Anything else raises, so a page that writes on GET fails its tests instead of hiding.
"""

from flask import Flask, Response, g, request
from sqlalchemy import event

from refurb.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Tables a read may write: the history (audit of what was read) and API token bookkeeping.
WRITTEN_ON_READ = frozenset({"events", "api_tokens"})


class WriteOnRead(RuntimeError):
    """A GET request changed records other than the audit trail."""


def finish(app: Flask, rv) -> Response:
    """Turn the view's return value into a response, then commit or roll back."""
    response = app.make_response(rv)
    if response.status_code >= 400:
        end_refused()
        return response
    if request.method in SAFE_METHODS:
        _refuse_writes_on_read()
    db.session.commit()
    return response


def commit_streamed() -> None:
    """Commit the work a streamed answer did while streaming (a long import shown as it goes):
    finish() ran when the view returned, before that work began."""
    db.session.commit()


def keep_even_if_refused() -> None:
    """For a service whose refusal must leave a trace (a failed sign-in is counted): what this
    transaction wrote is committed although the request is refused."""
    db.session.info["keep_even_if_refused"] = True


def tried(work) -> None:
    """Run `work` inside a savepoint rolled back whatever happens: its refusal (raised) comes
    before a confirmation is asked, and nothing it did is kept."""
    info = db.session.info
    # Files the request itself stores or removes are set aside: the savepoint's rollback
    # discards only what the trial queued (refurb.uploads), then they are put back.
    outer = {key: info.pop(key) for key in ("stored_files", "removed_files") if key in info}
    trial = db.session.begin_nested()
    try:
        work()
    finally:
        trial.rollback()
        for path in info.pop("stored_files", []):  # the trial's own, its rows rolled back
            path.unlink(missing_ok=True)
        info.pop("removed_files", None)
        info.update(outer)


SQLITE_BUSY_SNAPSHOT = 517


def read_again_holding_the_lock(error) -> bool:
    """SQLite: a GET that read, then writes its audit trail (who saw a household) after another
    request wrote, cannot take the write lock from its older snapshot, and is refused at once
    (SQLITE_BUSY_SNAPSHOT; waiting would not help). It is run again, from a transaction that
    takes the write lock first (and waits its turn for it): True when the view should be run
    again. A GET writes nothing else, so running it twice does nothing twice."""
    if (
        request.method not in SAFE_METHODS
        or getattr(error.orig, "sqlite_errorcode", None) != SQLITE_BUSY_SNAPSHOT
        or g.get("read_holding_the_lock")
    ):
        return False
    db.session.rollback()
    g.read_holding_the_lock = True
    return True


def end_refused() -> None:
    """End a refused request's transaction: rolled back, unless a service asked to keep it."""
    if db.session.info.pop("keep_even_if_refused", False):
        db.session.commit()
    else:
        db.session.rollback()


def _refuse_writes_on_read() -> None:
    session = db.session
    written = set(session.info.get("written_tables", ())) | _pending_tables(session)
    forbidden = written - WRITTEN_ON_READ
    if forbidden:
        raise WriteOnRead(f"{request.method} {request.path} wrote {sorted(forbidden)}")


def _pending_tables(session) -> set[str]:
    objects = set(session.new) | set(session.deleted)
    objects |= {o for o in session.dirty if session.is_modified(o)}
    return {o.__table__.name for o in objects}


def _track_flush(session, _flush_context, _instances) -> None:
    session.info.setdefault("written_tables", set()).update(_pending_tables(session))


def _forget(session, *_args) -> None:
    session.info.pop("written_tables", None)
    session.info.pop("keep_even_if_refused", None)


def init_transactions() -> None:
    """Track which tables each transaction writes (for the read-only rule of GET)."""
    if not event.contains(db.session, "before_flush", _track_flush):
        event.listen(db.session, "before_flush", _track_flush)
        event.listen(db.session, "after_commit", _forget)
        event.listen(db.session, "after_soft_rollback", _forget)
