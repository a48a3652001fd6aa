"""Logs and error reports (portal.logs, portal.sentry): one JSON line per request and per
task, the request id carried from a request into the tasks it queues, and no family's
phone, email or name in either the logs or the reports Sentry receives (a local server
stands in for Sentry, speaking its envelope API)."""

import gzip
import io
import json
import logging
import os
import re
import subprocess
import sys
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from portal.logs import JsonFormatter, scrub
from tests.families.conftest import make_family
from tests.messaging.conftest import stop, worker_env  # noqa: F401 (a fixture)
from tests.messaging.test_chaos import wait_until

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
PHONE_FORMS = ("+12125550123", "2125550123", "212 555 0123", "212-555-0123", "(212) 555-0123")
EMAIL = "rina.haddad@example.org"


@pytest.fixture
def json_log():
    """What the console handler writes: the settings' JSON formatter on the root logger."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)

    def lines():
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    lines.text = stream.getvalue
    yield lines
    root.removeHandler(handler)


def requests_logged(lines):
    return [line for line in lines if line.get("event") == "request"]


def test_one_json_line_per_request_with_its_route_and_no_phone_or_email(client, school_a, json_log):
    make_family("Rina Haddad", school_a, phone="+12125550123")
    responses = [
        client.get("/en/", {"phone": "+12125550123", "email": EMAIL}),
        client.post("/en/accounts/login/code/", {"phone": "(212) 555-0123"}),
        client.get("/en/no-such-page/?phone=2125550123"),
    ]
    assert [r.status_code for r in responses] == [200, 302, 404]
    lines = json_log()
    logged = requests_logged(lines)
    assert [(line["method"], line["route"], line["status"]) for line in logged] == [
        ("GET", "schools:home", 200),
        ("POST", "account_request_login_code", 302),
        ("GET", None, 404),
    ]
    for line, response in zip(logged, responses, strict=True):
        assert line["request_id"] == response["X-Request-ID"]
        assert line["level"] == "INFO" if line["status"] < 500 else "ERROR"
        assert 0 < line["duration_ms"] < 30_000
        assert {"time", "logger", "message"} <= line.keys()
    # The code request's own line (accounts.adapter) carries the same id as its request.
    code_lines = [line for line in lines if line["message"].startswith("auth.code_")]
    assert code_lines and {line["request_id"] for line in code_lines} == {
        responses[1]["X-Request-ID"]
    }
    text = json_log.text()
    assert "phone=" not in text and "?" not in text  # no query string, not even scrubbed
    for personal in (*PHONE_FORMS, EMAIL, "Rina"):
        assert personal not in text


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("0d16fd584246f032288cfdbeb584aede", True),  # nginx's $request_id
        ("support-ticket-42", True),
        ("short", False),
        ("x" * 65, False),
        ('abc12345", "level": "ERROR', False),
        ("abc12345\nforged line", False),
        ("abc12345 +12125550123", False),
    ],
)
def test_an_incoming_request_id_is_kept_only_if_it_is_a_short_plain_token(
    client, json_log, sent, kept
):
    response = client.get("/en/no-such-page/", headers={"X-Request-ID": sent})
    request_id = response["X-Request-ID"]
    if kept:
        assert request_id == sent
    else:
        assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    lines = json_log()  # each still one parseable line
    assert {line["request_id"] for line in lines} == {request_id}
    assert len(requests_logged(lines)) == 1
    assert "django.request" in {line["logger"] for line in lines}  # "Not Found", same id


def test_scrub_keeps_dates_and_ids_and_removes_phones_and_emails():
    text = "message=123456 at 2026-01-31 09:00 to +1 (212) 555-0123, 2125550123 or a.b+c@d.org"
    assert scrub(text) == "message=123456 at 2026-01-31 09:00 to [phone], [phone] or [email]"
    # As they appear in an address: URL-encoded, or glued to other text after a "+".
    text = "/en/?phone=%2B12125550123&to=rina%40example.org&x=x+12125550123"
    text += "&y=%2B1%20212%20555%200123"
    assert scrub(text) == "/en/?phone=[phone]&to=[email]&x=x[phone]&y=[phone]"
    # A request id's digits are no phone.
    assert scrub("id 0d16fd5842460328800beb584aede") == "id 0d16fd5842460328800beb584aede"


def test_scrub_masks_the_secrets_a_path_can_carry():
    text = (
        "/en/calendar/Xy_9-abcDEF123.ics /p/Q1w2E3r4T5/ /en/accounts/confirm-email/MQ:1v:ab/ "
        "/en/accounts/password/reset/key/1-c3x-9f8e7d/ /en/my/calendar/new/ /en/events/12/"
    )
    assert scrub(text) == (
        "/en/calendar/[token].ics /p/[token]/ /en/accounts/confirm-email/[token]/ "
        "/en/accounts/password/reset/key/[token]/ /en/my/calendar/new/ /en/events/12/"
    )


def test_a_private_calendar_or_pass_token_never_reaches_the_logs(school_a, staff_a, json_log):
    from events.models import CalendarFeed

    family = make_family("Rina", school_a, phone="+12125550123")
    feed = CalendarFeed.objects.create(family=family)
    client = Client(enforce_csrf_checks=True)
    # A POST (a link checker, a crawler, an attacker) to the family's private feed address,
    # and a pass address that does not exist, scanned by staff.
    assert client.post(f"/en/calendar/{feed.token}.ics").status_code == 403
    client.force_login(staff_a)
    assert client.get("/p/not-a-real-pass-token-123/").status_code == 200  # "not valid"
    assert client.get("/p/not-a-real-pass-token-123/more/").status_code == 404
    text = json_log.text()
    assert feed.token not in text and "not-a-real-pass-token-123" not in text
    # Django's own lines are kept, with the route's name (or [path]) instead of the path.
    messages = [line["message"] for line in json_log() if line["logger"].startswith("django.")]
    assert messages == ["Forbidden (CSRF cookie not set.): events:feed", "Not Found: [path]"]


@pytest.mark.pg
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
@pytest.mark.urls("tests.portal.ops_urls")
def test_the_request_id_follows_into_the_tasks_it_queues_and_theirs(
    client,
    school_a,
    worker_env,  # noqa: F811
    tmp_path,
):
    from events import services
    from events.services import Party
    from messaging.models import Message
    from tests.events.conftest import make_event

    env, sms_file = worker_env
    family = make_family("Rina Haddad", school_a, phone="+12125550123", email=EMAIL)
    services.rsvp(family=family, event=make_event(school_a), party=Party(True))
    Message.objects.update(due_at=timezone.now() - timedelta(minutes=1))
    worker_log = tmp_path / "worker.log"
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "-c", "1", "-P", "solo"]
        + ["--loglevel", "INFO"],
        cwd=ROOT,
        env={**env, "LOG_LEVEL": "INFO"},
        stdout=subprocess.DEVNULL,
        stderr=worker_log.open("w"),
        start_new_session=True,
    )
    try:
        response = client.get("/ops/queue-dispatch/", headers={"X-Request-ID": "support-42-abc"})
        assert response.status_code == 202
        assert wait_until(lambda: Message.objects.filter(status="sent").count() == 3, 60)
        time.sleep(1)  # the last task's line is written after its message is marked sent
    finally:
        stop(worker)
    text = worker_log.read_text()
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    tasks = [line for line in lines if line.get("event") == "task"]
    by_name = {}
    for line in tasks:
        by_name.setdefault(line["task"], []).append(line)
    # The dispatcher hands the three out in one batch; the batch, once done, tops the broker
    # up again (a second dispatcher line, with nothing left to hand out).
    dispatched = by_name["messaging.tasks.dispatch_due"]
    assert dispatched[0]["result"] == 3 and all(line["result"] == 0 for line in dispatched[1:])
    assert len(by_name["messaging.tasks.send_batch"]) == 1
    for line in tasks:
        assert line["request_id"] == "support-42-abc"
        assert line["state"] == "SUCCESS" and line["duration_ms"] >= 0
    # What the send tasks logged on their own is under the same id.
    sent = [line for line in lines if line["message"].startswith("messaging.sent")]
    assert len(sent) == 3 and {line["request_id"] for line in sent} == {"support-42-abc"}
    for personal in (*PHONE_FORMS, EMAIL, "Rina"):
        assert personal not in text


class SentryStandIn(BaseHTTPRequestHandler):
    """Sentry's ingestion endpoint: takes the SDK's envelopes (POST /api/<project>/envelope/)
    and keeps them, decompressed."""

    received: list = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        elif self.headers.get("Content-Encoding") == "br":
            # The SDK compresses with brotli when the package is installed (locust, which
            # make bench installs, brings it).
            import brotli

            body = brotli.decompress(body)
        type(self).received.append((self.path, body.decode("utf-8")))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_server():
    import sentry_sdk

    SentryStandIn.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), SentryStandIn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://public0key@127.0.0.1:{server.server_address[1]}/42", SentryStandIn.received
    sentry_sdk.get_client().close(timeout=5)
    sentry_sdk.init()  # no DSN: reporting off again for the rest of the run
    server.shutdown()


@pytest.mark.urls("tests.portal.ops_urls")
def test_an_error_reaches_sentry_without_the_familys_phone_email_or_name(settings, sentry_server):
    import sentry_sdk

    from portal import sentry

    dsn, received = sentry_server
    sentry.setup(dsn, environment="test")  # what the settings do when SENTRY_DSN is set
    client = Client(raise_request_exception=False, HTTP_COOKIE="sessionid=abc; x=rina")
    response = client.post(
        "/ops/leaky/?email=rina.haddad%40example.org&name=Rina",
        {"phone": "+1 (212) 555-0123", "name": "Rina Haddad", "note": EMAIL},
        HTTP_USER_AGENT="Rina's phone",
    )
    assert response.status_code == 500
    sentry_sdk.flush(timeout=10)
    assert wait_until(lambda: received, 10)
    events = []
    for path, envelope in received:
        assert path == "/api/42/envelope/"
        for item in envelope.splitlines()[1:]:
            if item.startswith("{") and '"exception"' in item:
                events.append(json.loads(item))
    assert len(events) == 1
    event = events[0]
    # What helps us find the bug is there...
    (exception,) = event["exception"]["values"]
    assert exception["type"] == "FamilyNotReachable"
    assert exception["value"] == "no answer from [phone] or [email]"
    assert any(frame["function"] == "leaky" for frame in exception["stacktrace"]["frames"])
    assert event["transaction"] == "/ops/leaky/"
    assert event["environment"] == "test"
    # ...and nothing of the family: no local variables, body, query string, cookies, headers.
    assert set(event.get("request", {})) <= {"method"}
    assert all("vars" not in frame for frame in exception["stacktrace"]["frames"])
    everything = "".join(envelope for _, envelope in received)
    for personal in (*PHONE_FORMS, EMAIL, "Rina", "rina", "sessionid"):
        assert personal not in everything


def test_sentry_dsn_in_the_environment_turns_reports_on(sentry_server):
    """The settings read SENTRY_DSN: an error logged in a process started with it reaches
    Sentry, its phone scrubbed; without it nothing is sent."""
    dsn, received = sentry_server
    script = (
        "import django, logging, sentry_sdk; django.setup(); "
        "logging.getLogger('portal.test').error('no answer from +1 212 555 0123'); "
        "print(sentry_sdk.get_client().is_active()); sentry_sdk.flush(timeout=10)"
    )
    answers = []
    for value in (dsn, ""):
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "portal.settings.test",
                "SENTRY_DSN": value,
            },
            capture_output=True,
            text=True,
            timeout=60,
        )
        answers.append(result.stdout.strip())
    assert answers == ["True", "False"]
    assert len(received) == 1
    assert "no answer from [phone]" in received[0][1]
    assert "555" not in received[0][1]
