"""The production proxy configuration (deploy/nginx.conf) serves uploads inert (RELIABILITY A5),
passes pages to two web servers with the visitor's scheme, address and a request id,
compresses text and goes on when one web server dies.

The shipped file is started with Debian's nginx on loopback ports, with only its machine paths
(certificate, MEDIA_ROOT, logs, the web servers' addresses) pointed at temporary ones, in front
of two real gunicorn servers with production settings on the test database. Without nginx
(or openssl, for the test certificate) these tests are skipped, except under CI=true, where
that fails the run; `make test` installs both with apt when run as root.
"""

import gzip
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import connection

from portal.media import AUDIO_TYPES
from tests.conftest import IN_CI
from tests.messaging.test_chaos import wait_until
from tests.schools.samples import REAL

ROOT = Path(settings.BASE_DIR)
CONFIG = ROOT / "deploy" / "nginx.conf"
# The web servers read the test database: it must exist (pytest-django makes it only for a
# run with a database test in it).
pytestmark = pytest.mark.django_db
SCRIPT = b"<script>fetch('/admin/auth/user/add/', {method: 'POST'})</script>"


def _need(what, path):
    if path and Path(path).exists():
        return path
    message = f"{what} is missing (apt-get install {what})"
    if IN_CI:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def test_the_proxy_gives_audio_types_to_exactly_the_extensions_the_portal_stores():
    text = CONFIG.read_text()
    media = text[text.index("location /media/") :]
    block = media[media.index("types {") + len("types {") : media.index("}")]
    served = {}
    for line in filter(None, (line.strip().rstrip(";") for line in block.splitlines())):
        content_type, *extensions = line.split()
        served.update(dict.fromkeys(extensions, content_type))
    assert served == AUDIO_TYPES
    assert "default_type application/octet-stream;" in media[: media.index("location /static/")]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            assert process.poll() is None, f"the server on {port} stopped"
            time.sleep(0.1)
    raise AssertionError(f"nothing answers on {port}")


class Web:
    """One gunicorn server, as the Procfile's `web` runs it, with production settings. Its
    access log records what the proxy passed on; its standard error is the portal's log."""

    def __init__(self, root, name, env):
        self.port = free_port()
        self.access_log = root / f"{name}-access.log"
        self.app_log = root / f"{name}-app.log"
        self.env = env

    def start(self):
        command = [sys.executable, "-m", "gunicorn", "portal.wsgi"]
        command += ["--bind", f"127.0.0.1:{self.port}", "--workers", "1"]
        command += ["--access-logfile", str(self.access_log), "--access-logformat"]
        command += ["%({x-forwarded-for}i)s|%({x-forwarded-proto}i)s|%({x-request-id}i)s|%(U)s"]
        self.process = subprocess.Popen(  # noqa: S603
            command,
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self.app_log.open("a"),
            start_new_session=True,  # its own process group: killed whole, workers too
        )
        wait_for_port(self.port, self.process)

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)

    def seen(self):
        """(X-Forwarded-For, X-Forwarded-Proto, X-Request-ID, path) of each request served."""
        if not self.access_log.exists():
            return []
        return [tuple(line.split("|", 3)) for line in self.access_log.read_text().splitlines()]

    def log_lines(self):
        lines = []
        for line in self.app_log.read_text().splitlines():
            if line.startswith("{"):
                lines.append(json.loads(line))
        return lines


