"""Residents' feedback: satisfaction surveys (IKM) and complaints."""
