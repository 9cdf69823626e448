//! Version orderings of every ecosystem Proven matches.
