"""Channels for the outbox tests and the reliability tests' child processes."""

from __future__ import annotations

import os
import threading
import time

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
    def send_sms(self, *, to: str, text: str) -> str:
        raise ConnectionError("gateway down")
