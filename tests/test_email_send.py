"""The newsletter's message and its delivery, against a real SMTP relay on 127.0.0.1 (aiosmtpd)."""

from __future__ import annotations

import warnings
from datetime import datetime, timezone
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from smtp_relay import PASSWORD, USER, free_port, relay, self_signed

from digest.config.site_config import EmailConfig, SiteConfig, SmtpConfig
from digest.errors import DigestError
from digest.newsletter.message import Letter, compose
from digest.newsletter.smtp import send

CONFIG = SiteConfig(root=Path("/site"), title="The Brief", base_url="https://news.example.org/brief/")
EMAIL = EmailConfig(
    "The Brief <brief@example.org>",
    ("reader@example.org",),
    "editor@example.org",
    ("mailto:leave@example.org", "https://news.example.org/leave"),
)
LETTER = Letter(
    7, "No. 7 — “Harvest” week", "<!DOCTYPE html><p>Grain prices — up é</p>\n", "Grain prices — up é\n"
)
NOW = datetime(2026, 11, 30, 7, 0, tzinfo=timezone.utc)
SITE_YML = Path("site.yml")
ENV = {"DIGEST_SMTP_PASSWORD": PASSWORD}


@pytest.fixture(autouse=True)
def _quiet_relay():
    """aiosmtpd warns about its own deprecated attribute when it authenticates: not ours to fix."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Session.login_data is deprecated")
        yield


def _message(to: tuple[str, ...] = ("reader@example.org",)):
    return compose(CONFIG, EMAIL, LETTER, to, NOW)


def test_the_message_is_multipart_alternative_with_every_header():
    parsed = message_from_bytes(_message().as_bytes(), policy=policy.default)
    assert parsed.get_content_type() == "multipart/alternative"
    assert parsed["Subject"] == "No. 7 — “Harvest” week"
    assert parsed["From"] == "The Brief <brief@example.org>"
    assert parsed["To"] == "reader@example.org"
    assert parsed["Reply-To"] == "editor@example.org"
    assert parsed["Date"] == "Mon, 30 Nov 2026 07:00:00 +0000"
    assert parsed["MIME-Version"] == "1.0"
    assert parsed["Message-ID"].endswith("@news.example.org>") and "edition-7" in parsed["Message-ID"]
    assert parsed["List-Unsubscribe"] == "<mailto:leave@example.org>, <https://news.example.org/leave>"
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = parsed.iter_parts()  # RFC 2046: the plainest first, the richest last
    assert (text.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
    assert text.get_content() == LETTER.text and html.get_content() == LETTER.html
    assert all(len(line) <= 78 for line in _message().as_bytes().decode("ascii").splitlines())


def test_one_click_unsubscribe_is_offered_only_with_a_web_address():
    mailto_only = EmailConfig("brief@example.org", list_unsubscribe=("mailto:leave@example.org",))
    parsed = compose(CONFIG, mailto_only, LETTER, (), NOW)
    assert parsed["List-Unsubscribe"] == "<mailto:leave@example.org>"
    assert parsed["List-Unsubscribe-Post"] is None
    assert parsed["To"] is None  # an .eml made before any reader is known
    assert compose(CONFIG, EmailConfig("brief@example.org"), LETTER, (), NOW)["List-Unsubscribe"] is None


def test_the_relay_receives_both_parts_and_the_headers():
    with relay() as (port, inbox):
        refused = send(
            SmtpConfig("127.0.0.1", port, "none"), _message(), ("reader@example.org",), {}, SITE_YML
        )
    assert refused == {}
    [(sender, recipients, received)] = inbox.messages
    assert (sender, recipients) == ("brief@example.org", ["reader@example.org"])
    assert received["Subject"] == LETTER.title and received["List-Unsubscribe-Post"]
    text, html = received.iter_parts()
    assert (text.get_content(), html.get_content()) == (LETTER.text, LETTER.html)


def test_a_login_with_the_password_from_the_environment_is_accepted():
    with relay(auth=True) as (port, inbox):
        smtp = SmtpConfig("127.0.0.1", port, "none", USER, "BRIEF_RELAY_PASSWORD")
        refused = send(
            smtp, _message(), ("reader@example.org",), {"BRIEF_RELAY_PASSWORD": PASSWORD}, SITE_YML
        )
    assert refused == {} and len(inbox.messages) == 1


def test_a_refused_login_names_the_relay_the_user_and_the_variable():
    with relay(auth=True) as (port, inbox), pytest.raises(DigestError) as failed:
        send(
            SmtpConfig("127.0.0.1", port, "none", USER),
            _message(),
            ("a@example.org",),
            {"DIGEST_SMTP_PASSWORD": "wrong"},
            SITE_YML,
        )
    assert str(failed.value) == (
        f"site.yml: 127.0.0.1:{port} refused the login of `{USER}` (535 5.7.8 Authentication credentials "
        "invalid) — check `user` under email.smtp and the password in $DIGEST_SMTP_PASSWORD"
    )
    assert inbox.messages == []


def test_a_missing_password_is_asked_for_before_connecting():
    closed = free_port()
    with pytest.raises(
        DigestError, match="no SMTP password: set the environment variable DIGEST_SMTP_PASSWORD"
    ):
        send(SmtpConfig("127.0.0.1", closed, "none", USER), _message(), ("a@example.org",), {}, SITE_YML)


def test_a_closed_port_names_host_and_port_and_the_fix():
    closed = free_port()
    with pytest.raises(DigestError) as failed:
        send(SmtpConfig("127.0.0.1", closed, "none"), _message(), ("a@example.org",), {}, SITE_YML)
    assert str(failed.value).startswith(f"site.yml: 127.0.0.1:{closed} refused the connection — check `host`")


def test_a_relay_without_starttls_or_auth_says_which_setting_to_change():
    with relay() as (port, _inbox):
        with pytest.raises(DigestError, match=r"does not offer STARTTLS — set `security: ssl`"):
            send(SmtpConfig("127.0.0.1", port, "starttls"), _message(), ("a@example.org",), {}, SITE_YML)
        with pytest.raises(DigestError, match=r"does not offer logging in \(AUTH\) — remove `user`"):
            send(SmtpConfig("127.0.0.1", port, "none", USER), _message(), ("a@example.org",), ENV, SITE_YML)


def test_refused_recipients_are_returned_while_the_others_get_it():
    with relay() as (port, inbox):
        to = ("reader@example.org", "nobody@example.org")
        refused = send(SmtpConfig("127.0.0.1", port, "none"), _message(to), to, {}, SITE_YML)
        with pytest.raises(DigestError, match=r"refused every recipient: nobody@example.org \(550 5.1.1"):
            send(SmtpConfig("127.0.0.1", port, "none"), _message(), ("nobody@example.org",), {}, SITE_YML)
    assert refused == {"nobody@example.org": (550, b"5.1.1 No such mailbox here")}
    assert [recipients for _, recipients, _ in inbox.messages] == [["reader@example.org"]]


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_relays_are_verified_against_the_system_trust(security, tmp_path, monkeypatch):
    cert, context = self_signed(tmp_path)
    with relay(auth=security == "ssl", tls=context, implicit_tls=security == "ssl") as (port, inbox):
        user = USER if security == "ssl" else None
        smtp = SmtpConfig("127.0.0.1", port, security, user)
        with pytest.raises(
            DigestError, match=f"no secure connection to 127.0.0.1:{port}: CERTIFICATE_VERIFY_FAILED"
        ):
            send(smtp, _message(), ("reader@example.org",), ENV, SITE_YML)  # a certificate nobody vouches for
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # now this machine trusts the relay's certificate
        assert send(smtp, _message(), ("reader@example.org",), ENV, SITE_YML) == {}
    assert len(inbox.messages) == 1
