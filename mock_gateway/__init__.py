"""The mock exchange (Flask app factory, mailboxes, GGk StUF endpoint): built in the exchange issue."""
