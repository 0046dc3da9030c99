"""digest email: an edition as a newsletter message, written as .eml or sent over SMTP."""
