"""Builds the spaCy pipeline that Rasa's SpacyNLP loads.

No pretrained spaCy model can be downloaded where this assistant is built, so we use a blank
English pipeline whose only component is a lookup lemmatizer fed by `spacy-lookups-data`.
Lemmas let the count-vector featurizer and the crisis detector treat "threatening",
"threatened" and "threatens" alike.

Usage: python -m bot.nlu.spacy_pipeline OUTPUT_DIR
"""
import sys
from pathlib import Path

import spacy
from spacy.language import Language


def build_pipeline() -> Language:
    """Returns a blank English pipeline with lookup lemmas and nothing that needs a download."""
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


def main(argv: list) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    output = Path(argv[0])
    build_pipeline().to_disk(output)
    print(f"spaCy pipeline with lookup lemmas written to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
