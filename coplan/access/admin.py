"""Admin for users, API tokens and the access log, with no side doors to care records.

- An API token is made only for oneself; a superuser may make one for someone else, and
  that is logged. Nobody else sees another's tokens.
- Nobody but a superuser sets superuser status, staff status, permissions or groups, or
  gives a role they do not hold in that service; and nobody but a superuser changes an
  account that holds more than they do (coplan/access/rules.py, `may_change_account`),
  since whoever sets its email or password can sign in as it.
- The access log is a care record: superusers alone, read-only (coplan/lib/admin.py).
"""

import logging

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from coplan.access import rules as access
from coplan.access.models import AccessLog
from coplan.accounts import services
from coplan.accounts.models import ApiToken, Membership, User
from coplan.lib.admin import CareRecordAdmin

logger = logging.getLogger(__name__)

SUPERUSER_FIELDS = ("is_superuser", "is_staff", "groups", "user_permissions")
NOT_YOURS = "You can only give a role you hold yourself in that service."


@admin.register(AccessLog)
class AccessLogAdmin(CareRecordAdmin):
    list_display = ("at", "user", "person", "action", "what")
    list_filter = ("action",)


class MembershipFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        for form in self.forms:
            if not form.has_changed() or not hasattr(form, "cleaned_data"):
                continue
            data = form.cleaned_data
            service, role = data.get("service"), data.get("role")
            changing = form.instance.pk is not None
            if changing and not access.may_grant(
                self.request_user, form.instance.service_id, form.instance.role
            ):
                raise ValidationError(NOT_YOURS)
            if data.get("DELETE"):
                continue
            if service and role and not access.may_grant(self.request_user, service.pk, role):
                raise ValidationError(NOT_YOURS)


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipFormSet
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.request_user = request.user
        return formset

    def _may_edit(self, request: HttpRequest, obj) -> bool:
        # Never one's own memberships (that is granting oneself), unless a superuser.
        if request.user.is_superuser:
            return True
        return obj is None or (
            obj.pk != request.user.pk and access.may_change_account(request.user, obj)
        )

    def has_add_permission(self, request, obj=None):
        return self._may_edit(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_edit(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_edit(request, obj) and super().has_delete_permission(request, obj)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    fieldsets = (*BaseUserAdmin.fieldsets, ("Coplan", {"fields": ("display_name",)}))
    list_display = ("username", "display_name", "email", "is_active")

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return fields
        return (*fields, *SUPERUSER_FIELDS, "last_login", "date_joined")

    def has_change_permission(self, request, obj=None):
        if obj is not None and not access.may_change_account(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (
            obj.pk == request.user.pk or not access.may_change_account(request.user, obj)
        ):
            return False
        return super().has_delete_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        account = self.get_object(request, id)
        if account is not None and not access.may_change_account(request.user, account):
            raise PermissionDenied("You cannot set this account's password.")
        return super().user_change_password(request, id, form_url)

    def get_actions(self, request):
        # The bulk delete would skip the per-account check above.
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("delete_selected", None)
        return actions


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ("user", "name")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    form = ApiTokenForm
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def get_queryset(self, request):
        tokens = super().get_queryset(request).select_related("user")
        return tokens if request.user.is_superuser else tokens.filter(user=request.user)

    def get_fields(self, request, obj=None):
        if obj is not None:
            return ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
        return ("user", "name") if request.user.is_superuser else ("name",)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ("user", "name", *self.readonly_fields)
        return ()

    def save_model(self, request, obj, form, change):
        if change:
            raise PermissionDenied("A token cannot be changed: revoke it and make a new one.")
        owner = obj.user if request.user.is_superuser and obj.user_id else request.user
        token, secret = services.api_token_create(user=owner, name=obj.name)
        for field in ApiToken._meta.concrete_fields:  # the admin goes on to log `obj`
            setattr(obj, field.attname, getattr(token, field.attname))
        if owner.pk != request.user.pk:
            logger.warning(
                "Superuser %s made API token %s for user %s", request.user.pk, token.pk, owner.pk
            )
        messages.warning(request, f"The token is {secret} — copy it now; it is not shown again.")

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        for token in self.get_queryset(request).filter(pk__in=queryset.values("pk")):
            services.api_token_revoke(token=token)
