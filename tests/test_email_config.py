"""`email:` in site.yml: every key read, every mistake on its own line, and no password in the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_config import config_error, site  # noqa: F401  (site is a fixture)

from digest.config.site_config import EmailConfig, SmtpConfig

HEAD = "title: T\nbase_url: https://example.org/\n"


def test_every_email_key_is_read(site):  # noqa: F811
    config = site(
        HEAD
        + "email:\n"
        + '  from: "The Brief <brief@example.org>"\n'
        + "  to: [a@example.org, 'Bea Reader <b@example.org>']\n"
        + "  reply_to: editor@example.org\n"
        + "  list_unsubscribe: [mailto:leave@example.org, https://example.org/leave]\n"
        + "  smtp: {host: smtp.example.org, port: 2525, security: ssl, user: brief, password_env: BRIEF_PW}\n"
    )
    assert config.email == EmailConfig(
        "The Brief <brief@example.org>",
        ("a@example.org", "Bea Reader <b@example.org>"),
        "editor@example.org",
        ("mailto:leave@example.org", "https://example.org/leave"),
        SmtpConfig("smtp.example.org", 2525, "ssl", "brief", "BRIEF_PW"),
    )


@pytest.mark.parametrize(("security", "port"), [("starttls", 587), ("ssl", 465), ("none", 25), (None, 587)])
def test_the_port_defaults_to_the_usual_one_for_the_security(site, security, port):  # noqa: F811
    line = f"    security: {security}\n" if security else ""
    config = site(
        HEAD + "email:\n  from: brief@example.org\n  to: a@example.org\n  smtp:\n    host: relay\n" + line
    )
    assert config.email.smtp == SmtpConfig("relay", port, security or "starttls")
    assert config.email.to == ("a@example.org",)  # one address needs no list


def test_no_email_key_means_no_newsletter_settings(site):  # noqa: F811
    assert site(HEAD).email is None


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        pytest.param(
            "email:\n  from: brief@example.org\n  smtp:\n    host: relay\n    user: me\n"
            "    password: hunter2\n",
            8,
            "`email.smtp.password`: a password does not belong in site.yml, which is shared and kept in "
            "version control — delete this line and set the environment variable named by `password_env` "
            "(default DIGEST_SMTP_PASSWORD) where you run `digest email --send`",
            id="password",
        ),
        pytest.param(
            "email:\n  to: a@example.org\n",
            3,
            "`email`: missing `from` — add a line `from: The Brief <brief@example.org>`",
            id="no-from",
        ),
        pytest.param(
            "email:\n  from: brief@example.org\n  too: a@example.org\n",
            5,
            "`email.too`: unknown key `too` — did you mean `to`?",
            id="unknown-key",
        ),
        pytest.param(
            "email:\n  from: brief@example.org\n  smtp:\n    hots: relay\n",
            6,
            "`email.smtp.hots`: unknown key `hots` — did you mean `host`?",
            id="unknown-smtp-key",
        ),
        pytest.param(
            "email:\n  from: brief@example.org\n  smtp:\n    port: 25\n",
            5,
            "`email.smtp`: missing `host` — add a line `host: smtp.example.org`",
            id="no-host",
        ),
        pytest.param(
            "email:\n  from: brief@example.org\n  to: [a@example.org, not an address]\n",
            5,
            "`email.to`: `not an address` is not one email address — write it as `brief@example.org` or "
            "`The Brief <brief@example.org>` (quote it in YAML when it holds a `:` or `#`)",
            id="bad-to",
        ),
        pytest.param(
            "email:\n  from: a@example.org, b@example.org\n",
            4,
            "`email.from`: `a@example.org, b@example.org` is not one email address — write it as "
            "`brief@example.org` or `The Brief <brief@example.org>` (quote it in YAML when it holds a `:` "
            "or `#`)",
            id="two-senders",
        ),
        pytest.param(
            "email:\n  from: brief@example.org\n  list_unsubscribe: leave@example.org\n",
            5,
            "`email.list_unsubscribe`: `leave@example.org` is not an unsubscribe address — use "
            "`mailto:leave@example.org` or an https:// page that unsubscribes (with one click, for "
            "List-Unsubscribe-Post)",
            id="unsubscribe",
        ),
        pytest.param(
            "email:\n  from: brief@example.org\n  smtp:\n    host: relay\n    security: tls\n",
            7,
            "`email.smtp.security`: `security` must be starttls, ssl or none, not `tls` — starttls for port "
            "587, ssl for port 465, none only for a relay on this machine",
            id="security",
        ),
        pytest.param(
            "email:\n  from: brief@example.org\n  smtp:\n    host: relay\n    port: 70000\n",
            7,
            "`email.smtp.port`: `port` must be a number from 1 to 65535, not `70000`",
            id="port",
        ),
        pytest.param(
            "email:\n  from: brief@example.org\n  smtp:\n    host: relay\n    password_env: my password\n",
            7,
            "`email.smtp.password_env`: `password_env` names an environment variable, like "
            "DIGEST_SMTP_PASSWORD, not `my password`",
            id="password-env",
        ),
        pytest.param(
            "email: brief@example.org\n",
            3,
            "`email`: expected a mapping of `name: value` lines, found `brief@example.org`",
            id="not-a-mapping",
        ),
    ],
)
def test_each_email_mistake_names_its_line_and_the_fix(site, text, line, message):  # noqa: F811
    error = config_error(site, HEAD + text)
    assert (error.path, error.line, error.message) == (Path("site.yml"), line, message)
