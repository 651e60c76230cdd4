"""The app's vocabulary: every kind, stage and status, with the labels editors and readers see.

Kept apart from the models so that any model module may use any of them without importing another.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContentKind(models.TextChoices):
    SYMPTOM_ASSESSMENT = "symptom_assessment", _("symptom assessment")
    SERVICE_ASSESSMENT = "service_assessment", _("service-need assessment")
    HEALTH_CHECK = "health_check", _("health check")
    COACHING = "coaching", _("coaching")
    E_SERVICE = "e_service", _("e-service topic")
    PROFESSIONAL_TOOL = "professional_tool", _("professional tool")


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    IN_REVIEW = "in_review", _("in review")
    PUBLISHED = "published", _("published")
    ARCHIVED = "archived", _("archived")


class TransitionCause(models.TextChoices):
    """What made a description change state: a review button, an edit, or a restored past state."""

    REVIEW = "review", _("review")
    EDIT = "edit", _("edit")
    RESTORE = "restore", _("past state restored")


class DevelopmentStage(models.TextChoices):
    IN_DEVELOPMENT = "in_development", _("in development")
    READY = "ready", _("ready")
    ESTABLISHED = "established", _("established")


class Funder(models.TextChoices):
    MINISTRY = "ministry", _("Ministry of Social Affairs and Health")
    EU = "eu", _("other EU funding")
    OTHER = "other", _("other funder")
    NONE = "none", _("no separate funding")


class AttachmentKind(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word (DOCX)"
    XLSX = "xlsx", "Excel (XLSX)"
    PPTX = "pptx", "PowerPoint (PPTX)"
    PNG = "png", "PNG"
    JPEG = "jpeg", "JPEG"


class ResponsibleRole(models.TextChoices):
    MAIN_USER = "main_user", _("main user")
    MANAGER = "manager", _("manager")
    PROFESSIONAL = "professional", _("professional")
    COMMUNICATIONS = "communications", _("communications")
    STEERING_GROUP = "steering_group", _("steering group")
    IT_SUPPORT = "it_support", _("ICT support")
    TRAINER = "trainer", _("trainer or change coach")


class RolloutStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    PILOTING = "piloting", _("piloting")
    IN_USE = "in_use", _("in use")
    ENDED = "ended", _("ended")


class StepAnchor(models.TextChoices):
    """The date a step's offset counts from: go-live, the pilot's start, or a named date of the plan."""

    GO_LIVE = "go_live", _("go-live")
    PILOT_START = "pilot_start", _("pilot start")
    NAMED = "named", _("named date")
