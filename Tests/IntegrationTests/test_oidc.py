"""OpenID Connect end to end (oidc.md) with two independent relying-party
libraries from PyPI, told nothing the discovery document does not say:
Authlib (OAuth2Session with PKCE, ID-token validation against the JWKS,
refresh, revoke, introspect) and pyoidc (its provider-info schema checks
the discovery document, then the code flow and userinfo). The provider is
the release binary behind nginx with TLS, on both backends."""
import os
import secrets

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, jwt
from authlib.oidc.core import CodeIDToken

from oidc_support import Provider, approve, query, trusting

REDIRECT = "https://rp.example.test/callback"


@pytest.fixture(scope="module")
def provider():
    p = Provider().start()
    yield p
    p.stop()


def test_authlib_code_flow_with_pkce_refresh_introspect_and_revoke(provider):
    app = provider.register(name="Grafana", redirect_uris=[REDIRECT], scopes=["openid", "email", "profile", "offline_access"])
    meta = requests.get(provider.issuer + "/.well-known/openid-configuration", verify=provider.proxy.ca).json()
    assert meta["issuer"] == provider.issuer
    user = provider.session("grafana-user@example.com")

    rp = OAuth2Session(app["client_id"], app["client_secret"], scope="openid email offline_access", redirect_uri=REDIRECT,
                       code_challenge_method="S256", token_endpoint_auth_method="client_secret_basic")
    trusting(rp, provider.proxy.ca)
    verifier, nonce = secrets.token_urlsafe(48), secrets.token_urlsafe(16)
    url, state = rp.create_authorization_url(meta["authorization_endpoint"], code_verifier=verifier, nonce=nonce)
    location = approve(user, url)
    answer = query(location)
    assert answer["state"] == state and answer["iss"] == provider.issuer and "code" in answer

    token = rp.fetch_token(meta["token_endpoint"], authorization_response=location, code_verifier=verifier)
    assert token["token_type"] == "Bearer" and token["refresh_token"] and token["id_token"]
    keys = JsonWebKey.import_key_set(requests.get(meta["jwks_uri"], verify=provider.proxy.ca).json())
    # CodeIDToken also checks azp and at_hash against the access token (OpenID Connect Core §3.1.3.6-8).
    claims = jwt.decode(token["id_token"], keys, claims_cls=CodeIDToken, claims_options={
        "iss": {"essential": True, "value": provider.issuer}, "aud": {"essential": True, "value": app["client_id"]},
        "nonce": {"essential": True, "value": nonce}},
        claims_params={"nonce": nonce, "client_id": app["client_id"], "access_token": token["access_token"]})
    claims.validate()
    assert claims["at_hash"]
    assert claims["email"] == "grafana-user@example.com" and claims["auth_time"] > 0

    info = rp.get(meta["userinfo_endpoint"]).json()
    assert info["sub"] == claims["sub"] and info["email"] == "grafana-user@example.com"

    first_refresh = token["refresh_token"]
    refreshed = rp.refresh_token(meta["token_endpoint"], refresh_token=first_refresh)
    assert refreshed["refresh_token"] != first_refresh

    seen = rp.introspect_token(meta["introspection_endpoint"], token=refreshed["access_token"]).json()
    assert seen["active"] is True and seen["client_id"] == app["client_id"] and seen["sub"] == claims["sub"]
    r = rp.revoke_token(meta["revocation_endpoint"], token=refreshed["refresh_token"])
    assert r.status_code == 200
    after = rp.introspect_token(meta["introspection_endpoint"], token=refreshed["access_token"]).json()
    assert after == {"active": False}, "revoking the refresh token ends its access tokens too"

    # The rotated-out refresh token used again is refused (RFC 6749 error form).
    r = requests.post(meta["token_endpoint"], data={"grant_type": "refresh_token", "refresh_token": first_refresh},
                      auth=(app["client_id"], app["client_secret"]), verify=provider.proxy.ca)
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant" and r.headers["Cache-Control"] == "no-store"


def test_pyoidc_validates_discovery_and_runs_the_code_flow(provider):
    from oic.oic import Client
    from oic.oic.message import AuthorizationResponse, RegistrationResponse
    from oic.utils.authn.client import CLIENT_AUTHN_METHOD

    app = provider.register(name="Support desk", redirect_uris=[REDIRECT], first_party=True)
    user = provider.session("desk-user@example.com")
    rp = Client(client_authn_method=CLIENT_AUTHN_METHOD, verify_ssl=provider.proxy.ca)
    info = rp.provider_config(provider.issuer)  # fetched and checked by pyoidc's ProviderConfigurationResponse schema
    assert info["issuer"] == provider.issuer and info["code_challenge_methods_supported"] == ["S256"]
    rp.store_registration_info(RegistrationResponse(client_id=app["client_id"], client_secret=app["client_secret"],
                                                    redirect_uris=[REDIRECT]))
    state, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    challenge, verifier = rp.add_code_challenge()
    request = rp.construct_AuthorizationRequest(request_args={
        "client_id": app["client_id"], "response_type": "code", "scope": ["openid", "email"], "state": state, "nonce": nonce,
        "redirect_uri": REDIRECT, **challenge})
    location = approve(user, request.request(rp.authorization_endpoint))  # first party: no consent page
    response = rp.parse_response(AuthorizationResponse, info=location.split("?", 1)[1], sformat="urlencoded")
    assert response["state"] == state
    tokens = rp.do_access_token_request(state=state, request_args={"code": response["code"], "code_verifier": verifier},
                                        authn_method="client_secret_basic")
    assert tokens["id_token"]["nonce"] == nonce and tokens["id_token"]["aud"] == [app["client_id"]]
    userinfo = rp.do_user_info_request(state=state)
    assert userinfo["email"] == "desk-user@example.com" and userinfo["sub"] == tokens["id_token"]["sub"]


