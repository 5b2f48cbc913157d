"""Reports for operators: the figures page's aggregates and the CSV/XLSX export of requests."""
