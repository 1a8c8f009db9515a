"""Channels for the outbox tests and the reliability tests' child processes."""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.request

SENT: list[str] = []
_lock = threading.Lock()


class CountingChannel:
    """Accepts everything and counts; with OUTBOX_TEST_LOG set, appends each key to that file
    (flushed at once, so a killed process leaves a true record of what it sent)."""

    delay = float(os.environ.get("OUTBOX_TEST_DELAY", "0"))

    def open(self) -> None:
        path = os.environ.get("OUTBOX_TEST_LOG")
        self.log = open(path, "a", buffering=1) if path else None  # noqa: SIM115

    def close(self) -> None:
        if self.log is not None:
            self.log.close()

    def send(self, *, reminder, address, message) -> None:
        if self.delay:
            time.sleep(self.delay)
        with _lock:
            SENT.append(reminder.key)
        if self.log is not None:
            self.log.write(reminder.key + "\n")
            self.log.flush()
            os.fsync(self.log.fileno())


class BrokenChannel:
    def open(self) -> None:
        return None

    def close(self) -> None:
        return None

    def send(self, *, reminder, address, message) -> None:
        raise ConnectionError("gateway down")


class FailingSmsGateway:
    def send_sms(self, *, to: str, text: str, reference: str, sender: str = "") -> str:
        raise ConnectionError("gateway down")


class RecordingSmsGateway:
    """Keeps what each call was given, reference included."""

    calls: list[dict] = []

    def send_sms(self, *, to: str, text: str, reference: str, sender: str = "") -> str:
        RecordingSmsGateway.calls.append({"to": to, "text": text, "reference": reference})
        return f"rec-{len(RecordingSmsGateway.calls)}"


class HttpSmsGateway:
    """An SMS gateway over HTTP, as a real one is: POSTs JSON to OUTBOX_TEST_SMS_URL (a server
    the test runs on 127.0.0.1) with the outbox key as the idempotency reference."""

    def send_sms(self, *, to: str, text: str, reference: str, sender: str = "") -> str:
        body = json.dumps({"to": to, "text": text, "reference": reference}).encode()
        request = urllib.request.Request(
            os.environ["OUTBOX_TEST_SMS_URL"],
            data=body,
            headers={"Content-Type": "application/json", "Idempotency-Key": reference},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (127.0.0.1)
            return json.load(response)["id"]


def logged_sms(caplog) -> list[tuple[str, str]]:
    """(number, text) of each SMS the LoggingSmsBackend wrote to the log, in order."""
    return [
        (record.args[0], record.args[2])
        for record in caplog.records
        if record.name == "tod.outbox" and record.msg == "SMS to %s (%s): %s"
    ]
