"""Causal tokens: where a client stands in the cluster's causal order, signed.

A token carries a ClientSession's `cluster_time` (the server's document,
including the server's signature) and `operation_time`, serialised as
canonical Extended JSON (so BSON Timestamps and binaries survive) and signed
with django.core.signing (SECRET_KEY, a salt naming the database alias, a
timestamp for expiry).

Rules:
- `CausalTime.of(session)` is None until the session has seen a cluster time:
  there is nothing to carry yet.
- `TokenCodec.loads` never raises for bad input: a token with a wrong
  signature, older than max_age, or whose content is not exactly a cluster
  time and an operation time yields None and a warning on the "sessions_mw"
  logger. Only verified, well-formed content ever reaches pymongo.
"""

import logging
from dataclasses import dataclass

from bson import Int64, json_util
from bson.json_util import CANONICAL_JSON_OPTIONS
from bson.timestamp import Timestamp
from django.core import signing

logger = logging.getLogger("sessions_mw")


@dataclass(frozen=True)
class CausalTime:
    """A session's cluster_time and operation_time."""

    cluster_time: dict
    operation_time: Timestamp

    @classmethod
    def of(cls, session):
        if session.cluster_time is None or session.operation_time is None:
            return None
        return cls(dict(session.cluster_time), session.operation_time)

    def advance(self, session):
        """Make the session's next operations causally follow this time."""
        session.advance_cluster_time(self.cluster_time)
        session.advance_operation_time(self.operation_time)

    def to_payload(self):
        return {"cluster_time": self.cluster_time, "operation_time": self.operation_time}

    @classmethod
    def from_payload(cls, payload):
        """The CausalTime a decoded payload describes; ValueError if it describes none."""
        if not isinstance(payload, dict) or set(payload) != {"cluster_time", "operation_time"}:
            raise ValueError("not a causal time")
        cluster_time, operation_time = payload["cluster_time"], payload["operation_time"]
        if not isinstance(operation_time, Timestamp):
            raise ValueError("operation_time is not a Timestamp")
        if not isinstance(cluster_time, dict) or set(cluster_time) != {"clusterTime", "signature"}:
            raise ValueError("cluster_time is not a $clusterTime document")
        signature = cluster_time["signature"]
        if (
            not isinstance(cluster_time["clusterTime"], Timestamp)
            or not isinstance(signature, dict)
            or set(signature) != {"hash", "keyId"}
            or not isinstance(signature["hash"], bytes)
            or not isinstance(signature["keyId"], int | Int64)
        ):
            raise ValueError("cluster_time is not a signed cluster time")
        return cls(cluster_time, operation_time)


class ExtendedJSONSerializer:
    """A django.core.signing serializer that keeps BSON types intact."""

    def dumps(self, obj):
        return json_util.dumps(
            obj, json_options=CANONICAL_JSON_OPTIONS, separators=(",", ":")
        ).encode("latin-1")

    def loads(self, data):
        return json_util.loads(data.decode("latin-1"), json_options=CANONICAL_JSON_OPTIONS)


class TokenCodec:
    """Signs CausalTimes into tokens and verifies tokens back into CausalTimes."""

    def __init__(self, database_alias, max_age):
        self.salt = f"sessions_mw.causal-token:{database_alias}"
        self.max_age = max_age

    def dumps(self, causal_time):
        return signing.dumps(
            causal_time.to_payload(),
            salt=self.salt,
            serializer=ExtendedJSONSerializer,
            compress=True,
        )

    def loads(self, token, source):
        """The CausalTime in `token`, or None (logged) if it cannot be trusted.

        `source` says where the token came from, for the log.
        """
        try:
            if not isinstance(token, str):
                raise TypeError(f"a token is a string, not {type(token).__name__}")
            payload = signing.loads(
                token, salt=self.salt, serializer=ExtendedJSONSerializer, max_age=self.max_age
            )
            return CausalTime.from_payload(payload)
        except signing.SignatureExpired:
            reason = "it has expired"
        except signing.BadSignature:
            reason = "its signature does not match"
        # The signature matched, so this is our own format gone wrong (an older
        # release, a changed serializer): still nothing to trust.
        except (ValueError, TypeError, KeyError) as exc:
            reason = f"its content is malformed ({exc})"
        logger.warning("Ignored the causal token from %s: %s.", source, reason)
        return None
