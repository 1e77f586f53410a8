"""Connect flows, one module per network: identity and authorisation only.

Each network module offers what its flow needs (an authorize URL and a code exchange for the
OAuth networks, a session for Bluesky), a refresh where the network has one, a revoke where
it has one, and the account's identity (id, handle, followers). Posting and reading
engagement live in ``posts/networks/``. Writes that store what these return are in
``accounts/connections/services.py``.
"""
