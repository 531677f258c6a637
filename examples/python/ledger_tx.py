"""Build, hash and sign ledger transactions in Python: a second implementation of
docs/transactions.md, written from that document alone.

Needs Debian's python3-msgpack and python3-cryptography (apt-get install -y python3-msgpack
python3-cryptography) and runs with /usr/bin/python3.
"""
import base64
import hashlib
import json
import struct
import time
import urllib.error
import urllib.request

try:
    import msgpack
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
except ImportError as e:  # pragma: no cover - the message is the point
    raise SystemExit(
        f"missing Python package ({e.name}): apt-get install -y python3-msgpack python3-cryptography, "
        "then run with /usr/bin/python3"
    )

DOMAIN_TX_V1 = b"ledger/tx/v1\x00"
INT32_MIN = -(2**31)
UINT32_MAX = 2**32 - 1
SAFE_MAX = 2**53 - 1

_packer = msgpack.Packer(use_bin_type=True, autoreset=True)


def encode(value):
    """Canonical MessagePack of a value (docs/transactions.md, "Canonical encoding")."""
    if value is None or isinstance(value, (bool, str, bytes)):
        return _packer.pack(value)
    if isinstance(value, int):
        if not -SAFE_MAX <= value <= SAFE_MAX:
            raise ValueError(f"integer {value} is outside the safe range; send amounts as strings")
        if INT32_MIN <= value <= UINT32_MAX:
            return _packer.pack(value)  # msgpack picks the smallest form, as the spec requires
        return b"\xd3" + struct.pack(">q", value)  # int64, never uint64
    if isinstance(value, float):
        raise ValueError("floats are not part of the canonical encoding")
    if isinstance(value, (list, tuple)):
        return _packer.pack_array_header(len(value)) + b"".join(encode(v) for v in value)
    if isinstance(value, dict):
        keys = sorted(value)  # payload keys are ASCII: code-point order = UTF-16 order
        return _packer.pack_map_header(len(keys)) + b"".join(encode(k) + encode(value[k]) for k in keys)
    raise TypeError(f"cannot encode {type(value).__name__}")


def body_bytes(chain_id, tx_type, signer, nonce, payload):
    """encodeTxBody: the array [chainId, type, signer, nonce, payload]."""
    return encode([chain_id, tx_type, signer, nonce, payload])


def signing_message(chain_id, body):
    """DOMAIN_TX_V1 || one byte len(chainId) || chainId || body: what the signature covers."""
    cid = chain_id.encode("utf-8")
    return DOMAIN_TX_V1 + bytes([len(cid)]) + cid + body


class Key:
    """An ed25519 key from its 32-byte seed (the `secretKey` of a ledger key file)."""

    def __init__(self, seed):
        self._key = Ed25519PrivateKey.from_private_bytes(seed)
        self.public_key = self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @classmethod
    def from_file(cls, path):
        with open(path, encoding="utf-8") as f:
            return cls(bytes.fromhex(json.load(f)["secretKey"]))

    def sign(self, message):
        return self._key.sign(message)


def build_tx(key, chain_id, tx_type, payload, nonce):
    """Signs a transaction; returns (POST body as a dict, hash hex, every byte string)."""
    body = body_bytes(chain_id, tx_type, key.public_key, nonce, payload)
    message = signing_message(chain_id, body)
    signature = key.sign(message)
    envelope = encode([chain_id, tx_type, key.public_key, nonce, payload, signature])
    post = {
        "chainId": chain_id, "type": tx_type, "signer": key.public_key.hex(), "nonce": nonce,
        "payload": payload, "signature": signature.hex(),
    }
    parts = {"body": body, "message": message, "envelope": envelope, "signature": signature}
    return post, hashlib.sha256(body).hexdigest(), parts


def _b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode("ascii")


def read_token(key, chain_id, lifetime_s=120):
    """A read token (docs/security.md): an EdDSA JWT the account signs itself, audience = chain id."""
    now = int(time.time())
    header = _b64url(json.dumps({"alg": "EdDSA", "typ": "JWT"}, separators=(",", ":")).encode("utf-8"))
    claims = {"sub": key.public_key.hex(), "aud": chain_id, "iat": now, "exp": now + lifetime_s}
    signing_input = header + "." + _b64url(json.dumps(claims, separators=(",", ":")).encode("utf-8"))
    return signing_input + "." + _b64url(key.sign(signing_input.encode("ascii")))


class Node:
    """The few REST calls a signer needs (docs/api.md). Reads carry a read token once authorize() named a key."""

    def __init__(self, url):
        self.url = url.rstrip("/")
        self._reader = None

    def authorize(self, key, chain_id):
        """Reads from now on prove that `key` (a registered account's current key) asks."""
        self._reader = (key, chain_id)

    def _auth(self, req):
        if self._reader is not None:
            req.add_header("authorization", "Bearer " + read_token(*self._reader))

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode("utf-8")
        req = urllib.request.Request(self.url + path, data=data, method=method)
        self._auth(req)
        if data is not None:
            req.add_header("content-type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=30) as res:
                return res.status, json.loads(res.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def get(self, path):
        return self.call("GET", path)

    def submit(self, post):
        return self.call("POST", "/v1/transactions", post)

    def wait(self, tx_hash, from_height, timeout_s=60):
        """Follows GET /v1/events from `from_height` until a block carries tx_hash."""
        req = urllib.request.Request(f"{self.url}/v1/events?fromHeight={from_height}")
        self._auth(req)
        with urllib.request.urlopen(req, timeout=timeout_s) as res:
            data = []
            for raw in res:
                line = raw.decode("utf-8").rstrip("\r\n")
                if line.startswith("data:"):
                    data.append(line[5:].lstrip(" "))
                elif line == "" and data:
                    block = json.loads("\n".join(data))
                    data = []
                    if any(t["hash"] == tx_hash for t in block["txs"]):
                        return self.get(f"/v1/transactions/{tx_hash}")[1]
        raise TimeoutError(f"event stream ended before {tx_hash} was committed")
