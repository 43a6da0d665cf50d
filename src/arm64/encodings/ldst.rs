//! (to be filled)

encodings! {}
