"""Optional error reports to Sentry (SENTRY_DSN), with nothing that identifies a family.

The official SDK, told to send no personal data (send_default_pii=False), no request body,
cookies, headers or query string, and no local variables (a frame's variables hold names,
numbers and what families wrote). What is left (the exception, the stack, the route) has
every phone number and email address replaced (portal.logs.scrub) before it leaves.

Imports no app; called by the settings when SENTRY_DSN is set.
"""

import warnings

from portal.logs import scrub

# What a report keeps of the request: enough to find the code, nothing of the person.
REQUEST_KEPT = {"method"}


def setup(dsn: str, environment: str = "production") -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import ignore_logger

    # sentry-sdk 2.7x calls send_default_pii "deprecated" in favour of data_collection, and
    # still honours it; it also keeps the SDK's own scrubber of password and token fields on,
    # which data_collection would turn off.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "The send_default_pii option", DeprecationWarning)
        sentry_sdk.init(
            dsn=dsn,
            environment=environment,
            send_default_pii=False,
            include_local_variables=False,
            max_request_body_size="never",
            # Errors only: no performance tracing, which would send every page's timing.
            traces_sample_rate=0,
            # "/events/{pk}/", not the address: a family pass's token is in its address.
            integrations=[DjangoIntegration(transaction_style="url"), CeleryIntegration()],
            before_send=scrub_event,
            before_breadcrumb=scrub_breadcrumb,
        )
    # A 500 is already reported with its exception; its request log line is not another.
    ignore_logger("portal.requests")


def scrub_event(event, hint=None):
    request = event.get("request")
    if isinstance(request, dict):
        event["request"] = {key: request[key] for key in REQUEST_KEPT if key in request}
    event.pop("user", None)
    return _scrub(event)


def scrub_breadcrumb(crumb, hint=None):
    return _scrub(crumb)


def _scrub(value):
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {key: _scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(item) for item in value]
    return value
