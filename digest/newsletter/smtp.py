"""Hand a message to an SMTP relay (STARTTLS, SSL or plain), the password from the environment.

Every way a relay can say no becomes one line naming host:port and what to change, since the
person sending a newsletter is not debugging SMTP.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from pathlib import Path

from digest.config.site_config import SmtpConfig
from digest.errors import DigestError

TIMEOUT_S = 30.0


def send(
    smtp: SmtpConfig,
    message: EmailMessage,
    recipients: tuple[str, ...],
    environ: Mapping[str, str],
    where: Path,
) -> dict[str, tuple[int, bytes]]:
    """Deliver to every recipient; returns those the relay refused while it took the others."""
    relay = f"{smtp.host}:{smtp.port}"
    password = _password(smtp, environ, where)
    try:
        if smtp.security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                smtp.host, smtp.port, timeout=TIMEOUT_S, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=TIMEOUT_S)
        with client:
            if smtp.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if smtp.user is not None:
                client.login(smtp.user, password or "")
            return client.send_message(message, to_addrs=list(recipients))
    except smtplib.SMTPAuthenticationError as exc:
        raise DigestError(
            where,
            None,
            f"{relay} refused the login of `{smtp.user}` ({_said(exc)}) — check `user` under email.smtp "
            f"and the password in ${smtp.password_env}",
        ) from None
    except smtplib.SMTPNotSupportedError as exc:
        if "AUTH" in str(exc):
            what, fix = (
                "logging in (AUTH)",
                "remove `user` under email.smtp, or use the relay's port for senders",
            )
        else:
            what, fix = (
                "STARTTLS",
                "set `security: ssl` (port 465), or `none` only for a relay on this machine",
            )
        raise DigestError(where, None, f"{relay} does not offer {what} — {fix}") from None
    except smtplib.SMTPRecipientsRefused as exc:
        refused = ", ".join(f"{address} ({_said(error)})" for address, error in exc.recipients.items())
        raise DigestError(where, None, f"{relay} refused every recipient: {refused} — check `to`") from None
    except smtplib.SMTPSenderRefused as exc:
        raise DigestError(
            where, None, f"{relay} refused the sender {exc.sender} ({_said(exc)}) — check `from` under email"
        ) from None
    except smtplib.SMTPException as exc:
        raise DigestError(where, None, f"{relay} failed: {exc} — check email.smtp in site.yml") from None
    except ssl.SSLError as exc:
        raise DigestError(
            where,
            None,
            f"no secure connection to {relay}: {exc.reason or exc} — `security: ssl` is for port 465, "
            "`starttls` for 587",
        ) from None
    except ConnectionRefusedError:
        raise DigestError(
            where,
            None,
            f"{relay} refused the connection — check `host` and `port` under email.smtp (587 for "
            "STARTTLS, 465 for SSL), and that the relay is running",
        ) from None
    except OSError as exc:  # a name that does not resolve, a timeout, an unreachable network
        raise DigestError(
            where,
            None,
            f"cannot reach {relay}: {exc.strerror or exc} — check `host` and `port` under email.smtp",
        ) from None


def _password(smtp: SmtpConfig, environ: Mapping[str, str], where: Path) -> str | None:
    """The password, only from the environment, and only when there is a user to log in as."""
    if smtp.user is None:
        return None
    password = environ.get(smtp.password_env)
    if not password:
        raise DigestError(
            where,
            None,
            f"no SMTP password: set the environment variable {smtp.password_env} for `{smtp.user}` "
            f"(e.g. `read -rs {smtp.password_env} && export {smtp.password_env}`)",
        )
    return password


def _said(error: smtplib.SMTPResponseException | tuple[int, bytes]) -> str:
    """A relay's answer as one line: `535 Authentication failed`."""
    code, text = (
        (error.smtp_code, error.smtp_error) if isinstance(error, smtplib.SMTPResponseException) else error
    )
    return f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}".strip()
