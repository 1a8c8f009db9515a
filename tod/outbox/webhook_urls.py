"""Where the providers post their delivery receipts (tod/outbox/webhooks.py): public URLs,
each guarded by its provider's signature."""

from django.urls import path

from . import webhooks

app_name = "webhooks"

urlpatterns = [
    path("gatewayapi/", webhooks.gatewayapi_status, name="gatewayapi"),
    path("twilio/", webhooks.twilio_status, name="twilio"),
    path("email/", webhooks.email_tracking, name="email"),
]
