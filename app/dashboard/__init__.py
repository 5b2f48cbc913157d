"""The operator dashboard: server-rendered pages mounted at `/dashboard`."""
