"""The security baseline: size limit, malformed input, Bot Framework tokens and allowed tenants."""

from __future__ import annotations

import json

import pytest

from tests.support.activities import TENANT_ID, message
from tests.support.credentials import StaticTokenCredentialsFactory
from tests.support.openid_server import channel_token, new_key

APP_ID = "9f1c1e2a-5b7d-4c3e-8f00-0a1b2c3d4e5f"


def _assert_no_traceback(body: str) -> None:
    assert "Traceback" not in body
    assert 'File "' not in body


async def test_a_body_over_the_limit_gets_413(start_app, connector):
    _, service_url = connector
    client = await start_app(max_body_bytes=4096)
    response = await client.post("/api/messages", json=message(service_url, "x" * 10_000))
    assert response.status == 413
    _assert_no_traceback(await response.text())


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"\xff\xfe\x00",
        b"[1, 2, 3]",
        b'"a string"',
        b"{}",
        b"[" * 100_000,
        json.dumps({"type": "message", "text": "hej"}).encode(),
        json.dumps({"type": "message", "channelId": "msteams", "serviceUrl": "not a url",
                    "conversation": {"id": "c"}, "from": {"id": "u"}}).encode(),
        json.dumps({"type": "", "channelId": "msteams", "serviceUrl": "https://smba.example",
                    "conversation": {"id": "c"}, "from": {"id": "u"}}).encode(),
    ],
    ids=["broken-json", "not-utf8", "array", "string", "empty-object", "deeply-nested", "no-conversation", "bad-service-url",
         "empty-type"],
)
async def test_malformed_requests_get_400_with_a_reason(start_app, body):
    client = await start_app()
    response = await client.post("/api/messages", data=body, headers={"Content-Type": "application/json"})
    assert response.status == 400
    text = await response.text()
    assert json.loads(text)["error"]
    _assert_no_traceback(text)


async def test_unknown_paths_and_methods_answer_without_a_traceback(start_app):
    client = await start_app()
    not_found = await client.get("/nowhere")
    assert not_found.status == 404
    wrong_method = await client.get("/api/messages")
    assert wrong_method.status == 405
    _assert_no_traceback(await not_found.text() + await wrong_method.text())


@pytest.fixture
async def secured_app(start_app, openid):
    outgoing = StaticTokenCredentialsFactory(APP_ID, token="outgoing-token-for-tests")
    return await start_app(
        microsoft_app_id=APP_ID,
        microsoft_app_password="not-used",
        openid_metadata_url=openid.metadata_url,
        credentials_factory=outgoing,
    )


async def test_a_request_without_a_token_gets_401(secured_app, connector):
    standin, service_url = connector
    response = await secured_app.post("/api/messages", json=message(service_url, "hjälp"))
    assert response.status == 401
    assert standin.received == []


@pytest.mark.parametrize(
    "forgery",
    ["other-key", "expired", "other-audience", "other-issuer", "other-service-url", "unknown-key-id", "garbage"],
)
async def test_forged_or_expired_tokens_get_401(secured_app, connector, signing_key, forgery):
    standin, service_url = connector
    arguments = {"app_id": APP_ID, "service_url": service_url}
    if forgery == "other-key":
        token = channel_token(new_key(), **arguments)
    elif forgery == "expired":
        token = channel_token(signing_key, expires_in=-3600, **arguments)
    elif forgery == "other-audience":
        token = channel_token(signing_key, app_id="00000000-0000-0000-0000-000000000000", service_url=service_url)
    elif forgery == "other-issuer":
        token = channel_token(signing_key, issuer="https://evil.example", **arguments)
    elif forgery == "other-service-url":
        token = channel_token(signing_key, app_id=APP_ID, service_url="https://evil.example")
    elif forgery == "unknown-key-id":
        token = channel_token(signing_key, key_id="no-such-key", **arguments)
    else:
        token = "not.a.token"
    response = await secured_app.post(
        "/api/messages", json=message(service_url, "hjälp"), headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status == 401
    _assert_no_traceback(await response.text())
    assert standin.received == []


async def test_a_correctly_signed_token_is_accepted_and_the_reply_carries_the_bots_token(
    secured_app, connector, signing_key
):
    standin, service_url = connector
    token = channel_token(signing_key, app_id=APP_ID, service_url=service_url)
    response = await secured_app.post(
        "/api/messages", json=message(service_url, "hjälp"), headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status == 201
    [reply] = standin.received
    assert reply.authorization == "Bearer outgoing-token-for-tests"
    assert reply.activity["attachments"]


async def test_activities_from_a_tenant_not_allowed_are_refused(start_app, connector):
    standin, service_url = connector
    client = await start_app(allowed_tenant_ids=frozenset({"another-tenant"}))
    response = await client.post("/api/messages", json=message(service_url, "hjälp"))
    assert response.status == 403
    assert standin.received == []


async def test_activities_from_an_allowed_tenant_are_served(start_app, connector):
    standin, service_url = connector
    client = await start_app(allowed_tenant_ids=frozenset({TENANT_ID, "another-tenant"}))
    response = await client.post("/api/messages", json=message(service_url, "hjälp"))
    assert response.status == 201
    assert len(standin.received) == 1
