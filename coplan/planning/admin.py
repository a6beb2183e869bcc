"""Admin for the planning stage, for superusers alone (coplan/lib/admin.py). A draft
decision can be corrected here through the services; agreed and superseded decisions are
read-only (a change is a new decision that supersedes the old one, made in the app), and
so are sessions and goals, whose changes belong to the app's forms."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from coplan.lib.admin import CareRecordAdmin, SuperuserOnlyAdmin, is_superuser
from coplan.planning import services
from coplan.planning.models import (
    AgendaPrompt,
    CoproductionSession,
    Decision,
    DecisionOption,
    DecisionParticipant,
    Goal,
    GoalAction,
)


@admin.register(AgendaPrompt)
class AgendaPromptAdmin(admin.ModelAdmin):
    list_display = ("text", "domain", "organisation", "is_active", "position")
    list_filter = ("organisation", "domain", "is_active")


@admin.register(CoproductionSession)
class CoproductionSessionAdmin(CareRecordAdmin, SimpleHistoryAdmin):
    list_display = ("purpose", "person", "domain", "scheduled_for", "status")
    list_filter = ("domain", "status")


def _is_draft(obj) -> bool:
    return obj is None or obj.status == Decision.Status.DRAFT


class _DecisionChildInline(admin.TabularInline):
    extra = 0

    def has_view_permission(self, request, obj=None):
        return is_superuser(request)

    def has_add_permission(self, request, obj=None):
        return is_superuser(request) and _is_draft(obj)

    def has_change_permission(self, request, obj=None):
        return is_superuser(request) and _is_draft(obj)

    def has_delete_permission(self, request, obj=None):
        return is_superuser(request) and _is_draft(obj)


class OptionInline(_DecisionChildInline):
    model = DecisionOption
    fk_name = "decision"


class ParticipantInline(_DecisionChildInline):
    model = DecisionParticipant


@admin.register(Decision)
class DecisionAdmin(SuperuserOnlyAdmin, SimpleHistoryAdmin):
    list_display = ("question", "person", "domain", "status", "agreed_at")
    list_filter = ("domain", "status")
    readonly_fields = (
        "uid",
        "version",
        "status",
        "agreed_by",
        "agreed_at",
        "supersedes",
        "created_by",
        "person",
    )
    inlines = [OptionInline, ParticipantInline]

    def has_add_permission(self, request):
        # Decisions start in the app, where access to the person is checked.
        return False

    def has_change_permission(self, request, obj=None):
        return is_superuser(request) and _is_draft(obj)

    def has_delete_permission(self, request, obj=None):
        return is_superuser(request) and _is_draft(obj)

    def get_actions(self, request):
        # The bulk delete action would skip the draft-only rule.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        fields = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in services.DECISION_FIELDS
        }
        services.decision_update(decision=obj, by=request.user, **fields)

    def delete_model(self, request, obj):
        services.decision_delete(decision=obj, by=request.user)


class GoalActionInline(admin.TabularInline):
    model = GoalAction
    extra = 0

    def has_view_permission(self, request, obj=None):
        return is_superuser(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Goal)
class GoalAdmin(CareRecordAdmin, SimpleHistoryAdmin):
    list_display = ("in_own_words", "person", "status", "measure")
    list_filter = ("status", "measure")
    inlines = [GoalActionInline]
