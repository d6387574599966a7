"""Fetching the image a request names by URL (``url``, ``url_list``, ``ImageUrl``), guarded:
``ocrframe serve`` must not become a way for its clients into the host it runs on or the
network behind it (server-side request forgery: ``http://169.254.169.254/`` is a cloud
machine's credentials, ``http://127.0.0.1:…`` its private services).

Only http and https; at most ``max_bytes``, within ``timeout`` seconds for the whole fetch,
redirects included; and, unless ``allow_private``, only to public unicast addresses. A name is
resolved once, every address it resolves to is checked, and the connection goes to a checked
address (with the name still in ``Host`` and in TLS), so a name that answers a public address
to the check and a private one to the connection (DNS rebinding) reaches nothing. Redirects
are followed here, not by an HTTP library, so each hop is checked the same way.

A URL that is not fetched raises :class:`FetchError` with the legacy pages' code and the
API 3.0 error code the vendor gives, and is logged in one line (without its query, which may
hold a signature).

>>> [is_public(ipaddress.ip_address(a)) for a in ("169.254.169.254", "::ffff:10.0.0.1", "1.1.1.1")]
[False, False, True]
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import logging
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from ..core import codes
from .bodies import size_text

log = logging.getLogger("ocrframe.server")
MAX_REDIRECTS = 5
REDIRECTS = frozenset({301, 302, 303, 307, 308})
CHUNK = 64 * 1024
#: NAT64's well-known prefix: its addresses reach the IPv4 address in their last 32 bits
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(Exception):
    """An image URL not fetched: ``code`` for the legacy endpoints, ``api3`` for API 3.0."""

    def __init__(self, url: str, reason: str, code: int = codes.DOWNLOAD_FAILED,
                 api3: str = "FailedOperation.DownLoadError", logged: str = "") -> None:  # fmt: skip
        super().__init__(f"{url}: {reason}")
        self.url, self.reason, self.code, self.api3 = url, reason, code, api3
        self.logged = logged or reason  # the log may say more than the client is told

    @property
    def detail(self) -> str:
        return str(self)

    def response(self) -> dict:
        """The legacy endpoints' answer for this image."""
        return codes.error_response(self.code, self.detail)


def not_public(ip: IPAddress) -> str | None:
    """Why ``ip`` is not a public unicast address — loopback, link-local (cloud metadata),
    private, multicast, reserved, unspecified, or another not global (100.64/10: carrier NAT,
    some clouds' metadata) — or None when it is one. An IPv6 address that carries an IPv4
    one (IPv4-mapped, 6to4, NAT64) is judged by the IPv4 address it reaches."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip.sixtofour is not None:
            ip = ip.sixtofour
        elif ip in NAT64:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    # the narrower kinds first: a loopback address is private too
    for kind in ("loopback", "link_local", "unspecified", "multicast", "reserved", "private"):
        if getattr(ip, f"is_{kind}"):
            return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind.replace('_', '-')} address ({ip})"
    return None if ip.is_global else f"not a global address ({ip})"


def is_public(ip: IPAddress) -> bool:
    """Whether ``ip`` is a public unicast address (:func:`not_public` says why not)."""
    return not_public(ip) is None


def for_log(url: str) -> str:
    """``url`` as the log names it: without user, password, query or fragment (a signed URL
    carries its signature there), and printable (no line breaks to forge log lines with)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        shown = f"{parts.scheme}://{host}{f':{parts.port}' if parts.port else ''}{parts.path}"
        if parts.query:
            shown += "?…"
    except ValueError:
        shown = url
    return repr(shown[:300])[1:-1]


