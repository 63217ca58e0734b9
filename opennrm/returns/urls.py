from django.urls import path

from . import views

app_name = "returns"

urlpatterns = [
    path("returns/follow-ups/", views.follow_ups_due, name="follow_ups_due"),
    path(
        "returns/follow-ups/<uuid:follow_up_id>/",
        views.follow_up_record,
        name="follow_up_record",
    ),
    path("returns/cases/<uuid:case_id>/", views.case_return, name="case_return"),
    path("returns/cases/<uuid:case_id>/section/", views.case_section, name="case_section"),
    path("returns/received/", views.returns_received, name="received"),
    path("returns/<uuid:return_id>/", views.return_detail, name="detail"),
    path("returns/<uuid:return_id>/arrival/", views.return_arrival, name="arrival"),
]
