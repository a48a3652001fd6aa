"""The site's URLconf as `make run` builds it (DEBUG on), where Django itself serves /media/.

portal/urls.py is executed again under DEBUG=True into a module of its own, so the tests use
exactly what development serves without changing the URLconf the other tests see.
"""

import importlib.util

from django.test.utils import override_settings

import portal.urls

_spec = importlib.util.spec_from_file_location("portal_urls_with_debug", portal.urls.__file__)
_site = importlib.util.module_from_spec(_spec)
with override_settings(DEBUG=True):
    _spec.loader.exec_module(_site)

urlpatterns = _site.urlpatterns
handler429 = _site.handler429
