"""Provider webhooks in: Xero and QuickBooks Online tell Patchbay that something changed.

A notification is only a hint. A verified one wakes the sync of each matching connection
soon (debounced: a burst makes one run); an unverified one is refused and recorded. The
sync itself reads the changes as it always does, and polling stays the backstop.
"""
