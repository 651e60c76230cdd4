"""The processes app's models, one module per job; every public name is importable from here.

- choices: every kind, stage and status
- contents: ContentModule, the Omaolo contents
- versioning: VersionedModel, rows that count their saves
- history: HistoricalRecords that keep the history models (HistoricalX) in this package
- phases: Phase and Step of a guide
- descriptions: ProcessDescription, and how it reads in its published form
- description_search: its full-text (PostgreSQL) and stem (SQLite) search
- attachments: ProcessLink, ProcessAttachment
- rollouts: Rollout, a county deploying a content
- published: PublishedVersion, PublicationTransition
"""

from processes.models.attachments import (
    ALT_TEXT_REQUIRED,
    COVER_IS_AN_IMAGE,
    COVER_NEEDS_ALT_TEXT,
    IMAGE_KINDS,
    ONLY_IMAGES_IN_GUIDE,
    ProcessAttachment,
    ProcessLink,
    attachment_storage_name,
)
from processes.models.choices import (
    AttachmentKind,
    ContentKind,
    DevelopmentStage,
    Funder,
    PublicationStatus,
    ResponsibleRole,
    RolloutStatus,
    StepAnchor,
    TransitionCause,
)
from processes.models.contents import ContentModule, ContentModuleQuerySet
from processes.models.descriptions import (
    PUBLISHED_FORM_FIELDS,
    REVISION_STATUSES,
    ProcessDescription,
    ProcessDescriptionQuerySet,
    PublishedFormIterable,
)
from processes.models.phases import Phase, Step
from processes.models.published import PublicationTransition, PublishedVersion
from processes.models.rollouts import (
    END_BEFORE_GO_LIVE,
    ENDED_WITHOUT_DATE,
    GO_LIVE_BEFORE_PILOT,
    PHASE_OF_OTHER_PROCESS,
    SERVICE_AREA_OF_OTHER_COUNTY,
    PublishedPhaseIterable,
    Rollout,
    RolloutQuerySet,
    county_rollout_counts,
)
from processes.models.versioning import VersionedModel

__all__ = [
    "ALT_TEXT_REQUIRED",
    "COVER_IS_AN_IMAGE",
    "COVER_NEEDS_ALT_TEXT",
    "ENDED_WITHOUT_DATE",
    "END_BEFORE_GO_LIVE",
    "GO_LIVE_BEFORE_PILOT",
    "IMAGE_KINDS",
    "ONLY_IMAGES_IN_GUIDE",
    "PHASE_OF_OTHER_PROCESS",
    "PUBLISHED_FORM_FIELDS",
    "REVISION_STATUSES",
    "SERVICE_AREA_OF_OTHER_COUNTY",
    "AttachmentKind",
    "ContentKind",
    "ContentModule",
    "ContentModuleQuerySet",
    "DevelopmentStage",
    "Funder",
    "Phase",
    "ProcessAttachment",
    "ProcessDescription",
    "ProcessDescriptionQuerySet",
    "ProcessLink",
    "PublicationStatus",
    "PublicationTransition",
    "PublishedFormIterable",
    "PublishedPhaseIterable",
    "PublishedVersion",
    "ResponsibleRole",
    "Rollout",
    "RolloutQuerySet",
    "RolloutStatus",
    "Step",
    "StepAnchor",
    "TransitionCause",
    "VersionedModel",
    "attachment_storage_name",
    "county_rollout_counts",
]
