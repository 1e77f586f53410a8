"""The SSRF-safe fetcher against local servers: denied targets, redirects and hostile bodies."""

import datetime
import ipaddress
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ambassador import fetch

pytestmark = pytest.mark.usefixtures("allow_loopback")


def test_fetch_returns_body_from_allowed_server(fake_server):
    fake_server.body("/page", b"<html>hello</html>")
    result = fetch.fetch(fake_server.url("/page"))
    assert result.status == 200
    assert result.content == b"<html>hello</html>"
    assert result.content_type == "text/html"


def test_fetch_refuses_loopback_by_default(settings, fake_server):
    settings.FETCH_ALLOWED_NETWORKS = []
    fake_server.body("/page", b"secret")
    with pytest.raises(fetch.BlockedURLError):
        fetch.fetch(fake_server.url("/page"))


def test_fetch_refuses_localhost_name_by_default(settings, fake_server):
    settings.FETCH_ALLOWED_NETWORKS = []
    with pytest.raises(fetch.BlockedURLError):
        fetch.fetch(f"http://localhost:{fake_server.port}/")


@pytest.mark.parametrize(
    "url",
    [
        "http://10.1.2.3/",
        "http://100.64.0.1/",  # CGNAT
        "http://100.127.255.254/",
        "http://169.254.169.254/latest/meta-data/",  # link-local / cloud metadata
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://192.0.0.8/",
        "http://198.18.0.1/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",  # multicast
        "http://240.0.0.1/",
        "http://255.255.255.255/",
        "http://[::1]/",
        "http://[::]/",
        "http://[fc00::1]/",
        "http://[fd12:3456::1]/",
        "http://[fe80::1]/",
        "http://[64:ff9b::a9fe:a9fe]/",  # NAT64 of 169.254.169.254
        "http://[::ffff:127.0.0.1]/",  # IPv4-mapped IPv6
        "http://[::ffff:a9fe:a9fe]/",
        "http://[2001:db8::1]/",
        "http://[ff02::1]/",
        "http://2130706433/",  # 127.0.0.1 as a decimal number
        "http://0x7f.0.0.1/",
    ],
)
def test_fetch_refuses_denied_address(url):
    with pytest.raises(fetch.FetchError):
        fetch.fetch(url, total_timeout=2)


@pytest.mark.parametrize(
    "address",
    ["100.64.0.1", "169.254.1.1", "64:ff9b::1", "::ffff:8.8.8.8", "fe80::1", "ff00::1", "::1"],
)
def test_address_is_denied_for_special_ranges(settings, address):
    settings.FETCH_ALLOWED_NETWORKS = []
    assert fetch.address_is_denied(address) is True


def test_address_is_denied_false_for_public_address(settings):
    settings.FETCH_ALLOWED_NETWORKS = []
    assert fetch.address_is_denied("93.184.216.34") is False


@pytest.mark.parametrize(
    "url", ["ftp://example.com/", "file:///etc/passwd", "javascript:alert(1)", "gopher://x/"]
)
def test_fetch_refuses_non_http_scheme(url):
    with pytest.raises(fetch.BlockedURLError):
        fetch.fetch(url)


def test_fetch_refuses_user_info():
    with pytest.raises(fetch.BlockedURLError):
        fetch.fetch("http://user:pass@example.com/")


def test_fetch_refuses_redirect_to_private_address(fake_server):
    fake_server.redirect("/go", "http://169.254.169.254/latest/meta-data/")
    with pytest.raises(fetch.BlockedURLError):
        fetch.fetch(fake_server.url("/go"))


def test_fetch_refuses_redirect_to_mapped_ipv6_loopback(fake_server):
    fake_server.redirect("/go", f"http://[::ffff:127.0.0.1]:{fake_server.port}/page")
    with pytest.raises(fetch.BlockedURLError):
        fetch.fetch(fake_server.url("/go"))


def test_fetch_refuses_redirect_to_non_http_scheme(fake_server):
    fake_server.redirect("/go", "file:///etc/passwd")
    with pytest.raises(fetch.BlockedURLError):
        fetch.fetch(fake_server.url("/go"))


def test_fetch_follows_three_redirects(fake_server):
    fake_server.redirect("/1", "/2")
    fake_server.redirect("/2", "/3")
    fake_server.redirect("/3", "/end")
    fake_server.body("/end", b"done")
    result = fetch.fetch(fake_server.url("/1"))
    assert result.content == b"done"
    assert result.url == fake_server.url("/end")


def test_fetch_stops_after_three_redirects(fake_server):
    for n in range(1, 5):
        fake_server.redirect(f"/{n}", f"/{n + 1}")
    fake_server.body("/5", b"never")
    with pytest.raises(fetch.TooManyRedirectsError):
        fetch.fetch(fake_server.url("/1"))


def test_fetch_stops_redirect_loop(fake_server):
    fake_server.redirect("/loop", "/loop")
    with pytest.raises(fetch.TooManyRedirectsError):
        fetch.fetch(fake_server.url("/loop"))


def test_fetch_refuses_declared_huge_body(fake_server):
    def respond(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", str(50 * 1024 * 1024))
        handler.end_headers()

    fake_server.route("/huge", respond)
    with pytest.raises(fetch.ResponseTooLargeError):
        fetch.fetch(fake_server.url("/huge"))


def test_fetch_stops_endless_body_at_cap(fake_server):
    def respond(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Connection", "close")
        handler.end_headers()
        try:
            while True:
                handler.wfile.write(b"x" * 65536)
        except OSError:
            pass

    fake_server.route("/endless", respond)
    with pytest.raises(fetch.ResponseTooLargeError):
        fetch.fetch(fake_server.url("/endless"), max_bytes=256 * 1024)


def test_fetch_times_out_on_slow_server(fake_server):
    def respond(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Connection", "close")
        handler.end_headers()
        try:
            for _ in range(100):
                handler.wfile.write(b"x")
                handler.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass

    fake_server.route("/slow", respond)
    with pytest.raises(fetch.FetchTimeoutError):
        fetch.fetch(fake_server.url("/slow"), total_timeout=1, read_timeout=5)


def test_fetch_times_out_when_server_never_answers(fake_server):
    def respond(handler):
        time.sleep(3)

    fake_server.route("/silent", respond)
    with pytest.raises(fetch.FetchTimeoutError):
        fetch.fetch(fake_server.url("/silent"), read_timeout=0.5, total_timeout=5)


def test_fetch_unreachable_port_raises_fetch_error():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    with pytest.raises(fetch.FetchError):
        fetch.fetch(f"http://127.0.0.1:{port}/", connect_timeout=1)


# --- HTTPS: the socket goes to the checked address, TLS still verifies the name -------------


@pytest.fixture
def tls_server(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = b"secure hello"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}/", cert_path
    server.shutdown()
    server.server_close()


def test_fetch_https_untrusted_certificate_refused(tls_server):
    url, _cert = tls_server
    with pytest.raises(fetch.FetchError) as exc:
        fetch.fetch(url)
    assert str(exc.value.reason) == "The secure connection failed."


def test_fetch_https_trusted_certificate_works(tls_server, monkeypatch):
    url, cert = tls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    result = fetch.fetch(url)
    assert result.content == b"secure hello"
