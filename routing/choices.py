"""The routing vocabulary: every kind, channel and role, with the labels editors and readers see."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Urgency(models.TextChoices):
    """How urgently an outcome sends the resident to care; it decides what the route check asks of its routes."""

    EMERGENCY = "emergency", _("emergency")
    URGENT = "urgent", _("urgent")
    NON_URGENT = "non_urgent", _("non-urgent")
    NONE = "none", _("no care need")


class UnitType(models.TextChoices):
    HEALTH_STATION = "health_station", _("health station")
    DIGITAL_CENTRE = "digital_centre", _("digital health and social services centre")
    DENTAL_CARE = "dental_care", _("dental care")
    CLIENT_GUIDANCE = "client_guidance", _("client guidance")
    EMERGENCY_CARE = "emergency_care", _("emergency care")
    PARTNER_HOSPITAL = "partner_hospital", _("partner hospital")
    MEDICAL_HELPLINE = "medical_helpline", _("medical helpline 116117")
    EMERGENCY_NUMBER = "emergency_number", _("emergency number 112")
    OTHER = "other", _("other unit")


class Channel(models.TextChoices):
    WORK_QUEUE = "work_queue", _("professional's work queue")
    CONTACT_REQUEST = "contact_request", _("contact request")
    CHAT = "chat", _("hand-off to chat")
    CALLBACK = "callback", _("callback")
    ONLINE_BOOKING = "online_booking", _("online booking")
    PHONE_LINE = "phone_line", _("phone line")
    LAB_REFERRAL = "lab_referral", _("lab referral")
    DIRECT_PHYSIOTHERAPY = "direct_physiotherapy", _("direct physiotherapy")
    E_PRESCRIPTION = "e_prescription", _("e-prescription")
    HELPLINE_116117 = "helpline_116117", _("medical helpline 116117")
    EMERGENCY_112 = "emergency_112", _("emergency number 112")
    SELF_CARE = "self_care", _("self-care instructions")


# Channels where the sent assessment waits for a professional to pick it up: never enough for an urgent outcome.
ASYNCHRONOUS_CHANNELS = frozenset(
    {
        Channel.WORK_QUEUE,
        Channel.CONTACT_REQUEST,
        Channel.ONLINE_BOOKING,
        Channel.LAB_REFERRAL,
        Channel.DIRECT_PHYSIOTHERAPY,
        Channel.E_PRESCRIPTION,
        Channel.SELF_CARE,
    }
)


class ProfessionalRole(models.TextChoices):
    NURSE = "nurse", _("nurse")
    DOCTOR = "doctor", _("doctor")
    PHYSIOTHERAPIST = "physiotherapist", _("physiotherapist")
    DENTAL_PROFESSIONAL = "dental_professional", _("dental professional")
    SERVICE_COUNSELLOR = "service_counsellor", _("service counsellor")
    SOCIAL_WORKER = "social_worker", _("social worker")


class ServiceLanguage(models.TextChoices):
    FINNISH = "fi", _("Finnish")
    SWEDISH = "sv", _("Swedish")
    ENGLISH = "en", _("English")


class Weekday(models.IntegerChoices):
    MONDAY = 1, _("Monday")
    TUESDAY = 2, _("Tuesday")
    WEDNESDAY = 3, _("Wednesday")
    THURSDAY = 4, _("Thursday")
    FRIDAY = 5, _("Friday")
    SATURDAY = 6, _("Saturday")
    SUNDAY = 7, _("Sunday")


class WindowKind(models.TextChoices):
    HOURS = "hours", _("on the chosen weekdays and hours")
    UNIT_CLOSED = "unit_closed", _("whenever the chosen unit is closed")
    ALWAYS = "always", _("around the clock")


class TargetKind(models.TextChoices):
    MINUTES = "minutes", _("within minutes")
    HOURS = "hours", _("within hours")
    SAME_WORKING_DAY = "same_working_day", _("the same working day")
    WORKING_DAYS = "working_days", _("within working days")
    NONE = "none", _("no handling (instructions or a call by the resident)")


class CareMeasure(models.TextChoices):
    """What a care-guarantee limit is about."""

    ASSESSMENT = "assessment", _("contact and care-need assessment")
    TREATMENT = "treatment", _("non-urgent treatment")
    DENTAL_TREATMENT = "dental_treatment", _("non-urgent dental treatment")


class LimitUnit(models.TextChoices):
    SAME_DAY = "same_day", _("the same day")
    WORKING_DAYS = "working_days", _("working days")
    DAYS = "days", _("days")
    MONTHS = "months", _("months")


class FindingSeverity(models.TextChoices):
    ERROR = "error", _("error")
    WARNING = "warning", _("warning")
