"""Admin for the review stage. Thresholds are settings and can be edited here; check-ins,
triggers and reviews are care records, changed only in the app, so read-only here and for
superusers alone (coplan/lib/admin.py)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from coplan.lib.admin import CareRecordAdmin
from coplan.reviews.models import CheckIn, Review, ReviewThreshold, ReviewTrigger


@admin.register(ReviewThreshold)
class ReviewThresholdAdmin(admin.ModelAdmin):
    list_display = ("kind", "service", "person", "count", "window_days")
    list_filter = ("kind", "service")
    raw_id_fields = ("person",)


class _ReadOnly(CareRecordAdmin, SimpleHistoryAdmin):
    pass


@admin.register(CheckIn)
class CheckInAdmin(_ReadOnly):
    list_display = ("person", "week_start", "answered_by", "how", "on_behalf")
    list_filter = ("answered_by", "how")


@admin.register(ReviewTrigger)
class ReviewTriggerAdmin(_ReadOnly):
    list_display = ("person", "kind", "due_on", "status")
    list_filter = ("kind", "status")


@admin.register(Review)
class ReviewAdmin(_ReadOnly):
    list_display = ("person", "created_at", "status", "outcome")
    list_filter = ("status", "outcome")