def test_a_mobile_app_is_a_public_client_on_a_loopback_redirect(provider):
    app = provider.register(name="Mobile", redirect_uris=["http://127.0.0.1:47011/cb"], confidential=False,
                            scopes=["openid", "offline_access"])
    assert "client_secret" not in app
    meta = requests.get(provider.issuer + "/.well-known/openid-configuration", verify=provider.proxy.ca).json()
    user = provider.session("mobile-user@example.com")
    rp = OAuth2Session(app["client_id"], scope="openid offline_access", redirect_uri="http://127.0.0.1:47011/cb",
                       code_challenge_method="S256", token_endpoint_auth_method="none")
    trusting(rp, provider.proxy.ca)
    verifier = secrets.token_urlsafe(48)
    url, _ = rp.create_authorization_url(meta["authorization_endpoint"], code_verifier=verifier)
    location = approve(user, url)
    token = rp.fetch_token(meta["token_endpoint"], authorization_response=location, code_verifier=verifier)
    assert token["refresh_token"] and token["scope"] == "openid offline_access"
    # A public client may not introspect, nor send a secret.
    r = requests.post(meta["introspection_endpoint"], data={"client_id": app["client_id"], "token": token["access_token"]},
                      verify=provider.proxy.ca)
    assert r.status_code == 400 and r.json()["error"] == "unauthorized_client"
    r = requests.post(meta["token_endpoint"], data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"],
                                                    "client_id": app["client_id"], "client_secret": "guess"},
                      verify=provider.proxy.ca)
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"


def test_a_refusal_at_consent_and_an_unregistered_redirect(provider):
    app = provider.register(name="Partner", redirect_uris=[REDIRECT])
    meta = requests.get(provider.issuer + "/.well-known/openid-configuration", verify=provider.proxy.ca).json()
    user = provider.session("partner-user@example.com")
    rp = trusting(OAuth2Session(app["client_id"], app["client_secret"], scope="openid", redirect_uri=REDIRECT,
                                code_challenge_method="S256"), provider.proxy.ca)
    url, state = rp.create_authorization_url(meta["authorization_endpoint"], code_verifier=secrets.token_urlsafe(48))
    answer = query(approve(user, url, decision="deny"))
    assert answer["error"] == "access_denied" and answer["state"] == state
    r = user.get(url.replace("rp.example.test", "evil.example.test"), allow_redirects=False)
    assert r.status_code == 400 and "Location" not in r.headers and "not registered" in r.text


def test_the_command_line_registers_clients(provider):
    import json
    from conftest import run_cli
    server = provider.server
    r = run_cli("oidc", "clients", "create", "--name", "Exchange mobile", "--public", "--redirect-uri", "http://127.0.0.1:47012/cb",
                "--scope", "openid", "--scope", "offline_access", env=server.env, cwd=server.dir)
    assert r.returncode == 0, r.stderr
    created = json.loads(r.stdout)
    assert created["confidential"] is False and "client_secret" not in created and created["scopes"] == ["openid", "offline_access"]
    listed = provider.admin.get(provider.api("/admin/oidc/clients")).json()
    assert created["client_id"] in [c["client_id"] for c in listed]
    r = run_cli("oidc", "clients", "create", "--name", "Bad", "--redirect-uri", "http://app.example/cb", env=server.env, cwd=server.dir)
    assert r.returncode == 1 and "refused: invalid_redirect_uri" in r.stderr


def test_the_gateway_takes_an_apps_access_token_with_the_setting():
    gateway = Provider(env={"BARONG_OIDC_GATEWAY_TOKENS": "true"}, gateway=True).start()
    try:
        app = gateway.register(name="Partner", redirect_uris=[REDIRECT], first_party=True, scopes=["openid", "exchange"])
        user = gateway.session("partner@example.com")
        rp = trusting(OAuth2Session(app["client_id"], app["client_secret"], scope="openid exchange", redirect_uri=REDIRECT,
                                    code_challenge_method="S256"), gateway.proxy.ca)
        verifier = secrets.token_urlsafe(48)
        url, _ = rp.create_authorization_url(gateway.issuer + "/authorize", code_verifier=verifier)
        token = rp.fetch_token(gateway.issuer + "/token", authorization_response=approve(user, url), code_verifier=verifier)
        me = user.get(gateway.api("/resource/users/me")).json()
        import jwt as pyjwt
        bearer = {"Authorization": "Bearer " + token["access_token"]}
        # The authorize endpoint nginx's auth_request calls, on the main listener and on the gateway listener.
        for base in (gateway.server.base, gateway.server.authorize_base):
            r = requests.get(base + "/api/v2/peatio/account/balances", headers=bearer)
            assert r.status_code == 200, (base, r.text)
            claims = pyjwt.decode(r.headers["Authorization"][7:], options={"verify_signature": False})
            assert claims["uid"] == me["uid"] and claims["sub"] == "session"
            assert claims["exp"] <= pyjwt.decode(token["access_token"], options={"verify_signature": False})["exp"]
        rp.revoke_token(gateway.issuer + "/revoke", token=token["access_token"])
        for base in (gateway.server.base, gateway.server.authorize_base):
            r = requests.get(base + "/api/v2/peatio/account/balances", headers=bearer)
            assert r.status_code == 401 and r.json() == {"errors": ["authz.invalid_session"]}, (base, r.text)
    finally:
        gateway.stop()
