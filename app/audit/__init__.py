"""The audit log: who did what to which request, operator or setting, and when.

`service.record` writes its rows; the admin's audit page reads them, with document reads and
operators' request history, in `app.reports.audit_log`, above the domains it joins.
"""
