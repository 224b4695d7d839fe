"""Links taken from a feed: parsed, checked and rebuilt from their parts, so that only an
http(s) URL on one of the source's own hosts reaches the warehouse (never `javascript:`,
`data:`, credentials or a host the source does not own)."""

from __future__ import annotations

from urllib.parse import quote, urlsplit, urlunsplit

WEB_SCHEMES = frozenset({"http", "https"})
# RFC 3986's reserved and unreserved characters, and '%' of escapes already made
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"


class LinkError(ValueError):
    """The value is not an http(s) link on the source's hosts."""


def source_link(value: str, allowed_hosts: frozenset[str]) -> str:
    """`value` rebuilt as scheme://host[:port]/path?query from its parsed parts; raises
    LinkError saying why when it is not an http(s) URL on `allowed_hosts`."""
    try:
        parts = urlsplit(value.strip())
        host, port = parts.hostname, parts.port
    except ValueError as error:  # "Invalid IPv6 URL", a port out of range...
        raise LinkError(f"{value!r} is not a URL: {error}") from error
    scheme = parts.scheme.lower()
    if scheme not in WEB_SCHEMES:
        raise LinkError(f"{value!r} is not an http or https link")
    if host not in allowed_hosts:
        raise LinkError(f"{value!r} is not on the source's hosts")
    netloc = f"{host}:{port}" if port is not None else host
    path = quote(parts.path or "/", safe=_PATH_SAFE)
    query = quote(parts.query, safe=_PATH_SAFE + "?")
    return urlunsplit((scheme, netloc, path, query, ""))


def path_of(value: str | None) -> str:
    """The path of a URL, or '' when it cannot be parsed."""
    try:
        return urlsplit(value or "").path
    except ValueError:
        return ""
