from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Rollout plans")

    def ready(self):
        from django.db.models.signals import post_save

        from plans.durations import rollout_ended
        from plans.experiences import section_of_guide
        from processes.guide_sections import guide_section_provider_register
        from processes.models import Rollout

        post_save.connect(rollout_ended, sender=Rollout, dispatch_uid="plans-rollout-ended")
        guide_section_provider_register(section_of_guide)
