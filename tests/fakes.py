"""Stand-ins for third-party providers, plugged in through the backend settings (the way
Django's locmem email backend stands in for SMTP). Our own code is never patched."""

from messaging import channels, sms


class FlakySmsBackend(sms.LocmemBackend):
    """A provider that answers 500 the first `failures` times, then accepts."""

    failures = 3
    calls = 0

    def send(self, to, text):
        type(self).calls += 1
        if type(self).calls <= self.failures:
            raise channels.TransientError("provider said 500")
        return super().send(to, text)


class RejectingSmsBackend(sms.LocmemBackend):
    """A provider that refuses the number for good (e.g. Twilio error 21211)."""

    def send(self, to, text):
        raise channels.PermanentError("21211 invalid number")


class CrashingFileBackend(sms.FileBackend):
    """A provider that takes the CRASH_AT-th text and then the worker dies at once (SIGKILL,
    nothing runs after it), before the provider's answer could be recorded: the moment
    between "the provider accepted" and "we wrote it down". Once per test (a marker file
    beside the provider's log), so the worker that takes over sends the rest."""

    CRASH_AT = 15

    def send(self, to, text):
        import os
        import signal
        from pathlib import Path

        from django.conf import settings

        provider_id = super().send(to, text)
        log = Path(settings.SMS_FILE_PATH)
        marker = log.with_suffix(".crashed")
        if len(log.read_text(encoding="utf-8").splitlines()) >= self.CRASH_AT and _first(
            marker, to
        ):
            os.kill(os.getpid(), signal.SIGKILL)
        return provider_id


def _first(marker, to) -> bool:
    """True for exactly one process: the marker is created or found in one step (O_EXCL).
    Looking first and writing after let two pool processes that sent at the same moment
    both see no marker and both die, which put a second batch, a live one, in doubt."""
    import os

    try:
        handle = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return False
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        file.write(to)
    return True
