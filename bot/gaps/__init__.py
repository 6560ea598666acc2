"""What the notes miss: the questions people asked that the notes could not
answer (declined, or marked 👎), kept by the bot and grouped by meaning."""
