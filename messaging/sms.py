"""SMS through a pluggable backend, like Django's email backends.

SMS_BACKEND names the class: console (development), file (the demo and tests that read the
file), locmem (unit tests). The provider's backends are in messaging/twilio_backends.py;
`check --deploy` refuses the ones here in production (messaging/checks.py).
"""

import json
import threading
import time
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

# The locmem backends' sent texts, read and emptied by the tests.
outbox: list[dict] = []
# One lock for the file and memory backends: a worker's threads append whole lines, never
# interleaved halves that would break the JSON-lines file the demo and tests read.
_lock = threading.Lock()


class BaseBackend:
    def send(self, to: str, text: str) -> str:
        """Send one SMS; returns the provider's id for it."""
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    def send(self, to, text):
        print(f"SMS to {to}: {text}")  # noqa: T201 (development backend)
        return f"console-{timezone.now().timestamp()}"


class FileBackend(BaseBackend):
    """One JSON object per line in SMS_FILE_PATH. SMS_FILE_DELAY_MS makes it as slow as a
    real provider, for the tests that stop a worker in the middle of a batch: the text is
    recorded first and the answer comes after the delay, as with a provider that has taken
    the text before its answer reaches us, so a worker killed in the delay has sent a text
    it never heard about."""

    def send(self, to, text):
        path = Path(settings.SMS_FILE_PATH)
        path.parent.mkdir(parents=True, exist_ok=True)
        record = {"to": to, "text": text, "at": timezone.now().isoformat()}
        with _lock, path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        delay = getattr(settings, "SMS_FILE_DELAY_MS", 0)
        if delay:
            time.sleep(delay / 1000)
        return f"file-{record['at']}"


class LocmemBackend(BaseBackend):
    def send(self, to, text):
        with _lock:
            outbox.append({"to": to, "text": text})
        return f"locmem-{len(outbox)}"


_backends: dict[str, object] = {}


def backend(path: str):
    """One instance per backend class and process: a provider's client (its connection
    pool) is built once, not for every text."""
    if path not in _backends:
        _backends[path] = import_string(path)()
    return _backends[path]


def send_sms(to: str, text: str) -> str:
    return backend(settings.SMS_BACKEND).send(to, text)


class ConsoleVoiceBackend:
    """Development: prints what the call would read out."""

    def call(self, to: str, text: str, language: str, question: str = "") -> str:
        print(f"Call to {to} ({language}): {text} {question}")  # noqa: T201 (development backend)
        return f"console-call-{timezone.now().timestamp()}"


class FileVoiceBackend:
    def call(self, to: str, text: str, language: str, question: str = "") -> str:
        path = Path(settings.VOICE_FILE_PATH)
        path.parent.mkdir(parents=True, exist_ok=True)
        record = {"to": to, "text": text, "language": language, "at": timezone.now().isoformat()}
        if question:
            record["question"] = question
        with _lock, path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        return f"file-call-{record['at']}"


calls: list[dict] = []


class LocmemVoiceBackend:
    def call(self, to: str, text: str, language: str, question: str = "") -> str:
        with _lock:
            calls.append({"to": to, "text": text, "language": language, "question": question})
        return f"locmem-call-{len(calls)}"
