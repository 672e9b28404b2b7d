"""`python -m ketentest`: the same command as `ketentest`."""
from .cli import main

if __name__ == "__main__":
    main()
