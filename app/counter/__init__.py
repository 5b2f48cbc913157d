"""Assisted intake at the counter (the "Peluk Tanda Diri" practice).

A resident without a smartphone, or who simply walks in, is served at the office: an operator
answers the service's questions for them, uploads photos of their papers, and the request joins
the queue as if it came by chat. The resident then follows it on WhatsApp like anyone else.

- `forms`: the catalog's questions and documents as form inputs; answers checked as the bot does
- `identity`: the resident behind a phone number or an NIK (SQL in `repository`)
- `uploads`: the uploaded files per requirement, checked with the locker's intake checks
- `service`: checking a posted form, then taking the request down (resident, documents,
  request, message to the resident, audit)
"""
