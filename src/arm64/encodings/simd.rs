//! (to be filled)

encodings! {
}
