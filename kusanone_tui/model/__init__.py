"""The pure domain: events, the meeting state folded from them, visibility rules.

Nothing here imports Textual or touches the disk, so every process (facilitator, note-taker,
projector) derives the same state from the same events.
"""
