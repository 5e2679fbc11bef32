#!/usr/bin/python3
"""Which tables and indexes a server's transactions write, from a copy of its WAL.

    bench/load/wal_pages.py DATABASE WAL [LAST]

DATABASE and WAL are copies of data/pacte.sqlite3 and data/pacte.sqlite3-wal taken while
the server runs (docs/performance.md, "Where the time goes"). Prints the number of
transactions in the WAL, the pages each writes on average, and, over the LAST (default
200) transactions, the pages written per transaction in each b-tree (from SQLite's dbstat
view; pages added after the copy of the database count as "(new page)").

The WAL format: a 32-byte header, then frames of a 24-byte header (page number, and the
database size in pages on the last frame of a commit, else 0; then the salts of the
header) and one page (https://www.sqlite.org/fileformat2.html#walformat)."""
import collections
import sqlite3
import struct
import sys


def frames(wal):
    raw = open(wal, "rb").read()
    page_size = struct.unpack(">I", raw[8:12])[0]
    salt = raw[16:24]
    off = 32
    while off + 24 + page_size <= len(raw):
        page, commit = struct.unpack(">II", raw[off:off + 8])
        if raw[off + 8:off + 16] != salt:  # frames of an earlier generation of the WAL
            break
        yield page, commit
        off += 24 + page_size


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    database, wal = sys.argv[1], sys.argv[2]
    last = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    owner = {page: name for name, page in sqlite3.connect(database).execute("SELECT name, pageno FROM dbstat")}
    transactions, current = [], []
    for page, commit in frames(wal):
        current.append(page)
        if commit:
            transactions.append(current)
            current = []
    if not transactions:
        sys.exit("no committed transaction in " + wal)
    print(f"{len(transactions)} transactions, {sum(map(len, transactions)) / len(transactions):.1f} pages each")
    sample = transactions[-last:]
    counts = collections.Counter(owner.get(p, "(new page)") for t in sample for p in t)
    for name, n in counts.most_common():
        print(f"{n / len(sample):6.2f}  {name}")


if __name__ == "__main__":
    main()
