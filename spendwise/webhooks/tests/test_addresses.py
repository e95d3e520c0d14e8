"""Only HTTPS to public addresses: private, link-local, loopback and reserved addresses are
refused (loopback only allowed when DEBUG or WEBHOOKS_ALLOW_LOOPBACK is on)."""

from __future__ import annotations

import pytest

from spendwise.webhooks.addresses import UnsafeUrl, check_url
from spendwise.webhooks.signing import signature_header, verify


def resolver(*addresses: str):
    def resolve(host, port, **kwargs):
        return [(2, 1, 6, "", (address, port)) for address in addresses]

    return resolve


@pytest.mark.parametrize(
    "url",
    [
        "https://10.0.0.1/hook",
        "https://172.16.5.4/hook",
        "https://192.168.1.10/hook",
        "https://169.254.169.254/latest/meta-data/",  # the cloud metadata service
        "https://100.64.0.1/hook",  # carrier-grade NAT
        "https://0.0.0.0/hook",
        "https://[::1]/hook",
        "https://[fd00::1]/hook",
        "https://[fe80::1]/hook",
        "https://[::ffff:10.0.0.1]/hook",
        "https://127.0.0.1/hook",
        "https://224.0.0.1/hook",
    ],
)
def test_it_refuses_private_and_local_addresses(url):
    with pytest.raises(UnsafeUrl, match="private, local or reserved"):
        check_url(url, allow_loopback=False)


def test_it_refuses_a_host_name_that_resolves_to_a_private_address():
    with pytest.raises(UnsafeUrl, match=r"10\.1\.2\.3"):
        check_url(
            "https://intranet.example.com/hook",
            allow_loopback=False,
            resolve=resolver("93.184.215.14", "10.1.2.3"),
        )


def test_it_accepts_https_to_a_public_address_and_keeps_that_address():
    target = check_url(
        "https://hooks.example.com:8443/in?x=1",
        allow_loopback=False,
        resolve=resolver("93.184.215.14"),
    )

    assert (target.scheme, target.host, target.port, target.path, target.address) == (
        "https",
        "hooks.example.com",
        8443,
        "/in?x=1",
        "93.184.215.14",
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://hooks.example.com/in", "https://"),
        ("ftp://hooks.example.com/in", "https://"),
        ("hooks.example.com/in", "https://"),
        ("https://user:pass@hooks.example.com/in", "user name or password"),
        ("https://hooks.example.com:99999/in", "not a valid URL"),
    ],
)
def test_it_refuses_urls_that_are_not_plain_https(url, message):
    with pytest.raises(UnsafeUrl, match=message):
        check_url(url, allow_loopback=False, resolve=resolver("93.184.215.14"))


def test_it_says_when_a_host_name_does_not_resolve():
    def fail(host, port, **kwargs):
        raise OSError("Name or service not known")

    with pytest.raises(UnsafeUrl, match="could not be found"):
        check_url("https://nowhere.invalid/", allow_loopback=False, resolve=fail)


def test_loopback_over_http_only_when_allowed():
    assert check_url("http://127.0.0.1:8000/hook", allow_loopback=True).address == "127.0.0.1"
    assert check_url("http://localhost:8000/", allow_loopback=True).scheme == "http"
    with pytest.raises(UnsafeUrl):
        check_url("http://127.0.0.1:8000/hook", allow_loopback=False)
    with pytest.raises(UnsafeUrl):  # loopback is no excuse for a private address
        check_url("https://10.0.0.1/", allow_loopback=True)


def test_loopback_is_allowed_while_debug_is_on(settings):
    settings.WEBHOOKS_ALLOW_LOOPBACK = False
    settings.DEBUG = True

    assert check_url("http://127.0.0.1:9/").port == 9

    settings.DEBUG = False
    with pytest.raises(UnsafeUrl):
        check_url("http://127.0.0.1:9/")


def test_a_signature_is_refused_when_replayed_late_or_tampered():
    body = b'{"id":"x"}'
    header = signature_header(["whsec_a"], 1_000_000, body)

    assert verify(header, body, "whsec_a", now=1_000_100)
    assert not verify(header, body, "whsec_a", now=1_000_400)  # older than five minutes
    assert not verify(header, body + b" ", "whsec_a", now=1_000_100)
    assert not verify(header, body, "whsec_b", now=1_000_100)
    assert not verify("v1=abc", body, "whsec_a", now=1_000_100)
