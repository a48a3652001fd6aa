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
        if (
            not marker.exists()
            and len(log.read_text(encoding="utf-8").splitlines()) >= self.CRASH_AT
        ):
            marker.write_text(to, encoding="utf-8")
            os.kill(os.getpid(), signal.SIGKILL)
        return provider_id
