"""A plain (non-editable) install ships everything refurb needs at run time."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_the_wheel_carries_templates_static_files_translations_migrations_and_data(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("refurb-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    tracked = subprocess.run(
        ["git", "ls-files", "refurb"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    source_only = {"refurb/translations/messages.pot"}  # extraction template, not run time
    missing = sorted(path for path in tracked if path not in names and path not in source_only)
    assert missing == []
    assert "refurb/translations/en/LC_MESSAGES/messages.mo" in names
    assert any(n.startswith("refurb-") and n.endswith("entry_points.txt") for n in names)
