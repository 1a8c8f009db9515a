"""Real HTTP servers on 127.0.0.1 that speak the providers' documented formats, for the tests.

`ProviderServer` runs http.server in a thread; it records every request and answers as the
provider would (`gatewayapi`, `twilio`, `postmark` below), unless a test scripts the next reply
(`then(status, body, delay=...)`) to play a 5xx or a gateway that does not answer in time.
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return {key: values[0] for key, values in parse_qs(self.body.decode()).items()}


class ProviderServer:
    def __init__(self, answer) -> None:
        self.answer = answer  # (Recorded) -> (status, body dict)
        self.requests: list[Recorded] = []
        self.scripted: deque[tuple[int, object, float]] = deque()
        self.ids = itertools.count(1001)
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                recorded = Recorded(
                    "POST", self.path, dict(self.headers.items()), self.rfile.read(length)
                )
                server.requests.append(recorded)
                status, body, delay = (
                    server.scripted.popleft()
                    if server.scripted
                    else (*server.answer(server, recorded), 0.0)
                )
                if delay:
                    time.sleep(delay)
                payload = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def log_message(self, *args) -> None:
                return None

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def then(self, status: int, body: object, *, delay: float = 0.0) -> None:
        self.scripted.append((status, body, delay))

    def __enter__(self) -> ProviderServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def gwapi_error(message: str, code: str, *variables: str) -> dict:
    """GatewayAPI's documented error body."""
    body = {"code": code, "incident_uuid": "d8127429-fa0c-4316-b1f2-e610c3958f43"}
    body["message"] = message
    if variables:
        body["variables"] = list(variables)
    return body


def gatewayapi(token: str):
    """POST /rest/mtsms as GatewayAPI documents it: the API token in the Authorization header,
    a JSON body with message and recipients [{msisdn}], {"ids": [...], "usage": ...} back."""

    def answer(server: ProviderServer, request: Recorded):
        if request.path != "/rest/mtsms":
            return 404, gwapi_error("Not found", "0x0000")
        if request.headers.get("Authorization") != f"Token {token}":
            return 401, gwapi_error("Invalid API token", "0x0204")
        try:
            body = request.json()
        except ValueError:
            return 422, gwapi_error("Invalid JSON", "0x0101")
        if not body.get("message") or not body.get("recipients"):
            return 400, gwapi_error("Missing required field: %1", "0x0301", "message")
        if not all(isinstance(r.get("msisdn"), int) for r in body["recipients"]):
            return 400, gwapi_error("Invalid msisdn", "0x0302")
        ids = [next(server.ids) for _ in body["recipients"]]
        return 200, {"ids": ids, "usage": {"countries": {"DK": 1}, "currency": "DKK"}}

    return answer


def twilio(account: str, auth_token: str):
    """POST /2010-04-01/Accounts/{sid}/Messages.json as Twilio documents it: basic auth, a form
    with To, From, Body, StatusCallback; 201 with the message resource back."""

    def answer(server: ProviderServer, request: Recorded):
        if request.path != f"/2010-04-01/Accounts/{account}/Messages.json":
            return 404, {"code": 20404, "message": "The requested resource was not found"}
        expected = "Basic " + base64.b64encode(f"{account}:{auth_token}".encode()).decode()
        if request.headers.get("Authorization") != expected:
            return 401, {"code": 20003, "message": "Authenticate", "status": 401}
        form = request.form()
        if not form.get("To", "").startswith("+"):
            return 400, {
                "code": 21211,
                "message": f"The 'To' number {form.get('To')} is not a valid phone number.",
                "status": 400,
            }
        sid = f"SM{next(server.ids):032d}"
        return 201, {"sid": sid, "status": "queued", "to": form["To"], "body": form["Body"]}

    return answer


def postmark(server_token: str):
    """POST /email as Postmark documents it: X-Postmark-Server-Token, JSON back with MessageID."""

    def answer(server: ProviderServer, request: Recorded):
        if request.headers.get("X-Postmark-Server-Token") != server_token:
            return 401, {"ErrorCode": 10, "Message": "Bad or missing API token"}
        body = request.json()
        message_id = f"0a129aee-e1cd-480d-b08d-{next(server.ids):012d}"
        return 200, {
            "To": body["To"],
            "SubmittedAt": "2026-05-04T12:00:00.0000000Z",
            "MessageID": message_id,
            "ErrorCode": 0,
            "Message": "OK",
        }

    return answer
