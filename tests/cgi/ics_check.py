#!/usr/bin/python3
"""Read a calendar file as calendar programs do: with Debian's
python3-icalendar (run as /usr/bin/python3). Prints one line per
property of each event, in a fixed order, for tests/cgi/test_booking.c:

    uid=...  start=2026-12-04T08:15:00+01:00  end=...  summary=...
    location=...  status=...  description=... (newlines as \\n)

Exit status 2 if the file does not parse or has no event."""
import sys

import icalendar


def main():
    with open(sys.argv[1], "rb") as f:
        cal = icalendar.Calendar.from_ical(f.read())
    events = [c for c in cal.walk() if c.name == "VEVENT"]
    if not events:
        return 2
    for e in events:
        print("uid=%s" % e["UID"])
        print("start=%s" % e.decoded("DTSTART").isoformat())
        print("end=%s" % e.decoded("DTEND").isoformat())
        print("summary=%s" % e["SUMMARY"])
        print("location=%s" % e.get("LOCATION", ""))
        print("status=%s" % e.get("STATUS", ""))
        print("description=%s" % str(e.get("DESCRIPTION", "")).replace("\n", "\\n"))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (ValueError, KeyError, OSError) as err:
        print("ics_check: %s" % err, file=sys.stderr)
        sys.exit(2)
