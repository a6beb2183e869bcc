"""Pictures (pictograms and uploaded images) for the person's own version of the plan."""

from django.db import models  # noqa: F401
