"""Files in and out: answers files, staff tables (CSV, .xlsx; encodings, sniffing, limits),
atomic and special-target output writing, and redaction of personal data."""
