"""Developer tools: generators for the register and the reference docs."""
