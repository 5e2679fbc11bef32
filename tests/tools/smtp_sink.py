#!/usr/bin/env python3
"""A real SMTP server for the test suite (Debian's python3-aiosmtpd).

    smtp_sink.py --port PORT --out DIR

Listens on 127.0.0.1:PORT and writes every message it accepts to DIR as one JSON file,
parsed by Python's own email package (an implementation independent of Pacte's):
envelope, decoded headers, text and HTML bodies, attachments with their SHA-256.
Prints "ready" once listening; stops on SIGTERM or SIGINT.
"""
import argparse
import email
import email.policy
import hashlib
import itertools
import json
import os
import signal

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out):
        self.out = out
        self.counter = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)

        def mailbox(header):
            value = msg[header]
            if value is None or not value.addresses:
                return None
            a = value.addresses[0]
            return {"name": a.display_name, "address": a.addr_spec}

        def body(kind):
            part = msg.get_body(preferencelist=(kind,))
            return part.get_content() if part is not None else None

        attachments = []
        for part in msg.iter_attachments():
            data = part.get_payload(decode=True) or b""
            attachments.append({
                "filename": part.get_filename(),
                "content_type": part.get_content_type(),
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "text": data.decode("utf-8", "replace") if part.get_content_maintype() == "text" else None,
            })
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "from": mailbox("From"),
            "to": mailbox("To"),
            "subject": str(msg["Subject"]),
            "message_id": str(msg["Message-ID"]),
            "list_unsubscribe": str(msg["List-Unsubscribe"]) if msg["List-Unsubscribe"] else None,
            "date": str(msg["Date"]),
            "text": body("plain"),
            "html": body("html"),
            "attachments": attachments,
        }
        name = "%06d" % next(self.counter)
        tmp = os.path.join(self.out, name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False)
        os.replace(tmp, os.path.join(self.out, name + ".json"))
        return "250 Message accepted"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    # Files already there (an earlier run of this sink on the same folder) keep their names.
    sink = Sink(args.out)
    existing = [f for f in os.listdir(args.out) if f.endswith(".json")]
    sink.counter = itertools.count(len(existing) + 1)
    controller = Controller(sink, hostname="127.0.0.1", port=args.port)
    controller.start()
    print("ready", flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    main()
