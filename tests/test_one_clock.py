"""One clock: the app and the suite read the date through `refurb.db_types` (`utcnow`,
`today`: Paris's day), never the machine's own `date.today()` or `datetime.now()`: on a UTC
machine that is still the day before from midnight in Paris to midnight UTC, and a test would
depend on when it runs. The check finds calls written as such (`date.today()`, …)."""

import ast
from pathlib import Path

ROOT = Path(__file__).parent.parent
CLOCK = ROOT / "refurb" / "db_types.py"
MACHINE_CLOCK = {
    ("date", "today"),
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
}


def machine_clock_reads(path: Path) -> list[tuple[str, int]]:
    reads = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and (node.func.value.id, node.func.attr) in MACHINE_CLOCK
        ):
            reads.append((path.name, node.lineno))
    return reads


def test_nothing_but_the_clock_module_reads_the_machine_clock():
    sources = [
        path
        for folder in ("refurb", "tests")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path != CLOCK and "migrations" not in path.parts
    ]
    assert sources
    assert [read for path in sources for read in machine_clock_reads(path)] == []


def test_the_check_finds_a_machine_clock_read(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from datetime import date, datetime\nlast = date.today()\nnow = 1\n")
    assert machine_clock_reads(sample) == [("sample.py", 2)]
