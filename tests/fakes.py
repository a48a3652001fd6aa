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
