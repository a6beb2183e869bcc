from django.apps import AppConfig


class AssuranceConfig(AppConfig):
    """Governance: alignment and spot checks, trends, the co-production index, evidence packs
    and named inspector access. It reads every earlier stage and is read by none."""

    name = "coplan.assurance"
    label = "assurance"

    def ready(self) -> None:
        # What this stage adds to earlier stages' pages (coplan/lib/contributions).
        from coplan.assurance import contributions  # noqa: F401
