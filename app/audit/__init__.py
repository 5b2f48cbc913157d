"""The audit log: who did what to which request, operator or setting, and when."""
