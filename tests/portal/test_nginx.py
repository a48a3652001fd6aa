"""The production proxy configuration (deploy/nginx.conf) serves uploads inert (RELIABILITY A5).

The shipped file is started with Debian's nginx on loopback ports, with only its machine paths
(certificate, MEDIA_ROOT, logs, gunicorn's address) pointed at temporary ones. Without nginx
(or openssl, for the test certificate) these tests are skipped, except under CI=true, where
that fails the run; `make test` installs both with apt when run as root.
"""

import http.client
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings

from portal.media import AUDIO_TYPES
from tests.conftest import IN_CI
from tests.schools.samples import REAL

CONFIG = Path(settings.BASE_DIR) / "deploy" / "nginx.conf"
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


class FakeApp(BaseHTTPRequestHandler):
    """gunicorn's place: records what the proxy passed on."""

    seen: list = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        type(self).seen.append(dict(self.headers))
        body = b"portal page"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def proxy(tmp_path_factory):
    nginx = _need("nginx", shutil.which("nginx") or "/usr/sbin/nginx")
    openssl = _need("openssl", shutil.which("openssl"))
    root = tmp_path_factory.mktemp("proxy")
    media, static = root / "media", root / "static"
    (media / "guide-audio" / "1").mkdir(parents=True)
    static.mkdir()
    (static / "portal.css").write_text("body { color: black; }")
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
        + ["-keyout", str(root / "key.pem"), "-out", str(root / "cert.pem")],
        check=True,
        capture_output=True,
        timeout=60,
    )
    app = ThreadingHTTPServer(("127.0.0.1", 0), FakeApp)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    http_port, https_port = free_port(), free_port()
    machine = {
        "user www-data;": "user root;",  # the temporary folders are root's own
        "pid /run/nginx.pid;": f"pid {root}/nginx.pid;",
        "error_log /var/log/nginx/error.log;": f"error_log {root}/error.log;",
        "access_log /var/log/nginx/access.log;": (
            f"access_log {root}/access.log; client_body_temp_path {root}/body; "
            f"proxy_temp_path {root}/proxy;"
        ),
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{app.server_address[1]};",
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
    server = subprocess.Popen([*command, "-g", "daemon off;"], stderr=subprocess.PIPE)  # noqa: S603
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=0.2).close()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                time.sleep(0.05)
        tls = ssl.create_default_context(cafile=str(root / "cert.pem"))

        def get(path, *, https=True, headers=None):
            connection = (
                http.client.HTTPSConnection("127.0.0.1", https_port, context=tls, timeout=10)
                if https
                else http.client.HTTPConnection("127.0.0.1", http_port, timeout=10)
            )
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            response.body = response.read()
            connection.close()
            return response

        yield get, media / "guide-audio" / "1"
    finally:
        server.terminate()
        server.wait(timeout=10)
        app.shutdown()


def assert_inert(response, content_type):
    assert response.status == 200
    assert response.getheader("Content-Type") == content_type
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Content-Security-Policy") == "sandbox"


@pytest.mark.parametrize(("content", "extension", "content_type"), REAL.values(), ids=REAL.keys())
def test_the_proxy_serves_each_recording_with_its_audio_type(
    proxy, content, extension, content_type
):
    get, folder = proxy
    (folder / f"es-random.{extension}").write_bytes(content)
    response = get(f"/media/guide-audio/1/es-random.{extension}")
    assert_inert(response, content_type)
    assert response.body == content


@pytest.mark.parametrize("name", ["es.js", "es.html", "es.svg", "es.xml", "es.css", "es"])
def test_the_proxy_serves_anything_else_under_media_as_bytes(proxy, name):
    get, folder = proxy
    (folder / name).write_bytes(b"RIFF\x24\0\0\0WAVE" + SCRIPT)
    assert_inert(get(f"/media/guide-audio/1/{name}"), "application/octet-stream")


def test_the_proxy_hands_pages_to_the_portal_with_the_scheme_and_the_visitor_address(proxy):
    get, _ = proxy
    FakeApp.seen.clear()
    response = get("/en/", headers={"X-Forwarded-For": "203.0.113.9"})
    assert (response.status, response.body) == (200, b"portal page")
    passed = FakeApp.seen[-1]
    assert passed["X-Forwarded-Proto"] == "https"
    # The visitor's own claim is replaced by the address the proxy saw.
    assert passed["X-Forwarded-For"] == "127.0.0.1"
    assert passed["Host"] == "127.0.0.1"
    static = get("/static/portal.css")
    assert (static.status, static.getheader("Content-Type")) == (200, "text/css")
    assert static.getheader("X-Content-Type-Options") == "nosniff"
    plain = get("/en/", https=False)
    assert plain.status == 301 and plain.getheader("Location").startswith("https://")
    missing = get("/media/guide-audio/1/nothing.wav")
    assert missing.status == 404 and missing.getheader("X-Content-Type-Options") == "nosniff"
    assert not re.search(r"nginx/\d", missing.getheader("Server") + missing.body.decode())
