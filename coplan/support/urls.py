from django.urls import path

from coplan.support import views

app_name = "support"

# Mounted under people/<int:person_id>/support/.
urlpatterns = [
    path("", views.support_plan, name="plan"),
    path("instructions/add/", views.instruction_add, name="instruction_add"),
    path("instructions/<int:pk>/", views.instruction_change, name="instruction_edit"),
    path("<str:kind>/add/", views.element_add, name="add"),
    path("<str:kind>/<int:pk>/", views.element_detail, name="element"),
    path("<str:kind>/<int:pk>/v<int:number>/", views.element_detail, name="version"),
    path("<str:kind>/<int:pk>/change/", views.element_revise, name="revise"),
    path("<str:kind>/<int:pk>/in-force/", views.element_activate, name="activate"),
]
