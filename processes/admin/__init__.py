"""The processes app's admin, one module per page; importing them registers the model admins."""

from processes.admin import contents, descriptions, phases, rollouts
from processes.admin.rollouts import step_labels

__all__ = ["contents", "descriptions", "phases", "rollouts", "step_labels"]
