"""A feed server on 127.0.0.1 for the demo and the tests: serves prepared pages by path,
with 404 for anything else. It never listens on another address."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

Responder = Callable[[str], tuple[int, dict[str, str], bytes] | None]


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
                answer = server.responder(self.path) if server.responder else None
                if answer is None:
                    body = server.pages.get(self.path)
                    answer = (200, {}, body) if body is not None else (404, {}, b"not found")
                status, headers, body = answer
                self.send_response(status)
                self.send_header("Content-Type", "application/atom+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

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
