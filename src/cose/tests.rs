//! Unit tests of the foreign COSE_Sign1 verifier.
