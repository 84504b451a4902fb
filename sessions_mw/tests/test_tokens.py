"""Causal tokens: signed, verified, and never trusted when anything is off."""

import logging

import pytest
from bson import Int64
from bson.timestamp import Timestamp
from django.core import signing

from sessions_mw.tokens import CausalTime, ExtendedJSONSerializer, TokenCodec

TIME = CausalTime(
    cluster_time={
        "clusterTime": Timestamp(1_700_000_000, 7),
        "signature": {"hash": b"\x01" * 20, "keyId": Int64(7_000_000_000_000_000_001)},
    },
    operation_time=Timestamp(1_700_000_000, 6),
)


def test_token_round_trips_bson_types():
    codec = TokenCodec("default", max_age=60)

    assert codec.loads(codec.dumps(TIME), "test") == TIME


def test_tokens_of_another_database_alias_are_refused(caplog):
    token = TokenCodec("other", max_age=60).dumps(TIME)

    with caplog.at_level(logging.WARNING, logger="sessions_mw"):
        assert TokenCodec("default", max_age=60).loads(token, "test") is None
    assert "signature does not match" in caplog.text


def test_expired_token_is_refused(caplog):
    codec = TokenCodec("default", max_age=60)
    token = codec.dumps(TIME)
    codec.max_age = -1

    with caplog.at_level(logging.WARNING, logger="sessions_mw"):
        assert codec.loads(token, "test") is None
    assert "it has expired" in caplog.text


@pytest.mark.parametrize(
    "payload",
    [
        {"cluster_time": {}, "operation_time": Timestamp(1, 1)},
        {"cluster_time": TIME.cluster_time, "operation_time": 5},
        {"cluster_time": {**TIME.cluster_time, "signature": {"hash": "x"}}, "operation_time": 1},
        {"cluster_time": TIME.cluster_time},
        ["not", "a", "dict"],
    ],
)
def test_signed_but_malformed_content_is_refused(caplog, payload):
    codec = TokenCodec("default", max_age=60)
    token = signing.dumps(payload, salt=codec.salt, serializer=ExtendedJSONSerializer)

    with caplog.at_level(logging.WARNING, logger="sessions_mw"):
        assert codec.loads(token, "test") is None
    assert "malformed" in caplog.text


@pytest.mark.parametrize("token", [None, 42, "", "x" * 5000])
def test_garbage_is_refused(token):
    assert TokenCodec("default", max_age=60).loads(token, "test") is None
