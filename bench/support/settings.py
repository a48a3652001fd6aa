"""Production settings plus the benchmark's yardstick views (bench.support.urls).

The scripts set DATABASE_URL, REDIS_URL, SECRET_KEY and BEHIND_TLS_PROXY in the environment
before this module loads, as a deployment would.
"""

from pathlib import Path

from portal.settings.base import *  # noqa: F403
from portal.settings.base import TEMPLATES

ROOT_URLCONF = "bench.support.urls"
# The bare view's template (bench/support/templates/bench/bare.html).
TEMPLATES = [{**TEMPLATES[0], "DIRS": [*TEMPLATES[0]["DIRS"], Path(__file__).parent / "templates"]}]
