"""A feed server on 127.0.0.1 for the demo and the tests: serves prepared pages by path,
with 404 for anything else, and can inject faults. It never listens on another address."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    delay_seconds: float = 0.0  # wait before answering (a slow or hung server)
    cut_after: int | None = None  # close the connection after this many body bytes


Responder = Callable[[str], "Reply | tuple[int, dict[str, str], bytes] | None"]


class FeedServer:
    """`pages` maps a request path to a body; `responder`, when given, may answer first
    (tests use it to inject faults)."""

    def __init__(self, pages: Mapping[str, bytes], responder: Responder | None = None) -> None:
        self.pages = dict(pages)
        self.responder = responder
        self.requests: list[tuple[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append((self.path, self.headers.get("User-Agent", "")))
                reply = server.answer(self.path)
                if reply.delay_seconds:
                    time.sleep(reply.delay_seconds)
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/atom+xml; charset=utf-8")
                    self.send_header("Content-Length", str(len(reply.body)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    if reply.cut_after is None:
                        self.wfile.write(reply.body)
                    else:
                        self.wfile.write(reply.body[: reply.cut_after])
                        self.wfile.flush()
                        self.close_connection = True
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test); nothing to do

            def log_message(self, format: str, *args: object) -> None:
                return

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        # serve_forever looks for shutdown() every poll interval (0.5 s by default): every
        # test that closes a server would wait that long.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def answer(self, path: str) -> Reply:
        answer = self.responder(path) if self.responder else None
        if isinstance(answer, tuple):
            status, headers, body = answer
            return Reply(status, body, headers)
        if answer is not None:
            return answer
        body = self.pages.get(path)
        return Reply(200, body) if body is not None else Reply(404, b"not found")

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FeedServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def feed_paths(pages: Mapping[int, bytes], feed_path: str) -> dict[str, bytes]:
    """{page number: bytes} → {request path: bytes} in the site's URL scheme."""
    return {
        (feed_path if number == 1 else f"{feed_path}/page/{number}"): body
        for number, body in pages.items()
    }
