"""The score of `make mutation` per module: killed / total, and the mutants that survived.

Reads mutmut's result files (mutants/<module>.meta). A mutant counts as killed when a test
failed or timed out with it; one that no selected test reaches counts as surviving.
"""

import json
import sys
from pathlib import Path

from mutmut.stats import status_by_exit_code

MODULES = ["metrics/aggregation.py", "metrics/decline.py", "regions/scoping.py"]
KILLED = {"killed", "timeout"}


def main() -> int:
    killed_all = total_all = 0
    for module in MODULES:
        meta = Path("mutants") / f"{module}.meta"
        if not meta.exists():
            print(f"{module}: no results (run `make mutation`)")
            continue
        exit_codes = json.loads(meta.read_text())["exit_code_by_key"]
        statuses = {name: status_by_exit_code[code] for name, code in exit_codes.items()}
        killed = sum(status in KILLED for status in statuses.values())
        killed_all, total_all = killed_all + killed, total_all + len(statuses)
        print(f"{module}: {killed} / {len(statuses)} killed ({killed * 100 / max(len(statuses), 1):.1f} %)")
        for name, status in sorted(statuses.items()):
            if status not in KILLED:
                print(f"    {status}: {name}")
    print(f"all: {killed_all} / {total_all} killed ({killed_all * 100 / max(total_all, 1):.1f} %)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
