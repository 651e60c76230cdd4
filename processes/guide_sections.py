"""Sections that apps above `processes` add to the public guide page, registered from their `AppConfig.ready`.

`processes` may not import the apps above it (`.importlinter`), yet the guide's page shows what
they know about it: the rollout plans' "experiences from N rollouts". Such an app registers a
provider here; the guide's view calls every provider with the guide as the page shows it and
includes each returned section's template with its context.
"""

from dataclasses import dataclass, field

_providers = []


@dataclass
class GuideSection:
    """A section of the guide's page: its heading's id and title (for the table of contents) and what to include."""

    id: str
    title: str
    template: str
    context: dict = field(default_factory=dict)


def guide_section_provider_register(provider) -> None:
    """Add `provider(*, process, phases) -> GuideSection | None` to every guide page; registering twice adds once."""
    if provider not in _providers:
        _providers.append(provider)


def guide_sections(*, process, phases) -> list[GuideSection]:
    """The registered sections the guide has (a provider returns None when it has nothing to show)."""
    return [section for provider in _providers if (section := provider(process=process, phases=phases))]
