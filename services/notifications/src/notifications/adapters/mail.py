"""Content-free reminder e-mails: Dutch texts from Jinja2 templates, sent over SMTP (stdlib smtplib
in a worker thread: host, port, STARTTLS or implicit TLS, and credentials from the settings)."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

from jinja2 import Environment, PackageLoader, StrictUndefined

from ..domain.reminders import ReminderMail
from ..domain.task_mail import TaskMail

TEMPLATES = Environment(
    loader=PackageLoader("notifications", "templates/email"),
    undefined=StrictUndefined,
    autoescape=False,  # noqa: S701 - plain-text e-mail, no HTML is produced
    keep_trailing_newline=True,
)


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    body: str


def render_reminder(mail: ReminderMail | TaskMail) -> RenderedMail:
    """A reminder, or the mail that a new task is the person's: the same fixed fields."""
    template = TEMPLATES.get_template(f"{mail.template}.txt.j2")
    values = {"task_title": mail.task_title, "portal_url": mail.portal_url}
    subject = "".join(template.blocks["subject"](template.new_context(values))).strip()
    return RenderedMail(subject=subject, body=template.render(values))


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # none, starttls, tls
    username: str | None
    password: str | None
    timeout: float
    sender: str


@dataclass(frozen=True)
class OutgoingMail:
    message_id: str
    recipient: str
    subject: str
    body: str
    created_at: datetime


def build_message(mail: OutgoingMail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message["Message-ID"] = mail.message_id
    message["Date"] = format_datetime(mail.created_at)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.body)
    return message


def send_blocking(settings: SmtpSettings, mail: OutgoingMail) -> None:
    """Hand one message to the SMTP server; returns only when the server accepted it (250 after
    DATA), raises otherwise. Runs in a worker thread."""
    message = build_message(mail, settings.sender)
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if settings.security == "tls":
        smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=context)
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with smtp:
        if settings.security == "starttls":
            smtp.starttls(context=context)
        if settings.username:
            smtp.login(settings.username, settings.password or "")
        refused = smtp.send_message(message)
        if refused:
            raise smtplib.SMTPRecipientsRefused(refused)
