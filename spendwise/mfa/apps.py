from django.apps import AppConfig


class MfaConfig(AppConfig):
    name = "spendwise.mfa"
    label = "mfa"
    verbose_name = "Two-step sign-in"

    def ready(self) -> None:
        from spendwise.households import queries

        # The household's MFA policy comes with the request's memberships: the policy
        # middleware then asks no query of its own on every page.
        queries.MEMBERSHIP_RELATED.append("household__security_policy")
