"""A local OpenID metadata endpoint with our own signing key, standing in for login.botframework.com.

botbuilder fetches the metadata with blocking `requests`, from inside the event loop; the server therefore
runs on a thread of its own, so that it can answer while the loop waits.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

CHANNEL_ISSUER = "https://api.botframework.com"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class OpenIdServer:
    def __init__(self, key: rsa.RSAPrivateKey, key_id: str = "lotsen-test-key") -> None:
        self.key = key
        self.key_id = key_id
        jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
        jwk.update({"kid": key_id, "use": "sig", "endorsements": ["msteams", "emulator"]})
        keys = json.dumps({"keys": [jwk]}).encode()
        server_ref: dict[str, Any] = {}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                base = f"http://127.0.0.1:{server_ref['port']}"
                if self.path == "/v1/.well-known/openidconfiguration":
                    body = json.dumps({"issuer": CHANNEL_ISSUER, "jwks_uri": f"{base}/v1/keys"}).encode()
                elif self.path == "/v1/keys":
                    body = keys
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server_ref["port"] = self._server.server_address[1]
        self.metadata_url = f"http://127.0.0.1:{server_ref['port']}/v1/.well-known/openidconfiguration"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "OpenIdServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()


def channel_token(
    key: rsa.RSAPrivateKey,
    *,
    app_id: str,
    service_url: str,
    key_id: str = "lotsen-test-key",
    issuer: str = CHANNEL_ISSUER,
    expires_in: int = 3600,
) -> str:
    """A token like the one the Bot Framework channel sends with each activity."""
    now = int(time.time())
    claims = {"iss": issuer, "aud": app_id, "serviceurl": service_url, "nbf": now - 60, "iat": now - 60,
              "exp": now + expires_in}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": key_id})
