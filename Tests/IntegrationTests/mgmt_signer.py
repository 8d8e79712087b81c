"""Management API requests signed with jwcrypto (an independent JOSE
implementation): keys, a management_api.yml that lists their public halves,
and JWS documents in JSON general serialization."""
import base64
import json
import time
import uuid

from jwcrypto import jwk, jws
from jwcrypto.common import json_encode


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Signer:
    def __init__(self, kid, alg):
        self.kid, self.alg = kid, alg
        if alg.startswith("RS"):
            self.key = jwk.JWK.generate(kty="RSA", size=2048)
        else:
            self.key = jwk.JWK.generate(kty="EC", crv={"ES256": "P-256", "ES384": "P-384", "ES512": "P-521"}[alg])

    def public_value(self):
        """base64url of the PEM public key, as management_api.yml holds it."""
        return b64url(self.key.export_to_pem())

    def private_value(self):
        return b64url(self.key.export_to_pem(private_key=True, password=None))


def claims(data=None, lifetime=60, **extra):
    now = int(time.time())
    body = {"iat": now, "exp": None if lifetime is None else now + lifetime, "jti": str(uuid.uuid4()), "data": data or {}}
    body.update(extra)
    return {k: v for k, v in body.items() if v is not None}


def sign(payload, *signers, alg=None):
    """A general-serialization JWS of `payload` (dict) signed by each signer (alg overridable)."""
    token = jws.JWS(json.dumps(payload).encode())
    for signer in signers:
        token.add_signature(signer.key, None, json_encode({"alg": alg or signer.alg}), json_encode({"kid": signer.kid}))
    document = json.loads(token.serialize())
    if "signatures" not in document:
        document = {"payload": document["payload"],
                    "signatures": [{k: document[k] for k in ("protected", "header", "signature")}]}
    return document


def config_yaml(keychain, scopes, jwt_options="{verify_iat: true, verify_jti: true, leeway: 5}"):
    """keychain: {kid: (algorithm, value text)}; scopes: {name: (permitted, mandatory)}."""
    lines = ["keychain:"]
    for kid, (alg, value) in keychain.items():
        lines += [f"  {kid}:", f"    algorithm: {alg}", f"    value: \"{value}\""]
    lines.append(f"jwt: {jwt_options}")
    lines.append("scopes:")
    for name, (permitted, mandatory) in scopes.items():
        lines.append(f"  {name}: {{permitted_signers: [{', '.join(permitted)}], mandatory_signers: [{', '.join(mandatory)}]}}")
    return "\n".join(lines) + "\n"


SCOPES = ["read_users", "write_users", "read_labels", "write_labels", "otp_sign", "read_service_accounts",
          "write_service_accounts", "write_documents", "read_phones", "write_phones", "write_apikeys", "tools"]
