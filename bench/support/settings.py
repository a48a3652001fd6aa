"""Production settings plus the benchmark's minimal view (bench.support.urls).

The scripts set DATABASE_URL, REDIS_URL, SECRET_KEY and BEHIND_TLS_PROXY in the environment
before this module loads, as a deployment would.
"""

from portal.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.support.urls"
