from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "opennrm.referrals"
    label = "referrals"

    def ready(self) -> None:
        from opennrm import events
        from opennrm.audit.actions import actions_register
        from opennrm.cases.events import ConsentWithdrawn

        from .audit import RecordedReferralAction, ReferralAction
        from .services import on_consent_withdrawn

        actions_register(ReferralAction, RecordedReferralAction)
        # A withdrawn referral consent withdraws, in the same transaction, what was shared.
        events.subscribe(ConsentWithdrawn)(on_consent_withdrawn)
