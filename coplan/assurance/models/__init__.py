"""Assurance models, one module per part: checks (alignment and spot checks) and packs
(evidence packs and inspector access)."""

from coplan.assurance.models.checks import *  # noqa: F403
from coplan.assurance.models.packs import *  # noqa: F403
