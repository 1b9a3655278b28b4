"""Time a CSV import of 10,000 and 50,000 rows (aim: 10,000 under 5 s), rolled back after.

    .venv/bin/python bench/imports.py --db sqlite --reuse
    .venv/bin/python bench/imports.py --db postgresql --reuse

On the data of bench/inventory.py (generated if missing), so that the tag lookups meet
100,000 existing devices. Each import is checked, written, then rolled back.
"""

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from inventory import bench_app, ensure_inventory  # noqa: E402

from refurb.extensions import db  # noqa: E402
from refurb.inventory.importer import import_devices  # noqa: E402


def csv_text(rows: int) -> str:
    lines = ["category;brand;model;serial_number;year_of_manufacture;weight_kg;accessories"]
    lines += [
        f"Ordinateur portable;Lenovo;ThinkPad T{n % 500};BENCH{n:07d};2018;1,8;chargeur"
        for n in range(rows)
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    app = bench_app(args.db)
    with app.app_context():
        ensure_inventory(args.reuse)
        db.session.commit()
        for rows in (10_000, 50_000):
            text = csv_text(rows)
            began = time.perf_counter()
            ids = import_devices(None, text)
            db.session.flush()
            elapsed = time.perf_counter() - began
            db.session.rollback()
            print(f"{args.db}: {len(ids):6d} rows imported in {elapsed:5.2f} s", flush=True)


if __name__ == "__main__":
    main()
