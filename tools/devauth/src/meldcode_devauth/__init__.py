"""Development only: the local OpenID Connect issuer (`issuer`) and its key pair and tokens (`tokens`).

Anyone who reaches the issuer logs in as any demo user without a password, so this package is a
development dependency of the workspace and no production package may import it (import-linter).
"""
