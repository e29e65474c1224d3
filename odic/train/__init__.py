"""Training odic models: loss, data, and a resumable training loop."""
