"""Reminders that arrive (SPEC §13): the daily digest by e-mail, pushes through Apprise, the
claims that send each of them once, and the schedule's pulse."""
