"""The expected failures of people, team and invitation operations."""


class AccountsError(Exception):
    """An expected failure in a people or team operation; the message is for people."""


class InvitationError(AccountsError):
    pass


class TeamError(AccountsError):
    pass


class RoleError(AccountsError):
    pass
