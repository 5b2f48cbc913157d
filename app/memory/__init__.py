"""What a resident agreed Loket keeps between requests: consent, their own data, their subjects."""
