"""One JSON line per log record, one line per request and one per task, each carrying the
request id: a district's log system can follow a request into the tasks it queued.

No personal data: a request's line names its route ("events:detail"), never its path or
query string (a family's phone can be in either); phone numbers and email addresses that
reach a message or a traceback anyway are replaced by [phone] and [email]. Django's own
lines ("Not Found: /p/…", "Forbidden (CSRF cookie not set.): /en/calendar/….ics") name the
path: HidePaths puts the route name (or [path]) in its place, and scrub() masks any secret
a path carries (a family's calendar feed token, a pass token, an email confirmation or
password reset key) wherever it still turns up, since each opens a family's data.

Imports no app, so any app may log through it.
"""

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from django.core.signals import request_finished

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)
log = logging.getLogger("portal.requests")
task_log = logging.getLogger("portal.tasks")

# An incoming X-Request-ID (our nginx sends its $request_id, 32 hex digits) is kept only if
# it is a short plain token: anything else could forge or break the log lines it lands in.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
HEADER = "X-Request-ID"
TASK_HEADER = "request_id"

# 7 to 15 digits, as a phone number is written: "+1 (212) 555-0123", "2125550123", also
# URL-encoded ("%2B1%20212...") or glued after a "+" to other text ("x+12125550123"). Digits
# inside a word (a hex request id) without a "+" are no phone.
PHONE = re.compile(r"(?:\+|%2[bB]|(?<![\w+%]))\d(?:(?:[\s().-]|%20){0,2}\d){6,14}(?!\w)")
DATE_LIKE = re.compile(r"\d{4}-\d{2}-\d{2}")
EMAIL = re.compile(r"[\w.+%-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+")
# Path segments that are keys to a family's data: calendar/<token>.ics, p/<token>/,
# accounts/confirm-email/<key>/, accounts/password/reset/key/<key>/.
SECRET_PATH = re.compile(
    r"(/calendar/)[^/\s\"'?#]+(?=\.ics)"
    r"|(/p/|/accounts/confirm-email/|/accounts/password/reset/key/)[^/\s\"'?#]+"
)


def scrub(text: str) -> str:
    """Phone numbers and email addresses in a free text, replaced. Dates (2026-01-31) and
    short numbers (ids, counts) are kept: they say what happened and identify nobody."""

    def phone(match):
        return match.group(0) if DATE_LIKE.match(match.group(0)) else "[phone]"

    text = SECRET_PATH.sub(lambda match: (match.group(1) or match.group(2)) + "[token]", text)
    return PHONE.sub(phone, EMAIL.sub("[email]", text))


class HidePaths(logging.Filter):
    """Django's request and security lines name the path ("Not Found: /p/<token>/"): the
    path is replaced by the route's name, or [path] where none matched. On the loggers that
    write a path and on the console handler (django.security.* has a logger per kind)."""

    def filter(self, record):
        request = getattr(record, "request", None)
        path = getattr(request, "path", None)
        if isinstance(path, str) and path:
            match = getattr(request, "resolver_match", None)
            route = getattr(request, "route_name", None) or (match and match.view_name)
            message = record.getMessage().replace(path, route or "[path]")
            record.msg, record.args = message, ()
        elif record.name == "django.server":
            # runserver's line: '"GET /p/<token>/?phone=… HTTP/1.1" 404 179'.
            record.msg, record.args = scrub(record.getMessage()), ()
        return True


def request_id_from(value: str | None) -> str:
    if value and SAFE_REQUEST_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    return request_id_var.get()


class JsonFormatter(logging.Formatter):
    """{"time", "level", "logger", "message", "request_id", ...the record's fields}."""

    def format(self, record):
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        request_id = request_id_var.get()
        if request_id:
            line["request_id"] = request_id
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["exception"] = scrub(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False, default=str)


def request_log(get_response):
    """The first middleware: gives the request its id (X-Request-ID, kept for any log line
    written while it runs and any task it queues), answers with it, and logs one line."""

    def middleware(request):
        request_id = request_id_from(request.headers.get(HEADER))
        # Kept until the request is finished (forget_request_id), not just until this
        # middleware returns: Django logs a 4xx or 5xx ("Not Found: ...") after it.
        request_id_var.set(request_id)
        request.request_id = request_id
        started = time.monotonic()
        status = 500
        try:
            response = get_response(request)
            status = response.status_code
            response[HEADER] = request_id
            return response
        finally:
            match = getattr(request, "resolver_match", None)
            route = getattr(request, "route_name", None) or (match and match.view_name)
            fields = {
                "event": "request",
                "method": request.method if request.method in KNOWN_METHODS else "OTHER",
                "route": route,
                "status": status,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
            }
            # A load balancer asks for /healthz every few seconds: only a failing answer is
            # worth a line at the usual level.
            quiet = getattr(request, "route_name", None) in {"healthz", "readyz"} and status < 500
            level = logging.DEBUG if quiet else logging.ERROR if status >= 500 else logging.INFO
            log.log(
                level, "%s %s %s", fields["method"], route or "-", status, extra={"fields": fields}
            )

    return middleware


def forget_request_id(**kwargs):
    request_id_var.set(None)


request_finished.connect(forget_request_id, dispatch_uid="portal.logs.forget_request_id")


KNOWN_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


# Celery: a task carries the id of the request (or the task) that queued it in a message
# header, and logs one line when it ends. Connected by portal.celery in every process.
_running: dict[str, tuple[contextvars.Token, float]] = {}


def carry_request_id(headers=None, **kwargs):
    request_id = request_id_var.get()
    if request_id and headers is not None:
        headers.setdefault(TASK_HEADER, request_id)


def task_started(task_id=None, task=None, **kwargs):
    carried = getattr(task.request, TASK_HEADER, None) or (task.request.headers or {}).get(
        TASK_HEADER
    )
    # A task beat started has no request: its own id stands in, so the tasks it queues (the
    # dispatcher's sends) can still be followed back to it.
    request_id = carried if carried and SAFE_REQUEST_ID.fullmatch(carried) else task_id
    _running[task_id] = (request_id_var.set(request_id), time.monotonic())


def task_finished(task_id=None, task=None, retval=None, state=None, **kwargs):
    token, started = _running.pop(task_id, (None, None))
    if token is None:
        return
    fields = {
        "event": "task",
        "task": task.name,
        "task_id": task_id,
        "state": state,
        "duration_ms": round((time.monotonic() - started) * 1000, 1),
    }
    # Our tasks return a count or a status word ("sent", "cancelled"); anything else could
    # hold personal data and is left out.
    if isinstance(retval, bool | int) or (
        isinstance(retval, str) and re.fullmatch(r"[a-z_]{1,30}", retval)
    ):
        fields["result"] = retval
    level = logging.INFO if state == "SUCCESS" else logging.WARNING
    try:
        task_log.log(level, "%s %s", task.name, state, extra={"fields": fields})
    finally:
        request_id_var.reset(token)
