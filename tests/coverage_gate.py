"""Print the suite's coverage of refurb/ (lines and branches apart) and fail below the floors.

    python tests/coverage_gate.py coverage.json --lines 95 --branches 83

`make test` runs it after the SQLite suite (pytest-cov writes coverage.json; migrations are
left out in pyproject.toml). The floors only rise: set them to the figures reached.
"""

import argparse
import json
import sys


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("report")
    parser.add_argument("--lines", type=float, required=True)
    parser.add_argument("--branches", type=float, required=True)
    args = parser.parse_args()
    with open(args.report) as report:
        totals = json.load(report)["totals"]
    lines = 100 * totals["covered_lines"] / totals["num_statements"]
    branches = 100 * totals["covered_branches"] / totals["num_branches"]
    print(
        f"coverage of refurb/: lines {lines:.1f} % ({totals['covered_lines']}/"
        f"{totals['num_statements']}), branches {branches:.1f} % ({totals['covered_branches']}/"
        f"{totals['num_branches']})"
    )
    failed = [
        f"{name} {value:.1f} % < {floor} %"
        for name, value, floor in (
            ("lines", lines, args.lines),
            ("branches", branches, args.branches),
        )
        if value < floor
    ]
    if failed:
        print("coverage below its floor: " + "; ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
