"""`python -m app.flows.intents`: train, measure or try the intent classifier (see intent_eval.py).

Kept apart from the classifier so that the measuring code, which imports the classifier, is not
imported back by it.
"""

import sys

from app.flows.intent_eval import main

if __name__ == "__main__":
    sys.exit(main())
