"""The review's emails: a submission tells the county's publishers; a return or a publication tells the submitter.

`review_notify` is called once the transition's transaction has committed (the services
register it with `transaction.on_commit`), so a refused or rolled-back transition mails
nobody. Mail goes through Django's mail with the settings the usage alerts use (MAILERS,
DEFAULT_FROM_EMAIL). A mail server that fails is logged: the transition stays done.

The project stores no language per user, so every message is written in Finnish, the
portal's default language.
"""

import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from processes.models import PublicationStatus, PublicationTransition, TransitionCause

logger = logging.getLogger(__name__)

MAIL_LANGUAGE = "fi"

SUBMITTED_SUBJECT = _("Omaolo: “{title}” is waiting for your review")
SUBMITTED_BODY = _(
    "{who} sent the process description “{title}” of {county} to review.\n\n"
    "Read its changes since the last published version, then publish it or send it back with a comment:\n{link}\n"
)
RETURNED_SUBJECT = _("Omaolo: “{title}” was sent back to you")
RETURNED_BODY = _(
    "{who} sent the process description “{title}” back to its editors with this comment:\n\n{comment}\n\n"
    "Edit it and send it to review again:\n{link}\n"
)
PUBLISHED_SUBJECT = _("Omaolo: “{title}” was published")
PUBLISHED_BODY = _(
    "{who} published the process description “{title}” that you sent to review. "
    "The public reads this version from now on.\n\n{link}\n"
)


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def _reachable(users, *, besides) -> list[str]:
    """The addresses of the active users with one, the acting user left out (they know what they did)."""
    return sorted({user.email for user in users if user.is_active and user.email and user.pk != besides.pk})


def _admin_link(process, view: str) -> str:
    return settings.SITE_URL + reverse(f"admin:processes_processdescription_{view}", args=[process.pk])


def _submitter(process):
    """Who sent the description to review the last time."""
    submission = (
        process.transitions.filter(to_status=PublicationStatus.IN_REVIEW, cause=TransitionCause.REVIEW)
        .select_related("user")
        .first()
    )
    return submission.user if submission and submission.user_id else None


def _message(transition):
    """(subject template, body template, link view, recipients) of a transition; None when it tells nobody."""
    process, actor = transition.process, transition.user
    if transition.cause != TransitionCause.REVIEW or actor is None:
        return None
    if transition.to_status == PublicationStatus.IN_REVIEW:
        return SUBMITTED_SUBJECT, SUBMITTED_BODY, "changes", _reachable(process.county.publishers.all(), besides=actor)
    submitter = _submitter(process)
    submitters = [submitter] if submitter else []
    if transition.from_status == PublicationStatus.IN_REVIEW and transition.to_status == PublicationStatus.DRAFT:
        return RETURNED_SUBJECT, RETURNED_BODY, "change", _reachable(submitters, besides=actor)
    if transition.to_status == PublicationStatus.PUBLISHED:
        return PUBLISHED_SUBJECT, PUBLISHED_BODY, "change", _reachable(submitters, besides=actor)
    return None


def review_notify(*, transition_id: int) -> int:
    """Email the people a review transition concerns, each a link to the admin page; the number of messages sent."""
    transition = PublicationTransition.objects.select_related("process__county", "user").get(pk=transition_id)
    message = _message(transition)
    if message is None or not message[3]:
        return 0
    subject, body, view, recipients = message
    process = transition.process
    with translation.override(MAIL_LANGUAGE):
        values = {
            "title": process.title,
            "county": process.county.name,
            "who": _name(transition.user),
            "comment": transition.comment,
            "link": _admin_link(process, view),
        }
        subject_text, body_text = str(subject).format(**values), str(body).format(**values)
    # One message a recipient: no publisher's address is shown to another.
    messages = [(subject_text, body_text, settings.DEFAULT_FROM_EMAIL, [address]) for address in recipients]
    try:
        return send_mass_mail(messages)
    except (smtplib.SMTPException, OSError):
        logger.exception("The review's email about %s could not be sent.", transition)
        return 0
