"""Notifications: the in-app centre, e-mail and group bots, and the daily digest.

``notify`` writes a :class:`~models.Notification` per recipient and, for each channel the
recipient chose, an outbox row (:class:`~models.Delivery`) in the caller's transaction. After
the transaction commits, the outbox is sent by a background job (:mod:`.sending`), so a
rolled-back change notifies nobody and a mail server that is down delays mail, never a page.
Recipients are always people who may see the object (:mod:`.recipients`).
"""
