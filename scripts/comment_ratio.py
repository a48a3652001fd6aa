"""Share of lines that carry a `#` comment in the project's Python files (migrations left
out; docstrings not counted). Usage: python scripts/comment_ratio.py [checkout]"""

import io
import sys
import tokenize
from pathlib import Path

SKIP = (".venv", "node_modules", "var")


def measure(root: Path, select) -> tuple[int, int, int]:
    commented = whole = total = 0
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith(SKIP) or "/migrations/" in rel or not select(rel):
            continue
        text = path.read_text(encoding="utf-8")
        total += text.count("\n")
        tokens = tokenize.generate_tokens(io.StringIO(text).readline)
        commented += len({t.start[0] for t in tokens if t.type == tokenize.COMMENT})
        whole += sum(1 for line in text.splitlines() if line.lstrip().startswith("#"))
    return commented, whole, total


if __name__ == "__main__":
    root = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    for label, select in [
        ("all .py", lambda rel: True),
        (
            "apps (no tests, bench, scripts)",
            lambda rel: not rel.startswith(("tests/", "bench/", "scripts/")),
        ),
    ]:
        commented, whole, total = measure(root, select)
        share = 100 * commented / total
        print(f"{label}: {commented} of {total} lines carry a comment ({share:.2f} %);", end="")
        print(f" whole-line comments {100 * whole / total:.2f} %")