@dataclass(frozen=True)
class Fetcher:
    """Fetches image URLs within ``max_bytes`` and ``timeout`` seconds; private addresses only
    when ``allow_private``. Thread-safe: each fetch has its own connections."""

    max_bytes: int
    timeout: float
    allow_private: bool = False
    max_redirects: int = MAX_REDIRECTS

    def allows(self, host: str, ip: IPAddress) -> bool:
        """Whether ``host``'s address ``ip`` may be connected to (``host`` is given so that a
        policy may depend on it: tests make one name count as public)."""
        return self.allow_private or is_public(ip)

    def fetch(self, url: str) -> bytes:
        """The body of ``url`` (after redirects), or :class:`FetchError` (logged)."""
        try:
            return self._fetch(url)
        except FetchError as err:
            hop = f" (redirected to {for_log(err.url)})" if err.url != url else ""
            log.warning("image URL not fetched: %s%s: %s", for_log(url), hop, err.logged)
            raise

    def _fetch(self, url: str) -> bytes:
        deadline = time.monotonic() + self.timeout
        current = url
        for _ in range(self.max_redirects + 1):
            body, location = self._get(current, deadline)
            if location is None:
                return body
            current = urljoin(current, location)
        raise FetchError(url, f"more than {self.max_redirects} redirects")

    def _get(self, url: str, deadline: float) -> tuple[bytes, str | None]:
        """One hop: the body of ``url``, or the ``Location`` it redirects to."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            raise FetchError(url, "malformed URL") from None
        if parts.scheme not in ("http", "https"):
            raise FetchError(url, "only http and https URLs are fetched")
        host = parts.hostname
        if not host:
            raise FetchError(url, "malformed URL: no host")
        port = port or (443 if parts.scheme == "https" else 80)
        addresses = self._resolve(url, host, port)
        conn = timer = reply = None
        try:
            conn = _Pinned(parts.scheme, host, port, addresses, _left(url, deadline))
            # the whole fetch has one deadline, which per-operation socket timeouts cannot
            # give (a server may send a byte just before each expires): the connection is cut
            timer = threading.Timer(_left(url, deadline), conn.cut)
            timer.daemon = True
            timer.start()
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            conn.request("GET", path, headers={"User-Agent": "ocrframe-serve", "Accept": "*/*"})
            reply = conn.getresponse()
            if reply.status in REDIRECTS and reply.getheader("location"):
                return b"", reply.getheader("location")
            if reply.status != 200:
                raise FetchError(url, f"HTTP {reply.status}")
            body = self._read(url, reply)
        except FetchError:
            raise
        except (OSError, http.client.HTTPException, ValueError) as err:
            if time.monotonic() >= deadline:
                raise _timeout(url, self.timeout) from None
            raise FetchError(url, f"{type(err).__name__}: {err}") from None
        finally:
            if timer is not None:
                timer.cancel()
            if reply is not None:  # a response read to the end of its connection owns it
                reply.close()
            if conn is not None:
                conn.close()
        if time.monotonic() >= deadline:  # cut short: what was read may be a truncated image
            raise _timeout(url, self.timeout)
        return body, None

    def _resolve(self, url: str, host: str, port: int) -> list[tuple]:
        """Every address of ``host``, each checked; one refused address refuses the name
        (which of them a connection would take is not ours to choose)."""
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError, ValueError) as err:
            raise FetchError(url, f"cannot resolve {host!r} ({err})") from None
        for *_, sockaddr in infos:
            try:
                ip = ipaddress.ip_address(sockaddr[0].split("%")[0])
            except ValueError:
                raise FetchError(url, f"{host!r}: unusable address {sockaddr[0]!r}") from None
            if not self.allows(host, ip):
                # the client is not told the address: what a name resolves to inside is not
                # its business; the log line says it
                why = not_public(ip) or "refused by the policy"
                logged = why if host == str(ip) else f"{host} is {why}"
                raise FetchError(url, "refused: not a public address", logged=logged)
        return [(family, sockaddr) for family, _, _, _, sockaddr in infos]

    def _read(self, url: str, reply: http.client.HTTPResponse) -> bytes:
        declared = reply.getheader("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise _too_large(url, self.max_bytes)
        chunks, size = [], 0
        while chunk := reply.read(CHUNK):
            size += len(chunk)
            if size > self.max_bytes:  # no or a false length: stop at the limit all the same
                raise _too_large(url, self.max_bytes)
            chunks.append(chunk)
        return b"".join(chunks)


class _Pinned(http.client.HTTPConnection):
    """An HTTP(S) connection to addresses already checked, that still names ``host`` (in
    ``Host``, and in TLS for the certificate check): nothing resolves the name again."""

    def __init__(self, scheme: str, host: str, port: int, addresses: list[tuple],
                 timeout: float) -> None:  # fmt: skip
        super().__init__(host, port, timeout=timeout)
        self.tls = ssl.create_default_context() if scheme == "https" else None
        self.default_port = 443 if self.tls else 80  # the Host header names other ports
        self.addresses = addresses
        self._cut = threading.Event()
        # cut() needs the socket after http.client lets go of it (a response that ends with
        # the connection takes the socket over and sets self.sock to None)
        self._socket: socket.socket | None = None

    def connect(self) -> None:
        error: OSError | None = None
        for family, sockaddr in self.addresses:
            if self._cut.is_set():
                break
            sock = socket.socket(family, socket.SOCK_STREAM)
            sock.settimeout(self.timeout)
            try:
                sock.connect(sockaddr)
                if self.tls is not None:
                    sock = self.tls.wrap_socket(sock, server_hostname=self.host)
            except OSError as err:
                sock.close()
                error = err
                continue
            self.sock = self._socket = sock
            if self._cut.is_set():  # the deadline passed while connecting
                self.cut()
            return
        raise error or OSError("connection cut at the deadline")

    def cut(self) -> None:
        """Shut the socket down (from the timer's thread): a blocked read returns at once."""
        self._cut.set()
        if self._socket is not None:
            with contextlib.suppress(OSError):
                socket.socket.shutdown(self._socket, socket.SHUT_RDWR)  # also under TLS


def _left(url: str, deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchError(url, "download timed out", codes.DOWNLOAD_TIMEOUT)
    return left


def _timeout(url: str, seconds: float) -> FetchError:
    return FetchError(url, f"download timed out ({seconds:g} s)", codes.DOWNLOAD_TIMEOUT)


def _too_large(url: str, limit: int) -> FetchError:
    # the legacy pages have no code for it but "download failed"; API 3.0 says the image is
    # over its size limit
    return FetchError(
        url,
        f"over {size_text(limit)} (the download limit)",
        api3="FailedOperation.ImageSizeTooLarge",
    )
