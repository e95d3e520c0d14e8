"""The identity app's Cognito fixtures (moto's server and a user pool), for the Cognito
security-log tests."""

from spendwise.identity.tests.conftest import cognito, cognito_pool, moto_endpoint

__all__ = ["cognito", "cognito_pool", "moto_endpoint"]
