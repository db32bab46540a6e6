"""Seed-data variants of the reference target: other category and reply-template ids, and
ids in the range a suite might think unknown. Applied once to a freshly seeded store."""

from __future__ import annotations

from conformance.reference.store import Store, new_key, now_iso

FAULTS: tuple[str, ...] = ()
VARIANTS: tuple[str, ...] = ("known-high-ids", "other-category-template", "template-variables")

CATEGORY_IDS = {"1": "7", "2": "8"}
TEMPLATE_IDS = {"1": "42", "2": "43"}
HIGH_TICKET, HIGH_ATTACHMENT, HIGH_TEMPLATE = 987654321, 987654320, "987654321"
FIRST_HIGH_ID = 1_000_000_000


def apply(store: Store, variants: frozenset[str]) -> None:
    with store.transaction():
        if "other-category-template" in variants:
            _renumber(store)
        if "known-high-ids" in variants:
            _high_ids(store)
        if "template-variables" in variants:  # the target fills variables of its own
            store.run("UPDATE reply_templates SET plain_body = 'Request %ticket.id% (%"
                      "ticket.title%):\n' || plain_body || '\n-- %user.name%'")


def _renumber(store: Store) -> None:
    for old, new in CATEGORY_IDS.items():
        store.run("UPDATE categories SET id = ? WHERE id = ?", new, old)
        store.run("UPDATE tickets SET category = ? WHERE category = ?", new, old)
    for old, new in TEMPLATE_IDS.items():
        store.run("UPDATE reply_templates SET id = ? WHERE id = ?", new, old)


def _high_ids(store: Store) -> None:
    stamp = now_iso()
    category = store.scalar("SELECT MIN(id) FROM categories")
    store.run("INSERT OR IGNORE INTO tickets (id, title, status, category, priority, owner,"
              " slevel, created_at, last_changed) VALUES (?, 'someone else''s ticket',"
              " 'open', ?, '1', '10', '2', ?, ?)", HIGH_TICKET, category, stamp, stamp)
    store.run("INSERT OR IGNORE INTO attachments VALUES (?, 'other.txt', 'text/plain', ?, ?,"
              " NULL)", HIGH_ATTACHMENT, b"not the suite's", new_key())
    store.run("INSERT OR IGNORE INTO reply_templates VALUES (?, 'Other', '',"
              " 'Other template: %message.body%', '<p>%message.bodyHtml%</p>')", HIGH_TEMPLATE)
    for table in ("tickets", "attachments", "messages"):
        store.run("UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = ?",
                  FIRST_HIGH_ID, table)
        if not store.scalar("SELECT 1 FROM sqlite_sequence WHERE name = ?", table):
            store.run("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", table,
                      FIRST_HIGH_ID)
