"""Print the model fields missing from docs/data-inventory.toml (RELIABILITY F2).

DEBUG=1 .venv/bin/python scripts/data_inventory.py
"""

import os
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INVENTORY = ROOT / "docs" / "data-inventory.toml"


def model_fields() -> dict[str, set[str]]:
    from django.apps import apps

    return {
        model._meta.label: {f.name for f in model._meta.concrete_fields}
        for model in apps.get_models()
    }


def inventory() -> dict[str, set[str]]:
    data = tomllib.loads(INVENTORY.read_text(encoding="utf-8"))
    return {label: set(fields) for label, fields in data.items()}


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")
    import django

    django.setup()
    have = inventory() if INVENTORY.exists() else {}
    for label, fields in sorted(model_fields().items()):
        missing = sorted(fields - have.get(label, set()))
        if missing:
            print(f'["{label}"]')
            for name in missing:
                print(f'{name} = "TODO: why we keep it"')
            print()
