"""/healthz and /readyz, for a load balancer and for monitoring. Counts and ages only: no
name, number or address.

/healthz: the process answers (no database, no Redis): a restart is the cure when it fails.
/readyz: can this process serve families? The database answers, Redis answers when
configured (rate limits, the page cache and the text budget live there), and every
migration is applied: 503 if not, and the load balancer sends no visitor here. The
migrations are read from disk only until none is pending; the process then remembers it.
It also reports the background work: beat's last tick, the dispatcher's last run, the
outbox's backlog and the age of its oldest due message. Those do not make /readyz fail by
default (a stopped beat must not take every web server out of the load balancer, when they
could all still take families' answers); /readyz?all=1 fails on them too, for monitoring.

Answered by the first middleware, before the host check and the https redirect: a load
balancer asks each server by its own address, over plain http. Through the proxy only the
load balancer's and monitoring's addresses may ask (deploy/nginx.conf).
"""

import json
import logging
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connections
from django.http import HttpResponse
from django.utils import timezone

log = logging.getLogger("portal.health")
PATHS = {"/healthz": "healthz", "/readyz": "readyz"}


def health_checks(get_response):
    def middleware(request):
        route = PATHS.get(request.path_info)
        if route is None or request.method not in {"GET", "HEAD"}:
            return get_response(request)
        request.route_name = route
        if route == "healthz":
            return answer({"status": "ok"}, 200)
        report = readiness()
        failing = not report["ready"] or (request.GET.get("all") == "1" and not report["healthy"])
        return answer(report, 503 if failing else 200)

    return middleware


def answer(body: dict, status: int) -> HttpResponse:
    response = HttpResponse(
        json.dumps(body, indent=1), status=status, content_type="application/json"
    )
    response["Cache-Control"] = "no-store"
    return response


def readiness() -> dict:
    checks = {"database": _timed(check_database)}
    checks["redis"] = _timed(check_redis)
    if checks["database"]["ok"]:
        checks["migrations"] = _timed(check_migrations)
        try:
            checks.update(check_background())
        except Exception as exc:  # reported, never a 500
            log.warning("health.background_unknown error=%s", type(exc).__name__)
            checks["outbox"] = {"ok": False, "error": type(exc).__name__}
    else:
        checks["migrations"] = {"ok": None}
    ready = all(checks[name]["ok"] for name in ("database", "redis", "migrations"))
    healthy = ready and all(check["ok"] for check in checks.values())
    return {
        "status": "ready" if ready else "not ready",
        "ready": ready,
        "healthy": healthy,
        "checks": checks,
    }


def _timed(check) -> dict:
    started = time.monotonic()
    try:
        result = check()
    except Exception as exc:  # a probe reports what failed; it never fails itself
        log.warning("health.%s_unavailable error=%s", check.__name__, type(exc).__name__)
        result = {"ok": False, "error": type(exc).__name__}
    result["ms"] = round((time.monotonic() - started) * 1000, 1)
    return result


def check_database() -> dict:
    # Django has already replaced a connection the database dropped (CONN_HEALTH_CHECKS)
    # at the start of this request.
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"ok": True}


def check_redis() -> dict:
    if not settings.REDIS_URL:
        return {"ok": True, "configured": False}
    import redis

    # Its own short-lived connection with short timeouts: the answer comes in about a
    # second even when Redis's machine is gone, and the cache's pool is not disturbed.
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    finally:
        client.close()
    return {"ok": True, "configured": True}


# Set once a probe finds every migration applied. This process's code cannot gain a
# migration while it runs, and migrations are not unapplied under a running portal, so the
# answer holds for the process's life; reading the migration files from disk (about 90 ms)
# on every probe, every few seconds, would only cost time.
_all_migrations_applied = False


def check_migrations() -> dict:
    global _all_migrations_applied
    if _all_migrations_applied:
        return {"ok": True, "pending": 0}
    from django.db.migrations.executor import MigrationExecutor

    connection = connections[DEFAULT_DB_ALIAS]
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:
        log.warning("health.migrations_unknown error=%s", type(exc).__name__)
        return {"ok": False, "error": type(exc).__name__}
    _all_migrations_applied = not pending
    return {"ok": not pending, "pending": len(pending)}


def check_background() -> dict:
    from messaging.models import Message
    from portal.models import Heartbeat

    now = timezone.now()
    every = settings.CELERY_BEAT_SCHEDULE["messaging-dispatch"]["schedule"]
    # Three missed runs, and never less than three minutes: a restart is not an alarm.
    stale_after = max(180, 3 * int(every))
    seen = dict(Heartbeat.objects.values_list("name", "at"))
    checks = {}
    for name in ("beat", "dispatcher"):
        at = seen.get(name)
        age = None if at is None else max(0, round((now - at).total_seconds()))
        checks[name] = {
            "ok": age is not None and age <= stale_after,
            "last_seconds_ago": age,
            "stale_after_seconds": stale_after,
        }
    due = Message.objects.filter(status=Message.Status.QUEUED, due_at__lte=now)
    backlog = due.count()
    oldest = due.order_by("due_at").values_list("due_at", flat=True).first()
    oldest_age = 0 if oldest is None else max(0, round((now - oldest).total_seconds()))
    max_age = settings.HEALTH_OUTBOX_MAX_AGE_SECONDS
    checks["outbox"] = {
        "ok": oldest_age <= max_age,
        "backlog": backlog,
        "oldest_due_seconds": oldest_age,
        "max_age_seconds": max_age,
    }
    return checks


def record(name: str) -> None:
    """Overwrite the heartbeat `name` with now. Never raises: a database that is away must
    not stop beat from handing out its tasks."""
    from portal.models import Heartbeat

    try:
        # Beat is no request: a connection the database dropped is replaced here.
        close_old_connections()
        Heartbeat.objects.bulk_create(
            [Heartbeat(name=name, at=timezone.now())],
            update_conflicts=True,
            unique_fields=["name"],
            update_fields=["at"],
        )
    except Exception as exc:
        log.warning("health.heartbeat_not_recorded name=%s error=%s", name, type(exc).__name__)


# Celery signals, connected by portal.celery.
_in_beat = False


def beat_started(**kwargs):
    global _in_beat
    _in_beat = True


def beat_ticked(**kwargs):
    if _in_beat:
        record("beat")


def dispatcher_ran(sender=None, state=None, **kwargs):
    dispatcher = settings.CELERY_BEAT_SCHEDULE["messaging-dispatch"]["task"]
    if state == "SUCCESS" and getattr(sender, "name", None) == dispatcher:
        record("dispatcher")
