"""Admin for organisations, services and shift bookings. Users and API tokens are in
coplan/access/admin.py, where the access rules decide who may change whom."""

from django.contrib import admin

from coplan.accounts.models import Organisation, Service, ShiftBooking


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "require_two_factor")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation")


@admin.register(ShiftBooking)
class ShiftBookingAdmin(admin.ModelAdmin):
    list_display = ("user", "service", "starts_at", "ends_at")
    list_filter = ("service",)
