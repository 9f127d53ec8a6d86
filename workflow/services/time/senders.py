"""Senders: how a notice leaves the outbox. Chosen in config (``[notices] sender``): ``log``
for development, ``smtp`` for ``smtplib`` with ``[notices.smtp]`` host, port, from (user and
password from the environment). A sender delivers or raises; ``PermanentFailure`` says that
retrying will not help (no address, a 5xx answer).
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any, Protocol

from workflow.core.errors import InvalidInput
from workflow.settings import NoticeSender, Settings
from workflow.store.notices import Outgoing

log = logging.getLogger(__name__)


class PermanentFailure(Exception):
    """The notice can never be delivered as it stands; retrying will not help."""


class Sender(Protocol):
    def send(self, notice: Outgoing) -> None:
        """Deliver the notice or raise; ``PermanentFailure`` stops its retries."""


class LogSender:
    """Development: the notice is written to the log, which counts as delivered: one line
    (who, subject) at INFO, so a sweep of many fills no screen; the body at DEBUG."""

    def send(self, notice: Outgoing) -> None:
        log.info(
            "notice %s to %s <%s>: %s",
            notice.id,
            notice.recipient,
            notice.address or "no address",
            notice.subject,
        )
        log.debug("notice %s body:\n%s", notice.id, notice.body)


class SmtpSender:
    """Mail through an SMTP server with the standard library."""

    def __init__(self, smtp: Mapping[str, Any]) -> None:
        self.host = str(smtp.get("host", "localhost"))
        self.port = int(smtp.get("port", 25))
        self.sender = str(smtp.get("from", ""))
        self.user = str(smtp.get("user", ""))
        self.password = str(smtp.get("password", ""))
        self.starttls = bool(smtp.get("starttls", False))
        self.timeout = float(smtp.get("timeout", 10))
        if not self.sender:
            raise InvalidInput(
                "Set the address notices are sent from: [notices.smtp] from = "
                '"reviews@board.example" in config.toml, or WORKFLOW_SMTP_FROM.'
            )

    def message(self, notice: Outgoing) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self.sender
        msg["To"] = notice.address
        msg["Subject"] = notice.subject
        msg["Date"] = formatdate(localtime=False)
        # Stable across retries: a receiver that sees it twice can drop the copy.
        domain = self.sender.rpartition("@")[2] or "workflow.invalid"
        msg["Message-ID"] = f"<notice-{notice.id}@{domain}>"
        msg.set_content(notice.body)
        return msg

    def send(self, notice: Outgoing) -> None:
        if not notice.address:
            raise PermanentFailure(
                f"{notice.recipient} has no e-mail address; add one to their account."
            )
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.user:
                    smtp.login(self.user, self.password)
                smtp.send_message(self.message(notice))
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            if codes and all(500 <= code < 600 for code in codes):
                raise PermanentFailure(f"the mail server refused {notice.address}: {exc}") from exc
            raise
        except smtplib.SMTPResponseException as exc:
            if 500 <= exc.smtp_code < 600 and not isinstance(exc, smtplib.SMTPAuthenticationError):
                raise PermanentFailure(f"the mail server refused the message: {exc}") from exc
            raise


def make_sender(settings: Settings) -> Sender:
    """The sender config names (``[notices] sender``; the settings refuse any other name)."""
    if settings.notices.sender == NoticeSender.SMTP:
        return SmtpSender(settings.notices.smtp.connection())
    return LogSender()
