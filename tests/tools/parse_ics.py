#!/usr/bin/python3
"""Parses an iCalendar file with an independent parser (Debian's python3-icalendar) and
prints what the agenda tests check, as JSON: the events' fields (times also in UTC) and
the raw format checks (CRLF line ends, lines of at most 75 octets).

Usage: parse_ics.py FILE"""
import datetime
import json
import sys

from icalendar import Calendar


def main() -> int:
    raw = open(sys.argv[1], "rb").read()
    lines = raw.split(b"\r\n")
    checks = {
        "crlf": b"\n" not in raw.replace(b"\r\n", b""),
        "ends_with_crlf": raw.endswith(b"\r\n"),
        "max_octets": max(len(line) for line in lines),
        "utf8": True,
    }
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        checks["utf8"] = False
    cal = Calendar.from_ical(raw)
    out = {"checks": checks, "calendar": {}, "events": [], "timezones": []}
    for key in ("VERSION", "PRODID", "METHOD", "X-WR-CALNAME"):
        if key in cal:
            out["calendar"][key.lower()] = str(cal[key])
    for tz in cal.walk("VTIMEZONE"):
        out["timezones"].append(str(tz["TZID"]))
    for ev in cal.walk("VEVENT"):
        start = ev.decoded("DTSTART")
        end = ev.decoded("DTEND")
        e = {
            "uid": str(ev["UID"]),
            "dtstamp": ev.decoded("DTSTAMP").astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "dtstart_tzid": ev["DTSTART"].params.get("TZID"),
            "dtend_tzid": ev["DTEND"].params.get("TZID"),
            "dtstart_local": start.strftime("%Y-%m-%dT%H:%M"),
            "dtstart_utc": start.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "dtend_utc": end.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "sequence": int(ev.decoded("SEQUENCE")),
            "status": str(ev.get("STATUS", "")),
            "summary": str(ev.get("SUMMARY", "")),
            "description": str(ev.get("DESCRIPTION", "")),
            "location": str(ev.get("LOCATION", "")),
        }
        out["events"].append(e)
    json.dump(out, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
