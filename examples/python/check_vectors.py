"""Reproduces every test vector (test/fixtures/vectors/*.json) byte for byte from its seed and
its envelope fields: body, signed message, hash, signature and envelope.

    /usr/bin/python3 examples/python/check_vectors.py [test/fixtures/vectors]

Exit 0 when every vector matches; 1 naming the first field that differs.
"""
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ledger_tx import Key, build_tx  # noqa: E402


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "vectors")
    files = sorted(glob.glob(os.path.join(folder, "*.json")))
    if not files:
        print(f"no vectors in {folder}", file=sys.stderr)
        return 1
    for path in files:
        with open(path, encoding="utf-8") as f:
            v = json.load(f)
        e = v["envelope"]
        key = Key(bytes.fromhex(v["seed"]))
        post, tx_hash, parts = build_tx(key, e["chainId"], e["type"], e["payload"], e["nonce"])
        got = {
            "publicKey": key.public_key.hex(), "bodyHex": parts["body"].hex(), "signingMessageHex": parts["message"].hex(),
            "hash": tx_hash, "signature": parts["signature"].hex(), "envelopeHex": parts["envelope"].hex(), "envelope": post,
        }
        for field, value in got.items():
            if value != v[field]:
                print(f"{os.path.basename(path)}: {field} differs\n  expected {v[field]}\n  got      {value}", file=sys.stderr)
                return 1
    print(json.dumps({"ok": True, "vectors": len(files)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
