"""Time and size of a 1,000-label PDF for each template (aim: under 2 s)."""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from refurb.inventory.label_sheets import TEMPLATES, Label, render_labels  # noqa: E402
from refurb.inventory.tags import generate_tag  # noqa: E402

COUNT, RUNS = 1000, 5


def main() -> None:
    labels = []
    for _ in range(COUNT):
        tag = generate_tag("GN")
        labels.append(
            Label(
                tag,
                f"HTTPS://REFURB.GERS-NUMERIQUE.FR/T/{tag}",  # as label_url() writes it
                "Ordinateur portable · Lenovo ThinkPad T480",
            )
        )
    print(f"{COUNT} labels, {RUNS} runs per template")
    for key, template in TEMPLATES.items():
        durations = []
        for _ in range(RUNS):
            began = time.perf_counter()
            pdf = render_labels(labels, template)
            durations.append(time.perf_counter() - began)
        pages = -(-COUNT // template.per_page)
        print(
            f"{key:15} median {statistics.median(durations):5.2f} s   "
            f"max {max(durations):5.2f} s   {len(pdf) / 1024:7.0f} KiB   {pages} pages"
        )


if __name__ == "__main__":
    main()
