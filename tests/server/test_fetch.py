"""``ocrframe serve`` fetches image URLs only from public addresses, within a size and a time
limit, and refuses bodies over its limit — with the vendor's codes and one log line each.

Every server here listens on 127.0.0.1, and no packet leaves it: names are resolved by a
patched ``getaddrinfo`` (or by /etc/hosts, for ``localhost``), and :func:`loopback_only` makes
any other connection of this process fail and the test with it. Refused addresses
(169.254.169.254, 10.x) are never connected to: that is what is tested.
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import ipaddress
import shutil
import socket
import ssl
import subprocess
import threading
import time

import pytest
import requests
from serving import Background, StaticFiles, sample

from ocrframe import records
from ocrframe.core import codes
from ocrframe.server import ServerConfig, create_app
from ocrframe.server.fetch import Fetcher, FetchError, not_public
from ocrframe.server.launch import LocalServer, free_port

TIMEOUT = 60  # a safety net against a hang, never a speed test
MB = 1024 * 1024
IMAGE = "small_text.png"  # 13.5 kB: under the small download limit below
BIG_IMAGE = "zh_document.png"  # 43.6 kB: over it
ANSWER = {"code": 0, "message": "OK", "data": {"items": [{"itemstring": "recorded"}]}}
ALLOW = {"OCRFRAME_SERVE_ALLOW_PRIVATE_URLS": "1"}
#: what loopback_only lets this process connect to
LOOPBACK = {"127.0.0.1", "::1"}


# --- no traffic leaves the machine ---------------------------------------------------------------


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """Connections of this process to anything but loopback fail, and fail the test."""
    attempts: list = []
    real = socket.socket.connect

    def connect(sock, address):
        if isinstance(address, tuple) and address[0] not in LOOPBACK:
            attempts.append(address)
            raise OSError(f"test: no connection to {address} may leave the machine")
        return real(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    yield
    assert not attempts, f"connections attempted off the machine: {attempts}"


class FakeDNS:
    """``getaddrinfo`` that answers names from a table — ``"10.0.0.1"``, several addresses
    ``"127.0.0.1,::1"``, or a list of such answers given in turn, the last one repeating —
    and never asks a real resolver: any other name must be a literal address."""

    def __init__(self, table: dict[str, str | list[str]]) -> None:
        self.table = table
        self.asked: list[str] = []
        self.real = socket.getaddrinfo

    def __call__(self, host, port, family=0, type=0, proto=0, flags=0):  # noqa: A002 (its name)
        name = host.decode() if isinstance(host, bytes) else host
        self.asked.append(name)
        if name in self.table:
            answers = self.table[name]
            if isinstance(answers, list):
                n = self.asked.count(name)
                answers = answers[min(n, len(answers)) - 1]
            return [
                info
                for address in answers.split(",")
                for info in self.real(address, port, family, type, proto, socket.AI_NUMERICHOST)
            ]
        return self.real(name, port, family, type, proto, flags | socket.AI_NUMERICHOST)


@pytest.fixture
def dns(monkeypatch):
    """Install a :class:`FakeDNS`: ``dns({"name": "10.0.0.1"})``."""

    def install(table: dict) -> FakeDNS:
        fake = FakeDNS(table)
        monkeypatch.setattr(socket, "getaddrinfo", fake)
        return fake

    return install


@pytest.fixture
def public_names(monkeypatch):
    """``public_names("a.example")``: addresses of those names count as public (they are
    127.0.0.1: a stand-in for a public server that sends no packet off the machine)."""

    def install(*names: str) -> None:
        real = Fetcher.allows
        monkeypatch.setattr(
            Fetcher, "allows", lambda self, host, ip: host in names or real(self, host, ip)
        )

    return install


# --- local HTTP servers that serve images, redirects, floods and trickles ---------------------


class Scripted(Background):
    """A server on 127.0.0.1 whose GET answers come from ``answer(path) -> (status, headers,
    body chunks)``; it counts the requests it was sent."""

    def __init__(self, answer) -> None:
        self.paths: list[str] = []
        self.stop = threading.Event()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"  # the body ends when the connection closes

            def do_GET(self) -> None:
                outer.paths.append(self.path)
                status, headers, chunks = answer(self.path)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    for chunk in chunks:
                        if outer.stop.is_set():
                            return
                        self.wfile.write(chunk)
                        self.wfile.flush()
                except OSError:  # the client hung up: what the limits are for
                    pass

            def log_message(self, *args) -> None:
                pass

        super().__init__(Handler)

    def __exit__(self, *exc) -> None:
        self.stop.set()
        super().__exit__(*exc)


def redirect(location: str) -> tuple:
    return 302, {"Location": location, "Content-Length": "0"}, []


@pytest.fixture(scope="module")
def files():
    with StaticFiles() as static:
        yield static


def fetcher(**kw) -> Fetcher:
    return Fetcher(**{"max_bytes": 10 * MB, "timeout": 10.0, **kw})


def refused(url: str, **kw) -> FetchError:
    with pytest.raises(FetchError) as info:
        fetcher(**kw).fetch(url)
    return info.value


# --- the guarded fetcher -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("10.1.2.3", "private"),
        ("192.168.0.1", "private"),
        ("fd00::1", "private"),
        ("100.100.100.200", "not a global"),  # shared address space: one cloud's metadata
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
        ("::ffff:169.254.169.254", "link-local"),
        ("2002:a00:1::1", "private"),  # 6to4 of 10.0.0.1
        ("64:ff9b::a9fe:a9fe", "link-local"),  # NAT64 of 169.254.169.254
    ],
)
def test_addresses_that_are_not_public(address, kind):
    assert kind in not_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses(address):
    assert not_public(ipaddress.ip_address(address)) is None


def test_loopback_url_that_serves_an_image_is_refused_unless_allowed(files, caplog):
    url = f"{files.url}/{IMAGE}"
    err = refused(url)
    assert (err.code, err.api3) == (codes.DOWNLOAD_FAILED, "FailedOperation.DownLoadError")
    assert "not a public address" in str(err)
    # one line in the log, naming the URL and why
    lines = [r.getMessage() for r in caplog.records if "not fetched" in r.getMessage()]
    assert lines == [f"image URL not fetched: {url}: a loopback address (127.0.0.1)"]
    assert fetcher(allow_private=True).fetch(url) == sample(IMAGE)


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "http://[::ffff:169.254.169.254]/latest/meta-data/",
        "http://[::1]:9/x.png",
        "http://10.0.0.1/x.png",
        "http://0.0.0.0:80/x.png",
        "http://2130706433/x.png",  # 127.0.0.1 written as a number
    ],
)
def test_private_literals_are_refused_before_connecting(url):
    # loopback_only fails the test if anything but loopback is connected to
    assert "not a public address" in str(refused(url))


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/a.png", "gopher://x/"])
def test_only_http_and_https(url):
    assert "only http and https" in str(refused(url, allow_private=True))


def test_a_name_that_resolves_to_a_private_address_is_refused(dns, caplog):
    dns({"intranet.example": "10.20.30.40"})
    err = refused("http://intranet.example/scan.png?sig=secret")
    assert "10.20.30.40" not in str(err)  # the client is not told what the name is inside
    logged = [r.getMessage() for r in caplog.records if "not fetched" in r.getMessage()]
    assert logged == [
        "image URL not fetched: http://intranet.example/scan.png?…: "
        "intranet.example is a private address (10.20.30.40)"
    ]  # the query (a signature, maybe) stays out of the log


def test_every_address_of_a_name_is_checked(dns, monkeypatch):
    # two addresses, the first counted as public: the second still refuses the name
    dns({"mixed.example": "127.0.0.1,::1"})
    monkeypatch.setattr(Fetcher, "allows", lambda self, host, ip: str(ip) == "127.0.0.1")
    assert "not a public address" in str(refused("http://mixed.example:9/a.png"))


def test_a_public_url_that_redirects_to_a_private_name_is_refused(dns, public_names, files):
    def answer(path):
        return redirect(f"http://intranet.example:{files.httpd.server_address[1]}/{IMAGE}")

    with Scripted(answer) as public:
        port = public.httpd.server_address[1]
        dns({"public.example": "127.0.0.1", "intranet.example": "10.0.0.7"})
        public_names("public.example")
        err = refused(f"http://public.example:{port}/start.png")
    assert public.paths == ["/start.png"]  # the first hop was fetched, the second refused
    assert err.url.startswith("http://intranet.example:") and "not a public address" in str(err)


def test_a_redirect_to_loopback_or_metadata_is_refused(dns, public_names, files):
    targets = iter([f"{files.url}/{IMAGE}", "http://169.254.169.254/latest/meta-data/"])
    with Scripted(lambda path: redirect(next(targets))) as public:
        dns({"public.example": "127.0.0.1"})
        public_names("public.example")
        url = f"http://public.example:{public.httpd.server_address[1]}/a"
        assert "not a public address" in str(refused(url))
        assert "not a public address" in str(refused(url))


def test_redirects_are_followed_and_bounded(files):
    def answer(path):
        if path == "/loop":
            return redirect("/loop")
        return redirect(f"{files.url}/{IMAGE}" if path == "/away" else "/away")

    with Scripted(answer) as hops:
        assert fetcher(allow_private=True).fetch(f"{hops.url}/start") == sample(IMAGE)
        err = refused(f"{hops.url}/loop", allow_private=True)
    assert "more than 5 redirects" in str(err)
    assert hops.paths.count("/loop") == 6


def test_a_name_is_resolved_once_and_the_checked_address_connected_to(dns, public_names, files):
    # a rebinding name: public (here: 127.0.0.1, counted as public) when checked, then
    # private; the connection must go to the address that was checked
    port = files.httpd.server_address[1]
    fake = dns({"rebind.example": ["127.0.0.1", "10.0.0.9"]})
    public_names("rebind.example")
    assert fetcher().fetch(f"http://rebind.example:{port}/{IMAGE}") == sample(IMAGE)
    assert fake.asked == ["rebind.example"]


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl to make a certificate")
def test_https_connects_to_the_checked_address_and_verifies_the_name(
    tmp_path, dns, public_names, monkeypatch
):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", key, "-out", cert, "-subj", "/CN=images.example",
         "-addext", "subjectAltName=DNS:images.example"],
        check=True, capture_output=True, timeout=TIMEOUT,
    )  # fmt: skip
    (tmp_path / IMAGE).write_bytes(sample(IMAGE))
    trusted = ssl.create_default_context

    def trusting(*args, **kw) -> ssl.SSLContext:  # the system's CAs and this certificate
        context = trusted(*args, **kw)
        context.load_verify_locations(cert)
        return context

    monkeypatch.setattr(ssl, "create_default_context", trusting)
    tls = StaticFiles(tmp_path)
    server_side = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_side.load_cert_chain(cert, key)
    tls.httpd.socket = server_side.wrap_socket(tls.httpd.socket, server_side=True)
    with tls:
        port = tls.httpd.server_address[1]
        dns({"images.example": "127.0.0.1", "other.example": "127.0.0.1"})
        public_names("images.example", "other.example")
        assert fetcher().fetch(f"https://images.example:{port}/{IMAGE}") == sample(IMAGE)
        # the certificate is checked against the name asked, not the address connected to
        err = refused(f"https://other.example:{port}/{IMAGE}")
    assert "CERTIFICATE_VERIFY_FAILED" in str(err)


def test_download_over_the_limit_is_refused_with_or_without_a_length(files):
    err = refused(f"{files.url}/{IMAGE}", allow_private=True, max_bytes=10_000)  # its length
    assert (err.code, err.api3) == (codes.DOWNLOAD_FAILED, "FailedOperation.ImageSizeTooLarge")
    assert "over 10000 bytes (the download limit)" in str(err)
    flood = [b"x" * 65536] * 1000  # 64 MB with no Content-Length: read only to the limit
    with Scripted(lambda path: (200, {}, flood)) as endless:
        err = refused(f"{endless.url}/big", allow_private=True, max_bytes=100_000)
    assert err.api3 == "FailedOperation.ImageSizeTooLarge"


def test_download_over_the_time_limit_is_refused(caplog):
    def trickle():  # a byte every 0.1 s, each in time for any per-read timeout
        while True:
            time.sleep(0.1)
            yield b"x"

    with Scripted(lambda path: (200, {}, trickle())) as slow:
        started = time.monotonic()
        err = refused(f"{slow.url}/slow.png", allow_private=True, timeout=1.0)
        took = time.monotonic() - started
    assert (err.code, err.api3) == (codes.DOWNLOAD_TIMEOUT, "FailedOperation.DownLoadError")
    assert took < 30  # cut at the deadline (1 s), not left to trickle on
    assert any("timed out" in r.getMessage() for r in caplog.records)


# --- the server, in this process (patched resolution reaches it) ----------------------------


@pytest.fixture(scope="module")
def replay_dir(tmp_path_factory):
    """Records that answer IMAGE on general, so a server needs no engine to read it."""
    folder = tmp_path_factory.mktemp("records")
    sha = hashlib.sha256(sample(IMAGE)).hexdigest()
    records.write(folder, records.Record("general", {}, ANSWER, image_sha256=sha))
    return folder


@pytest.fixture(scope="module")
def inprocess(replay_dir):
    """``create_app`` served by uvicorn on 127.0.0.1 from a thread of this process."""
    import uvicorn

    app = create_app(ServerConfig(auth=False, replay=replay_dir))
    config = uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + TIMEOUT
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{config.port}"
    server.should_exit = True
    thread.join(TIMEOUT)


def legacy(base: str, url: str, endpoint: str = "general") -> dict:
    key = "url_list" if endpoint == "idcard" else "url"
    body = {key: [url] if endpoint == "idcard" else url}
    return requests.post(f"{base}/ocr/{endpoint}", json=body, timeout=TIMEOUT).json()


def api3(base: str, body: dict | bytes, action: str = "GeneralBasicOCR") -> dict:
    kw = {"data": body} if isinstance(body, bytes) else {"json": body}
    headers = {"X-TC-Action": action, "Content-Type": "application/json"}
    reply = requests.post(f"{base}/", headers=headers, timeout=TIMEOUT, **kw)
    assert reply.status_code == 200  # API 3.0 says errors in the body
    return reply.json()["Response"]


def test_server_refuses_a_name_that_resolves_private(inprocess, dns):
    dns({"intranet.example": "10.0.0.7"})
    body = legacy(inprocess, "http://intranet.example/a.png")
    assert body["code"] == -1308 and "not a public address" in body["message"]
    entry = legacy(inprocess, "http://intranet.example/a.png", "idcard")["result_list"][0]
    assert entry["code"] == -1308
    error = api3(inprocess, {"ImageUrl": "http://intranet.example/a.png"})["Error"]
    assert error["Code"] == "FailedOperation.DownLoadError"


def test_server_refuses_a_public_url_that_redirects_to_a_private_one(
    inprocess, dns, public_names, files
):
    target = f"http://intranet.example:{files.httpd.server_address[1]}/{IMAGE}"
    with Scripted(lambda path: redirect(target)) as public:
        dns({"public.example": "127.0.0.1", "intranet.example": "10.0.0.7"})
        public_names("public.example")
        url = f"http://public.example:{public.httpd.server_address[1]}/a.png"
        body = legacy(inprocess, url)
        error = api3(inprocess, {"ImageUrl": url})["Error"]
    assert body["code"] == -1308 and "intranet.example" in body["message"]
    assert error["Code"] == "FailedOperation.DownLoadError"
    assert public.paths == ["/a.png", "/a.png"]  # the public hop was asked, twice; no more


def test_the_same_public_url_serving_the_image_is_read(inprocess, dns, public_names, files):
    dns({"public.example": "127.0.0.1"})
    public_names("public.example")
    url = f"http://public.example:{files.httpd.server_address[1]}/{IMAGE}"
    assert legacy(inprocess, url) == ANSWER  # the guard lets a public image through


# --- the server started as ocrframe serve ---------------------------------------------------


@pytest.fixture(scope="module")
def guarded(replay_dir):
    """``ocrframe serve`` with its defaults (replaying, so no engine is loaded)."""
    with LocalServer("--no-auth", "--replay", str(replay_dir)) as server:
        yield server


@pytest.fixture(scope="module")
def open_server(replay_dir):
    """Private URLs allowed, and small limits: downloads 20 kB (environment), bodies 1 MB
    (the command line)."""
    env = {"OCRFRAME_SERVE_MAX_DOWNLOAD": "20000"}
    flags = ("--allow-private-urls", "--max-body-mb", "1")
    with LocalServer("--no-auth", "--replay", str(replay_dir), *flags, env=env) as server:
        yield server


def not_fetched(server) -> list[str]:
    return [line for line in server.log_text().splitlines() if "image URL not fetched" in line]


def test_serve_refuses_loopback_that_would_serve_a_valid_image(guarded, open_server, files):
    url = f"{files.url}/{IMAGE}"
    before = len(not_fetched(guarded))
    body = legacy(guarded.url, url)
    assert body["code"] == -1308 and "not a public address" in body["message"]
    error = api3(guarded.url, {"ImageUrl": url})["Error"]
    assert error["Code"] == "FailedOperation.DownLoadError"
    new = not_fetched(guarded)[before:]
    assert len(new) == 2 and all(f"{url}: a loopback address" in n for n in new)
    # allowed, the same URL is fetched and read: the refusal was the guard, nothing else
    assert legacy(open_server.url, url) == ANSWER
    found = api3(open_server.url, {"ImageUrl": url})
    assert found["TextDetections"][0]["DetectedText"] == "recorded"


def test_serve_refuses_the_metadata_address_and_localhost(guarded):
    for url, kind in [
        ("http://169.254.169.254/latest/meta-data/", "a link-local address (169.254.169.254)"),
        (f"http://localhost:{guarded.port}/healthz", "localhost is a loopback address"),
    ]:
        body = legacy(guarded.url, url)
        assert body["code"] == -1308 and "not a public address" in body["message"], body
        assert any(f"{url}: {kind}" in line for line in not_fetched(guarded)), kind


def test_serve_refuses_an_oversized_download(open_server, files):
    url = f"{files.url}/{BIG_IMAGE}"
    body = legacy(open_server.url, url)
    assert body["code"] == -1308 and "over 20000 bytes (the download limit)" in body["message"]
    error = api3(open_server.url, {"ImageUrl": url})["Error"]
    assert error["Code"] == "FailedOperation.ImageSizeTooLarge"


def test_serve_refuses_an_oversized_body(guarded, open_server):
    # the limit set (1 MB), on both protocols
    files = {"image": ("big.png", b"x" * 1_100_000)}
    r = requests.post(f"{open_server.url}/ocr/general", files=files, timeout=TIMEOUT)
    assert (r.status_code, r.json()["code"]) == (413, codes.BODY_TOO_LARGE)
    big = base64.b64encode(b"x" * 900_000)
    error = api3(open_server.url, b'{"ImageBase64": "' + big + b'"}')["Error"]
    assert error["Code"] == "RequestSizeLimitExceeded"
    # the defaults: the legacy pages' 6 MB, API 3.0's 10 MB of base64 and some room
    files = {"image": ("big.png", b"x" * (6 * MB + 10))}
    r = requests.post(f"{guarded.url}/ocr/general", files=files, timeout=TIMEOUT)
    assert (r.status_code, r.json()["code"]) == (413, codes.BODY_TOO_LARGE)
    under = api3(guarded.url, b'{"ImageBase64": "' + base64.b64encode(b"x" * 7 * MB) + b'"}')
    assert under["Error"]["Code"] == "FailedOperation.ImageDecodeFailed"  # read, not refused
    over = api3(guarded.url, b'{"ImageBase64": "' + b"A" * (15 * MB) + b'"}')
    assert over["Error"]["Code"] == "RequestSizeLimitExceeded"


# --- configuration -----------------------------------------------------------------------------


def test_limits_from_the_environment_and_back():
    env = {
        **ALLOW,
        "OCRFRAME_SERVE_MAX_BODY": "1000",
        "OCRFRAME_SERVE_MAX_DOWNLOAD": "2000",
        "OCRFRAME_SERVE_FETCH_TIMEOUT": "2.5",
    }
    cfg = ServerConfig.from_environment(env, auth=False)
    assert cfg.allow_private_urls and cfg.max_download == 2000 and cfg.fetch_timeout == 2.5
    assert cfg.body_limit() == cfg.body_limit(api3=True) == 1000
    assert ServerConfig.from_environment(cfg.environment()) == cfg  # what workers read
    default = ServerConfig(auth=False)
    assert not default.allow_private_urls
    assert (default.body_limit(), default.body_limit(api3=True)) == (6 * MB, 14 * MB)
    off = ServerConfig.from_environment({"OCRFRAME_SERVE_ALLOW_PRIVATE_URLS": "0"}, auth=False)
    assert not off.allow_private_urls
