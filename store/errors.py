"""Domain errors raised by store services; the UI turns them into messages."""
from __future__ import annotations


class StoreError(Exception):
    """Base class of every error the store raises on purpose."""


class ConfigError(StoreError):
    """The configuration (environment, key file, database URL) cannot be used."""


class StartupError(StoreError):
    """The store refuses to start, for example because the master key does not match."""


class NotFound(StoreError):
    """The record does not exist, or the acting user may not see it: the two are indistinguishable."""

    def __init__(self, message: str = 'API secret not found') -> None:
        super().__init__(message)


class Forbidden(StoreError):
    """The acting user may see the record but not do this to it."""


class NotAuthenticated(StoreError):
    """The acting user no longer exists or has been deactivated."""

    def __init__(self, message: str = 'Your session has ended. Please log in again.') -> None:
        super().__init__(message)


class SecretDisabled(StoreError):
    """The API secret is disabled: it cannot be revealed or copied."""

    def __init__(self, message: str = 'This API secret is disabled.') -> None:
        super().__init__(message)


class PasswordRequired(StoreError):
    """The API secret asks for the user's password, and it was not confirmed in the last 5 minutes."""

    def __init__(self, message: str = 'Confirm your password to reveal this API secret') -> None:
        super().__init__(message)


class TwoFactorSetupRequired(StoreError):
    """An administrator requires two-factor for everyone, and the acting user has not set it up yet."""

    def __init__(self, message: str = 'Your administrator requires two-factor authentication: set it up to go on.'
                 ) -> None:
        super().__init__(message)


UNREADABLE_SECRET = ('This client secret cannot be decrypted: the data was altered or the master key does not match. '
                     'Nothing was shown.')


class DecryptionError(StoreError):
    """A ciphertext does not decrypt: wrong key, tampering, or a value moved to another record.

    Services raise it with UNREADABLE_SECRET, the message people see; crypto's own message names the
    table, record and field for the log.
    """

    MESSAGE = UNREADABLE_SECRET


class ValidationError(StoreError):
    """One or more fields are invalid; `errors` maps each field name to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__('; '.join(f'{field}: {message}' for field, message in errors.items()))
        self.errors = errors


class LoginThrottled(StoreError):
    """Too many failed log-ins for this username recently."""


class ConflictError(StoreError):
    """Someone else saved the record after the actor opened it; nothing was written."""


class DatabaseUnavailable(StoreError):
    """The database did not answer, or dropped the connection during the call; nothing was committed by the
    part that failed, and the next call gets a fresh connection."""

    def __init__(self, message: str = 'The database is not answering. Try again in a moment.') -> None:
        super().__init__(message)
class AccessKeyRefused(StoreError):
    """An API request's access key is missing, unknown, expired or revoked, or its owner was deactivated."""

    def __init__(self, message: str = 'Invalid access key') -> None:
        super().__init__(message)


class AddressNotAllowed(StoreError):
    """The access key is valid but the request comes from an address outside its Allowed IPs."""

    def __init__(self, message: str = 'This access key may not be used from your address') -> None:
        super().__init__(message)


class AccessKeyThrottled(StoreError):
    """Too many failed access-key authentications from one client address; `retry_after` is in seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__('Too many failed attempts from your address. Try again later.')
        self.retry_after = retry_after
