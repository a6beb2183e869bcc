"""What every Django admin page for care records shares.

The Django admin is for organisation settings and users. Care records are shown there only
to a superuser (the person running the service, when something must be looked into), never
to the organisation's admin role, whatever model permissions it is given, and never edited
there except through the services: the app is where access to a person is decided and
every read is logged."""

from django.contrib import admin
from django.http import HttpRequest


def is_superuser(request: HttpRequest) -> bool:
    return request.user.is_active and request.user.is_superuser


class SuperuserOnlyAdmin(admin.ModelAdmin):
    """Shown to superusers alone, whatever permissions anyone else holds."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_superuser(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_superuser(request)


class CareRecordAdmin(SuperuserOnlyAdmin):
    """Read-only, and for superusers alone."""

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_actions(self, request: HttpRequest):
        return {}
