"""Local stand-ins for the outside services the booking backends talk to, started by the tests."""
