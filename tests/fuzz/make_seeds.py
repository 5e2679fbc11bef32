#!/usr/bin/env python3
"""Writes the hand-made seeds of corpus/notes, corpus/documents, corpus/evidence and
corpus/session (corpus/dispatcher is written by the dispatcher target itself, see
dispatcher_fuzz.cpp). Run from anywhere: python3 tests/fuzz/make_seeds.py"""
import hashlib
import json
import pathlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

here = pathlib.Path(__file__).resolve().parent / "corpus"


def write(folder, name, data):
    p = here / folder / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data if isinstance(data, bytes) else data.encode())


# notes: document NUL operation-A NUL operation-B
notes = {
    "insert-and-delete": "Ordre du jour\0[13,\": budget\"]\0[5,-8]",
    "unicode": "héllo wörld 😀\0[2,\"é\",-3,9]\0[\"x\",14]",
    "empty-document": "\0[\"abc\"]\0[\"def\"]",
    "same-place": "abc\0[1,-1,1]\0[1,\"z\",2]",
    "compose": "abcd\0[4,\"ef\"]\0[6,\"g\"]",
    "invalid": "x\0[0]\0[\"\\ud800\"]",
}
for k, v in notes.items():
    write("notes", k, v)

# documents: before 0x1E after; fields 0x1F: key, heading, body, ...
S, R = "\x1f", "\x1e"
documents = {
    "reorder": S.join(["article-1", "Objet", "Le présent pacte a pour objet…", "article-2", "Durée", "Deux ans."])
    + R + S.join(["article-2", "Durée", "Trois ans.", "article-1", "Objet", "Le présent pacte a pour objet…",
                  "article-3", "Résiliation", "Préavis de trois mois."]),
    "normalisation": S.join(["a", "  Titre\r\n  long ", "ligne  \r\n\r\nde\u0301but\t\n\n"]) + R
    + S.join(["a", "Titre long", "ligne\n\ndébut"]),
    "removed": S.join(["k1", "H", "one two three", "k2", "H2", "x"]) + R + S.join(["k2", "H2", "x y"]),
    "invalid-utf8": b"k\x1fH\x1f\xff\xfe\x1ek\x1fH\x1fok",
}
for k, v in documents.items():
    write("documents", k, v)


# evidence: a well-formed, correctly sealed bundle and a few broken ones
def canonical(v):
    return json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha(s):
    return hashlib.sha256(s.encode()).hexdigest()


key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
pub = key.public_key().public_bytes_raw()
text = "Article 1 : objet.\nArticle 5 : durée de deux ans.\n"
vh = sha(text)
trail, seals, prev = [], [], "0" * 64


def add(kind, data):
    global prev
    entry = {"v": 1, "campaign": 7, "seq": len(trail) + 1, "type": kind, "at": "2024-02-28T23:30:00.000Z",
             "prev": prev, "data": data}
    prev = sha(canonical(entry))
    trail.append({"entry": entry, "hash": prev})


def seal(reason):
    s = {"v": 1, "purpose": "pacte-signatures-seal", "campaign": 7, "seq": len(trail), "head": prev,
         "at": "2024-02-28T23:30:00.000Z", "reason": reason}
    seals.append({"seal": s, "signature": key.sign(canonical(s).encode()).hex()})


add("created", {"version_hash": vh, "title": "Pacte"})
add("opened", {"signatory": 1})
add("signed", {"signatory": 1, "version_hash": vh, "name": "Agnès Daffos"})
seal("signature")
add("completed", {"effective": "2024-02-29"})
seal("completion")
bundle = {"format": "pacte-signatures-bundle", "version": 1, "text": text, "version_hash": vh,
          "public_key": pub.hex(), "fingerprint": hashlib.sha256(pub).hexdigest(), "trail": trail, "seals": seals}
write("evidence", "intact", json.dumps(bundle, ensure_ascii=False, indent=1))
broken = json.loads(json.dumps(bundle))
broken["trail"][1]["entry"]["data"]["signatory"] = 2
broken["seals"][0]["seal"]["seq"] = 9
write("evidence", "altered", json.dumps(broken, ensure_ascii=False))
odd = json.loads(json.dumps(bundle))
odd["trail"].insert(0, 5)
odd["seals"].append({"seal": {"seq": "3"}})
write("evidence", "regress-odd-member-types", json.dumps(odd, ensure_ascii=False))
write("evidence", "not-a-bundle", "[1, {\"format\": null}]")


# session: the bytes a client sends on one connection. "@TOKEN@" is the member's token.
def frame(payload, opcode=1, fin=True):
    """A client WebSocket frame masked with key 0 (the payload stays readable)."""
    data = payload.encode() if isinstance(payload, str) else payload
    head = bytes([(0x80 if fin else 0) | opcode])
    n = len(data)
    if n < 126:
        head += bytes([0x80 | n])
    elif n < 65536:
        head += bytes([0x80 | 126]) + n.to_bytes(2, "big")
    else:
        head += bytes([0x80 | 127]) + n.to_bytes(8, "big")
    return head + b"\0\0\0\0" + data


upgrade = ("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
           "Origin: http://127.0.0.1:8080\r\nCookie: pacte_session=@TOKEN@\r\n\r\n").encode()
write("session", "ws-subscribe-and-post", upgrade
      + frame(json.dumps({"id": "1", "op": "sync.subscribe", "args": {}}))
      + frame(json.dumps({"id": "2", "op": "chat.post", "args": {"thread": 1, "body": "Bonjour"}}))
      + frame(json.dumps({"id": "3", "op": "chat.typing", "args": {"workspace": 1, "thread": 1}}))
      + frame(b"\x03\xe8", opcode=8))
write("session", "ws-bad-frames", upgrade + frame("{\"id\":") + frame(b"\xff\xfe", opcode=1)
      + frame(b"bin", opcode=2) + frame("[1,", fin=False) + frame("2]", opcode=0))
write("session", "ws-ping-and-deep", upgrade + frame(b"", opcode=9) + frame("[" * 100 + "]" * 100)
      + frame(json.dumps({"id": "x" * 80, "op": 1})))
write("session", "http-api", ("POST /api/session.me HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nOrigin: http://127.0.0.1:8080\r\n"
                              "Cookie: pacte_session=@TOKEN@\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
                              "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                              "GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n"))
write("session", "http-login", ("POST /api/login HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nOrigin: http://127.0.0.1:8080\r\n"
                                "Content-Type: application/json\r\nContent-Length: 52\r\n\r\n"
                                "{\"email\":\"nobody@example.org\",\"password\":\"fuzz-pass\"}"))
write("session", "http-chunked", ("POST /api/chat.post HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                                  "Cookie: pacte_session=@TOKEN@\r\nOrigin: http://127.0.0.1:8080\r\n\r\n"
                                  "5\r\n{\"a\":\r\n2\r\n1}\r\n0\r\n\r\n"))
write("session", "ws-no-cookie", upgrade.replace(b"Cookie: pacte_session=@TOKEN@\r\n", b""))
print("seeds written under", here)
