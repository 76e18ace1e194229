"""Training the project's own models (`factcheck train ...`)."""
