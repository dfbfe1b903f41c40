"""The Textual app: home, facilitator, note-taker and projector screens."""
