"""Shared by the modules of this package: part of coplan.planning.api."""

from ninja import Router

router = Router(tags=["planning"])
