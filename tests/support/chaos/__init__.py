"""The chaos suite's machinery: a cluster of real processes, a faulty Graph API, a TCP proxy that
cuts the database, scripted residents, and the tally of what came through."""
