"""Time: deadlines falling due (the sweep), escalations and the notice outbox."""
