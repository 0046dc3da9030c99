"""An edition's email files → one standards-compliant multipart/alternative message (RFC 5322, 2046).

The text part comes first and the HTML last, as RFC 2046 orders alternatives (the client shows the
last it can). List-Unsubscribe (RFC 2369) and its one-click form (RFC 8058) let inboxes offer a
button; mail without them is increasingly sent to spam.
"""

from __future__ import annotations

from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import NamedTuple
from urllib.parse import urlsplit

from digest.config.site_config import EmailConfig, SiteConfig


class Letter(NamedTuple):
    """What a message is made of: the edition's number and title, and its two rendered parts."""

    number: int
    title: str
    html: str
    text: str


def compose(
    config: SiteConfig, email: EmailConfig, letter: Letter, to: tuple[str, ...], now: datetime
) -> EmailMessage:
    """The message: Subject = the edition's title; its Message-ID names the site's own domain."""
    message = EmailMessage(policy=policy.default)  # lines end in \n in the .eml; smtplib sends \r\n
    message["Subject"] = letter.title
    message["From"] = email.sender
    if to:
        message["To"] = ", ".join(to)
    if email.reply_to:
        message["Reply-To"] = email.reply_to
    message["Date"] = format_datetime(now)
    domain = urlsplit(config.base_url).hostname or "localhost"
    message["Message-ID"] = make_msgid(f"edition-{letter.number}", domain=domain)
    if email.list_unsubscribe:
        message["List-Unsubscribe"] = ", ".join(f"<{url}>" for url in email.list_unsubscribe)
        if any(url.startswith("https://") for url in email.list_unsubscribe):
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(letter.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(letter.html, subtype="html", charset="utf-8", cte="quoted-printable")
    return message
