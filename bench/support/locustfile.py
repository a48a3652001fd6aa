"""Locust users for bench/load.py: logged-in families answering events on the RSVP page.

Each user takes one family's session (from BENCH_SESSIONS, a JSON file written by
bench/load.py), opens an event page and sends an answer, again and again: yes or no, with a
party of one to four, sometimes asking for an interpreter. Cookies are handled by hand: the
site sets them Secure (as behind the TLS proxy), which a plain-http client would not return.
"""

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, task

SESSIONS = json.loads(open(os.environ["BENCH_SESSIONS"]).read())  # noqa: SIM115
EVENTS = SESSIONS["events"]
COOKIE = SESSIONS["cookie"]
_next_session = itertools.cycle(SESSIONS["sessions"])
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# A family reads the page and fills in the form between two requests.
WAIT = [float(s) for s in os.environ.get("BENCH_WAIT", "1,5").split(",")]
# The page's summary of problems (portal/_error_summary.html): a refusal in words.
ERRORS = re.compile(r'class="error-summary"[^>]*>(.*?)</div>', re.DOTALL)


class Family(HttpUser):
    wait_time = between(*WAIT)

    def on_start(self):
        self.cookies = {COOKIE: next(_next_session)}
        self.headers = {"X-Forwarded-Proto": "https", "Origin": f"https://{self.host_port}"}

    @property
    def host_port(self):
        return self.host.split("://", 1)[1]

    @task
    def answer_an_event(self):
        event = random.choice(EVENTS)
        url = f"/en/events/{event}/"
        # Step two of the answer: its form is there whether or not the family answered before
        # (the event page itself shows a summary once it has).
        with self.client.get(
            f"{url}?step=2",
            cookies=self.cookies,
            headers=self.headers,
            name="event page",
            catch_response=True,
        ) as page:
            match = TOKEN.search(page.text)
            if page.status_code != 200 or not match:
                page.failure(f"no RSVP form (status {page.status_code})")
                return
            for name, value in page.cookies.items():
                self.cookies[name] = value
        going = random.random() < 0.8
        data = {
            "csrfmiddlewaretoken": match.group(1),
            "going": "yes" if going else "no",
            "adults": str(random.randint(1, 3)),
            "children": str(random.randint(0, 1)),
            "interpreter_language": "",
        }
        if random.random() < 0.3:
            data["needs_interpreter"] = "on"
            data["interpreter_language"] = random.choice(["es", "ar", "ht"])
        with self.client.post(
            url,
            data=data,
            cookies=self.cookies,
            headers={**self.headers, "Referer": f"https://{self.host_port}{url}"},
            name="RSVP (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            # A refusal in words ("Only 2 places are left…") is an answer too, not a failure.
            refused = answer.status_code == 200 and ERRORS.search(answer.text)
            if answer.status_code != 302 and not refused:
                answer.failure(f"answer not taken (status {answer.status_code})")