@pytest.fixture(scope="module")
def proxy(tmp_path_factory, django_db_setup, django_db_blocker):
    nginx = _need("nginx", shutil.which("nginx") or "/usr/sbin/nginx")
    openssl = _need("openssl", shutil.which("openssl"))
    root = tmp_path_factory.mktemp("proxy")
    var = root / "var"
    media, static = var / "media", var / "static"
    (media / "guide-audio" / "1").mkdir(parents=True)
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
        + ["-keyout", str(root / "key.pem"), "-out", str(root / "cert.pem")],
        check=True,
        capture_output=True,
        timeout=60,
    )
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.base",
        "DEBUG": "0",
        "SECRET_KEY": "proxy-test-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        )
        if connection.vendor == "postgresql"
        else f"sqlite:///{database['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "BEHIND_TLS_PROXY": "1",
        "TRUSTED_PROXY_COUNT": "1",
        "PORTAL_VAR_DIR": str(var),
        "MEDIA_ROOT": str(media),
        "LOG_LEVEL": "INFO",
    }
    env.pop("TEST_ISOLATION", None)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    webs = [Web(root, "web1", env), Web(root, "web2", env)]
    http_port, https_port = free_port(), free_port()
    machine = {
        "user www-data;": "user root;",  # the temporary folders are root's own
        "pid /run/nginx.pid;": f"pid {root}/nginx.pid;",
        "error_log /var/log/nginx/error.log;": f"error_log {root}/error.log;",
        "access_log /var/log/nginx/access.log portal;": (
            f"access_log {root}/access.log portal; client_body_temp_path {root}/body; "
            f"proxy_temp_path {root}/proxy;"
        ),
        "server 10.0.0.11:8000 ": f"server 127.0.0.1:{webs[0].port} ",
        "server 10.0.0.12:8000 ": f"server 127.0.0.1:{webs[1].port} ",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen [::]:80;": "",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "listen [::]:443 ssl http2;": "",
        "/etc/letsencrypt/live/portal.example.org/fullchain.pem": str(root / "cert.pem"),
        "/etc/letsencrypt/live/portal.example.org/privkey.pem": str(root / "key.pem"),
        "/srv/portal/var/media/": f"{media}/",
        "/srv/portal/var/static/": f"{static}/",
    }
    text = CONFIG.read_text()
    for shipped, here in machine.items():
        assert shipped in text, f"deploy/nginx.conf no longer has {shipped!r}"
        text = text.replace(shipped, here)
    config = root / "nginx.conf"
    config.write_text(text)
    command = [nginx, "-p", str(root), "-c", str(config)]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr
    server = None
    try:
        for web in webs:
            web.start()
        server = subprocess.Popen([*command, "-g", "daemon off;"], stderr=subprocess.PIPE)  # noqa: S603
        wait_for_port(https_port, server)
        tls = ssl.create_default_context(cafile=str(root / "cert.pem"))

        def get(path, *, https=True, headers=None, port=None, source="127.0.0.1", method="GET"):
            # `source`: the visitor's address, any of loopback's 127.0.0.0/8.
            source_address = (source, 0)
            if port:
                connection = http.client.HTTPConnection(
                    "127.0.0.1", port, timeout=10, source_address=source_address
                )
            elif https:
                connection = http.client.HTTPSConnection(
                    "127.0.0.1", https_port, context=tls, timeout=10, source_address=source_address
                )
            else:
                connection = http.client.HTTPConnection(
                    "127.0.0.1", http_port, timeout=10, source_address=source_address
                )
            connection.request(method, path, headers=headers or {})
            response = connection.getresponse()
            response.body = response.read()
            connection.close()
            return response

        yield SimpleNamespace(
            get=get,
            folder=media / "guide-audio" / "1",
            static=static,
            webs=webs,
            access_log=root / "access.log",
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        for web in webs:
            web.stop()


def assert_inert(response, content_type):
    assert response.status == 200
    assert response.getheader("Content-Type") == content_type
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Content-Security-Policy") == "sandbox"


@pytest.mark.parametrize(("content", "extension", "content_type"), REAL.values(), ids=REAL.keys())
def test_the_proxy_serves_each_recording_with_its_audio_type(
    proxy, content, extension, content_type
):
    (proxy.folder / f"es-random.{extension}").write_bytes(content)
    response = proxy.get(
        f"/media/guide-audio/1/es-random.{extension}", headers={"Accept-Encoding": "gzip"}
    )
    assert_inert(response, content_type)
    assert response.body == content  # sent as stored: a recording is not compressed again
    assert response.getheader("Content-Encoding") is None


@pytest.mark.parametrize("name", ["es.js", "es.html", "es.svg", "es.xml", "es.css", "es"])
def test_the_proxy_serves_anything_else_under_media_as_bytes(proxy, name):
    (proxy.folder / name).write_bytes(b"RIFF\x24\0\0\0WAVE" + SCRIPT)
    assert_inert(proxy.get(f"/media/guide-audio/1/{name}"), "application/octet-stream")


PHONE = "+12125550123"


def test_pages_reach_the_portal_with_the_scheme_the_visitor_address_and_a_request_id(proxy):
    response = proxy.get(
        f"/en/?phone={PHONE.replace('+', '%2B')}",
        headers={"X-Forwarded-For": "203.0.113.9", "X-Request-ID": "forged-by-a-visitor"},
    )
    assert response.status == 200 and b"<html" in response.body
    # The portal trusted the proxy's https: it answers as a secure page (HSTS) and does not
    # redirect to https (SECURE_SSL_REDIRECT is on).
    assert response.getheader("Strict-Transport-Security", "").startswith("max-age=")
    request_id = response.getheader("X-Request-ID")
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)  # nginx's $request_id, not the visitor's

    def served():
        return [line for web in proxy.webs for line in web.seen() if line[2] == request_id]

    assert wait_until(served, 5)  # gunicorn writes its access line just after the answer
    # The visitor's own X-Forwarded-For is replaced by the address the proxy saw.
    assert served() == [("127.0.0.1", "https", request_id, "/en/")]
    # The same id in the proxy's log line and the portal's: one request, followed through.
    app_lines = [
        line
        for web in proxy.webs
        for line in web.log_lines()
        if line.get("request_id") == request_id and line.get("event") == "request"
    ]
    assert [(line["route"], line["status"]) for line in app_lines] == [("schools:home", 200)]

    def proxied():
        lines = [json.loads(line) for line in proxy.access_log.read_text().splitlines()]
        mine = [line for line in lines if line["request_id"] == request_id]
        return [(line["path"], line["status"]) for line in mine]

    # nginx writes its access line in the log phase, after the visitor has the whole answer.
    assert wait_until(proxied, 5)
    assert proxied() == [("/en/", 200)]
    # The family's phone in the address is in neither log.
    for web in proxy.webs:
        assert "2125550123" not in web.app_log.read_text()
    assert "2125550123" not in proxy.access_log.read_text()
    plain = proxy.get("/en/", https=False)
    assert plain.status == 301 and plain.getheader("Location").startswith("https://")


