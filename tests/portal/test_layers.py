"""Every dependency points down the layers (docs/architecture.md).

An app may use only the apps below it: a module-level import, an import inside a function,
a "app.Model" string (ForeignKey, get_model) and import_module/import_string all count.
portal is the wiring on top and may use everything, except the few portal modules that
apps may use, which themselves use no app. Migrations are left out: they record history.
"""

import ast
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

# Lowest first. Apps on one line share a rank and may not use each other either.
LAYERS = [
    ["messaging"],
    ["accounts"],
    ["schools"],
    ["families"],
    ["committees"],
    ["events", "signups"],
    ["conversations"],
    ["reports"],
    ["portal"],
]
RANK = {app: rank for rank, apps in enumerate(LAYERS) for app in apps}

# The portal modules apps may use: they import no app, so they add no loop.
PORTAL_BASE = {
    "portal.languages",
    "portal.env",
    "portal.page_cache",
    "portal.cache",
    "portal.csv_safe",
    "portal.media",
}

MODEL_LABEL = re.compile(r"^([a-z_]+)\.[A-Z]\w*$")
# Calls that load code or a model by name: their first argument is a dependency too.
LOADERS = {"get_model", "import_module", "import_string"}


def modules():
    """(module name, path) of every app module but migrations."""
    for path in sorted(ROOT.glob("*/**/*.py")):
        parts = path.relative_to(ROOT).parts
        if parts[0] in RANK and "migrations" not in parts:
            yield ".".join(parts).removesuffix(".py").removesuffix(".__init__"), path


def targets(node):
    """The dotted names this node makes its module depend on."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        # "from portal import languages" names the module portal.languages.
        return [f"{node.module}.{alias.name}" for alias in node.names]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value] if MODEL_LABEL.match(node.value) else []
    if isinstance(node, ast.Call) and node.args:
        name = getattr(node.func, "attr", getattr(node.func, "id", ""))
        first = node.args[0]
        if name in LOADERS and isinstance(first, ast.Constant) and isinstance(first.value, str):
            return [first.value]  # get_model("events", "Event") names the app alone
    return []


def is_portal_base(name: str) -> bool:
    return any(name == base or name.startswith(base + ".") for base in PORTAL_BASE)


def edges():
    """(from module, to app, file:line, the name used) for every use of another app."""
    for module, path in modules():
        here = module.split(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            for name in targets(node):
                app = name.split(".")[0]
                other_app = app in RANK and app != here
                # Within portal, a base module may use only the other base modules.
                portal_wiring = (
                    app == here == "portal" and is_portal_base(module) and not is_portal_base(name)
                )
                if other_app or portal_wiring:
                    yield module, app, f"{path.relative_to(ROOT)}:{node.lineno}", name


def upward(edge) -> bool:
    module, app, _where, name = edge
    here = module.split(".")[0]
    if is_portal_base(module):
        return True  # a base module uses no app at all (nor portal's wiring)
    if app == "portal" and is_portal_base(name):
        return False
    return RANK[app] >= RANK[here]


def why(module, app) -> str:
    here = module.split(".")[0]
    if is_portal_base(module):
        return f"apps use {module}, so it may use no app and no other portal module"
    return f"{here} (layer {RANK[here]}) may not use {app} (layer {RANK[app]})"


def test_every_dependency_points_down():
    wrong = [
        f"{where}: {module} → {name}: {why(module, app)}"
        for module, app, where, name in edges()
        if upward((module, app, where, name))
    ]
    assert not wrong, "dependencies that point up the layers:\n" + "\n".join(wrong)


def test_every_app_of_ours_has_a_layer():
    ours = {app for app in settings.INSTALLED_APPS if (ROOT / app / "apps.py").exists()}
    assert ours - set(RANK) == set(), "add these apps to LAYERS"


def test_the_layers_see_every_kind_of_dependency():
    # The reader itself: each way of naming another app is seen, and a lower app's is up.
    source = (
        "import events.models\n"
        "from families import services\n"
        "def later():\n"
        "    from reports.queries import Scope\n"
        "school = ForeignKey('schools.School')\n"
        "model = apps.get_model('committees', 'Committee')\n"
        "task = import_string('signups.tasks.remind')\n"
        "from portal import languages\n"
        "from portal.views import home\n"
    )
    found = [name for node in ast.walk(ast.parse(source)) for name in targets(node)]
    found_apps = {name.split(".")[0] for name in found}
    assert found_apps == {
        "events",
        "families",
        "reports",
        "schools",
        "committees",
        "signups",
        "portal",
    }
    assert upward(("accounts.x", "schools", "", "schools"))
    assert not upward(("schools.x", "accounts", "", "accounts.models"))
    assert upward(("events.x", "signups", "", "signups"))  # same rank: neither way
    assert not upward(("events.x", "portal", "", "portal.languages"))
    assert upward(("events.x", "portal", "", "portal.views"))
    assert upward(("portal.languages", "messaging", "", "messaging"))
