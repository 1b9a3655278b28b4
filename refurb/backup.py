"""`refurb backup`: a consistent copy of the database, taken while refurb keeps running."""

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(RuntimeError):
    pass


def backup_database(database_url: str, out: Path) -> str:
    """Write a backup of the database to `out`; return a one-line description."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(url.database)
        target = sqlite3.connect(out)
        try:
            source.backup(target)  # SQLite's online backup: consistent even during writes
        finally:
            target.close()
            source.close()
        return f"copie SQLite ({out.stat().st_size} octets)"
    if url.get_backend_name() == "postgresql":
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            raise BackupError("pg_dump est introuvable : installez postgresql-client.")
        libpq_url = url.set(drivername="postgresql").render_as_string(hide_password=False)
        result = subprocess.run(  # noqa: S603 - fixed program, URL from the settings
            [pg_dump, "--format=custom", "--no-owner", f"--file={out}", libpq_url],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump a échoué : {result.stderr.strip()}")
        return f"archive pg_dump ({out.stat().st_size} octets, restaurer avec pg_restore)"
    raise BackupError(f"Base non prise en charge : {url.get_backend_name()}")
