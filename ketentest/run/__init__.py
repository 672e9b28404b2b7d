"""Running the chain library (`ketentest run`): an exchange to run on (embedded or given),
one session per scenario with its two parties, simulated or the system under test, and the
waiting, triggering and reporting around them. The Gherkin steps (ketentest.steps) drive it."""
