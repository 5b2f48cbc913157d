"""Operators (office staff and administrators), their passwords, API tokens and scope."""
