"""The local development token issuer: an Ed25519 key pair and a command to mint tokens.

    python -m meldcode_devauth.tokens keygen DIR
    python -m meldcode_devauth.tokens mint --key DIR/issuer.key --sub u1 --role intern_begeleider \
        --samenwerkingsverband swv-zuid --school 12AB
Never used in production: there the services trust the OpenID Connect issuer's JWKS.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import typer
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

PRIVATE_KEY_NAME = "issuer.key"
PUBLIC_KEY_NAME = "issuer.pub"

cli = typer.Typer(add_completion=False, help="Development token issuer (never in production).")


def generate_key_pair(directory: Path) -> tuple[Path, Path]:
    """Create the key pair in `directory` unless it exists; returns (private, public) paths."""
    directory.mkdir(parents=True, exist_ok=True)
    private_path, public_path = directory / PRIVATE_KEY_NAME, directory / PUBLIC_KEY_NAME
    if not private_path.exists():
        key = Ed25519PrivateKey.generate()
        private_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        private_path.chmod(0o600)
        public_path.write_bytes(
            key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
    return private_path, public_path


def mint_token(
    private_key_pem: str,
    *,
    sub: str,
    role: str,
    samenwerkingsverband: str,
    schools: Iterable[str],
    issuer: str = "meldcode-dev",
    audience: str = "meldcode",
    lifetime: timedelta = timedelta(hours=8),
    now: datetime | None = None,
    key_id: str | None = None,
) -> str:
    issued = now or datetime.now(UTC)
    claims = {
        "sub": sub,
        "role": role,
        "samenwerkingsverband": samenwerkingsverband,
        "schools": list(schools),
        "iss": issuer,
        "aud": audience,
        "iat": int(issued.timestamp()),
        "exp": int((issued + lifetime).timestamp()),
    }
    headers = {"kid": key_id} if key_id else None
    return jwt.encode(claims, private_key_pem, algorithm="EdDSA", headers=headers)


@cli.command()
def keygen(directory: Path) -> None:
    """Create the development issuer's key pair in DIRECTORY (kept when it exists)."""
    private_path, public_path = generate_key_pair(directory)
    typer.echo(f"{private_path}\n{public_path}")


@cli.command()
def mint(
    key: Path = typer.Option(..., help="Private key file of the development issuer"),
    sub: str = typer.Option(..., help="User id"),
    role: str = typer.Option(...),
    samenwerkingsverband: str = typer.Option(...),
    school: list[str] = typer.Option([], help="BRIN of a school of the user; repeat for more"),
    hours: int = typer.Option(
        8, help="Lifetime; the services refuse more than AUTH_MAX_TOKEN_LIFETIME_SECONDS (8 hours)"
    ),
) -> None:
    """Print a signed development token."""
    typer.echo(
        mint_token(
            key.read_text(),
            sub=sub,
            role=role,
            samenwerkingsverband=samenwerkingsverband,
            schools=school,
            lifetime=timedelta(hours=hours),
        )
    )


if __name__ == "__main__":
    cli()
