"""The project's docs stay true to the code: every promise the code cites has a section in
docs/reliability.md, every test the doc names exists, every setting read from the
environment is in docs/operations.md, the glossary is what the catalogs say, and nothing
points to a file outside the repository. Files are read, never imported (a test file's
import could fail for reasons of its own; the names are what the doc claims)."""

import ast
import importlib.util
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
SKIP_DIRS = {".git", ".venv", "node_modules", "var", "locale", "locale_django", "__pycache__"}
TEXT_SUFFIXES = {".py", ".html", ".txt", ".md", ".toml", ".conf", ".js", ".css", ".cfg", ".sh"}
TEXT_NAMES = {"Makefile", "Procfile", "Procfile.dev"}

# "RELIABILITY B1", "RELIABILITY D1-D4", "RELIABILITY E1, E4, E5, E7", "RELIABILITY F1 and F6",
# also broken over a comment's lines ("(RELIABILITY\n    # B1)").
CITATION = re.compile(r"RELIABILITY[\s#]+([A-Z]\d+(?:\s*(?:,|-|–|and)\s*[A-Z]?\d+)*)")
SECTION = re.compile(r"^## ([A-Z]\d+)\b", re.MULTILINE)
TEST_REF = re.compile(r"`(tests/[\w/]+\.py)::([\w:]+)`")


def project_files():
    """The repository's own text files: no virtualenv, caches, built files or catalogs."""
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = sorted(
            name
            for name in subfolders
            if name not in SKIP_DIRS and (not name.startswith(".") or name == ".ci")
        )
        for name in sorted(files):
            path = Path(folder) / name
            if path.suffix in TEXT_SUFFIXES or name in TEXT_NAMES:
                yield path


def expand(ids: str) -> set[str]:
    """ "D1-D4" -> D1, D2, D3, D4; "E1, E4" -> E1, E4."""
    found = set()
    for part in re.split(r"\s*(?:,|and)\s*", ids):
        low, _, high = part.replace("–", "-").partition("-")
        low, high = low.strip(), high.strip()
        letter = low[0]
        if high:
            found |= {f"{letter}{n}" for n in range(int(low[1:]), int(high.lstrip(letter)) + 1)}
        else:
            found.add(low)
    return found


def cited_ids(text: str) -> set[str]:
    ids = set()
    for match in CITATION.finditer(text):
        ids |= expand(match.group(1))
    return ids


def citations() -> dict[str, list[str]]:
    """id -> the files that cite it (the doc itself excluded)."""
    where: dict[str, list[str]] = {}
    for path in project_files():
        if path == DOCS / "reliability.md":
            continue
        for promise in cited_ids(path.read_text(encoding="utf-8", errors="replace")):
            where.setdefault(promise, []).append(str(path.relative_to(ROOT)))
    return where


def reliability_sections() -> dict[str, str]:
    text = (DOCS / "reliability.md").read_text(encoding="utf-8")
    parts = SECTION.split(text)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def defined_tests(path: Path) -> set[str]:
    """ "test_x" and "TestClass::test_x" for every test a file defines, read with ast."""
    names = set()

    def walk(body, prefix=""):
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                if node.name.startswith("test"):
                    names.add(prefix + node.name)
            elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
                walk(node.body, f"{prefix}{node.name}::")

    walk(ast.parse(path.read_text(encoding="utf-8")).body)
    return names


def test_every_cited_promise_has_a_section():
    sections = reliability_sections()
    missing = {promise: files for promise, files in citations().items() if promise not in sections}
    assert not missing, f"cited in the code but not in docs/reliability.md: {missing}"


def test_every_section_names_tests_that_exist():
    problems = []
    for promise, body in reliability_sections().items():
        refs = TEST_REF.findall(body)
        if not refs:
            problems.append(f"{promise}: names no test")
        for file, name in refs:
            path = ROOT / file
            if not path.is_file():
                problems.append(f"{promise}: {file} does not exist")
            elif name not in defined_tests(path):
                problems.append(f"{promise}: {file}::{name} does not exist")
    assert not problems, "\n".join(problems)


def settings_read_from_the_environment() -> set[str]:
    """Names passed to portal.env's readers (and os.environ / os.getenv) in the settings."""
    tree = ast.parse((ROOT / "portal" / "settings" / "base.py").read_text(encoding="utf-8"))
    readers = {"env_str", "env_bool", "env_int", "env_float", "env_list", "getenv", "get"}
    names = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        func = node.func
        called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if called == "get" and "environ" not in ast.unparse(func):
            continue
        first = node.args[0]
        if called in readers and isinstance(first, ast.Constant) and isinstance(first.value, str):
            names.add(first.value)
    return names


def test_every_environment_setting_is_in_operations_md():
    names = settings_read_from_the_environment()
    assert len(names) > 20, "the reader of portal/settings/base.py found too few settings"
    operations = (DOCS / "operations.md").read_text(encoding="utf-8")
    missing = sorted(name for name in names if f"`{name}`" not in operations)
    assert not missing, f"read from the environment but not in docs/operations.md: {missing}"


OUTSIDE = re.compile(r"\.\./shared|/work/|\bDESIGN\.md|\bSTYLE\.md")
MD_NAME = re.compile(r"(?<![\w./:-])((?:\.\./|\./)*[\w./-]*\w\.md)\b")
RELATIVE = re.compile(r"(?<![\w.])((?:\.\./)+[\w./-]+)")


def test_nothing_points_outside_the_repository():
    problems = []
    for path in project_files():
        where = path.relative_to(ROOT)
        if where == Path("tests/portal/test_docs.py"):
            continue  # it names what it looks for
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in OUTSIDE.finditer(text):
            problems.append(f"{where}: {match.group(0)}")
        for match in RELATIVE.finditer(text):
            target = (path.parent / match.group(1)).resolve()
            if not target.is_relative_to(ROOT) or not target.exists():
                problems.append(f"{where}: {match.group(1)}")
        # Every .md file named must be one of ours: at the root, beside the file or in docs/.
        for match in MD_NAME.finditer(text):
            name = match.group(1)
            if not any((base / name).is_file() for base in (ROOT, path.parent, DOCS)):
                problems.append(f"{where}: {name}")
    problems = list(dict.fromkeys(problems))
    assert not problems, "points outside the repository (or to nothing):\n" + "\n".join(problems)


def test_the_glossary_is_what_the_catalogs_say():
    spec = importlib.util.spec_from_file_location("glossary", ROOT / "scripts" / "glossary.py")
    glossary = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(glossary)
    # The doc's table is locale/glossary.csv's; tests/portal/test_language_access.py checks
    # the catalogs against the CSV, so the table is what the catalogs say.
    assert glossary.in_doc() == glossary.markdown(), (
        "docs/translating.md's glossary differs from locale/glossary.csv: "
        "run `python scripts/glossary.py --write` and review the change"
    )


def test_the_readme_lists_every_doc():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [doc.name for doc in DOCS.glob("*.md") if f"docs/{doc.name}" not in readme]
    assert not missing, f"README.md's Docs list lacks {missing}"
