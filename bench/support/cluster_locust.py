"""Locust users for bench/cluster.py: the families of bench/load.py, through nginx over TLS
(a throwaway certificate, not checked), who also read pages between answers. Every answer the
portal acknowledged (302) and every answer that failed (5xx, no response) is written, one JSON
line each, to BENCH_ANSWERS, so cluster.py can compare them with the database."""

import json
import os
import random
import time

from locust import events, task

from bench.support.locustfile import COOKIE, EVENTS, Family

ANSWERS = open(os.environ["BENCH_ANSWERS"], "a", buffering=1)  # noqa: SIM115


@events.request.add_listener
def _record(request_type, name, response, context, exception, **kwargs):
    if name != "RSVP (POST)" or response is None:
        return
    body = response.request.body or ""
    if isinstance(body, bytes):
        body = body.decode()
    going = "going=yes" in body
    ANSWERS.write(
        json.dumps(
            {
                "session": context.get("session"),
                "url": response.request.path_url,
                "status": response.status_code if exception is None else 0,
                "going": going,
                "time": time.time(),
            }
        )
        + "\n"
    )


class ClusterFamily(Family):
    def on_start(self):
        super().on_start()
        self.client.verify = False

    def context(self):
        return {"session": self.cookies.get(COOKIE)}

    @task
    def read_pages(self):
        for path in ("/en/my/", f"/en/events/{random.choice(EVENTS)}/"):
            self.client.get(path, cookies=self.cookies, headers=self.headers, name=path[:8])
