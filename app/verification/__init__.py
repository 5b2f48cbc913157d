"""The public verification page, `/v/<code>`: no sign-in, rate-limited, every lookup counted."""
