"""Reports: timeliness against the limits and the annual report."""