def test_the_proxy_compresses_pages_and_styles_for_slow_phones(proxy):
    page = proxy.get("/en/", headers={"Accept-Encoding": "gzip"})
    assert page.getheader("Content-Encoding") == "gzip"
    html = gzip.decompress(page.body)
    assert b"<html" in html and len(page.body) < len(html) / 2
    manifest = json.loads((proxy.static / "staticfiles.json").read_text())
    css = manifest["paths"]["portal/site.css"]
    style = proxy.get(f"/static/{css}", headers={"Accept-Encoding": "gzip"})
    assert (style.status, style.getheader("Content-Type")) == (200, "text/css")
    assert style.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(style.body) == (proxy.static / css).read_bytes()
    assert style.getheader("X-Content-Type-Options") == "nosniff"
    assert "max-age=2592000" in style.getheader("Cache-Control")
    plain = proxy.get(f"/static/{css}")  # a browser that asks for no compression gets none
    assert plain.getheader("Content-Encoding") is None
    assert plain.body == (proxy.static / css).read_bytes()
    missing = proxy.get("/media/guide-audio/1/nothing.wav")
    assert missing.status == 404 and missing.getheader("X-Content-Type-Options") == "nosniff"
    assert not re.search(r"nginx/\d", missing.getheader("Server") + missing.body.decode())


def test_a_load_balancer_asks_each_web_server_directly(proxy):
    for web in proxy.webs:
        # By its own address, over plain http, as a load balancer does.
        health = proxy.get("/healthz", port=web.port, headers={"Host": "10.0.0.11:8000"})
        assert (health.status, json.loads(health.body)) == (200, {"status": "ok"})
        ready = proxy.get("/readyz", port=web.port, headers={"Host": "10.0.0.11:8000"})
        assert ready.status == 200 and json.loads(ready.body)["ready"] is True


def test_the_probes_answer_only_the_allowed_addresses_through_the_proxy(proxy):
    # 127.0.0.1 stands for the load balancer (allowed); 127.0.0.2 for anyone else.
    for path in ("/healthz", "/readyz"):
        assert proxy.get(path).status == 200
        refused = proxy.get(path, source="127.0.0.2")
        assert refused.status == 403 and b"ready" not in refused.body
    # Everything else still answers anyone.
    assert proxy.get("/en/", source="127.0.0.2").status == 200


def test_private_tokens_in_an_address_are_in_neither_log(proxy):
    # The web servers cannot see this test's rows (one open transaction), and need not:
    # a token is logged, or not, whether or not it is a family's.
    token = "Xy_9-abcDEF123ghiJKL456mno"
    secrets = {
        f"/en/calendar/{token}.ics": token,
        "/p/Q1w2E3r4T5y6U7/": "Q1w2E3r4T5y6U7",
        "/p/Q1w2E3r4T5y6U8/more/": "Q1w2E3r4T5y6U8",
        "/en/accounts/confirm-email/MQ:1vabcd:xyz123/": "MQ:1vabcd:xyz123",
        "/en/accounts/password/reset/key/1-c3xabc-9f8e7d6c/": "1-c3xabc-9f8e7d6c",
    }

    def lines():
        return len(proxy.access_log.read_text().splitlines()) if proxy.access_log.exists() else 0

    before = lines()
    for path in secrets:
        proxy.get(path)
    assert proxy.get(f"/en/calendar/{token}.ics", method="POST").status == 403
    # nginx writes each access line after its answer is sent: wait for all six.
    assert wait_until(lambda: lines() - before == len(secrets) + 1, 5)
    logged = proxy.access_log.read_text()
    paths = [json.loads(line)["path"] for line in logged.splitlines()]
    assert "/en/calendar/[token].ics" in paths and "/p/[token]/more/" in paths
    for token in secrets.values():
        assert token not in logged
        for web in proxy.webs:
            assert token not in web.app_log.read_text()


def test_both_web_servers_take_visitors_and_one_killed_is_not_noticed(proxy):
    def served_by():
        return [len(web.seen()) for web in proxy.webs]

    before = served_by()
    for _ in range(6):
        assert proxy.get("/en/").status == 200
    # Round robin: both served.
    assert wait_until(lambda: all(b > a for a, b in zip(before, served_by(), strict=True)), 5)

    killed, survivor = proxy.webs
    killed.kill()
    try:
        survivor_before = len(survivor.seen())
        statuses = [proxy.get("/en/").status for _ in range(10)]
        assert statuses == [200] * 10  # the visitor never sees the dead server
        # gunicorn writes its access line just after the answer: give the last one a moment.
        assert wait_until(lambda: len(survivor.seen()) - survivor_before == 10, 5)
    finally:
        killed.start()
    assert proxy.get("/en/").status == 200
