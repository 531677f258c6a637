"""A supply-chain-finance story signed in Python and submitted to a running devnet:
issue -> accept -> finance (request) -> fund (financier) -> repay -> pay (partial) -> pay (rest) = paid, plus an idempotent
resubmission and a malformed payload refused at admission.

    npx ledger devnet --data .devnet          # in another terminal
    /usr/bin/python3 examples/python/story.py --devnet .devnet/devnet.json

Prints one JSON line {ok, invoice, status, txs}; exit 0 when every step went as the contract says.
"""
import argparse
import json
import os
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ledger_tx import Key, Node, build_tx  # noqa: E402


def fail(msg):
    print(json.dumps({"ok": False, "error": msg}))
    sys.exit(1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--devnet", required=True, help="devnet.json written by `ledger devnet` (nodes and account key files)")
    ap.add_argument("--node", type=int, default=0, help="index of the node to talk to (default 0)")
    args = ap.parse_args()
    with open(args.devnet, encoding="utf-8") as f:
        manifest = json.load(f)
    node = Node(manifest["nodes"][args.node]["api"])
    keys = {a["name"]: Key.from_file(a["keyFile"]) for a in manifest["accounts"] if a["name"] in ("supplier", "buyer", "financier", "auditor")}
    status, st = node.get("/v1/status")
    if status != 200:
        fail(f"GET /v1/status answered {status}")
    chain_id = st["chainId"]
    # Reads need a registered account's key: the devnet's auditor reads everything.
    node.authorize(keys["auditor"], chain_id)
    txs = []

    def sign(who, tx_type, payload):
        key = keys[who]
        code, acct = node.get(f"/v1/accounts/{key.public_key.hex()}")
        if code != 200:
            fail(f"{who} has no account ({code})")
        return build_tx(key, chain_id, tx_type, payload, acct["nextNonce"])

    def send(who, tx_type, payload):
        post, tx_hash, _ = sign(who, tx_type, payload)
        height = node.get("/v1/status")[1]["height"]
        code, answer = node.submit(post)
        if code != 202 or answer.get("hash") != tx_hash:
            fail(f"{tx_type}: expected 202 with {tx_hash}, got {code} {answer}")
        done = node.wait(tx_hash, height + 1)
        if done["status"] != "committed":
            fail(f"{tx_type}: {done['status']} {done.get('receipt')}")
        txs.append({"type": tx_type, "hash": tx_hash, "height": done["height"]})
        return post

    inv = f"INV-PY-{uuid.uuid4().hex[:12]}"
    buyer = keys["buyer"].public_key.hex()
    financier = keys["financier"].public_key.hex()
    issued = send("supplier", "invoice.issue", {
        "id": inv, "buyer": buyer, "amount": "100000", "currency": "EUR", "dueDate": "2027-06-30", "fingerprint": f"fp-{inv}",
    })
    # The same signed transaction again (a retry after a timeout): its outcome, not an error.
    code, again = node.submit(issued)
    if code != 200 or again.get("status") != "committed" or again.get("hash") != txs[0]["hash"]:
        fail(f"resubmission: expected 200 committed, got {code} {again}")
    # A payload the contract refuses never reaches a block.
    post, _, _ = sign("supplier", "invoice.issue", {"id": "X"})
    code, refused = node.submit(post)
    if code != 400 or refused.get("error", {}).get("code") != "PAYLOAD_INVALID":
        fail(f"malformed payload: expected 400 PAYLOAD_INVALID, got {code} {refused}")

    send("buyer", "invoice.accept", {"id": inv})
    # Financing takes both parties: the holder's request, then the financier's acceptance.
    send("supplier", "invoice.finance", {"id": inv, "financier": financier, "advance": "90000"})
    send("financier", "invoice.fund", {"id": inv})
    send("financier", "invoice.repay", {"id": inv})
    send("buyer", "invoice.pay", {"id": inv, "amount": "40000"})
    send("buyer", "invoice.pay", {"id": inv, "amount": 60000})
    code, invoice = node.get(f"/v1/invoices/{inv}")
    if code != 200 or invoice["status"] != "paid" or invoice["paid"] != "100000":
        fail(f"invoice {inv}: {code} {invoice}")
    print(json.dumps({"ok": True, "invoice": inv, "status": invoice["status"], "txs": txs}))


if __name__ == "__main__":
    main()
